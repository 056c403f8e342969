"""Shipped verification classifiers: stance, claim, check-worthiness (+ metrics, CLI)."""

from __future__ import annotations

from pathlib import Path

import pytest

from rasid.verify.evaluate import STANCE_LABELS, accuracy, classification_summary, macro_f1, per_class
from rasid.verify.features import PairFeatures, lexical_overlap, normalize

SHARED = Path(__file__).parents[2] / ".." / "shared" / "data"
needs_shared = pytest.mark.skipif(not (SHARED / "stance").is_dir(), reason="../shared/data not present")


@pytest.fixture(scope="module")
def stance_model():
    from rasid.verify.stance import load_stance_model

    return load_stance_model()


@pytest.fixture(scope="module")
def checkworthy_model():
    from rasid.verify.checkworthy import load_checkworthy_model

    return load_checkworthy_model()


def test_label_mapping() -> None:
    assert STANCE_LABELS == {"agree": "supports", "disagree": "refutes", "other": "discusses"}


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


def test_metrics_on_toy_data() -> None:
    gold = ["a", "a", "b", "b", "c"]
    pred = ["a", "b", "b", "b", "a"]
    scores = per_class(gold, pred, ["a", "b", "c"])
    assert scores["a"]["precision"] == pytest.approx(0.5) and scores["a"]["recall"] == pytest.approx(0.5)
    assert scores["b"]["precision"] == pytest.approx(2 / 3) and scores["b"]["f1"] == pytest.approx(0.8)
    assert scores["c"]["f1"] == 0.0
    assert accuracy(gold, pred) == pytest.approx(0.6)
    assert macro_f1(gold, pred) == pytest.approx((0.5 + 0.8 + 0.0) / 3)
    summary = classification_summary([True, False, True], [True, True, True], [True, False])
    assert summary["per_class"]["True"]["f1"] == pytest.approx(0.8)
    with pytest.raises(ValueError):
        accuracy(["a"], [])


def test_missing_model_file_message(tmp_path: Path) -> None:
    from rasid.verify.stance import ModelMissingError, load_stance_model

    with pytest.raises(ModelMissingError, match="rasid train stance"):
        load_stance_model(tmp_path / "nope.joblib")


@needs_shared
def test_eval_stance_on_test_split(stance_model) -> None:
    from rasid.verify.evaluate import eval_stance

    report = eval_stance(SHARED / "stance", stance_model)
    assert report["n"] == 379
    assert report["macro_f1"] > 0.6 and report["accuracy"] > 0.7


def test_cli_reports_missing_data(tmp_path: Path) -> None:
    import typer
    from typer.testing import CliRunner

    from rasid.verify.verify_commands import register

    app, eval_app, train_app = typer.Typer(), typer.Typer(), typer.Typer()
    app.add_typer(eval_app, name="eval")
    app.add_typer(train_app, name="train")
    register(app, eval_app, train_app)
    result = CliRunner().invoke(app, ["eval", "checkworthy", "--data", str(tmp_path)])
    assert result.exit_code == 2
    assert "CT24_checkworthy_arabic_dev-test.tsv: file not found" in result.output
