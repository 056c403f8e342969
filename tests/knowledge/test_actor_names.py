"""ACLED names by the event's date and country, actors beyond Syria, and what is never an actor."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from rasid.knowledge.actors import KnowledgeDataError, acled_actor_name, load_actors

D2015 = dt.date(2015, 8, 1)


@pytest.mark.parametrize(
    ("actor_id", "day", "expected"),
    [
        ("us_forces", D2015, "Military Forces of the United States (2009-2017)"),
        ("us_forces", dt.date(2018, 5, 1), "Military Forces of the United States (2017-2021)"),
        ("us_government", dt.date(2023, 5, 1), "Government of the United States (2021-2025)"),
        ("centcom", dt.date(2025, 6, 1), "Military Forces of the United States (2025-)"),
        ("israeli_forces", D2015, "Military Forces of Israel (2009-2021)"),
        ("israeli_air_force", dt.date(2022, 1, 10), "Military Forces of Israel (2021-2022)"),
        ("israel_government", dt.date(2024, 1, 10), "Government of Israel (2022-)"),
        ("iraq_government", D2015, "Government of Iraq (2014-2018)"),
        ("iraq_army", dt.date(2019, 1, 1), "Military Forces of Iraq (2018-2020)"),
        ("iraq_police", dt.date(2023, 1, 1), "Police Forces of Iraq (2022-)"),
        ("saa", D2015, "Military Forces of Syria (2000-2024)"),
        ("saudi_forces", D2015, "Military Forces of Saudi Arabia (2015-)"),
        ("turkish_forces", D2015, "Military Forces of Turkey (2014-)"),
        ("turkish_police", D2015, "Police Forces of Turkey (2014-)"),
        ("egypt_police", D2015, "Police Forces of Egypt (2014-)"),
        ("yemen_army", D2015, "Military Forces of Yemen (2012-) Hadi-aligned"),
        ("yemen_army", dt.date(2023, 1, 1), "Military Forces of Yemen (2022-)"),
        ("hts", D2015, "Jabhat al Nusra"),
        ("hts", dt.date(2016, 9, 1), "Jabhat Fateh al Sham"),
        ("hts", dt.date(2017, 2, 1), "HTS: Hayat Tahrir al Sham"),
        ("kurdish_forces", D2015, "YPG: People's Protection Units"),
        ("kurdish_forces", dt.date(2016, 3, 1), "SDF: Syrian Democratic Forces"),
        ("fsa", D2015, "Free Syrian Army"),
        ("division_30", D2015, "Division 30"),
    ],
)
def test_a_name_is_the_one_in_use_on_the_event_day(actor_id: str, day: dt.date, expected: str) -> None:
    assert acled_actor_name(actor_id, day, "Syria") == expected


def test_without_a_day_the_current_name_is_given() -> None:
    assert acled_actor_name("hts") == "HTS: Hayat Tahrir al Sham"
    assert acled_actor_name("us_forces").endswith("(2025-)")
    # before the first period, the first label; the actor's default `acled_name` is today's
    assert (
        acled_actor_name("us_forces", dt.date(1999, 1, 1))
        == "Military Forces of the United States (2009-2017)"
    )
    assert load_actors().get("civilians").acled_name == "Civilians (Syria)"


@pytest.mark.parametrize(
    ("actor_id", "country", "expected"),
    [
        ("isis", "Iraq", "Islamic State (Iraq)"),
        ("isis", "IRQ", "Islamic State (Iraq)"),
        ("isis", "yemen", "Islamic State (Yemen)"),
        ("isis", None, "Islamic State (Syria)"),
        ("civilians", "Yemen", "Civilians (Yemen)"),
        ("unidentified_armed_group", "Egypt", "Unidentified Armed Group (Egypt)"),
        ("protesters", "Palestine", "Protesters (Palestine)"),
        ("rioters", "Palestine", "Rioters (Palestine)"),
        ("civilians", "Atlantis", "Civilians (Syria)"),  # an unknown country: the actor's own
        # the same words name another force in another country
        ("us_led_coalition", "Yemen", "Military Forces of Saudi Arabia (2015-)"),
        ("us_led_coalition", "Saudi Arabia", "Military Forces of Saudi Arabia (2015-)"),
        ("us_led_coalition", "Iraq", "Global Coalition Against Daesh"),
        ("arab_tribal_forces", "Iraq", "Sunni Tribal Militia (Iraq)"),
        ("arab_tribal_forces", "Syria", "Arab Ethnic Militia (Syria)"),
        ("kurdish_forces", "Turkey", "PKK: Kurdistan Workers Party"),
        ("kurdish_forces", "Iraq", "Peshmerga (Kurdistan Regional Government)"),
        ("republican_guard", "Yemen", "Houthis (Ansar Allah)"),
        ("opposition_factions", "Libya", "Unidentified Armed Group (Libya)"),
        ("opposition_factions", "Syria", "Opposition Rebels (Syria)"),
        ("iran_backed_militias", "Iraq", "Popular Mobilization Forces"),
        ("ansar_al_sharia", "Yemen", "AQAP: Al Qaeda in the Arabian Peninsula"),
        ("ansar_al_sharia", "Libya", "Ansar al Sharia (Libya)"),
        ("yemen_popular_resistance", "Lebanon", "Hezbollah"),
        ("yemen_popular_resistance", "Yemen", "Popular Resistance (Yemen)"),
        ("insurgents", "Yemen", "Houthis (Ansar Allah)"),
        ("insurgents", "Turkey", "PKK: Kurdistan Workers Party"),
        ("insurgents", "Iraq", "Unidentified Armed Group (Iraq)"),
    ],
)
def test_a_name_follows_the_event_country(actor_id: str, country: str | None, expected: str) -> None:
    assert acled_actor_name(actor_id, D2015, country) == expected


@pytest.mark.parametrize(
    ("actor_id", "words", "country", "expected"),
    [
        ("saa", "الجيش", "Yemen", "Military Forces of Yemen (2012-) Hadi-aligned"),
        ("saa", "والجيش", "Iraq", "Military Forces of Iraq (2014-2018)"),
        ("saa", "القوات الحكومية", "Egypt", "Military Forces of Egypt (2014-)"),
        ("syria_police", "الشرطة", "Turkey", "Police Forces of Turkey (2014-)"),
        ("syria_police", "قوات الأمن", "Iraq", "Military Forces of Iraq (2014-2018)"),
        ("syria_police", "قوات الأمن", "Saudi Arabia", "Police Forces of Saudi Arabia (2015-)"),
        ("saudi_border_guards", "حرس الحدود", "Jordan", "Military Forces of Jordan (1999-)"),
        # a name that says whose forces they are keeps them
        ("saa", "قوات النظام", "Lebanon", "Military Forces of Syria (2000-2024)"),
        ("saa", "الجيش", "Syria", "Military Forces of Syria (2000-2024)"),
        ("saa", "الجيش", None, "Military Forces of Syria (2000-2024)"),
    ],
)
def test_a_local_word_names_the_forces_of_the_event_country(
    actor_id: str, words: str, country: str | None, expected: str
) -> None:
    assert acled_actor_name(actor_id, D2015, country, words) == expected


def test_every_actor_has_a_complete_name_on_any_day_in_any_country() -> None:
    kb = load_actors()
    for actor in kb.all():
        for day in (D2015, dt.date(2024, 12, 20), None):
            for country in ("Syria", "Yemen", None):
                name = kb.acled_name_on(actor.id, day, country)
                assert name and "{" not in name and "()" not in name, (actor.id, day, country, name)


@pytest.mark.parametrize(
    ("words", "actor_id"),
    [
        ("الحوثيين", "houthis"),
        ("أنصار الله", "houthis"),
        ("ميليشيا الحوثي", "houthis"),
        ("مليشيات الحوثي وصالح", "houthis"),
        ("الانقلابيين", "houthis"),
        ("قوات المخلوع صالح", "houthis"),
        ("المقاومة الشعبية", "yemen_popular_resistance"),
        ("الجيش الموالي للشرعية", "yemen_army"),
        ("قوات هادي", "yemen_army"),
        ("طيران التحالف العربي", "saudi_forces"),
        ("قوات التحالف العربي", "saudi_forces"),
        ("حرس الحدود السعودي", "saudi_border_guards"),
        ("القوات الإماراتية", "uae_forces"),
        ("الحشد الشعبي", "pmf"),
        ("منظمة بدر", "badr_organization"),
        ("البيشمركة", "peshmerga"),
        ("أبناء العشائر", "arab_tribal_forces"),
        ("الصحوات", "sahwa"),
        ("جهاز مكافحة الإرهاب", "iraq_army"),
        ("الشرطة الاتحادية", "iraq_police"),
        ("حزب العمال الكردستاني", "pkk"),
        ("المتمردين الأكراد", "pkk"),
        ("بيجاك", "pjak"),
        ("الجندرمة", "turkish_police"),
        ("أنصار بيت المقدس", "sinai_province"),
        ("قوات الاحتلال", "israeli_forces"),
        ("المستوطنين", "israeli_settlers"),
        ("حركة فتح", "fatah"),
        ("قوات حفتر", "libya_lna"),
        ("داعش", "isis"),
        ("الدواعش", "isis"),
        ("المقاومة", "yemen_popular_resistance"),
        ("المتمردين", "insurgents"),
        ("قوات الطوارئ الخاصة", "saudi_police"),
    ],
)
def test_the_press_names_of_actors_beyond_syria(words: str, actor_id: str) -> None:
    found = load_actors().lookup(words, at=D2015)
    assert found and found[0].id == actor_id


def test_division_30_and_the_national_army_by_date() -> None:
    kb = load_actors()
    assert kb.lookup("الفرقة 30", at=D2015)[0].id == "division_30"
    assert kb.lookup("الفرقة 30", at=dt.date(2019, 1, 1))[0].id == "rg_30th_division"
    assert kb.lookup("الجيش الوطني", at=D2015)[0].id == "yemen_army"
    assert kb.lookup("الجيش الوطني", at=dt.date(2019, 1, 1))[0].id == "sna"


def test_the_free_syrian_army_is_found_as_the_entity_matcher_spells_it() -> None:
    # The tokenizer's norm drops the article of "الحر" ("حر"): the longest match must still be the FSA,
    # not "الجيش السوري" (the regime's army) followed by a stray word.
    index = load_actors().alias_index()
    assert index["جيش سوري حر"] == ["fsa"]
    assert "fsa" in index["جيش حر"]
    assert index["سلاح جو روسي"] == ["russian_air_force"]


@pytest.mark.parametrize(
    "words",
    ["دمشق", "بغداد", "موسكو", "طهران", "واشنطن", "الرياض", "بيروت", "الأقل", "يكون", "تستمر", "كلا",
     "الطريق الرئيسي", "ممثلين", "التحالف", "الحشد", "فتح", "حزب العمال"],
)  # fmt: skip
def test_cities_fragments_and_ambiguous_words_are_not_actors(words: str) -> None:
    assert load_actors().lookup(words) == []


_HEAD = "variant_groups: []\narticle_prefixes: [ال]\n"
_ACTOR = "actors:\n  - {id: a_one, name_ar: أ, name_en: A, type: militia, side: opposition, inter: 2, country: USA, "


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (_HEAD + "countries: {USA: United States}\n" + _ACTOR + "acled_name: 'A ({period})'}\n", "needs periods"),
        (_HEAD + "countries: {USA: United States}\n" + _ACTOR + "acled_name: 'A ({place})'}\n", "unknown placeholder"),
        (_HEAD + "countries: {USA: United States}\n" + _ACTOR + "acled_name: 'A {country'}\n", "stray brace"),
        (
            _HEAD + "countries: {USA: United States}\nperiods:\n  USA: [{label: '2017-', from: 2017-01-20},"
            " {label: '2009-2017', from: 2009-01-20, to: 2017-01-19}]\n" + _ACTOR + "acled_name: A}\n",
            "date order",
        ),
        (_HEAD + "countries: {XYZ1: Nowhere}\n" + _ACTOR + "acled_name: A}\n", "bad country code"),
        (
            _HEAD + "countries: {USA: United States}\n" + _ACTOR + "acled_name: A, acled_by_country: {USA: {actor: b}}}\n",
            "unknown actor",
        ),
        (
            _HEAD + "countries: {USA: United States}\n" + _ACTOR + "acled_name: A, acled_by_country: {FRA: {name: B}}}\n",
            "not in 'countries'",
        ),
        (
            _HEAD + "countries: {USA: United States}\n" + _ACTOR + "acled_name: A, aliases: [{name: ب, local: navy}]}\n",
            "local must be",
        ),
        (
            _HEAD + "countries: {USA: United States}\n" + _ACTOR + "acled_name: A, acled_by_country: {USA: {actor: b_two}}}\n"
            "  - {id: b_two, name_ar: ب, name_en: B, type: militia, side: opposition, inter: 2, acled_name: B,\n"
            "     acled_by_country: {USA: {name: C}}}\n",
            "has its own acled_by_country",
        ),
        (_HEAD + "countries: {USA: United States}\nnot_event_actors: [outlet]\n" + _ACTOR + "acled_name: A}\n",
         "not_event_actors"),
        (_HEAD + "countries: {USA: United States}\nlocal_forces: {USA: {military: nobody}}\n" + _ACTOR + "acled_name: A}\n",
         "unknown actor"),
    ],
)  # fmt: skip
def test_naming_data_is_validated_on_load(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "actors_bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(KnowledgeDataError, match=problem) as err:
        load_actors(path)
    assert "actors_bad.yaml" in str(err.value)


def test_a_valid_small_file_resolves_its_periods(tmp_path: Path) -> None:
    path = tmp_path / "actors_ok.yaml"
    path.write_text(
        _HEAD
        + "countries: {USA: United States, IRQ: Iraq}\nperiods:\n  USA: [{label: '2009-2017', from: 2009-01-20,"
        " to: 2017-01-19}, {label: '2017-', from: 2017-01-20}]\n"
        + _ACTOR
        + "acled_name: 'Forces of A ({period})'}\n"
        + "  - {id: b_two, name_ar: ب, name_en: B, type: militia, side: opposition, inter: 2,"
        " acled_name: 'B ({country})'}\n",
        encoding="utf-8",
    )
    kb = load_actors(path)
    assert kb.get("a_one").acled_name == "Forces of A (2017-)"
    assert kb.acled_name_on("a_one", D2015) == "Forces of A (2009-2017)"
    assert kb.acled_name_on("b_two", D2015, "Iraq") == "B (Iraq)"
    assert kb.acled_name_on("b_two", D2015) == "B"  # no country anywhere: the words alone


def test_a_government_in_a_violent_event_is_named_by_its_army() -> None:
    kb = load_actors()
    assert (
        kb.acled_name_on("syria_government", D2015, "Syria", violent=True)
        == "Military Forces of Syria (2000-2024)"
    )
    assert kb.acled_name_on("syria_government", D2015, "Syria") == "Government of Syria (2000-2024)"
    assert kb.acled_name_on("us_government", D2015, "Iraq", violent=True) == (
        "Military Forces of the United States (2009-2017)"
    )
    assert (
        kb.acled_name_on("iraq_government", D2015, "Iraq", violent=True)
        == "Military Forces of Iraq (2014-2018)"
    )
    assert kb.acled_name_on("hts", D2015, "Syria", violent=True) == "Jabhat al Nusra"  # not a government


def test_outlets_and_monitors_are_listed_as_no_event_actors() -> None:
    kb = load_actors()
    assert kb.naming.silent_types == {"media", "monitor"}
    assert kb.get("sohr").type in kb.naming.silent_types and kb.get("saa").type not in kb.naming.silent_types
