"""Where the NER model lives and the entity types it tags: light names the command line needs at
import time, without loading the tagger (and numpy) behind them."""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parents[1]
DEFAULT_MODEL = PACKAGE_DIR / "models" / "ner.crfsuite"
ENTITY_TYPES = ("PERS", "LOC", "ORG", "MISC")
