"""The central data type: one article and everything Rasid has read from it.

A `Document` is immutable by convention (frozen dataclasses, tuples). Each pipeline
stage returns a new Document via `Document.evolve(...)`. Every annotation carries
character offsets into `Document.text`, the cleaned original text (boilerplate
removed, nothing else changed), so any field can be traced to the words it came from.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Span:
    """A half-open character range [start, end) in the document text."""

    start: int
    end: int

    def slice(self, text: str) -> str:
        return text[self.start : self.end]


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    index: int


@dataclass(frozen=True, slots=True)
class Clitic:
    """A proclitic split off a token (و، ف، ب، ل، ك، ال، لل) with its offsets."""

    form: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Token:
    """A word with its clitics separated.

    `start`/`end` cover the whole surface word; `base_start` is where the base
    begins after proclitics. `norm` is the normalised base (for matching) and
    `stem` a light stem of it.
    """

    start: int
    end: int
    text: str
    base_start: int
    norm: str
    stem: str
    clitics: tuple[Clitic, ...] = ()
    sentence: int = 0
    is_word: bool = True

    @property
    def base(self) -> str:
        return self.text[self.base_start - self.start :]


@dataclass(frozen=True, slots=True)
class Mention:
    """An entity mention: person, actor, place, outlet, date, number ..."""

    start: int
    end: int
    text: str
    type: str
    kb_id: str | None = None
    confidence: float = 1.0
    attrs: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Event:
    """A coded event; `fields` maps field name -> value, `spans` field name -> Span."""

    event_type: str
    sub_event_type: str
    fields: Mapping[str, Any] = field(default_factory=dict)
    spans: Mapping[str, tuple[Span, ...]] = field(default_factory=dict)
    confidence: float = 0.5


@dataclass(frozen=True, slots=True)
class Document:
    id: str
    text: str
    title: str = ""
    source: str | None = None
    origin: str = ""
    url: str | None = None
    published: dt.date | None = None
    language: str = "und"
    content_hash: str = ""
    meta: Mapping[str, Any] = field(default_factory=dict)
    sentences: tuple[Sentence, ...] = ()
    tokens: tuple[Token, ...] = ()
    mentions: tuple[Mention, ...] = ()
    events: tuple[Event, ...] = ()
    stages: tuple[str, ...] = ()

    def evolve(self, **changes: Any) -> Document:
        """Return a copy with some fields replaced (the only way stages change a Document)."""
        return dataclasses.replace(self, **changes)

    def span_text(self, start: int, end: int) -> str:
        return self.text[start:end]

    def sentence_text(self, sentence: Sentence) -> str:
        return self.text[sentence.start : sentence.end]

    def tokens_in(self, start: int, end: int) -> tuple[Token, ...]:
        return tuple(t for t in self.tokens if t.start >= start and t.end <= end)

    def mentions_of(self, *types: str) -> tuple[Mention, ...]:
        return tuple(m for m in self.mentions if m.type in types)


# The fields ingest fills before any stage runs; a stage may require them without an earlier stage.
INPUT_FIELDS: tuple[str, ...] = (
    "id", "text", "title", "source", "origin", "url", "published", "language", "content_hash", "meta",
)
# The fields stages fill (`stages` itself is kept by the pipeline, never by a stage).
ANNOTATION_FIELDS: tuple[str, ...] = ("sentences", "tokens", "mentions", "events")


# Progress inside one long article (a stage working through a text of megabytes), for a front end
# to show: `(step, done, total)`, e.g. ("entities: names", 3, 40). Stages report only on long texts.
WorkProgress = Callable[[str, int, int], None]
_WORK_PROGRESS: ContextVar[WorkProgress | None] = ContextVar("rasid_work_progress", default=None)


@contextmanager
def work_progress(callback: WorkProgress | None) -> Iterator[None]:
    """Within the block, long stages report their progress to `callback`."""
    token = _WORK_PROGRESS.set(callback)
    try:
        yield
    finally:
        _WORK_PROGRESS.reset(token)


def report_progress(step: str, done: int, total: int) -> None:
    """Tell the front end (if it listens, see `work_progress`) how far a long piece of work is."""
    callback = _WORK_PROGRESS.get()
    if callback is not None:
        callback(step, done, total)

