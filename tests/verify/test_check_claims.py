"""`rasid claims`: check-worthy sentences with their reasons, grouped by story or article."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from rasid.api import Rasid
from rasid.stages import build_pipeline
from rasid.verify.story_claims import list_claims, reasons_for

FIXTURES = Path(__file__).parent / "fixtures_check"


class LengthModel:
    """A stub scorer: longer sentences score higher (keeps the test independent of training)."""

    threshold = 0.5

    def score(self, sentences: Sequence[str]) -> list[float]:
        return [min(1.0, len(s) / 150) for s in sentences]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Any:
    path = tmp_path_factory.mktemp("claims") / "c.db"
    # Only the text stage: the check needs stored text, not entities or events.
    with Rasid(path, pipeline=build_pipeline(["text"])) as rasid:
        rasid.analyze([FIXTURES / "deny.txt", FIXTURES / "other.txt"])
    rasid = Rasid(path)
    yield rasid.store
    rasid.close()


def test_reasons() -> None:
    reasons = reasons_for("وقال المرصد إن 12 مدنيا قتلوا بعد سيطرة الفصائل على البلدة")
    assert reasons[0].startswith("numbers: 12")
    assert {"attribution", "control"} <= set(reasons)
    assert reasons_for("قبل يومين عدة أشخاص كانوا هنا") == []


def test_list_claims_per_article_without_stories(store: Any) -> None:
    groups, note = list_claims(store, model=LengthModel())
    # Stories may or may not have been built by `analyze`; either way each article is listed once.
    if note is not None:
        assert "rasid stories" in note and all(g.story_id is None for g in groups)
    listed = [a for g in groups for a in g.article_ids]
    assert sorted(listed) == sorted(a.id for a in store.articles())
    for g in groups:
        assert all(c.score >= 0.5 for c in g.claims)
        assert [c.score for c in g.claims] == sorted((c.score for c in g.claims), reverse=True)
    text = store.get_text(groups[0].article_ids[0])
    first = groups[0].claims[0]
    assert " ".join(text[first.start : first.end].split()) == first.text
    high, _ = list_claims(store, model=LengthModel(), threshold=0.99)
    assert sum(len(g.claims) for g in high) < sum(len(g.claims) for g in groups)
