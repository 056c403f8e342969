"""The "events" stage: ACLED/PLOVER-coded events from each sentence of an article.

Rule-based, with every word list, weight and role actor in `rasid/extract/data/event_lexicon.yaml`
(read and checked by `load.py`). An article is folded and matched once (`sentence.py`); each
sentence with a trigger or casualty word is read (`reading.py`): trigger hits pass the filters of
`triggers.py`, casualty counts come from `casualties.py`, sources and hedges from
`attribution.py`, and each triggered clause segment becomes a candidate (`candidate.py`) whose
roles come from `roles.py` and `syntax.py` and whose sub-type a registered resolver may refine
(`resolvers.py`). The article around fills what a sentence lacks (`context.py`), candidates that
tell one incident merge (`merging.py`), and `record.py` writes `Event.fields`. See
docs/ARCHITECTURE.md ("The events package") for the module map and how to add an event type.
"""

from rasid.extract.events.actor_text import actor_text_ok
from rasid.extract.events.lexicon import EventLexicon, EventLexiconError
from rasid.extract.events.load import event_lexicon, load_event_lexicon
from rasid.extract.events.matching import PhraseMatcher, PhraseSet
from rasid.extract.events.record import event_record
from rasid.extract.events.sentence import DocIndex, SentenceView
from rasid.extract.events.stage import EventStage

__all__ = [
    "DocIndex",
    "EventLexicon",
    "EventLexiconError",
    "EventStage",
    "PhraseMatcher",
    "PhraseSet",
    "SentenceView",
    "actor_text_ok",
    "event_lexicon",
    "event_record",
    "load_event_lexicon",
]
