"""Claim check on a small database of reports written for these tests (not the seeds)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from rasid.api import Rasid
from rasid.stages import build_pipeline
from rasid.text.tokens import search_terms
from rasid.verify.check import check_claim, cue_stance, decide, frame_claim, time_factor
from rasid.verify.dense import load_dense_model
from rasid.verify.retrieve import retrieve

FIXTURES = Path(__file__).parent / "fixtures_check"
CLAIM = "انسحبت قوات الحرس الثوري من مدينة دير الزور"
# file -> (outlet, publication date)
REPORTS = {
    "affirm.txt": ("وكالة الرصد", dt.date(2024, 3, 10)),
    "deny.txt": ("شبكة الفرات", dt.date(2024, 3, 11)),
    "old.txt": ("موقع الشرق", dt.date(2019, 5, 2)),
    "hedged.txt": ("نشرة الجزيرة السورية", dt.date(2024, 3, 10)),
    "other.txt": ("وكالة الرصد", dt.date(2024, 3, 9)),
}


class NoModel:
    """Stands in for the ANS model so the tests exercise the cue logic alone."""

    def predict_many(self, pairs: Any) -> list[tuple[str, dict[str, float]]]:
        return [("discusses", {"supports": 0.2, "refutes": 0.2, "discusses": 0.6}) for _ in pairs]


@pytest.fixture(scope="module")
def dated_db(tmp_path_factory: pytest.TempPathFactory) -> Any:
    path = tmp_path_factory.mktemp("check") / "dated.db"
    # Only the text stage: the check needs stored text, not entities or events.
    with Rasid(path, pipeline=build_pipeline(["text"])) as rasid:
        for name, (outlet, day) in REPORTS.items():
            rasid.analyze([FIXTURES / name], source=outlet, published=day)
    rasid = Rasid(path)
    yield rasid.store
    rasid.close()


@pytest.fixture(scope="module")
def undated_db(tmp_path_factory: pytest.TempPathFactory) -> Any:
    path = tmp_path_factory.mktemp("check") / "undated.db"
    # Only the text stage: the check needs stored text, not entities or events.
    with Rasid(path, pipeline=build_pipeline(["text"])) as rasid:
        rasid.analyze([FIXTURES / "affirm.txt"], source="وكالة الرصد")
        rasid.analyze([FIXTURES / "other.txt"], source="شبكة الفرات")
    rasid = Rasid(path)
    yield rasid.store
    rasid.close()


def _by_file(result: Any) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {}
    for e in result.evidence:
        out.setdefault(Path(e.passage.article.origin).name, []).append(e)
    return out


def test_retrieval_finds_the_reports_and_ranks_the_unrelated_one_low(dated_db: Any) -> None:
    passages = retrieve(dated_db, CLAIM, limit=6)
    files = [Path(p.article.origin).name for p in passages]
    assert {"affirm.txt", "deny.txt", "old.txt", "hedged.txt"} <= set(files)
    assert "other.txt" not in files[:6]
    assert all(p.dense > 0 for p in passages[:4])


def test_affirm_and_denial_conflict(dated_db: Any) -> None:
    result = check_claim(dated_db, CLAIM, as_of=dt.date(2024, 3, 15), stance_model=NoModel())
    by_file = _by_file(result)
    assert any(e.stance == "supports" for e in by_file["affirm.txt"])
    assert any(e.stance == "refutes" for e in by_file["deny.txt"])
    hedged = [e for e in by_file["hedged.txt"] if e.stance == "supports"]
    assert hedged and all("hedged" in e.flags for e in hedged)
    best_affirm = max(e.weight for e in by_file["affirm.txt"])
    assert max(e.weight for e in hedged) < best_affirm
    assert all("old" in e.flags for e in by_file["old.txt"] if e.weight > 0)
    assert result.verdict == "conflicting"
    assert "2019" in result.explanation_en


def test_as_of_excludes_later_evidence(dated_db: Any) -> None:
    result = check_claim(dated_db, CLAIM, as_of=dt.date(2024, 3, 10), stance_model=NoModel())
    assert result.excluded_after_as_of >= 1
    assert all(e.published is None or e.published <= dt.date(2024, 3, 10) for e in result.evidence)
    assert result.verdict == "supported"
    assert result.outlets["supports"] >= 2


def test_old_evidence_alone_does_not_settle_a_recent_claim(dated_db: Any) -> None:
    recent = check_claim(dated_db, CLAIM, as_of=dt.date(2024, 1, 1), stance_model=NoModel())
    assert recent.verdict == "not_enough_evidence"
    assert "2019" in recent.explanation_en and "only evidence" in recent.explanation_en
    assert "2019" in recent.explanation_ar
    then = check_claim(dated_db, CLAIM, as_of=dt.date(2019, 6, 1), stance_model=NoModel())
    assert then.verdict == "supported"


def test_claim_with_its_own_year_uses_it(dated_db: Any) -> None:
    result = check_claim(dated_db, CLAIM + " عام 2024", stance_model=NoModel())
    assert result.claim_time is not None and result.claim_time.year == 2024
    old = [e for e in result.evidence if Path(e.passage.article.origin).name == "old.txt" and e.weight > 0]
    assert old and all("old" in e.flags for e in old)


def test_undated_evidence_is_said_to_be_undated(undated_db: Any) -> None:
    result = check_claim(undated_db, CLAIM, as_of=dt.date(2024, 3, 15), stance_model=NoModel())
    assert result.verdict in ("supported", "not_enough_evidence")
    assert "unknown" in result.explanation_en
    assert "غير معروفة" in result.explanation_ar
    weighed = [e for e in result.evidence if e.weight > 0]
    assert weighed and all("date_unknown" in e.flags for e in weighed)


def test_cues() -> None:
    frame = frame_claim(CLAIM)
    assert frame.predicate == "withdrawal" and frame.scope == "city"

    def stance(text: str) -> tuple[str | None, list[str]]:
        label, _, flags = cue_stance(frame, search_terms(text))
        return label, flags

    assert stance("قوات الحرس الثوري لم تنسحب من مدينة دير الزور")[0] == "refutes"
    assert stance("نفت مصادر انسحاب قوات الحرس الثوري من مدينة دير الزور")[0] == "refutes"
    assert stance("لم يتضح بعد سبب انسحاب قوات الحرس الثوري من مدينة دير الزور") == ("discusses", ["disputed"])
    assert stance("انسحاب قوات الحرس الثوري من ريف دير الزور")[1] == ["scope_mismatch"]
    label, flags = stance("انسحاب جزئي لقوات الحرس الثوري من مدينة دير الزور وسط أنباء عن خلافات")
    assert label == "supports" and {"partial", "hedged"} <= set(flags)
    # Same place, another actor: no stance on this claim.
    assert stance("انسحبت قوات النظام من مدينة دير الزور")[0] == "discusses"


def test_decide_and_time_factor() -> None:
    assert decide(0.3, 0.0, 0.0)[0] == "not_enough_evidence"
    assert decide(1.2, 0.0, 0.0)[0] == "supported"
    assert decide(0.0, 0.9, 0.0)[0] == "refuted"
    assert decide(0.9, 0.8, 0.0)[0] == "conflicting"
    assert decide(0.9, 0.0, 0.6)[0] == "conflicting"
    assert time_factor(dt.date(2019, 1, 1), dt.date(2024, 1, 1)) == (0.3, "old")
    assert time_factor(None, dt.date(2024, 1, 1)) == (0.7, "date_unknown")
    assert time_factor(None, None) == (1.0, None)


def test_dense_model_ranks_paraphrase_above_unrelated() -> None:
    model = load_dense_model()
    sims = model.similarity(
        "انسحاب القوات من المدينة",
        ["القوات انسحبت من داخل المدينة صباح اليوم", "ارتفاع أسعار الخبز والطحين في الأسواق"],
    )
    assert sims[0] > sims[1] + 0.2
