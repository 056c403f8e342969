"""What `rasid watch` remembers in the database (migration 11), so that a restart resumes where it stopped.

`watch_sources`: each feed, sitemap or folder followed, with the validators of its last fetch
(ETag, Last-Modified). `watch_items`: each article link or file seen, keyed by its link, with its
page's validators, the article stored from it and its status:

  pending    to fetch (new, listed again with a new date, or a failure worth another try)
  stored     its article is stored (`article_id`)
  duplicate  fetched, and its text was already stored (from another link or source)
  failed     given up (`error` says why; after `max_attempts` tries, or at once when retrying is pointless)

`watch_versions`: every article stored from an item; a page that changed after it was analysed is
stored again as a new article whose row names the previous one.

Only the Store interface and portable SQL (`?` parameters) are used: SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from rasid.store.base import Store
from rasid.watch.feeds import FeedItem

CHUNK = 400  # keys per IN (...) query


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class ItemRow:
    id: int
    key: str
    source: str
    link: str
    outlet: str | None
    title: str | None
    published: str | None
    stamp: str | None
    etag: str | None
    last_modified: str | None
    article_id: int | None
    status: str
    attempts: int


_ITEM_COLUMNS = (
    "id, item_key, source, link, outlet, title, published, stamp, etag, last_modified, article_id, status, attempts"
)


def _row(r: Sequence[Any]) -> ItemRow:
    return ItemRow(
        int(r[0]), str(r[1]), str(r[2]), str(r[3]), _opt(r[4]), _opt(r[5]), _opt(r[6]), _opt(r[7]), _opt(r[8]),
        _opt(r[9]), int(r[10]) if r[10] is not None else None, str(r[11]), int(r[12]),
    )


def _opt(value: object) -> str | None:
    return None if value is None else str(value)


class WatchState:
    def __init__(self, store: Store) -> None:
        self.store = store

    # -- sources -----------------------------------------------------------------------------
    def source_validators(self, url: str) -> tuple[str | None, str | None, str | None]:
        """(ETag, Last-Modified, stamp) remembered for a source, or Nones."""
        rows = self.store.query("SELECT etag, last_modified, stamp FROM watch_sources WHERE url = ?", (url,))
        return (_opt(rows[0][0]), _opt(rows[0][1]), _opt(rows[0][2])) if rows else (None, None, None)

    def record_source(
        self, url: str, kind: str, outlet: str | None, status: str, *, error: str | None = None,
        etag: str | None = None, last_modified: str | None = None, stamp: str | None = None, items: int = 0,
    ) -> None:
        """Remember a poll of a source. Validators are replaced only by new ones (a 304 keeps them)."""
        at = now()
        with self.store.transaction():
            self.store.execute(
                "INSERT OR IGNORE INTO watch_sources (url, kind, outlet, status, items, first_polled, last_polled)"
                " VALUES (?, ?, ?, ?, 0, ?, ?)",
                (url, kind, outlet, status, at, at),
            )
            self.store.execute(
                "UPDATE watch_sources SET kind = ?, outlet = ?, status = ?, error = ?, last_polled = ?,"
                " etag = coalesce(?, etag), last_modified = coalesce(?, last_modified), stamp = coalesce(?, stamp),"
                " items = items + ? WHERE url = ?",
                (kind, outlet, status, error, at, etag, last_modified, stamp, items, url),
            )

    # -- items -------------------------------------------------------------------------------
    def known(self, keys: Sequence[str]) -> dict[str, tuple[int, str, str | None]]:
        """key -> (item id, status, stamp) for the keys already seen."""
        out: dict[str, tuple[int, str, str | None]] = {}
        for start in range(0, len(keys), CHUNK):
            part = list(keys[start : start + CHUNK])
            marks = ", ".join("?" * len(part))
            for r in self.store.query(
                f"SELECT item_key, id, status, stamp FROM watch_items WHERE item_key IN ({marks})", part
            ):
                out[str(r[0])] = (int(r[1]), str(r[2]), _opt(r[3]))
        return out

    def add_items(self, source: str, outlet: str | None, items: Iterable[FeedItem]) -> tuple[int, int]:
        """Record the items a source lists: (new ones, known ones to fetch again because their date changed).

        A known item keeps its first source; one whose feed date (`stamp`) changed since it was
        fetched is made pending again (fetched conditionally: an unchanged page costs a 304).
        """
        listed = list(items)
        known = self.known([i.key for i in listed])
        at = now()
        fresh = [i for i in listed if i.key not in known]
        changed = [
            (i.stamp, at, known[i.key][0]) for i in listed
            if i.key in known and i.stamp and i.stamp != known[i.key][2] and known[i.key][1] != "pending"
        ]
        seen = [(at, known[i.key][0]) for i in listed if i.key in known]
        with self.store.transaction():
            if fresh:
                self.store.executemany(
                    "INSERT OR IGNORE INTO watch_items (item_key, source, link, outlet, title, published, stamp,"
                    " status, attempts, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?)",
                    [(i.key, source, i.link, outlet, i.title, i.published.isoformat() if i.published else None,
                      i.stamp, at, at) for i in fresh],
                )
            if changed:
                self.store.executemany(
                    "UPDATE watch_items SET stamp = ?, status = 'pending', attempts = 0, error = NULL, last_seen = ?"
                    " WHERE id = ?",
                    changed,
                )
            if seen:
                self.store.executemany("UPDATE watch_items SET last_seen = ? WHERE id = ?", seen)
        return len(fresh), len(changed)

    def pending(self, source: str, limit: int) -> list[ItemRow]:
        """A source's items to fetch, newest first."""
        rows = self.store.query(
            f"SELECT {_ITEM_COLUMNS} FROM watch_items WHERE status = 'pending' AND source = ?"
            " ORDER BY coalesce(published, '') DESC, id DESC LIMIT ?",
            (source, limit),
        )
        return [_row(r) for r in rows]

    def item(self, item_id: int) -> ItemRow | None:
        rows = self.store.query(f"SELECT {_ITEM_COLUMNS} FROM watch_items WHERE id = ?", (item_id,))
        return _row(rows[0]) if rows else None

    def mark(
        self, item_id: int, status: str, *, error: str | None = None, article_id: int | None = None,
        content_hash: str | None = None, etag: str | None = None, last_modified: str | None = None,
        attempt: bool = False,
    ) -> None:
        """Set an item's status (inside the caller's transaction, if any); `attempt`: count a failed try."""
        self.store.execute(
            "UPDATE watch_items SET status = ?, error = ?, article_id = coalesce(?, article_id),"
            " content_hash = coalesce(?, content_hash), etag = coalesce(?, etag),"
            " last_modified = coalesce(?, last_modified), attempts = attempts + ?, fetched_at = ? WHERE id = ?",
            (status, error, article_id, content_hash, etag, last_modified, 1 if attempt else 0, now(), item_id),
        )

    def add_version(self, item_id: int, article_id: int, previous: int | None, content_hash: str) -> None:
        self.store.execute(
            "INSERT OR IGNORE INTO watch_versions (item_id, article_id, previous_article_id, content_hash, stored_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (item_id, article_id, previous, content_hash, now()),
        )

    def versions(self, item_id: int) -> list[tuple[int, int | None]]:
        """(article id, previous article id) of each article stored from an item, oldest first."""
        rows = self.store.query(
            "SELECT article_id, previous_article_id FROM watch_versions WHERE item_id = ? ORDER BY stored_at, article_id",
            (item_id,),
        )
        return [(int(r[0]), int(r[1]) if r[1] is not None else None) for r in rows]

    def counts(self) -> dict[str, int]:
        return {str(r[0]): int(r[1]) for r in self.store.query("SELECT status, count(*) FROM watch_items GROUP BY status")}
