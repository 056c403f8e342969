"""The event lexicon as checked data: an unknown resolver, kind, key or actor is an error naming the
file and line; the rules' weights and role actors are read from the data."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import pytest

from rasid.document import Document
from rasid.extract.events import EventLexiconError, EventStage, event_lexicon, load_event_lexicon
from rasid.extract.events.resolvers import RESOLVERS, Resolution, resolver
from rasid.knowledge.actors import load_actors
from rasid.text.stage import TextStage
from tests.extract.events.helpers import PUBLISHED, analysed

PACKAGED = resources.files("rasid.extract").joinpath("data/event_lexicon.yaml").read_text(encoding="utf-8")


def edited(tmp_path: Path, old: str, new: str) -> tuple[str, int]:
    """The packaged lexicon with `old` (which must occur once) replaced, written to a file; and the
    line (1-based) where the replacement starts."""
    assert PACKAGED.count(old) == 1, old
    text = PACKAGED.replace(old, new)
    path = tmp_path / "lex.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path), text[: text.index(new)].count("\n") + 1


def error_of(path: str) -> str:
    with pytest.raises(EventLexiconError) as info:
        load_event_lexicon(path)
    return str(info.value)


def test_the_packaged_lexicon_loads() -> None:
    lex = load_event_lexicon()
    assert lex.trigger_by_name["kill"].resolve == "victims"
    assert lex.confidence.minimum == 0.45 and lex.confidence.cap == 0.95


def test_an_unknown_resolver_is_an_error_naming_file_and_line(tmp_path: Path) -> None:
    path, line = edited(tmp_path, "    resolve: withdrawal\n", "    resolve: withdrawl\n")
    message = error_of(path)
    assert f"lex.yaml:{line}:" in message and "unknown resolver 'withdrawl'" in message


def test_an_unknown_confidence_key_is_an_error_naming_file_and_line(tmp_path: Path) -> None:
    path, line = edited(tmp_path, "  cap: 0.95\n", "  cap: 0.95\n  bonus: 0.2\n")
    message = error_of(path)
    assert f"lex.yaml:{line + 1}:" in message and "confidence.bonus: unknown key" in message


def test_a_missing_confidence_weight_is_an_error(tmp_path: Path) -> None:
    path, _line = edited(tmp_path, "  minimum: 0.45\n", "")
    assert "missing 'minimum'" in error_of(path)


def test_an_unknown_plover_type_is_an_error(tmp_path: Path) -> None:
    path, line = edited(tmp_path, "    plover: RETREAT\n    plover_mode: withdraw\n", "    plover: WITHDRAW\n    plover_mode: withdraw\n")
    message = error_of(path)
    assert f"lex.yaml:{line}:" in message and "unknown PLOVER type 'WITHDRAW'" in message


def test_an_unknown_hedge_kind_is_an_error(tmp_path: Path) -> None:
    path, line = edited(tmp_path, "scope: clause, kind: rumour}", "scope: clause, kind: gossip}")
    message = error_of(path)
    assert f"lex.yaml:{line}:" in message and "unknown hedge kind 'gossip'" in message


def test_an_unknown_casualty_category_is_an_error(tmp_path: Path) -> None:
    path, line = edited(tmp_path, "    women:\n", "    ladies:\n")
    message = error_of(path)
    assert f"lex.yaml:{line}:" in message and "unknown category" in message


def test_an_unknown_key_anywhere_is_an_error(tmp_path: Path) -> None:
    path, line = edited(tmp_path, "  max_phrase_words: 4\n", "  max_phrase_words: 4\n  max_phrase_word: 5\n")
    message = error_of(path)
    assert f"lex.yaml:{line + 1}:" in message and "roles.max_phrase_word: unknown key" in message


def test_a_trigger_the_rules_need_must_be_defined(tmp_path: Path) -> None:
    path, _line = edited(tmp_path, "  - name: shooting\n", "  - name: gunfire\n")
    assert "the rules need trigger(s) ['shooting']" in error_of(path)


def test_a_self_reported_trigger_must_be_a_trigger(tmp_path: Path) -> None:
    path, line = edited(tmp_path, "self_report_triggers: [territory,", "self_report_triggers: [teritory,")
    message = error_of(path)
    assert f"lex.yaml:{line}:" in message and "unknown trigger: 'teritory'" in message


def test_a_missing_civilians_actor_is_an_error_naming_file_and_line(tmp_path: Path) -> None:
    path, line = edited(tmp_path, "  civilians: {actor: civilians, text: مدنيون}\n", "  civilians: {actor: civillians, text: مدنيون}\n")
    message = error_of(path)
    assert f"lex.yaml:{line}:" in message and "role_actors.civilians.actor: unknown actor 'civillians'" in message


def test_an_actor_id_of_a_nationality_must_be_in_the_knowledge_base(tmp_path: Path) -> None:
    path, line = edited(tmp_path, "    russian_forces: [روسية,", "    russia_forces: [روسية,")
    message = error_of(path)
    assert f"lex.yaml:{line}:" in message and "unknown actor 'russia_forces'" in message


def test_role_actors_come_from_the_knowledge_base() -> None:
    actors = event_lexicon().role_actors
    assert (actors.civilians.side, actors.civilians.inter, actors.civilians.name) == ("civilian", 7, "Civilians (Syria)")
    assert actors.civilians_text == "مدنيون"
    assert (actors.protesters.side, actors.protesters.inter, actors.protesters.name) == ("civilian", 6, "Protesters (Syria)")


def test_an_actor_named_by_role_is_never_matched_in_a_text() -> None:
    kb = load_actors()
    assert "protesters" in kb and kb.get("protesters").by_role
    assert all(a.id != "protesters" for a in kb.lookup("المتظاهرون"))
    assert not any("protesters" in ids for ids in kb.alias_index().values())


def test_the_weights_of_the_lexicon_set_the_confidence(tmp_path: Path) -> None:
    text = "قتل 4 مدنيين بقصف مدفعي على بلدة سرمين.\n"
    path, _line = edited(tmp_path, "  minimum: 0.45\n", "  minimum: 0.99\n")
    doc = analysed(text)
    assert EventStage()(doc).events
    assert EventStage(lexicon=load_event_lexicon(path))(doc).events == ()


def test_a_registered_resolver_is_accepted(tmp_path: Path) -> None:
    @resolver("always_other")
    def _other(r: Resolution) -> tuple[str, str] | None:
        return r.trigger.event_type, "Other"

    try:
        path, _line = edited(tmp_path, "    resolve: withdrawal\n", "    resolve: always_other\n")
        assert load_event_lexicon(path).trigger_by_name["withdrawal"].resolve == "always_other"
    finally:
        del RESOLVERS["always_other"]


def test_every_resolver_named_in_the_lexicon_is_registered() -> None:
    named = set(re.findall(r"^\s+resolve: (\w+)$", PACKAGED, flags=re.M))
    assert named and named <= set(RESOLVERS)


def test_the_stage_declares_what_it_reads_and_writes() -> None:
    assert EventStage.requires == ("sentences", "tokens", "mentions")
    assert EventStage.assigns == ("events",)


def test_the_stage_reads_no_numbers_of_its_own() -> None:
    # Counts come from the entity stage's number mentions: without them, no toll is read again.
    doc = TextStage()(Document(id="n", text="قتل 4 مدنيين بقصف مدفعي على بلدة سرمين.\n", published=PUBLISHED))
    assert all(e.fields["killed"] is None or e.fields["killed"]["total"] is None for e in EventStage()(doc).events)
