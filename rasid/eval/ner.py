"""CoNLL-style evaluation of the NER tagger on IOB files (ANERcorp format, `token label` per line).

Scores follow the CoNLL-2003 rule: an entity counts as correct only if its type and both
boundaries match the gold entity exactly; a partial overlap is one false positive and one
false negative.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

from rasid.extract.ner_crf import iob_spans

# How entity types of other schemes (Wojood) map onto ANERcorp's; unmapped types are dropped.
DEFAULT_TYPE_MAP: Mapping[str, str] = {
    "PERS": "PERS",
    "PER": "PERS",
    "LOC": "LOC",
    "GPE": "LOC",
    "ORG": "ORG",
    "MISC": "MISC",
}
# A token some corpora (Wojood) put at the end of each paragraph; it is not text.
PARAGRAPH_MARK = "$#$"


class IOBFormatError(ValueError):
    """A malformed line in an IOB file (the message names file and line)."""


class Tagger(Protocol):
    def tag(self, tokens: Sequence[str]) -> list[str]: ...


def _check_label(label: str, path: Path, lineno: int) -> None:
    if label == "O":
        return
    prefix, sep, kind = label.partition("-")
    if not sep or prefix not in ("B", "I") or not kind:
        raise IOBFormatError(f"{path}:{lineno}: bad label {label!r} (expected O, B-TYPE or I-TYPE)")


def _flatten(columns: list[list[str]], type_map: Mapping[str, str]) -> list[str]:
    """One IOB2 layer from several nested tag columns: the outermost kept entity wins."""
    n = len(columns)
    spans: list[tuple[int, int, str]] = []
    depth = max((len(c) for c in columns), default=0)
    for layer in range(depth):
        labels = [c[layer] if layer < len(c) else "O" for c in columns]
        spans.extend(iob_spans(labels))
    kept = [(i, j, type_map[t]) for i, j, t in spans if t in type_map]
    # Outermost first: longer spans claim their tokens; nested or crossing ones are dropped.
    kept.sort(key=lambda s: (-(s[1] - s[0]), s[0]))
    out = ["O"] * n
    for i, j, t in kept:
        if all(x == "O" for x in out[i:j]):
            out[i] = f"B-{t}"
            for k in range(i + 1, j):
                out[k] = f"I-{t}"
    return out


def read_iob(path: Path, type_map: Mapping[str, str] | None = None) -> list[list[tuple[str, str]]]:
    """Sentences of (token, IOB2 label) from a `token label` (space or tab separated) file.

    Blank lines separate sentences. Accepts IOB2 (B-/I-) and IOB1 (I- opens a span);
    labels are returned as IOB2. Extra label columns (nested NER, e.g. Wojood) are
    flattened to the outermost entity. With `type_map`, entity types are renamed and
    those not in the map become O (default: keep ANERcorp's types, map GPE to LOC).
    """
    type_map = DEFAULT_TYPE_MAP if type_map is None else type_map
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise IOBFormatError(f"{path}: cannot read ({exc})") from exc
    sentences: list[list[tuple[str, str]]] = []
    tokens: list[str] = []
    columns: list[list[str]] = []

    def flush() -> None:
        if tokens:
            sentences.append(list(zip(tokens, _flatten(columns, type_map), strict=True)))
        tokens.clear()
        columns.clear()

    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            flush()
            continue
        parts = line.split("\t") if "\t" in line else line.split()
        parts = [p.strip() for p in parts if p.strip()]
        if len(parts) < 2:
            raise IOBFormatError(f"{path}:{lineno}: expected 'token label', got {line.strip()!r}")
        for label in parts[1:]:
            _check_label(label, path, lineno)
        if parts[0] == PARAGRAPH_MARK:
            continue
        tokens.append(parts[0])
        columns.append(parts[1:])
    flush()
    if not sentences:
        raise IOBFormatError(f"{path}: no sentences found")
    return sentences


def _prf(correct: int, predicted: int, gold: int) -> dict[str, float | int]:
    p = correct / predicted if predicted else 0.0
    r = correct / gold if gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": p, "recall": r, "f1": f, "support": gold, "predicted": predicted, "correct": correct}


def conll_scores(
    gold_seqs: Sequence[Sequence[str]],
    pred_seqs: Sequence[Sequence[str]],
    types: Collection[str] | None = None,
) -> dict[str, Any]:
    """Exact-span precision/recall/F1 per entity type and micro-averaged.

    `types` restricts scoring to those entity types (spans of other types are ignored
    on both sides). Returns {"per_type": {type: scores}, "micro": scores}.
    """
    if len(gold_seqs) != len(pred_seqs):
        raise ValueError(f"{len(gold_seqs)} gold sentences but {len(pred_seqs)} predicted")
    gold_n: Counter[str] = Counter()
    pred_n: Counter[str] = Counter()
    hit_n: Counter[str] = Counter()
    for k, (gold, pred) in enumerate(zip(gold_seqs, pred_seqs, strict=True)):
        if len(gold) != len(pred):
            raise ValueError(f"sentence {k}: {len(gold)} gold labels but {len(pred)} predicted")
        g = {s for s in iob_spans(gold) if types is None or s[2] in types}
        p = {s for s in iob_spans(pred) if types is None or s[2] in types}
        gold_n.update(s[2] for s in g)
        pred_n.update(s[2] for s in p)
        hit_n.update(s[2] for s in g & p)
    names = sorted(set(gold_n) | set(pred_n) | set(types or ()))
    per_type = {t: _prf(hit_n[t], pred_n[t], gold_n[t]) for t in names}
    micro = _prf(sum(hit_n.values()), sum(pred_n.values()), sum(gold_n.values()))
    return {"per_type": per_type, "micro": micro}


def evaluate(
    path: Path,
    tagger: Tagger,
    types: Collection[str] | None = None,
    type_map: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Tag every sentence of an IOB file and score it; also measures tagging speed."""
    sentences = read_iob(path, type_map)
    gold = [[label for _, label in s] for s in sentences]
    started = time.perf_counter()
    tokens = [[tok for tok, _ in s] for s in sentences]
    # Taggers with document features see the file's sentences in order, as in an article.
    tag_sentences = getattr(tagger, "tag_sentences", None)
    pred = tag_sentences(tokens) if callable(tag_sentences) else [tagger.tag(t) for t in tokens]
    seconds = time.perf_counter() - started
    n_tokens = sum(len(s) for s in sentences)
    result = conll_scores(gold, pred, types)
    result.update(
        {
            "data": str(path),
            "sentences": len(sentences),
            "tokens": n_tokens,
            "seconds": round(seconds, 3),
            "tokens_per_second": round(n_tokens / seconds, 1) if seconds > 0 else None,
        }
    )
    return result
