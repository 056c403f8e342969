"""A learned second opinion on whether a coded event is a reportable incident.

The rules of `incident.py` set aside what they can name (background, hedged, no place ...). What they
pass still holds many events no coder would code: a war's total read as a clash, a place named in a
quote, a day guessed from the publication date. A small logistic regression, trained on the tune part
of the hand-coded real-news key (`rasid train incidents`, `rasid/eval/incident_train.py`), scores each
event from general properties of its record only (its type, which fields it has, how far its date lies
from publication, where in the article it is read, the rules' own reasons and confidence): no article
ids and no words of the text beyond the closed classes the lexicons already give (type, PLOVER mode,
actor sides, hedge kinds).

Every event keeps the score as `incident_probability`; an incident scored below the model's threshold
gets the special reason `unlikely_incident`, so exports leave it out and a user sees why. Without the
model file (`rasid/models/incident_filter.json`) the pipeline runs unfiltered, with one warning.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from rasid.document import Document, Event
from rasid.extract.events.incident import REASONS

MODEL_PATH = Path(__file__).resolve().parents[2] / "models" / "incident_filter.json"
UNLIKELY = "unlikely_incident"
PROBABILITY = "incident_probability"
FORMAT = "rasid-incident-filter/1"

# The closed classes a feature may take a value from; anything else is "other".
_COUNTRIES = ("Syria", "Iraq", "Yemen", "Turkey", "Lebanon", "Saudi Arabia")
_SIDES = (
    "government", "pro_government", "opposition", "jihadist", "kurdish_led", "foreign_state", "international",
    "civilian", "media", "monitor",
)  # fmt: skip
_DATE_FROM = ("text", "context", "publication")  # kinds.DateFrom
# The rules' reasons as features (a hedge counts by kind).
_SPECIALS = REASONS

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ArticleContext:
    """What a feature may know of the article around an event."""

    published: dt.date | None
    text_chars: int
    sentences: int
    title_chars: int  # the headline's length when the text opens with it, else 0
    events: int
    per_sentence: Mapping[int, int]  # events read in each sentence


def article_context(doc: Document, records: Sequence[Mapping[str, Any]]) -> ArticleContext:
    """The context of `records`, the events of `doc`."""
    title = (doc.title or "").strip()
    opens_with_title = bool(title) and doc.text.lstrip().startswith(title)
    return ArticleContext(
        published=doc.published,
        text_chars=len(doc.text),
        sentences=len(doc.sentences),
        title_chars=len(title) if opens_with_title else 0,
        events=len(records),
        per_sentence=Counter(int(r.get("sentence_index") or 0) for r in records),
    )


def _day(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _toll(value: Any) -> float | None:
    if not isinstance(value, Mapping):
        return None
    for key in ("best", "total", "reported"):
        number = value.get(key)
        if isinstance(number, (int, float)) and not isinstance(number, bool):
            return float(number)
    return None


def _one_of(value: Any, allowed: Sequence[str]) -> str:
    return str(value) if value in allowed else "other"


def _actor_features(out: dict[str, float], role: str, actor: Any) -> None:
    if not isinstance(actor, Mapping):
        out[f"{role}:none"] = 1.0
        return
    known = bool(actor.get("id")) and actor.get("id") != "unidentified_armed_group"
    out[f"{role}:known" if known else f"{role}:words"] = 1.0
    out[f"{role}_side:{_one_of(actor.get('side'), _SIDES)}"] = 1.0


def _when_features(out: dict[str, float], record: Mapping[str, Any], published: dt.date | None) -> None:
    day = _day(record.get("date"))
    out[f"date_from:{_one_of(record.get('date_from'), _DATE_FROM)}"] = 1.0
    out[f"date_precision:{_one_of(record.get('date_precision'), ('day', 'week', 'month', 'year', 'unknown'))}"] = 1.0
    if day is None or published is None:
        out["date:none"] = 1.0
        return
    before = (published - day).days
    out["days_before:future"] = float(before < 0)
    out["days_before:0"] = float(before == 0)
    out["days_before:1"] = float(before == 1)
    out["days_before:2-7"] = float(2 <= before <= 7)
    out["days_before:older"] = float(before > 7)
    out["days_before:log"] = math.log1p(max(0, min(before, 3650)))


def features(record: Mapping[str, Any], context: ArticleContext) -> dict[str, float]:
    """The features of one event record (`event_record` form, or `Event.fields` with the type and
    confidence added); the filter's own reason and score are not read."""
    out: dict[str, float] = {f"type:{record.get('event_type')}": 1.0}
    out[f"sub:{record.get('sub_event_type')}"] = 1.0
    out[f"mode:{record.get('plover_mode') or 'none'}"] = 1.0
    loc = record.get("location")
    if isinstance(loc, Mapping) and loc.get("place_id"):
        out[f"geo_precision:{loc.get('geo_precision') or 3}"] = 1.0
        out[f"country:{_one_of(loc.get('country'), _COUNTRIES)}"] = 1.0
    else:
        out["place:none"] = 1.0
    _actor_features(out, "actor1", record.get("actor1"))
    _actor_features(out, "actor2", record.get("actor2"))
    out["assoc_actors"] = float(bool(record.get("assoc_actors")))
    _when_features(out, record, context.published)
    for name in ("killed", "injured"):
        toll = _toll(record.get(name))
        out[f"{name}:present"] = float(toll is not None)
        out[f"{name}:log"] = math.log1p(max(0.0, min(toll or 0.0, 1e6)))
    out["hedged"] = float(bool(record.get("hedged")))
    out[f"hedge:{record.get('hedge_kind') or 'none'}"] = 1.0
    out["attributed"] = float(bool(record.get("attributed_to")))
    out["denied"] = float(bool(record.get("denied_by")))
    out["victims"] = float(bool(record.get("victims")))
    out["background"] = float(bool(record.get("background")))
    special = [s.split(":")[0] for s in record.get("special") or () if s != UNLIKELY]
    for reason in _SPECIALS:
        out[f"special:{reason}"] = float(reason in special)
    out["specials"] = float(len(special))
    out["confidence"] = float(record.get("confidence") or 0.0)
    evidence = record.get("evidence") if isinstance(record.get("evidence"), Mapping) else {}
    start = int(evidence.get("start") or 0)  # type: ignore[union-attr]
    out["evidence:log_chars"] = math.log1p(len(str(evidence.get("text") or "")))  # type: ignore[union-attr]
    out["more_evidence"] = math.log1p(len(record.get("more_evidence") or ()))
    index = int(record.get("sentence_index") or 0)
    out["sentence:log_index"] = math.log1p(index)
    out["sentence:position"] = start / context.text_chars if context.text_chars else 0.0
    out["sentence:first"] = float(index == 0)
    out["headline"] = float(context.title_chars > 0 and start < context.title_chars)
    out["article:log_events"] = math.log1p(context.events)
    out["article:log_sentences"] = math.log1p(context.sentences)
    out["sentence:log_events"] = math.log1p(context.per_sentence.get(index, 1))
    return out


class IncidentFilterError(ValueError):
    """A malformed model file; the message names the file."""


@dataclass(frozen=True)
class IncidentFilter:
    """A logistic regression over named features (standardised), and the threshold below which an
    incident is set aside."""

    names: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float
    threshold: float
    # The event types it may set aside (those its training key codes); None: every type.
    screened_types: tuple[str, ...] | None = None
    meta: Mapping[str, Any] = dataclasses.field(default_factory=dict)

    def judges(self, event_type: str) -> bool:
        return self.screened_types is None or event_type in self.screened_types

    def probability(self, feats: Mapping[str, float]) -> float:
        z = self.intercept
        for name, mean, scale, coef in zip(self.names, self.mean, self.scale, self.coef, strict=True):
            z += coef * (feats.get(name, 0.0) - mean) / scale
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "threshold": self.threshold,
            "screened_types": list(self.screened_types) if self.screened_types is not None else None,
            "intercept": self.intercept,
            "features": [
                {"name": n, "mean": m, "scale": s, "coef": c}
                for n, m, s, c in zip(self.names, self.mean, self.scale, self.coef, strict=True)
            ],
            "meta": dict(self.meta),
        }


def read_filter(path: Path) -> IncidentFilter:
    """The model of `path`; a malformed file is an `IncidentFilterError` naming it."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        if raw.get("format") != FORMAT:
            raise ValueError(f"format is not {FORMAT}")
        rows = raw["features"]
        scales = tuple(float(r["scale"]) for r in rows)
        if any(s <= 0 for s in scales):
            raise ValueError("a feature scale is not positive")
        return IncidentFilter(
            names=tuple(str(r["name"]) for r in rows),
            mean=tuple(float(r["mean"]) for r in rows),
            scale=scales,
            coef=tuple(float(r["coef"]) for r in rows),
            intercept=float(raw["intercept"]),
            threshold=float(raw["threshold"]),
            screened_types=None if raw.get("screened_types") is None else tuple(str(t) for t in raw["screened_types"]),
            meta=dict(raw.get("meta") or {}),
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise IncidentFilterError(f"{path}: not an incident filter model ({exc})") from exc


@lru_cache(maxsize=4)
def load_filter(path: Path = MODEL_PATH) -> IncidentFilter | None:
    """The packaged model, or None (and one warning) when the file is missing: no filter then."""
    if not path.is_file():
        log.warning("%s: no incident filter model; events are not screened (rasid train incidents)", path)
        return None
    return read_filter(path)


def screen(events: Sequence[Event], doc: Document, model: IncidentFilter | None) -> tuple[Event, ...]:
    """The events with their `incident_probability`, and `unlikely_incident` among the special
    reasons of an incident the model scores below its threshold (no model: the events unchanged)."""
    if model is None or not events:
        return tuple(events)
    records = [_record_view(e) for e in events]
    context = article_context(doc, records)
    out: list[Event] = []
    for event, record in zip(events, records, strict=True):
        p = model.probability(features(record, context))
        fields = dict(event.fields)
        special = fields.get("special")
        if special is not None and not special and p < model.threshold and model.judges(event.event_type):
            fields["special"] = [UNLIKELY]
        fields[PROBABILITY] = round(p, 3)
        out.append(dataclasses.replace(event, fields=fields))
    return tuple(out)


def _record_view(event: Event) -> dict[str, Any]:
    return {
        "event_type": event.event_type, "sub_event_type": event.sub_event_type, **event.fields,
        "confidence": event.confidence,
    }  # fmt: skip
