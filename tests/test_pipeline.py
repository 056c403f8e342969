"""Stages declare the Document fields they require and assign; building a pipeline checks the order."""

from __future__ import annotations

import dataclasses
import subprocess
import sys

import pytest

from rasid.document import ANNOTATION_FIELDS, INPUT_FIELDS, Document
from rasid.errors import RasidError
from rasid.extract.entities import EntityStage
from rasid.pipeline import FunctionStage, Pipeline, PipelineError, check_writes
from rasid.stages import DEFAULT_STAGES, available_stages, build_pipeline, default_pipeline, make_stage
from rasid.text.stage import TextStage
from tests.conftest import REPORT_ENGLISH, REPORT_MEETING, REPORT_SHELLING


def _word_count(doc: Document) -> Document:
    return doc.evolve(meta={**doc.meta, "words": sum(t.is_word for t in doc.tokens)})


COUNT = FunctionStage("count", _word_count, requires=("tokens",), assigns=("meta",))


def test_document_fields_are_either_input_or_annotation() -> None:
    names = {f.name for f in dataclasses.fields(Document)}
    assert set(INPUT_FIELDS) | set(ANNOTATION_FIELDS) | {"stages"} == names
    assert not set(INPUT_FIELDS) & set(ANNOTATION_FIELDS)


def test_default_pipeline_runs_the_registered_stages_in_order() -> None:
    assert list(DEFAULT_STAGES) == ["text", "entities", "events"]
    assert set(DEFAULT_STAGES) <= set(available_stages())
    assert default_pipeline().names == list(DEFAULT_STAGES)
    assert build_pipeline(["text", "entities"]).names == ["text", "entities"]


def test_built_in_stages_declare_document_fields() -> None:
    for name in ("text", "entities"):
        stage = make_stage(name)
        declared = set(stage.requires) | set(stage.assigns)
        assert stage.assigns and declared <= set(INPUT_FIELDS) | set(ANNOTATION_FIELDS)
    assert make_stage("text").assigns[:2] == ("sentences", "tokens")
    assert make_stage("entities").requires == ("text", "published", "sentences", "tokens")
    assert make_stage("entities").assigns == ("mentions",)


def test_a_stage_before_what_it_requires_names_the_stage_the_field_and_the_fix() -> None:
    with pytest.raises(PipelineError) as missing:
        build_pipeline(["entities"])
    assert str(missing.value) == (
        "stage 'entities' requires 'sentences', which no earlier stage assigns;"
        " put 'text' before 'entities' (pipeline: entities)"
    )
    with pytest.raises(PipelineError, match=r"put 'text' before 'entities' \(pipeline: entities, text\)"):
        build_pipeline(["entities", "text"])
    # Built from stage objects, the pipeline suggests a stage it holds.
    with pytest.raises(PipelineError, match=r"put 'text' before 'entities' \(pipeline: entities, text\)"):
        Pipeline([EntityStage(), TextStage()])


def test_an_unknown_stage_name_lists_the_available_ones() -> None:
    with pytest.raises(PipelineError, match=r"unknown stage 'entites'; available: text, entities, events"):
        build_pipeline(["text", "entites"])


def test_pipeline_errors_are_rasid_errors_shown_as_one_line() -> None:
    with pytest.raises(RasidError) as error:
        build_pipeline(["entities"])
    assert "\n" not in str(error.value)


def test_a_declaration_must_name_a_document_field() -> None:
    typo = FunctionStage("typo", _word_count, requires=("token",))
    with pytest.raises(PipelineError, match=r"^stage 'typo' requires 'token', which is not a Document field"):
        Pipeline([TextStage(), typo])
    # The pipeline keeps `stages` itself.
    keeper = FunctionStage("keeper", _word_count, assigns=("stages",))
    with pytest.raises(PipelineError, match=r"^stage 'keeper' assigns 'stages', which is not a Document"):
        Pipeline([keeper])


def test_a_custom_stage_with_declared_fields() -> None:
    pipeline = Pipeline([TextStage(), COUNT], strict=True)
    doc = pipeline(Document(id="c", text=REPORT_SHELLING))
    assert doc.meta["words"] == sum(t.is_word for t in doc.tokens) > 10
    assert doc.stages == ("text", "count")
    with pytest.raises(PipelineError) as missing:
        Pipeline([COUNT])
    assert str(missing.value) == (
        "stage 'count' requires 'tokens', which no earlier stage assigns;"
        " add a stage that assigns it before 'count' (pipeline: count)"
    )
    # A later stage may require what a custom stage assigns.
    after = FunctionStage("after", lambda d: d, requires=("meta", "tokens"))
    assert Pipeline([TextStage(), COUNT, after]).names == ["text", "count", "after"]


def test_a_stage_declaring_nothing_requires_nothing() -> None:
    class Plain:
        name = "plain"

        def __call__(self, doc: Document) -> Document:
            return doc

    assert Pipeline([Plain(), TextStage()]).names == ["plain", "text"]  # type: ignore[list-item]


def test_strict_pipeline_fails_on_a_write_the_stage_did_not_declare() -> None:
    sneaky = FunctionStage("sneaky", lambda d: d.evolve(title="x"), requires=("text",), assigns=("tokens",))
    doc = Document(id="s", text=REPORT_MEETING)
    assert Pipeline([sneaky])(doc).title == "x"  # only checked when asked
    with pytest.raises(PipelineError, match=r"^stage 'sneaky' changed 'title', which it does not declare it"):
        Pipeline([sneaky], strict=True)(doc)
    results = Pipeline([sneaky], strict=True).run_batch([doc])
    assert isinstance(results[0], PipelineError)


def test_text_and_entity_stages_write_only_what_they_assign() -> None:
    texts = (REPORT_SHELLING, REPORT_MEETING, REPORT_ENGLISH)
    docs = [Document(id=f"d{k}", text=t) for k, t in enumerate(texts)]
    text, entities = TextStage(), EntityStage()
    for doc in docs:
        annotated = text(doc)
        check_writes(text, doc, annotated)
        check_writes(entities, annotated, entities(annotated))
    strict = build_pipeline(["text", "entities"], strict=True)
    assert strict.run_batch(docs) == [build_pipeline(["text", "entities"])(d) for d in docs]


def test_run_batch_isolates_a_failing_document() -> None:
    def picky(doc: Document) -> Document:
        if "POISON" in doc.text:
            raise ValueError("bad article")
        return doc

    pipeline = Pipeline([TextStage(), FunctionStage("picky", picky, requires=("text",)), COUNT])
    docs = [Document(id="a", text=t) for t in (REPORT_SHELLING, "POISON", REPORT_ENGLISH)]
    results = pipeline.run_batch(docs)
    assert isinstance(results[1], ValueError) and str(results[1]) == "bad article"
    assert [results[0], results[2]] == [pipeline(docs[0]), pipeline(docs[2])]
    for kept in (results[0], results[2]):
        assert isinstance(kept, Document) and kept.stages == ("text", "picky", "count")


def test_the_pipeline_module_does_not_load_the_stages() -> None:
    code = "import sys, rasid.pipeline; sys.exit('rasid.stages' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
