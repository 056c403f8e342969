"""Candidates that describe the same incident merge, keeping every evidence span.

Adjacent sentences merge readily; sentences further apart only with a shared count, or with the
same sub-type, compatible place ids, compatible counts and the same day (an undated report counts
as of the publication day). A headline joins only the first body report of its kind. Reports of
different kinds by perpetrators of opposed camps stay apart.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from rasid.extract.events import casualties as cas
from rasid.extract.events.camps import camp_of
from rasid.extract.events.candidate import Candidate
from rasid.extract.events.fields import EventFields, Location, RoleActor, role_id
from rasid.extract.events.kinds import TEXT_DATES, VIOLENT_TYPES, Acled, DateFrom, Plover, TriggerName
from rasid.extract.events.lexicon import EventLexicon


def merge_all(candidates: Sequence[Candidate], lex: EventLexicon) -> list[Candidate]:
    """The incidents of an article: split tolls joined to their cause, then merged until stable."""
    merged = _merge(_fuse_split_tolls(candidates, lex), lex)
    while True:  # merged events may now match each other (headline + body)
        again = _merge(merged, lex)
        if len(again) == len(merged):
            break
        merged = again
    _share_round_up_roles(merged)
    for c in merged:
        _clash_sides(c, lex)
    return merged


def _share_round_up_roles(merged: Sequence[Candidate]) -> None:
    """The places of one round-up were hit by the same hands: a place whose event lacks an actor
    takes it from the place of the list whose event has merged with the report naming it."""
    groups: dict[int, list[Candidate]] = {}
    for c in merged:
        for group, _place in c.round_ups:
            groups.setdefault(group, []).append(c)
    for members in groups.values():
        for role in ("actor1", "actor2"):
            known = [getattr(c.fields, role) for c in members if role_id(getattr(c.fields, role))]
            if not known or len({role_id(a) for a in known}) != 1:
                continue
            for c in members:
                if getattr(c.fields, role) is None and c.event_type == members[0].event_type:
                    setattr(c.fields, role, known[0])


def _place_compatible(a: Location | None, b: Location | None) -> bool:
    """Same place, one inside the other, or one a wide area (a governorate, "جبل الزاوية") of the
    same province as the other."""
    if a is None or b is None or not a.admin1 or not b.admin1:
        return True  # a country or a region across provinces ("شمال سوريا") tells nothing apart
    wide = not a.admin2 or not b.admin2
    if wide and a.admin1 and a.admin1 == b.admin1:
        return True
    if a.place_id == b.place_id or a.name == b.name:
        return True
    # (a place's container may be itself: compare it with the other place only)
    return bool(
        (a.container_id and a.container_id == b.place_id)
        or (b.container_id and b.container_id == a.place_id)
    )


def _distinct_places(a: Location | None, b: Location | None) -> bool:
    """Two places named precisely (a town, a village, a base: geo-precision 1 or 2) that are not
    one inside the other."""
    if a is None or b is None or not a.place_id or not b.place_id:
        return False
    if a.precision > 2 or b.precision > 2:
        return False
    return not _place_compatible(a, b)


def _place_within(inner: Location, outer: Location) -> bool:
    """A street or quarter of the city named elsewhere ("دوار الساعة وسط حمص" inside "حمص")."""
    outer_id = outer.place_id
    if not outer_id or inner.place_id == outer_id:
        return False
    if inner.container_id == outer_id:
        return True
    from rasid.knowledge.places import load_places

    return any(c.id == outer_id for c in load_places().containers(str(inner.place_id or "")))


def _generic(c: Candidate) -> bool:
    """A loose report: casualties without an event word, the generic "kill" words, or a weak form."""
    return c.virtual or c.weak or c.trigger.name == TriggerName.KILL


def _untyped(c: Candidate) -> bool:
    return c.virtual or c.trigger.name == TriggerName.KILL


def _opposed_perpetrators(a: Candidate, b: Candidate, lex: EventLexicon) -> bool:
    """Reports of different kinds name perpetrators of opposed camps, and neither names the other's
    as its target. (Of one kind, they may be two sides' accounts of one incident, each blaming the other.)"""
    # (a "kill" word, "استهدفت", names its perpetrator loosely; a bare toll only with victims of the
    # other camp beside it)
    loose_kill = any(
        c.trigger.name == TriggerName.KILL
        and (not c.virtual or camp_of(c.fields.actor2, lex) in (None, camp_of(c.fields.actor1, lex)))
        for c in (a, b)
    )
    if a.sub_event_type == b.sub_event_type or loose_kill:
        return False
    fa, fb = a.fields, b.fields
    ca, cb = camp_of(fa.actor1, lex), camp_of(fb.actor1, lex)
    if ca is None or cb is None or ca == cb:
        return False
    return not (role_id(fa.actor1) == role_id(fb.actor2) or role_id(fa.actor2) == role_id(fb.actor1))


def _mergeable(a: Candidate, b: Candidate, lex: EventLexicon) -> bool:
    """Whether candidate b (later in the text) reports the same incident as a.

    One article tells an incident several times (headline, lead, details, quotes). Two reports
    merge when nothing tells them apart: no two different days in the text, compatible places
    (same place, one inside the other, or one unnamed) and compatible counts, and either the same
    kind of event or a loose report (casualties only, the generic "kill" words, a weak trigger form)
    beside a violent one. Different places, days or counts keep incidents apart, except that a
    report referring back ("الغارة", "خلال المعارك") names the place loosely, and that counts of
    different victims (9 soldiers, then 4 fighters of the other side) add up.
    """
    fa, fb = a.fields, b.fields
    same_sentence = a.sentence_index == b.sentence_index
    if fa.background != fb.background:
        return False  # an earlier incident recalled is not the one the report tells
    if a.round_up and b.round_up and same_sentence:
        return False  # the places of one round-up are one incident each
    if _rival_round_ups(a, b):
        return False  # (nor do they meet through a summary sentence merged with one of them)
    if (a.round_ups or b.round_ups) and _two_sites(fa.location, fb.location, any_precision=True):
        # a place of a round-up is its own incident beside any other village, town or governorate
        # ("… وفي مناطق من محافظة مأرب. وفي محافظة صعدة استهدفت الغارات الجوية …")
        return False
    if _gives_way(a, b, lex) or _gives_way(b, a, lex):
        # "… انسحبت ميليشيات أسد من مواقعها" beside the capture of those places: one takeover
        places_ok = _place_compatible(fa.location, fb.location) or _same_town(fa.location, fb.location)
        return _same_day(fa, fb) and places_ok
    if _opposed_perpetrators(a, b, lex):
        return False
    if a.event_type != b.event_type:
        # A casualty-only sentence ("لقي 12 مدنيا حتفهم") completes an attack told elsewhere; a
        # weak form still names its kind ("هجوم" is a battle), so it does not cross types.
        # "الهجوم" told again names any attack loosely.
        untyped = _untyped(a) or _untyped(b) or (b.anaphoric and b.weak)
        if not (untyped and a.event_type in VIOLENT_TYPES and b.event_type in VIOLENT_TYPES):
            return False
    if fa.date_from in TEXT_DATES and fb.date_from in TEXT_DATES and fa.date != fb.date:
        return False
    # One sentence telling one kind of event twice tells one incident, unless it names two distinct
    # places for it ("قصف أبو الضهور، كما تعرضت الكريز لقصف"): one event per place.
    one_telling = same_sentence and a.sub_event_type == b.sub_event_type and not _distinct_places(fa.location, fb.location)
    # A noun referring back ("الغارة", "المجزرة") names the place loosely when it is the event told,
    # or when nothing more specific than a toll or a loose word tells the event.
    refers_back = b.told_again or (b.anaphoric and (_untyped(b) or b.weak))
    if not (one_telling or refers_back or _place_compatible(fa.location, fb.location)):
        return False
    counts_ok = cas.compatible(fa.killed, fb.killed) and cas.compatible(fa.injured, fb.injured)
    # A bare casualty sentence with another count is an update or correction of the same toll.
    # Another count is still the same incident when the report refers back to it ("الضربة أدت إلى
    # مقتل 3"), or is a bare toll of the same victims (an update, a correction), or counts the other
    # side's dead in the same fight.
    if not counts_ok and not (b.anaphoric or _bare_update(a, b) or _disjoint_victims(a, b)):
        return False
    near = abs(a.sentence_index - b.sentence_index) <= 1 and a.paragraph == b.paragraph
    shared = cas.shares_count(fa.killed, fb.killed) or cas.shares_count(fa.injured, fb.injured)
    if shared or near or one_telling:
        return True
    # A crosshead ("اجتماع الجميلية") introduces the paragraph after it.
    if _is_heading(a) and b.sentence_index == a.sentence_index + 1 and a.event_type == b.event_type:
        return True
    if not _same_kind(a, b):
        return False
    # A headline (the first paragraph, undated) tells the article's first incident of its kind in
    # short: it adds no incident of its own.
    headline = a.paragraph == 0 and b.paragraph > 0 and not fa.more_evidence and fa.date_from == DateFrom.PUBLICATION
    if headline:
        return True
    return b.anaphoric or _same_day(fa, fb)


def _two_sites(a: Location | None, b: Location | None, *, any_precision: bool = False) -> bool:
    """Two places each named as itself (geo-precision 1, or any below the country with
    `any_precision`), neither inside the other."""
    if a is None or b is None or not a.place_id or not b.place_id or a.place_id == b.place_id:
        return False
    if any_precision:
        from rasid.knowledge.places import load_places

        kb = load_places()
        if any(getattr(kb.get(p), "type", None) == "country" for p in (a.place_id, b.place_id)):
            return False  # (a country holds the other)
    elif a.precision != 1 or b.precision != 1:
        return False
    if a.lat is not None and a.lon is not None and b.lat is not None and b.lon is not None:
        from rasid.knowledge.places import km_between

        if km_between(a.lat, a.lon, b.lat, b.lon) <= _SAME_SITE_KM:
            return False  # ("مدينة مأرب" of the lead, "جبهة الجفينة جنوب غرب مأرب" told after it)
    return not (_place_within(a, b) or _place_within(b, a))


# Places this close are told as one site of a round-up (a town and a front at its edge).
_SAME_SITE_KM = 10.0


def _rival_round_ups(a: Candidate, b: Candidate) -> bool:
    """a and b hold different places of one round-up list ("مناطق الحصيبة والملاحمة والبوعلوان")."""
    if not a.round_ups or not b.round_ups:
        return False
    places_a: dict[int, set[str]] = {}
    for group, place in a.round_ups:
        places_a.setdefault(group, set()).add(place)
    return any(group in places_a and place not in places_a[group] for group, place in b.round_ups)


def _same_kind(a: Candidate, b: Candidate) -> bool:
    """Reports of one kind of incident (or a loose report beside a specific one)."""
    loose = _generic(a) or _generic(b)
    same_plover = a.trigger.plover == b.trigger.plover
    return (
        # ("Other" is ACLED's catch-all: a meeting and a withdrawal are not one kind)
        (a.sub_event_type == b.sub_event_type and (a.sub_event_type != Acled.OTHER or same_plover))
        # a loose report joins a specific one told elsewhere; a loose word ("المعارك") far back does not
        # take in a specific event told later (a capture, a strike) as its own
        # (outside violence a weak word still names its kind: "اتفاقاً" told far off is no meeting)
        or (loose and (_generic(b) or not _generic(a)) and (a.event_type in VIOLENT_TYPES or same_plover))
        # ("والهجوم هو الأوسع منذ 2018، حين اتفقت موسكو وأنقرة على …": the word referring
        # back is not the agreement's; an event of another kind does not join through it)
        or (b.anaphoric and (same_plover or _untyped(b) or b.weak or a.event_type in VIOLENT_TYPES))
        or (same_plover and a.event_type == b.event_type)
    )


def _same_town(a: Location | None, b: Location | None) -> bool:
    """Two quarters of one city ("البحوث العلمية" and "الحمدانية" in Aleppo)."""
    if not a or not b or not a.place_id or not b.place_id:
        return False
    from rasid.knowledge.places import load_places

    kb = load_places()

    def town(place_id: str) -> str | None:
        place = kb.get(place_id)
        if place is not None and place.type in ("city", "town", "village"):
            return place.id
        return next((c.id for c in kb.containers(place_id) if c.type in ("city", "town", "village")), None)

    ta, tb = town(str(a.place_id)), town(str(b.place_id))
    return ta is not None and ta == tb


def _gives_way(retreat: Candidate, capture: Candidate, lex: EventLexicon) -> bool:
    """A withdrawal told within a few sentences of a capture, by the side the capture was from."""
    if retreat.trigger.plover != Plover.RETREAT or capture.trigger.name != TriggerName.TERRITORY:
        return False
    if capture.weak and capture.paragraph != 0:
        return False  # ("لإيقاف تقدمهم": an advance told in passing is no capture to fold a withdrawal into)
    if abs(retreat.sentence_index - capture.sentence_index) > 3 or retreat.sub_event_type != Acled.OTHER:
        return False
    who = role_id(retreat.fields.actor1)
    if not who:
        return False
    if who == role_id(capture.fields.actor2):
        return True
    mine, theirs = camp_of(retreat.fields.actor1, lex), camp_of(capture.fields.actor1, lex)
    return mine is not None and theirs is not None and mine != theirs


def _same_day(fa: EventFields, fb: EventFields) -> bool:
    """Far apart, an undated report is taken to be of the publication day or the day before."""
    if fa.date == fb.date:
        return True
    dated = [f for f in (fa, fb) if f.date_from in TEXT_DATES]
    undated = [f for f in (fa, fb) if f.date_from == DateFrom.PUBLICATION]
    if len(dated) != 1 or len(undated) != 1 or not dated[0].date or not undated[0].date:
        return False
    try:
        gap = (dt.date.fromisoformat(str(undated[0].date)[:10]) - dt.date.fromisoformat(str(dated[0].date)[:10])).days
    except ValueError:
        return False
    return 0 <= gap <= 1


def _bare_update(a: Candidate, b: Candidate) -> bool:
    """b is a bare toll (no event word of its own, no place, no date) of the same victims as a."""
    fb = b.fields
    if not _untyped(b) or fb.location is not None or fb.date_from in TEXT_DATES:
        return False
    return cas.same_victims(a.fields.killed, fb.killed)


def _is_heading(c: Candidate) -> bool:
    """A short line without a full stop and without its own date: a title or a crosshead."""
    text = str(c.fields.evidence.text).strip()
    return c.fields.date_from == DateFrom.PUBLICATION and len(text.split()) <= 8 and not text.endswith((".", "؟", "!"))


def _disjoint_victims(a: Candidate, b: Candidate) -> bool:
    """Both report deaths of different groups in one fight (9 soldiers of one side, 4 fighters of the other)."""
    if a.event_type != b.event_type:
        return False
    if a.sentence_index != b.sentence_index and (_untyped(a) or _untyped(b)):
        return False  # a bare toll elsewhere may be another incident's
    if abs(a.sentence_index - b.sentence_index) > 1 or a.paragraph != b.paragraph:
        return False  # tolls told paragraphs apart are of different incidents, not two sides of one
    return cas.disjoint(a.fields.killed, b.fields.killed) and cas.compatible(a.fields.injured, b.fields.injured)


def _fuse_split_tolls(candidates: Sequence[Candidate], lex: EventLexicon) -> list[Candidate]:
    """Join a bare toll to the cause told in the next sentence of its line, before any other merging.

    The splitter cuts at "؛", so "قتل 15 مدنيا…؛ جراء غارة على الأتارب" arrives as an untyped toll
    followed by its cause. Merged in text order, the toll would first meet an earlier battle of the
    same article and take its type and place; its own cause comes right after it.
    """
    out: list[Candidate] = []
    i = 0
    while i < len(candidates):
        # The untyped reports of one sentence (a death toll, an injury toll) and what follows them.
        j = i
        while j < len(candidates) and _untyped(candidates[j]) and candidates[j].sentence_index == candidates[i].sentence_index:
            j += 1
        run, nxt = candidates[i:j], candidates[j] if i < j < len(candidates) else None
        if (
            nxt is not None
            and not _untyped(nxt)
            and nxt.event_type in VIOLENT_TYPES
            and nxt.sentence_index == run[0].sentence_index + 1
            and nxt.paragraph == run[0].paragraph
            and all(_mergeable(c, nxt, lex) for c in run)
        ):
            out.extend(_merge([nxt, *run], lex))
            i = j + 1
            continue
        out.append(candidates[i])
        i += 1
    return out


def _merge(candidates: Sequence[Candidate], lex: EventLexicon) -> list[Candidate]:
    out: list[Candidate] = []
    for c in candidates:
        options = [e for e in out if _mergeable(e, c, lex)]
        # The closest report of the same kind first, then of the same type, then any.
        target = min(
            options,
            key=lambda e: (e.sub_event_type != c.sub_event_type, e.event_type != c.event_type,
                           abs(e.sentence_index - c.sentence_index)),
        ) if options else None
        if target is None:
            out.append(c)
            continue
        _take_kind(target, c, lex)
        _absorb(target, c, lex)
    return out


def _take_kind(target: Candidate, c: Candidate, lex: EventLexicon) -> None:
    """The merged event's type: a capture over the withdrawal it caused, a typed report over a toll,
    a more specific trigger of the same type told in another sentence."""
    fa, fb = target.fields, c.fields
    if _gives_way(target, c, lex):
        # the withdrawal told first is the capture's other side: the takeover is the event
        target.trigger, target.event_type, target.sub_event_type = c.trigger, c.event_type, c.sub_event_type
        fa.plover_type, fa.plover_mode, fa.trigger = fb.plover_type, fb.plover_mode, fb.trigger
        withdrawn = fa.actor1
        fa.actor1, fa.actor2 = fb.actor1, fb.actor2 or withdrawn
    elif _untyped(target) and not _untyped(c) and not c.weak:
        target.trigger, target.event_type, target.sub_event_type = c.trigger, c.event_type, c.sub_event_type
        fa.plover_type, fa.plover_mode, fa.trigger = fb.plover_type, fb.plover_mode, fb.trigger
        if fb.actor1 is not None:
            fa.actor1 = fb.actor1
        if fb.actor2 is not None:
            fa.actor2 = fb.actor2
    elif (
        c.trigger.priority > target.trigger.priority and c.event_type == target.event_type
        and not c.weak and not c.virtual
        # ("اقتحمت المطار …، لتعود الميليشيات بالسيطرة على أجزائه": a later turn, not the outcome)
        and c.sentence_index != target.sentence_index
        and not (_is_heading(target) and c.sentence_index == target.sentence_index + 1)  # a crosshead names the topic
    ):
        target.sub_event_type = c.sub_event_type


def _absorb(target: Candidate, c: Candidate, lex: EventLexicon) -> None:
    """Fill the target's gaps from c, merge counts, sources and hedges, and keep c's evidence."""
    fa, fb = target.fields, c.fields
    if fa.victims is None and fb.victims is not None:
        fa.victims = fb.victims
    if fa.protest_target is None and fb.protest_target is not None:
        fa.protest_target = fb.protest_target
    # (unlinked words guessed in another sentence would name the wrong side)
    same_sentence = c.sentence_index == target.sentence_index
    if fa.actor1 is None and fb.actor1 is not None and (fb.actor1.id or same_sentence):
        fa.actor1 = fb.actor1
    if fa.actor2 is None and fb.actor2 is not None and (fb.actor2.id or same_sentence):
        fa.actor2 = fb.actor2
    elif fa.actor2 is not None and not fa.actor2.id and not fa.actor2.side and fb.actor2 is not None and fb.actor2.id:
        fa.actor2 = fb.actor2  # (a known party named in another report wins over bare words: "جنود")
    if fa.location is None and fb.location is not None:
        fa.location = fb.location
    if fa.date is None and fb.date is not None:
        fa.date, fa.date_precision, fa.date_from = fb.date, fb.date_precision, fb.date_from
    if fa.date_from == DateFrom.PUBLICATION and fb.date_from in TEXT_DATES:
        fa.date, fa.date_precision, fa.date_from = fb.date, fb.date_precision, fb.date_from
    loc_a, loc_b = fa.location, fb.location
    # (a street keeps its place over the city told again; a quarter told later does not
    # narrow down a city's event)
    if loc_a and loc_b and not _place_within(loc_a, loc_b) and (
        loc_b.precision < loc_a.precision
        or (loc_b.precision == loc_a.precision and _by_direction(loc_a) and not _by_direction(loc_b))
    ):
        fa.location = loc_b  # (a named place over "شمال شرق بغداد", the country around a town)
    if _disjoint_victims(target, c):
        fa.killed = cas.add(fa.killed, fb.killed)
    elif cas.compatible(fa.killed, fb.killed):
        fa.killed = cas.merge(fa.killed, fb.killed)
    # (else another account or an earlier version of the toll: keep the event's own)
    if cas.compatible(fa.injured, fb.injured):
        fa.injured = cas.merge(fa.injured, fb.injured)
    seen = {x.text for x in fa.attributed_to}
    fa.attributed_to = fa.attributed_to + [x for x in fb.attributed_to if x.text not in seen]
    if fb.hedged and not fa.hedged:
        fa.hedged, fa.hedge_cue, fa.hedge_kind = True, fb.hedge_cue, fb.hedge_kind
    if fa.more_evidence is None:
        fa.more_evidence = []
    fa.more_evidence.append(fb.evidence)
    target.round_ups = target.round_ups | c.round_ups
    for key, spans in c.spans.items():
        target.spans.setdefault(key, []).extend(s for s in spans if s not in target.spans.get(key, []))
    weights = lex.confidence
    target.confidence = round(min(weights.cap, max(target.confidence, c.confidence) + weights.merged), 3)


def _by_direction(loc: Location) -> bool:
    """A place told as a direction from a town ("شمال شرق بغداد"), not by a name of its own."""
    from rasid.extract.events.incident_rules import incident_rules
    from rasid.text.fold import fold_word

    words = str(loc.text or "").split()
    return bool(words) and fold_word(words[0]) in incident_rules().direction_words


def _clash_sides(c: Candidate, lex: EventLexicon) -> None:
    """A clash whose toll counts the fighters of two opposed sides ("مقتل 155 من الهيئة و79 من
    الجيش") was fought between those two: they take the roles, not a third actor named elsewhere."""
    if c.sub_event_type != Acled.ARMED_CLASH:
        return
    sides: list[dict[str, Any]] = []
    for record in (c.fields.killed, c.fields.injured):
        for item in (record or {}).get("combatants") or []:
            actor = item.get("actor") or {}
            if actor.get("id") and actor.get("side") not in (None, "civilian") and all(
                actor["id"] != x["id"] for x in sides
            ):
                sides.append(actor)
    government = lex.resolve.government_sides
    opposed = [
        (a, b) for i, a in enumerate(sides) for b in sides[i + 1 :]
        if a["side"] != b["side"] and not (a["side"] in government and b["side"] in government)
    ]
    if not opposed:
        return
    first, second = opposed[0]
    fields = c.fields
    ids = [role_id(fields.actor1), role_id(fields.actor2)]
    if set(ids) == {first["id"], second["id"]}:
        return
    if ids[0] == second["id"] or ids[1] == first["id"]:
        first, second = second, first  # keep a side already in a role where it is
    if ids[0] != first["id"]:
        fields.actor1 = RoleActor.from_record(first)
        c.spans.pop("actor1", None)  # the old span named the actor replaced
    if ids[1] != second["id"]:
        fields.actor2 = RoleActor.from_record(second)
        c.spans.pop("actor2", None)
