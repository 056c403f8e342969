"""Shipped verification classifiers: stance, claim, check-worthiness."""

from __future__ import annotations

from pathlib import Path

import pytest

from rasid.verify.features import PairFeatures, lexical_overlap, normalize


@pytest.fixture(scope="module")
def stance_model():
    from rasid.verify.stance import load_stance_model

    return load_stance_model()


@pytest.fixture(scope="module")
def checkworthy_model():
    from rasid.verify.checkworthy import load_checkworthy_model

    return load_checkworthy_model()


def test_normalize_folds_spelling_and_digits() -> None:
    assert normalize("إنسحاب القوّات من ٣ قرى #حلب") == "انسحاب القوات من 3 قري حلب"


def test_diff_aligns_inflected_words() -> None:
    added, dropped = PairFeatures._diff(
        "انسحبت القوات الروسية من حلب", "نفى مصدر انسحاب القوات الروسية من حلب"
    )
    assert "نفي" in added and "مصدر" in added
    assert not dropped  # انسحبت ~ انسحاب are the same word for alignment


def test_lexical_overlap_separates_unrelated() -> None:
    claim = "سيطرت فصائل المعارضة على بلدة كفرنبل في ريف إدلب"
    assert lexical_overlap(claim, "فصائل المعارضة تسيطر على كفرنبل جنوب إدلب") > 0.5
    assert lexical_overlap(claim, "ارتفاع أسعار الخبز في دمشق بنسبة 20 بالمئة") < 0.15


def test_stance_model_loads_with_user_labels(stance_model) -> None:
    assert set(stance_model.labels) == {"supports", "refutes", "discusses"}
    label, probs = stance_model.predict("انسحبت القوات الروسية من حلب", "القوات الروسية تنسحب من مدينة حلب")
    assert label in probs
    assert abs(sum(probs.values()) - 1.0) < 1e-6


def test_denial_is_more_refuting_than_paraphrase(stance_model) -> None:
    claim = "انسحبت القوات الروسية من حلب"
    _, denial = stance_model.predict(claim, "نفى مصدر عسكري انسحاب القوات الروسية من حلب")
    _, para = stance_model.predict(claim, "القوات الروسية تنسحب من مدينة حلب")
    assert denial["refutes"] > para["refutes"]
    assert para["supports"] > denial["supports"]


def test_antonym_swap_refutes(stance_model) -> None:
    pairs = [
        ("ارتفاع عدد النازحين من ريف إدلب الجنوبي", "انخفاض عدد النازحين من ريف إدلب الجنوبي"),
        ("ارتفاع عدد النازحين من ريف إدلب الجنوبي", "تزايد أعداد النازحين من جنوب ريف إدلب"),
    ]
    (_, swap), (_, para) = [probs for probs in stance_model.predict_many(pairs)]
    assert swap["refutes"] > para["refutes"]


def test_unrelated_pair_is_not_supported(stance_model) -> None:
    from rasid.verify.stance import is_unrelated

    claim = "قصف مدفعي على مدينة دوما في الغوطة الشرقية"
    passage = "منتخب الأردن يفوز على ضيفه في تصفيات كأس آسيا"
    assert is_unrelated(claim, passage)
    label, _ = stance_model.predict(claim, passage)
    assert label != "supports"
    assert stance_model.predict_many([]) == []


def test_claim_model_outputs() -> None:
    from rasid.verify.claims_model import load_claim_model

    model = load_claim_model()
    claim = "الحرب في سوريا: قافلة إغاثة تدخل الغوطة الشرقية"
    label, prob = model.predict(claim)
    fake = model.fake_probability([claim])[0]
    assert label == ("fake" if fake >= model.threshold else "true")
    assert prob == pytest.approx(fake if label == "fake" else 1 - fake)


def test_checkworthy_prefers_factual_attributed_claims(checkworthy_model) -> None:
    factual = (
        "قال المرصد السوري إن 23 مدنيا قتلوا في غارات جوية على معرة النعمان وسيطرت القوات الحكومية على 4 قرى"
    )
    opinion = "صباح الخير يا أحلى ناس، الله يحفظكم ويسعد قلوبكم ❤️ #جمعة_مباركة"
    high, low = checkworthy_model.score([factual, opinion])
    assert high > low
    assert checkworthy_model.is_checkworthy(factual)
    assert not checkworthy_model.is_checkworthy(opinion)
    assert checkworthy_model.score([]) == []


def test_missing_model_file_message(tmp_path: Path) -> None:
    from rasid.verify.stance import ModelMissingError, load_stance_model

    with pytest.raises(ModelMissingError, match="rasid train stance"):
        load_stance_model(tmp_path / "nope.joblib")
