"""The change feed: what changed in the record, written in the transaction of the write that caused it.

One `changes` row per change (migration 14): its UTC time, its kind (`KINDS`), the ids it is about
(story, event key "article-index", claim text, article) and compact JSON of the values before and
after. Events are compared where they are written (`rasid.extract.event_index.index_events`, and
reviews), stories where an article is placed (`rasid.stories.build`), contradictions where a story's
alignment is stored (`rasid.stories.stored`), verdicts where a claim is checked. Everything goes
through the `ArticleStore` protocol's `execute`/`query`, so this stays free of the storage layer.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

KINDS = (
    "event_added",
    "event_changed",
    "event_withdrawn",
    "story_new",
    "story_grew",
    "contradiction_new",
    "verdict_changed",
)
EVENT_KINDS = ("event_added", "event_changed", "event_withdrawn")

# The values of an event a change records (and compares): what an analyst or an alert asks about.
COMPARED = ("event_type", "sub_event_type", "date", "place", "place_id", "admin1", "fatalities", "actor1", "actor2",
            "incident")  # fmt: skip
MAX_QUOTE_CHARS = 300

_INSERT = (
    "INSERT INTO changes (at, kind, story_id, event_key, claim, article_id, before, after)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)
# Built once: json.dumps with options constructs a new encoder per call.
_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=str, check_circular=False).encode


@dataclass(frozen=True)
class Change:
    kind: str
    story_id: int | None = None
    event_key: str | None = None
    claim: str | None = None
    article_id: int | None = None
    before: Mapping[str, Any] | None = None
    after: Mapping[str, Any] | None = None


def now() -> str:
    """The time a change is stamped with: UTC, ISO 8601 to the microsecond (sorts as text)."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


def parse_since(value: str) -> str:
    """A `--since` time (YYYY-MM-DD, or an ISO time; without a zone, UTC) as the text change times
    are compared with. Raises ValueError with a readable message."""
    text = value.strip()
    try:
        when = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"{value!r}: not a time; give YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS] (UTC)") from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when.astimezone(dt.UTC).isoformat(timespec="microseconds")


def record_changes(store: Any, changes: Iterable[Change], *, at: str | None = None) -> int:
    """Write `changes` to the feed (the caller holds the write transaction); how many."""
    stamp = at or now()
    rows = [
        (stamp, c.kind, c.story_id, c.event_key, c.claim, c.article_id,
         None if c.before is None else _encode(c.before), None if c.after is None else _encode(c.after))
        for c in changes
    ]  # fmt: skip
    if rows:
        store.executemany(_INSERT, rows)
    return len(rows)


def _actor(actor: Mapping[str, Any] | None) -> str | None:
    if not actor:
        return None
    value = actor.get("id") or actor.get("name") or actor.get("text")
    return str(value) if value else None


def event_summary(record: Mapping[str, Any], incident: bool | None = None) -> dict[str, Any]:
    """The compact values of an event a change keeps: type, day, place, toll, actors, incident or
    not (`incident`, when the caller knows it), and where its evidence sentence is in the article. The
    sentence itself is not copied (a change row per event would double what an event costs to store):
    `quote_of` reads it from the article's text, which is never rewritten."""
    if incident is None:
        from rasid.extract.events.incident import is_incident

        incident = bool(is_incident(dict(record)))
    loc = record.get("location") or {}
    killed = record.get("killed") or {}
    evidence = record.get("evidence") or {}
    a1, a2 = record.get("actor1") or {}, record.get("actor2") or {}
    out: dict[str, Any] = {
        "event_type": record.get("event_type") or "",
        "sub_event_type": record.get("sub_event_type") or "",
        "date": record.get("date"),
        "place": loc.get("name"),
        "place_id": loc.get("place_id"),
        "admin1": loc.get("admin1"),
        "lat": loc.get("lat"),
        "lon": loc.get("lon"),
        "fatalities": killed.get("total"),
        "actor1": _actor(a1),
        "actor1_name": a1.get("name") or a1.get("text"),
        "actor2": _actor(a2),
        "actor2_name": a2.get("name") or a2.get("text"),
        "incident": bool(incident),
        # The evidence sentence's span in the article's text (kept for good: `quote_of` reads it).
        "span": [evidence.get("start"), evidence.get("end")],
    }
    merged = [[m.get("start"), m.get("end")] for m in record.get("more_evidence") or () if isinstance(m, Mapping)]
    if merged:  # the sentences of reports merged into this event (only then: most events have none)
        out["merged"] = merged
    return out


def _differences(old: Mapping[str, Any], new: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    keys = [k for k in COMPARED if old.get(k) != new.get(k)]
    return {k: old.get(k) for k in keys}, {k: new.get(k) for k in keys}


def _match_key(summary: Mapping[str, Any]) -> tuple[Any, ...]:
    """What makes two codings the same event when their offsets differ (a page's two versions)."""
    return (summary["event_type"], summary["place_id"] or summary["place"], summary["date"])


def _pair(
    old: Sequence[tuple[str, str, dict[str, Any]]], new: Sequence[tuple[str, str, dict[str, Any]]], *, by_fingerprint: bool
) -> tuple[list[tuple[int, int]], list[int], list[int]]:
    """(matched (old, new) positions, old unmatched, new unmatched): by fingerprint first (same
    article), then by type, place and day."""
    pairs: list[tuple[int, int]] = []
    free_old = list(range(len(old)))
    free_new = list(range(len(new)))
    keys = [(lambda e: e[1])] if by_fingerprint else []
    keys.append(lambda e: _match_key(e[2]))
    for key in keys:
        for j in list(free_new):
            want = key(new[j])
            for i in free_old:
                if key(old[i]) == want:
                    pairs.append((i, j))
                    free_old.remove(i)
                    free_new.remove(j)
                    break
    return pairs, free_old, free_new


def event_changes(
    article_id: int,
    old: Sequence[tuple[str, str, dict[str, Any]]],
    new: Sequence[tuple[str, str, dict[str, Any]]],
    *,
    replaces: int | None = None,
    texts: tuple[str, str] | None = None,
) -> list[Change]:
    """The changes between an article's events as stored (`old`) and as written now (`new`), each
    (event key, fingerprint, summary). With `replaces`, `old` are the events of the article this one
    replaces (a page that changed): a matched event is `event_changed` under its new key (its old
    key withdrawn, `replaced_by` the new one); otherwise the same article was analysed again.
    An old event left unmatched whose sentence a new event now holds among its merged reports is
    withdrawn as `merged_into` that event (the same article: by the sentence's span; a new version of
    the page: by its words, `texts` being the old and the new article's text).
    Withdrawals come first, so a key reused by another event ends with that event's change."""
    pairs, gone, added = _pair(old, new, by_fingerprint=replaces is None)
    out: list[Change] = []
    for i in gone:
        key, _fp, summary = old[i]
        into = _merged_into(summary, new, texts)
        if into is not None:  # its sentence is now one of the reports of another event
            why = {"reason": f"merged into event {into}" + (" of the new version of the page" if replaces is not None
                                                            else " when the article was analysed again"),
                   "merged_into": into}
        else:
            why = {"reason": "not in the new version of the page" if replaces is not None
                   else "not found when the article was analysed again"}
        out.append(Change("event_withdrawn", event_key=key, article_id=_article_of(key), before=summary, after=why))
    for i, j in pairs:
        old_key, _fp, old_summary = old[i]
        new_key, _fp2, new_summary = new[j]
        before, after = _differences(old_summary, new_summary)
        if replaces is not None:
            out.append(Change("event_withdrawn", event_key=old_key, article_id=replaces, before=old_summary,
                              after={"reason": "replaced by a new version of the page", "replaced_by": new_key}))
            out.append(Change("event_changed", event_key=new_key, article_id=article_id,
                              before={**before, "event": old_key}, after={**after, **_evidence(new_summary)}))
        elif before or old_key != new_key:
            if old_key != new_key:
                before["event"] = old_key
            out.append(Change("event_changed", event_key=new_key, article_id=article_id, before=before,
                              after={**after, **_evidence(new_summary)}))
    for j in added:
        key, _fp, summary = new[j]
        out.append(Change("event_added", event_key=key, article_id=article_id, after=summary))
    return out


def _sentence(text: str, span: Sequence[Any]) -> str | None:
    if len(span) != 2 or not all(isinstance(x, int) for x in span):
        return None
    return " ".join(text[span[0] : span[1]].split()) or None


def _merged_into(
    summary: Mapping[str, Any], new: Sequence[tuple[str, str, dict[str, Any]]], texts: tuple[str, str] | None
) -> str | None:
    """The key of the new event that took this old event's sentence among its merged reports, if any."""
    span = list(summary.get("span") or ())
    want = _sentence(texts[0], span) if texts is not None else None
    if texts is not None and want is None:
        return None
    for key, _fp, candidate in new:
        for merged in candidate.get("merged") or ():
            if (merged == span) if texts is None else (_sentence(texts[1], merged) == want):
                return key
    return None


def review_change(
    event_key: str,
    article_id: int,
    before: tuple[Mapping[str, Any], str | None],
    after: tuple[Mapping[str, Any], str | None],
    review: Mapping[str, Any],
) -> Change | None:
    """The change an analyst's review makes to an event, from its (record, review status) before and
    after: a rejection withdraws it, a correction changes its values, a later confirmation of a
    rejected event brings it back (added); None when nothing an export shows changed."""
    was_shown, shown = before[1] != "rejected", after[1] != "rejected"
    old, new = event_summary(before[0]), event_summary(after[0])
    if was_shown and not shown:
        return Change("event_withdrawn", event_key=event_key, article_id=article_id, before=old,
                      after={"reason": "rejected by a review", **review})
    if shown and not was_shown:
        return Change("event_added", event_key=event_key, article_id=article_id, after={**new, "review": dict(review)})
    old_values, new_values = _differences(old, new)
    if not shown or not old_values:
        return None
    return Change("event_changed", event_key=event_key, article_id=article_id, before=old_values,
                  after={**new_values, **_evidence(new), "review": dict(review)})


def _evidence(summary: Mapping[str, Any]) -> dict[str, Any]:
    """What a changed event's `after` always carries, so an alert can cite it and test it."""
    keep = ("event_type", "date", "place", "place_id", "admin1", "fatalities", "actor1", "actor2", "incident",
            "span")  # fmt: skip
    return {k: summary.get(k) for k in keep}


def quote_of(store: Any, article_id: int | None, span: Sequence[Any] | None) -> str | None:
    """The evidence sentence a change's `span` points to in its article's text (spaces folded, at most
    `MAX_QUOTE_CHARS`); None when there is no such article or span."""
    if article_id is None or not span or len(span) != 2 or not all(isinstance(x, int) for x in span):
        return None
    if store.get_article(int(article_id)) is None:
        return None
    text = store.get_text(int(article_id))
    return " ".join(text[span[0] : span[1]].split())[:MAX_QUOTE_CHARS] or None


def _article_of(key: str) -> int | None:
    head = key.partition("-")[0]
    return int(head) if head.isdigit() else None


# -- claims ---------------------------------------------------------------------------------------


def claim_key(claim: str) -> str:
    """A checked claim's identity: its words folded as search folds them (spelling variants, spaces)."""
    from rasid.text.normalize import normalize_word

    return " ".join(normalize_word(w) for w in claim.split())


def note_verdict(store: Any, claim: str, label: str, details: Mapping[str, Any] | None = None) -> Change | None:
    """Remember the label a check gave `claim` (inside the caller's transaction); the
    `verdict_changed` change recorded when an earlier check of the same claim gave another label."""
    key = claim_key(claim)
    rows = store.query("SELECT label FROM claim_verdicts WHERE claim_key = ?", (key,))
    stamp = now()
    store.execute(
        "INSERT INTO claim_verdicts (claim_key, claim, label, at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (claim_key) DO UPDATE SET claim = excluded.claim, label = excluded.label, at = excluded.at",
        (key, claim, label, stamp),
    )
    if not rows or rows[0][0] == label:
        return None
    change = Change("verdict_changed", claim=claim, before={"label": rows[0][0]},
                    after={"label": label, **dict(details or {})})
    record_changes(store, [change], at=stamp)
    return change


def remember_verdict(store: Any, claim: str, label: str, sources: Sequence[Any] = ()) -> Change | None:
    """`note_verdict` in a transaction of its own, for a check's caller; a database that cannot be
    written now (read-only, locked) is left as it is: the check's answer stands either way.
    `sources`: the check's independent sources (objects with `.article.id`, `.stance`, `.sentence.text`)."""
    cited = []
    for source in list(sources)[:5]:
        sentence = getattr(source, "sentence", None)
        cited.append({"article_id": source.article.id, "stance": getattr(source, "stance", None),
                      "quote": " ".join(str(getattr(sentence, "text", "") or "").split())[:MAX_QUOTE_CHARS]})
    try:
        with store.transaction():
            return note_verdict(store, claim, label, {"sources": cited})
    except Exception:  # any store's write error: the verdict is not remembered this time
        return None
