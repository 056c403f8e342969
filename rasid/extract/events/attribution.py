"""Who says so, and whether the text doubts it.

Attribution: a reporting verb (قال، أفاد، أكد، أعلن، رصد ...) or preposition (بحسب، وفقاً لـ، نقلاً عن)
and the phrase that names the source ("مصادر أهلية في البلدة لعنب بلدي", "المرصد السوري").
Every cue in a sentence adds a link to the chain, in text order.

Hedging: cues that say the report is rumoured (وسط أنباء عن), denied (نافياً، نفى), or disputed
(تروّج، ادعت، زعمت) cover the rest of their clause, the rest of the sentence, or the whole sentence.

How a denied or disputed report is coded (as a careful ACLED coder would):

* The incident stays when the text tells it (shells did fall, people died): the event is kept,
  `hedged` is set and `hedge_kind` says "denial" or "disputed". A cue covers what follows it; a
  denial that refers back ("قصفت ...، فيما نفت الفصائل ذلك") and a claim told after its content
  ("بحسب ما ادعت ...") cover the whole sentence. A later denial of something else ("قال ... إن
  القتلى مدنيون، نافياً وجود مسلحين") and a second account ("في حين تروّج ... أن ...") leave the
  first report as told.
* A denier is not a source of the report: "نفى الجيش الروسي ..." is no attribution link of the
  event (its phrase still keeps the denier out of the event's roles).
* A denied perpetrator is not coded: the actor who denies (and any mention of the same actor) is
  neither actor1 nor actor2 of the event; it is kept as `denied_by`. A claimed perpetrator
  ("ادعت وسائل إعلام النظام أن الفصائل قصفت") stays actor1 of a hedged, attributed event: the
  claim is the only account there is, and `hedged` tells users not to take it as established.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rasid.extract.events.kinds import DENIAL
from rasid.extract.events.lexicon import EventLexicon
from rasid.extract.events.sentence import ActorRef, SentenceView


@dataclass(frozen=True, slots=True)
class Attribution:
    text: str
    start: int  # folded-sentence offsets of the source phrase
    end: int
    cue: str
    source_actor: ActorRef | None
    outlet: str | None

    def record(self) -> dict[str, Any]:
        actor = self.source_actor.as_dict() if self.source_actor is not None else None
        return {"text": self.text, "source_actor": actor, "outlet": self.outlet, "cue": self.cue}


@dataclass(frozen=True, slots=True)
class Hedge:
    cue: str
    kind: str
    start: int  # where the cue is
    end: int  # end of the scope the cue covers
    begin: int | None = None  # start of the scope when it is not the cue ("sentence" scope)

    def covers(self, pos: int) -> bool:
        return (self.start if self.begin is None else self.begin) <= pos < self.end


def _only_quotes(gap: str) -> bool:
    """A gap of quotation marks and spaces only: the edge of a quoted name, not a boundary."""
    return '"' in gap and not gap.replace('"', "").strip()


def _source_span(
    view: SentenceView, lex: EventLexicon, cue_start: int, cue_end: int, blockers: Sequence[int], is_verb: bool
) -> tuple[int, int] | None:
    words_of = lex.attribution
    words = view.words_from(cue_end, words_of.max_words)
    span_start: int | None = None
    span_end = cue_end
    quote_at: int | None = None  # where an open quotation mark in the phrase is
    for ws, we, w in words:
        between = view.folded[span_end:ws]
        # A name in quotation marks is part of the source: 'قالت "إدارة العمليات العسكرية"'،
        # 'بحسب صفحة "أخبار جبلة" الموالية'.
        quoted = _only_quotes(between)
        if quoted:
            if quote_at is None and between.count('"') % 2:
                quote_at = span_end + between.index('"')
            elif between.count('"') % 2:
                quote_at = None
        if (
            (not quoted and view.boundary_between(span_end, ws))
            or w in words_of.stops
            or any(span_end <= b < we for b in blockers)
        ):
            break
        if span_start is None and w in words_of.time_words:
            continue  # "قالت أمس، إن": the time is not the source
        if span_start is None:
            span_start = ws
        span_end = we
    if quote_at is not None and view.folded[span_end : span_end + 1] != '"':
        # an opened quotation that does not close after a short name is a quoted statement
        span_end = quote_at
        if span_start is not None and span_start >= span_end:
            span_start = None
    if span_start is not None:
        return span_start, span_end
    if not is_verb:
        return None
    # Subject before the verb: "وكانت الشبكة قالت أمس".
    before = view.words_before(cue_start, words_of.max_words)
    picked: list[tuple[int, int, str]] = []
    for ws, we, w in reversed(before):
        nxt = cue_start if not picked else picked[0][0]
        quoted = _only_quotes(view.folded[we:nxt])  # 'وكانت "شبكة حي الزهراء" قالت'
        if (not quoted and view.boundary_between(we, nxt)) or w in words_of.stops:
            break  # ("كما ذكرت أن الفصائل أعلنت": the subject starts after "أن")
        picked.insert(0, (ws, we, w))
    while picked and (picked[0][2] in words_of.lead_words or picked[0][2] in words_of.stops):
        picked.pop(0)
    if not picked:
        return None
    start, end = picked[0][0], picked[-1][1]
    if start > 0 and view.folded[start - 1] == '"' and view.folded.count('"', start, end) % 2:
        start -= 1  # the opening mark of a quoted name
    return start, end


def _words_within(view: SentenceView, s: int, e: int, limit: int = 1 << 30) -> list[tuple[int, int, str]]:
    """The sentence's words inside [s, e) (at most `limit`): a run of its sorted, disjoint words."""
    out = []
    for w in view.words_from(s, limit):
        if w[1] > e:
            break
        out.append(w)
    return out


def _trim(view: SentenceView, lex: EventLexicon, s: int, e: int) -> tuple[int, int]:
    """Drop trailing prepositions and time words ("الشبكة أمس", "عراقجي في")."""
    words = _words_within(view, s, e)
    while words and (words[-1][2] in lex.attribution.time_words or words[-1][2] in lex.roles.phrase_stops):
        words.pop()
    return (words[0][0], words[-1][1]) if words else (s, s)


def _names_source(view: SentenceView, lex: EventLexicon, s: int, e: int) -> bool:
    words = [w[2] for w in _words_within(view, s, e, 2)]
    heads = lex.attribution.heads
    for w in words:
        for form in (w, w[1:] if w[:1] in "وفبل" else w):
            if form in heads or (form.startswith("ال") and form[2:] in heads):
                return True
            if ("ال" + form) in heads:
                return True
    return False


def find_attributions(
    view: SentenceView,
    lex: EventLexicon,
    actors: Sequence[ActorRef],
    outlets: Sequence[tuple[int, int, str]],
    blockers: Sequence[int] = (),
) -> list[Attribution]:
    """Attribution links in a sentence, in text order. `blockers` are positions (triggers, counts) that end a phrase."""
    out: list[Attribution] = []
    hits = [(h, True) for h in view.find(lex.attribution.verbs)] + [(h, False) for h in view.find(lex.attribution.preps)]
    hits.sort(key=lambda x: x[0].start)
    taken: list[tuple[int, int]] = []
    for hit, is_verb in hits:
        if any(s <= hit.start < e for s, e in taken):
            continue
        span = _source_span(view, lex, hit.word_start, hit.end, blockers, is_verb)
        if span is None:
            continue
        s, e = _trim(view, lex, *span)
        if e <= s:
            continue
        if view.folded.count('"', s, e) % 2 and view.folded[e : e + 1] == '"':
            e += 1  # the closing mark of a quoted name
        actor = next((a for a in actors if s <= a.start and a.end <= e), None)
        outlet = next((oid for os_, oe, oid in outlets if s <= os_ and oe <= e), None)
        if actor is None and outlet is None and not _names_source(view, lex, s, e):
            continue  # a stray fragment ("والتي", "حسب تعبيره"), not a source
        out.append(Attribution(view.original(s, e), s, e, hit.form, actor, outlet))
        taken.append((hit.start, max(e, hit.end)))
    return out


def find_hedges(view: SentenceView, lex: EventLexicon) -> list[Hedge]:
    out: list[Hedge] = []
    stops = [x.start for x in view.find(lex.hedging.stops)]
    for phrase_set, scope, kind in lex.hedging.cues:
        for h in view.find(phrase_set):
            end = view.clause_end(h.end) if scope == "clause" else len(view.folded)
            if scope == "rest":
                end = min([end, *(x for x in stops if x > h.end)])
            back = lex.hedging.back.get(phrase_set)
            whole = scope == "sentence" or (back is not None and any(w in back for _s, _e, w in view.words_from(h.end, 6)))
            out.append(Hedge(h.form, kind, h.start, end, 0 if whole else None))
    out.sort(key=lambda x: x.start)
    return out


def find_deniers(
    view: SentenceView, hedges: Sequence[Hedge], actors: Sequence[ActorRef], max_words: int = 4
) -> list[ActorRef]:
    """Actors who deny: the first actor named right after a denial cue ("نفى الجيش الروسي",
    "فيما نفت الفصائل ذلك", "نافيةً وزارة الدفاع ..."), in its clause."""
    out: list[ActorRef] = []
    for h in hedges:
        if h.kind != DENIAL:
            continue
        cue_end = h.start + len(h.cue)
        words = view.words_from(cue_end, max_words)
        if not words:
            continue
        limit = words[-1][1]
        for a in sorted(actors, key=lambda x: x.start):
            if cue_end <= a.start <= limit and not view.boundary_between(cue_end, a.start):
                if a.side != "civilian" and a not in out:
                    out.append(a)
                break
    return out
