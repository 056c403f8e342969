"""The built-in pipeline stages, registered by name. Later stages build on earlier ones."""

from __future__ import annotations

from rasid.pipeline import Stage, register_stage


def _text_stage() -> Stage:
    from rasid.text.stage import TextStage

    return TextStage()


register_stage("text", _text_stage)


def _entity_stage() -> Stage:
    from rasid.extract.entities import EntityStage

    return EntityStage()


register_stage("entities", _entity_stage)



def _event_stage() -> Stage:
    from rasid.extract.events import EventStage

    return EventStage()


register_stage("events", _event_stage)

DEFAULT_STAGES: list[str] = ["text", "entities", "events"]
