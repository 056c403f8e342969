"""The "events" stage: ACLED/PLOVER-coded events from the sentences and mentions of an article."""

from __future__ import annotations

import bisect
import re

from rasid.document import Document
from rasid.extract.events.candidate import Candidate
from rasid.extract.events.context import fill_context, mark_background
from rasid.extract.events.incident import assess, reads_as_report
from rasid.extract.events.lexicon import EventLexicon
from rasid.extract.events.likely import load_filter, screen
from rasid.extract.events.load import event_lexicon
from rasid.extract.events.merging import merge_all
from rasid.extract.events.reading import SentenceSpot, read_sentence
from rasid.extract.events.record import to_event
from rasid.extract.events.sentence import DocIndex

_NEWLINE_RE = re.compile("\n")


class EventStage:
    """Fill `doc.events` with coded events (see the package docstring).

    It reads the sentences and tokens of the text stage and the mentions of the entity stage
    (actors, places, outlets, persons, times and numbers); it reads nothing of the text again.
    """

    name = "events"
    requires = ("sentences", "tokens", "mentions")
    assigns = ("events",)

    def __init__(self, *, min_confidence: float | None = None, lexicon: EventLexicon | None = None):
        # (None: the lexicon's `confidence.minimum`)
        self.min_confidence = min_confidence
        self._lexicon = lexicon

    @property
    def lexicon(self) -> EventLexicon:
        return self._lexicon or event_lexicon()

    def __call__(self, doc: Document) -> Document:
        lex = self.lexicon
        minimum = lex.confidence.minimum if self.min_confidence is None else self.min_confidence
        mentions = sorted(doc.mentions, key=lambda m: m.start)
        starts = [m.start for m in mentions]
        newlines = [m.start() for m in _NEWLINE_RE.finditer(doc.text)]
        candidates: list[Candidate] = []
        index = DocIndex(doc.text, lex)
        for sent in doc.sentences:
            if not index.may_hold_event(sent.start, sent.end):
                continue
            lo = bisect.bisect_left(starts, sent.start)
            hi = bisect.bisect_left(starts, sent.end)
            sent_mentions = [m for m in mentions[lo:hi] if m.end <= sent.end]
            spot = SentenceSpot(sent.start, sent.end, sent.index, bisect.bisect_left(newlines, sent.start))
            candidates.extend(read_sentence(doc, spot, sent_mentions, index, lex, minimum))
        fill_context(candidates, doc, lex, index)
        if doc.published is not None:
            mark_background(candidates, doc.published)
        merged = merge_all(candidates, lex)
        citations = len(index.hits(lex.attribution.verbs)[1]) + len(index.hits(lex.attribution.preps)[1])
        assess(merged, doc.published, report=reads_as_report(doc, citations) if merged else True)
        # (the learned second opinion on what the rules left as incidents: likely.py)
        events = screen(tuple(to_event(c) for c in merged), doc, load_filter())
        return doc.evolve(events=events)
