"""Group articles into stories incrementally, without comparing every pair.

Each new article gets features (rasid.stories.features) and blocking keys: place x month,
region x month, its rarest content terms, and the MinHash LSH buckets the ingest step already
stored. Only stories sharing a key are scored; the article joins the best one above
`JOIN_THRESHOLD`, or starts a new story. A near-duplicate joins its original's story.

Per-article cost stays flat as the collection grows: each key yields at most its KEY_STORIES
newest stories, at most MAX_CANDIDATES stories and MAX_MEMBERS members each are compared, the
members of the stories compared most recently are kept packed in arrays (one vectorised cosine
per story, with exact current IDF; at most PACKED_MEMBERS members in all, the least recently
compared stories dropped first and read again if needed), document frequencies are read only for
the terms compared, each article is read and tokenised once, and refreshing a story re-picks its
title only when its earliest members change.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import numpy as np

from rasid.extract.changes import Change, record_changes
from rasid.ingest.dedup import Signature
from rasid.records import ArticleStore
from rasid.serialize import load_record, pack_record
from rasid.stories.features import (
    ArticleFeatures,
    Idf,
    Weighted,
    Weights,
    article_anchor,
    article_features,
    combined_score,
    weighted,
    weighted_cosine,
)

JOIN_THRESHOLD = 0.2
MAX_CANDIDATES = 25
MAX_MEMBERS = 30  # members of a big story compared with a newcomer (the most recent ones)
RARE_TERM_KEYS = 6
# Per-article cost must not grow with the corpus: a blocking key (a busy place in a busy month,
# a common word) only yields its most recent stories, and LSH neighbours are capped too.
KEY_STORIES = 40
LSH_NEIGHBOURS = 50
_KEY_WEIGHTS = {"lsh": 3.0, "p": 2.0, "r": 0.5, "t": 1.0}
# Members of compared stories kept packed across a call (about 4 KB each: ~85 MB in all): the least
# recently compared stories are dropped beyond it. Articles are placed in date order and look up the
# newest stories of their keys, so the stories compared are mostly the recent ones.
PACKED_MEMBERS = 20_000


class _Pack:
    """A story's compared members with their terms flattened into arrays.

    Term weights are kept raw (1 + log tf) and IDF is applied at comparison time from the
    current document frequencies, so scores are exact while each comparison is a few
    vectorised operations; the members' dates give an upper bound of each full score, so
    only members that can still win are scored in Python.
    """

    def __init__(self) -> None:
        self.members: list[ArticleFeatures] = []  # what combined_score reads of each (see `add`)
        self.columns = np.zeros(0, dtype=np.int64)  # vocabulary index of each (member, term) entry
        self.tf = np.zeros(0)  # the member's raw weight for that term
        self.rows = np.zeros(0, dtype=np.int64)  # which member the entry belongs to
        self.anchors = np.zeros(0)  # members' anchor dates as ordinals (NaN: undated)

    def add(self, f: ArticleFeatures, columns: np.ndarray, tf: np.ndarray) -> None:
        row = len(self.members)
        # Only what `combined_score` and the bounds read is kept (the terms are in the arrays): a
        # fifth of the memory of the whole features.
        self.members.append(
            ArticleFeatures(f.article_id, None, None, places=f.places, actors=f.actors, anchor=f.anchor)
        )
        self.columns = np.concatenate([self.columns, columns])
        self.tf = np.concatenate([self.tf, tf])
        self.rows = np.concatenate([self.rows, np.full(len(columns), row, dtype=np.int64)])
        day = f.anchor_date
        self.anchors = np.append(self.anchors, day.toordinal() if day else np.nan)

    def drop(self, row: int) -> None:
        del self.members[row]
        keep = self.rows != row
        self.columns, self.tf, self.rows = self.columns[keep], self.tf[keep], self.rows[keep]
        self.rows[self.rows > row] -= 1
        self.anchors = np.delete(self.anchors, row)


class _Context:
    """Per-call caches: document frequencies, a term index, and the compared members of the stories
    compared most recently (bounded: `PACKED_MEMBERS`)."""

    def __init__(self, store: ArticleStore):
        self.store = store
        # Document frequencies are read lazily, for the terms of the articles actually compared,
        # so a call costs nothing per term of the whole vocabulary.
        # (Kept in the array only: a dict of them beside it held a million entries at 30k articles.)
        self.vocab: dict[str, int] = {}
        self._df_array = np.zeros(4096)  # df by vocabulary index
        self.n_docs = int(store.query("SELECT COUNT(*) FROM story_articles")[0][0])
        self.weights = Weights()
        # The term arrays of the last article asked for (the newcomer asks three times).
        self._terms: tuple[int, tuple[np.ndarray, np.ndarray]] | None = None
        self._packs: OrderedDict[int, _Pack] = OrderedDict()  # least recently compared first
        self.packed_members = 0  # members held in `_packs`
        self._dense = np.zeros(4096)
        self._dense_columns = np.zeros(0, dtype=np.int64)
        self.joined_ids: dict[int, set[int]] = {}  # story -> articles placed in it by this call
        self.joined_spans: dict[int, list[tuple[str | None, str | None]]] = {}  # the same, (anchor, outlet)
        self.counted: Counter[str] = Counter()  # document frequencies not written yet (`write_terms`)
        self.changes: list[Change] = []  # story_new / story_grew for the change feed, written once per call

    def load_df(self, terms: Iterable[str]) -> None:
        """Give unseen terms a vocabulary index and their stored document frequency."""
        missing = [t for t in terms if t not in self.vocab]
        if not missing:
            return
        found: dict[str, int] = {}
        for i in range(0, len(missing), 500):
            chunk = missing[i : i + 500]
            marks = ",".join("?" * len(chunk))
            found.update(self.store.query(f"SELECT term, df FROM story_terms WHERE term IN ({marks})", chunk))
        needed = len(self.vocab) + len(missing)
        if needed > len(self._df_array):
            grown = np.zeros(2 * needed)
            grown[: len(self._df_array)] = self._df_array
            self._df_array = grown
            # The newcomer's vector may already be scattered (candidates load their terms while it is
            # scored): it must survive the growth, or its content cosines silently become 0.
            dense = np.zeros(len(grown))
            dense[: len(self._dense)] = self._dense
            self._dense = dense
        for term in missing:
            index = self.vocab[term] = len(self.vocab)
            self._df_array[index] = int(found.get(term, 0))

    def count_terms(self, f: ArticleFeatures) -> None:
        """The article has been placed: its terms count towards later articles' IDF."""
        columns, _tf = self.term_arrays(f)
        self.counted.update(f.terms.keys())  # one per article (not its weights)
        self._df_array[columns] += 1
        self.n_docs += 1

    def write_terms(self) -> None:
        """Add the document frequencies counted by this call to `story_terms`, one row per term.

        Every term counted is in `vocab` (`count_terms` loads it first), so later reads in the call
        never go to the table for it: the table need only be current when the call ends.
        """
        if self.counted:
            self.store.executemany(
                "INSERT INTO story_terms (term, df) VALUES (?, ?)"
                " ON CONFLICT(term) DO UPDATE SET df = story_terms.df + excluded.df",
                sorted(self.counted.items()),
            )
            self.counted.clear()

    def forget(self) -> None:
        """Drop every packed story (what is dropped is read again from the tables, and scores do not
        depend on the order members are packed in) and write the counts not written yet.

        The vocabulary and its document frequencies are kept (they grow with distinct terms only):
        every counted term is in the vocabulary, so nothing is read back from the table for them.
        """
        self.write_terms()
        self._terms, self._packs, self.packed_members = None, OrderedDict(), 0

    def idf(self) -> Idf:
        return _VocabIdf(self)

    def term_arrays(self, f: ArticleFeatures) -> tuple[np.ndarray, np.ndarray]:
        """(vocabulary indexes, raw weights) of the article's terms (the last article's kept)."""
        if self._terms is not None and self._terms[0] == f.article_id:
            return self._terms[1]
        arrays = self._arrays(f)
        self._terms = (f.article_id, arrays)
        return arrays

    def _arrays(self, f: ArticleFeatures) -> tuple[np.ndarray, np.ndarray]:
        self.load_df(f.terms)
        return (
            np.fromiter((self.vocab[t] for t in f.terms), dtype=np.int64, count=len(f.terms)),
            np.fromiter(f.terms.values(), dtype=np.float64, count=len(f.terms)),
        )

    def _idf_of(self, columns: np.ndarray) -> np.ndarray:
        # Same formula as Idf.get, for many terms at once.
        return np.log1p((self.n_docs + 1) / (1.0 + self._df_array[columns]))

    def vector(self, f: ArticleFeatures) -> Weighted:
        """The article's IDF-weighted term vector under the current document frequencies."""
        self.load_df(f.terms)
        return weighted(f.terms, self.idf())

    def story_pack(self, story_id: int) -> _Pack:
        """The story's most recent MAX_MEMBERS members, packed: kept from an earlier comparison, or
        read from the table (the least recently compared stories dropped beyond PACKED_MEMBERS)."""
        cached = self._packs.get(story_id)
        if cached is not None:
            self._packs.move_to_end(story_id)
            return cached
        cached = self._packs[story_id] = _Pack()
        for m in self.story_members(story_id):
            cached.add(m, *self._arrays(m))
        self.packed_members += len(cached.members)
        while self.packed_members > PACKED_MEMBERS and len(self._packs) > 1:
            _story, dropped = self._packs.popitem(last=False)
            self.packed_members -= len(dropped.members)
        return cached

    def set_dense(self, f: ArticleFeatures) -> bool:
        """Scatter the newcomer's unit vector into a dense buffer (cleared by clear_dense)."""
        columns, tf = self.term_arrays(f)
        weights = tf * self._idf_of(columns)
        norm = float(np.sqrt(np.dot(weights, weights)))
        if not norm:
            return False
        self._dense_columns = columns
        self._dense[columns] = weights / norm
        return True

    def clear_dense(self) -> None:
        self._dense[self._dense_columns] = 0.0

    def cosines(self, pack: _Pack) -> np.ndarray:
        """Content cosine of the newcomer (scattered by set_dense) with each member of a pack."""
        size = len(pack.members)
        if not len(pack.columns):
            return np.zeros(size)
        weights = pack.tf * self._idf_of(pack.columns)
        norms = np.sqrt(np.bincount(pack.rows, weights=weights * weights, minlength=size))
        dots = np.bincount(pack.rows, weights=weights * self._dense[pack.columns], minlength=size)
        return np.divide(dots, norms, out=np.zeros(size), where=norms > 0)

    def bounds(self, f: ArticleFeatures, pack: _Pack, content: np.ndarray) -> np.ndarray:
        """Upper bounds of combined_score for each member: exact time part, places and actors at best."""
        w = self.weights
        time = np.full(len(pack.members), w.neutral_time)
        penalty = np.ones(len(pack.members))
        day = f.anchor_date
        if day is not None:
            dated = ~np.isnan(pack.anchors)
            gap = np.abs(pack.anchors[dated] - day.toordinal())
            time[dated] = np.where(
                gap <= w.close_days,
                1.0,
                np.where(gap <= w.far_days, 1.0 - (gap - w.close_days) / (w.far_days - w.close_days), 0.0),
            )
            penalty[dated] = np.where(gap <= w.far_days, 1.0, np.where(gap <= 90, 0.3, 0.1))
        return (w.content * content + w.time * time + w.places + w.actors) * penalty + 1e-9

    def story_members(self, story_id: int) -> list[ArticleFeatures]:
        """The story's most recent MAX_MEMBERS members as stored (newest first)."""
        rows = self.store.query(
            "SELECT features FROM story_articles WHERE story_id = ? ORDER BY article_id DESC LIMIT ?",
            (story_id, MAX_MEMBERS),
        )
        return [ArticleFeatures.from_json(load_record(r[0])) for r in rows]

    def joined(self, story_id: int, f: ArticleFeatures) -> None:
        """Keep a packed story current without reading it again: its MAX_MEMBERS most recent members
        (by article id), as `story_members` would read them."""
        self.joined_ids.setdefault(story_id, set()).add(f.article_id)
        self.joined_spans.setdefault(story_id, []).append((f.anchor, f.outlet))
        pack = self._packs.get(story_id)
        if pack is not None:
            pack.add(f, *self.term_arrays(f))
            self.packed_members += 1
            if len(pack.members) > MAX_MEMBERS:
                oldest = min(range(len(pack.members)), key=lambda r: pack.members[r].article_id)
                pack.drop(oldest)
                self.packed_members -= 1


class _VocabIdf(Idf):
    """`Idf` over a context's current document frequencies (its array, by vocabulary index): the
    same values as an `Idf` of a term -> count dict."""

    def __init__(self, ctx: _Context):
        super().__init__(None, ctx.n_docs)
        self._ctx = ctx

    def get(self, term: str, default: float = 1.0) -> float:
        index = self._ctx.vocab.get(term)
        df = 0 if index is None else int(self._ctx._df_array[index])
        return math.log(1.0 + self.n / (1 + df))


def _month(day: dt.date, shift: int = 0) -> str:
    index = day.year * 12 + day.month - 1 + shift
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _ranked_terms(f: ArticleFeatures, idf: Idf) -> list[str]:
    """The article's most distinctive terms first (only the first few are ever used)."""
    weight = {t: -w * idf.get(t, 1.0) for t, w in f.terms.items()}
    return sorted(weight, key=weight.__getitem__)[: RARE_TERM_KEYS * 2]


def blocking_keys(f: ArticleFeatures, idf: Idf, ranked: list[str] | None = None) -> list[str]:
    """Keys stored for the article's story (what later articles look up); `ranked`: its
    `_ranked_terms` under `idf`, if known."""
    day = f.anchor_date
    bucket = _month(day) if day else "nd"
    keys = [f"p:{p}|{bucket}" for p in f.places] + [f"r:{r}|{bucket}" for r in f.regions]
    keys += [f"t:{t}" for t in (_ranked_terms(f, idf) if ranked is None else ranked)[:RARE_TERM_KEYS]]
    return keys


def _lookup_keys(f: ArticleFeatures, ranked: list[str]) -> list[tuple[str, str | None]]:
    """(exact key, or prefix when any time bucket goes) pairs to look up for a newcomer whose
    `_ranked_terms` are `ranked`."""
    day = f.anchor_date
    out: list[tuple[str, str | None]] = []
    for kind, ids in (("p", f.places), ("r", f.regions)):
        for pid in ids:
            if day:
                for shift in (-1, 0, 1):
                    out.append((f"{kind}:{pid}|{_month(day, shift)}", None))
                out.append((f"{kind}:{pid}|nd", None))
            else:
                out.append((f"{kind}:{pid}|", "prefix"))
    out += [(f"t:{t}", None) for t in ranked[: RARE_TERM_KEYS * 2]]
    return out


def _candidates(ctx: _Context, f: ArticleFeatures, ranked: list[str]) -> list[int]:
    store = ctx.store
    hits: dict[int, float] = {}
    for key, mode in _lookup_keys(f, ranked):
        weight = _KEY_WEIGHTS[key.split(":", 1)[0]]
        # Newest stories first (story ids grow with time), so a busy key yields a bounded list.
        if mode == "prefix":
            rows = store.query(
                "SELECT DISTINCT story_id FROM story_keys WHERE key >= ? AND key < ?"
                " ORDER BY story_id DESC LIMIT ?",
                (key, key + "\U0010ffff", KEY_STORIES),
            )
        else:
            rows = store.query(
                "SELECT story_id FROM story_keys WHERE key = ? ORDER BY story_id DESC LIMIT ?",
                (key, KEY_STORIES),
            )
        for (story_id,) in rows:
            hits[int(story_id)] = hits.get(int(story_id), 0.0) + weight
    for story_id in _lsh_stories(store, f.article_id):
        hits[story_id] = hits.get(story_id, 0.0) + _KEY_WEIGHTS["lsh"]
    return sorted(hits, key=lambda s: (-hits[s], s))[:MAX_CANDIDATES]


def _lsh_stories(store: ArticleStore, article_id: int) -> list[int]:
    """Stories of the most recent articles sharing a MinHash LSH bucket with this one."""
    sig = store.signatures([article_id]).get(article_id)
    if sig is None:
        return []
    keys = [bytes([band]) + bucket for band, bucket in Signature.from_bytes(sig).band_keys()]
    if not keys:
        return []
    marks = ",".join("?" * len(keys))
    rows = store.query(
        f"SELECT DISTINCT article_id FROM lsh_bands WHERE bucket IN ({marks}) AND article_id != ?"
        " ORDER BY article_id DESC LIMIT ?",
        [*keys, article_id, LSH_NEIGHBOURS],
    )
    return _stories_of(store, (int(r[0]) for r in rows))


def _stories_of(store: ArticleStore, article_ids: Iterable[int]) -> list[int]:
    ids = list(article_ids)
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    return [
        int(r[0])
        for r in store.query(
            f"SELECT DISTINCT story_id FROM story_articles WHERE article_id IN ({marks})", ids
        )
    ]


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _assign(ctx: _Context, f: ArticleFeatures, packed: bytes | None = None) -> int:
    """Place the article in a story (the best one above JOIN_THRESHOLD, or a new one); `packed`: its
    features as `_pack_features` gives them, if already packed."""
    store = ctx.store
    ctx.load_df(f.terms)
    idf = ctx.idf()
    # Document frequencies do not change until the article is counted (after it is placed), so its
    # distinctive terms are ranked once for both the keys looked up and the keys stored.
    ranked = _ranked_terms(f, idf)
    story_id: int | None = None
    score: float | None = None
    reason = ""
    dup = store.query("SELECT duplicate_of FROM articles WHERE id = ?", (f.article_id,))
    if dup and dup[0][0] is not None:
        found = _stories_of(store, [int(dup[0][0])])
        if found:
            story_id, score, reason = found[0], 1.0, f"near-duplicate of article {dup[0][0]}"
    if story_id is None:
        best: int | None = None
        # Members are scored in falling order of an upper bound of their score; the scan of a
        # story stops when no member left can beat the best score so far.
        best_score = JOIN_THRESHOLD - 1e-12
        dense = ctx.set_dense(f)
        try:
            for candidate in _candidates(ctx, f, ranked):
                pack = ctx.story_pack(candidate)
                content = ctx.cosines(pack) if dense else np.zeros(len(pack.members))
                bounds = ctx.bounds(f, pack, content)
                for row in np.argsort(-bounds, kind="stable"):
                    if bounds[row] <= best_score:
                        break
                    s = combined_score(f, pack.members[row], float(content[row]), ctx.weights)
                    if s > best_score:
                        best, best_score = candidate, s
        finally:
            ctx.clear_dense()
        if best is not None and best_score >= JOIN_THRESHOLD:
            story_id, score, reason = best, round(best_score, 4), "similar content, places, actors and time"
    kind = "story_grew"
    if story_id is None:
        story_id = store.execute("INSERT INTO stories (title, updated_at) VALUES (?, ?)", (f.title, _now()))
        reason = "new story"
        kind = "story_new"
    ctx.changes.append(
        Change(kind, story_id=story_id, article_id=f.article_id,
               after={"title": f.title, "score": score, "reason": reason, "date": f.anchor})
    )
    store.execute(
        "INSERT INTO story_articles (article_id, story_id, score, reason, features) VALUES (?,?,?,?,?)",
        (f.article_id, story_id, score, reason, _pack_features(f) if packed is None else packed),
    )
    store.executemany(
        "INSERT OR IGNORE INTO story_keys (key, story_id) VALUES (?, ?)",
        [(k, story_id) for k in blocking_keys(f, idf, ranked)],
    )
    ctx.joined(story_id, f)
    # Document frequencies grow after scoring, so an article never counts towards its own IDF. The
    # stored ones are written once per call (`write_terms`): this call reads its own from the context.
    ctx.count_terms(f)
    return story_id


def _pack_features(f: ArticleFeatures) -> bytes:
    """The features as stored in `story_articles`: compressed as event records are
    (`rasid.serialize.pack_record`), a quarter of the JSON's size."""
    return pack_record(json.dumps(f.to_json(), ensure_ascii=False))


CENTRALITY_PANEL = 20
CENTRAL_POOL = 40  # members that may name a story: its earliest ones, so titles stay stable


def refresh_story(store: ArticleStore, story_id: int, ctx: _Context | None = None) -> None:
    """Recompute a story's title, time span, places, outlets and size from its members.

    Aggregates are computed by SQLite over the stored feature JSON; only the earliest
    CENTRAL_POOL members are parsed in Python, so a big story costs little to refresh.
    """
    count = int(store.query("SELECT COUNT(*) FROM story_articles WHERE story_id = ?", (story_id,))[0][0])
    if not count:
        store.execute("DELETE FROM story_keys WHERE story_id = ?", (story_id,))
        store.execute("DELETE FROM stories WHERE id = ?", (story_id,))
        return
    ctx = ctx or _Context(store)
    rows = store.query(
        "SELECT article_id, features FROM story_articles WHERE story_id = ? ORDER BY article_id LIMIT ?",
        (story_id, CENTRAL_POOL),
    )
    previous = store.query("SELECT central_article, title FROM stories WHERE id = ?", (story_id,))
    joined = ctx.joined_ids.get(story_id, set())
    if previous and previous[0][0] is not None and not joined & {int(r[0]) for r in rows}:
        # Nobody new among the members that may name the story: its title stands.
        central_id, title = int(previous[0][0]), str(previous[0][1])
    else:
        members = [ArticleFeatures.from_json(load_record(r[1])) for r in rows]
        # The most central member (closest to the others) names the story. Large stories are
        # compared against a fixed panel of members so the cost stays bounded.
        panel = members[:CENTRALITY_PANEL]
        vectors = {m.article_id: ctx.vector(m) for m in members}
        central = max(
            members,
            key=lambda m: (
                sum(
                    combined_score(m, o, weighted_cosine(vectors[m.article_id], vectors[o.article_id]))
                    for o in panel
                    if o is not m
                ),
                bool(m.title),
                -m.article_id,
            ),
        )
        central_id = central.article_id
        title = central.title or _first_line(store, central.article_id)
    first, last, outlets = _span_and_outlets(store, story_id, count, ctx.joined_spans.get(story_id, []))
    places = _story_places(store, story_id)
    store.execute(
        "UPDATE stories SET title = ?, central_article = ?, first_date = ?, last_date = ?, places = ?, outlets = ?,"
        " article_count = ?, updated_at = ? WHERE id = ?",
        (
            title,
            central_id,
            first,
            last,
            json.dumps(places, ensure_ascii=False),
            json.dumps(outlets, ensure_ascii=False),
            count,
            _now(),
            story_id,
        ),
    )


def _span_and_outlets(
    store: ArticleStore, story_id: int, count: int, joined: Sequence[tuple[str | None, str | None]]
) -> tuple[str | None, str | None, list[str]]:
    """(first, last anchor date, outlets in order) of the story's `count` members.

    When the only members the stored row does not count yet are `joined` (this call's, as (anchor,
    outlet) pairs), they are
    folded into the stored values, so a big story is not read whole for each newcomer; otherwise
    SQLite aggregates every member. Both give the same values: the least and greatest anchor
    (ISO dates compare as text), the distinct non-empty outlets sorted.
    """
    stored = store.query("SELECT first_date, last_date, outlets, article_count FROM stories WHERE id = ?", (story_id,))
    if stored and joined and int(stored[0][3] or 0) + len(joined) == count:
        first, last, outlets, _count = stored[0]
        anchors = [a for a in (first, last, *(anchor for anchor, _outlet in joined)) if a is not None]
        names = set(json.loads(outlets or "[]")) | {outlet for _anchor, outlet in joined if outlet}
        return (min(anchors) if anchors else None), (max(anchors) if anchors else None), sorted(names)
    anchors, names = [], set()
    for _article_id, features in _stored_features(store, story_id):
        if features.get("anchor") is not None:
            anchors.append(features["anchor"])
        if features.get("outlet"):
            names.add(str(features["outlet"]))
    return (min(anchors) if anchors else None), (max(anchors) if anchors else None), sorted(names)


def _stored_features(store: ArticleStore, story_id: int) -> Iterator[tuple[int, dict[str, Any]]]:
    """(article id, stored features as written) of every member of the story, by article id."""
    for article_id, raw in store.query(
        "SELECT article_id, features FROM story_articles WHERE story_id = ? ORDER BY article_id", (story_id,)
    ):
        yield int(article_id), load_record(raw)


def _story_places(store: ArticleStore, story_id: int) -> list[dict[str, Any]]:
    """The story's most frequent places (id, name); ties go to the place met first
    (earliest member, then its list order)."""
    count: dict[Any, int] = {}
    first_seen: dict[Any, int] = {}
    latest: dict[Any, int] = {}
    names: dict[int, dict[str, Any]] = {}
    for article_id, features in _stored_features(store, story_id):
        names[article_id] = features.get("place_names") or {}
        for k, place in enumerate(features.get("places") or ()):
            count[place] = count.get(place, 0) + 1
            first_seen[place] = min(first_seen.get(place, article_id * 1000 + k), article_id * 1000 + k)
            latest[place] = max(latest.get(place, article_id), article_id)
    ranked = sorted(count, key=lambda p: (-count[p], first_seen[p]))[:6]
    # The name the latest member gives the place (members name places as their text does).
    return [{"id": p, "name": names[latest[p]].get(p) or p} for p in ranked]


def _first_line(store: ArticleStore, article_id: int) -> str:
    text = store.get_text(article_id)
    for line in text.splitlines():
        if len(line.strip()) > 15:
            return line.strip()[:120]
    return text[:120]


def _grouped(store: ArticleStore, article_ids: Sequence[int]) -> set[int]:
    """Which of `article_ids` are in a story already."""
    done: set[int] = set()
    ids = list(article_ids)
    # In chunks: a whole corpus of ids at once would pass SQLite's limit of bound parameters.
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        marks = ",".join("?" * len(chunk))
        done.update(
            int(r[0]) for r in store.query(f"SELECT article_id FROM story_articles WHERE article_id IN ({marks})", chunk)
        )
    return done


def update_stories(
    store: ArticleStore, article_ids: Sequence[int], *, progress: Callable[[str, int, int], None] | None = None
) -> None:
    """Place newly stored articles into stories, flag recycled news (called after each analyze run).

    The result does not depend on the order of `article_ids` (they are placed by date, then id),
    so grouping a resumed run's articles in one call gives what one uninterrupted run gives.
    Each article of a call of up to READ_ONCE articles is read once: its features are built and
    kept packed as they are stored (about 1 KB each) until it is placed; a bigger call keeps only
    the anchors and builds features again as it places them, so memory stays flat in the number of
    articles. The stories compared are kept packed up to PACKED_MEMBERS members. `progress(phase,
    done, total)` is told how far it is.
    """
    from rasid.stories.recycled import check_recycled

    report = progress or (lambda _phase, _done, _total: None)

    if not article_ids:
        return
    done = _grouped(store, article_ids)
    todo = [a for a in dict.fromkeys(article_ids) if a not in done]
    if not todo:
        return
    order, ready = _date_order(store, todo, report)
    with store.transaction():
        # Another process may have grouped some of them since: under the write lock, skip those.
        done = _grouped(store, order)
        order = [a for a in order if a not in done]
        ctx = _Context(store)
        touched: set[int] = set()
        for done_count, a in enumerate(order, start=1):
            packed = ready.pop(a, None)
            if packed is None:
                touched.add(_assign(ctx, article_features(a, store.load_document(a))))
            else:
                touched.add(_assign(ctx, ArticleFeatures.from_json(load_record(packed)), packed))
            report("grouping stories", done_count, len(order))
        ctx.forget()  # the packed stories are not needed to refresh them
        record_changes(store, ctx.changes)
        for story_id in sorted(touched):
            refresh_story(store, story_id, ctx)
        for start in range(0, len(order), STREAM_BATCH):
            for f in _stored_article_features(store, order[start : start + STREAM_BATCH]):
                check_recycled(store, f)


# Grouped articles whose stored features the recycled-news check reads at once.
STREAM_BATCH = 1000
# Articles of one call whose features are kept packed from reading to placing (~1 KB each: 220 MB);
# a bigger call reads each article twice (for its anchor date, then for its features).
READ_ONCE = 200_000


def _date_order(
    store: ArticleStore, todo: Sequence[int], report: Callable[[str, int, int], None]
) -> tuple[list[int], dict[int, bytes]]:
    """The articles in the order they are placed (oldest reported events first, undated last, then by
    id), and their features packed as they are stored (`_pack_features`): all of them for a call of
    at most READ_ONCE articles, none for a bigger one (only anchors are kept)."""
    keep = len(todo) <= READ_ONCE
    ready: dict[int, bytes] = {}
    keys: list[tuple[bool, str, int]] = []
    for done_count, a in enumerate(todo, start=1):
        doc = store.load_document(a)
        if keep:
            f = article_features(a, doc)
            ready[a] = _pack_features(f)
            anchor = f.anchor
        else:
            anchor = article_anchor(doc)
        keys.append((anchor is None, anchor or "", a))
        report("reading articles for stories", done_count, len(todo))
    keys.sort()
    return [a for _undated, _anchor, a in keys], ready


def _stored_article_features(store: ArticleStore, article_ids: Sequence[int]) -> list[ArticleFeatures]:
    """The stored features of grouped articles, in the order given."""
    if not article_ids:
        return []
    marks = ",".join("?" * len(article_ids))
    rows = dict(
        store.query(f"SELECT article_id, features FROM story_articles WHERE article_id IN ({marks})", list(article_ids))
    )
    return [ArticleFeatures.from_json(load_record(rows[a])) for a in article_ids if a in rows]


def rebuild_stories(store: ArticleStore) -> None:
    """Forget all stories and group every stored article again (after tuning, or for an old database)."""
    with store.transaction():
        for table in ("recycled", "story_keys", "story_articles", "story_terms", "stories"):
            store.execute(f"DELETE FROM {table}")
        store.execute(
            "UPDATE articles SET flags = trim(replace(',' || flags || ',', ',recycled,', ','), ',')"
        )
    ids = [int(r[0]) for r in store.query("SELECT id FROM articles ORDER BY id")]
    update_stories(store, ids)
