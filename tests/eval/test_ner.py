"""NER evaluation and training code: CoNLL scores, IOB reading, the word lists training builds."""

from __future__ import annotations

from pathlib import Path

import pytest

from rasid.eval.ner import IOBFormatError, conll_scores, read_iob
from rasid.eval.ner_train import package_lexicons, read_cue_lists
from rasid.extract.ner_crf import load_tagger, phrase_key

SHARED = Path(__file__).parents[2] / ".." / "shared" / "data" / "ner"


# ---------------------------------------------------------------- scoring


def test_conll_exact_spans_partial_overlap_is_an_error() -> None:
    gold = [["B-PERS", "I-PERS", "O", "B-LOC", "O", "B-ORG", "I-ORG", "I-ORG"]]
    # PERS exact, LOC wrong type, ORG only partly covered.
    pred = [["B-PERS", "I-PERS", "O", "B-ORG", "O", "B-ORG", "I-ORG", "O"]]
    s = conll_scores(gold, pred)
    assert s["micro"]["correct"] == 1
    assert s["micro"]["support"] == 3
    assert s["micro"]["predicted"] == 3
    assert s["micro"]["f1"] == pytest.approx(1 / 3)
    assert s["per_type"]["PERS"]["f1"] == 1.0
    assert s["per_type"]["LOC"]["recall"] == 0.0
    assert s["per_type"]["ORG"]["precision"] == 0.0
    assert s["per_type"]["ORG"]["predicted"] == 2


def test_conll_type_filter_and_length_mismatch() -> None:
    gold = [["B-PERS", "O", "B-MISC"]]
    pred = [["B-PERS", "O", "O"]]
    assert conll_scores(gold, pred, types={"PERS", "LOC", "ORG"})["micro"]["f1"] == 1.0
    assert conll_scores(gold, pred)["micro"]["recall"] == 0.5
    with pytest.raises(ValueError):
        conll_scores(gold, [["O", "O"]])


# ---------------------------------------------------------------- reading


def test_read_iob_formats(tmp_path: Path) -> None:
    path = tmp_path / "mixed.txt"
    path.write_text("زار O\nوزير\tO\nالدفاع O\nحلب I-LOC\n\nمجلس B-ORG\nالأمن I-ORG\n", encoding="utf-8")
    sents = read_iob(path)
    assert [len(s) for s in sents] == [4, 2]
    assert sents[0][3] == ("حلب", "B-LOC")  # IOB1 converted to IOB2
    assert sents[1][1] == ("الأمن", "I-ORG")


def test_read_iob_nested_columns_keep_outermost_mapped_entity(tmp_path: Path) -> None:
    path = tmp_path / "nested.txt"
    path.write_text(
        "مدير B-OCC\nمكتب I-OCC B-ORG\nحمص I-OCC I-ORG B-GPE\nقال O\n$#$ O\n\n",
        encoding="utf-8",
    )
    (sent,) = read_iob(path)
    assert [lab for _, lab in sent] == ["O", "B-ORG", "I-ORG", "O"]


@pytest.mark.parametrize(
    ("content", "line"),
    [("حلب B-LOC\nدمشق\n", 2), ("حلب B-LOC\n\nدمشق LOCATION\n", 3), ("حلب X-LOC\n", 1)],
)
def test_read_iob_errors_name_the_line(tmp_path: Path, content: str, line: int) -> None:
    path = tmp_path / "bad.txt"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(IOBFormatError, match=rf"bad\.txt:{line}:"):
        read_iob(path)


@pytest.mark.skipif(not (SHARED / "anercorp_train.txt").is_file(), reason="shared data absent")
def test_shipped_model_quality_on_a_slice_of_anercorp() -> None:
    # The shipped model has seen this data; this guards against a broken build, not a quality claim.
    sents = read_iob(SHARED / "anercorp_train.txt")[:300]
    tagger = load_tagger()
    pred = [tagger.tag([t for t, _ in s]) for s in sents]
    scores = conll_scores([[lab for _, lab in s] for s in sents], pred)
    assert scores["micro"]["f1"] > 0.85


# ---------------------------------------------------------------- training word lists


def test_cue_lists_and_package_lists(tmp_path: Path) -> None:
    path = tmp_path / "cues.txt"
    path.write_text("# lists\n[world]\nفرنسا\nجنوب أفريقيا\n[org_head]\nوزارة  # opens a name\n", encoding="utf-8")
    lists = read_cue_lists(path)
    # Phrases are stored as lexicon keys (normalised, clitic-stripped), as the tagger matches them.
    assert lists["world"] == {phrase_key(["فرنسا"]), ("جنوب", "افريقيا")}
    assert lists["org_head"] == {phrase_key(["وزارة"])}
    path.write_text("فرنسا\n[world]\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"cues\.txt:1:"):
        read_cue_lists(path)
    shipped = package_lexicons()
    assert phrase_key(["باريس"]) in shipped["world"]
    assert phrase_key(["حلب"]) in shipped["kb_place"]  # from places.csv
    assert phrase_key(["محمد"]) in shipped["given"]  # from given_names.txt
    assert any(len(p) > 1 for p in shipped["pers_cue"])  # multi-word titles from titles.yaml


def test_cluster_corpora_leave_out_evaluation_text_and_the_held_out_block(tmp_path: Path) -> None:
    from rasid.eval.ner_train import _held_out_blocks, default_cluster_corpora
    from rasid.extract.ner_clusters import is_evaluation_file

    corpora = default_cluster_corpora()
    assert [p.name for p in corpora] == ["saudinewsnet_dev.jsonl.gz", "anercorp_train.txt"]
    assert not any(is_evaluation_file(p) or "wojood" in str(p) for p in corpora)
    one, two = tmp_path / "a.txt", tmp_path / "b.txt"
    one.write_text("حلب B-LOC\n\nحمص B-LOC\n\nدرعا B-LOC\n", encoding="utf-8")
    two.write_text("زار O\n\nغادر O\n", encoding="utf-8")
    # Sentences 2..3 of a.txt + b.txt are a.txt's last and b.txt's first.
    assert _held_out_blocks([one, two], 2, 4) == {one: (2, 3), two: (0, 1)}
    assert _held_out_blocks([one, two], 0, 1) == {one: (0, 1)}
