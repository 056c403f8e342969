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


def test_run_batch_kept_gives_what_the_stages_before_a_failure_produced() -> None:
    from rasid.pipeline import Failed

    pipeline = Pipeline([TextStage(), FunctionStage("picky", _fails_on_poison), EntityStage()])
    docs = _docs()
    results = pipeline.run_batch_kept(docs)
    failed = results[1]
    assert isinstance(failed, Failed) and failed.stage == "picky" and isinstance(failed.error, ValueError)
    assert failed.describe() == "ValueError: bad article"
    assert failed.doc == Pipeline([TextStage()])(docs[1]) and failed.doc.stages == ("text",)
    assert [r for k, r in enumerate(results) if k != 1] == [pipeline(d) for k, d in enumerate(docs) if k != 1]
    # Resumed, a document skips the stages it has been through: only the failed one and later run.
    fixed = Pipeline([TextStage(), FunctionStage("picky", lambda d: d), EntityStage()])
    assert fixed.run_batch_kept([failed.doc], resume=True) == [fixed(docs[1])]


class _BatchBroken:
    """A stage whose batched call raises as a whole (a bug in the batching), though each document is fine."""

    name = "broken-batch"

    def __call__(self, doc: Document) -> Document:
        return doc.evolve(title="seen")

    def call_batch(self, docs: list[Document]) -> list[Document | Exception]:
        raise RuntimeError("batch broke")


def test_a_batch_call_that_raises_as_a_whole_is_run_one_by_one() -> None:
    docs = _docs()
    results = Pipeline([_BatchBroken()]).run_batch_kept(docs)  # type: ignore[list-item]
    assert [r.title for r in results if isinstance(r, Document)] == ["seen"] * len(docs)


def test_an_article_failing_mid_batch_is_stored_with_the_stages_before(tmp_path: Path) -> None:
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
    # Before: "bad" was skipped ("analysis failed (ValueError: bad article)") and its text lost.
    assert report.added == 3 and errors == []
    assert [(n.doc_id, n.stage, n.error) for n in report.stage_failures] == [("bad", "picky", "ValueError: bad article")]
    with sqlite3.connect(db) as conn:
        stored = [r[0] for r in conn.execute("SELECT doc_id FROM articles ORDER BY id")]
        stages = dict(conn.execute("SELECT a.doc_id, n.stages FROM annotations n JOIN articles a ON a.id = n.article_id"))
        failures = conn.execute("SELECT article_id, stage, error FROM stage_failures").fetchall()
        mentions = conn.execute("SELECT COUNT(*) FROM mentions").fetchone()[0]
        grouped = conn.execute("SELECT COUNT(*) FROM story_articles").fetchone()[0]
    assert stored == ["kept", "a", "bad", "b"]
    assert stages["bad"] == "text" and stages["a"] == "text,picky,entities"
    assert failures == [(3, "picky", "ValueError: bad article")]
    assert mentions > 0 and grouped == 4
