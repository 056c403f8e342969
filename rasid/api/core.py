"""The Python API: everything the CLI does, callable from code.

    from rasid.api import Rasid
    with Rasid("reports.db") as rasid:
        report = rasid.analyze(["reports/"])
        for hit in rasid.search("القوات الروسية"):
            print(hit.article.title, hit.score)
        result = rasid.check("انسحبت القوات الروسية من مدينة حلب")
        print(result.label, [s.article.source for s in result.sources])
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rasid.api.search import SearchResult, search
from rasid.document import Document
from rasid.indexing import PhaseProgress
from rasid.ingest.readers import DEFAULT_MAX_BYTES
from rasid.ingest.runner import BatchRunner, Ingestor, IngestReport
from rasid.pipeline import Pipeline
from rasid.records import ArticleRow
from rasid.stages import default_pipeline
from rasid.store import Store, open_store

if TYPE_CHECKING:
    from rasid.api.events import EventFilter, EventPage
    from rasid.ingest.parallel import WorkerPool
    from rasid.verify.track_record import OutletRecord
    from rasid.verify.types import CheckResult


def sample_corpus_path() -> Path:
    """The bundled sample corpus (Arabic reports written for Rasid)."""
    import rasid

    return Path(rasid.__file__).resolve().parent / "data" / "sample"


def _parallel(
    workers: int, pool: WorkerPool | None, paths: Sequence[str | Path], batch_size: int
) -> BatchRunner | None:
    """The ingest runner for `workers` processes (or `pool`); None: the pipeline in this process.

    A batch is the unit of work, so an input of one batch (a few files) is analysed here: starting
    workers and loading their models would cost more than it saves.
    """
    if pool is None and workers > 1:
        from rasid.ingest.runner import count_records

        workers = min(workers, -(-count_records(paths) // max(1, batch_size)))
    if pool is None and workers <= 1:
        return None
    from rasid.ingest.parallel import Parallel

    return Parallel(workers, pool)


class Rasid:
    def __init__(self, db: str | Path = "rasid.db", *, pipeline: Pipeline | None = None):
        self.store: Store = open_store(str(db))
        self._pipeline = pipeline

    @property
    def pipeline(self) -> Pipeline:
        if self._pipeline is None:
            self._pipeline = default_pipeline()
        return self._pipeline

    def analyze(
        self,
        paths: Sequence[str | Path],
        *,
        source: str | None = None,
        published: dt.date | None = None,
        max_bytes: int = DEFAULT_MAX_BYTES,
        batch_size: int = 200,
        on_error: Callable[[str], None] | None = None,
        on_progress: Callable[[int], None] | None = None,
        on_warning: Callable[[str], None] | None = None,
        cross_check: bool = True,
        progress: PhaseProgress | None = None,
        workers: int = 1,
        pool: WorkerPool | None = None,
        dask: str | None = None,
    ) -> IngestReport:
        """Store and analyse the articles under `paths`, then finish every pending step.

        Pending work is what an interrupted run (or an older version) left: stored articles in no
        story are grouped with the new ones, and stages that failed under another Rasid version are
        run again. An interruption (KeyboardInterrupt) keeps what was committed and sets
        `report.interrupted`; the same call finishes the job. `progress(phase, done, total)`
        follows each phase ("analyzing", "grouping stories", …) against a total counted up front.
        `workers` > 1 runs the pipeline in that many worker processes (models loaded once in each)
        and stores through this process, in input order: the database and the stories are what
        `workers=1` gives (an input of one batch is analysed in this process). `pool`: an
        `rasid.ingest.parallel.AnalysisPool` already started, reused. `dask`: the address of a Dask
        scheduler, or "local" for a cluster of `workers` processes on this machine; the pipeline runs
        on its workers, one partition (batch) per task, and this process stores as above.
        """
        if dask is not None and pool is None:
            from rasid.ingest.dask_pool import DaskPool

            with DaskPool(self.pipeline, dask, workers) as cluster:
                return self.analyze(
                    paths, source=source, published=published, max_bytes=max_bytes, batch_size=batch_size,
                    on_error=on_error, on_progress=on_progress, on_warning=on_warning, cross_check=cross_check,
                    progress=progress, workers=cluster.workers, pool=cluster,
                )
        ingestor = Ingestor(
            self.store,
            self.pipeline,
            after_store=self._after_store,
            source=source,
            published=published,
            max_bytes=max_bytes,
            batch_size=batch_size,
            on_error=on_error,
            on_progress=on_progress,
            progress=progress,
            runner=_parallel(workers, pool, paths, batch_size),
        )
        if on_warning is not None:
            ingestor.on_warning = on_warning
        report = ingestor.run(paths)
        if report.interrupted:
            return report
        try:
            ingestor.retry_stage_failures(report)
            if cross_check:
                report.grouped = self._group_pending(progress)
                self.refresh_track_records(progress)
        except KeyboardInterrupt:  # each step commits as a whole; the next run redoes the one cut short
            report.interrupted = True
        return report

    def finish(self, *, progress: PhaseProgress | None = None) -> IngestReport:
        """Finish what earlier runs left pending (`analyze` with no new paths)."""
        return self.analyze([], progress=progress)

    def _after_store(self, article_id: int, doc: Document, /, *, stages: Collection[str] | None = None) -> None:
        """Per-article indexing done inside the article's transaction (entities, events)."""
        from rasid.indexing import index_article

        index_article(self.store, article_id, doc, stages=stages)

    def cross_check(self, article_ids: Sequence[int]) -> None:
        """Group the given stored articles into stories (done by `analyze` unless cross_check=False)."""
        from rasid.indexing import after_ingest

        after_ingest(self.store, article_ids)
        self.refresh_track_records()

    def refresh_track_records(self, progress: PhaseProgress | None = None) -> int:
        """Recompute the per-outlet track record of the stories that changed; how many were."""
        from rasid.verify.track_record import refresh_track_records

        return refresh_track_records(self.store, progress=progress)

    def _group_pending(self, progress: PhaseProgress | None) -> int:
        """Group every stored article in no story: this run's and any an interrupted run left."""
        from rasid.indexing import group_pending

        return group_pending(self.store, progress=progress)

    def search(self, query: str, *, limit: int = 10) -> list[SearchResult]:
        return search(self.store, query, limit=limit)

    def check(self, claim: str, *, as_of: dt.date | None = None, limit: int = 12, remember: bool = True) -> CheckResult:
        """Check a claim against the stored reports (as `rasid check`): label, sources, passages, reasons.

        Models are loaded once per process, so repeated checks (an HTTP API) pay only the check.
        Raises `rasid.verify.check.ClaimError` for a claim too long or not in Arabic. `remember`: keep the
        label (without `as_of`) so that a later check giving another one is a `verdict_changed` change.
        """
        from rasid.extract.changes import remember_verdict
        from rasid.verify.check import check_claim

        result = check_claim(self.store, claim, as_of=as_of, limit=limit)
        if remember and as_of is None:  # so that a re-check whose label differs is a `verdict_changed` change
            remember_verdict(self.store, claim, result.label, result.sources)
        return result

    def outlets(self) -> dict[str, OutletRecord]:
        """Each outlet's track record (facts contradicted by the majority, agreed, retractions, recycled)."""
        from rasid.verify.track_record import track_records_for

        self.refresh_track_records()
        return track_records_for(self.store)

    def events(self, filt: EventFilter | None = None, *, limit: int = 100, cursor: str | None = None) -> EventPage:
        """One page of stored events (reviewed values applied), the count of all matches and the
        next page's cursor (`rasid.api.events.query_events`)."""
        from rasid.api.events import EventFilter, query_events

        return query_events(self.store, filt or EventFilter(), limit=limit, cursor=cursor)

    def review(
        self, event_id: str, action: str, *, changes: dict[str, Any] | None = None, note: str = "", reviewer: str = ""
    ) -> dict[str, Any]:
        """Confirm, correct or reject an event; the event as it now reads, with its review history.
        Raises `rasid.store.reviews.ReviewError` (`UnknownEventError` for an unknown event)."""
        from rasid.store.reviews import add_review

        return add_review(self.store, event_id, action, changes=changes, note=note, reviewer=reviewer)

    def reviews(self) -> list[dict[str, Any]]:
        """Every stored review, oldest first."""
        from rasid.store.reviews import all_reviews

        return all_reviews(self.store)

    def articles(self) -> Iterator[ArticleRow]:
        return self.store.articles()

    def document(self, article_id: int) -> Document:
        return self.store.load_document(article_id)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Rasid:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
