"""Per-article and cross-article indexing that runs after an article is stored.

Kept apart from the stages: stages only annotate a Document; this module writes the
annotations into queryable tables and updates cross-article structures.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from rasid.document import Document
from rasid.store.base import Store

# Times and numbers stay in the article's annotations; the mentions table is for entities.
_INDEXED_TYPES = frozenset({"person", "actor", "place", "outlet"})
# Built once: json.dumps with options constructs a new encoder per call, and this runs per mention.
# Attrs are small trees; a cycle would still fail (by recursion) without the circular check.
_encode_attrs = json.JSONEncoder(ensure_ascii=False, default=str, check_circular=False).encode


def index_article(store: Store, article_id: int, doc: Document) -> None:
    """Write entity mentions (and, when the events stage ran, events) for one stored article."""
    encode = _encode_attrs
    indexed = _INDEXED_TYPES
    rows = [
        # A non-dict mapping is copied first: the encoder only writes dict objects as JSON objects.
        (article_id, m.type, m.kb_id, m.text, m.start, m.end, encode(a if type(a := m.attrs) is dict else dict(a)))
        for m in doc.mentions
        if m.type in indexed
    ]
    if rows:
        store.executemany(
            "INSERT INTO mentions (article_id, type, kb_id, text, start, end, attrs) VALUES (?,?,?,?,?,?,?)", rows
        )
    if "events" in doc.stages:
        from rasid.extract.event_index import index_events

        index_events(store, article_id, doc)


def after_ingest(store: Store, article_ids: Sequence[int]) -> None:
    """Cross-article updates for newly stored articles (stories, cross-checks)."""
    if not article_ids:
        return
    from rasid.stories.build import update_stories

    update_stories(store, article_ids)
