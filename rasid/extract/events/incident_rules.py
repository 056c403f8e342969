"""The rules of `rasid/extract/data/incident_rules.yaml`, read and checked once: what makes a coded
event a reportable incident, and which words join the places of a round-up."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from rasid.serialize import load_yaml
from rasid.text.fold import fold_word

RULES_PATH = Path(__file__).resolve().parents[1] / "data" / "incident_rules.yaml"


class IncidentRulesError(ValueError):
    """Bad data in incident_rules.yaml; the message names the file and the key."""


@dataclass(frozen=True)
class IncidentRules:
    min_confidence: float
    max_days_after_publication: int
    excluded_hedges: frozenset[str]
    unlocated_place_types: frozenset[str]
    not_incidents: frozenset[tuple[str, str]]
    need_actor_or_toll: frozenset[str]
    two_sided: frozenset[str]
    unidentified_actors: frozenset[str]
    need_actor1: frozenset[str]
    court_phrases: tuple[tuple[str, ...], ...]
    media_phrases: tuple[tuple[str, ...], ...]
    report_recent_days: int
    report_min_citations: int
    place_list_words: frozenset[str]
    list_nouns: frozenset[str]
    name_heads: frozenset[str]
    list_ends: frozenset[str]
    origin_words: tuple[tuple[str, ...], ...]
    part_of_from: frozenset[str]
    transfer_words: tuple[tuple[str, ...], ...]
    direction_words: frozenset[str]
    title_words: tuple[tuple[str, ...], ...]
    need_stated_day: frozenset[tuple[str, str]]
    coordinated_heads: frozenset[str]


def _strings(raw: Any, where: str) -> frozenset[str]:
    if not isinstance(raw, list) or not all(isinstance(x, str) and x for x in raw):
        raise IncidentRulesError(f"{where}: expected a list of names")
    return frozenset(raw)


def _whole(raw: dict[str, Any], key: str, where: str) -> int:
    value = raw[key]
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise IncidentRulesError(f"{where}: {key} must be a whole number ≥ 0")
    return value


def _phrases(raw: Any, where: str) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(fold_word(w) for w in phrase.split()) for phrase in sorted(_strings(raw, where)))


def read_rules(path: Path = RULES_PATH) -> IncidentRules:
    """The rules of `path`; any unknown or malformed key is an `IncidentRulesError`."""
    try:
        raw = load_yaml(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise IncidentRulesError(f"{path}: cannot read the incident rules ({exc})") from exc
    if not isinstance(raw, dict):
        raise IncidentRulesError(f"{path}: expected a mapping")
    # (the not_a_report mapping gives the two report_* fields)
    keys = {f for f in IncidentRules.__dataclass_fields__ if not f.startswith("report_")} | {"not_a_report"}
    unknown = sorted(set(raw) - keys - {"version"})
    if unknown:
        raise IncidentRulesError(f"{path}: unknown key {unknown[0]!r}")
    missing = sorted(keys - set(raw))
    if missing:
        raise IncidentRulesError(f"{path}: missing key {missing[0]!r}")
    days = raw["max_days_after_publication"]
    if not isinstance(days, int) or isinstance(days, bool) or days < 0:
        raise IncidentRulesError(f"{path}: max_days_after_publication must be a whole number of days ≥ 0")
    pairs, stated = raw["not_incidents"], raw["need_stated_day"]
    for key, listed in (("not_incidents", pairs), ("need_stated_day", stated)):
        if not isinstance(listed, list) or not all(
            isinstance(p, dict) and set(p) == {"event_type", "sub_event_type"} for p in listed
        ):
            raise IncidentRulesError(f"{path}: {key} must list {{event_type, sub_event_type}} pairs")
    report = raw["not_a_report"]
    if not isinstance(report, dict) or set(report) != {"recent_days", "min_citations"}:
        raise IncidentRulesError(f"{path}: not_a_report must hold recent_days and min_citations")
    confidence = raw["min_confidence"]
    if not isinstance(confidence, (int, float)) or isinstance(confidence, bool) or not 0 <= confidence <= 1:
        raise IncidentRulesError(f"{path}: min_confidence must be a number from 0 to 1")
    return IncidentRules(
        min_confidence=float(confidence),
        max_days_after_publication=days,
        excluded_hedges=_strings(raw["excluded_hedges"], f"{path}: excluded_hedges"),
        unlocated_place_types=_strings(raw["unlocated_place_types"], f"{path}: unlocated_place_types"),
        not_incidents=frozenset((str(p["event_type"]), str(p["sub_event_type"])) for p in pairs),
        need_actor_or_toll=_strings(raw["need_actor_or_toll"], f"{path}: need_actor_or_toll"),
        two_sided=_strings(raw["two_sided"], f"{path}: two_sided"),
        unidentified_actors=_strings(raw["unidentified_actors"], f"{path}: unidentified_actors"),
        need_actor1=_strings(raw["need_actor1"], f"{path}: need_actor1"),
        court_phrases=_phrases(raw["court_phrases"], f"{path}: court_phrases"),
        media_phrases=_phrases(raw["media_phrases"], f"{path}: media_phrases"),
        report_recent_days=_whole(report, "recent_days", f"{path}: not_a_report"),
        report_min_citations=_whole(report, "min_citations", f"{path}: not_a_report"),
        place_list_words=frozenset(fold_word(w) for w in _strings(raw["place_list_words"], f"{path}: place_list_words")),
        list_nouns=frozenset(fold_word(w) for w in _strings(raw["list_nouns"], f"{path}: list_nouns")),
        name_heads=frozenset(fold_word(w) for w in _strings(raw["name_heads"], f"{path}: name_heads")),
        list_ends=frozenset(fold_word(w) for w in _strings(raw["list_ends"], f"{path}: list_ends")),
        origin_words=_phrases(raw["origin_words"], f"{path}: origin_words"),
        part_of_from=frozenset(fold_word(w) for w in _strings(raw["part_of_from"], f"{path}: part_of_from")),
        transfer_words=_phrases(raw["transfer_words"], f"{path}: transfer_words"),
        direction_words=frozenset(fold_word(w) for w in _strings(raw["direction_words"], f"{path}: direction_words")),
        title_words=_phrases(raw["title_words"], f"{path}: title_words"),
        need_stated_day=frozenset((str(p["event_type"]), str(p["sub_event_type"])) for p in stated),
        coordinated_heads=frozenset(fold_word(w) for w in _strings(raw["coordinated_heads"], f"{path}: coordinated_heads")),
    )


@lru_cache(maxsize=1)
def incident_rules() -> IncidentRules:
    return read_rules()
