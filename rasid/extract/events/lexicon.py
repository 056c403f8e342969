"""The event lexicon as typed data: one frozen dataclass per section of `data/event_lexicon.yaml`.

`load.py` reads and checks the file; the rules read the sections (`lex.roles.verbs`,
`lex.background.cues` ...). Word tests that strip proclitics (`category_of`, `is_singular` ...)
are memoised per word on the lexicon: the same words recur in every article.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any, NamedTuple

from rasid.extract.events.kinds import DENIAL, INJURED, KILLED
from rasid.extract.events.matching import PhraseSet
from rasid.text.fold import proclitic_variants


class EventLexiconError(ValueError):
    """The event lexicon file is missing a section or has a malformed entry."""


@dataclass(frozen=True, slots=True)
class Trigger:
    name: str
    event_type: str
    sub_event_type: str
    plover: str
    plover_mode: str
    priority: int
    weight: float
    resolve: str | None = None  # a registered sub-type resolver (see `resolvers.py`)
    in_actor_names: bool = False  # the trigger still counts inside an actor name ("الطائرات الحربية الروسية")


class KnownActor(NamedTuple):
    """An actor of the knowledge base the rules name by id, with what an event record shows of it."""

    id: str
    side: str
    inter: int
    name: str  # ACLED name


@dataclass(frozen=True, slots=True)
class FutureRules:
    """A future imperfect ("سيتحرك") right before or after a trigger: a forecast, not an event."""

    prefixes: tuple[str, ...]
    min_length: int
    window: int
    not_future: tuple[str, ...]
    # "لتحرير بقية المحافظة", "للسيطرة على": a capture noun with the purpose "ل" is an aim.
    purpose_proclitics: frozenset[str] = frozenset()
    purpose_triggers: frozenset[str] = frozenset()
    # "وتوقع مساعد وزير الدفاع، تحرير قاعدة العند خلال ساعات": what follows a verb of expecting in
    # its clause is a forecast, however long the subject between them.
    forecasts: PhraseSet = field(default_factory=lambda: PhraseSet(()))


@dataclass(frozen=True, slots=True)
class NegationRules:
    forms: PhraseSet
    window: int
    after: PhraseSet  # "لن تكون" after an event noun
    after_window: int


@dataclass(frozen=True, slots=True)
class BackgroundRules:
    """Words that make a trigger background, a reference to another event, or a period's start."""

    openers: PhraseSet
    temporal_refs: PhraseSet
    mention_only: PhraseSet
    habitual: PhraseSet
    context_openers: PhraseSet
    concurrent: PhraseSet
    pluperfect: PhraseSet
    cues: PhraseSet
    window: int
    date_blockers: PhraseSet
    date_blocker_window: int
    when_links: PhraseSet
    prior_links: PhraseSet
    place_prior_links: PhraseSet
    cumulative: PhraseSet
    # "باتت القوات تسيطر على …", "لا يزال الحوثيون يسيطرون": a present verb after these is a state
    states: PhraseSet = field(default_factory=lambda: PhraseSet(()))
    # Past verbs that start like a present one ("القصف الذي تعرض له الحي"): never a habit
    past_forms: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class ResolveRules:
    """Words the sub-type resolvers and the direct-fire rule read."""

    protest_intervention: PhraseSet
    direct_fire: PhraseSet
    projectiles: frozenset[str]
    government_sides: frozenset[str]
    handover: PhraseSet
    # "أعدم", "نحر", "حرق": killing a captive or an unarmed person, not a fight
    executions: PhraseSet = field(default_factory=lambda: PhraseSet(()))
    # the forms of the clash trigger that tell an attack, not an exchange of fire
    attack_forms: PhraseSet = field(default_factory=lambda: PhraseSet(()))
    regaining_sides: frozenset[str] = frozenset()  # a capture by these is "Government regains territory"
    downing: PhraseSet = field(default_factory=lambda: PhraseSet(()))  # "أسقط": an aircraft shot down
    aircraft: PhraseSet = field(default_factory=lambda: PhraseSet(()))  # "الطيران المروحي": bombing is an air strike
    bombardment: frozenset[str] = frozenset()  # the shelling forms an aircraft word makes an air strike
    defusing: PhraseSet = field(default_factory=lambda: PhraseSet(()))  # "تفكيك": a bomb made safe


@dataclass(frozen=True, slots=True)
class CasualtyWords:
    killed_cues: PhraseSet
    killed_nouns: PhraseSet
    injured_cues: PhraseSet
    injured_nouns: PhraseSet
    category_index: Mapping[str, str]  # folded person noun -> category
    singular: frozenset[str]
    # Duals of person nouns: two people in a casualty breakdown ("بينهم طفل وامرأتان").
    dual: frozenset[str]
    breakdown: PhraseSet
    ranks_of: PhraseSet
    non_person_units: frozenset[str]
    # Groups (among non_person_units) whose members a partitive count names: "قتل 7 من ميليشيات الحوثي".
    group_units: frozenset[str] = frozenset()


class HedgeCue(NamedTuple):
    phrases: PhraseSet
    scope: str  # clause | rest | sentence
    kind: str


@dataclass(frozen=True, slots=True)
class HedgeRules:
    cues: tuple[HedgeCue, ...]
    # Words after a cue of these sets that make it refer back to the whole sentence.
    back: Mapping[PhraseSet, frozenset[str]]
    stops: PhraseSet


@dataclass(frozen=True, slots=True)
class AttributionWords:
    verbs: PhraseSet
    preps: PhraseSet
    stops: frozenset[str]
    lead_words: frozenset[str]
    max_words: int
    time_words: frozenset[str]
    heads: frozenset[str]


@dataclass(frozen=True, slots=True)
class RoleWords:
    """Who did it to whom: cues of the roles, word-order words and the phrases of unlinked actors."""

    target: PhraseSet
    agent: PhraseSet
    between: PhraseSet
    phrase_stops: frozenset[str]
    verbs: PhraseSet
    passive: frozenset[str]
    agent_masdars: frozenset[str]
    verb_particles: frozenset[str]
    first_person_suffixes: tuple[str, ...]
    unknown_perpetrators: frozenset[str]
    responders: frozenset[str]  # actor ids that answer attacks, never carry them out
    reference_cues: PhraseSet
    means_nationality: Mapping[str, KnownActor]  # folded adjective -> its state's forces
    self_report_cues: frozenset[str]
    self_report_triggers: frozenset[str]
    speaker_pronouns: frozenset[str]
    actor_lead_words: frozenset[str]
    own_forces: frozenset[str]
    led_by: frozenset[str]
    controlled_by: PhraseSet
    doer_nouns: frozenset[str]
    victim_nouns: PhraseSet
    protesters: PhraseSet
    protest_targets: tuple[str, ...]  # folded cue words, longest first
    quantifiers: frozenset[str]
    skip: frozenset[str]
    partitive_heads: frozenset[str]
    subject_openers: frozenset[str]
    subject_pronouns: frozenset[str]
    reflexive: frozenset[str]
    max_phrase_words: int
    # Event verbs with an object pronoun ("استهدفتها"), from `verbs` and `object_suffixes`.
    resumptive: PhraseSet
    # Relative pronouns: a verb after one has the noun before it for its subject.
    relatives: frozenset[str] = frozenset()
    # "التي سيطرت عليها الفصائل": the antecedent is the object, the subject follows the pronoun.
    relative_pronouns_after: frozenset[str] = frozenset()
    # "تبنى تنظيم داعش التفجير الذي استهدف …": whoever claims the event did it.
    claim_verbs: PhraseSet = field(default_factory=lambda: PhraseSet(()))
    # "أعلن تنظيم داعش مسؤوليته عن هجوم": the source that claims the event named after did it.
    claim_nouns: PhraseSet = field(default_factory=lambda: PhraseSet(()))
    # "قتل ثلاثون متمردا في مواجهات مع قوات الأمن": the party after these fought the victims.
    opponent_cues: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class ActorTextRules:
    """What an unlinked actor text may not be: a place, a weapon, a naming verb, a lone adjective."""

    place_heads: frozenset[str]
    not_actor: frozenset[str]
    nisba_nouns: frozenset[str]
    # Unlinked words are no actor of their own: a head word here names the role actor they stand
    # for (folded word -> actor: unidentified gunmen, protesters); `nationality` adjectives (the
    # roles' `means_nationality`) name a state's forces.
    generic: Mapping[str, KnownActor] = field(default_factory=dict)
    # Words before a metonym place name ("في طهران") that make it the place, not its government.
    place_preps: frozenset[str] = frozenset()
    # Nouns of a party (forces, groups, people, their means): unlinked words name a party only when
    # one of their first two words is one of these, a person noun or a `generic` head.
    party_heads: frozenset[str] = frozenset()
    # Sides that report events and never take part in them (outlets, monitors).
    source_sides: frozenset[str] = frozenset()
    # "في منطقة الشرطة الرابعة", "حي الأكراد": a known actor's name right after these names a place.
    toponym_heads: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Camps:
    """Camps of the war: reports by perpetrators of opposed camps tell different incidents."""

    sides: Mapping[str, str]  # side -> camp
    countries: Mapping[str, str]  # country code of a foreign state -> camp


@dataclass(frozen=True, slots=True)
class ConfidenceWeights:
    """How sure an event is: the trigger's weight plus what the sentence tells of it."""

    weak_form: float  # a weak trigger form starts this much lower
    toll_only: float  # a toll with no event word of its own
    location: float
    date: float
    counted_casualties: float
    uncounted_casualties: float
    linked_actor: float  # actor1 is a known actor
    unlinked_actor: float  # actor1 is words of the text only
    source: float
    hedged: float  # taken off a hedged report (after the minimum is checked)
    merged: float  # added when another report of the same incident joins
    cap: float
    minimum: float  # events below this are not coded


@dataclass(frozen=True, slots=True)
class RoleActors:
    """Actors the rules name by role when the text names none."""

    civilians: KnownActor  # civilian victims of an attack
    civilians_text: str  # the words an event record shows for them
    protesters: KnownActor  # the crowd of a protest


@dataclass(frozen=True, slots=True)
class EventLexicon:
    triggers: PhraseSet
    trigger_by_name: Mapping[str, Trigger]
    irrealis: PhraseSet
    future: FutureRules
    negation: NegationRules
    background: BackgroundRules
    anaphora: PhraseSet
    place_anaphora: Mapping[str, tuple[str, ...]]  # normalised noun -> place types it refers to
    resolve: ResolveRules
    casualties: CasualtyWords
    clause_breaks: PhraseSet
    hedging: HedgeRules
    attribution: AttributionWords
    roles: RoleWords
    actor_text: ActorTextRules
    camps: Camps
    confidence: ConfidenceWeights
    role_actors: RoleActors
    # Clause breaks that count only right after a comma ("، وفي المخا قصفت …").
    comma_clause_breaks: PhraseSet = field(default_factory=lambda: PhraseSet(()))
    # Phrases holding a trigger word that tell no violence ("قنابل مضيئة"): hits inside start nothing.
    not_event_phrases: PhraseSet = field(default_factory=lambda: PhraseSet(()))
    # Answers of the word tests below, by word: the same words recur in every article.
    _memo: dict[tuple[str, str], Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    def phrase_sets(self) -> Iterator[PhraseSet]:
        """Every phrase set of the lexicon (the article-wide matcher matches them all at once)."""
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, PhraseSet):
                yield value
            elif is_dataclass(value):
                yield from (v for v in (getattr(value, g.name) for g in fields(value)) if isinstance(v, PhraseSet))
        yield from (cue.phrases for cue in self.hedging.cues)

    def _remember(self, key: tuple[str, str], value: Any) -> None:
        if len(self._memo) > 100_000:
            self._memo.clear()
        self._memo[key] = value

    def category_of(self, word: str) -> str | None:
        key = ("c", word)
        memo = self._memo
        if key in memo:
            return memo[key]
        found = None
        index = self.casualties.category_index
        for w in proclitic_variants(word):
            cat = index.get(w)
            if cat:
                found = cat
                break
        self._remember(key, found)
        return found

    def _any_form_in(self, tag: str, word: str, words: frozenset[str]) -> bool:
        """Whether `word`, with or without its proclitics and article, is in `words` (memoised per tag)."""
        key = (tag, word)
        memo = self._memo
        if key not in memo:
            self._remember(key, any(w in words for w in proclitic_variants(word)))
        return memo[key]

    def is_singular(self, word: str) -> bool:
        return self._any_form_in("1", word, self.casualties.singular)

    def is_dual(self, word: str) -> bool:
        return self._any_form_in("2", word, self.casualties.dual)

    def is_place_head(self, word: str) -> bool:
        return self._any_form_in("p", word, self.actor_text.place_heads)

    def is_non_person(self, unit: str) -> bool:
        first = unit.split()[0] if unit.split() else unit
        return self._any_form_in("n", first, self.casualties.non_person_units)

    def casualty_noun_kind(self, unit: str) -> str | None:
        key = ("k", unit)
        memo = self._memo
        if key in memo:
            return memo[key]
        found = None
        words = self.casualties
        for w in proclitic_variants(unit):
            if w in words.killed_nouns:
                found = KILLED
                break
            if w in words.injured_nouns:
                found = INJURED
                break
        self._remember(key, found)
        return found

    def is_denial_cue(self, cue: str) -> bool:
        return any(kind == DENIAL and cue in phrases for phrases, _scope, kind in self.hedging.cues)
