"""Trivial baselines printed beside every `rasid eval` score.

A score means little without the number a method with no knowledge of the task reaches on
the same data: the majority class, "everything is positive", "all in one story". Each
function here scores one such guess with the same metric as the real evaluation, so the two
numbers can be read side by side. None of them looks at anything a real system would not
have (the gold labels are used only to find the majority class of the data being scored,
which flatters the baseline, never the system).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Hashable, Mapping, Sequence
from pathlib import Path
from typing import Any

# --------------------------------------------------------------------------- classification


def prf(tp: int, fp: int, fn: int) -> dict[str, float | int]:
    """Precision, recall and F1 from counts (0.0 where undefined), with the counts."""
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "tp": tp, "fp": fp, "fn": fn}


def majority_label(gold: Sequence[Hashable]) -> Hashable:
    """The most frequent gold label (ties: the first one seen)."""
    if not gold:
        raise ValueError("no gold labels")
    return Counter(gold).most_common(1)[0][0]


def constant_scores(gold: Sequence[Hashable], guess: Hashable, labels: Sequence[Hashable]) -> dict[str, Any]:
    """Accuracy, macro F1 and per-class P/R/F1 of answering `guess` for every item."""
    per_class: dict[str, dict[str, float]] = {}
    n = len(gold)
    for label in labels:
        support = sum(1 for g in gold if g == label)
        if label == guess:
            precision = support / n if n else 0.0
            recall = 1.0 if support else 0.0
        else:
            precision = recall = 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_class[str(label)] = {"precision": precision, "recall": recall, "f1": f1, "support": float(support)}
    return {
        "answer": str(guess),
        "accuracy": (sum(1 for g in gold if g == guess) / n) if n else 0.0,
        "macro_f1": sum(s["f1"] for s in per_class.values()) / len(per_class) if per_class else 0.0,
        "per_class": per_class,
    }


def classification_baselines(
    gold: Sequence[Hashable], labels: Sequence[Hashable], positive: Hashable | None = None
) -> dict[str, dict[str, Any]]:
    """The majority-class answer, and (for a task with a positive class) the all-positive answer."""
    out = {"majority": constant_scores(gold, majority_label(gold), labels)}
    if positive is not None:
        out["all_positive"] = constant_scores(gold, positive, labels)
    return out


# --------------------------------------------------------------------------- stories


def story_baselines(gold: Mapping[str, str], scorer: Any) -> dict[str, dict[str, Any]]:
    """Pairwise scores of "every article its own story" and "all articles in one story".

    `scorer(gold, predicted)` is the evaluation's own pairwise scorer.
    """
    return {
        "singletons": scorer(gold, {a: a for a in gold}),
        "one_story": scorer(gold, dict.fromkeys(gold, "all")),
    }


# --------------------------------------------------------------------------- NER

Span = tuple[int, int, str]


def entity_lexicon(sentences: Sequence[Sequence[tuple[str, str]]], spans_of: Any) -> dict[tuple[str, ...], str]:
    """Token sequence -> its most frequent entity type, from IOB-labelled training sentences."""
    counts: dict[tuple[str, ...], Counter[str]] = {}
    for sentence in sentences:
        tokens = [t for t, _ in sentence]
        for i, j, kind in spans_of([label for _, label in sentence]):
            counts.setdefault(tuple(tokens[i:j]), Counter())[kind] += 1
    return {words: c.most_common(1)[0][0] for words, c in counts.items()}


def memorised_labels(tokens: Sequence[str], lexicon: Mapping[tuple[str, ...], str], longest: int) -> list[str]:
    """IOB labels from the longest training entity that matches at each position, left to right
    (the CoNLL-2003 baseline: tag what was seen as an entity in training, with its usual type)."""
    labels = ["O"] * len(tokens)
    i = 0
    while i < len(tokens):
        for n in range(min(longest, len(tokens) - i), 0, -1):
            kind = lexicon.get(tuple(tokens[i : i + n]))
            if kind is not None:
                labels[i] = f"B-{kind}"
                for k in range(i + 1, i + n):
                    labels[k] = f"I-{kind}"
                i += n
                break
        else:
            i += 1
    return labels


def ner_baselines(
    test: Sequence[Sequence[tuple[str, str]]],
    train: Sequence[Sequence[tuple[str, str]]] | None,
    types: Collection[str] | None = None,
) -> dict[str, dict[str, Any]]:
    """Exact-span micro scores of two trivial taggers on the test sentences.

    "majority": every token O (the majority label), which finds nothing: F1 0.
    "memorised": the entity strings of the training file with their most frequent type
    (given only when a training file is).
    """
    from rasid.eval.ner import conll_scores
    from rasid.extract.ner_crf import iob_spans

    gold = [[label for _, label in s] for s in test]
    out: dict[str, dict[str, Any]] = {
        "majority": {"answer": "O", **conll_scores(gold, [["O"] * len(g) for g in gold], types)["micro"]}
    }
    if train:
        lexicon = entity_lexicon(train, iob_spans)
        longest = max((len(k) for k in lexicon), default=1)
        pred = [memorised_labels([t for t, _ in s], lexicon, longest) for s in test]
        scores = conll_scores(gold, pred, types)
        out["memorised"] = {"answer": f"{len(lexicon)} training entity strings", **scores["micro"]}
    return out


NER_TRAIN_NAME = "anercorp_train.txt"


def default_ner_train(test_path: Path) -> Path | None:
    """The training file the shipped tagger learnt from (ANERcorp train), looked for beside the test
    file or one folder up; None when absent or when it is the test file itself."""
    for folder in (test_path.parent, test_path.parent.parent):
        candidate = folder / NER_TRAIN_NAME
        if candidate.is_file() and candidate.resolve() != test_path.resolve():
            return candidate
    return None


def ner_file_baselines(
    test_path: Path, train_path: Path | None, types: Collection[str] | None = None
) -> dict[str, dict[str, Any]]:
    """`ner_baselines` on IOB files (read as the evaluation reads them); names the training file used."""
    from rasid.eval.ner import read_iob

    train = read_iob(train_path) if train_path is not None else None
    out = ner_baselines(read_iob(test_path), train, types)
    if "memorised" in out and train_path is not None:
        out["memorised"]["train"] = str(train_path)
    return out
