"""Python API. `Rasid` is the entry point; the HTTP API will wrap the same object.

`Rasid` and `sample_corpus_path` are loaded on first use: `rasid.api.core` brings the whole ingest
path (near-duplicate signatures and their numeric libraries, over half a second), which the
query modules (`rasid.api.events`, `rasid.api.search`) and the commands that use only them do not need.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rasid.api.core import Rasid, sample_corpus_path

__all__ = ["Rasid", "sample_corpus_path"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from rasid.api import core

        return getattr(core, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
