"""Trivial baselines printed beside every `rasid eval` score (issue 14 item 10)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rasid.eval.baselines import (
    classification_baselines,
    constant_scores,
    default_ner_train,
    entity_lexicon,
    memorised_labels,
    ner_baselines,
    story_baselines,
)
from rasid.eval.dates import evaluate_file
from rasid.eval.events import plover_baselines, sample_baseline
from rasid.eval.stories import pairwise_scores
from rasid.extract.ner_crf import iob_spans


def test_majority_and_all_positive_answers() -> None:
    gold = [True, True, True, False]
    out = classification_baselines(gold, [True, False], positive=True)
    majority, all_yes = out["majority"], out["all_positive"]
    assert majority["answer"] == "True" and all_yes["answer"] == "True"
    assert all_yes["accuracy"] == pytest.approx(0.75)
    # Positive F1 of answering yes everywhere: 2 * 0.75 / 1.75.
    assert all_yes["per_class"]["True"]["f1"] == pytest.approx(6 / 7)
    assert all_yes["per_class"]["False"]["f1"] == 0.0
    assert all_yes["macro_f1"] == pytest.approx(3 / 7)


def test_majority_of_a_three_class_task() -> None:
    gold = ["refutes"] * 5 + ["supports"] * 3 + ["discusses"]
    out = classification_baselines(gold, ["supports", "refutes", "discusses"])
    assert set(out) == {"majority"}
    assert out["majority"]["answer"] == "refutes"
    assert out["majority"]["accuracy"] == pytest.approx(5 / 9)
    assert constant_scores(gold, "discusses", ["discusses"])["per_class"]["discusses"]["precision"] == pytest.approx(1 / 9)


def test_story_baselines() -> None:
    gold = {"a": "s1", "b": "s1", "c": "s2", "d": "x"}
    out = story_baselines(gold, pairwise_scores)
    assert out["singletons"]["f1"] == 0.0 and out["singletons"]["fn"] == 1
    one = out["one_story"]
    assert one["recall"] == 1.0 and one["precision"] == pytest.approx(1 / 6, abs=1e-3)


def _sentence(text: str) -> list[tuple[str, str]]:
    return [(tok.split("/")[0], tok.split("/")[1] if "/" in tok else "O") for tok in text.split()]


def test_ner_memorised_baseline_uses_longest_training_entity() -> None:
    train = [_sentence("زار بشار/B-PERS الأسد/I-PERS مدينة حلب/B-LOC"), _sentence("في حلب/B-LOC اليوم")]
    lexicon = entity_lexicon(train, iob_spans)
    assert lexicon[("بشار", "الأسد")] == "PERS" and lexicon[("حلب",)] == "LOC"
    labels = memorised_labels(["قال", "بشار", "الأسد", "في", "حلب"], lexicon, 2)
    assert labels == ["O", "B-PERS", "I-PERS", "O", "B-LOC"]
    test = [_sentence("قال بشار/B-PERS الأسد/I-PERS في دمشق/B-LOC")]
    out = ner_baselines(test, train)
    assert out["majority"]["f1"] == 0.0 and out["majority"]["support"] == 2
    assert out["memorised"]["correct"] == 1 and out["memorised"]["precision"] == 1.0
    assert out["memorised"]["recall"] == pytest.approx(0.5)
    assert "memorised" not in ner_baselines(test, None)


def test_default_ner_train_is_never_the_test_file(tmp_path: Path) -> None:
    (tmp_path / "anercorp_train.txt").write_text("حلب B-LOC\n", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    test = tmp_path / "sub" / "test.txt"
    test.write_text("حلب B-LOC\n", encoding="utf-8")
    assert default_ner_train(test) == tmp_path / "anercorp_train.txt"
    assert default_ner_train(tmp_path / "anercorp_train.txt") is None


def test_plover_baselines() -> None:
    gold = ["ASSAULT"] * 3 + ["PROTEST"]
    out = plover_baselines(gold, ["ASSAULT", "PROTEST"])
    assert out["majority"]["answer"] == "ASSAULT"
    assert out["majority"]["overall"]["precision"] == pytest.approx(0.75)
    assert out["majority"]["per_type"]["PROTEST"]["fn"] == 1
    every = out["all_types"]
    assert every["overall"]["recall"] == 1.0 and every["overall"]["precision"] == pytest.approx(0.5)
    assert every["per_type"]["PROTEST"]["precision"] == pytest.approx(0.25)


def test_sample_baseline_is_one_majority_event_per_article() -> None:
    key = {
        "articles": {"a1": {"published": "2020-01-02"}, "a2": {"published": "2020-01-05"}},
        "events": {
            "a1": [{"event_type": "Battles", "sub_event_type": "Armed clash", "admin1": "Idlib"}],
            "a2": [
                {"event_type": "Battles", "sub_event_type": "Armed clash", "admin1": "Idlib"},
                {"event_type": "Protests", "sub_event_type": "Peaceful protest", "admin1": "Aleppo"},
            ],
        },
    }
    guess = sample_baseline(key)
    assert [len(v) for v in guess.values()] == [1, 1]
    assert guess["a2"][0]["date"] == "2020-01-05"
    assert guess["a1"][0]["event_type"] == "Battles" and guess["a1"][0]["location"]["admin1"] == "Idlib"


def test_dates_baseline_is_the_reference_time(tmp_path: Path) -> None:
    ref = "2013-02-12T04:30:00"
    items = [
        {"value": "2013-02-12T00:00:00", "grain": "day", "phrase": "اليوم", "reference_time": ref},
        {"value": "2013-02-11T00:00:00", "grain": "day", "phrase": "أمس", "reference_time": ref},
        {"kind": "negative", "phrase": "ذهب الولد", "reference_time": ref},
        {"dimension": "numeral", "phrase": "15", "expected": {"value": 15}, "reference_time": ref},
        {"dimension": "numeral", "phrase": "خمسة عشر", "expected": {"value": 15}, "reference_time": ref},
    ]
    path = tmp_path / "suite.jsonl"
    path.write_text("\n".join(json.dumps(i, ensure_ascii=False) for i in items), encoding="utf-8")
    report = evaluate_file(path)
    kinds = {r["kind"]: r for r in report["results"]}
    assert kinds["time"]["baseline_correct"] == 1  # today right, yesterday wrong
    assert kinds["negative"]["baseline_correct"] == 0  # the baseline always answers a date
    assert kinds["numeral"]["baseline_correct"] == 1  # digits read, words not
    assert report["baseline_accuracy"] == pytest.approx(2 / 5)
    assert report["accuracy"] > report["baseline_accuracy"]
