"""Page-level claim checking: passage signals, independent sources, labels (reports written for these tests)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest

from rasid.records import ArticleRow
from rasid.text.tokens import search_terms
from rasid.verify.check import publishable_label
from rasid.verify.claim_pairs import PAIR_FEATURES, pair_vector, profile_claim
from rasid.verify.page_check import LABELS, PageEvidence, independent_sources, label_claim
from rasid.verify.page_stance import (
    PAGE_LABELS,
    PAGE_VECTOR_SIZE,
    VERDICT_FEATURES,
    ClaimCheckModel,
    elsewhere,
    load_claim_check_model,
    page_sentences,
    read_page,
    verdict_vector,
)
from rasid.verify.types import Evidence

CLAIM = "أعلنت وزارة الصحة في إدلب مقتل 14 مدنياً في قصف على سوق مدينة أريحا يوم الأحد"


def _vector(claim: str, passage: str) -> dict[str, float]:
    return dict(zip(PAIR_FEATURES, pair_vector(profile_claim(claim), search_terms(passage)), strict=True))


def test_a_passage_repeating_the_claim_covers_it_whole() -> None:
    v = _vector(CLAIM, CLAIM)
    assert v["coverage"] == 1.0 and v["weighted_coverage"] == 1.0 and v["longest_run"] == 1.0
    assert v["rarest_found"] == 1.0 and v["numbers_found"] == 1.0 and v["other_numbers"] == 0.0


def test_a_passage_on_another_subject_covers_little() -> None:
    v = _vector(CLAIM, "افتتحت البلدية حديقة عامة جديدة للأطفال في حي الميدان بحضور عدد من الأهالي")
    assert v["weighted_coverage"] < 0.2 and v["rarest_found"] == 0.0


def test_another_toll_for_the_same_event_is_a_number_mismatch() -> None:
    v = _vector(CLAIM, "قتل 9 مدنيين في قصف على سوق مدينة أريحا يوم الأحد بحسب الدفاع المدني")
    assert v["numbers_found"] == 0.0 and v["other_numbers"] == 1.0
    assert v["weighted_coverage"] > 0.4


def test_denial_and_negation_are_counted_on_the_passage_side() -> None:
    v = _vector(CLAIM, "نفت وزارة الصحة الأنباء عن قصف سوق أريحا وقالت إن السوق لم يتعرض لأي قصف")
    assert v["denial"] >= 1 and v["passage_negated"] >= 1
    assert v["claim_negated"] == 0.0 and v["negation_mismatch"] == 1.0


def test_rare_words_weigh_more_than_common_ones() -> None:
    # "أريحا" (a town) is rarer in the news than "أعلنت": a passage with only the town covers more.
    town = _vector(CLAIM, "سوق أريحا")
    verb = _vector(CLAIM, "أعلنت يوم")
    assert town["weighted_coverage"] > verb["weighted_coverage"]


def test_page_reading_points_at_the_closest_sentence() -> None:
    text = (
        "الطقس اليوم مشمس في معظم المناطق مع ارتفاع طفيف في درجات الحرارة.\n"
        "وأعلنت وزارة الصحة في إدلب مقتل 14 مدنياً في قصف استهدف سوق مدينة أريحا يوم الأحد.\n"
        "وتستمر الامتحانات في المدارس حتى نهاية الشهر المقبل حسب وزارة التربية."
    )
    sentences = page_sentences(text)
    reading = read_page(profile_claim(CLAIM), sentences)
    assert reading.vector.shape == (PAGE_VECTOR_SIZE,)
    assert "أريحا" in sentences[reading.best].text
    assert text[sentences[reading.best].start : sentences[reading.best].end] == sentences[reading.best].text
    assert read_page(profile_claim(CLAIM), []).best == -1


def _row(article_id: int, source: str | None, duplicate_of: int | None = None) -> ArticleRow:
    return ArticleRow(
        article_id, f"doc{article_id}", f"t{article_id}.txt", None, source, "", dt.date(2024, 3, 1), "ar", 100,
        duplicate_of, None, f"h{article_id}",
    )


def _page(article_id: int, source: str | None, agree: float, duplicate_of: int | None = None) -> PageEvidence:
    rest = (1.0 - agree) / 3
    probs = {"agree": agree, "disagree": rest, "discuss": rest, "unrelated": rest}
    return PageEvidence(_row(article_id, source, duplicate_of), "agree" if agree > 0.5 else "unrelated", probs, None)


def test_one_outlet_and_copies_count_as_one_source() -> None:
    pages = [
        _page(1, "وكالة الرصد", 0.9),
        _page(2, "وكالة الرصد", 0.6),  # the same outlet again
        _page(3, "موقع الشرق", 0.8, duplicate_of=1),  # a near-copy of article 1 on another site
        _page(4, "شبكة الفرات", 0.7),
        _page(5, None, 0.4),
    ]
    sources = independent_sources(pages)
    assert len(sources) == 3
    head = sources[0]
    assert head.article.id == 1 and sorted(head.copies) == [2, 3]
    assert [s.article.id for s in sources] == [1, 4, 5]


@pytest.fixture(scope="module")
def model() -> ClaimCheckModel:
    return load_claim_check_model()


def test_the_shipped_model_reads_its_own_features(model: ClaimCheckModel) -> None:
    assert model.info.get("trained_on", "").startswith("UnifiedFC folds")
    low, high = model.thresholds
    assert 0.0 < low <= high < 1.0
    assert verdict_vector([]).shape == (len(VERDICT_FEATURES),)


def test_no_page_is_unverified(model: ClaimCheckModel) -> None:
    verdict = label_claim(model, [])
    assert verdict.label == "unverified" and verdict.reasons == ["no_source"]


def test_independent_confirmations_make_a_claim_true_and_a_denial_makes_it_misleading(
    model: ClaimCheckModel,
) -> None:
    confirming = [_page(i, f"outlet{i}", 0.95) for i in range(1, 6)]
    verdict = label_claim(model, confirming)
    assert verdict.p_true > model.thresholds[1]
    assert verdict.label == "true"
    denial = PageEvidence(
        _row(9, "outlet9"), "disagree", {"agree": 0.05, "disagree": 0.85, "discuss": 0.05, "unrelated": 0.05}, None
    )
    contested = label_claim(model, [*confirming, denial])
    assert contested.label in ("misleading", "false", "unverified")
    assert contested.p_true < verdict.p_true


def test_pages_that_only_touch_the_subject_do_not_confirm(model: ClaimCheckModel) -> None:
    unrelated = [
        PageEvidence(_row(i, f"o{i}"), "unrelated", {"agree": 0.02, "disagree": 0.02, "discuss": 0.1, "unrelated": 0.86}, None)
        for i in range(1, 8)
    ]
    verdict = label_claim(model, unrelated)
    assert verdict.label in ("false", "unverified")
    assert verdict.label in LABELS


def test_page_probabilities_follow_the_label_order(model: ClaimCheckModel) -> None:
    text = "وأعلنت وزارة الصحة في إدلب مقتل 14 مدنياً في قصف على سوق مدينة أريحا يوم الأحد."
    probs = model.page_probs([read_page(profile_claim(CLAIM), page_sentences(text))])
    assert probs.shape == (1, len(PAGE_LABELS))
    assert np.isclose(probs.sum(), 1.0)
    assert PAGE_LABELS[int(probs.argmax())] == "agree"


def _evidence(stance: str, flags: list[str]) -> Any:
    e = Evidence.__new__(Evidence)
    e.stance, e.flags = stance, flags
    return e


@pytest.mark.parametrize(
    ("verdict", "evidence", "page_label", "expected"),
    [
        ("conflicting", [], "true", "misleading"),
        ("conflicting", [], "false", "misleading"),
        ("refuted", [("refutes", ["denial"])], "true", "misleading"),
        ("supported", [("supports", [])], "false", "unverified"),
        ("supported", [("supports", [])], "unverified", "true"),
        ("not_enough_evidence", [], "false", "false"),
        ("supported", [], None, "true"),
        ("not_enough_evidence", [], None, "unverified"),
    ],
)
def test_publishable_label_reconciles_the_two_readings(
    verdict: str, evidence: list[tuple[str, list[str]]], page_label: str | None, expected: str
) -> None:
    label, _ = publishable_label(verdict, [_evidence(s, f) for s, f in evidence], page_label, [])
    assert label == expected


def test_few_sources_that_confirm_are_not_silence() -> None:
    supported = [_evidence("supports", [])]
    assert publishable_label("supported", supported, "false", [], ["agree", "unrelated"])[0] == "true"
    assert publishable_label("supported", supported, "false", [], ["agree", "disagree"])[0] == "unverified"
    assert publishable_label("refuted", [], "false", ["sources_deny"], ["disagree"])[0] == "false"
    assert publishable_label("conflicting", [], "false", ["sources_deny"], ["disagree"])[0] == "false"


def test_a_page_relaying_another_outlet_names_it() -> None:
    from rasid.verify.page_check import relayed_outlets

    names = [o.name_ar for o in relayed_outlets("وذكرت وكالة رويترز أن الحكومة رفعت أسعار الخبز", "الجزيرة نت")]
    assert names == ["رويترز"]
    # Its own outlet named in its sentence, or an outlet it merely spoke to, is no relay.
    assert relayed_outlets("وقالت الجزيرة نت إن الحكومة رفعت الأسعار", "aljazeera.net") == []
    assert relayed_outlets("وقال مسؤول لأورينت نت إن الأسعار ارتفعت", "عنب بلدي") == []
    assert relayed_outlets("رفعت الحكومة أسعار الخبز صباح اليوم", "عنب بلدي") == []


def _relaying(article_id: int, source: str, sentence: str) -> PageEvidence:
    from rasid.verify.page_stance import PageSentence

    probs = {"agree": 0.9, "disagree": 0.03, "discuss": 0.04, "unrelated": 0.03}
    return PageEvidence(_row(article_id, source), "agree", probs, PageSentence(0, len(sentence), sentence, ()))


def test_sites_relaying_one_paper_are_one_source() -> None:
    rumour = "كشفت صحيفة الوطن السورية أن أسعار المطاعم في دمشق تضاعفت"
    pages = [
        _relaying(1, "orient-news.net", rumour),
        _relaying(2, "عنب بلدي", "وبحسب صحيفة الوطن فإن أسعار المطاعم في دمشق تضاعفت"),
        _relaying(3, "alwatan.sy", "تضاعفت أسعار المطاعم في دمشق خلال الشهر الماضي"),  # the paper itself
        _relaying(4, "سكاي نيوز عربية", "تضاعفت أسعار المطاعم في دمشق بحسب جولة لمراسلنا"),
    ]
    sources = independent_sources(pages)
    assert len(sources) == 2
    joined = next(s for s in sources if s.copies)
    assert sorted([joined.article.id, *joined.copies]) == [1, 2, 3]
    assert pages[0].relays == ["صحيفة الوطن السورية"]


def test_a_site_is_its_outlet() -> None:
    from rasid.stories.holders import outlet_for_source

    assert outlet_for_source("aljazeera.net").id == "aljazeera"  # type: ignore[union-attr]
    assert outlet_for_source("arabic.rt.com").id == "rt_arabic"  # type: ignore[union-attr]
    assert outlet_for_source("الجزيرة نت").id == "aljazeera"  # type: ignore[union-attr]
    assert outlet_for_source("example.org") is None
    # One outlet under its name and under its site is one source.
    same = independent_sources([_page(1, "aljazeera.net", 0.9), _page(2, "الجزيرة نت", 0.8)])
    assert len(same) == 1


def test_the_verdict_vector_carries_the_passage_reading() -> None:
    from rasid.verify.page_stance import PassageReading

    vector = verdict_vector([[0.7, 0.1, 0.1, 0.1], [0.1, 0.1, 0.2, 0.6]], PassageReading(0.9, 0.2, 0.0, "supported"))
    named = dict(zip(VERDICT_FEATURES, vector.tolist(), strict=True))
    assert named["sum_agree"] == pytest.approx(0.8) and named["max_unrelated"] == pytest.approx(0.6)
    assert named["sources"] == 2 and named["related_sources"] == 1
    assert named["passage_supports"] == 0.9 and named["passage_supported"] == 1.0 and named["passage_refuted"] == 0.0
    assert dict(zip(VERDICT_FEATURES, verdict_vector([]).tolist(), strict=True))["passage_conflicting"] == 0.0


def test_a_bundle_for_other_features_is_refused(tmp_path: Any) -> None:
    import joblib

    from rasid.verify.page_stance import CLAIM_CHECK_MODEL_PATH, ClaimCheckModelError

    bundle = joblib.load(CLAIM_CHECK_MODEL_PATH)
    bundle["verdict_features"] = bundle["verdict_features"][:-1]
    path = tmp_path / "old.joblib"
    joblib.dump(bundle, path)
    with pytest.raises(ClaimCheckModelError, match="other features"):
        load_claim_check_model(path)
    other = tmp_path / "other.joblib"
    joblib.dump({"kind": "stance"}, other)
    with pytest.raises(ClaimCheckModelError, match="not a claim-check model"):
        load_claim_check_model(other)


def test_a_fact_checkers_debunk_outweighs_repetition(model: ClaimCheckModel) -> None:
    repeated = [_page(i, f"outlet{i}", 0.95) for i in range(1, 6)]
    assert label_claim(model, repeated).label == "true"
    debunk_row = ArticleRow(
        9, "doc9", "t9.txt", "https://www.misbar.com/factcheck/2024/03/01/x", "misbar.com", "", dt.date(2024, 3, 2),
        "ar", 100, None, None, "h9",
    )
    debunk = PageEvidence(debunk_row, "disagree", {"agree": 0.05, "disagree": 0.8, "discuss": 0.1, "unrelated": 0.05}, None)
    verdict = label_claim(model, [*repeated, debunk])
    assert verdict.label == "false" and verdict.reasons == ["a_fact_checker_refutes"]
    # The same denial from an ordinary outlet only contests the claim.
    ordinary = PageEvidence(_row(10, "outlet10"), "disagree", dict(debunk.probs), None)
    assert label_claim(model, [*repeated, ordinary]).reasons != ["a_fact_checker_refutes"]


def test_a_denial_by_the_party_the_claim_names_contests_it(model: ClaimCheckModel) -> None:
    from rasid.verify.page_check import _actors_in, party_denial

    claim = "قصفت القوات الروسية مستشفى في بلدة كفرنبل بريف إدلب"
    parties = _actors_in(claim)
    assert parties, "the claim names an actor the knowledge base knows"
    name = next(iter(parties.values()))
    assert party_denial(f"ونفت {name} قصف أي مستشفى في ريف إدلب", parties) == name
    assert party_denial(f"وقالت {name} إنها استهدفت مواقع المسلحين", parties) is None  # no denial word
    assert party_denial("ونفى الدفاع المدني وجود ضحايا", parties) is None  # a denial, not by the party
    repeated = [_page(i, f"outlet{i}", 0.95) for i in range(1, 6)]
    denial = _page(9, "outlet9", 0.5)
    denial.party_denial = name
    verdict = label_claim(model, [*repeated, denial])
    # Shown among the reasons; the label still follows the sources (see label_claim).
    assert "the_party_concerned_denies" in verdict.reasons
    assert verdict.label == label_claim(model, [*repeated, _page(9, "outlet9", 0.5)]).label


BOMBING = "قتل 15 شخصا في تفجير انتحاري استهدف مسجدا في مدينة حمص"


def _reading(claim: str, text: str) -> Any:
    return read_page(profile_claim(claim), page_sentences(text))


def test_another_place_is_another_event_not_a_contradiction() -> None:
    assert elsewhere(BOMBING, "قتل 27 شخصا في تفجير استهدف مسجدا في مدينة الموصل العراقية.")
    assert not elsewhere(BOMBING, "قتل 27 شخصا في تفجير استهدف مسجدا في حي الوعر بمدينة حمص.")
    assert not elsewhere(BOMBING, "قتل 27 شخصا في تفجير استهدف مسجدا في سوريا.")  # the claim's country
    assert not elsewhere(BOMBING, "قتل 27 شخصا في تفجير استهدف مسجدا.")  # no place: cannot tell


def test_disagree_needs_a_reason_on_the_page(model: ClaimCheckModel) -> None:
    other_event = _reading(BOMBING, "وقتل 27 شخصا في تفجير انتحاري استهدف مسجدا في مدينة الموصل العراقية يوم الجمعة.")
    other_toll = _reading(BOMBING, "وقتل 27 شخصا في تفجير انتحاري استهدف مسجدا في مدينة حمص يوم الجمعة.")
    denied = _reading(BOMBING, "ونفت مصادر محلية الأنباء عن تفجير انتحاري استهدف مسجدا في حمص، وقالت إنه لا صحة لها.")
    health = _reading(BOMBING, "وقالت وزارة الصحة إن تفجيرا انتحاريا استهدف مسجدا في مدينة الموصل وقتل 27 شخصا.")
    assert not other_event.can_refute and not health.can_refute  # "وزارة الصحة" is no denial
    assert other_toll.can_refute and denied.can_refute
    probs = model.page_probs([other_event, health])
    assert (probs[:, PAGE_LABELS.index("disagree")] == 0.0).all()
    assert np.allclose(probs.sum(axis=1), 1.0)
