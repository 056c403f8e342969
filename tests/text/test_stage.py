from pathlib import Path

from rasid.document import Document
from rasid.text.stage import TextStage

REPORT = (Path(__file__).parent / "data" / "report_ar.txt").read_text(encoding="utf-8")


def test_stage_fills_document():
    stage = TextStage()
    assert stage.name == "text"
    doc = stage(Document(id="x", text=REPORT))
    assert doc.language == "ar"
    assert [s.index for s in doc.sentences] == list(range(len(doc.sentences)))
    assert len(doc.sentences) == 11
    assert doc.tokens and all(doc.text[t.start : t.end] == t.text for t in doc.tokens)
    first = doc.sentences[0]
    assert doc.sentence_text(first) == "ريف إدلب الجنوبي"
    assert [t.norm for t in doc.tokens_in(first.start, first.end)] == ["ريف", "ادلب", "جنوبي"]


def test_stage_keeps_known_language():
    doc = TextStage()(Document(id="y", text=REPORT, language="en"))
    assert doc.language == "en"


def test_stage_empty_document():
    doc = TextStage()(Document(id="z", text=""))
    assert doc.sentences == () and doc.tokens == () and doc.language == "und"


def test_stage_declares_what_it_reads_and_fills():
    from rasid.pipeline import check_writes

    stage = TextStage()
    assert stage.requires == ("text", "title", "language")
    assert stage.assigns == ("sentences", "tokens", "language")
    for doc in (Document(id="u", text=REPORT), Document(id="k", text=REPORT, language="ar", title="عنوان")):
        check_writes(stage, doc, stage(doc))
