"""The pipeline: named stages that each fill some fields of a Document, run in a checked order.

A stage is any callable `Document -> Document` with a `name` and two declarations, like
spaCy's `requires`/`assigns`: `requires`, the Document fields it reads, and `assigns`, the
fields it fills. Building a `Pipeline` checks that every field a stage requires is filled by
ingest (`INPUT_FIELDS`) or assigned by an earlier stage, and fails with a `PipelineError`
naming the stage, the field and the fix. A stage can therefore rely on what it requires and
never redoes an earlier stage's work.

Stages never read files or touch the store: ingest builds the Document, stages annotate it,
and the caller persists the result. The built-in stages and the registry of stage names are
in `rasid.stages`; this module knows no particular stage.

A stage may also offer `call_batch(docs)`, the same annotation for several documents at
once (one result per document, a Document or the exception that document raised), when
sharing work across documents is cheaper; `Pipeline.run_batch` uses it. A stage raising on
one document costs only that document's later stages: `Pipeline.run_batch_kept` returns it as
`Failed`, with what the earlier stages produced, so the article can be stored with that.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

from rasid.document import INPUT_FIELDS, Document
from rasid.errors import RasidError

# Fields a stage may declare; `stages` is kept by the pipeline itself.
_DECLARABLE = frozenset(f.name for f in dataclasses.fields(Document)) - {"stages"}


class PipelineError(RasidError):
    """A pipeline that cannot work: an unknown stage, a stage before what it needs, a bad declaration."""


class Stage(Protocol):
    name: str

    # Read-only in the protocol so that a plain class attribute (`requires = ("text",)`) satisfies it.
    @property
    def requires(self) -> tuple[str, ...]: ...

    @property
    def assigns(self) -> tuple[str, ...]: ...

    def __call__(self, doc: Document) -> Document: ...


@dataclass(frozen=True)
class FunctionStage:
    """Wrap a plain function as a named stage with its declared fields."""

    name: str
    func: Callable[[Document], Document]
    requires: tuple[str, ...] = ()
    assigns: tuple[str, ...] = ()

    def __call__(self, doc: Document) -> Document:
        return self.func(doc)


def declared(stage: Stage) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A stage's (requires, assigns); a stage that declares nothing requires and assigns nothing."""
    return tuple(getattr(stage, "requires", ())), tuple(getattr(stage, "assigns", ()))


def check_order(stages: Sequence[Stage], known: Callable[[], Iterable[Stage]] | None = None) -> None:
    """Raise `PipelineError` unless each stage's requirements are met by ingest or an earlier stage.

    `known` gives other stages that could be added (the registry), read only to suggest a fix.
    """
    have = set(INPUT_FIELDS)
    for k, stage in enumerate(stages):
        requires, assigns = declared(stage)
        for kind, fields in (("requires", requires), ("assigns", assigns)):
            for name in fields:
                if name not in _DECLARABLE:
                    raise PipelineError(
                        f"stage {stage.name!r} {kind} {name!r}, which is not a Document field a stage"
                        f" may declare (fields: {', '.join(sorted(_DECLARABLE))})"
                    )
        for name in requires:
            if name not in have:
                raise PipelineError(_missing_message(stages, k, name, known))
        have.update(assigns)


def _missing_message(
    stages: Sequence[Stage], k: int, field: str, known: Callable[[], Iterable[Stage]] | None
) -> str:
    stage = stages[k]
    where = f"(pipeline: {', '.join(s.name for s in stages)})"
    head = f"stage {stage.name!r} requires {field!r}, which no earlier stage assigns"
    candidates = list(stages[k + 1 :])
    if known is not None:
        candidates += list(known())
    provider = next((s.name for s in candidates if s.name != stage.name and field in declared(s)[1]), None)
    if provider is None:
        return f"{head}; add a stage that assigns it before {stage.name!r} {where}"
    return f"{head}; put {provider!r} before {stage.name!r} {where}"


def check_writes(stage: Stage, before: Document, after: Document) -> None:
    """Raise `PipelineError` if `stage` changed a field it does not declare in `assigns`."""
    _, assigns = declared(stage)
    for name in sorted(_DECLARABLE.difference(assigns)):
        old, new = getattr(before, name), getattr(after, name)
        if old is not new and old != new:
            raise PipelineError(f"stage {stage.name!r} changed {name!r}, which it does not declare it assigns")


@dataclass(frozen=True)
class Failed:
    """A document a stage raised on: the Document as the earlier stages left it, the stage and its exception."""

    doc: Document
    stage: str
    error: Exception

    def describe(self) -> str:
        """The error on one line (type and message), as recorded with the stored article."""
        return " ".join(f"{type(self.error).__name__}: {self.error}".split())


def _call_stage(stage: Stage, docs: list[Document]) -> list[Document | Exception]:
    """The stage over `docs`: together through `call_batch` when it has one, else one by one.

    One document's exception is that document's result. A `call_batch` that raises as a whole
    (a bug in the batching itself) is retried one document at a time, so it costs no article.
    """
    batch = getattr(stage, "call_batch", None)
    if batch is not None:
        try:
            done: list[Document | Exception] = batch(docs)
            if len(done) == len(docs):
                return done
        except Exception:
            pass
    done = []
    for doc in docs:
        try:
            done.append(stage(doc))
        except Exception as exc:  # one document's failure must not stop the others
            done.append(exc)
    return done


class Pipeline:
    """Stages run in order over a Document; the order is checked when the pipeline is built.

    With `strict`, every run also checks that each stage changed only the fields it
    assigns (a test aid: it compares the Document before and after each stage).
    """

    def __init__(
        self,
        stages: Sequence[Stage],
        *,
        known: Callable[[], Iterable[Stage]] | None = None,
        strict: bool = False,
    ):
        check_order(stages, known)
        self.stages = list(stages)
        self.strict = strict
        # The registered stage names it was built from (`rasid.stages.build_pipeline`), if so:
        # enough to build the same pipeline again in a worker process.
        self.built_from: tuple[str, ...] | None = None

    @property
    def names(self) -> list[str]:
        return [s.name for s in self.stages]

    def __call__(self, doc: Document) -> Document:
        for stage in self.stages:
            result = stage(doc)
            if self.strict:
                check_writes(stage, doc, result)
            doc = result.evolve(stages=(*result.stages, stage.name))
        return doc

    def run_batch(self, docs: Sequence[Document]) -> list[Document | Exception]:
        """`self(doc)` for each document, stage by stage over all of them, with per-document failures.

        The result for a document is what `self(doc)` returns, or the exception it raises
        (a failing document is left out of the later stages; the others are unaffected).
        Stages with `call_batch` annotate the documents together. `run_batch_kept` also gives
        what the stages before a failure produced.
        """
        return [r.error if isinstance(r, Failed) else r for r in self.run_batch_kept(docs)]

    def run_batch_kept(self, docs: Sequence[Document], *, resume: bool = False) -> list[Document | Failed]:
        """Like `run_batch`, but a failing document comes back as `Failed`: the Document as the
        stages before the failing one left it, with that stage's name and exception.

        With `resume`, a document skips the stages it has already been through (`doc.stages`),
        as for a stored article whose later stages are run again.
        """
        results: list[Document | Failed] = list(docs)
        for stage in self.stages:
            live = [
                (k, r) for k, r in enumerate(results) if isinstance(r, Document) and not (resume and stage.name in r.stages)
            ]
            if not live:
                continue
            done = _call_stage(stage, [doc for _, doc in live])
            for (k, doc), result in zip(live, done, strict=True):
                if isinstance(result, Document) and self.strict:
                    try:
                        check_writes(stage, doc, result)
                    except PipelineError as exc:  # what `self(doc)` would raise, as that document's result
                        result = exc
                results[k] = (
                    result.evolve(stages=(*result.stages, stage.name))
                    if isinstance(result, Document)
                    else Failed(doc=doc, stage=stage.name, error=result)
                )
        return results

    def run(self, docs: Iterable[Document]) -> Iterator[Document]:
        for doc in docs:
            yield self(doc)
