"""One uninterrupted `rasid analyze` of a generated corpus, shared by the kill and signal tests."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.reliability.common import contents, make_corpus, run_analyze

ARTICLES = 80


@dataclass(frozen=True)
class Baseline:
    corpus: Path
    db: Path
    contents: dict[str, Any]


@pytest.fixture(scope="session")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> Baseline:
    root = tmp_path_factory.mktemp("reliability")
    corpus = make_corpus(root / "corpus.jsonl", ARTICLES)
    db = root / "uninterrupted.db"
    done = run_analyze(corpus, db)
    assert done.returncode == 0, done.stderr
    found = contents(db)
    assert len(found["articles"]) == ARTICLES and found["stories"] and found["events"]
    return Baseline(corpus, db, found)
