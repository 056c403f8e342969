"""Entity recognition and linking on reports written for these tests."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from rasid.document import Document, Mention
from rasid.extract.entities import EntityStage, person_id
from rasid.pipeline import Pipeline
from rasid.text.stage import TextStage

REPORT = """اجتماع أمني في حلب
عقد قائد ميليشيا الباقر (خالد الحسن العلوش) اجتماعاً مع ضباط روس في حي الحمدانية بحلب، أمس الأحد، بحضور العقيد (سامر العلي) رئيس فرع المخابرات الجوية.
وقال النقيب “ماهر العبدو” القيادي في الجيش الوطني السوري لعنب بلدي إن الاجتماع بحث انسحاب الميليشيات الإيرانية من محيط مطار حلب الدولي.
وقال المتحدث باسم الكرملين دميتري بيسكوف إن موسكو تتابع الوضع.
وأفاد الدفاع المدني السوري بمقتل مدنيين اثنين في قصف على بلدة الأتارب بريف حلب الغربي.
"""


@pytest.fixture(scope="module")
def doc() -> Document:
    pipeline = Pipeline([TextStage(), EntityStage()])
    return pipeline(Document(id="t1", text=REPORT, published=dt.date(2019, 9, 2)))


def _find(doc: Document, mtype: str, text: str) -> Mention:
    for m in doc.mentions:
        if m.type == mtype and text in m.text:
            return m
    raise AssertionError(f"no {mtype} mention containing {text!r}: {[(m.type, m.text) for m in doc.mentions]}")


def test_offsets_point_at_the_words(doc: Document) -> None:
    for m in doc.mentions:
        assert doc.text[m.start : m.end] == m.text


def test_persons_with_titles_are_linked_to_their_actor(doc: Document) -> None:
    commander = _find(doc, "person", "خالد الحسن العلوش")
    assert commander.kb_id == person_id("خالد الحسن العلوش")
    assert commander.attrs["affiliation"] == "liwa_baqir"
    assert commander.attrs["side"] == "pro_government"
    captain = _find(doc, "person", "ماهر العبدو")
    assert captain.attrs["affiliation"] == "sna"
    assert captain.attrs["side"] == "opposition"
    spokesman = _find(doc, "person", "دميتري بيسكوف")
    assert spokesman.attrs["affiliation"] == "kremlin"


def test_person_ids_are_stable_across_spellings() -> None:
    assert person_id("خالد الحسن العلوش") == person_id("خالد  الحسن  العلوش")
    assert person_id("أكرم الكعبي") == person_id("اكرم الكعبي")


def test_actors_are_linked_with_side_and_parent(doc: Document) -> None:
    baqir = _find(doc, "actor", "ميليشيا الباقر")
    assert baqir.kb_id == "liwa_baqir"
    assert baqir.attrs["side"] == "pro_government" and baqir.attrs["parent"]
    iran = _find(doc, "actor", "الميليشيات الإيرانية")
    assert iran.kb_id == "iran_backed_militias"
    assert _find(doc, "actor", "الدفاع المدني").attrs["side"] == "civilian"


def test_places_are_geocoded_to_the_most_specific_place(doc: Document) -> None:
    hamdaniya = _find(doc, "place", "الحمدانية")
    assert hamdaniya.attrs["admin1"] == "Aleppo"
    assert hamdaniya.attrs["container_id"] is not None
    atarib = _find(doc, "place", "الأتارب")
    assert atarib.attrs["geo_precision"] == 1
    assert 35.5 < atarib.attrs["lat"] < 37.5 and 35.5 < atarib.attrs["lon"] < 38.5
    airport = _find(doc, "place", "مطار حلب الدولي")
    assert airport.kb_id and "airport" in airport.kb_id


def test_outlet_and_times(doc: Document) -> None:
    assert _find(doc, "outlet", "عنب بلدي").kb_id
    yesterday = _find(doc, "time", "أمس الأحد")
    assert yesterday.attrs["value"] == "2019-09-01"


@pytest.mark.parametrize(
    ("text", "mtype", "surface", "expected"),
    [
        # "الأسد" inside a landmark is the place, not a person or an actor.
        ("اندلعت اشتباكات قرب أكاديمية الأسد في حلب.", "place", "أكاديمية الأسد", "assad"),
        # "ميليشيات روسيا" is the Russian-backed militias, "روسيا" alone the state.
        ("هاجمت ميليشيات روسيا مواقع في المدينة.", "actor", "ميليشيات روسيا", "russia_backed_militias"),
        ("أعلنت روسيا إرسال تعزيزات.", "actor", "روسيا", "russia_government"),
    ],
)
def test_ambiguous_names_resolve_by_context(text: str, mtype: str, surface: str, expected: str) -> None:
    d = Pipeline([TextStage(), EntityStage()])(Document(id="amb", text=text))
    mention = _find(d, mtype, surface)
    assert mention.kb_id is not None and expected in mention.kb_id
    assert not any(m.type == "person" and "الأسد" in m.text for m in d.mentions)


def test_city_versus_governorate() -> None:
    d = Pipeline([TextStage(), EntityStage()])(
        Document(id="g", text="قصفت الطائرات مدينة حلب، فيما دارت معارك في ريف حلب الجنوبي ومحافظة إدلب.")
    )
    city = _find(d, "place", "مدينة حلب")
    countryside = _find(d, "place", "ريف حلب الجنوبي")
    governorate = _find(d, "place", "محافظة إدلب")
    assert city.attrs["geo_precision"] == 1
    assert countryside.attrs["geo_precision"] == 3 and countryside.attrs["admin1"] == "Aleppo"
    assert governorate.attrs["geo_precision"] == 3 and governorate.attrs["admin1"] == "Idlib"


def test_tagged_places_leave_their_proclitics_out() -> None:
    text = "وتتواصل المواجهات في ريفي حماة وإدلب، كما قصفت المدفعية نقاطاً عسكرية بإدلب وأخرى في بنش."
    d = Pipeline([TextStage(), EntityStage()])(Document(id="p", text=text))
    places = [(m.text, m.kb_id) for m in d.mentions if m.type == "place"]
    assert not any(t.startswith(("و", "ب")) and t != "بنش" for t, _ in places), places
    # both countrysides of "ريفي حماة وإدلب" are governorates; the bare "بإدلب" is the city
    idlibs = [m for m in d.mentions if m.type == "place" and m.text == "إدلب"]
    assert [m.attrs["place_type"] for m in idlibs] == ["governorate", "city"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("تجددت المواجهات بين ميليشيات روسيا وإيران قرب المطار.", ["russia_backed_militias", "iran_backed_militias"]),
        ("اجتمعت الميليشيات الإيرانية والروسية في حي الجميلية.", ["iran_backed_militias", "russia_backed_militias"]),
        ("وتبادلت ميليشيات روسية وإيرانية إطلاق النار قرب حمص.", ["russia_backed_militias", "iran_backed_militias"]),
        # a state joined to a force is the state: "قوات روسيا" is not what the text says
        ("قصفت قوات النظام وروسيا بلدة كفرنبل.", ["saa", "russia_government"]),
    ],
)
def test_a_group_noun_carries_over_a_joined_nationality(text: str, expected: list[str]) -> None:
    d = Pipeline([TextStage(), EntityStage()])(Document(id="kin", text=text))
    assert [m.kb_id for m in d.mentions if m.type == "actor"] == expected
    assert not any(m.text.startswith("و") for m in d.mentions if m.type == "actor")


def test_a_place_name_that_begins_with_a_proclitic_letter_keeps_it() -> None:
    from rasid.extract.entities import _place_start

    text = "سقطت قذائف على برزة وبإدلب"
    words = _words(text)
    assert [c.form for c in words[3].clitics] == ["ب"]  # the tokenizer reads "برزة" as ب + رزة
    starts = [w.start for w in words]
    assert _place_start(text, words, starts, 15, 19) == 15  # but Barzeh is a Damascus district
    assert text[_place_start(text, words, starts, 20, 26) : 26] == "إدلب"


def _words(text: str) -> list:
    d = TextStage()(Document(id="w", text=text))
    return [t for t in d.tokens if t.is_word]


def test_phrase_matcher_finds_the_longest_key_through_prefixes_that_are_not_keys() -> None:
    from rasid.extract.entities import _PhraseIndex

    words = _words("قصفت قوات سوريا الديمقراطية القرية ثم انسحبت قوات سوريا منها")
    norms = [t.norm for t in words]
    three = " ".join(norms[1:4])  # "قوات سوريا الديمقراطية"; "قوات سوريا" itself is no key
    index = _PhraseIndex.build({norms[1]: "one", three: "three"})
    matches = EntityStage()._ngram_matches(words, index, norms.__getitem__, range(len(words)))
    assert matches == [(1, 3, "three"), (7, 7, "one")]


def test_phrase_matcher_keeps_keys_inside_one_sentence() -> None:
    from rasid.extract.entities import _PhraseIndex

    words = _words("وصلت قوات سوريا. الديمقراطية كلمة في جملة أخرى.")
    norms = [t.norm for t in words]
    assert words[2].sentence != words[3].sentence
    index = _PhraseIndex.build({norms[1]: "one", " ".join(norms[1:4]): "three"})
    matches = EntityStage()._ngram_matches(words, index, norms.__getitem__, range(len(words)))
    assert matches == [(1, 1, "one")]


def test_overlap_resolution_matches_the_pairwise_definition() -> None:
    import random

    from rasid.extract.entities import _Candidate, _resolve_overlaps

    rng = random.Random(3)
    priority = {"outlet": 5, "place": 4, "actor": 4, "person": 3, "time": 2, "number": 1}
    types = list(priority)
    for _ in range(200):
        cands = []
        for _ in range(rng.randint(0, 25)):
            start = rng.randint(0, 60)
            end = start + rng.randint(0, 12)
            cands.append(_Candidate(start, end, rng.choice(types), None, rng.random(), {}, linked=rng.random() < 0.7))
        # Reference: each candidate in priority order is kept unless it overlaps one kept before.
        ordered = sorted(cands, key=lambda c: (not c.linked, -c.length, -priority[c.type], -c.confidence, c.start))
        kept: list = []
        for c in ordered:
            if c.length > 0 and not any(c.start < k.end and k.start < c.end for k in kept):
                kept.append(c)
        got = _resolve_overlaps(cands)
        assert [id(c) for c in got] == [id(c) for c in sorted(kept, key=lambda c: c.start)]


# ---------------------------------------------------------------- cleaning the tagger's spans


def _clean(text: str, label: str, counts: dict[str, int], bare: frozenset[str] = frozenset()) -> str | None:
    from rasid.extract.entities import _given_names
    from rasid.extract.ner_spans import clean_span, load_span_words
    from rasid.text.tokens import tokenize

    tokens = [t for t in tokenize(text) if t.is_word]
    start = clean_span(text, tokens, label, counts=counts, words=load_span_words(), given=_given_names(), bare_words=bare)
    return None if start is None else text[start:]


def test_proclitics_come_off_names_when_news_writes_the_name_without_them() -> None:
    counts = {"الكويت": 900, "بالكويت": 60, "ديار": 40, "وديار": 3, "الاتحاد": 2000, "والاتحاد": 300, "بوتين": 500}
    assert _clean("بالكويت", "LOC", counts) == "الكويت"
    assert _clean("وديار بكر", "LOC", counts) == "ديار بكر"
    assert _clean("والاتحاد الأوروبي", "ORG", counts) == "الاتحاد الأوروبي"
    # The "base" of بوتين (وتين) is not a word of its own: the name keeps its first letter.
    assert _clean("بوتين", "PERS", counts) == "بوتين"
    # A word the counts do not know loses its proclitic when the document writes it without.
    assert _clean("لهيفاء وهبي", "PERS", counts, frozenset({"هيفاء"})) == "هيفاء وهبي"
    assert _clean("لهيفاء وهبي", "PERS", counts) == "لهيفاء وهبي"


def test_verbs_and_particles_never_start_a_person() -> None:
    counts = {"البياوي": 10}
    assert _clean("وطالب بوقف", "PERS", counts) is None
    assert _clean("وطالب بوقف", "PERS", {"وقف": 300, "بوقف": 40}) is None
    assert _clean("وأكد", "PERS", counts) is None
    assert _clean("وأدت", "PERS", counts) is None
    assert _clean("واستكمل البياوي", "PERS", counts) == "البياوي"
    assert _clean("إن خالد الحسن", "PERS", counts) == "خالد الحسن"
    # "على" (on) and "علي" (Ali) fold alike: the spelling decides.
    assert _clean("على أهمية الإعلام", "PERS", counts) == "أهمية الإعلام"
    assert _clean("علي الأحمدي", "PERS", counts) == "علي الأحمدي"
    # A verb that is also a given name stays a name without و ("طالب الرفاعي").
    assert _clean("طالب الرفاعي", "PERS", counts) == "طالب الرفاعي"
    # Verbs only matter for persons: "أكد" never starts a place, but the rule is not applied there.
    assert _clean("والعراق", "LOC", {"العراق": 100}) == "العراق"


def test_span_word_list_is_validated(tmp_path: Path) -> None:
    from rasid.extract.ner_spans import load_span_words

    good = tmp_path / "ok.txt"
    good.write_text("[verb]\nقال\n[function]\nإن\n", encoding="utf-8")
    assert "قال" in load_span_words(good).verbs
    for content, line in (("قال\n", 1), ("[verb]\nقال\n[noun]\n", 3), ("[verb]\nقال\nقال\n", 3), ("[verb]\nقال بعد\n", 2)):
        bad = tmp_path / f"bad{line}{len(content)}.txt"
        bad.write_text(content, encoding="utf-8")
        with pytest.raises(ValueError, match=rf"{bad.name}:{line}:"):
            load_span_words(bad)


def test_tagger_spans_in_an_article_lose_clitics_and_verbs() -> None:
    text = "وطالب بوقف القتال في اليمن. وقال الوزير إن وفدا وصل بالكويت أمس، ورحبت الحكومة والاتحاد الأوروبي بذلك."
    doc = Pipeline([TextStage()])(Document(id="t2", text=text, published=dt.date(2015, 8, 1)))
    span = lambda s, label: (text.index(s), text.index(s) + len(s), label, 0.9)  # noqa: E731
    spans = [span("وطالب بوقف", "PERS"), span("بالكويت", "LOC"), span("والاتحاد الأوروبي", "ORG")]
    out = EntityStage(use_crf=False)._annotate(doc, spans)
    texts = {(m.type, m.text) for m in out.mentions if m.type in ("person", "place", "actor")}
    assert not any(t == "person" for t, _ in texts), texts
    assert ("place", "الكويت") in texts
    assert any(t == "actor" and s == "الاتحاد الأوروبي" for t, s in texts), texts
