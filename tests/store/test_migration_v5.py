"""Migration 5 (LSH buckets in a WITHOUT ROWID table) upgrades a database written before it.

The database is written by the store with only migrations 1-4 applied, exactly as a release
before migration 5 left it, then reopened with every migration: all rows must still be there,
and bucket lookups, search, documents and events must read back as they did.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import rasid.store.sqlite as sqlite_module
from rasid.api import Rasid, sample_corpus_path
from rasid.extract.event_index import load_events
from rasid.ingest.dedup import Signature
from rasid.serialize import document_to_dict, record_text
from rasid.store import StoreError
from rasid.store.migrations import MIGRATIONS
from rasid.store.sqlite import SQLiteStore
from rasid.stories.build import _lsh_stories
from tests.store.schema_v7 import EVENT_COLUMNS_V2, drop_migration_8

_TABLES = {
    "articles": "id",
    "articles_fts": "rowid",
    "minhash": "article_id",
    "annotations": "article_id",
    "mentions": "id",
    "events": "id",
    "stories": "id",
    "story_articles": "article_id",
    "story_keys": "key, story_id",
    "story_terms": "term",
    "recycled": "article_id",
    "ingest_log": "id",
}

# A copy of a report re-posted by another outlet: same text, other first line and wrapping.
_REPOST = """نقلا عن وكالة محلية
قالت مصادر محلية لأورينت نت إن قذائف صاروخية سقطت صباح اليوم الثلاثاء على حي الميدان وسط مدينة حلب،
ما أسفر عن مقتل ثلاثة مدنيين بينهم طفل وإصابة سبعة آخرين. وأضافت المصادر أن القذائف أطلقت من مواقع
تسيطر عليها الميليشيات الإيرانية في محيط المدينة، في حين اتهمت وسائل إعلام النظام فصائل المعارضة بالوقوف وراء القصف.
"""


def _rows(store: SQLiteStore) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for table, order in _TABLES.items():
        columns = "rowid" if table == "articles_fts" else EVENT_COLUMNS_V2 if table == "events" else "*"
        out[table] = store.query(f"SELECT {columns} FROM {table} ORDER BY {order}")
    # Mention attributes are in each row before migration 15, kept once in `mention_attrs` after it.
    if store.query("SELECT 1 FROM sqlite_master WHERE name = 'mention_attrs'"):
        out["mentions"] = store.query(
            "SELECT m.id, m.article_id, m.type, m.kb_id, m.text, m.start, m.end, t.attrs FROM mentions m"
            " LEFT JOIN mention_attrs t ON t.id = m.attrs_id ORDER BY m.id"
        )
    # Event records are JSON text before migration 10, compressed after it: compared as their text.
    out["events"] = [(*r[:-1], record_text(r[-1])) for r in out["events"]]
    # The indexed terms: in the index before migration 10, kept beside the (contentless) index after it.
    if store.query("SELECT 1 FROM sqlite_master WHERE name = 'article_terms'"):
        kept = store.search_terms_of([r[0] for r in store.query("SELECT article_id FROM article_terms")])
        out["search_terms"] = [(i, *kept[i]) for i in sorted(kept)]
    else:
        out["search_terms"] = store.query("SELECT rowid, title, body FROM articles_fts ORDER BY rowid")
    # The old table allowed a repeated (bucket, article) row; every read takes distinct ids.
    out["lsh_bands"] = sorted(set(store.query("SELECT band, bucket, article_id FROM lsh_bands")))
    return out


def _reads(store: SQLiteStore) -> dict[str, Any]:
    ids = [a.id for a in store.articles()]
    keys = {i: Signature.from_bytes(store.signatures([i])[i]).band_keys() for i in ids}
    return {
        "candidates": {i: store.band_candidates(keys[i]) for i in ids},
        "lsh_stories": {i: _lsh_stories(store, i) for i in ids},
        "search": store.search([["حلب"], ["قصف", "قذائف"]], limit=20),
        "documents": {i: document_to_dict(store.load_document(i)) for i in ids},
        "events": load_events(store),
    }


@pytest.fixture
def v4_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "v4.db"
    (tmp_path / "repost").mkdir()
    (tmp_path / "repost" / "repost.txt").write_text(_REPOST, encoding="utf-8")
    assert len(MIGRATIONS) >= 5
    with monkeypatch.context() as patch:
        patch.setattr(sqlite_module, "MIGRATIONS", MIGRATIONS[:4])
        rasid = Rasid(path)
        # Today's analyze reads the stage failures table of migration 6; a v4 release had none,
        # so it exists only while this run writes (and is dropped below, before v5 is applied).
        rasid.store.execute(MIGRATIONS[5])
        for statement in MIGRATIONS[6].split(";"):  # and the outlet track records of migration 7
            rasid.store.execute(statement)
        for statement in MIGRATIONS[7].split(";"):  # and the event columns and reviews of migration 8
            rasid.store.execute(statement)
        rasid.store.execute(MIGRATIONS[8])  # and the story alignments of migration 9
        # and the kept search terms of migration 10 (dropped by the test: the migration fills them from the index)
        rasid.store.execute(next(s for s in MIGRATIONS[9].split(";") if "TABLE IF NOT EXISTS article_terms" in s))
        for statement in MIGRATIONS[13].split(";"):  # and the change feed of migration 14 (kept: IF NOT EXISTS)
            rasid.store.execute(statement)
        for statement in MIGRATIONS[14].split(";"):  # and the mention attributes of migration 15 (undone below)
            rasid.store.execute(statement)
        report = rasid.analyze([str(sample_corpus_path()), str(tmp_path / "repost")])
        assert report.added >= 10 and not report.interrupted
        store = rasid.store
        assert isinstance(store, SQLiteStore) and store.schema_version() == 4
        # Saving a signature again wrote its bucket rows a second time before migration 5.
        first = min(a.id for a in store.articles())
        sig = Signature.from_bytes(store.signatures([first])[first])
        with store.transaction():
            store.save_signature(first, sig.to_bytes(), sig.band_keys())
        assert store.query("SELECT COUNT(*) FROM lsh_bands")[0][0] > len(set(store.query("SELECT * FROM lsh_bands")))
        store.execute("DROP TABLE stage_failures")
        for table in ("outlet_records", "outlet_record_stories"):
            store.execute(f"DROP TABLE {table}")
        drop_migration_8(store, version=False)
        rasid.close()
    return path


def test_migration_5_keeps_data_and_reads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, v4_database: Path) -> None:
    with monkeypatch.context() as patch:
        patch.setattr(sqlite_module, "MIGRATIONS", MIGRATIONS[:4])
        old = SQLiteStore(v4_database)
        before_rows, before_reads = _rows(old), _reads(old)
        assert before_rows["search_terms"] == old.query("SELECT rowid, title, body FROM articles_fts ORDER BY rowid")
        old.execute("DROP TABLE article_terms")  # not there before migration 10
        old.close()
    assert before_rows["lsh_bands"] and before_rows["events"] and before_rows["stories"]
    assert any(len(c) > 1 for c in before_reads["candidates"].values())  # the re-post shares buckets

    store = SQLiteStore(v4_database)
    assert store.schema_version() == len(MIGRATIONS)
    assert _rows(store) == before_rows
    assert _reads(store) == before_reads
    assert store.query("PRAGMA integrity_check") == [("ok",)]
    raw = store.query("SELECT band, bucket, article_id FROM lsh_bands")
    assert len(raw) == len(set(raw))
    schema = dict(store.query("SELECT name, sql FROM sqlite_master WHERE name LIKE 'lsh_bands%'"))
    assert set(schema) == {"lsh_bands"} and "WITHOUT ROWID" in schema["lsh_bands"]
    assert "REFERENCES articles" in schema["lsh_bands"]

    # Writing keeps working: a signature saved twice stays one set of rows, lookups find it.
    first = min(a.id for a in store.articles())
    sig = Signature.from_bytes(store.signatures([first])[first])
    with store.transaction():
        store.save_signature(first, sig.to_bytes(), sig.band_keys())
    assert store.query("SELECT COUNT(*) FROM lsh_bands WHERE article_id = ?", (first,))[0][0] == len(sig.band_keys())
    assert first in store.band_candidates(sig.band_keys())
    # The store reports SQLite's errors as StoreError naming the file (the constraint is the cause).
    with pytest.raises(StoreError, match=r"NOT NULL|CHECK"), store.transaction():
        store.execute("INSERT INTO lsh_bands (band, bucket, article_id) VALUES (NULL, x'01', ?)", (first,))
    assert store.query("PRAGMA integrity_check") == [("ok",)]
    store.close()


def test_new_database_detects_a_repost_after_migration(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "repost.txt").write_text(_REPOST, encoding="utf-8")
    (folder / "original.txt").write_text(
        "قصف على حي الميدان في حلب\n" + " ".join(_REPOST.split("\n", 1)[1].split()) + "\n", encoding="utf-8"
    )
    rasid = Rasid(tmp_path / "new.db")
    report = rasid.analyze([str(folder)])
    assert report.added == 2 and report.near_duplicates == 1
    rasid.close()
