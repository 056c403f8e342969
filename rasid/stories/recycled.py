"""Recycled news: an old story re-published as new.

Two signs: the article's own events are dated well before its publication date, or its
text is (nearly) the text of an article published well before it. The article is flagged
`recycled` (articles.flags) and linked, in the `recycled` table, to the older article and story.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from rasid.ingest.dedup import Signature
from rasid.records import ArticleStore
from rasid.stories.features import ArticleFeatures

STALE_DAYS = 30  # events older than this at publication make a report "old news"
REUSE_JACCARD = 0.5  # MinHash Jaccard above which a text counts as reused


def _day(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(str(value)) if value else None


def _text_reuse(store: ArticleStore, f: ArticleFeatures, published: dt.date) -> tuple[int, int] | None:
    """(older article id, gap in days) of the oldest earlier article whose text this one reuses."""
    rows = store.query("SELECT duplicate_of FROM articles WHERE id = ?", (f.article_id,))
    candidates: set[int] = {int(rows[0][0])} if rows and rows[0][0] is not None else set()
    sig = store.signatures([f.article_id]).get(f.article_id)
    if sig is not None:
        own = Signature.from_bytes(sig)
        others = [a for a in store.band_candidates(own.band_keys()) if a != f.article_id]
        for other, data in store.signatures(others).items():
            if own.jaccard(Signature.from_bytes(data)) >= REUSE_JACCARD:
                candidates.add(other)
    best: tuple[int, int] | None = None
    for other in sorted(candidates):
        row = store.get_article(other)
        if row is None or row.published is None:
            continue
        gap = (published - row.published).days
        if gap > STALE_DAYS and (best is None or gap > best[1]):
            best = (other, gap)
    return best


def check_recycled(store: ArticleStore, f: ArticleFeatures) -> dict[str, Any] | None:
    """Flag and link the article if it is recycled; return the link (or None)."""
    published = _day(f.published)
    if published is None:
        return None
    story = store.query("SELECT story_id FROM story_articles WHERE article_id = ?", (f.article_id,))
    own_story = int(story[0][0]) if story else None
    link: dict[str, Any] | None = None
    reuse = _text_reuse(store, f, published)
    if reuse is not None:
        other, gap = reuse
        link = {"original_article_id": other, "reason": "text reuse", "gap_days": gap}
    elif f.event_dates:
        newest = max(dt.date.fromisoformat(d) for d in f.event_dates)
        gap = (published - newest).days
        if gap > STALE_DAYS:
            link = {
                "original_article_id": _older_member(store, own_story, f, published),
                "reason": "events dated before publication",
                "gap_days": gap,
            }
    if link is None:
        return None
    original = link["original_article_id"]
    found = (
        store.query("SELECT story_id FROM story_articles WHERE article_id = ?", (original,))
        if original
        else []
    )
    link["original_story_id"] = int(found[0][0]) if found else own_story
    store.execute(
        "INSERT OR REPLACE INTO recycled (article_id, original_article_id, original_story_id, reason, gap_days)"
        " VALUES (?,?,?,?,?)",
        (f.article_id, original, link["original_story_id"], link["reason"], link["gap_days"]),
    )
    flags = store.query("SELECT flags FROM articles WHERE id = ?", (f.article_id,))[0][0] or ""
    if "recycled" not in flags.split(","):
        store.execute(
            "UPDATE articles SET flags = ? WHERE id = ?",
            (",".join([x for x in flags.split(",") if x] + ["recycled"]), f.article_id),
        )
    return link


def _older_member(store: ArticleStore, story_id: int | None, f: ArticleFeatures, published: dt.date) -> int | None:
    """The earliest-published article of the same story published well before this one."""
    if story_id is None:
        return None
    rows = store.query(
        "SELECT a.id, a.published FROM story_articles s JOIN articles a ON a.id = s.article_id"
        " WHERE s.story_id = ? AND a.id != ? AND a.published IS NOT NULL ORDER BY a.published, a.id",
        (story_id, f.article_id),
    )
    for article_id, day in rows:
        if (published - dt.date.fromisoformat(day)).days > STALE_DAYS:
            return int(article_id)
    return None


def recycled_links(store: ArticleStore) -> dict[int, dict[str, Any]]:
    """All recycled articles: article id -> link."""
    return {
        int(r[0]): {"original_article_id": r[1], "original_story_id": r[2], "reason": r[3], "gap_days": r[4]}
        for r in store.query(
            "SELECT article_id, original_article_id, original_story_id, reason, gap_days FROM recycled"
        )
    }
