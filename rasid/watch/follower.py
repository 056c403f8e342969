"""The follower behind `rasid watch`: poll feeds, sitemaps and folders; fetch, analyse and store each new item.

One round: every source is asked what it lists (a feed or sitemap conditionally, a folder by its
files); items not seen before are recorded as pending in the database (`rasid.watch.state`); then
each source's pending items are fetched (politely, `rasid.watch.fetch`), read like `rasid analyze`
reads a page (trafilatura, `rasid.ingest.runner.build_document`), analysed and stored a batch at a
time, each article and its item's new status in one transaction. After the round the new articles
are grouped into stories, and `on_stored` is called once per stored article: the hook a change
feed plugs into.

A killed follower loses at most the batch it was storing: its items are still pending and are
fetched again by the next run; nothing is stored twice (items are keyed by link, articles by their
content hash). A page listed again with a new date is fetched conditionally; if its text changed it
is stored as a new article, linked to the one it replaces (`watch_versions`, and the article's
meta `watch.previous`), so both versions stay citable.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rasid.document import Document
from rasid.errors import IngestError
from rasid.ingest.decode import decode_bytes
from rasid.ingest.readers import SUPPORTED, RawArticle, input_suffix, read_file
from rasid.ingest.runner import BatchRunner, Ingestor, build_document
from rasid.pipeline import Pipeline
from rasid.store.base import Store, StoreLockedError
from rasid.watch.feeds import FeedError, FeedItem, parse_feed
from rasid.watch.fetch import Fetcher, FetchError
from rasid.watch.state import ItemRow, WatchState


@dataclass(frozen=True)
class Source:
    """A feed or sitemap URL, or a folder; `outlet`: the outlet's name when it comes from the outlets list."""

    location: str
    outlet: str | None = None

    @property
    def is_folder(self) -> bool:
        return not self.location.startswith(("http://", "https://"))


@dataclass
class WatchSettings:
    batch_size: int = 20  # items analysed and committed together (a kill loses at most one batch)
    per_source: int = 100  # items fetched from one source in one round (the rest wait for the next)
    max_attempts: int = 5  # rounds an item that keeps failing is tried before it is given up
    max_children: int = 20  # child sitemaps of a sitemap index read in one round (newest first)
    settle: float = 2.0  # seconds a file must stay unchanged before it is read (it may be being written)
    max_bytes: int = 10 * 1024 * 1024


@dataclass(frozen=True)
class StoredItem:
    """An article a round stored: what the change feed will be told."""

    item_id: int
    link: str
    source: str
    article_id: int
    previous_article_id: int | None  # the article it replaces (the page changed), else None


@dataclass
class RoundReport:
    sources: int = 0
    new_items: int = 0
    stored: int = 0
    errors: int = 0
    unchanged: int = 0  # fetched but nothing new to store (304, same text, a copy of a stored article)
    stored_items: list[StoredItem] = field(default_factory=list)

    def line(self) -> str:
        return (f"{self.sources} sources, {self.new_items} new items, {self.stored} stored, {self.errors} errors"
                f" ({self.unchanged} unchanged)")


@dataclass
class _Fetched:
    item: ItemRow
    docs: list[Document]


class Follower:
    def __init__(
        self,
        store: Store,
        pipeline: Pipeline,
        fetcher: Fetcher,
        sources: Sequence[Source],
        *,
        settings: WatchSettings | None = None,
        on_stored: Callable[[StoredItem], None] | None = None,
        on_problem: Callable[[str], None] | None = None,
        runner: BatchRunner | None = None,
        after_round: Callable[[Store], None] | None = None,
    ) -> None:
        """`after_round(store)`: cross-article work once a round stored something (default: group the
        new articles into stories and refresh the outlets' track records)."""
        self.store = store
        self.state = WatchState(store)
        self.pipeline = pipeline
        self.fetcher = fetcher
        self.sources = list(sources)
        self.settings = settings or WatchSettings()
        self.on_stored = on_stored or (lambda _s: None)
        self.on_problem = on_problem or (lambda _m: None)
        self.runner = runner
        self.after_round = after_round or _group_and_refresh
        self._regroup = True  # group even if nothing new is stored: a killed run or a failed round left some

    # -- the loop ---------------------------------------------------------------------------
    def run(
        self,
        interval: float,
        *,
        once: bool = False,
        on_round: Callable[[RoundReport], None] | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        """Poll every `interval` seconds until interrupted (KeyboardInterrupt leaves, the current batch
        rolled back); `once`: one round. A database locked past its busy timeout costs one round."""
        while True:
            started = time.monotonic()
            try:
                report = self.poll()
            except StoreLockedError as exc:
                self.on_problem(f"{exc}; the round is skipped and tried again in {interval:g} s")
                self._regroup = True  # what the round stored before the lock is grouped by the next one
                report = RoundReport(sources=len(self.sources), errors=1)
            if on_round is not None:
                on_round(report)
            if once:
                return
            sleep(max(0.0, interval - (time.monotonic() - started)))

    def poll(self) -> RoundReport:
        """One round over every source."""
        report = RoundReport(sources=len(self.sources))
        for source in self.sources:
            self._discover(source, report)
            self._fetch_pending(source, report)
        if report.stored or self._regroup:
            self.after_round(self.store)
        self._regroup = False
        for stored in report.stored_items:
            self.on_stored(stored)
        return report

    def _problem(self, report: RoundReport, where: str, problem: str) -> None:
        report.errors += 1
        self.on_problem(f"{where}: {problem}")

    # -- discovering items ------------------------------------------------------------------
    def _discover(self, source: Source, report: RoundReport) -> None:
        try:
            items = self._folder_items(source) if source.is_folder else self._feed_items(source, source.location, report)
        except (FetchError, FeedError, OSError) as exc:
            problem = exc.problem if isinstance(exc, FetchError) else str(exc)
            self._problem(report, source.location, problem)
            self.state.record_source(source.location, "folder" if source.is_folder else "feed", source.outlet,
                                     "error", error=problem)
            return
        if items is None:  # not modified, or nothing readable: already recorded
            return
        new, _again = self.state.add_items(source.location, source.outlet, items)
        report.new_items += new

    def _feed_items(self, source: Source, url: str, report: RoundReport) -> list[FeedItem] | None:
        if not self.fetcher.allowed(url):
            raise FetchError(url, "robots.txt of the site disallows it; not fetched", retryable=False)
        etag, modified, _stamp = self.state.source_validators(url)
        response = self.fetcher.get(url, etag=etag, last_modified=modified)
        if response.not_modified:
            self.state.record_source(url, "feed", source.outlet, "not modified")
            return None
        parsed = parse_feed(response.body, response.url)
        for warning in parsed.warnings:
            self.on_problem(f"{url}: {warning}")
        items = list(parsed.items)
        if parsed.kind == "sitemapindex":
            items.extend(self._children(source, parsed.children, report))
        self.state.record_source(url, parsed.kind, source.outlet, "ok", etag=response.etag,
                                 last_modified=response.last_modified, items=len(items))
        return items

    def _children(self, source: Source, children: Sequence[FeedItem], report: RoundReport) -> list[FeedItem]:
        """The items of a sitemap index's sitemaps that are new or changed since they were read, newest first."""
        out: list[FeedItem] = []
        ordered = sorted(children, key=lambda c: c.stamp or "", reverse=True)
        read = 0
        for child in ordered:
            if read >= self.settings.max_children:
                break
            _etag, _modified, stamp = self.state.source_validators(child.link)
            if stamp is not None and child.stamp == stamp:
                continue
            read += 1
            try:
                items = self._feed_items(source, child.link, report)
            except (FetchError, FeedError) as exc:
                self._problem(report, child.link, exc.problem if isinstance(exc, FetchError) else str(exc))
                continue
            if child.stamp:
                self.state.record_source(child.link, "sitemap", source.outlet, "ok", stamp=child.stamp)
            out.extend(items or ())
        return out

    def _folder_items(self, source: Source) -> list[FeedItem]:
        root = Path(source.location)
        if not root.is_dir():
            raise OSError("no such folder (a source that is not http(s):// must be a folder)")
        settled = time.time() - self.settings.settle
        items: list[FeedItem] = []
        for folder, dirs, files in os.walk(root):
            dirs.sort()
            for name in sorted(files):
                path = Path(folder) / name
                if name.startswith(".") or input_suffix(path) not in SUPPORTED:
                    continue
                info = path.stat()
                if info.st_mtime > settled:
                    continue  # still being written, perhaps: read next round
                absolute = str(path.resolve())
                items.append(FeedItem(key="file://" + absolute, link=absolute, stamp=f"{info.st_mtime_ns}:{info.st_size}"))
        self.state.record_source(source.location, "folder", source.outlet, "ok", items=len(items))
        return items

    # -- fetching and storing items ---------------------------------------------------------
    def _fetch_pending(self, source: Source, report: RoundReport) -> None:
        pending = self.state.pending(source.location, self.settings.per_source)
        for start in range(0, len(pending), self.settings.batch_size):
            batch: list[_Fetched] = []
            for item in pending[start : start + self.settings.batch_size]:
                fetched = self._read_item(source, item, report)
                if fetched is not None:
                    batch.append(fetched)
            if batch:
                self._store(batch, report)

    def _read_item(self, source: Source, item: ItemRow, report: RoundReport) -> _Fetched | None:
        try:
            raws = self._file_raws(item) if source.is_folder else self._page_raw(source, item)
        except FetchError as exc:
            self._failed(item, exc.problem, report, retry=exc.retryable)
            return None
        except IngestError as exc:
            self._failed(item, exc.problem, report, retry=False)
            return None
        if raws is None:  # 304: the page did not change
            self.state.mark(item.id, "stored")
            report.unchanged += 1
            return None
        docs: list[Document] = []
        for raw in raws:
            try:
                doc = build_document(raw, source=source.outlet)
            except IngestError as exc:
                self._failed(item, exc.problem, report, retry=False)
                continue
            single = len(raws) == 1
            meta = {**doc.meta, "watch": {"item": item.id, "link": item.link,
                                         "previous": item.article_id if single else None}}
            docs.append(doc.evolve(meta=meta))
        return _Fetched(item, docs) if docs else None

    def _page_raw(self, source: Source, item: ItemRow) -> list[RawArticle] | None:
        if not self.fetcher.allowed(item.link):
            raise FetchError(item.link, "robots.txt of the site disallows it; not fetched", retryable=False)
        again = item.article_id is not None  # fetched before: only if it changed
        response = self.fetcher.get(item.link, etag=item.etag if again else None,
                                    last_modified=item.last_modified if again else None)
        self.state.mark(item.id, "pending", etag=response.etag, last_modified=response.last_modified)
        if response.not_modified:
            return None
        content_type = response.headers.get("content-type", "text/html").lower()
        if not any(t in content_type for t in ("html", "xml", "text/plain")):
            raise IngestError(f"not a web page ({content_type}); not analysed")
        text, encoding = decode_bytes(response.body)
        published = dt.date.fromisoformat(item.published) if item.published else None
        return [RawArticle(origin=item.link, kind="text" if "text/plain" in content_type else "html", body=text,
                           encoding=encoding, url=response.url, source=source.outlet, published=published,
                           title=item.title)]

    def _file_raws(self, item: ItemRow) -> list[RawArticle]:
        raws: list[RawArticle] = []
        for raw in read_file(Path(item.link), max_bytes=self.settings.max_bytes):
            if isinstance(raw, IngestError):
                self.on_problem(raw.describe())
                continue
            raws.append(raw)
        if not raws:
            raise IngestError("no article could be read from the file")
        return raws

    def _failed(self, item: ItemRow, problem: str, report: RoundReport, *, retry: bool) -> None:
        tries = item.attempts + 1
        give_up = not retry or tries >= self.settings.max_attempts
        status = "failed" if give_up else "pending"
        self.state.mark(item.id, status, error=problem, attempt=True)
        then = "given up" if give_up else f"tried again next round (try {tries} of {self.settings.max_attempts})"
        self._problem(report, item.link, f"{problem}; {then}")

    def _store(self, batch: Sequence[_Fetched], report: RoundReport) -> None:
        stored: dict[int, StoredItem] = {}
        sources = {f.item.id: f.item.source for f in batch}

        def after_store(article_id: int, doc: Document, /, *, stages: Collection[str] | None = None) -> None:
            from rasid.indexing import index_article

            index_article(self.store, article_id, doc, stages=stages)
            watch = doc.meta.get("watch")
            if stages is not None or not isinstance(watch, dict):
                return
            item_id, previous = int(watch["item"]), watch.get("previous")
            self.state.mark(item_id, "stored", error=None, article_id=article_id, content_hash=doc.content_hash)
            self.state.add_version(item_id, article_id, previous, doc.content_hash)
            stored[article_id] = StoredItem(item_id, str(watch["link"]), sources[item_id], article_id, previous)

        ingestor = Ingestor(self.store, self.pipeline, after_store=after_store, runner=self.runner,
                            batch_size=max(1, sum(len(f.docs) for f in batch)))
        ingestor.on_error = lambda message: self.on_problem(message)
        result = ingestor.run_documents([d for f in batch for d in f.docs])
        if result.interrupted:
            raise KeyboardInterrupt  # the batch was rolled back; its items stay pending
        committed = [stored[a] for a in result.added_ids if a in stored]
        report.stored += len(committed)
        report.stored_items.extend(committed)
        done = {s.item_id for s in committed}
        for fetched in batch:
            if fetched.item.id not in done:
                self._settle_unstored(fetched, report)

    def _settle_unstored(self, fetched: _Fetched, report: RoundReport) -> None:
        """An item none of whose articles was stored: its text is stored already, or analysis failed."""
        existing = [self.store.find_by_hash(d.content_hash) for d in fetched.docs]
        found = [a for a in existing if a is not None]
        if len(found) == len(existing):
            own = fetched.item.article_id in found
            self.state.mark(fetched.item.id, "stored" if own or fetched.item.article_id else "duplicate",
                            article_id=None if own else found[0], content_hash=fetched.docs[0].content_hash)
            report.unchanged += 1
        else:
            self._failed(fetched.item, "the article could not be analysed or stored (see the log)", report, retry=True)


def _group_and_refresh(store: Store) -> None:
    from rasid.indexing import group_pending
    from rasid.verify.track_record import refresh_track_records

    group_pending(store)
    refresh_track_records(store)
