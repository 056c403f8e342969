"""Group articles into stories incrementally, without comparing every pair.

Each new article gets features (rasid.stories.features) and blocking keys: place x month,
region x month, its rarest content terms, and the MinHash LSH buckets the ingest step already
stored. Only stories sharing a key are scored; the article joins the best one above
`JOIN_THRESHOLD`, or starts a new story. A near-duplicate joins its original's story.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Iterable, Sequence

from rasid.ingest.dedup import Signature
from rasid.store.base import Store
from rasid.stories.features import ArticleFeatures, Idf, Weights, article_features, pair_score

JOIN_THRESHOLD = 0.2
MAX_CANDIDATES = 25
MAX_MEMBERS = 30  # members of a big story compared with a newcomer (the most recent ones)
RARE_TERM_KEYS = 6
_KEY_WEIGHTS = {"lsh": 3.0, "p": 2.0, "r": 0.5, "t": 1.0}


class _Context:
    """Per-call caches: document frequencies and parsed member features."""

    def __init__(self, store: Store):
        self.store = store
        self.df: dict[str, int] = {t: int(n) for t, n in store.query("SELECT term, df FROM story_terms")}
        self.n_docs = int(store.query("SELECT COUNT(*) FROM story_articles")[0][0])
        self.members: dict[int, list[ArticleFeatures]] = {}
        self.weights = Weights()

    def idf(self) -> Idf:
        return Idf(self.df, self.n_docs)

    def story_members(self, story_id: int) -> list[ArticleFeatures]:
        if story_id not in self.members:
            rows = self.store.query(
                "SELECT features FROM story_articles WHERE story_id = ? ORDER BY article_id DESC LIMIT ?",
                (story_id, MAX_MEMBERS),
            )
            self.members[story_id] = [ArticleFeatures.from_json(json.loads(r[0])) for r in rows]
        return self.members[story_id]


def _month(day: dt.date, shift: int = 0) -> str:
    index = day.year * 12 + day.month - 1 + shift
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def blocking_keys(f: ArticleFeatures, idf: Idf) -> list[str]:
    """Keys stored for the article's story (what later articles look up)."""
    day = f.anchor_date
    bucket = _month(day) if day else "nd"
    keys = [f"p:{p}|{bucket}" for p in f.places] + [f"r:{r}|{bucket}" for r in f.regions]
    ranked = sorted(f.terms, key=lambda t: -f.terms[t] * idf.get(t, 1.0))
    keys += [f"t:{t}" for t in ranked[:RARE_TERM_KEYS]]
    return keys


def _lookup_keys(f: ArticleFeatures, idf: Idf) -> list[tuple[str, str | None]]:
    """(exact key, or prefix when any time bucket goes) pairs to look up for a newcomer."""
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
    ranked = sorted(f.terms, key=lambda t: -f.terms[t] * idf.get(t, 1.0))
    out += [(f"t:{t}", None) for t in ranked[: RARE_TERM_KEYS * 2]]
    return out


def _candidates(ctx: _Context, f: ArticleFeatures) -> list[int]:
    store = ctx.store
    hits: dict[int, float] = {}
    idf = ctx.idf()
    for key, mode in _lookup_keys(f, idf):
        weight = _KEY_WEIGHTS[key.split(":", 1)[0]]
        if mode == "prefix":
            rows = store.query(
                "SELECT DISTINCT story_id FROM story_keys WHERE key >= ? AND key < ?",
                (key, key + "\U0010ffff"),
            )
        else:
            rows = store.query("SELECT story_id FROM story_keys WHERE key = ?", (key,))
        for (story_id,) in rows:
            hits[int(story_id)] = hits.get(int(story_id), 0.0) + weight
    sig = store.signatures([f.article_id]).get(f.article_id)
    if sig is not None:
        similar = [
            a for a in store.band_candidates(Signature.from_bytes(sig).band_keys()) if a != f.article_id
        ]
        for story_id in _stories_of(store, similar):
            hits[story_id] = hits.get(story_id, 0.0) + _KEY_WEIGHTS["lsh"]
    return sorted(hits, key=lambda s: (-hits[s], s))[:MAX_CANDIDATES]


def _stories_of(store: Store, article_ids: Iterable[int]) -> list[int]:
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


def _assign(ctx: _Context, f: ArticleFeatures) -> int:
    store = ctx.store
    idf = ctx.idf()
    story_id: int | None = None
    score: float | None = None
    reason = ""
    dup = store.query("SELECT duplicate_of FROM articles WHERE id = ?", (f.article_id,))
    if dup and dup[0][0] is not None:
        found = _stories_of(store, [int(dup[0][0])])
        if found:
            story_id, score, reason = found[0], 1.0, f"near-duplicate of article {dup[0][0]}"
    if story_id is None:
        best, best_score = None, 0.0
        for candidate in _candidates(ctx, f):
            members = ctx.story_members(candidate)
            s = max((pair_score(f, m, idf, ctx.weights) for m in members), default=0.0)
            if s > best_score:
                best, best_score = candidate, s
        if best is not None and best_score >= JOIN_THRESHOLD:
            story_id, score, reason = best, round(best_score, 4), "similar content, places, actors and time"
    if story_id is None:
        story_id = store.execute("INSERT INTO stories (title, updated_at) VALUES (?, ?)", (f.title, _now()))
        reason = "new story"
    store.execute(
        "INSERT INTO story_articles (article_id, story_id, score, reason, features) VALUES (?,?,?,?,?)",
        (f.article_id, story_id, score, reason, json.dumps(f.to_json(), ensure_ascii=False)),
    )
    store.executemany(
        "INSERT OR IGNORE INTO story_keys (key, story_id) VALUES (?, ?)",
        [(k, story_id) for k in blocking_keys(f, idf)],
    )
    ctx.members.pop(story_id, None)
    # Document frequencies grow after scoring, so an article never counts towards its own IDF.
    for term in f.terms:
        ctx.df[term] = ctx.df.get(term, 0) + 1
    store.executemany(
        "INSERT INTO story_terms (term, df) VALUES (?, 1) ON CONFLICT(term) DO UPDATE SET df = df + 1",
        [(t,) for t in f.terms],
    )
    ctx.n_docs += 1
    return story_id


CENTRALITY_PANEL = 20


def refresh_story(store: Store, story_id: int, idf: Idf | None = None) -> None:
    """Recompute a story's title, time span, places, outlets and size from its members."""
    rows = store.query("SELECT features FROM story_articles WHERE story_id = ?", (story_id,))
    members = [ArticleFeatures.from_json(json.loads(r[0])) for r in rows]
    if not members:
        store.execute("DELETE FROM story_keys WHERE story_id = ?", (story_id,))
        store.execute("DELETE FROM stories WHERE id = ?", (story_id,))
        return
    if idf is None:
        idf = _Context(store).idf()
    # The most central member (closest to the others) names the story. Large stories are
    # compared against a fixed panel of members so the cost stays linear in story size.
    panel = sorted(members, key=lambda m: m.article_id)[:CENTRALITY_PANEL]
    central = max(
        members,
        key=lambda m: (
            sum(pair_score(m, o, idf) for o in panel if o is not m),
            bool(m.title),
            -m.article_id,
        ),
    )
    title = central.title or _first_line(store, central.article_id)
    days = sorted(d for m in members for d in ([m.anchor] if m.anchor else []))
    place_counts: Counter[str] = Counter(p for m in members for p in m.places)
    names: dict[str, str] = {}
    for m in members:
        names.update(m.place_names)
    places = [{"id": p, "name": names.get(p, p)} for p, _ in place_counts.most_common(6)]
    outlets = sorted({m.outlet for m in members if m.outlet})
    store.execute(
        "UPDATE stories SET title = ?, central_article = ?, first_date = ?, last_date = ?, places = ?, outlets = ?,"
        " article_count = ?, updated_at = ? WHERE id = ?",
        (
            title,
            central.article_id,
            days[0] if days else None,
            days[-1] if days else None,
            json.dumps(places, ensure_ascii=False),
            json.dumps(outlets, ensure_ascii=False),
            len(members),
            _now(),
            story_id,
        ),
    )


def _first_line(store: Store, article_id: int) -> str:
    text = store.get_text(article_id)
    for line in text.splitlines():
        if len(line.strip()) > 15:
            return line.strip()[:120]
    return text[:120]


def update_stories(store: Store, article_ids: Sequence[int]) -> None:
    """Place newly stored articles into stories, flag recycled news (called after each analyze run)."""
    from rasid.stories.recycled import check_recycled

    if not article_ids:
        return
    marks = ",".join("?" * len(article_ids))
    done = {
        int(r[0])
        for r in store.query(
            f"SELECT article_id FROM story_articles WHERE article_id IN ({marks})", list(article_ids)
        )
    }
    todo = [a for a in dict.fromkeys(article_ids) if a not in done]
    if not todo:
        return
    features = [article_features(a, store.load_document(a)) for a in todo]
    # Oldest reported events first, so stories grow in the order things happened; undated last.
    features.sort(key=lambda f: (f.anchor is None, f.anchor or "", f.article_id))
    with store.transaction():
        ctx = _Context(store)
        touched: set[int] = set()
        for f in features:
            touched.add(_assign(ctx, f))
        idf = ctx.idf()
        for story_id in sorted(touched):
            refresh_story(store, story_id, idf)
        for f in features:
            check_recycled(store, f)


def rebuild_stories(store: Store) -> None:
    """Forget all stories and group every stored article again (after tuning, or for an old database)."""
    with store.transaction():
        for table in ("recycled", "story_keys", "story_articles", "story_terms", "stories"):
            store.execute(f"DELETE FROM {table}")
        store.execute(
            "UPDATE articles SET flags = trim(replace(',' || flags || ',', ',recycled,', ','), ',')"
        )
    ids = [int(r[0]) for r in store.query("SELECT id FROM articles ORDER BY id")]
    update_stories(store, ids)
