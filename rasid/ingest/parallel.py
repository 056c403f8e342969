"""Ingest on every core: the pipeline in worker processes, one writer in this process.

The pipeline is pure (a Document in, an annotated Document out), so batches of articles are
sent to worker processes, each with its own pipeline and models (built once, in the worker's
initializer). This process keeps everything that depends on the database: it reads the input,
skips articles already stored, takes the near-duplicate decisions and stores the results, one
batch per transaction, in input order. The database is therefore what one process makes of the
same input, batch for batch: an article already stored is not sent; one whose copy is in an
earlier batch still in flight is sent, and found stored when its batch is written (as one
process finds it). Results come back without tokens (not stored; about 10× cheaper to send).

Workers are started with "forkserver" (else "spawn"): a fork of this process would copy its
threads (the progress display's) and its open SQLite connection, which must never be used in
a child; forkserver forks each worker from a clean server process that has imported Rasid
once, so a worker starts in a fraction of a second and loads only its models.

At most `2 × workers` batches are in flight, so memory does not grow with the input. Workers
ignore SIGINT: Ctrl-C reaches this process, which stops them; what was committed stays, and a
re-run finishes the job. A worker that dies (a crash in native code, the memory killer) costs
only the article it was analysing: its batch is analysed again one article at a time in fresh
workers, the one that kills its worker again is reported as an error, and the run goes on.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import pickle
import signal
import threading
import time
from collections import deque
from collections.abc import Iterable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, Protocol

from rasid.document import Document
from rasid.errors import IngestError
from rasid.pipeline import Failed, Pipeline

if TYPE_CHECKING:
    from rasid.ingest.runner import Ingestor, IngestReport, Prepared

CRASHED = "analysis stopped: the worker process analysing it died"
_WARM_TEXT = "قال مصدر محلي إن قصفاً استهدف بلدة في ريف إدلب الجنوبي يوم الأحد، ما أدى إلى مقتل مدنيين اثنين."


@dataclass(frozen=True)
class Outcome:
    """A worker's result for one article: its prepared analysis and the stage that failed, if any.

    The Document comes back without its tokens: they are not stored (the search text and the
    signature made from them are in `prepared`), and leaving them out makes the result about
    ten times cheaper to send. A stage's exception is sent as its type name and message.
    """

    prepared: Prepared
    failed_stage: str | None = None
    error_type: str = ""
    error_message: str = ""

    def failure(self) -> Failed | None:
        if self.failed_stage is None:
            return None
        error = _error_class(self.error_type)(self.error_message)
        return Failed(doc=self.prepared.doc, stage=self.failed_stage, error=error)


@cache
def _error_class(name: str) -> type[Exception]:
    """An exception class named like the worker's, so the recorded failure reads the same."""
    return type(name or "Exception", (Exception,), {})


# -- in the worker ---------------------------------------------------------------------------

_pipeline: list[Pipeline] = []


def _pipeline_spec(pipeline: Pipeline) -> bytes:
    """What a worker needs to build the same pipeline: its registered stage names, else the pipeline itself."""
    if pipeline.built_from is not None:
        return pickle.dumps(("names", pipeline.built_from, pipeline.strict))
    try:
        return pickle.dumps(("pipeline", pipeline))
    except Exception as exc:  # lambdas, open models…
        raise ValueError(
            f"this pipeline cannot be sent to worker processes ({type(exc).__name__}: {exc}); use workers=1"
        ) from exc


def _init_worker(spec: bytes, parent: int) -> None:
    """Build the pipeline and load its models, once per worker; Ctrl-C is the main process's to handle."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_with, args=(parent,), name="rasid-parent-watch", daemon=True).start()
    _pipeline[:] = [_init_worker_pipeline(spec)]


def _init_worker_pipeline(spec: bytes) -> Pipeline:
    """The pipeline `spec` describes, its models and lexicons loaded (not inside the first batch)."""
    kind, *rest = pickle.loads(spec)
    if kind == "names":
        from rasid.stages import build_pipeline

        names, strict = rest
        pipeline: Pipeline = build_pipeline(names, strict=strict)
    else:
        pipeline = rest[0]
    warm = Document(id="warm-up", text=_WARM_TEXT, language="ar", content_hash="warm-up")
    pipeline.run_batch_kept([warm])
    return pipeline


def _exit_with(parent: int) -> None:
    """End this worker soon after the main process is gone (`kill -9`): nobody would read its results,
    and it would hold the terminal's or a caller's pipes open. A killed process not yet reaped by its
    own parent (a zombie) counts as gone: that parent may be waiting for those very pipes to close."""
    import psutil

    try:
        main = psutil.Process(parent)
        born = main.create_time()
    except psutil.Error:
        os._exit(1)
    while True:
        time.sleep(0.5)
        try:
            if main.create_time() == born and main.status() != psutil.STATUS_ZOMBIE:
                continue
        except psutil.NoSuchProcess:
            pass
        except psutil.Error:  # exists, but cannot be read: leave it
            continue
        os._exit(1)


def analyse(docs: Sequence[Document]) -> list[Outcome | str]:
    """The worker's task: one result per document, an `Outcome` or the error that makes it skipped."""
    return analyse_with(_pipeline[0], docs)


def analyse_with(pipeline: Pipeline, docs: Sequence[Document]) -> list[Outcome | str]:
    """`docs` through `pipeline`, each result made ready to send back to the writer."""
    from rasid.ingest.runner import _collector_paused, _prepared

    out: list[Outcome | str] = []
    with _collector_paused():
        for result in pipeline.run_batch_kept(docs):
            annotated = result.doc if isinstance(result, Failed) else result
            try:
                prepared = _prepared(annotated)
            except Exception as exc:  # as in one process: this article is skipped, the others go on
                out.append(f"analysis failed ({type(exc).__name__}: {exc})")
                continue
            slim = dataclasses.replace(prepared, doc=prepared.doc.evolve(tokens=()))
            if isinstance(result, Failed):
                name, message = type(result.error).__name__, str(result.error)
                out.append(Outcome(slim, result.stage, name, message))
            else:
                out.append(Outcome(slim))
    return out


def _ping() -> int:
    return os.getpid()


# -- in the main process ---------------------------------------------------------------------


def start_method() -> str:
    """forkserver where the platform has it (Linux, macOS), else spawn (see the module's docstring)."""
    return "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"


class WorkerPool(Protocol):
    """Where batches are analysed: `AnalysisPool` (processes here) or `rasid.ingest.dask_pool.DaskPool`."""

    workers: int
    max_in_flight: int
    lost_errors: tuple[type[BaseException], ...]

    def submit(self, docs: Sequence[Document]) -> Any: ...

    def start(self) -> list[int]: ...

    def pids(self) -> list[int]: ...

    def restart(self) -> None: ...

    def abort(self) -> None: ...

    def close(self) -> None: ...


class AnalysisPool:
    """`workers` processes, each with its own pipeline built from `pipeline`, analysing batches."""

    def __init__(self, pipeline: Pipeline, workers: int):
        self.workers = max(1, workers)
        self.max_in_flight = 2 * self.workers
        self._spec = _pipeline_spec(pipeline)
        self._context = multiprocessing.get_context(start_method())
        if start_method() == "forkserver":
            # The server imports Rasid's pipeline modules once; each worker is forked from it.
            self._context.set_forkserver_preload(["rasid.ingest.parallel", "rasid.stages", "rasid.ingest.runner"])
        self._executor: ProcessPoolExecutor | None = None

    def _pool(self) -> ProcessPoolExecutor:
        if self._executor is None:
            self._executor = ProcessPoolExecutor(
                self.workers, mp_context=self._context, initializer=_init_worker, initargs=(self._spec, os.getpid())
            )
        return self._executor

    # What a task's result raises when the worker analysing it died.
    lost_errors: tuple[type[BaseException], ...] = (BrokenProcessPool,)

    def submit(self, docs: Sequence[Document]) -> Future[list[Outcome | str]]:
        return self._pool().submit(analyse, list(docs))

    def start(self) -> list[int]:
        """Start every worker and wait until each has loaded its models; their process ids."""
        pool = self._pool()
        pids: set[int] = set()
        while len(pids) < self.workers:
            # Each worker answers one ping at a time; a round of `workers` pings may meet the same one twice.
            pids.update(f.result() for f in [pool.submit(_ping) for _ in range(self.workers)])
        return sorted(pids)

    def pids(self) -> list[int]:
        processes = getattr(self._executor, "_processes", None) or {}
        return [p.pid for p in processes.values() if p.pid is not None]

    def restart(self) -> None:
        """New workers after one died (the old pool is broken: every task it had is lost). The old
        workers are stopped, not waited for: waiting on a broken pool's shutdown can hang."""
        self.abort()

    def abort(self) -> None:
        """Stop at once (an interruption): queued tasks are dropped and running workers terminated."""
        if self._executor is None:
            return
        processes = list((getattr(self._executor, "_processes", None) or {}).values())
        self._executor.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            if process.is_alive():
                process.terminate()
        for process in processes:
            process.join(timeout=5)
        self._executor = None

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True)
        self._executor = None

    def __enter__(self) -> AnalysisPool:
        return self

    def __exit__(self, *exc: object) -> None:
        if exc[0] is None:
            self.close()
        else:
            self.abort()


@dataclass
class _InFlight:
    """A batch sent for analysis: how many records it held, how many were already stored, what was sent."""

    size: int
    unchanged: int
    docs: list[Document]
    future: Any  # a concurrent.futures or Dask future of list[Outcome | str], or None


class Parallel:
    """`Ingestor.run_documents` with the pipeline in worker processes (an `Ingestor` runner).

    `pool`: an already started pool to use (left open); else one of `workers` processes is
    started for the run and closed after it.
    """

    def __init__(self, workers: int, pool: WorkerPool | None = None):
        self.workers = workers
        self.pool = pool

    def __call__(self, ingestor: Ingestor, docs: Iterable[Document], report: IngestReport, /) -> IngestReport:
        if self.pool is not None:
            return _run(ingestor, self.pool, docs, report)
        pool = AnalysisPool(ingestor.pipeline, self.workers)
        try:
            return _run(ingestor, pool, docs, report)
        finally:
            if report.interrupted:
                pool.abort()
            else:
                pool.close()


def _run(ingestor: Ingestor, pool: WorkerPool, docs: Iterable[Document], report: IngestReport) -> IngestReport:
    in_flight: deque[_InFlight] = deque()
    batch: list[Document] = []
    try:
        for doc in docs:
            batch.append(doc)
            if len(batch) >= ingestor.batch_size:
                in_flight.append(_send(ingestor, pool, batch))
                batch = []
                while len(in_flight) >= pool.max_in_flight:
                    _write(ingestor, pool, in_flight, report)
        if batch:
            in_flight.append(_send(ingestor, pool, batch))
        while in_flight:
            _write(ingestor, pool, in_flight, report)
    except KeyboardInterrupt:
        report.interrupted = True
        pool.abort()
    except BaseException:
        pool.abort()
        raise
    return report


def _send(ingestor: Ingestor, pool: WorkerPool, batch: list[Document]) -> _InFlight:
    """Send the batch's articles not stored yet; the others are counted as one process counts them."""
    fresh, unchanged = ingestor._fresh(batch)
    return _InFlight(len(batch), unchanged, fresh, pool.submit(fresh) if fresh else None)


def _write(ingestor: Ingestor, pool: WorkerPool, in_flight: deque[_InFlight], report: IngestReport) -> None:
    """Store the oldest batch in flight once analysed, exactly as one process would have."""
    from rasid.ingest.runner import _collector_paused

    head = in_flight.popleft()
    outcomes = _outcomes(pool, head, in_flight)
    with _collector_paused():
        prepared: list[tuple[Prepared, Failed | None]] = []
        unchanged = head.unchanged
        for doc, outcome in zip(head.docs, outcomes, strict=True):
            # An earlier batch, still in flight when this one was sent, may have stored the same text.
            if ingestor.store.find_by_hash(doc.content_hash) is not None:
                unchanged += 1
                continue
            if isinstance(outcome, str):
                ingestor._error(report, IngestError(outcome, origin=doc.origin))
                continue
            prepared.append((outcome.prepared, outcome.failure()))
        ingestor._commit(head.size, prepared, unchanged, report)


def _outcomes(pool: WorkerPool, head: _InFlight, in_flight: deque[_InFlight]) -> list[Outcome | str]:
    """The head batch's results; after a worker died, its articles one by one, and the rest sent again."""
    if head.future is None:
        return []
    try:
        return head.future.result()
    except pool.lost_errors:
        pass
    pool.restart()
    outcomes = [_alone(pool, doc) for doc in head.docs]
    for item in in_flight:
        item.future = _resent(pool, item)
    return outcomes


def _alone(pool: WorkerPool, doc: Document) -> Outcome | str:
    try:
        return pool.submit([doc]).result()[0]
    except pool.lost_errors:
        pool.restart()
        return CRASHED


def _resent(pool: WorkerPool, item: _InFlight) -> Any:
    """A batch's future that holds its results: its own if it finished before the crash, else a new one."""
    future = item.future
    if future is None:
        return None
    if future.done() and not future.cancelled() and future.exception() is None:
        return future
    return pool.submit(item.docs)


def worker_rss_mb(pool: AnalysisPool) -> list[float]:
    """Resident memory of each of the pool's workers, in MB (those psutil can see)."""
    import psutil

    sizes: list[float] = []
    for pid in pool.pids():
        try:
            sizes.append(psutil.Process(pid).memory_info().rss / 1e6)
        except psutil.Error:
            continue
    return sizes

