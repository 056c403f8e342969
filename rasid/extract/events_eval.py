"""Evaluate event detection on PLOVER-coded Arabic sentences (Universal-PETRARCH validation XML).

Each <Sentence category=...> holds one coded event (<EventCoding plover=...>) and, in
<EventText>, the words of the source and target actors (in no particular order). Every sentence
is run through the pipeline alone (no publication date). Per PLOVER type: detection
precision/recall/F1 (a sentence of another file's type is a negative), and for detected events
the token-overlap F1 between our actor1/actor2 text and the coded source/target text.
"""

from __future__ import annotations

import re
import time
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rasid.document import Document
from rasid.text.normalize import normalize_word

_SENTENCE_RE = re.compile(r"<Sentence\b.*?</Sentence>", re.S)
_TOKEN_RE = re.compile(r"[^\W\d_]+|\d+")
_ARTICLE_PREFIXES = ("وال", "بال", "لل", "ال", "و")


@dataclass(frozen=True)
class CodedSentence:
    id: str
    text: str
    plover: str
    source_text: str
    target_text: str


class EventDataError(ValueError):
    pass


def read_plover_xml(path: str | Path) -> list[CodedSentence]:
    """Sentences of one validation file. The files lack a closing root tag, so sentences are parsed one by one."""
    try:
        raw = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise EventDataError(f"{path}: cannot read: {exc}") from exc
    out: list[CodedSentence] = []
    for block in _SENTENCE_RE.findall(raw):
        try:
            node = ET.fromstring(block)
        except ET.ParseError as exc:
            raise EventDataError(f"{path}: malformed <Sentence>: {exc}") from exc
        text = (node.findtext("Text") or "").strip()
        coding = node.find("EventCoding")
        etext = node.find("EventText")
        plover = (coding.get("plover") if coding is not None else "") or ""
        out.append(
            CodedSentence(
                id=node.get("id", str(len(out))),
                text=text,
                plover=plover.strip().upper(),
                source_text=(etext.get("sourcetext") if etext is not None else "") or "",
                target_text=(etext.get("targettext") if etext is not None else "") or "",
            )
        )
    if not out:
        raise EventDataError(f"{path}: no <Sentence> elements found")
    return out


def _bag(text: str) -> Counter[str]:
    words = []
    for w in _TOKEN_RE.findall(normalize_word(text or "")):
        for pre in _ARTICLE_PREFIXES:
            if w.startswith(pre) and len(w) - len(pre) >= 3:
                w = w[len(pre) :]
                break
        words.append(w)
    return Counter(words)


def overlap_f1(predicted: str, gold: str) -> float:
    """Token-level F1 between two word bags (clitic ال/و stripped, order ignored)."""
    p, g = _bag(predicted), _bag(gold)
    common = sum((p & g).values())
    if not common:
        return 0.0
    precision, recall = common / sum(p.values()), common / sum(g.values())
    return 2 * precision * recall / (precision + recall)


def _prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "tp": tp, "fp": fp, "fn": fn}


def default_pipeline() -> Callable[[Document], Document]:
    """text + entities (when registered and loadable) + events."""
    from rasid.extract.events import EventStage
    from rasid.pipeline import Pipeline, available_stages

    names = ["text"]
    if "entities" in available_stages():
        try:
            Pipeline.from_names(["text", "entities"])(Document(id="probe", text="قصف على حلب"))
            names.append("entities")
        except Exception:
            pass
    base = Pipeline.from_names(names)
    stage = EventStage()
    return lambda doc: stage(base(doc))


def evaluate(
    paths: Sequence[str | Path], pipeline: Callable[[Document], Document] | None = None
) -> dict[str, Any]:
    sentences: list[CodedSentence] = []
    for p in paths:
        sentences.extend(read_plover_xml(p))
    run = pipeline or default_pipeline()
    types = sorted({s.plover for s in sentences if s.plover})
    counts = {t: [0, 0, 0] for t in types}
    actor_scores: dict[str, dict[str, list[float]]] = {t: {"source": [], "target": []} for t in types}
    started = time.perf_counter()
    for s in sentences:
        doc = run(Document(id=s.id, text=s.text, language="ar"))
        predicted = {str(e.fields.get("plover_type")) for e in doc.events}
        for t in types:
            gold = s.plover == t
            hit = t in predicted
            if gold and hit:
                counts[t][0] += 1
            elif hit:
                counts[t][1] += 1
            elif gold:
                counts[t][2] += 1
        if s.plover in predicted:
            event = next(e for e in doc.events if e.fields.get("plover_type") == s.plover)
            for role, gold_text, key in (("source", s.source_text, "actor1"), ("target", s.target_text, "actor2")):
                if gold_text.strip():
                    pred = (event.fields.get(key) or {}).get("text") or ""
                    actor_scores[s.plover][role].append(overlap_f1(pred, gold_text))
    elapsed = time.perf_counter() - started
    per_type: dict[str, Any] = {}
    for t in types:
        tp, fp, fn = counts[t]
        per_type[t] = dict(_prf(tp, fp, fn))
        for role in ("source", "target"):
            vals = actor_scores[t][role]
            per_type[t][f"{role}_actor_f1"] = round(sum(vals) / len(vals), 4) if vals else None
            per_type[t][f"{role}_actor_n"] = len(vals)
    tp = sum(c[0] for c in counts.values())
    fp = sum(c[1] for c in counts.values())
    fn = sum(c[2] for c in counts.values())
    overall: dict[str, Any] = dict(_prf(tp, fp, fn))
    for role in ("source", "target"):
        vals = [v for t in types for v in actor_scores[t][role]]
        overall[f"{role}_actor_f1"] = round(sum(vals) / len(vals), 4) if vals else None
        overall[f"{role}_actor_n"] = len(vals)
    return {
        "files": [str(p) for p in paths],
        "sentences": len(sentences),
        "per_type": per_type,
        "overall": overall,
        "seconds": round(elapsed, 2),
    }
