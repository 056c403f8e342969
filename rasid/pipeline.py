"""Named stages that each fill one part of a Document, and the pipeline that runs them.

A stage is any callable `Document -> Document` with a `name`. Stages never read
files or touch the store: ingest builds the Document, stages annotate it, and the
caller persists the result. Later issues add stages by registering them here.

A stage may also offer `call_batch(docs)`, the same annotation for several documents at
once (one result per document, a Document or the exception that document raised), when
sharing work across documents is cheaper; `Pipeline.run_batch` uses it.
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

    def run_batch(self, docs: Sequence[Document]) -> list[Document | Exception]:
        """`self(doc)` for each document, stage by stage over all of them, with per-document failures.

        The result for a document is what `self(doc)` returns, or the exception it raises
        (a failing document is left out of the later stages; the others are unaffected).
        Stages with `call_batch` annotate the documents together.
        """
        results: list[Document | Exception] = list(docs)
        for stage in self.stages:
            live = [k for k, r in enumerate(results) if isinstance(r, Document)]
            if not live:
                break
            batch = getattr(stage, "call_batch", None)
            if batch is not None:
                done: list[Document | Exception] = batch([results[k] for k in live])
            else:
                done = []
                for k in live:
                    try:
                        done.append(stage(results[k]))  # type: ignore[arg-type]
                    except Exception as exc:  # one document's failure must not stop the others
                        done.append(exc)
            for k, result in zip(live, done, strict=True):
                results[k] = result.evolve(stages=(*result.stages, stage.name)) if isinstance(result, Document) else result
        return results

    def run(self, docs: Iterable[Document]) -> Iterator[Document]:
        for doc in docs:
            yield self(doc)
