"""Per-outlet track record, from what the stored stories show.

For each outlet (an article's `source`): how many articles it has in the database, how many facts
it stated in stories (casualty figures, cause, perpetrator, who took a place, withdrawal framing:
the claims of `rasid.stories.align`), how many of them the other reports contradicted by a
majority, how many other independent holders agreed with, how many of its articles take back an
earlier claim, and how many it re-published as new (`recycled`).

"Contradicted by the majority": in a fact whose holders disagree, every value the outlet holds is
held by fewer independent holders than some value it disagrees with (a tie counts for nothing).
Holders are independent when they are different sources: two outlets quoting the same named
source (an observatory, a ministry) count once, an outlet and the source it quotes by name are
that source, and an unnamed source ("مصادر محلية") is the outlet's own.

The per-story part is stored (`outlet_records`, one row per story and outlet) and refreshed for
the stories that changed (`refresh_track_records`, run at the end of `rasid analyze`);
`track_records_for` only reads it, so a claim check can show it beside each cited passage. The
same refresh stores the story alignments (`rasid.stories.stored`) of the stories that changed,
reading each story's claims once for both.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

from rasid.extract.events.yaml_lines import LineList, LineMap, load_lines
from rasid.records import ArticleStore
from rasid.stories._data import lexicon, norm_phrase
from rasid.stories.align import Claim, _agree, holder_positions, story_claims
from rasid.stories.holders import holder_lexicon, outlet_of
from rasid.stories.stored import (
    ClaimsFound,
    compute_alignment,
    drop_alignments,
    save_alignment,
    stored_fingerprints,
    story_fingerprints,
)

MAX_EXAMPLES = 5  # kept per outlet (and per story) for display
_SENTENCE_CHARS = 300
_DATA = "rasid/verify/data/track_record.yaml"


class TrackRecordDataError(ValueError):
    """The bundled track-record data file is malformed (the message names the file and line)."""


@dataclass(frozen=True)
class RetractionRules:
    own_correction_cues: tuple[str, ...]  # normalised phrases
    max_sentence_words: int


def parse_retraction_rules(text: str, where: str = _DATA) -> RetractionRules:
    """The retraction rules of a track-record data file's text (errors name the file and line)."""
    data = load_lines(text)
    if not isinstance(data, LineMap):
        raise TrackRecordDataError(f"{where}: expected a mapping at the top level")
    cues = data.get("own_correction_cues")
    line = data.key_lines.get("own_correction_cues", data.line)
    if not isinstance(cues, LineList) or not cues:
        raise TrackRecordDataError(f"{where}:{line}: 'own_correction_cues' must be a non-empty list")
    known = lexicon().retraction_cues
    out = []
    for cue, cue_line in zip(cues, cues.item_lines, strict=True):
        norm = norm_phrase(cue) if isinstance(cue, str) else ""
        if not norm:
            raise TrackRecordDataError(f"{where}:{cue_line}: a cue must be a non-empty string")
        if not any(k in norm for k in known):
            raise TrackRecordDataError(
                f"{where}:{cue_line}: {cue!r} contains no retraction cue of stories.yaml, so it is never found"
            )
        out.append(norm)
    words = data.get("max_sentence_words")
    if not isinstance(words, int) or isinstance(words, bool) or words < 1:
        line = data.key_lines.get("max_sentence_words", data.line)
        raise TrackRecordDataError(f"{where}:{line}: 'max_sentence_words' must be a positive integer")
    return RetractionRules(tuple(out), words)


@lru_cache(maxsize=1)
def retraction_rules() -> RetractionRules:
    raw = resources.files("rasid.verify").joinpath("data/track_record.yaml").read_text(encoding="utf-8")
    return parse_retraction_rules(raw)


@dataclass
class OutletRecord:
    outlet: str
    articles: int = 0
    facts_held: int = 0
    contradicted_by_majority: int = 0
    agreed_by_others: int = 0
    retractions: int = 0
    recycled: int = 0
    # newest first: {"kind": "contradicted", "story_id", "incident", "fact", "value", "majority_value",
    # "holders"} or {"kind": "retraction", "story_id", "article_id", "sentence"}
    examples: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _canonical_outlet(name: str) -> str:
    known = outlet_of(name)
    return known.name_ar if known is not None else name


@lru_cache(maxsize=1)
def _unnamed_heads() -> frozenset[str]:
    return frozenset(holder_lexicon().generic_heads.values())


def _independent_key(claim: Claim) -> str:
    """Who stands behind a claim: a named source it quotes, else the outlet itself."""
    if claim.source:
        head = claim.source.split()[0]
        if head not in _unnamed_heads():
            return _canonical_outlet(claim.source)
    return _canonical_outlet(claim.outlet)


def _fact_records(
    story_id: int, items: Sequence[Claim], outlets: set[str], records: dict[str, OutletRecord]
) -> None:
    """Count one fact (of one incident) towards each outlet that holds it."""
    positions, _updated = holder_positions(items)
    by_holder = {c.holder: c for c in items}
    keys = {holder: _independent_key(by_holder[holder]) for holder in positions}
    values = sorted({v for held in positions.values() for v in held})
    support = {v: {keys[h] for h, held in positions.items() if _agree(held, {v})} for v in values}
    held_list = list(positions.values())
    contradicted = any(not _agree(a, b) for i, a in enumerate(held_list) for b in held_list[i + 1 :])

    def beaten_by(v: str) -> list[str]:
        """The values that disagree with `v` and have more independent holders."""
        return [w for w in values if not _agree({v}, {w}) and len(support[w]) > len(support[v])]

    for outlet in sorted({c.outlet for c in items} & outlets):
        record = records.setdefault(outlet, OutletRecord(outlet))
        record.facts_held += 1
        own_holders = [h for h in positions if by_holder[h].outlet == outlet]
        own_values = sorted({v for h in own_holders for v in positions[h]})
        if not own_values:
            continue  # retracted, or an actor the knowledge base does not know
        own_keys = {keys[h] for h in own_holders}
        if any(support[v] - own_keys for v in own_values):
            record.agreed_by_others += 1
        if not contradicted:
            continue
        if all(beaten_by(v) for v in own_values):
            record.contradicted_by_majority += 1
            best = max(own_values, key=lambda v: len(support[v]))
            majority = max(beaten_by(best), key=lambda w: (len(support[w]), w))
            if len(record.examples) < MAX_EXAMPLES:
                record.examples.append(
                    {
                        "kind": "contradicted",
                        "story_id": story_id,
                        "incident": items[0].incident,
                        "fact": items[0].fact,
                        "value": json.loads(best),
                        "majority_value": json.loads(majority),
                        "holders": sorted(h for h, held in positions.items() if _agree(held, {majority})),
                    }
                )


def _counts_as_retraction(item: dict[str, Any], claims: Sequence[Claim]) -> bool:
    """The sentence takes back what the report said: an own-correction cue, or another retraction
    cue in the (short) sentence of a claim its article then contradicts (align marks it retracted)."""
    rules = retraction_rules()
    sentence = str(item["sentence"]).strip()
    norm = norm_phrase(sentence)
    if any(cue in norm for cue in rules.own_correction_cues):
        return True
    if len(sentence.split()) > rules.max_sentence_words:
        return False
    return any(
        c.retracted and c.article_id == item["article_id"] and c.evidence.strip() in sentence for c in claims
    )


def story_records(
    store: ArticleStore, story_id: int, found: ClaimsFound | None = None
) -> dict[str, OutletRecord]:
    """What one story adds to the record of each outlet in it (articles and recycled not counted);
    `found`: the story's claims (`story_claims`) when the caller has them already."""
    outlets = {
        str(source)
        for (source,) in store.query(
            "SELECT a.source FROM story_articles s JOIN articles a ON a.id = s.article_id"
            " WHERE s.story_id = ? AND a.source IS NOT NULL AND a.source != ''",
            (story_id,),
        )
    }
    records: dict[str, OutletRecord] = {}
    if not outlets:
        return records
    claims, taken_back, _incidents = found if found is not None else story_claims(store, story_id)
    groups: dict[tuple[int, str], list[Claim]] = {}
    for claim in claims:
        groups.setdefault((claim.incident, claim.fact), []).append(claim)
    for _key, items in sorted(groups.items()):
        _fact_records(story_id, items, outlets, records)
    retracting: dict[int, dict[str, Any]] = {}
    for item in taken_back:
        if _counts_as_retraction(item, claims):
            best = retracting.get(int(item["article_id"]))
            if best is None or len(str(item["sentence"])) > len(str(best["sentence"])):
                retracting[int(item["article_id"])] = item
    for article_id, item in sorted(retracting.items()):
        if item["outlet"] not in outlets:
            continue
        record = records.setdefault(item["outlet"], OutletRecord(item["outlet"]))
        record.retractions += 1
        if len(record.examples) < MAX_EXAMPLES:
            record.examples.append(
                {
                    "kind": "retraction",
                    "story_id": story_id,
                    "article_id": article_id,
                    "sentence": str(item["sentence"])[:_SENTENCE_CHARS],
                }
            )
    return records


def _chunks(items: Sequence[str], size: int = 500) -> Iterable[Sequence[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _article_counts(
    store: ArticleStore, outlets: Sequence[str] | None
) -> tuple[dict[str, int], dict[str, int]]:
    """(articles, recycled articles) per outlet: of `outlets`, or of every outlet when None."""
    articles: dict[str, int] = {}
    recycled: dict[str, int] = {}
    base = "SELECT a.source, COUNT(*) FROM articles a"
    rec = " JOIN recycled r ON r.article_id = a.id"
    where: list[tuple[str, tuple[str, ...]]]
    if outlets is None:
        where = [("WHERE a.source IS NOT NULL AND a.source != ''", ())]
    else:
        where = [(f"WHERE a.source IN ({','.join('?' * len(c))})", tuple(c)) for c in _chunks(list(outlets))]
    for clause, params in where:
        for target, join in ((articles, ""), (recycled, rec)):
            for source, count in store.query(f"{base}{join} {clause} GROUP BY a.source", params):
                target[str(source)] = int(count)
    return articles, recycled


def _with_counts(
    records: dict[str, OutletRecord], store: ArticleStore, outlets: Sequence[str] | None
) -> dict[str, OutletRecord]:
    articles, recycled = _article_counts(store, outlets)
    for outlet in articles if outlets is None else outlets:
        record = records.setdefault(outlet, OutletRecord(outlet))
        record.articles = articles.get(outlet, 0)
        record.recycled = recycled.get(outlet, 0)
    return records


def compute_track_records(store: ArticleStore) -> dict[str, OutletRecord]:
    """Every outlet's record, computed afresh over all stories (nothing is read from or written to
    the stored table)."""
    records: dict[str, OutletRecord] = {}
    for (story_id,) in store.query("SELECT id FROM stories ORDER BY id DESC"):
        for outlet, part in story_records(store, int(story_id)).items():
            _merge_older(records.setdefault(outlet, OutletRecord(outlet)), part)
    return _with_counts(records, store, None)


def _merge_older(total: OutletRecord, older: OutletRecord) -> None:
    """Add a story's counts to a total built from newer stories (whose examples come first)."""
    total.facts_held += older.facts_held
    total.contradicted_by_majority += older.contradicted_by_majority
    total.agreed_by_others += older.agreed_by_others
    total.retractions += older.retractions
    total.examples = (total.examples + older.examples)[:MAX_EXAMPLES]


def _stale_stories(store: ArticleStore) -> tuple[dict[int, str], list[int], list[int], list[int]]:
    """(current digests, stories whose records are out of date, stories whose stored alignment is,
    stories gone) of the stored records and alignments."""
    current = story_fingerprints(store)
    records = {
        int(s): str(f) for s, f in store.query("SELECT story_id, fingerprint FROM outlet_record_stories")
    }
    alignments = stored_fingerprints(store)
    stale = sorted(s for s, f in current.items() if records.get(s) != f)
    unaligned = sorted(s for s, f in current.items() if alignments.get(s) != f)
    return current, stale, unaligned, sorted((set(records) | set(alignments)) - set(current))


def _store_story(
    store: ArticleStore, story_id: int, fingerprint: str, *, records: bool = True, alignment: bool = True
) -> None:
    """Recompute one story's records and/or alignment from one reading of its claims."""
    found = story_claims(store, story_id)
    if alignment:
        save_alignment(store, story_id, fingerprint, compute_alignment(store, story_id, found))
    if not records:
        return
    store.execute("DELETE FROM outlet_records WHERE story_id = ?", (story_id,))
    store.executemany(
        "INSERT INTO outlet_records (outlet, story_id, facts_held, contradicted_by_majority,"
        " agreed_by_others, retractions, examples) VALUES (?,?,?,?,?,?,?)",
        [
            (
                outlet,
                story_id,
                r.facts_held,
                r.contradicted_by_majority,
                r.agreed_by_others,
                r.retractions,
                json.dumps(r.examples, ensure_ascii=False, default=str),
            )
            for outlet, r in sorted(story_records(store, story_id, found).items())
        ],
    )
    store.execute(
        "INSERT OR REPLACE INTO outlet_record_stories (story_id, fingerprint) VALUES (?, ?)",
        (story_id, fingerprint),
    )


def refresh_track_records(
    store: ArticleStore, *, progress: Callable[[str, int, int], None] | None = None
) -> int:
    """Bring the stored per-story records and story alignments (`rasid.stories.stored`) up to date
    with the stories; how many stories were recomputed.

    Stories whose members (or their events) changed since the last refresh are recomputed (their
    claims read once for both), the records and alignments of stories that no longer exist are
    dropped; one transaction, so an interrupted refresh leaves the previous ones and the next one
    redoes it."""
    report = progress or (lambda _phase, _done, _total: None)
    _current, stale, unaligned, gone = _stale_stories(store)
    if not stale and not unaligned and not gone:
        return 0  # the common case checked without taking the write lock
    with store.transaction():
        current, stale, unaligned, gone = _stale_stories(store)  # again, under the lock
        for story_id in gone:
            store.execute("DELETE FROM outlet_records WHERE story_id = ?", (story_id,))
            store.execute("DELETE FROM outlet_record_stories WHERE story_id = ?", (story_id,))
        drop_alignments(store, gone)
        todo = sorted(set(stale) | set(unaligned))
        stale_set, unaligned_set = set(stale), set(unaligned)
        for done, story_id in enumerate(todo, start=1):
            _store_story(
                store,
                story_id,
                current[story_id],
                records=story_id in stale_set,
                alignment=story_id in unaligned_set,
            )
            report("outlet track records", done, len(todo))
    return len(todo)


def track_records_for(store: ArticleStore, outlets: Iterable[str] | None = None) -> dict[str, OutletRecord]:
    """The stored records of `outlets` (every outlet with an article when None), as of the last
    refresh; an outlet Rasid has never seen gets an empty record. Reads only: a few milliseconds."""
    wanted = None if outlets is None else list(dict.fromkeys(o for o in outlets if o))
    sums = "SELECT outlet, SUM(facts_held), SUM(contradicted_by_majority), SUM(agreed_by_others), SUM(retractions)"
    examples = "SELECT outlet, examples FROM outlet_records WHERE examples != '[]'"
    queries: list[tuple[str, str, tuple[str, ...]]]
    if wanted is None:
        queries = [(f"{sums} FROM outlet_records GROUP BY outlet", f"{examples} ORDER BY story_id DESC", ())]
    else:
        queries = []
        for chunk in _chunks(wanted):
            marks = ",".join("?" * len(chunk))
            queries.append(
                (
                    f"{sums} FROM outlet_records WHERE outlet IN ({marks}) GROUP BY outlet",
                    f"{examples} AND outlet IN ({marks}) ORDER BY story_id DESC",
                    tuple(chunk),
                )
            )
    records: dict[str, OutletRecord] = {}
    for total_sql, example_sql, params in queries:
        for outlet, held, contradicted, agreed, retracted in store.query(total_sql, params):
            records[str(outlet)] = OutletRecord(
                str(outlet), 0, int(held or 0), int(contradicted or 0), int(agreed or 0), int(retracted or 0)
            )
        for outlet, raw in store.query(example_sql, params):
            record = records[str(outlet)]
            if len(record.examples) < MAX_EXAMPLES:
                record.examples.extend(json.loads(raw)[: MAX_EXAMPLES - len(record.examples)])
    return _with_counts(records, store, wanted)
