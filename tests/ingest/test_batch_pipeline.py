"""A batch of articles goes through the pipeline together; one article failing loses nothing else."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from rasid.api import Rasid
from rasid.document import Document
from rasid.extract.entities import EntityStage
from rasid.pipeline import FunctionStage, Pipeline
from rasid.text.stage import TextStage
from tests.conftest import REPORT_ENGLISH, REPORT_MEETING, REPORT_SHELLING

POISON = "POISON"


def _docs() -> list[Document]:
    texts = [REPORT_SHELLING, f"{POISON} {REPORT_MEETING}", REPORT_MEETING, REPORT_ENGLISH]
    return [Document(id=f"d{k}", text=t) for k, t in enumerate(texts)]


def _fails_on_poison(doc: Document) -> Document:
    if POISON in doc.text:
        raise ValueError("bad article")
    return doc


def test_run_batch_equals_one_by_one_and_isolates_a_failure() -> None:
    pipeline = Pipeline([TextStage(), FunctionStage("picky", _fails_on_poison), EntityStage()])
    docs = _docs()
    results = pipeline.run_batch(docs)
    assert len(results) == len(docs)
    assert isinstance(results[1], ValueError)
    for doc, result in zip(docs, results, strict=True):
        if POISON not in doc.text:
            assert result == pipeline(doc)
            assert isinstance(result, Document) and result.stages == ("text", "picky", "entities")


def test_entity_batch_falls_back_to_one_by_one_when_the_tagger_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    from rasid.extract.ner_crf import load_tagger

    tagger = load_tagger()
    docs = [TextStage()(d) for d in _docs()]
    stage = EntityStage()
    expected = [stage(d) for d in docs]
    together = tagger.tag_documents

    def batch_fails(batch: list[Document]) -> list[object]:
        raise RuntimeError("tagger broke")

    def one_fails(doc: Document) -> list[tuple[int, int, str, float]]:
        if POISON in doc.text:
            raise RuntimeError("tagger broke on this one")
        return together([doc])[0]

    monkeypatch.setattr(tagger, "tag_documents", batch_fails)
    monkeypatch.setattr(tagger, "tag_document", one_fails)
    results = stage.call_batch(docs)
    assert isinstance(results[1], RuntimeError)
    assert [r for k, r in enumerate(results) if k != 1] == [e for k, e in enumerate(expected) if k != 1]


def test_an_article_failing_mid_batch_keeps_the_rest_and_what_was_stored(tmp_path: Path) -> None:
    db = tmp_path / "b.db"
    pipeline = Pipeline([TextStage(), FunctionStage("picky", _fails_on_poison), EntityStage()])
    first = tmp_path / "first.jsonl"
    first.write_text(json.dumps({"id": "kept", "text": REPORT_SHELLING}, ensure_ascii=False) + "\n", encoding="utf-8")
    with Rasid(db, pipeline=pipeline) as rasid:
        assert rasid.analyze([str(first)]).added == 1
    batch = tmp_path / "batch.jsonl"
    records = [
        {"id": "a", "text": REPORT_MEETING},
        {"id": "bad", "text": f"{POISON} {REPORT_ENGLISH}"},
        {"id": "b", "text": REPORT_ENGLISH},
    ]
    batch.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    errors: list[str] = []
    with Rasid(db, pipeline=pipeline) as rasid:
        report = rasid.analyze([str(batch)], on_error=errors.append)
    assert report.added == 2
    assert len(errors) == 1 and "analysis failed (ValueError: bad article)" in errors[0]
    with sqlite3.connect(db) as conn:
        stored = [r[0] for r in conn.execute("SELECT doc_id FROM articles ORDER BY id")]
        logged = conn.execute("SELECT status, message FROM ingest_log").fetchall()
        mentions = conn.execute("SELECT COUNT(*) FROM mentions").fetchone()[0]
    assert stored == ["kept", "a", "b"]
    assert logged == [("skipped", "analysis failed (ValueError: bad article)")]
    assert mentions > 0
