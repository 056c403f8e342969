"""Ingest: read files, build Documents, run the pipeline, store the result.

Work is committed in batches, one transaction each. A failure in one file is reported and
skipped; an interruption rolls back only the unfinished batch, and a re-run skips
everything already stored (content hash), so it finishes the job. A stage that raises on an
article costs only that stage: the article is stored with what the stages before it produced,
the failure is recorded with the Rasid version, and a later version runs the stage again.
"""

from __future__ import annotations

import datetime as dt
import gc
import gzip
import hashlib
import re
import stat
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Protocol

from rasid import __version__
from rasid.document import Document
from rasid.errors import IngestError
from rasid.ingest.clean import clean_text
from rasid.ingest.dedup import NEAR_DUPLICATE_THRESHOLD, Signature, signature
from rasid.ingest.readers import DEFAULT_MAX_BYTES, JSONL_SUFFIXES, RawArticle, discover, read_file
from rasid.knowledge.outlet_names import canonical_outlet
from rasid.pipeline import Failed, Pipeline
from rasid.store.base import Store
from rasid.text.lang import detect_language
from rasid.text.normalize import normalize_text
from rasid.text.tokens import search_terms

MIN_HTML_WORDS = 8
_WORD_RE = re.compile(r"[^\W\d_]{2,}")


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while one batch is analysed and stored.

    A batch keeps thousands of small objects per article alive until it is stored (tokens,
    mentions, events), and every automatic collection traverses all of them again: with the
    default thresholds that was ~1.4 ms per article, 7% of the pipeline, for nothing, since
    the analysis builds no reference cycles (each article's objects are freed by reference
    counting once the batch is stored). The young generations are collected once the batch
    is done, so any cyclic garbage a stage still makes lives at most one batch.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.collect(1)
        _freeze_loaded()


_FROZEN: list[bool] = []


def _freeze_loaded() -> None:
    """Once per process, after the first batch: move what is alive then (models, lexicons, memos:
    millions of objects, all kept until exit) out of the collector's sight (`gc.freeze`), so the
    automatic full collections stop traversing them (~0.5 ms per article on real text). The
    batch's own articles are freed before this (see `_flush`), and the collection above has just
    taken any cyclic garbage, so only live objects are frozen."""
    if not _FROZEN:
        _FROZEN.append(True)
        gc.freeze()


class AfterStore(Protocol):
    """Indexes a stored article inside its transaction (mentions, events).

    `stages`: index only what those stages produced, replacing the article's rows (stages run
    again on a stored article); None: everything the Document holds (a new article). With worker
    processes the Document comes without its tokens, which are not stored either.
    """

    def __call__(
        self, article_id: int, doc: Document, /, *, stages: Collection[str] | None = None
    ) -> None: ...


class BatchRunner(Protocol):
    """Does what `Ingestor.run_documents` does, another way (`rasid.ingest.parallel.Parallel`)."""

    def __call__(self, ingestor: Ingestor, docs: Iterable[Document], report: IngestReport, /) -> IngestReport: ...


@dataclass(frozen=True)
class StageFailureNote:
    """An article stored although one of its stages raised (the later stages did not run)."""

    origin: str
    doc_id: str
    stage: str
    error: str


@dataclass
class IngestReport:
    """What a run did. Counts are of committed work only: a batch rolled back is not counted."""

    files: int = 0
    seen: int = 0
    added: int = 0
    unchanged: int = 0
    near_duplicates: int = 0
    errors: list[str] = field(default_factory=list)
    added_ids: list[int] = field(default_factory=list)
    interrupted: bool = False
    stage_failures: list[StageFailureNote] = field(default_factory=list)
    retried: int = 0  # stored articles whose failed stage was run again (after an upgrade)
    retry_fixed: int = 0  # of which every stage now succeeds
    grouped: int = 0  # articles placed in stories by this run (new ones and any left by an interrupted run)

    def failures_by_stage(self) -> dict[str, int]:
        """How many articles were stored with each stage failed, most frequent first."""
        return dict(Counter(f.stage for f in self.stage_failures).most_common())


@dataclass
class _Batch:
    """What one batch's transaction stored, applied to the report once it commits."""

    unchanged: int = 0
    near_duplicates: int = 0
    added_ids: list[int] = field(default_factory=list)
    failures: list[StageFailureNote] = field(default_factory=list)


@dataclass(frozen=True)
class Prepared:
    doc: Document
    search_text: str
    title_terms: str
    signature: Signature | None


def _content_hash(text: str) -> str:
    # Normalised and whitespace-insensitive, so re-saved or re-wrapped copies count as the same.
    folded = " ".join(normalize_text(text).split())
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()


@lru_cache(maxsize=1)
def _masthead_names() -> frozenset[str]:
    from rasid.knowledge.actors import load_outlets

    return frozenset(" ".join(n.split()) for o in load_outlets().all() for n in (*o.names, *o.line_cues))


def _detect_outlet(text: str, url: str | None) -> tuple[str | None, str | None, frozenset[str]]:
    from rasid.knowledge.actors import load_outlets

    found = load_outlets().detect(text, url)
    if found is None:
        return None, None, _masthead_names()
    return found.outlet.name_ar, f"{found.evidence}: {found.matched}", _masthead_names()


def build_document(
    raw: RawArticle,
    *,
    source: str | None = None,
    published: dt.date | None = None,
) -> Document:
    """Turn one raw article into a Document with clean text and metadata (no annotations yet)."""
    body = raw.body
    title = raw.title
    url = raw.url
    date = raw.published or published
    meta: dict[str, object] = {"encoding": raw.encoding, "input": raw.kind}
    if raw.kind == "html":
        import trafilatura

        try:
            extracted = trafilatura.bare_extraction(
                body,
                url=url,
                with_metadata=True,
                include_comments=False,
                include_tables=False,
                favor_precision=True,
            )
        except Exception as exc:  # trafilatura raises many types on broken markup
            raise IngestError(f"HTML could not be parsed ({type(exc).__name__}: {exc})") from exc
        text = getattr(extracted, "text", None) if extracted is not None else None
        # Extractors fall back to any text on the page; a handful of words is navigation, not a report.
        if not text or len(_WORD_RE.findall(text)) < MIN_HTML_WORDS:
            raise IngestError("HTML has no article body (nothing but page furniture was found)")
        body = text
        title = title or getattr(extracted, "title", None)
        url = url or getattr(extracted, "url", None)
        found_date = getattr(extracted, "date", None)
        if date is None and found_date:
            try:
                date = dt.date.fromisoformat(str(found_date)[:10])
                meta["published_from"] = "html metadata"
            except ValueError:
                pass
        sitename = getattr(extracted, "sitename", None)
        if sitename:
            meta["sitename"] = sitename
    given = source or raw.source
    # Detection is only needed when nobody told us the outlet; the masthead list is static.
    outlet, evidence, mastheads = (None, None, _masthead_names()) if given else _detect_outlet(body, url)
    cleaned = clean_text(body, title=title, mastheads=mastheads)
    if not cleaned.text.strip():
        raise IngestError("no article text left after removing boilerplate")
    chosen_source = canonical_outlet(given) if given else outlet
    if given and chosen_source != given:
        meta["source_given"] = given
    if source:
        meta["source_from"] = "--source"
    elif raw.source:
        meta["source_from"] = "record"
    elif outlet:
        meta["source_from"] = "detected"
        meta["source_evidence"] = evidence
    if cleaned.removed:
        meta["boilerplate_removed"] = len(cleaned.removed)
    if raw.extra:
        meta["extra"] = raw.extra
    language = detect_language(cleaned.text)
    flags = [] if language == "ar" else [f"language:{language}"]
    meta["flags"] = flags
    chash = _content_hash(cleaned.text)
    return Document(
        id=raw.external_id or f"a-{chash[:12]}",
        text=cleaned.text,
        title=cleaned.title,
        source=chosen_source,
        origin=raw.origin,
        url=url,
        published=date,
        language=language,
        content_hash=chash,
        meta=meta,
    )


def _prepared(doc: Document) -> Prepared:
    """The search text and signature of an analysed Document."""
    terms = [t.norm for t in doc.tokens if t.is_word and t.norm]
    return Prepared(
        doc=doc,
        search_text=" ".join(terms),
        title_terms=" ".join(search_terms(doc.title)) if doc.title else "",
        signature=signature(terms),
    )


def count_records(paths: Sequence[str | Path]) -> int:
    """How many articles `paths` hold, counted cheaply for a progress total.

    One per .txt/.html file and one per non-blank line of a JSONL file (gzipped too); nothing is
    parsed. Only regular files are opened (a named pipe would block), and a file that cannot be
    read counts as one: the run itself reports it.
    """
    total = 0
    for item in discover(paths):
        if isinstance(item, IngestError):
            continue
        try:
            if not stat.S_ISREG(item.stat().st_mode):
                continue
            total += _count_lines(item) if _is_jsonl(item) else 1
        except Exception:  # only an estimate for the progress bar; reading the file reports the problem
            total += 1
    return total


def _is_jsonl(path: Path) -> bool:
    """A JSONL file, plain or gzipped (`.jsonl.gz`)."""
    suffixes = [x.lower() for x in path.suffixes[-2:]]
    if suffixes and suffixes[-1] == ".gz":
        suffixes.pop()
    return bool(suffixes) and suffixes[-1] in JSONL_SUFFIXES


def _count_lines(path: Path) -> int:
    opener = gzip.open if path.suffix.lower() == ".gz" else open
    with opener(path, "rb") as handle:
        # The reader skips blank lines too; bytes.isspace() is False only for a line with content.
        return sum(1 for line in handle if not line.isspace())


class Ingestor:
    def __init__(
        self,
        store: Store,
        pipeline: Pipeline,
        *,
        source: str | None = None,
        published: dt.date | None = None,
        batch_size: int = 200,
        max_bytes: int = DEFAULT_MAX_BYTES,
        on_error: Callable[[str], None] | None = None,
        on_progress: Callable[[int], None] | None = None,
        after_store: AfterStore | None = None,
        progress: Callable[[str, int, int], None] | None = None,
        version: str | None = None,
        runner: BatchRunner | None = None,
    ):
        """`on_progress(n)`: n more articles done (per batch). `progress(phase, done, total)`: the
        same as a count against the total `count_records` finds, for a progress bar (the count is
        made only when it is given). `after_store(article_id, doc, stages=None)` indexes a stored
        article inside its transaction (`stages`: only what those stages produced, when run again).
        `version`: recorded with stage failures, which are run again when it changes.
        `runner`: analyses and stores the documents some other way than batch by batch in this
        process (worker processes: `rasid.ingest.parallel.Parallel`), with the same result."""
        self.store = store
        self.pipeline = pipeline
        self.source = source
        self.published = published
        self.batch_size = batch_size
        self.max_bytes = max_bytes
        self.on_error = on_error or (lambda _m: None)
        self.on_progress = on_progress or (lambda _n: None)
        self.on_warning: Callable[[str], None] = lambda _m: None
        self.after_store = after_store
        self.progress = progress
        self.version = version or __version__
        self.runner = runner
        self._handled = 0  # input records dealt with (stored, unchanged or skipped): the progress count
        self._total = 0

    def _error(self, report: IngestReport, error: IngestError) -> None:
        message = error.describe()
        report.errors.append(message)
        self.store.log(error.origin, "skipped", error.problem)
        self.on_error(message)

    def _advance(self, n: int) -> None:
        self._handled += n
        if self.progress is not None:
            # The total is an estimate made before reading; never show more done than it.
            self.progress("analyzing", min(self._handled, self._total), self._total)

    def raw_articles(self, paths: Sequence[str | Path], report: IngestReport) -> Iterator[RawArticle]:
        for item in discover(paths):
            if isinstance(item, IngestError):
                self._error(report, item)
                continue
            report.files += 1
            jsonl = _is_jsonl(item)
            for raw in read_file(item, max_bytes=self.max_bytes):
                if isinstance(raw, IngestError):
                    self._error(report, raw)
                    # A bad record (a JSONL line) or a bad one-article file was counted in the total.
                    if raw.line is not None or not jsonl:
                        self._advance(1)
                    continue
                for warning in raw.warnings:  # kept, with something lost (a bad date): said, not skipped
                    self.store.log(raw.origin, "warning", warning)
                    self.on_warning(warning)
                yield raw

    def documents(self, raws: Iterable[RawArticle], report: IngestReport) -> Iterator[Document]:
        for raw in raws:
            report.seen += 1
            try:
                yield build_document(raw, source=self.source, published=self.published)
            except IngestError as exc:
                self._error(report, exc.at(raw.origin))
                self._advance(1)

    def run(self, paths: Sequence[str | Path]) -> IngestReport:
        report = IngestReport()
        if self.progress is not None:
            self._total = count_records(paths)
            self.progress("analyzing", 0, self._total)
        return self.run_documents(self.documents(self.raw_articles(paths, report), report), report)

    def run_documents(self, docs: Iterable[Document], report: IngestReport | None = None) -> IngestReport:
        report = report or IngestReport()
        if self.runner is not None:
            return self.runner(self, docs, report)
        batch: list[Document] = []
        try:
            for doc in docs:
                batch.append(doc)
                if len(batch) >= self.batch_size:
                    self._flush(batch, report)
                    batch = []
            if batch:
                self._flush(batch, report)
        except KeyboardInterrupt:
            report.interrupted = True
        return report

    def _flush(self, batch: list[Document], report: IngestReport) -> None:
        with _collector_paused():
            self._flush_batch(batch, report)
            # Stored: free the articles now, so the collection when the batch ends need not
            # traverse them (they are the caller's list, emptied for the next batch anyway).
            batch.clear()

    def _flush_batch(self, batch: list[Document], report: IngestReport) -> None:
        fresh, unchanged = self._fresh(batch)
        prepared: list[tuple[Prepared, Failed | None]] = []
        # The whole batch goes through the pipeline together (stages may share work across
        # articles); a stage failing on one article costs only that article's later stages.
        for doc, result in zip(fresh, self.pipeline.run_batch_kept(fresh), strict=True):
            failure = result if isinstance(result, Failed) else None
            annotated = result.doc if isinstance(result, Failed) else result
            try:
                prepared.append((_prepared(annotated), failure))
            except Exception as exc:  # a failure on one article must not stop the run
                problem = f"analysis failed ({type(exc).__name__}: {exc})"
                self._error(report, IngestError(problem, origin=doc.origin))
        self._commit(len(batch), prepared, unchanged, report)

    def _fresh(self, batch: Sequence[Document]) -> tuple[list[Document], int]:
        """The batch's articles not stored yet (nor earlier in the batch), and how many were."""
        fresh: list[Document] = []
        hashes_in_batch: set[str] = set()
        unchanged = 0
        for doc in batch:
            if doc.content_hash in hashes_in_batch or self.store.find_by_hash(doc.content_hash) is not None:
                unchanged += 1
                continue
            hashes_in_batch.add(doc.content_hash)
            fresh.append(doc)
        return fresh, unchanged

    def _commit(
        self, size: int, prepared: Sequence[tuple[Prepared, Failed | None]], unchanged: int, report: IngestReport
    ) -> None:
        """Store one batch's analysed articles in one transaction; `size`: the records it held."""
        done = _Batch(unchanged=unchanged)
        with self.store.transaction():
            self._store_batch(prepared, done)
        # Counted only once committed: an interrupted batch is rolled back, and a report that
        # named its ids would send the story grouping after articles that do not exist.
        report.unchanged += done.unchanged
        report.added += len(done.added_ids)
        report.added_ids.extend(done.added_ids)
        report.near_duplicates += done.near_duplicates
        report.stage_failures.extend(done.failures)
        self.on_progress(size)
        self._advance(size)

    def _store_batch(self, prepared: Sequence[tuple[Prepared, Failed | None]], done: _Batch) -> None:
        stored: list[tuple[int, Document]] = []
        for item, failure in prepared:
            doc = item.doc
            if self.store.doc_id_exists(doc.id):
                doc = doc.evolve(id=f"{doc.id}-{doc.content_hash[:8]}")
            # Band keys hash the signature; computed once for both the lookup and the save.
            band_keys = item.signature.band_keys() if item.signature is not None else []
            duplicate_of, similarity = self._near_duplicate(item.signature, band_keys)
            article_id = self.store.add_document(
                doc,
                search_text=item.search_text,
                title_terms=item.title_terms,
                duplicate_of=duplicate_of,
                similarity=similarity,
            )
            if article_id is None:  # another process stored it since this batch looked
                done.unchanged += 1
                continue
            if item.signature is not None:
                self.store.save_signature(article_id, item.signature.to_bytes(), band_keys)
            self.store.save_annotations(article_id, doc)
            if failure is not None:
                self.store.record_stage_failure(article_id, failure.stage, failure.describe(), self.version)
                done.failures.append(StageFailureNote(doc.origin, doc.id, failure.stage, failure.describe()))
            if duplicate_of is not None:
                done.near_duplicates += 1
            done.added_ids.append(article_id)
            stored.append((article_id, doc))
        if self.after_store is not None:
            for article_id, doc in stored:
                self.after_store(article_id, doc)

    def retry_stage_failures(self, report: IngestReport) -> None:
        """Run again the failed stages of stored articles recorded by another Rasid version.

        The stages an article went through are kept; the failed one and those after it run on
        the stored Document. A stage that now succeeds is cleared and its output stored and
        indexed; one that fails again is recorded with this version (tried again only after the
        next upgrade). Stages this pipeline does not have are left as they are.
        """
        names = set(self.pipeline.names)
        retry = sorted(
            {
                f.article_id
                for f in self.store.stage_failures()
                if f.rasid_version != self.version and f.stage in names
            }
        )
        for start in range(0, len(retry), self.batch_size):
            chunk = retry[start : start + self.batch_size]
            if self.progress is not None:
                self.progress("retrying failed stages", start, len(retry))
            with _collector_paused():
                self._retry_chunk(chunk, report)

    def _retry_chunk(self, article_ids: Sequence[int], report: IngestReport) -> None:
        failed: dict[int, set[str]] = {}
        for f in self.store.stage_failures():
            failed.setdefault(f.article_id, set()).add(f.stage)
        before = [self.store.load_document(a) for a in article_ids]
        # The stored Document says which stages ran; `article_id` in its meta is the store's, not the article's.
        before = [d.evolve(meta={k: v for k, v in d.meta.items() if k != "article_id"}) for d in before]
        results = self.pipeline.run_batch_kept(before, resume=True)
        with self.store.transaction():
            for article_id, old, result in zip(article_ids, before, results, strict=True):
                doc = result.doc if isinstance(result, Failed) else result
                ran = [s for s in doc.stages if s not in old.stages]
                if ran:
                    self._store_rerun(article_id, doc, ran)
                for stage in ran:
                    if stage in failed.get(article_id, ()):
                        self.store.clear_stage_failure(article_id, stage)
                if isinstance(result, Failed):
                    self.store.record_stage_failure(article_id, result.stage, result.describe(), self.version)
                else:
                    report.retry_fixed += 1
        report.retried += len(article_ids)

    def _store_rerun(self, article_id: int, doc: Document, ran: Sequence[str]) -> None:
        """Store what stages run again on a stored article produced."""
        self.store.save_annotations(article_id, doc)
        if "text" in ran:
            # The article was stored without tokens, so with no search terms and no signature.
            item = _prepared(doc)
            self.store.set_search_terms(article_id, item.title_terms, item.search_text)
            if item.signature is not None:
                self.store.save_signature(article_id, item.signature.to_bytes(), item.signature.band_keys())
        if self.after_store is not None:
            self.after_store(article_id, doc, stages=ran)

    def _near_duplicate(
        self, sig: Signature | None, band_keys: Sequence[tuple[int, bytes]] | None = None
    ) -> tuple[int | None, float | None]:
        if sig is None:
            return None, None
        candidates = self.store.band_candidates(sig.band_keys() if band_keys is None else band_keys)
        if not candidates:
            return None, None
        best_id, best = None, 0.0
        for article_id, data in self.store.signatures(candidates).items():
            score = sig.jaccard(Signature.from_bytes(data))
            if score > best:
                best_id, best = article_id, score
        if best_id is not None and best >= NEAR_DUPLICATE_THRESHOLD:
            return best_id, round(best, 3)
        return None, None
