"""Memory for one long article is linear and small in its length (issue 13: a 9 MB text took 7.3 GB).

The text and entity stages run on a ~200 KB generated report under tracemalloc; the peak of
traced memory above what was allocated before, per character, stays under a fixed bound. Word
caches are warmed on another text of the same kind first, so the figure is what the article
itself costs, not what a first article fills bounded caches with. See docs/RELIABILITY.md.
"""

from __future__ import annotations

import gc
import random
import tracemalloc

import pytest

from rasid.document import Document
from rasid.extract.entities import EntityStage
from rasid.text.stage import TextStage

# Measured: ~95 bytes per character (text stage ~80, entity stage ~15 above the tokens, the CRF
# tagger a bounded window); the old code peaked at ~450. See docs/RELIABILITY.md.
BYTES_PER_CHAR = 200

_ACTORS = [
    "قوات النظام", "الفصائل المعارضة", "هيئة تحرير الشام", "الميليشيات الإيرانية", "القوات الروسية",
    "قوات سوريا الديمقراطية", "الجيش التركي", "الجيش الوطني السوري", "حزب الله اللبناني", "تنظيم داعش",
]
_PLACES = [
    "مدينة حلب", "ريف إدلب الجنوبي", "بلدة سراقب", "مدينة دير الزور", "حي الشعار", "مدينة البوكمال",
    "ريف حماة الشمالي", "بلدة كفرنبل", "مدينة الرقة", "مدينة درعا", "بلدة معرة النعمان", "مدينة منبج",
]
_DAYS = ["أمس الأحد", "اليوم الاثنين", "صباح الثلاثاء", "مساء الأربعاء", "فجر الخميس", "يوم الجمعة"]
_PEOPLE = [
    "العقيد سامر الحسن", "الناطق باسم الفصائل ناجي مصطفى", "القيادي أبو خالد الشامي",
    "وزير الخارجية الروسي سيرغي لافروف", "مدير المرصد رامي عبد الرحمن", "النقيب عمار الأحمد",
]
_TEMPLATES = [
    "قصفت {actor} {place} {day} بالمدفعية الثقيلة، ما أسفر عن مقتل {n} مدنيين بينهم {m} أطفال.",
    "قال {person} إن {actor} سيطرت على {place} بعد معارك عنيفة استمرت {n} ساعات.",
    "انسحبت {actor} من {place} {day} إثر هجوم شنته {actor2} من عدة محاور.",
    "أفادت مصادر محلية بأن {n} عناصر من {actor} قتلوا في كمين قرب {place}.",
    "وذكر {person} أن الغارات الجوية استهدفت {place} {day} ودمرت {m} منازل.",
    "وتظاهر مئات المدنيين في {place} احتجاجاً على الحصار الذي تفرضه {actor}.",
    "اعتقلت {actor} {n} شباناً من أبناء {place} خلال حملة مداهمات {day}.",
    "وأكد {person} أن {actor} لن تنسحب من {place} قبل التوصل إلى اتفاق مع {actor2}.",
]


def generated_report(size: int, seed: int) -> str:
    """An Arabic war report of about `size` characters, in paragraphs, from the templates above."""
    rng = random.Random(seed)
    paragraphs: list[str] = []
    total = 0
    while total < size:
        sentences = []
        for _ in range(rng.randint(2, 5)):
            template = rng.choice(_TEMPLATES)
            actor, actor2 = rng.sample(_ACTORS, 2)
            sentences.append(
                template.format(
                    actor=actor,
                    actor2=actor2,
                    place=rng.choice(_PLACES),
                    day=rng.choice(_DAYS),
                    person=rng.choice(_PEOPLE),
                    n=rng.randint(3, 90),
                    m=rng.randint(2, 9),
                )
            )
        paragraph = " ".join(sentences)
        paragraphs.append(paragraph)
        total += len(paragraph) + 1
    return "\n".join(paragraphs)[:size]


def _peak_bytes(text: str, stages: list[TextStage | EntityStage]) -> int:
    """Peak traced memory while the stages annotate `text`, above what was allocated before."""
    doc = Document(id="long", text=text, language="und")
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for stage in stages:
            doc = stage(doc)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert doc.mentions, "the entity stage found nothing: the text is not what this test means to measure"
    return peak - before


def test_text_and_entity_stages_stay_under_bytes_per_character() -> None:
    stages: list[TextStage | EntityStage] = [TextStage(), EntityStage()]
    warm = generated_report(60_000, seed=1)
    doc = Document(id="warm", text=warm, language="und")
    for stage in stages:
        doc = stage(doc)
    text = generated_report(110_000, seed=2)  # ~200 KB of UTF-8, over the tagger's window
    per_char = _peak_bytes(text, stages) / len(text)
    assert per_char < BYTES_PER_CHAR, f"{per_char:.0f} bytes of peak memory per character"


@pytest.fixture(scope="module")
def long_doc() -> Document:
    """A report of ~13,000 tokens: the name tagger takes it in windows."""
    return TextStage()(Document(id="long", text=generated_report(70_000, seed=3), language="und"))


def test_a_long_text_is_tagged_in_windows_with_the_labels_of_the_whole(long_doc: Document) -> None:
    from rasid.extract import ner_infer
    from rasid.extract.ner_crf import load_tagger

    assert len(long_doc.tokens) > ner_infer.WINDOW_TOKENS
    tagger = load_tagger()
    windowed = tagger.tag_document(long_doc)
    # The whole text decoded at once, as texts under the threshold are.
    groups = [
        [(t.start, t.end, t.sentence) for t in long_doc.tokens[a:b]]
        for a, b in ner_infer.sentence_ranges([t.sentence for t in long_doc.tokens])
    ]
    sentences = [[long_doc.text[s:e] for s, e, _ in g] for g in groups]
    whole = ner_infer.decoded_spans(groups, tagger._decode_texts([sentences], True, spans_only=True)[0])
    assert [s[:3] for s in windowed] == [s[:3] for s in whole] and len(whole) > 100
    assert max(abs(a[3] - b[3]) for a, b in zip(windowed, whole, strict=True)) < 1e-3


def test_a_long_text_reports_its_progress(long_doc: Document) -> None:
    """A front end listening with `work_progress` hears how far the tagger is through a long text."""
    from rasid.document import work_progress

    doc = long_doc
    heard: list[tuple[str, int, int]] = []
    with work_progress(lambda step, done, total: heard.append((step, done, total))):
        EntityStage()(doc)
    assert heard, "no progress reported for a long text"
    total = heard[-1][2]
    assert total >= 2 and heard[-1][1] == total
    assert [done for _, done, _ in heard] == list(range(total + 1))
    # Outside the block nobody listens, and a normal article reports nothing.
    EntityStage()(TextStage()(Document(id="short", text=generated_report(2_000, seed=4), language="und")))
    assert heard[-1][1] == total and len(heard) == total + 1


def test_a_line_without_punctuation_is_cut_into_bounded_sentences() -> None:
    """Per-sentence work grows faster than the sentence (a 1 MB text on one line, no full stop, took
    the events stage 100 s and 1.9 GB): the splitter cuts such a run at a space every few thousand
    characters, so every stage's per-sentence work is bounded. Real sentences are far shorter."""
    from rasid.text.sentences import MAX_SENTENCE_CHARS, split_sentences

    text = " ".join(generated_report(30_000, seed=5).replace("\n", " ").replace(".", " ").replace("،", " ").split())
    spans = split_sentences(text)
    assert len(spans) >= 5
    assert all(0 < end - start <= MAX_SENTENCE_CHARS for start, end in spans)
    # Cut between words: every word is whole in one piece, none lost.
    assert [w for start, end in spans for w in text[start:end].split()] == text.split()
    assert all(text[end] == " " for _, end in spans[:-1])
