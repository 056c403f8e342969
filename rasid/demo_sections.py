"""Sections later features add to the demo summary (entities, events, stories)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.console import Console

Section = Callable[[Console, Any], None]


def extra_sections() -> list[Section]:
    return []
