"""Read and check `data/event_lexicon.yaml` into an `EventLexicon`.

Every section is read key by key: a missing or malformed list, an unknown key, an unknown
resolver, PLOVER type, hedge kind or category, and an actor id the knowledge base does not have
are errors naming the file and line.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from rasid.extract.events.kinds import ACLED_EVENT_TYPES, CATEGORIES, HEDGE_KINDS, Plover, TriggerName
from rasid.extract.events.lexicon import (
    ActorTextRules,
    AttributionWords,
    BackgroundRules,
    Camps,
    CasualtyWords,
    ConfidenceWeights,
    EventLexicon,
    EventLexiconError,
    FutureRules,
    HedgeCue,
    HedgeRules,
    KnownActor,
    NegationRules,
    ResolveRules,
    RoleActors,
    RoleWords,
    Trigger,
)
from rasid.extract.events.matching import PhraseSet
from rasid.extract.events.resolvers import RESOLVERS
from rasid.extract.events.yaml_lines import Reader, read_data_file, words
from rasid.knowledge.schema import SIDES
from rasid.text.normalize import normalize_word

DEFAULT_PATH = "rasid/extract/data/event_lexicon.yaml"

_TRIGGER_KEYS = ("name", "event_type", "sub_event_type", "plover", "plover_mode", "priority", "weight", "forms")
_HEDGE_SCOPES = ("clause", "rest", "sentence")


@lru_cache(maxsize=1)
def event_lexicon() -> EventLexicon:
    return load_event_lexicon()


def load_event_lexicon(path: str | None = None) -> EventLexicon:
    """Read and validate the lexicon (default: the packaged `data/event_lexicon.yaml`)."""
    where = path or DEFAULT_PATH
    data = read_data_file("event_lexicon.yaml", path, "event lexicon")
    if not isinstance(data, dict):
        raise EventLexiconError(f"{where}: expected a mapping at the top level")
    top = Reader(data, where, "")
    top.get("version", int, required=False)
    confidence = _confidence(top.sub("confidence"))
    triggers, by_name = _triggers(top, confidence)
    roles, actor_text = _roles(top.sub("roles"), by_name)
    lex = EventLexicon(
        triggers=triggers,
        trigger_by_name=by_name,
        irrealis=top.phrases("irrealis"),
        future=_future(top.sub("future")),
        negation=_negation(top.sub("negation")),
        background=_background(top.sub("background")),
        anaphora=top.phrases("anaphora"),
        place_anaphora=_place_anaphora(top),
        resolve=_resolve_rules(top.sub("resolve")),
        casualties=_casualty_words(top.sub("casualties")),
        clause_breaks=top.phrases("clause_breaks"),
        comma_clause_breaks=top.phrases("comma_clause_breaks", required=False),
        not_event_phrases=top.phrases("not_event_phrases", required=False),
        hedging=_hedging(top),
        attribution=_attribution(top.sub("attribution")),
        roles=roles,
        actor_text=actor_text,
        camps=_camps(top.sub("camps")),
        confidence=confidence,
        role_actors=_role_actors(top.sub("role_actors")),
    )
    top.finish()
    return lex


def _confidence(sec: Reader) -> ConfidenceWeights:
    weights = ConfidenceWeights(**{name: sec.number(name, kind=float) for name in ConfidenceWeights.__dataclass_fields__})
    sec.finish()
    return weights


def _triggers(top: Reader, confidence: ConfidenceWeights) -> tuple[PhraseSet, dict[str, Trigger]]:
    forms: list[str] = []
    payloads: dict[str, Any] = {}
    by_name: dict[str, Trigger] = {}
    for entry in top.items("triggers"):
        trig = _trigger(entry)
        if trig.name in by_name:
            raise entry.error("name", f"trigger {trig.name!r} defined twice")
        by_name[trig.name] = trig
        for f in entry.seq("forms"):
            forms.append(f)
            payloads.setdefault(f, (trig, trig.weight))
        # (weak forms also appear in sentences that report nothing: they start lower)
        for f in entry.seq("weak", required=False):
            forms.append(f)
            payloads.setdefault(f, (trig, trig.weight - confidence.weak_form))
        entry.finish()
    missing = [str(n) for n in TriggerName if n not in by_name]
    if missing:
        raise top.error("triggers", f"the rules need trigger(s) {missing}")
    return PhraseSet(forms, payloads), by_name


def _trigger(entry: Reader) -> Trigger:
    for key in _TRIGGER_KEYS:
        if key not in entry.data:
            raise entry.error(None, f"a trigger needs each of {list(_TRIGGER_KEYS)} (no {key!r})")
    name = entry.get("name", str)
    et, st = entry.get("event_type", str), entry.get("sub_event_type", str)
    if et not in ACLED_EVENT_TYPES or st not in ACLED_EVENT_TYPES[et]:
        raise entry.error("sub_event_type", f"trigger {name!r}: {et!r}/{st!r} is not an ACLED type")
    plover = entry.get("plover", str)
    if plover not in {p.value for p in Plover}:
        raise entry.error("plover", f"trigger {name!r}: unknown PLOVER type {plover!r}")
    resolve = entry.get("resolve", str, required=False)
    if resolve is not None and resolve not in RESOLVERS:
        raise entry.error("resolve", f"trigger {name!r}: unknown resolver {resolve!r} (known: {sorted(RESOLVERS)})")
    return Trigger(
        name, et, st, plover, entry.get("plover_mode", str), int(entry.number("priority")),
        float(entry.number("weight", kind=float)), resolve, bool(entry.get("in_actor_names", bool, required=False)),
    )


def _future(sec: Reader) -> FutureRules:
    rules = FutureRules(
        prefixes=tuple(sec.seq("prefixes")),
        min_length=sec.number("min_length", 5),
        window=sec.number("window", 2),
        not_future=tuple(normalize_word(w) for w in sec.seq("not_future")),
        purpose_proclitics=frozenset(sec.seq("purpose_proclitics", required=False) or ()),
        purpose_triggers=frozenset(sec.seq("purpose_triggers", required=False) or ()),
        forecasts=sec.phrases("forecasts", required=False),
    )
    sec.finish()
    return rules


def _negation(sec: Reader) -> NegationRules:
    rules = NegationRules(
        forms=sec.phrases("forms"),
        window=sec.number("window", 8),
        after=sec.phrases("after", required=False),
        after_window=sec.number("after_window", 4),
    )
    sec.finish()
    return rules


def _background(sec: Reader) -> BackgroundRules:
    rules = BackgroundRules(
        openers=sec.phrases("openers"),
        temporal_refs=sec.phrases("temporal_refs"),
        mention_only=sec.phrases("mention_only", required=False),
        habitual=sec.phrases("habitual", required=False),
        context_openers=sec.phrases("context_openers"),
        concurrent=sec.phrases("concurrent"),
        pluperfect=sec.phrases("pluperfect"),
        cues=sec.phrases("cues"),
        window=sec.number("window", 8),
        date_blockers=sec.phrases("date_blockers"),
        date_blocker_window=sec.number("date_blocker_window", 2),
        when_links=sec.phrases("when_links", required=False),
        prior_links=sec.phrases("prior_links", required=False),
        place_prior_links=sec.phrases("place_prior_links", required=False),
        cumulative=sec.phrases("cumulative"),
        states=sec.phrases("states", required=False),
        past_forms=sec.words("past_forms", required=False),
    )
    sec.finish()
    return rules


def _place_anaphora(top: Reader) -> dict[str, tuple[str, ...]]:
    from rasid.knowledge.places import PLACE_TYPES

    spec = top.sub("place_anaphora", required=False)
    out: dict[str, tuple[str, ...]] = {}
    for noun in spec.data:
        types = spec.check_items(noun, lambda t: t in PLACE_TYPES, "unknown place type")
        out[normalize_word(str(noun))] = tuple(str(t) for t in types)
    spec.finish()
    return out


def _resolve_rules(sec: Reader) -> ResolveRules:
    rules = ResolveRules(
        protest_intervention=sec.phrases("protest_intervention"),
        direct_fire=sec.phrases("direct_fire", required=False),
        projectiles=sec.words("projectiles", required=False),
        government_sides=frozenset(sec.check_items("government_sides", lambda s: s in SIDES, "unknown side")),
        handover=sec.phrases("handover"),
        executions=sec.phrases("executions", required=False),
        attack_forms=sec.phrases("attack_forms", required=False),
        regaining_sides=frozenset(sec.check_items("regaining_sides", lambda s: s in SIDES, "unknown side")),
        downing=sec.phrases("downing", required=False),
        aircraft=sec.phrases("aircraft", required=False),
        bombardment=sec.words("bombardment", required=False),
        defusing=sec.phrases("defusing", required=False),
    )
    sec.finish()
    return rules


def _casualty_words(sec: Reader) -> CasualtyWords:
    killed, injured = sec.sub("killed"), sec.sub("injured")
    cat_index: dict[str, str] = {}
    singular: set[str] = set()
    dual: set[str] = set()
    cats = sec.sub("categories")
    for cat in cats.data:
        if cat not in CATEGORIES:
            raise cats.error(cat, f"unknown category (known: {sorted(CATEGORIES)})")
        spec = cats.sub(cat)
        for w in spec.words("forms"):
            cat_index.setdefault(w, cat)
        singular |= spec.words("one", required=False)
        dual |= spec.words("two", required=False)
        spec.finish()
    out = CasualtyWords(
        killed_cues=killed.phrases("cues"),
        killed_nouns=killed.phrases("nouns"),
        injured_cues=injured.phrases("cues"),
        injured_nouns=injured.phrases("nouns"),
        category_index=cat_index,
        singular=frozenset(singular),
        dual=frozenset(dual),
        breakdown=sec.phrases("breakdown"),
        ranks_of=sec.phrases("ranks_of"),
        non_person_units=sec.words("non_person_units"),
        group_units=sec.words("group_units", required=False),
    )
    for part in (killed, injured, cats, sec):
        part.finish()
    return out


def _hedging(top: Reader) -> HedgeRules:
    cues: list[HedgeCue] = []
    back: dict[PhraseSet, frozenset[str]] = {}
    for h in top.items("hedging"):
        scope = h.get("scope", str)
        if scope not in _HEDGE_SCOPES:
            raise h.error("scope", f"scope must be one of {'|'.join(_HEDGE_SCOPES)}, not {scope!r}")
        kind = str(h.get("kind", str, required=False) or "hedge")
        if kind not in HEDGE_KINDS:
            raise h.error("kind", f"unknown hedge kind {kind!r} (known: {sorted(HEDGE_KINDS)})")
        cue = HedgeCue(h.phrases("forms"), scope, kind)
        cues.append(cue)
        if h.seq("back", required=False):
            back[cue.phrases] = h.words("back")
        h.finish()
    return HedgeRules(tuple(cues), back, top.phrases("hedge_stops", required=False))


def _attribution(sec: Reader) -> AttributionWords:
    out = AttributionWords(
        verbs=sec.phrases("verbs"),
        preps=sec.phrases("preps"),
        stops=sec.words("stops"),
        lead_words=sec.words("lead_words"),
        max_words=sec.number("max_words", 10),
        time_words=sec.words("time_words"),
        heads=sec.words("heads"),
    )
    sec.finish()
    return out


def _camps(sec: Reader) -> Camps:
    sides: dict[str, str] = {}
    countries: dict[str, str] = {}
    for camp in sec.data:
        spec = sec.sub(camp)
        for side in spec.check_items("sides", lambda s: s in SIDES, "unknown side"):
            sides[side] = camp
        for code in spec.seq("countries", required=False):
            countries[code] = camp
        spec.finish()
    sec.finish()
    return Camps(sides, countries)


def _known_actor(sec: Reader, key: str, actor_id: Any, line: int | None = None) -> KnownActor:
    """An actor id of the knowledge base (`rasid/knowledge/data/actors.yaml`), checked."""
    from rasid.knowledge.actors import load_actors

    kb = load_actors()
    if not isinstance(actor_id, str) or actor_id not in kb:
        raise sec.error(key, f"unknown actor {actor_id!r} (not in the actor knowledge base)", line)
    actor = kb.get(actor_id)
    return KnownActor(actor.id, actor.side, actor.inter, actor.acled_name or actor.name_en)


def _role_actors(sec: Reader) -> RoleActors:
    civilians, protesters = sec.sub("civilians"), sec.sub("protesters")
    out = RoleActors(
        civilians=_known_actor(civilians, "actor", civilians.get("actor", str)),
        civilians_text=civilians.get("text", str),
        protesters=_known_actor(protesters, "actor", protesters.get("actor", str)),
    )
    for part in (civilians, protesters, sec):
        part.finish()
    return out


def _means_nationality(sec: Reader) -> dict[str, KnownActor]:
    spec = sec.sub("means_nationality")
    out: dict[str, KnownActor] = {}
    for actor_id in spec.data:
        actor = _known_actor(spec, actor_id, actor_id)
        for form in spec.seq(actor_id):
            out[normalize_word(form)] = actor
    spec.finish()
    return out


def _generic_actors(sec: Reader) -> dict[str, KnownActor]:
    """`actor_text.generic`: actor id -> head words (folded word -> the role actor)."""
    spec = sec.sub("generic", required=False)
    out: dict[str, KnownActor] = {}
    for actor_id in spec.data or {}:
        actor = _known_actor(spec, actor_id, actor_id)
        for form in spec.seq(actor_id):
            out[normalize_word(form)] = actor
    spec.finish()
    return out


def _roles(sec: Reader, triggers: dict[str, Trigger]) -> tuple[RoleWords, ActorTextRules]:
    for key in ("unknown_perpetrators", "responders"):
        for i, actor_id in enumerate(sec.seq(key, key == "unknown_perpetrators")):
            _known_actor(sec, key, actor_id, sec.item_line(key, i))
    verbs, suffixes = sec.words("verbs"), sec.words("object_suffixes", required=False)
    protest_targets = {" ".join(normalize_word(w) for w in str(c).split()) for c in sec.seq("protest_targets", False)}
    roles = RoleWords(
        target=sec.phrases("target"),
        agent=sec.phrases("agent"),
        between=sec.phrases("between"),
        phrase_stops=sec.words("phrase_stops"),
        verbs=sec.phrases("verbs"),
        passive=sec.words("passive"),
        agent_masdars=sec.words("agent_masdars"),
        verb_particles=sec.words("verb_particles"),
        first_person_suffixes=tuple(sec.seq("first_person_suffixes")),
        unknown_perpetrators=frozenset(sec.seq("unknown_perpetrators")),
        responders=frozenset(sec.seq("responders", False)),
        reference_cues=sec.phrases("reference_cues"),
        means_nationality=_means_nationality(sec),
        self_report_cues=sec.words("self_report_cues"),
        self_report_triggers=frozenset(sec.check_items("self_report_triggers", triggers.__contains__, "unknown trigger")),
        speaker_pronouns=sec.words("speaker_pronouns", required=False),
        actor_lead_words=sec.words("actor_lead_words", required=False),
        own_forces=sec.words("own_forces", required=False),
        led_by=sec.words("led_by", required=False),
        controlled_by=sec.phrases("controlled_by", required=False),
        doer_nouns=sec.words("doer_nouns"),
        victim_nouns=sec.phrases("victim_nouns"),
        protesters=sec.phrases("protesters"),
        protest_targets=tuple(sorted(protest_targets, key=len, reverse=True)),
        quantifiers=sec.words("quantifiers"),
        skip=sec.words("skip"),
        partitive_heads=sec.words("partitive_heads"),
        subject_openers=sec.words("subject_openers"),
        subject_pronouns=sec.words("subject_pronouns"),
        reflexive=sec.words("reflexive"),
        max_phrase_words=sec.number("max_phrase_words", 4),
        resumptive=PhraseSet(v + x for v in verbs if len(v) >= 3 for x in suffixes),
        relatives=sec.words("relatives", required=False),
        relative_pronouns_after=sec.words("relative_pronouns_after", required=False),
        claim_verbs=sec.phrases("claim_verbs", required=False),
        claim_nouns=sec.phrases("claim_nouns", required=False),
        opponent_cues=sec.words("opponent_cues", required=False),
    )
    text = sec.sub("actor_text", required=False)
    actor_text = ActorTextRules(
        place_heads=text.words("place_heads", required=False),
        not_actor=text.words("not_actor", required=False),
        nisba_nouns=text.words("nisba_nouns", required=False),
        generic=_generic_actors(text),
        place_preps=text.words("place_preps", required=False),
        party_heads=text.words("party_heads", required=False),
        source_sides=frozenset(str(x) for x in text.seq("source_sides", False)),
        toponym_heads=text.words("toponym_heads", required=False),
    )
    text.finish()
    sec.finish()
    return roles, actor_text


__all__ = ["DEFAULT_PATH", "EventLexiconError", "event_lexicon", "load_event_lexicon", "words"]
