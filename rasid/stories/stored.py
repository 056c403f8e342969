"""Story alignments stored when stories change, read when stories are listed or shown.

Aligning a story (`rasid.stories.align`) reads every member article's annotations and events,
which costs seconds for a large story; `rasid stories` used to do it for every story at each
listing. The part of the alignment that depends on the members and their events (incidents,
holders, facts, retractions, contradiction count) is stored in `story_alignments` with the
digest of the members it was computed from (`story_fingerprints`, the digest the per-outlet
track record uses too), and recomputed only when that digest changed: by
`rasid.verify.track_record.refresh_track_records` after `rasid analyze`, or, for a database
analysed before alignments were stored, by the first read (which stores it when it can). The
story's own row (title, dates, places, outlets) and its members with their recycled links are
always read afresh: they are cheap and can change without the members changing.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from rasid.extract.changes import Change, record_changes
from rasid.records import ArticleStore
from rasid.stories.align import Claim, align_claims, assemble_story, story_claims, story_header
from rasid.stories.incidents import Incident

ClaimsFound = tuple[list[Claim], list[dict[str, Any]], list[Incident]]

_FINGERPRINT_SQL = (
    "SELECT s.story_id, s.article_id, COALESCE(a.source, ''), COALESCE(MAX(e.id), 0), COUNT(e.id)"
    " FROM story_articles s JOIN articles a ON a.id = s.article_id"
    " LEFT JOIN events e ON e.article_id = s.article_id"
)


@lru_cache(maxsize=1)
def _rules_digest() -> bytes:
    """A digest of the code and data alignments are computed by (rasid/stories and the track record's
    rules), mixed into every fingerprint: after an upgrade that changes them, stored alignments are
    stale and recomputed, not served as the old rules made them."""
    root = Path(__file__).resolve().parents[1]
    digest = hashlib.blake2b(digest_size=16)
    files = [*sorted((root / "stories").rglob("*.py")), *sorted((root / "stories" / "data").glob("*.yaml")),
             root / "verify" / "track_record.py", *sorted((root / "verify" / "data").glob("*.yaml"))]  # fmt: skip
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.digest()


def story_fingerprints(store: ArticleStore, story_id: int | None = None) -> dict[int, str]:
    """A digest of each story's members and their coded events (of one story when `story_id` is
    given): a story whose digest changed (an article joined, a stage was run again) is realigned."""
    where = "" if story_id is None else " WHERE s.story_id = ?"
    params: tuple[int, ...] = () if story_id is None else (story_id,)
    rows = store.query(
        f"{_FINGERPRINT_SQL}{where} GROUP BY s.article_id, s.story_id, a.source ORDER BY s.story_id, s.article_id", params
    )
    digests: dict[int, Any] = {}
    for sid, *member in rows:
        digest = digests.get(int(sid))
        if digest is None:
            digest = digests[int(sid)] = hashlib.blake2b(_rules_digest(), digest_size=12)
        digest.update(json.dumps(member, ensure_ascii=False).encode())
    return {sid: digest.hexdigest() for sid, digest in digests.items()}


def stored_fingerprints(store: ArticleStore) -> dict[int, str]:
    """The digest each stored alignment was computed from, by story."""
    return {int(s): str(f) for s, f in store.query("SELECT story_id, fingerprint FROM story_alignments")}


def _pack(aligned: dict[str, Any]) -> bytes:
    return zlib.compress(json.dumps(aligned, ensure_ascii=False, separators=(",", ":"), default=str).encode(), 6)


def _unpack(blob: bytes) -> dict[str, Any]:
    value: dict[str, Any] = json.loads(zlib.decompress(blob).decode())
    return value


def _contradicted(aligned: dict[str, Any]) -> dict[tuple[int, str], dict[str, Any]]:
    return {(int(f["incident"]), str(f["fact"])): f for f in aligned.get("facts", ()) if f["status"] == "contradicted"}


def _same_value(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def _new_contradictions(store: ArticleStore, story_id: int, aligned: dict[str, Any]) -> Change | None:
    """The `contradiction_new` change of a story whose new alignment contradicts a fact the stored one
    did not (None otherwise): each such fact with its values, who holds each, and their evidence."""
    fresh = _contradicted(aligned)
    if not fresh:
        return None
    row = store.query("SELECT contradictions, alignment FROM story_alignments WHERE story_id = ?", (story_id,))
    before = _contradicted(_unpack(row[0][1])) if row and int(row[0][0]) else {}
    new = [fresh[k] for k in sorted(fresh) if k not in before]
    if not new:
        return None
    facts = []
    for fact in new:
        values = []
        for value in fact["values"]:
            same = _same_value(value["value"])
            cited = [c for c in fact["claims"] if _same_value(c["value"]) == same][:3]
            evidence = [{"article_id": c["article_id"], "quote": " ".join(str(c.get("evidence") or "").split())[:300]}
                        for c in cited]
            values.append({"value": value["value"], "holders": value["holders"], "evidence": evidence})
        facts.append({"incident": fact["incident"], "fact": fact["fact"], "values": values})
    first = facts[0]["values"][0]["evidence"]
    return Change("contradiction_new", story_id=story_id, article_id=first[0]["article_id"] if first else None,
                  before={"contradictions": len(before)},
                  after={"contradictions": int(aligned["contradictions"]), "facts": facts})


def save_alignment(store: ArticleStore, story_id: int, fingerprint: str, aligned: dict[str, Any]) -> None:
    """Store one story's alignment (the part `align_claims` returns) with the digest it comes from;
    a fact it newly contradicts goes to the change feed (`contradiction_new`)."""
    change = _new_contradictions(store, story_id, aligned)
    if change is not None:
        record_changes(store, [change])
    store.execute(
        "INSERT OR REPLACE INTO story_alignments (story_id, fingerprint, contradictions, facts, incidents,"
        " alignment) VALUES (?, ?, ?, ?, ?, ?)",
        (
            story_id,
            fingerprint,
            int(aligned["contradictions"]),
            len(aligned["facts"]),
            len(aligned["incidents"]),
            _pack(aligned),
        ),
    )


def drop_alignments(store: ArticleStore, story_ids: Iterable[int]) -> None:
    """Forget the alignments of stories that no longer exist."""
    store.executemany("DELETE FROM story_alignments WHERE story_id = ?", [(s,) for s in story_ids])


def compute_alignment(store: ArticleStore, story_id: int, found: ClaimsFound | None = None) -> dict[str, Any]:
    """The stored part of a story's alignment, computed afresh (from `found`, the story's claims,
    when the caller has them already)."""
    claims, taken_back, incidents = found if found is not None else story_claims(store, story_id)
    return align_claims(claims, taken_back, incidents)


def _try_save(store: ArticleStore, items: Sequence[tuple[int, str, dict[str, Any]]]) -> None:
    """Store freshly computed alignments if the database can be written now; a read-only or busy
    database still answers, it only computes them again next time."""
    if not items:
        return
    try:
        with store.transaction():
            for story_id, fingerprint, aligned in items:
                save_alignment(store, story_id, fingerprint, aligned)
    except Exception:  # any store's write error (read-only file, locked): not stored
        return


def _current_alignment(store: ArticleStore, story_id: int, fingerprint: str | None) -> dict[str, Any] | None:
    row = store.query("SELECT fingerprint, alignment FROM story_alignments WHERE story_id = ?", (story_id,))
    if row and fingerprint is not None and row[0][0] == fingerprint:
        return _unpack(row[0][1])
    return None


def stored_alignment(store: ArticleStore, story_id: int, *, save: bool = True) -> dict[str, Any]:
    """One story's full alignment, exactly as `rasid.stories.align.align_story` gives it: the stored
    part when its digest is current, else computed (and stored, when `save` and the database is
    writable). Raises KeyError for an unknown story."""
    header = story_header(store, story_id)
    fingerprint = story_fingerprints(store, story_id).get(story_id)
    aligned = _current_alignment(store, story_id, fingerprint)
    if aligned is None:
        aligned = compute_alignment(store, story_id)
        if save and fingerprint is not None:
            _try_save(store, [(story_id, fingerprint, aligned)])
    return assemble_story(store, header, aligned)


def ensure_alignments(store: ArticleStore, *, batch: int = 50) -> dict[int, int]:
    """Compute the alignments missing or out of date, storing them (`batch` stories per transaction)
    when the database is writable, and drop those of stories gone; the contradiction count of each
    story computed."""
    current = story_fingerprints(store)
    stored = stored_fingerprints(store)
    stale = sorted(s for s, f in current.items() if stored.get(s) != f)
    gone = sorted(set(stored) - set(current))
    if gone:
        try:
            with store.transaction():
                drop_alignments(store, gone)
        except Exception:  # a read-only database keeps them: listings join on stories
            pass
    counts: dict[int, int] = {}
    for i in range(0, len(stale), batch):
        fresh = [(s, current[s], compute_alignment(store, s)) for s in stale[i : i + batch]]
        counts.update((s, int(aligned["contradictions"])) for s, _f, aligned in fresh)
        _try_save(store, fresh)
    return counts


def list_stories(store: ArticleStore) -> list[dict[str, Any]]:
    """Every story with its span, places, outlets, size, contradiction count and recycled members,
    from the stored alignments (those out of date computed and stored first)."""
    computed = ensure_alignments(store)
    recycled: dict[int, list[int]] = {}
    for sid, article_id in store.query(
        "SELECT s.story_id, a.id FROM recycled r JOIN story_articles s ON s.article_id = r.article_id"
        " JOIN articles a ON a.id = s.article_id ORDER BY s.story_id, a.published, a.id"
    ):
        recycled.setdefault(int(sid), []).append(int(article_id))
    rows = store.query(
        "SELECT s.id, s.title, s.first_date, s.last_date, s.places, s.outlets, s.article_count, al.contradictions"
        " FROM stories s LEFT JOIN story_alignments al ON al.story_id = s.id"
        " ORDER BY COALESCE(s.first_date, '9999'), s.id"
    )
    out = []
    for sid, title, first, last, places, outlets, count, contradictions in rows:
        if int(sid) in computed or contradictions is None:  # not storable here (read-only): computed
            contradictions = computed.get(int(sid))
            if contradictions is None:  # a story with no member: nothing to align
                contradictions = compute_alignment(store, int(sid))["contradictions"]
        out.append(
            {
                "id": sid,
                "title": title,
                "first_date": first,
                "last_date": last,
                "places": [p["name"] for p in json.loads(places)],
                "outlets": json.loads(outlets),
                "article_count": count,
                "contradictions": contradictions,
                "recycled": recycled.get(int(sid), []),
            }
        )
    return out
