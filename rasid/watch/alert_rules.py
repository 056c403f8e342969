"""Alert rules as data (`rasid/knowledge/data/alert_rules.yaml`, or a user's file), validated when loaded,
and how each kind of rule matches a change of the change feed (`rasid.extract.changes`).

A bad file is refused with one line naming the file, the rule (line and id) and what is wrong.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rasid.knowledge.schema import KnowledgeDataError
from rasid.serialize import load_yaml_nodes, yaml_item_lines

RULES_FILE = Path(__file__).resolve().parents[1] / "knowledge" / "data" / "alert_rules.yaml"
WHEN = ("killed", "actor_first_in_place", "contradiction", "verdict_changed")
LABELS = ("true", "misleading", "false", "unverified")
ANY = "any"
_FIELDS: dict[str, frozenset[str]] = {
    "killed": frozenset({"min_killed", "admin1"}),
    "actor_first_in_place": frozenset({"actors", "admin1"}),
    "contradiction": frozenset(),
    "verdict_changed": frozenset({"to"}),
}
_COMMON = frozenset({"id", "when", "description"})
_ID = re.compile(r"^[A-Za-z0-9_-]+$")


class AlertRulesError(KnowledgeDataError):
    """A rules file that cannot be used: one line naming the file, the rule and the problem."""


@dataclass(frozen=True)
class Rule:
    id: str
    when: str
    description: str = ""
    min_killed: int = 1
    admin1: tuple[str, ...] = ()  # folded names; empty: any
    actors: tuple[str, ...] = ()  # actor ids; empty: any
    to: tuple[str, ...] = ()  # labels; empty: any

    def in_admin1(self, summary: Mapping[str, Any]) -> bool:
        if not self.admin1:
            return True
        names = {_fold(summary.get("admin1")), _fold(summary.get("place"))}
        return bool(names & set(self.admin1))


def _fold(value: Any) -> str:
    return " ".join(str(value or "").casefold().split())


def _names(value: Any, where: str, field: str) -> tuple[str, ...]:
    """`any` (nothing to match: empty), one name, or a non-empty list of names."""
    if value is None or value == ANY:
        return ()
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not items or not all(isinstance(v, str) and v.strip() for v in items):
        raise AlertRulesError(f"{where}: {field} must be `any`, a name or a non-empty list of names")
    return tuple(v.strip() for v in items)


def _rule(raw: Any, where: str, actor_ids: frozenset[str] | None) -> Rule:
    if not isinstance(raw, Mapping):
        raise AlertRulesError(f"{where}: a rule must be a mapping with `id` and `when`")
    rid = raw.get("id")
    if not isinstance(rid, str) or not _ID.match(rid):
        raise AlertRulesError(f"{where}: `id` must be letters, digits, - or _ (got {rid!r})")
    where = f"{where} ({rid})"
    when = raw.get("when")
    if when not in WHEN:
        raise AlertRulesError(f"{where}: `when` must be one of {', '.join(WHEN)} (got {when!r})")
    unknown = sorted(set(raw) - _COMMON - _FIELDS[when])
    if unknown:
        raise AlertRulesError(f"{where}: unknown field(s) {', '.join(unknown)} for `when: {when}`")
    description = raw.get("description", "")
    if not isinstance(description, str):
        raise AlertRulesError(f"{where}: `description` must be text")
    min_killed = raw.get("min_killed", 1)
    if not isinstance(min_killed, int) or isinstance(min_killed, bool) or min_killed < 1:
        raise AlertRulesError(f"{where}: `min_killed` must be a whole number of at least 1 (got {min_killed!r})")
    actors = _names(raw.get("actors"), where, "actors")
    if actor_ids is not None:
        strangers = [a for a in actors if a not in actor_ids]
        if strangers:
            raise AlertRulesError(f"{where}: unknown actor id(s) {', '.join(strangers)}; use ids from actors.yaml")
    to = _names(raw.get("to"), where, "to")
    bad = [t for t in to if t not in LABELS]
    if bad:
        raise AlertRulesError(f"{where}: `to` labels must be among {', '.join(LABELS)} (got {', '.join(bad)})")
    admin1 = tuple(_fold(a) for a in _names(raw.get("admin1"), where, "admin1"))
    return Rule(rid, str(when), description, min_killed, admin1, actors, to)


def load_rules(path: Path | str | None = None, *, check_actors: bool = True) -> tuple[Rule, ...]:
    """The rules of `path` (default: the shipped file), validated; `AlertRulesError` for the first problem."""
    import yaml

    file = Path(path) if path is not None else RULES_FILE
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise AlertRulesError(f"{file}: cannot read the alert rules ({getattr(exc, 'strerror', None) or exc})") from None
    try:
        data, root = load_yaml_nodes(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        problem = " ".join(str(getattr(exc, "problem", None) or "not valid YAML").split())
        raise AlertRulesError(f"{file}{line}: invalid YAML ({problem}); fix the file") from None
    if not isinstance(data, Mapping) or not isinstance(data.get("rules"), list):
        raise AlertRulesError(f"{file}: the top level must be a mapping with `version: 1` and a `rules` list")
    if data.get("version") != 1:
        raise AlertRulesError(f"{file}: `version` must be 1 (got {data.get('version')!r})")
    lines = yaml_item_lines(root, "rules")
    actor_ids = _actor_ids() if check_actors else None
    rules: list[Rule] = []
    for i, raw in enumerate(data["rules"]):
        where = f"{file}:{lines[i]}: rule {i + 1}" if i < len(lines) else f"{file}: rule {i + 1}"
        rule = _rule(raw, where, actor_ids)
        if any(r.id == rule.id for r in rules):
            raise AlertRulesError(f"{where} ({rule.id}): the id is used by an earlier rule; give each rule its own")
        rules.append(rule)
    return tuple(rules)


def _actor_ids() -> frozenset[str]:
    from rasid.knowledge.actors import load_actors

    base = load_actors()
    return frozenset(a.id for a in base.all())
