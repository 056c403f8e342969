"""The batch path on a Dask cluster: partitions of the input analysed by Dask workers.

`DaskPool` stands in for `AnalysisPool` in `rasid.ingest.parallel`: this process still reads the
input, skips what is stored, and stores every result through one writer in input order, so the
database and the stories are the ones a single process makes (on SQLite or PostgreSQL). What moves
to the cluster is the pipeline: each partition (one batch of articles) is one task.

- Models are loaded once per worker process: a task carries only the pipeline's stage names (a few
  bytes), and the worker builds the pipeline the first time it needs it, then keeps it.
- A worker that dies (killed, out of memory, its machine gone) loses nothing: the scheduler gives
  its partitions to another worker. A partition that kills every worker it is given is analysed
  one article at a time, and the article that still kills its worker is reported as an error,
  as the process pool does. Re-runs are idempotent: stored articles are never sent again.
- Workers must run the same Rasid version as this process (checked per task, with a clear error).

`--dask local` starts a `LocalCluster` of `workers` single-threaded worker processes on this
machine; `--dask tcp://host:8786` uses a running scheduler (see docs/SCALE.md).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from typing import Any

from rasid.document import Document
from rasid.ingest.parallel import Outcome, _pipeline_spec
from rasid.pipeline import Pipeline

_built: dict[bytes, Pipeline] = {}
_build_lock = threading.Lock()
_run_lock = threading.Lock()


class DaskUnavailableError(RuntimeError):
    """dask.distributed is not installed, or the scheduler cannot be reached."""


def _worker_pipeline(spec: bytes) -> Pipeline:
    """This worker's pipeline for `spec`, built (models loaded) on first use and kept."""
    with _build_lock:
        pipeline = _built.get(spec)
        if pipeline is None:
            from rasid.ingest.parallel import _init_worker_pipeline

            pipeline = _init_worker_pipeline(spec)
            _built.clear()  # one pipeline per worker: another spec replaces it
            _built[spec] = pipeline
        return pipeline


def analyse_partition(spec: bytes, version: str, docs: Sequence[Document]) -> list[Outcome | str]:
    """The task run on a Dask worker: one result per document, as `rasid.ingest.parallel.analyse` gives."""
    import rasid
    from rasid.ingest.parallel import analyse_with

    if version != rasid.__version__:
        raise RuntimeError(
            f"this Dask worker runs Rasid {rasid.__version__}, the client {version}; install the same version on every worker"
        )
    with _run_lock:  # one partition at a time per worker process: the pipeline is not shared between threads
        return analyse_with(_worker_pipeline(spec), docs)


def _worker_pid() -> int:
    return os.getpid()


class DaskPool:
    """Analyse batches on a Dask cluster (`address` of a scheduler, or "local" for a `LocalCluster`)."""

    def __init__(self, pipeline: Pipeline, address: str, workers: int = 2):
        try:
            from distributed import Client, LocalCluster
        except ImportError as exc:  # the `dask` extra is optional
            raise DaskUnavailableError(
                "--dask needs dask.distributed: pip install 'rasid[dask]'"
            ) from exc
        import rasid

        self._spec = _pipeline_spec(pipeline)
        self._version = rasid.__version__
        self._cluster: Any = None
        if address == "local":
            self._cluster = LocalCluster(
                n_workers=max(1, workers), threads_per_worker=1, processes=True, dashboard_address=None,
                silence_logs=40,
            )
            self._client: Any = Client(self._cluster)
        else:
            try:
                self._client = Client(address, timeout="20s")
            except (OSError, TimeoutError) as exc:
                raise DaskUnavailableError(
                    f"cannot reach the Dask scheduler at {address} ({exc}); start it (`dask scheduler`) or check the address"
                ) from exc
        from distributed import KilledWorker

        # What a task raises when the workers it was given kept dying.
        self.lost_errors: tuple[type[BaseException], ...] = (KilledWorker,)
        self.workers = max(1, sum(self._client.nthreads().values()))
        self.max_in_flight = 2 * self.workers

    def submit(self, docs: Sequence[Document]) -> Any:
        # pure=False: the same articles sent again (after a crash) are a new task, not the old result.
        return self._client.submit(analyse_partition, self._spec, self._version, list(docs), pure=False)

    def start(self) -> list[int]:
        """Wait until every worker has built its pipeline (models loaded); their process ids."""
        warm = [Document(id="warm-up", text="قصف على بلدة في ريف إدلب.", language="ar", content_hash="warm-up")]
        self._client.run(analyse_partition, self._spec, self._version, warm)
        return self.pids()

    def pids(self) -> list[int]:
        return sorted(int(p) for p in self._client.run(_worker_pid).values())

    def restart(self) -> None:
        """Nothing to do: the cluster replaces a dead worker and reschedules its tasks itself."""

    def abort(self) -> None:
        self.close()

    def close(self) -> None:
        try:
            self._client.close()
        finally:
            if self._cluster is not None:
                self._cluster.close()
            self._cluster = None

    def __enter__(self) -> DaskPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

