"""`analyze(workers=N)`: the pipeline in worker processes gives the database one process gives."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from rasid.api.core import Rasid, sample_corpus_path
from rasid.document import Document
from rasid.ingest.parallel import CRASHED, AnalysisPool
from rasid.pipeline import FunctionStage, Pipeline
from rasid.stages import build_pipeline, make_stage

# Short reports written for this test: an exact copy in a later batch, a near copy, a stage failure.
REPORTS = [
    {"id": "w-1", "source": "عنب بلدي", "published": "2020-03-02",
     "text": "قتل ثلاثة مدنيين وجرح خمسة آخرون بقصف مدفعي لقوات النظام على مدينة أريحا في ريف إدلب صباح اليوم."},
    {"id": "w-2", "source": "سانا", "published": "2020-03-02",
     "text": "أعلنت وزارة الدفاع أن وحدات الجيش تصدت لهجوم شنه مسلحون على نقاط عسكرية قرب بلدة كفرنبل."},
    {"id": "w-3", "source": "ستيب نيوز", "published": "2020-03-03",
     "text": "انفجرت عبوة ناسفة بسيارة عسكرية في مدينة درعا، ما أدى إلى مقتل عنصرين من قوات النظام وإصابة ثالث."},
    {"id": "w-4", "source": "أورينت نت", "published": "2020-03-04",
     "text": "تظاهر مئات الأهالي في مدينة السويداء احتجاجاً على تردي الأوضاع المعيشية وارتفاع الأسعار."},
    {"id": "w-5", "source": "عنب بلدي", "published": "2020-03-02",
     "text": "قتل ثلاثة مدنيين وجرح خمسة آخرون بقصف مدفعي لقوات النظام على مدينة أريحا في ريف إدلب صباح اليوم."},
    {"id": "w-6", "source": "العرب", "published": "2020-03-05",
     "text": "قتل ثلاثة مدنيين وجرح خمسة آخرون جراء قصف مدفعي لقوات النظام على مدينة أريحا في ريف إدلب صباح الخميس."},
    {"id": "w-7", "source": "سانا", "published": "2020-03-06",
     "text": "قالت مصادر محلية إن طائرة مسيرة استهدفت دراجة نارية على طريق الباب، ولم ترد أنباء عن إصابات. BOOM"},
]


def _corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    shutil.copytree(sample_corpus_path(), folder)
    lines = "\n".join(json.dumps(r, ensure_ascii=False) for r in REPORTS)
    (folder / "zz-written.jsonl").write_text(lines + "\n", encoding="utf-8")
    return folder


def _rows(db: Path, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db) as conn:
        return [tuple(r) for r in conn.execute(sql)]


def _contents(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    return {
        "articles": _rows(
            db,
            "SELECT id, doc_id, content_hash, origin, url, source, source_evidence, title, published, language,"
            " length, text, duplicate_of, similarity, flags, meta FROM articles ORDER BY id",
        ),
        "annotations": _rows(db, "SELECT article_id, stages, data FROM annotations ORDER BY article_id"),
        "events": _rows(db, "SELECT * FROM events ORDER BY id"),
        "mentions": _rows(
            db,
            "SELECT m.article_id, m.type, m.kb_id, m.text, m.start, m.end, t.attrs FROM mentions m"
            " LEFT JOIN mention_attrs t ON t.id = m.attrs_id ORDER BY m.rowid",
        ),
        "stories": _rows(db, "SELECT story_id, article_id FROM story_articles ORDER BY story_id, article_id"),
        "failures": _rows(db, "SELECT article_id, stage, error FROM stage_failures ORDER BY article_id, stage"),
        "fts": _rows(db, "SELECT rowid, title, body FROM articles_fts ORDER BY rowid"),
    }


def test_two_workers_store_what_one_process_stores(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path)
    reports = {}
    for workers in (1, 2):
        with Rasid(tmp_path / f"w{workers}.db") as rasid:
            # Small batches: several in flight at once, and the copy of w-1 lands in a later batch.
            reports[workers] = rasid.analyze([str(corpus)], workers=workers, batch_size=4)
    one, two = reports[1], reports[2]
    assert (two.added, two.unchanged, two.near_duplicates, two.errors) == (
        one.added, one.unchanged, one.near_duplicates, one.errors
    )
    assert one.unchanged >= 1 and one.near_duplicates >= 1 and one.added > 20
    assert two.added_ids == one.added_ids and two.grouped == one.grouped
    first, second = _contents(tmp_path / "w1.db"), _contents(tmp_path / "w2.db")
    assert first["events"] and first["stories"]
    for table in first:
        assert second[table] == first[table], table


def _boom(doc: Document) -> Document:
    """A stage that kills its process on a marked article and raises on another."""
    if "BOOM" in doc.text:
        os._exit(3)
    if "أورينت" in (doc.source or ""):
        raise ValueError("no such outlet here")
    return doc


def _text_and(stage: FunctionStage) -> Pipeline:
    stages: list[Any] = [make_stage("text"), stage]
    return Pipeline(stages)


def test_a_dying_worker_costs_only_its_article(tmp_path: Path) -> None:
    corpus = tmp_path / "few.jsonl"
    corpus.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in REPORTS) + "\n", encoding="utf-8")
    pipeline = _text_and(FunctionStage("boom", _boom, requires=("tokens",)))
    with Rasid(tmp_path / "crash.db", pipeline=pipeline) as rasid:
        report = rasid.analyze([str(corpus)], workers=2, batch_size=3, cross_check=False)
    assert report.errors == [f"{corpus}:7: {CRASHED}"]
    assert report.added == 5 and report.unchanged == 1
    # A stage's exception comes back from the worker as one process records it.
    assert [(f.doc_id, f.stage, f.error) for f in report.stage_failures] == [
        ("w-4", "boom", "ValueError: no such outlet here")
    ]


def test_interrupted_run_keeps_committed_batches_and_a_rerun_finishes(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path)
    pipeline = build_pipeline(["text"])
    calls = [0]

    def stop_after_two_batches(n: int) -> None:
        calls[0] += 1
        if calls[0] == 2:
            raise KeyboardInterrupt

    with AnalysisPool(pipeline, 2) as pool:
        assert len(pool.start()) == 2
        with Rasid(tmp_path / "cut.db", pipeline=pipeline) as rasid:
            cut = rasid.analyze([str(corpus)], pool=pool, batch_size=4, on_progress=stop_after_two_batches)
    assert cut.interrupted and 0 < rasid_count(tmp_path / "cut.db") <= 8
    with Rasid(tmp_path / "cut.db", pipeline=pipeline) as rasid:
        rest = rasid.analyze([str(corpus)], workers=2, batch_size=4)
    with Rasid(tmp_path / "whole.db", pipeline=pipeline) as rasid:
        whole = rasid.analyze([str(corpus)], workers=1, batch_size=4)
    assert not rest.interrupted and rest.unchanged >= 8
    assert rasid_count(tmp_path / "cut.db") == rasid_count(tmp_path / "whole.db") == whole.added


def rasid_count(db: Path) -> int:
    return int(_rows(db, "SELECT COUNT(*) FROM articles")[0][0])


def test_a_pipeline_that_cannot_reach_a_worker_is_refused() -> None:
    pipeline = _text_and(FunctionStage("anon", lambda d: d, requires=("tokens",)))
    with pytest.raises(ValueError, match="workers=1"):
        AnalysisPool(pipeline, 2)


def test_an_input_of_one_batch_is_analysed_in_this_process() -> None:
    from rasid.api.core import _parallel
    from rasid.ingest.parallel import Parallel

    sample = [sample_corpus_path()]  # 26 articles
    assert _parallel(2, None, sample, 200) is None
    assert _parallel(1, None, sample, 4) is None
    runner = _parallel(8, None, sample, 13)
    assert isinstance(runner, Parallel) and runner.workers == 2  # two batches: two workers at most
