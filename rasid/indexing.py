"""Per-article and cross-article indexing that runs after an article is stored.

Kept apart from the stages: stages only annotate a Document; this module writes the
annotations into queryable tables and updates cross-article structures.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Sequence

from rasid.document import Document
from rasid.store.base import Store

# (phase, done, total): what a long step reports as it goes ("grouping stories", 120, 600).
PhaseProgress = Callable[[str, int, int], None]

# Times and numbers stay in the article's annotations; the mentions table is for entities.
_INDEXED_TYPES = frozenset({"person", "actor", "place", "outlet"})
# Built once: json.dumps with options constructs a new encoder per call, and this runs per mention.
# Attrs are small trees; a cycle would still fail (by recursion) without the circular check.
_encode_attrs = json.JSONEncoder(ensure_ascii=False, default=str, check_circular=False).encode


def index_article(store: Store, article_id: int, doc: Document, *, stages: Collection[str] | None = None) -> None:
    """Write entity mentions (and, when the events stage ran, events) for one stored article.

    `stages` limits the indexing to what those stages produced, replacing the article's rows:
    used when stages are run again on a stored article (a stage that failed, retried).
    """
    if stages is not None:
        if "entities" in stages:
            store.execute("DELETE FROM mentions WHERE article_id = ?", (article_id,))
        else:
            doc = doc.evolve(mentions=())
        if "events" not in stages:
            doc = doc.evolve(stages=tuple(s for s in doc.stages if s != "events"))
    encode = _encode_attrs
    indexed = _INDEXED_TYPES
    rows = [
        # A non-dict mapping is copied first: the encoder only writes dict objects as JSON objects.
        (article_id, m.type, m.kb_id, m.text, m.start, m.end, encode(a if type(a := m.attrs) is dict else dict(a)))
        for m in doc.mentions
        if m.type in indexed
    ]
    if rows:
        ids = _attrs_ids(store, list(dict.fromkeys(r[6] for r in rows)))
        store.executemany(
            "INSERT INTO mentions (article_id, type, kb_id, text, start, end, attrs_id) VALUES (?,?,?,?,?,?,?)",
            [(*r[:6], ids[r[6]]) for r in rows],
        )
    if "events" in doc.stages:
        from rasid.extract.event_index import index_events

        index_events(store, article_id, doc)


def _attrs_ids(store: Store, values: list[str]) -> dict[str, int]:
    """The `mention_attrs` id of each attributes JSON, added when new (inside the caller's transaction,
    so a rolled-back article leaves no id behind; no cache across calls for the same reason)."""
    ids: dict[str, int] = {}
    for i in range(0, len(values), 400):
        chunk = values[i : i + 400]
        marks = ",".join("?" * len(chunk))
        ids.update((str(a), int(n)) for a, n in store.query(f"SELECT attrs, id FROM mention_attrs WHERE attrs IN ({marks})", chunk))
    for value in values:
        if value not in ids:
            ids[value] = int(store.execute("INSERT INTO mention_attrs (attrs) VALUES (?)", (value,)))
    return ids


def after_ingest(store: Store, article_ids: Sequence[int], *, progress: PhaseProgress | None = None) -> None:
    """Cross-article updates for newly stored articles (stories, cross-checks)."""
    if not article_ids:
        return
    from rasid.stories.build import update_stories

    update_stories(store, article_ids, progress=progress)


def group_pending(store: Store, *, progress: PhaseProgress | None = None) -> int:
    """Group every stored article that is in no story yet; how many there were.

    Articles are stored batch by batch and grouped once the run is over, so a run killed in
    between leaves stored articles in no story; the next run groups them with its new ones, in
    one call, as an uninterrupted run would have (the grouping orders them itself).
    """
    pending = store.articles_without_story()
    after_ingest(store, pending, progress=progress)
    return len(pending)
