"""Controlled vocabularies and validation helpers for the knowledge-base YAML files.

The YAML files are edited by hand, so every entry is checked on load and the first
problem is reported with the file name, the entry number and its id.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

ACTOR_TYPES = frozenset(
    {
        "armed_forces",  # a state's military, police or a service branch
        "military_unit",  # a corps, division, brigade of a state force
        "militia",  # pro-government or foreign-backed armed group
        "faction",  # rebel / opposition / Kurdish-led / jihadist armed group
        "operations_room",  # a joint command of several factions
        "government",
        "agency",  # ministry, intelligence branch, security service
        "political",  # party, coalition, political body
        "monitor",  # human-rights monitor / documentation group
        "media",
        "ngo",  # humanitarian or civil-defence organisation
        "igo",  # international organisation
        "collective",  # a generic group ("opposition factions", "civilians")
    }
)

SIDES = frozenset(
    {
        "government",
        "pro_government",
        "opposition",
        "kurdish_led",
        "foreign_state",
        "jihadist",
        "civilian",
        "monitor",
        "media",
        "international",
    }
)

# ACLED interaction codes.
INTER_CODES = {
    1: "state forces",
    2: "rebel groups",
    3: "political militias",
    4: "identity militias",
    5: "rioters",
    6: "protesters",
    7: "civilians",
    8: "external/other forces",
}

ALIAS_USAGES = frozenset(
    {
        "neutral",
        "partisan_opposition",  # used by regime-hostile outlets ("ميليشيات أسد")
        "partisan_government",  # used by regime media ("الإرهابيين")
        "metonym",  # a capital or country standing for its government
        "abbreviation",
        "operation",  # an operation name used for the force running it
    }
)

OUTLET_LEANINGS = frozenset(
    {
        "pro_opposition",
        "pro_government",
        "gulf",
        "international",
        "russian_state",
        "iranian_state",
        "turkish_state",
        "kurdish",
        "pro_iran",
        "independent",
    }
)

TITLE_KINDS = frozenset({"rank", "role", "office"})
AFFILIATION_MODES = frozenset({"none", "following", "nationality", "fixed"})

ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
COUNTRY_RE = re.compile(r"^[A-Z]{3}$")
DOMAIN_RE = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)+$")


class KnowledgeDataError(ValueError):
    """Raised when a knowledge-base file is missing, unreadable or invalid."""


def entry_label(path: Path, index: int, entry: Any) -> str:
    """`actors.yaml: entry #3 (liwa_baqir)` — used as the prefix of every error."""
    ident = entry.get("id") if isinstance(entry, Mapping) else None
    return f"{path.name}: entry #{index}" + (f" ({ident})" if ident else "")


def require(cond: bool, where: str, problem: str) -> None:
    if not cond:
        raise KnowledgeDataError(f"{where}: {problem}")


def check_keys(entry: Mapping[str, Any], where: str, required: set[str], optional: set[str]) -> None:
    missing = required - set(entry)
    require(not missing, where, f"missing field(s) {sorted(missing)}")
    unknown = set(entry) - required - optional
    require(not unknown, where, f"unknown field(s) {sorted(unknown)}")


def as_text(value: Any, where: str, field: str, allow_none: bool = False) -> str | None:
    if value is None and allow_none:
        return None
    require(isinstance(value, str) and value.strip() != "", where, f"{field} must be a non-empty string")
    return str(value).strip()


def as_date(value: Any, where: str, field: str) -> dt.date | None:
    """Accept YAML dates, ISO strings, or a bare year (meaning 1 January / 31 December is not implied)."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int) and 1900 < value < 2100:
        return dt.date(value, 1, 1)
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise KnowledgeDataError(f"{where}: {field} is not a date: {value!r}")


def as_str_list(value: Any, where: str, field: str) -> tuple[str, ...]:
    if value is None:
        return ()
    require(isinstance(value, list), where, f"{field} must be a list")
    out: list[str] = []
    for item in value:
        text = as_text(item, where, field)
        assert text is not None
        out.append(text)
    return tuple(out)
