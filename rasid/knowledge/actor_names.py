"""ACLED names of actors as they were on an event's date, in the event's country.

ACLED names a state's forces by the years of a head of government ("Military Forces of Iraq
(2014-2018)", "Government of the United States (2009-2017)"), some groups by the name they bore
then (Jabhat al Nusra, Jabhat Fateh al Sham, HTS) and generic actors by the event's country
("Civilians (Yemen)", "Islamic State (Iraq)"). `actors.yaml` keeps this as data:

* `countries`: ISO-3 code -> ACLED country name; `default_country` for an actor with none.
* `periods`: ISO-3 code -> the labels of its governments, each with `from`/`to` dates.
* `local_forces`: ISO-3 code -> {military, police, security}: the actor a bare local word
  ("الجيش", "قوات الأمن") names when the event happens in that country (`local_force`).
* per actor: `acled_name` may hold `{period}` (the actor's country's label on the day) and
  `{country}` (the event's country); `acled_names` lists `{name, from, to}` explicitly;
  `acled_by_country` maps an ISO-3 code to `{name: ...}` or `{actor: id}` for events there.

This module parses and resolves; `rasid.knowledge.actors` ties it to the actor base.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from rasid.knowledge.schema import ACTOR_TYPES, COUNTRY_RE, ID_RE, as_date, as_text, check_keys, require

_PLACEHOLDER_RE = re.compile(r"\{([a-z_]*)\}")
_PLACEHOLDERS = frozenset({"period", "country"})
LOCAL_KINDS = frozenset({"military", "police", "security"})


@dataclass(frozen=True, slots=True)
class DatedName:
    """One ACLED name (possibly holding "{country}") and the days it applies to."""

    name: str
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None

    def valid_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or day >= self.valid_from) and (
            self.valid_to is None or day <= self.valid_to
        )


@dataclass(frozen=True, slots=True)
class Naming:
    """The file-level naming tables of actors.yaml."""

    countries: Mapping[str, str] = field(default_factory=dict)  # ISO-3 -> English (ACLED) name
    periods: Mapping[str, tuple[DatedName, ...]] = field(default_factory=dict)  # ISO-3 -> labels
    local_forces: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # ISO-3 -> kind -> actor id
    default_country: str | None = None
    silent_types: frozenset[str] = frozenset()  # actor types never written as an event's actor (outlets)

    def code(self, country: str | None) -> str | None:
        """ISO-3 code of a country given by code or by English name ("Yemen", "yemen", "YEM")."""
        if not country:
            return None
        text = str(country).strip()
        if text.upper() in self.countries:
            return text.upper()
        folded = text.casefold()
        return next((iso for iso, name in self.countries.items() if name.casefold() == folded), None)


def _dated_list(raw: Any, where: str, what: str) -> tuple[DatedName, ...]:
    require(isinstance(raw, list) and len(raw) > 0, where, f"{what} must be a non-empty list")
    out: list[DatedName] = []
    for item in raw:
        require(isinstance(item, Mapping), where, f"{what}: entry must be a mapping, got {item!r}")
        key = "label" if "label" in item else "name"
        check_keys(item, f"{where}: {what}", {key}, {"from", "to"})
        name = str(as_text(item[key], where, f"{what} {key}"))
        start = as_date(item.get("from"), where, f"{what} {name!r} from")
        end = as_date(item.get("to"), where, f"{what} {name!r} to")
        require(start is None or end is None or start <= end, where, f"{what} {name!r} ends before it starts")
        if out:
            prev = out[-1]
            require(
                prev.valid_to is not None and start is not None and prev.valid_to < start,
                where,
                f"{what}: {name!r} must start after {prev.name!r} ends (entries are in date order)",
            )
        out.append(DatedName(name, start, end))
    return tuple(out)


def parse_naming(data: Mapping[str, Any], file: str) -> Naming:
    """The `countries`, `periods`, `local_forces` and `default_country` sections, validated."""
    countries = data.get("countries") or {}
    require(isinstance(countries, Mapping), file, "'countries' must map ISO-3 codes to names")
    for iso, name in countries.items():
        require(bool(COUNTRY_RE.match(str(iso))), f"{file}: countries", f"bad country code {iso!r}")
        require(
            isinstance(name, str) and name.strip() != "", f"{file}: countries", f"{iso}: name must be text"
        )
    periods_raw = data.get("periods") or {}
    require(isinstance(periods_raw, Mapping), file, "'periods' must map ISO-3 codes to lists")
    periods = {}
    for iso, items in periods_raw.items():
        require(iso in countries, f"{file}: periods", f"{iso!r} is not in 'countries'")
        periods[str(iso)] = _dated_list(items, f"{file}: periods {iso}", "period")
    local_raw = data.get("local_forces") or {}
    require(
        isinstance(local_raw, Mapping),
        file,
        "'local_forces' must map ISO-3 codes to {military, police, security}",
    )
    local: dict[str, dict[str, str]] = {}
    for iso, kinds in local_raw.items():
        where = f"{file}: local_forces {iso}"
        require(iso in countries, where, f"{iso!r} is not in 'countries'")
        require(
            isinstance(kinds, Mapping) and set(kinds) <= LOCAL_KINDS,
            where,
            f"keys must be {sorted(LOCAL_KINDS)}",
        )
        local[str(iso)] = {str(k): str(v) for k, v in kinds.items()}
    default = data.get("default_country")
    require(
        default is None or default in countries, file, f"default_country {default!r} is not in 'countries'"
    )
    silent = data.get("not_event_actors") or []
    require(
        isinstance(silent, list) and all(t in ACTOR_TYPES for t in silent),
        file,
        f"not_event_actors must list actor types ({sorted(ACTOR_TYPES)})",
    )
    return Naming(dict(countries), periods, local, default, frozenset(silent))


def _check_template(name: str, where: str) -> None:
    for found in _PLACEHOLDER_RE.findall(name):
        require(found in _PLACEHOLDERS, where, f"unknown placeholder {{{found}}} in {name!r}")
    require(
        name.count("{") == name.count("}") == len(_PLACEHOLDER_RE.findall(name)),
        where,
        f"stray brace in {name!r}",
    )


def parse_names(
    raw: Mapping[str, Any], where: str, country: str | None, naming: Naming
) -> tuple[tuple[DatedName, ...], tuple[tuple[str, str, str], ...]]:
    """An actor's dated ACLED names and its per-country names ((iso, "name"|"actor", value), ...)."""
    template = str(as_text(raw["acled_name"], where, "acled_name"))
    _check_template(template, where)
    if "acled_names" in raw:
        names = _dated_list(raw["acled_names"], where, "acled_names")
        for n in names:
            _check_template(n.name, where)
            require("{period}" not in n.name, where, "acled_names are already dated: no {period}")
    elif "{period}" in template:
        require(
            country in naming.periods, where, f"{{period}} needs periods for the actor's country {country!r}"
        )
        names = tuple(
            DatedName(template.replace("{period}", p.name), p.valid_from, p.valid_to)
            for p in naming.periods[str(country)]
        )
    else:
        names = (DatedName(template),)
    by_country_raw = raw.get("acled_by_country") or {}
    require(
        isinstance(by_country_raw, Mapping),
        where,
        "acled_by_country must map ISO-3 codes to {name} or {actor}",
    )
    by_country: list[tuple[str, str, str]] = []
    for iso, target in by_country_raw.items():
        require(iso in naming.countries, where, f"acled_by_country: {iso!r} is not in 'countries'")
        require(
            isinstance(target, Mapping) and len(target) == 1,
            where,
            f"acled_by_country {iso}: one of name/actor",
        )
        ((kind, value),) = target.items()
        require(kind in ("name", "actor"), where, f"acled_by_country {iso}: unknown key {kind!r}")
        require(
            isinstance(value, str) and value.strip() != "", where, f"acled_by_country {iso}: empty {kind}"
        )
        if kind == "name":
            _check_template(value, where)
            require("{period}" not in value, where, f"acled_by_country {iso}: no {{period}} in a fixed name")
        else:
            require(bool(ID_RE.match(value)), where, f"acled_by_country {iso}: bad actor id {value!r}")
        by_country.append((str(iso), str(kind), value))
    return names, tuple(by_country)


def pick(names: Sequence[DatedName], day: dt.date | None) -> DatedName:
    """The name in use on `day`: the one valid then; before the first, the first; otherwise the
    latest that had started (today's name when `day` is None)."""
    if day is None:
        return names[-1]
    for n in names:
        if n.valid_on(day):
            return n
    started = [n for n in names if n.valid_from is None or n.valid_from <= day]
    return started[-1] if started else names[0]


def fill(name: str, country_name: str | None) -> str:
    """The name with "{country}" replaced (an unknown country leaves the words without it)."""
    if "{country}" not in name:
        return name
    if country_name:
        return name.replace("{country}", country_name)
    return " ".join(name.replace("({country})", "").replace("{country}", "").split())


def local_force(naming: Naming, iso: str, kind: str) -> str | None:
    """The actor id a local word of `kind` names in country `iso`; "security" falls back to the
    police, then the army."""
    kinds = naming.local_forces.get(iso, {})
    order = {"security": ("security", "police", "military")}.get(kind, (kind,))
    return next((kinds[k] for k in order if k in kinds), None)


def check_naming(actors: Sequence[Any], naming: Naming, file: str) -> None:
    """`local_forces` name known actors; a per-country redirect never leads to another redirect
    (so resolving a name takes at most one hop). `actors` are `Actor`s (id, acled_by_country)."""
    by_id = {a.id: a for a in actors}
    for iso, kinds in naming.local_forces.items():
        for kind, actor_id in kinds.items():
            require(actor_id in by_id, f"{file}: local_forces {iso}", f"{kind}: unknown actor {actor_id!r}")
            require(
                not by_id[actor_id].acled_by_country,
                f"{file}: local_forces {iso}",
                f"{actor_id} has acled_by_country",
            )
    for a in actors:
        for code, kind, value in a.acled_by_country:
            if kind == "actor":
                require(
                    value in by_id,
                    f"{file}: entry ({a.id})",
                    f"acled_by_country {code}: unknown actor {value!r}",
                )
                require(
                    not by_id[value].acled_by_country,
                    f"{file}: entry ({a.id})",
                    f"acled_by_country {code}: {value} has its own acled_by_country",
                )


def resolve(
    kb: Any, actor_id: str, on: dt.date | None, iso: str | None, text: str | None, violent: bool
) -> str:
    """The ACLED name of actor `actor_id` (of the actor base `kb`) for an event on `on` in country `iso`.

    * `text`, the words that named it, may be a local word ("الجيش", "قوات الأمن") that in another
      country's event names that country's forces (`local_forces`);
    * `acled_by_country` gives another actor's or a fixed name in some countries;
    * in a violent event a government acts through its army ("النظام" shelling → Military Forces);
    * otherwise the name in use on `on`, "{country}" filled with the event's country.
    """
    naming: Naming = kb.naming
    actor = kb.get(actor_id)
    home = kb.home_country(actor_id)
    if text and iso and iso != home:
        kind = kb.local_kind(actor_id, text)
        local = local_force(naming, iso, kind) if kind else None
        if local is not None and local != actor_id:
            return resolve(kb, local, on, iso, None, violent)
    for code, kind, value in actor.acled_by_country:
        if code == iso:  # another actor's name there, or a fixed one
            return (
                resolve(kb, value, on, iso, None, violent)
                if kind == "actor"
                else fill(value, naming.countries[code])
            )
    if violent and actor.type == "government" and home:
        army = local_force(naming, home, "military")
        if army is not None and army != actor_id:
            return resolve(kb, army, on, iso, None, False)
    place = iso or home or naming.default_country
    return fill(pick(actor.acled_names, on).name, naming.countries.get(place or ""))
