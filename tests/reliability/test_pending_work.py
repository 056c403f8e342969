"""Each step a run leaves pending is finished by the next `analyze`; an interruption anywhere
keeps the report true to what was committed.

These drive the library directly (no timing): the states a kill or Ctrl-C leaves are made by
the real code paths that leave them.
"""

from __future__ import annotations

import gzip
import os
import sqlite3
from pathlib import Path

import pytest

from rasid.api import Rasid
from rasid.document import Document
from rasid.ingest.readers import discover
from tests.reliability.common import contents, make_corpus

ARTICLES = 36
BATCH = 10


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_corpus(tmp_path_factory.mktemp("pending") / "corpus.jsonl", ARTICLES, seed=5)


@pytest.fixture(scope="module")
def one_run(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    db = tmp_path_factory.mktemp("one-run") / "one.db"
    with Rasid(db) as rasid:
        report = rasid.analyze([str(corpus)], batch_size=BATCH)
    assert report.added == ARTICLES and _grouped(db) == (ARTICLES, ARTICLES)
    return contents(db)


def _grouped(db: Path) -> tuple[int, int]:
    with sqlite3.connect(db) as conn:
        stored = conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
        grouped = conn.execute("SELECT COUNT(*) FROM story_articles").fetchone()[0]
    return int(stored), int(grouped)


def test_stored_articles_left_out_of_stories_are_grouped_by_the_next_run(
    corpus: Path, one_run: dict[str, object], tmp_path: Path
) -> None:
    db = tmp_path / "resumed.db"
    # What a run killed after its last batch leaves: every article stored, none in a story.
    with Rasid(db) as rasid:
        assert rasid.analyze([str(corpus)], batch_size=BATCH, cross_check=False).added == ARTICLES
    assert _grouped(db) == (ARTICLES, 0)
    with Rasid(db) as rasid:
        report = rasid.analyze([str(corpus)], batch_size=BATCH)
    assert _grouped(db) == (ARTICLES, ARTICLES)  # before: (36, 0), the re-run added nothing to group
    assert contents(db) == one_run
    assert report.added == 0 and report.unchanged == ARTICLES and report.grouped == ARTICLES


class _InterruptedWhileStoring(Rasid):
    """Ctrl-C landing inside a batch's transaction, while an article of the second batch is indexed."""

    def _after_store(self, article_id: int, doc: Document, /, **kwargs: object) -> None:
        if article_id == BATCH + 3:
            raise KeyboardInterrupt
        super()._after_store(article_id, doc, **kwargs)  # type: ignore[arg-type]


def test_an_interrupt_inside_a_transaction_reports_only_committed_articles(
    corpus: Path, one_run: dict[str, object], tmp_path: Path
) -> None:
    db = tmp_path / "interrupted.db"
    # Before: the rolled-back batch's ids stayed in the report, and the story grouping that
    # followed failed with "StoreError: …: no article with id 11", losing the stories for good.
    with _InterruptedWhileStoring(db) as rasid:
        report = rasid.analyze([str(corpus)], batch_size=BATCH)
    assert report.interrupted
    assert report.added == BATCH and report.added_ids == list(range(1, BATCH + 1))
    assert _grouped(db) == (BATCH, 0)  # an interrupted run leaves the grouping to the next one
    with Rasid(db) as rasid:
        finished = rasid.analyze([str(corpus)], batch_size=BATCH)
    assert not finished.interrupted and finished.added == ARTICLES - BATCH
    assert contents(db) == one_run


def test_an_interrupt_while_grouping_stories_keeps_the_articles_and_the_next_run_groups_them(
    corpus: Path, one_run: dict[str, object], tmp_path: Path
) -> None:
    db = tmp_path / "grouping.db"

    def interrupt_midway(phase: str, done: int, total: int) -> None:
        if phase == "grouping stories" and done == total // 2:
            raise KeyboardInterrupt

    with Rasid(db) as rasid:
        report = rasid.analyze([str(corpus)], batch_size=BATCH, progress=interrupt_midway)
    assert report.interrupted and report.added == ARTICLES
    assert _grouped(db) == (ARTICLES, 0)  # the grouping is one transaction: rolled back whole
    with Rasid(db) as rasid:
        assert rasid.finish().grouped == ARTICLES
    assert contents(db) == one_run


def test_progress_counts_the_work_up_front_and_follows_each_phase(corpus: Path, tmp_path: Path) -> None:
    from rasid.ingest.runner import _count_lines, count_records

    folder = tmp_path / "in"
    folder.mkdir()
    lines = corpus.read_text(encoding="utf-8").splitlines()
    (folder / "a.jsonl").write_text("\n".join(lines[:5]) + "\n\n{broken\n", encoding="utf-8")
    with gzip.open(folder / "b.jsonl.gz", "wt", encoding="utf-8") as handle:
        handle.write("\n".join(lines[5:9]) + "\n")
    (folder / "c.txt").write_text("\n".join(lines[9:10]), encoding="utf-8")
    os.mkfifo(folder / "pipe.txt")  # counting must not open it (it would block)
    # 5 records and a broken line, 1 text file, and the gzipped records if the reader takes .gz files.
    gzipped = 4 if any(str(p).endswith(".gz") for p in discover([str(folder)])) else 0
    assert count_records([str(folder)]) == 7 + gzipped
    assert _count_lines(folder / "b.jsonl.gz") == 4
    seen: list[tuple[str, int, int]] = []
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "a.jsonl").write_text("\n".join(lines[:12]) + "\n\n{broken\n", encoding="utf-8")
    with Rasid(tmp_path / "p.db") as rasid:
        report = rasid.analyze([str(plain)], batch_size=5, progress=lambda *step: seen.append(step))
    assert report.added == 12 and len(report.errors) == 1
    analysing = [s for s in seen if s[0] == "analyzing"]
    assert analysing[0] == ("analyzing", 0, 13) and analysing[-1] == ("analyzing", 13, 13)
    assert [d for _p, d, _t in analysing] == sorted(d for _p, d, _t in analysing)
    grouping = [s for s in seen if s[0] == "grouping stories"]
    assert grouping[-1] == ("grouping stories", 12, 12)
    assert seen.index(analysing[-1]) < seen.index(grouping[0])
