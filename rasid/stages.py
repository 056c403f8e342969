"""The built-in pipeline stages, registered by name, and pipelines built from names.

Each stage class declares the Document fields it `requires` and `assigns`; building a
pipeline from names checks their order (see `rasid.pipeline`). This module depends on
`rasid.pipeline`, never the other way round: the pipeline knows no particular stage.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from rasid.pipeline import Pipeline, PipelineError, Stage

DEFAULT_STAGES: tuple[str, ...] = ("text", "entities", "events")

_REGISTRY: dict[str, Callable[[], Stage]] = {}


def register_stage(name: str, factory: Callable[[], Stage]) -> None:
    """Register a stage factory; factories are called lazily so heavy models load once, on demand."""
    _REGISTRY[name] = factory


def available_stages() -> list[str]:
    return list(_REGISTRY)


def make_stage(name: str) -> Stage:
    """A new stage registered as `name`."""
    factory = _REGISTRY.get(name)
    if factory is None:
        raise PipelineError(f"unknown stage {name!r}; available: {', '.join(_REGISTRY)}")
    return factory()


def build_pipeline(names: Iterable[str], *, strict: bool = False) -> Pipeline:
    """The pipeline of the stages registered under `names`, in that order (checked)."""
    names = tuple(names)
    pipeline = Pipeline([make_stage(name) for name in names], known=_known_stages, strict=strict)
    pipeline.built_from = names
    return pipeline


def default_pipeline() -> Pipeline:
    """text, entities, events: everything Rasid reads from an article."""
    return build_pipeline(DEFAULT_STAGES)


def _known_stages() -> Iterator[Stage]:
    # Only read to suggest a missing stage when a pipeline's order is wrong; the built-in
    # factories are cheap (models load on first use), a failing one is just not suggested.
    for factory in _REGISTRY.values():
        try:
            yield factory()
        except Exception:
            continue


def _text_stage() -> Stage:
    from rasid.text.stage import TextStage

    return TextStage()


def _entity_stage() -> Stage:
    from rasid.extract.entities import EntityStage

    return EntityStage()


def _event_stage() -> Stage:
    from rasid.extract.events import EventStage

    return EventStage()


register_stage("text", _text_stage)
register_stage("entities", _entity_stage)
register_stage("events", _event_stage)
