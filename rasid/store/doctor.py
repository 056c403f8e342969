"""Health of a Rasid database: SQLite's own checks and Rasid's invariants, and the repairs that are safe.

Rasid's invariants: every article has annotations, is in the full-text index and is in a story;
the mentions and events an article's annotations hold are in the `mentions` / `events` tables.
Everything `repair` rebuilds is derived from the stored articles and their annotations, so a
repair never loses or invents data. `rasid doctor` prints this; the API can call it as well.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rasid.records import StageFailure
from rasid.store.base import Store, StoreError, is_server_url
from rasid.store.migrations import MIGRATIONS
from rasid.store.sqlite import SQLiteStore, check_file

# How many article ids a problem lists (the count is always complete).
SAMPLE_IDS = 10


@dataclass(frozen=True)
class Problem:
    """One broken invariant: which check, how many rows or articles, and what can be done."""

    check: str
    count: int
    detail: str
    remedy: str  # what `--repair` does, or what the user must do
    repairable: bool
    article_ids: tuple[int, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "check": self.check,
            "count": self.count,
            "detail": self.detail,
            "remedy": self.remedy,
            "repairable": self.repairable,
            "article_ids": list(self.article_ids),
        }


@dataclass
class Diagnosis:
    location: str
    schema_version: int | None = None
    articles: int | None = None
    problems: list[Problem] = field(default_factory=list)
    stage_failures: list[StageFailure] = field(default_factory=list)
    repaired: list[str] = field(default_factory=list)

    @property
    def healthy(self) -> bool:
        return not self.problems

    @property
    def damaged(self) -> bool:
        """The file itself is unusable (not a database, malformed): Rasid's checks did not run."""
        return any(p.check in ("file", "integrity") for p in self.problems)

    def to_json(self) -> dict[str, Any]:
        return {
            "db": self.location,
            "healthy": self.healthy,
            "schema_version": self.schema_version,
            "latest_schema_version": len(MIGRATIONS),
            "articles": self.articles,
            "problems": [p.to_json() for p in self.problems],
            "stage_failures": [
                {"article_id": f.article_id, "stage": f.stage, "error": f.error, "rasid_version": f.rasid_version, "at": f.at}
                for f in self.stage_failures
            ],
            "repaired": self.repaired,
        }


def recover_hint(location: str) -> str:
    return (
        f'restore a backup, or copy out what SQLite can still read: sqlite3 {location} ".recover" | sqlite3 recovered.db,'
        " then `rasid doctor --db recovered.db --repair`"
    )


def sqlite_check(location: str | Path, *, quick: bool = False, limit: int = 20) -> list[str]:
    """SQLite's integrity_check (or quick_check) of the file, read-only: [] when sound, else its findings."""
    uri = Path(location).resolve().as_uri() + "?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True)
    except sqlite3.Error as exc:
        return [str(exc)]
    try:
        pragma = "quick_check" if quick else "integrity_check"
        rows = [str(r[0]) for r in conn.execute(f"PRAGMA {pragma}({int(limit)})").fetchall()]
    except sqlite3.Error as exc:
        return [str(exc)]
    finally:
        conn.close()
    return [] if rows == ["ok"] else rows


def diagnose(location: str) -> Diagnosis:
    """Check the database at `location` without changing it (beyond bringing an old schema up to date)."""
    result = Diagnosis(location)
    if is_server_url(location):
        return _diagnose_server(result, location)
    try:
        check_file(Path(location), create=False)
    except StoreError as exc:
        result.problems.append(Problem("file", 1, str(exc), "give the path of a Rasid database", False))
        return result
    findings = sqlite_check(location)
    if findings:  # Rasid's checks would read broken pages: stop at SQLite's verdict
        result.problems.append(
            Problem("integrity", len(findings), "SQLite integrity_check: " + "; ".join(findings[:3]), recover_hint(location), False)
        )
        return result
    try:
        store = SQLiteStore(location, create=False)
    except StoreError as exc:
        result.problems.append(Problem("file", 1, str(exc), recover_hint(location), False))
        return result
    try:
        _fill(result, store)
    finally:
        store.close()
    return result


def _diagnose_server(result: Diagnosis, location: str) -> Diagnosis:
    """A PostgreSQL database: Rasid's invariants (the server checks its own pages and keys)."""
    from rasid.store import open_store

    try:
        store = open_store(location, create=False)
    except StoreError as exc:
        result.problems.append(Problem("file", 1, str(exc), "give the URL of a Rasid database", False))
        return result
    result.location = store.location  # without a password
    try:
        _fill(result, store)
    finally:
        store.close()
    return result


def _fill(result: Diagnosis, store: Store) -> None:
    try:
        result.schema_version = store.schema_version()
        result.articles = store.count_articles()
        result.problems.extend(check_store(store))
        result.stage_failures = store.stage_failures()
    except StoreError as exc:  # damage SQLite's page checks did not see (a malformed FTS index, say)
        result.problems.append(Problem("integrity", 1, str(exc), recover_hint(store.location), False))
        return
    if result.stage_failures:
        kinds = Counter(f.stage for f in result.stage_failures)
        result.problems.append(
            Problem(
                "stage_failures",
                len(result.stage_failures),
                "articles stored with a failed stage (" + ", ".join(f"{k}: {n}" for k, n in sorted(kinds.items())) + ")",
                "not repaired here: after upgrading Rasid, run `rasid analyze` again (it retries failed stages)",
                False,
                _sample(f.article_id for f in result.stage_failures),
            )
        )


def _sample(ids: Any) -> tuple[int, ...]:
    return tuple(sorted(set(ids)))[:SAMPLE_IDS]


def _ids(store: Store, sql: str) -> list[int]:
    return [int(r[0]) for r in store.query(sql)]


_NOT_ANNOTATED = (
    "SELECT id FROM articles a WHERE NOT EXISTS (SELECT 1 FROM annotations n WHERE n.article_id = a.id) ORDER BY id"
)
# The index is contentless: each article's terms are kept in `article_terms`, which must have them too.
_NOT_IN_FTS = (
    "SELECT id FROM articles WHERE id NOT IN (SELECT rowid FROM articles_fts)"
    " OR id NOT IN (SELECT article_id FROM article_terms) ORDER BY id"
)
_FTS_ORPHANS = "SELECT rowid FROM articles_fts WHERE rowid NOT IN (SELECT id FROM articles) ORDER BY rowid"
# Annotated articles with no mention rows or no event rows: their annotations are read to see whether
# they hold indexed entity mentions (or events) that should have rows.
_MAYBE_UNINDEXED = (
    "SELECT n.article_id, n.data,"
    " EXISTS (SELECT 1 FROM mentions m WHERE m.article_id = n.article_id),"
    " EXISTS (SELECT 1 FROM events e WHERE e.article_id = n.article_id)"
    " FROM annotations n"
    " WHERE NOT EXISTS (SELECT 1 FROM mentions m WHERE m.article_id = n.article_id)"
    " OR NOT EXISTS (SELECT 1 FROM events e WHERE e.article_id = n.article_id)"
    " ORDER BY n.article_id"
)


def _unindexed(store: Store) -> list[int]:
    """Annotated articles whose annotations hold indexed entity mentions (or events) with no row in the table."""
    from rasid.indexing import _INDEXED_TYPES  # the mention types `index_article` writes to the table
    from rasid.store.codec import annotation_summary

    found = []
    for article_id, data, has_mentions, has_events in store.query(_MAYBE_UNINDEXED):
        types, events = annotation_summary(data)
        if (not has_mentions and types & _INDEXED_TYPES) or (not has_events and events):
            found.append(int(article_id))
    return found


def _fts_consistent(store: Store) -> bool:
    if is_server_url(store.location):  # a server's index is a table the server keeps sound itself
        return True
    try:
        with store.transaction():
            store.execute("INSERT INTO articles_fts (articles_fts, rank) VALUES ('integrity-check', 1)")
    except StoreError:
        return False
    return True


def check_store(store: Store) -> list[Problem]:
    """Rasid's invariants and SQLite's foreign keys on an open store; the problems found."""
    problems: list[Problem] = []
    # PostgreSQL enforces foreign keys on every write; SQLite is asked.
    fk = Counter() if is_server_url(store.location) else Counter(str(r[0]) for r in store.query("PRAGMA foreign_key_check"))
    if fk:
        detail = "rows pointing at missing rows: " + ", ".join(f"{t}: {n}" for t, n in sorted(fk.items()))
        problems.append(
            Problem("foreign_keys", sum(fk.values()), detail, "not repaired here: " + recover_hint(store.location), False)
        )
    missing = _ids(store, _NOT_ANNOTATED)
    if missing:
        problems.append(
            Problem(
                "annotations",
                len(missing),
                "articles with no annotations",
                "not repaired here: restore a backup, or remove these articles and analyse their files again",
                False,
                _sample(missing),
            )
        )
    not_indexed, orphans = _ids(store, _NOT_IN_FTS), _ids(store, _FTS_ORPHANS)
    if not_indexed or orphans:
        detail = f"articles missing from the search index: {len(not_indexed)}; index rows of no article: {len(orphans)}"
        problems.append(
            Problem(
                "search_index", len(not_indexed) + len(orphans), detail, "index those articles, drop the stray rows", True,
                _sample(not_indexed),
            )
        )
    elif not _fts_consistent(store):
        problems.append(
            Problem("search_index", 1, "the search index does not match its stored text", "rebuild the search index", True)
        )
    unindexed = _unindexed(store)
    if unindexed:
        problems.append(
            Problem(
                "mentions_events",
                len(unindexed),
                "annotated articles whose mentions or events are missing from their tables",
                "write their mentions and events again from the annotations",
                True,
                _sample(unindexed),
            )
        )
    storyless = store.articles_without_story()
    if storyless:
        problems.append(
            Problem("stories", len(storyless), "articles in no story", "group them into stories", True, _sample(storyless))
        )
    return problems


def repair(location: str) -> Diagnosis:
    """Repair what can be rebuilt from the stored articles, then diagnose again (with `repaired` filled in)."""
    before = diagnose(location)
    if before.damaged or not any(p.repairable for p in before.problems):
        return before
    done: list[str] = []
    from rasid.store import open_store

    store = open_store(location, create=False)
    try:
        checks = {p.check for p in before.problems if p.repairable}
        if "search_index" in checks:
            done.append(_repair_search_index(store))
        if "mentions_events" in checks:
            done.append(_repair_mentions_events(store))
        if "stories" in checks:
            done.append(_repair_stories(store))
    finally:
        store.close()
    after = diagnose(location)
    after.repaired = done
    return after


def _search_rows(store: Store, article_id: int) -> tuple[str, str]:
    """(title terms, body terms) of a stored article, as ingest writes them to the index."""
    from rasid.text.stage import TextStage
    from rasid.text.tokens import search_terms

    doc = store.load_document(article_id)
    if not doc.tokens:  # annotations keep sentences, not tokens
        doc = TextStage()(doc)
    body = " ".join(t.norm for t in doc.tokens if t.is_word and t.norm)
    title = " ".join(search_terms(doc.title)) if doc.title else ""
    return title, body


def _reindex_all(store: Store) -> None:
    store.rebuild_search_index()


def _repair_search_index(store: Store) -> str:
    from rasid.store.codec import pack_text

    not_indexed, orphans = _ids(store, _NOT_IN_FTS), _ids(store, _FTS_ORPHANS)
    kept = {int(r[0]) for r in store.query("SELECT article_id FROM article_terms")}
    # Terms the index lost are indexed again as they were kept; an article with none kept is read again.
    rows = {article_id: _search_rows(store, article_id) for article_id in not_indexed if article_id not in kept}
    with store.transaction():
        for article_id, (title, body) in rows.items():
            store.execute(
                "INSERT INTO article_terms (article_id, title, body) VALUES (?, ?, ?)", (article_id, title, pack_text(body))
            )
        if not_indexed or orphans:
            _reindex_all(store)
    done = [f"search index: {len(not_indexed)} articles indexed again, {len(orphans)} stray rows removed"]
    if not _fts_consistent(store):
        # The index's own pages are damaged: build it again from the kept terms.
        with store.transaction():
            _reindex_all(store)
        done.append("rebuilt from the stored text")
    return "; ".join(done) if not_indexed or orphans else "search index rebuilt from the stored text"


def _repair_mentions_events(store: Store) -> str:
    from rasid.indexing import index_article

    ids = _unindexed(store)
    with store.transaction():
        for article_id in ids:
            store.execute("DELETE FROM mentions WHERE article_id = ?", (article_id,))
            store.execute("DELETE FROM events WHERE article_id = ?", (article_id,))
            index_article(store, article_id, store.load_document(article_id))
    return f"mentions and events written again for {len(ids)} articles"


def _repair_stories(store: Store) -> str:
    from rasid.indexing import after_ingest

    ids = store.articles_without_story()
    after_ingest(store, ids)
    return f"{len(ids)} articles grouped into stories"
