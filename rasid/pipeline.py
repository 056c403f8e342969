"""Named stages that each fill one part of a Document, and the pipeline that runs them.

A stage is any callable `Document -> Document` with a `name`. Stages never read
files or touch the store: ingest builds the Document, stages annotate it, and the
caller persists the result. Later issues add stages by registering them here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

from rasid.document import Document


class Stage(Protocol):
    name: str

    def __call__(self, doc: Document) -> Document: ...


@dataclass(frozen=True)
class FunctionStage:
    """Wrap a plain function as a named stage."""

    name: str
    func: Callable[[Document], Document]

    def __call__(self, doc: Document) -> Document:
        return self.func(doc)


_REGISTRY: dict[str, Callable[[], Stage]] = {}


def register_stage(name: str, factory: Callable[[], Stage]) -> None:
    """Register a stage factory; factories are called lazily so heavy models load once, on demand."""
    _REGISTRY[name] = factory


def available_stages() -> list[str]:
    _ensure_builtin()
    return list(_REGISTRY)


def _ensure_builtin() -> None:
    # Importing the module registers its stages; kept lazy to avoid import cycles.
    import rasid.stages  # noqa: F401


class Pipeline:
    def __init__(self, stages: Sequence[Stage]):
        self.stages = list(stages)

    @classmethod
    def from_names(cls, names: Iterable[str]) -> Pipeline:
        _ensure_builtin()
        stages = []
        for name in names:
            if name not in _REGISTRY:
                raise KeyError(f"unknown stage {name!r}; available: {', '.join(_REGISTRY)}")
            stages.append(_REGISTRY[name]())
        return cls(stages)

    @classmethod
    def default(cls) -> Pipeline:
        from rasid.stages import DEFAULT_STAGES

        return cls.from_names(DEFAULT_STAGES)

    @property
    def names(self) -> list[str]:
        return [s.name for s in self.stages]

    def __call__(self, doc: Document) -> Document:
        for stage in self.stages:
            doc = stage(doc)
            doc = doc.evolve(stages=(*doc.stages, stage.name))
        return doc

    def run(self, docs: Iterable[Document]) -> Iterator[Document]:
        for doc in docs:
            yield self(doc)
