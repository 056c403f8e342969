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
from rasid.export.plover import plover_target
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
    """The stages events are coded with in production: text, entities, events."""
    from rasid.stages import build_pipeline

    return build_pipeline(["text", "entities", "events"])


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
            # (the target as the PLOVER export gives it: actor2, else the victims' or protest's words)
            source = (event.fields.get("actor1") or {}).get("text") or ""
            target = (plover_target(event.fields) or {}).get("text") or ""
            for role, gold_text, pred in (("source", s.source_text, source), ("target", s.target_text, target)):
                if gold_text.strip():
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
        "baselines": plover_baselines([s.plover for s in sentences], types),
        "seconds": round(elapsed, 2),
    }


def plover_baselines(gold: Sequence[str], types: Sequence[str]) -> dict[str, Any]:
    """Detection scores of two trivial coders: every sentence gets the most frequent type
    ("majority"), or every type ("all_types": recall 1, precision each type's share)."""
    from rasid.eval.baselines import majority_label

    majority = str(majority_label(list(gold))) if gold else ""
    out: dict[str, Any] = {}
    for name, guess in (("majority", {majority}), ("all_types", set(types))):
        counts = {t: [0, 0, 0] for t in types}
        for g in gold:
            for t in types:
                if t in guess:
                    counts[t][0 if g == t else 1] += 1
                elif g == t:
                    counts[t][2] += 1
        out[name] = {
            "answer": majority if name == "majority" else "every type",
            "per_type": {t: _prf(*c) for t, c in counts.items()},
            "overall": _prf(*(sum(c[i] for c in counts.values()) for i in range(3))),
        }
    return out


# --------------------------------------------------------------------------- sample corpus gold key

_GOLD_PLACE_SPLIT = re.compile(r"[،,()\-–/]|\s+(?:و|قرب|محيط)\s+")
_PLACE_NOISE = ("مدينة ", "حي ", "بلدة ", "قرية ", "ريف ", "ريفا ", "محيط ", "قرب ", "طريق ")
_EN_STOP = frozenset({"forces", "force", "and", "the", "of", "military", "air", "group", "led", "backed", "aligned", "syria"})
_FIELDS = ("killed", "civilians", "children", "women", "injured", "date", "location", "actor1", "attributed_to", "hedged")


def _place_names(text: str) -> set[str]:
    out = set()
    for part in _GOLD_PLACE_SPLIT.split(text or ""):
        p = normalize_word(part.strip())
        for noise in _PLACE_NOISE:
            if p.startswith(normalize_word(noise)):
                p = p[len(noise) :]
        p = " ".join(p.split())
        if p:
            out.add(p)
            if p.startswith("ال") and len(p) > 4:
                out.add(p[2:])
    return out


def _pred_place_names(loc: dict[str, Any] | None) -> set[str]:
    if not loc:
        return set()
    names: set[str] = set()
    for key in ("name",):
        names |= _place_names(str(loc.get(key) or ""))
    return names


# Canonical groups for comparing English actor labels of the key with ACLED-style names.
_ACTOR_GROUPS = (
    ("hts", ("hts", "hayat tahrir", "operations command")),
    ("russia", ("russia",)),
    ("turkey", ("turk",)),
    ("isis", ("isis", "islamic state")),
    ("sdf", ("sdf", "syrian democratic", "ypg", "pkk")),
    ("sna", ("national army", "sna:")),
    ("opposition", ("opposition", "rebel", "national front", "national liberation", "nlf")),
    ("civilians", ("civilian",)),
    ("ndf", ("ndf", "national defence", "national defense")),
    ("nujaba", ("nujaba",)),
    ("fatemiyoun", ("fatem",)),
    ("iran", ("iran",)),
    ("government", ("syrian government", "forces of syria", "government of syria", "syrian and", "syrian air",
                    "regime", "state security", "military intelligence")),
    ("protesters", ("protest",)),
    ("militia", ("militia",)),
)


def _places_match(gold: str, loc: dict[str, Any] | None) -> bool:
    """A gold place name occurs in the predicted place's text (names of 3+ letters, whole words)."""
    if not loc:
        return False
    pred = " " + " ".join(_pred_place_names(loc)) + " "
    for name in _place_names(gold):
        if len(name) >= 3 and re.search(r"(?<![^\sبل])(?:ال)?" + re.escape(name) + r"(?!\w)", pred):
            return True
    return False


def _en_tokens(text: str) -> set[str]:
    low = (text or "").lower()
    groups = {name for name, keys in _ACTOR_GROUPS if any(k in low for k in keys)}
    if groups:
        return groups
    words = re.findall(r"[a-z]+", low)
    return {w[:5] for w in words if w not in _EN_STOP and len(w) > 2}


def _count(value: Any) -> int:
    """Counts compared with None as 0: the gold key writes 0 where a category is explicitly absent."""
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0


def _field_checks(gold: dict[str, Any], pred: dict[str, Any]) -> dict[str, bool | None]:
    killed, injured = pred.get("killed") or {}, pred.get("injured") or {}
    actor_text = " ".join(
        str((pred.get(k) or {}).get("name") or "") for k in ("actor1",)
    ) + " " + " ".join(str(a.get("name") or "") for a in pred.get("assoc_actors") or [] if a.get("with") == 1)
    attr_text = actor_text + " " + " ".join(
        str((a.get("source_actor") or {}).get("name") or "") for a in pred.get("attributed_to") or []
    )
    gold_attr = gold.get("attributed_to")
    out: dict[str, bool | None] = {
        "killed": _count(gold.get("killed")) == _count(killed.get("total")),
        "civilians": _count(gold.get("civilians_killed")) == _count(killed.get("civilians")),
        "children": _count(gold.get("children_killed")) == _count(killed.get("children")),
        "women": _count(gold.get("women_killed")) == _count(killed.get("women")),
        "injured": _count(gold.get("injured")) == _count(injured.get("total")),
        "date": gold.get("date") == pred.get("date"),
        "location": _places_match(str(gold.get("location") or ""), pred.get("location")),
        "actor1": bool(_en_tokens(str(gold.get("actor1") or "")) & _en_tokens(actor_text)),
        # The key's attributed_to names who the report blames; unknown perpetrators are not scored.
        "attributed_to": (
            bool(_en_tokens(str(gold_attr)) & _en_tokens(attr_text))
            if gold_attr and "unknown" not in str(gold_attr).lower() and "unclear" not in str(gold_attr).lower()
            else None
        ),
        "hedged": bool(gold.get("hedged")) == bool(pred.get("hedged")),
    }
    return out


def _pair_score(gold: dict[str, Any], pred: dict[str, Any], level: str) -> float | None:
    same = gold["event_type"] == pred.get("event_type")
    if level == "sub":
        same = same and gold["sub_event_type"] == pred.get("sub_event_type")
    if not same:
        return None
    loc = pred.get("location") or {}
    place_ok = _places_match(str(gold.get("location") or ""), loc)
    admin_ok = bool(loc.get("admin1")) and str(loc.get("admin1")).lower() == str(gold.get("admin1") or "").lower()
    date_ok = gold.get("date") == pred.get("date")
    if not (place_ok or admin_ok or date_ok):
        return None
    return 2.0 * place_ok + 1.0 * admin_ok + 1.0 * date_ok


def match_events(
    gold: Sequence[dict[str, Any]], pred: Sequence[dict[str, Any]], level: str = "sub"
) -> list[tuple[int, int]]:
    """Greedy one-to-one matching of an article's gold and predicted events (best place/date agreement first)."""
    pairs = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(pred):
            score = _pair_score(g, p, level)
            if score is not None:
                pairs.append((score, -pi, gi, pi))
    pairs.sort(reverse=True)
    used_g: set[int] = set()
    used_p: set[int] = set()
    out = []
    for _score, _neg, gi, pi in pairs:
        if gi in used_g or pi in used_p:
            continue
        used_g.add(gi)
        used_p.add(pi)
        out.append((gi, pi))
    return sorted(out)


class _TimedStage:
    """Wraps the events stage to add up its CPU time and the characters it read."""

    name = "events"

    def __init__(self, inner: Callable[[Document], Document] | None):
        self.inner = inner
        self.seconds = 0.0
        self.chars = 0

    # The wrapped stage's declared fields, so the wrapper stands in for it in a pipeline.
    @property
    def requires(self) -> tuple[str, ...]:
        return tuple(getattr(self.inner, "requires", ()))

    @property
    def assigns(self) -> tuple[str, ...]:
        return tuple(getattr(self.inner, "assigns", ()))

    def __call__(self, doc: Document) -> Document:
        assert self.inner is not None
        t0 = time.process_time()  # CPU time: other processes on the machine do not count
        out = self.inner(doc)
        self.seconds += time.process_time() - t0
        self.chars += len(doc.text)
        return out


def _type_name(event: dict[str, Any], level: str) -> str:
    return str(event["event_type"]) if level == "type" else f"{event['event_type']} / {event['sub_event_type']}"


def analyse_sample(
    gold_path: str | Path,
) -> tuple[dict[str, Any], dict[str, list[dict[str, Any]]], tuple[float, int]]:
    """Analyse the sample corpus next to `gold_path` into a temporary database.

    Returns the gold key, the predicted event records per gold article id, and (seconds spent in the
    events stage alone, characters it read).
    """
    import datetime as dt
    import json
    import tempfile

    from rasid.api import Rasid
    from rasid.extract.event_index import load_events
    from rasid.extract.events import EventStage, event_lexicon
    from rasid.stages import default_pipeline as full_pipeline

    path = Path(gold_path)
    try:
        key = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise EventDataError(f"{path}: cannot read gold key: {exc}") from exc
    if not isinstance(key, dict) or not isinstance(key.get("events"), dict) or not isinstance(key.get("articles"), dict):
        raise EventDataError(f"{path}: expected 'articles' and 'events' mappings")
    base = path.parent
    pipeline = full_pipeline()
    event_lexicon()  # loading the lexicon is a one-off cost, not per-article time
    # ... and so are the stages' lazy imports and compiled patterns: warm them on a tiny report.
    pipeline(Document(id="warm-up", text="قتل 3 مدنيين بقصف على بلدة في ريف حلب اليوم.", language="ar",
                      published=dt.date(2020, 1, 1)))
    timed = _TimedStage(None)
    for i, stage in enumerate(pipeline.stages):
        if getattr(stage, "name", None) == "events" and isinstance(stage, EventStage):
            timed = _TimedStage(stage)
            pipeline.stages[i] = timed
    files: dict[str, str | None] = {}
    for meta in key["articles"].values():
        fname = str(meta.get("file") or "")
        if fname and fname not in files:
            files[fname] = meta.get("published") if meta.get("format") != "jsonl" else None
    predicted: dict[str, list[dict[str, Any]]] = {aid: [] for aid in key["articles"]}
    with tempfile.TemporaryDirectory() as tmp, Rasid(Path(tmp) / "sample.db", pipeline=pipeline) as rasid:
        for fname, published in files.items():
            if not (base / fname).is_file():
                raise EventDataError(f"{base / fname}: sample file named in the gold key is missing")
            day = dt.date.fromisoformat(published) if published else None
            rasid.analyze([base / fname], published=day)
        known = key["articles"]
        # Ingest may name a file's article by its hash; the key names .txt/.html articles by file stem.
        ids = {
            row.id: row.doc_id if row.doc_id in known else Path(str(row.origin).split(":")[0]).stem
            for row in rasid.articles()
        }
        for rec in load_events(rasid.store):
            doc_id = ids.get(int((rec.get("article") or {}).get("id") or 0))
            # The key codes the incidents each article reports; earlier ones it recalls
            # (flagged `background`) are not in it, so they are neither matched nor counted.
            if doc_id is not None and not rec.get("background"):
                predicted.setdefault(str(doc_id), []).append(rec)
    return key, predicted, (timed.seconds, timed.chars)


def _score_level(
    gold_events: dict[str, list[dict[str, Any]]], predicted: dict[str, list[dict[str, Any]]], level: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """P/R/F1 overall and per type, and field accuracy on matched events, at one level ("type" or "sub")."""
    tp = fp = fn = 0
    per_type: dict[str, list[int]] = {}
    per_article: dict[str, Any] = {}
    fields: dict[str, list[int]] = {f: [0, 0] for f in _FIELDS}
    for aid in sorted(set(gold_events) | {a for a, v in predicted.items() if v}):
        gold = gold_events.get(aid, [])
        pred = predicted.get(aid, [])
        pairs = match_events(gold, pred, level)
        tp += len(pairs)
        fp += len(pred) - len(pairs)
        fn += len(gold) - len(pairs)
        matched_g = {g for g, _ in pairs}
        matched_p = {p for _, p in pairs}
        for gi, g in enumerate(gold):
            per_type.setdefault(_type_name(g, level), [0, 0, 0])[0 if gi in matched_g else 2] += 1
        for pi, p in enumerate(pred):
            if pi not in matched_p:
                per_type.setdefault(_type_name(p, level), [0, 0, 0])[1] += 1
        per_article[aid] = {"gold": len(gold), "predicted": len(pred), "matched": len(pairs)}
        for gi, pi in pairs:
            for f, ok in _field_checks(gold[gi], pred[pi]).items():
                if ok is None:
                    continue
                fields[f][1] += 1
                fields[f][0] += int(ok)
    scores = {
        "overall": _prf(tp, fp, fn),
        "per_type": {t: _prf(*c) for t, c in sorted(per_type.items())},
        "fields": {f: {"accuracy": round(c[0] / c[1], 4) if c[1] else None, "n": c[1]} for f, c in fields.items()},
    }
    return scores, per_article


SAMPLE_BASELINE = (
    "one event per article, of the key's most frequent type and sub-type, in its most frequent admin1, on the "
    "publication day; no place name, actor or count"
)


def sample_baseline(key: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The trivial coder's records for the sample key (see `SAMPLE_BASELINE`)."""
    from rasid.eval.baselines import majority_label

    events = [e for evs in key["events"].values() for e in evs]
    if not events:
        return {}
    pair = majority_label([(str(e["event_type"]), str(e["sub_event_type"])) for e in events])
    kind, sub = pair if isinstance(pair, tuple) else (str(pair), "")
    admin1 = majority_label([str(e.get("admin1") or "") for e in events])
    return {
        aid: [
            {
                "event_type": kind,
                "sub_event_type": sub,
                "date": meta.get("published"),
                "location": {"name": "", "admin1": admin1},
            }
        ]
        for aid, meta in key["articles"].items()
    }


def evaluate_sample(gold_path: str | Path) -> dict[str, Any]:
    """Event P/R/F1 (type and sub-type level) and per-field accuracy on matched events, against the sample
    key, with the trivial coder's scores (`sample_baseline`) beside them."""
    started = time.perf_counter()
    key, predicted, stage_seconds = analyse_sample(gold_path)
    gold_events: dict[str, list[dict[str, Any]]] = key["events"]
    result: dict[str, Any] = {"gold": str(gold_path), "articles": len(gold_events)}
    baseline = sample_baseline(key)
    result["baseline"] = {"answer": SAMPLE_BASELINE}
    per_article: dict[str, Any] = {}
    for level in ("type", "sub"):
        result[level], articles = _score_level(gold_events, predicted, level)
        result["baseline"][level], _ = _score_level(gold_events, baseline, level)
        if level == "sub":
            per_article = articles
    seconds, chars = stage_seconds
    result["per_article"] = per_article
    result["events_stage_seconds"] = round(seconds, 4)
    result["events_ms_per_2kb"] = round(1000 * seconds / (chars / 2048), 3) if chars else None
    result["seconds"] = round(time.perf_counter() - started, 2)
    return result
