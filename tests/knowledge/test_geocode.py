"""Tests for rasid.knowledge.geocode: nested phrases, ambiguity, precision, offsets, repeats."""

from __future__ import annotations

import pytest

from rasid.knowledge.geocode import GeoResult, geocode, resolve_phrase, resolve_sentences
from rasid.knowledge.places import load_places

ALEPPO_CITY = "gn-170063"


def _found(text: str) -> list[tuple[str, GeoResult]]:
    return [(text[s:e], r) for s, e, r in resolve_phrase(text)]


def _by_place(text: str) -> dict[str, GeoResult]:
    return {r.place_id: r for _, r in _found(text)}


def test_neighbourhood_in_city_keeps_container():
    text = "سقطت قذائف على حي الخالدية بحلب مساء الأحد، وأصيب ثلاثة مدنيين."
    ((span, res),) = _found(text)
    assert span == "حي الخالدية بحلب"
    assert res.place_type == "neighbourhood"
    assert res.container_id == ALEPPO_CITY
    assert res.admin1 == "Aleppo"
    assert text[res.head[0] : res.head[1]] == "الخالدية"
    # Coordinates approximate -> "part of a town".
    assert res.geo_precision == 2


def test_same_name_resolved_by_container():
    homs = _by_place("اندلعت اشتباكات في حي الخالدية بحمص.")
    assert list(homs) == ["sy-homs-khalidiyah"]
    assert homs["sy-homs-khalidiyah"].container_id == "gn-169577"


def test_countryside_of_governorate_is_precision_3():
    ((span, res),) = _found("قصفت الطائرات مواقع في ريف إدلب الجنوبي فجر اليوم.")
    assert span == "ريف إدلب الجنوبي"
    assert res.place_id == "gov-idlib"
    assert res.geo_precision == 3
    assert res.qualifier == "southern countryside"


def test_countryside_of_town_is_precision_2_at_the_town():
    ((_, res),) = _found("نزح الأهالي من قرى ريف منبج الشرقي.")
    assert res.place_id == "gn-167357"
    assert res.geo_precision == 2
    assert res.qualifier == "eastern countryside"


def test_village_in_countryside_is_most_specific():
    ((span, res),) = _found("تقدمت الفصائل نحو قرية العيس بريف حلب الجنوبي صباح الخميس.")
    assert span == "قرية العيس بريف حلب الجنوبي"
    assert res.place_id == "sy-al-eis"
    assert res.container_id == "gov-aleppo"


def test_direction_relative_to_governorate_links_town():
    ((span, res),) = _found("قصف مدفعي طال مدينة دارة عزة غربي محافظة حلب وأوقع جرحى.")
    assert span == "مدينة دارة عزة غربي محافظة حلب"
    assert res.place_id == "gn-170857"
    assert res.container_id == "gov-aleppo"
    assert res.geo_precision == 1


def test_city_versus_governorate():
    assert _found("دخلت الفصائل مدينة حلب")[0][1].place_id == ALEPPO_CITY
    assert _found("التوتر يعود إلى حلب")[0][1].place_id == ALEPPO_CITY
    gov = _found("قتل مستشار في محافظة حلب")[0][1]
    assert gov.place_id == "gov-aleppo"
    assert gov.geo_precision == 3


def test_dual_governorates_and_dual_countryside():
    ids = [r.place_id for _, r in _found("تصعيد في محافظتي حلب وإدلب خلال الأسبوع.")]
    assert ids == ["gov-aleppo", "gov-idlib"]
    res = [r for _, r in _found("تواصلت المعارك العنيفة في ريفي حماة وإدلب.")]
    assert [r.place_id for r in res] == ["gov-hama", "gov-idlib"]
    assert all(r.qualifier == "countryside" and r.geo_precision == 3 for r in res)


def test_coordinated_list_shares_container():
    text = "تقدمت الفصائل في كل من خان العسل ومعارة النعسان وتل كلبة وكفرناها بريفي حلب وإدلب."
    res = _by_place(text)
    assert {"sy-aleppo-khan-al-asal", "sy-maarat-nasan", "sy-tal-kalbah", "sy-kafr-naha"} <= set(res)
    assert res["sy-aleppo-khan-al-asal"].container_id == "gov-aleppo"
    assert res["sy-maarat-nasan"].container_id == "gov-idlib"


def test_dual_neighbourhood_cue_with_comma_and_quotes():
    text = "وأصيب مدنيون بشظايا القذائف في حيي “الشعار، الصاخور” شرقي المدينة."
    res = _by_place(text)
    assert {"sy-aleppo-shaar", "sy-aleppo-sakhour"} <= set(res)
    assert all(r.place_type == "neighbourhood" for r in res.values())


def test_landmarks_bases_roads():
    text = "انسحبت القوات من مطار حلب الدولي وأكاديمية الأسد نحو قاعدة حميميم قرب الطريق الدولي M5."
    res = _by_place(text)
    assert {"sy-aleppo-airport", "sy-aleppo-assad-academy", "sy-hmeimim", "sy-road-m5"} <= set(res)
    assert res["sy-road-m5"].geo_precision == 2
    assert res["sy-aleppo-airport"].container_id == ALEPPO_CITY


def test_assad_alone_is_not_a_place():
    assert _found("قالت مصادر إن قوات الأسد والميليشيات الموالية لنظام الأسد انسحبت") == []
    assert [r.place_id for _, r in _found("بحيرة الأسد")] == ["sy-lake-assad"]


def test_ambiguous_common_words_need_context():
    assert _found("فتح الباب أمام المفاوضات وتقدمت الفصائل في الميدان") == []
    assert [r.place_id for _, r in _found("قصف مدينة الباب")] == ["gn-174018"]
    midan = _found("سقطت قذيفة على حي الميدان")
    assert midan and midan[0][1].place_type == "neighbourhood"
    # Clitics are not split off to make a place out of a foreign name.
    found = _found("زار الوفد بيروت ولبنان")
    assert [(surface, r.country) for surface, r in found] == [("بيروت", "Lebanon"), ("لبنان", "Lebanon")]
    assert found[1][1].place_type == "country" and found[1][1].geo_precision == 3


def test_outskirts_and_parts_of_city_are_precision_2():
    ((_, res),) = _found("بلغ القتال الضواحي الغربية لمدينة حلب")
    assert res.place_id == ALEPPO_CITY and res.geo_precision == 2
    assert res.qualifier == "western outskirts"
    ((_, east),) = _found("اجتماع في حلب الشرقية")
    assert east.place_id == ALEPPO_CITY and east.geo_precision == 2


def test_clitics_and_offsets():
    text = "وعاد الهدوء إلى بالأتارب وللسفيرة ولحلب"
    for start, end, res in resolve_phrase(text):
        assert res.head is not None
        assert text[res.head[0] : res.head[1]] in text[start:end]
    assert {r.place_id for _, r in _found(text)} >= {"gn-174030", "gn-172503", ALEPPO_CITY}


def test_geocode_single_mentions():
    res = geocode("ريف حلب الغربي")
    assert res is not None and res.place_id == "gov-aleppo" and res.geo_precision == 3
    assert geocode("مدينة حلب").place_id == ALEPPO_CITY
    assert geocode("محافظة حلب").place_id == "gov-aleppo"
    assert geocode("قرية العيس").place_id == "sy-al-eis"
    assert geocode("بلدة الزربة").place_id == "gn-172045"
    # An ambiguous name given explicitly is still geocoded.
    assert geocode("الميدان") is not None
    assert geocode("لا شيء هنا") is None


def test_geocode_uses_hints():
    assert geocode("الخالدية", container_hint="gn-169577").admin1 == "Homs"
    assert geocode("الخالدية", context="قتلى بقصف على مدينة حمص").admin1 == "Homs"
    assert geocode("الخالدية").admin1 == "Aleppo"


def test_results_carry_coordinates_inside_syria():
    kb = load_places()
    text = "قصف على دوما وحرستا وجوبر في الغوطة الشرقية، وعلى البوكمال والميادين في دير الزور."
    found = _found(text)
    by_id = {r.place_id: r for _, r in found}
    # "في الغوطة الشرقية" / "في دير الزور" are folded into the lists they locate.
    assert {"gn-170592", "gn-169897", "sy-dam-jobar", "gn-174448", "gn-173480"} <= set(by_id)
    assert by_id["gn-170592"].container_id == "sy-eastern-ghouta"
    assert by_id["gn-174448"].container_id == "gov-deir-ez-zor"
    for _, r in found:
        place = kb.get(r.place_id)
        assert (r.lat, r.lon) == (place.lat, place.lon)
        assert 32.3 <= r.lat <= 37.4 and 35.6 <= r.lon <= 42.4


def test_repeated_sentences_resolve_the_same_way():
    # Resolution is memoised per word and per phrase; repeats (in any order) must not change answers.
    # Its speed is measured by `rasid bench`, not here.
    sentences = [
        "وذكر ناشطون أن الفصائل دخلت قرية العيس بريف حلب الجنوبي إثر اشتباكات عنيفة.",
        "قتل ثلاثة مدنيين بقصف على حي الخالدية بحلب، بحسب الدفاع المدني.",
        "وأكد المتحدث أن الحكومة عازمة على بسط سيطرتها على المناطق كلها بأسرع وقت.",
        "استهدفت غارات روسية مدينة دارة عزة غربي محافظة حلب إضافة إلى سراقب وسرمين.",
    ]
    first = [resolve_phrase(s) for s in sentences]
    assert first[0] and first[1] and first[3] and not first[2]
    for _ in range(3):
        assert [resolve_phrase(s) for s in reversed(sentences)] == first[::-1]


@pytest.mark.parametrize("text", ["", "   ", "١٢٣", "M"])
def test_degenerate_input(text):
    assert resolve_phrase(text) == []


@pytest.mark.parametrize(
    ("with_cue", "word_between"),
    [
        ("قصف على مدينة الباب", "قصف على مدينة كبيرة الباب"),
        ("تقدم في ريف حلب الغربي", "تقدم في ريف واسع حلب الغربي"),
    ],
)
def test_a_cue_does_not_reach_over_an_unrelated_word(with_cue, word_between):
    # The scan only visits words that can start a name or modify one; a word it skips must still
    # end the run of cue words before it.
    [(start, _end, res)] = resolve_phrase(with_cue)
    assert with_cue[start:].startswith(("مدينة", "ريف"))
    assert res.place_type == "city" or res.qualifier == "western countryside"
    found = resolve_phrase(word_between)
    assert all(not word_between[s:].startswith(("مدينة", "ريف")) for s, _, _ in found)
    assert all(r.qualifier != "western countryside" for _, _, r in found)
    # "الباب" is also a common word: without its cue it is not a place at all.
    if "الباب" in word_between:
        assert found == []


def test_geocode_returns_the_same_result_when_asked_again():
    first = geocode("حي الخالدية بحمص")
    again = geocode("حي الخالدية بحمص")
    assert first is not None and first == again
    assert geocode("ريف إدلب الجنوبي") != first


# ---------------------------------------------------------------- places outside Syria


def _one(text: str) -> GeoResult:
    ((_span, res),) = _found(text)
    return res


@pytest.mark.parametrize(
    ("text", "country", "iso", "admin1", "name_en"),
    [
        ("قتل ثلاثة مدنيين بقصف على مدينة تعز", "Yemen", 887, "Taizz", "Taizz"),
        ("سيطرت المقاومة على قاعدة العند الجوية", "Yemen", 887, "Lahij", "Al Anad"),
        ("اشتباكات عنيفة في زنجبار", "Yemen", 887, "Abyan", "Zinjibar"),
        ("سقطت قذائف على مدينة نجران", "Saudi Arabia", 682, "Najran", "Najran"),
        ("هجوم على حاجز في العريش", "Egypt", 818, "North Sinai", "Al Arish"),
        ("انفجار سيارة مفخخة في بغداد", "Iraq", 368, "Baghdad", "Baghdad"),
        ("اشتباكات في الرمادي", "Iraq", 368, "Al Anbar", "Ramadi"),
        ("قتل جنديان في هجوم بولاية شرناق", "Turkey", 792, "Sirnak", "Sirnak"),
        ("اشتباكات في مخيم عين الحلوة", "Lebanon", 422, "South", "Ain al-Hilweh"),
        ("غارات على بنغازي", "Libya", 434, "Benghazi", "Benghazi"),
    ],
)
def test_places_outside_syria_have_country_iso_and_admin1(text, country, iso, admin1, name_en):
    res = _one(text)
    assert (res.country, res.iso, res.admin1, res.name_en) == (country, iso, admin1, name_en)
    assert res.country_code == load_places().get(res.place_id).country


def test_a_country_alone_is_country_level():
    res = _one("تصاعد القتال في اليمن")
    assert (res.place_type, res.geo_precision, res.country, res.iso) == ("country", 3, "Yemen", 887)
    syria = _one("الحرب في سوريا")
    assert (syria.country, syria.iso) == ("Syria", 760)


def test_direction_of_a_city_is_precision_2():
    res = _one("اشتباكات جنوب غرب مدينة تعز")
    assert (res.name_en, res.geo_precision, res.qualifier) == ("Taizz", 2, "south-western part")
    res = _one("هجوم انتحاري شمالي الرمادي")
    assert (res.name_en, res.geo_precision) == ("Ramadi", 2)


def test_district_cue_is_the_main_town_at_precision_2():
    res = _one("غارات على مديرية المسراخ")
    assert (res.name_en, res.geo_precision) == ("Al Misrakh", 2)
    res = _one("قصف مدفعي على قضاء تلعفر")
    assert (res.name_en, res.country, res.geo_precision) == ("Tal Afar", "Iraq", 2)
    # A bare name is the town itself.
    assert _one("قصف مدفعي على تلعفر").geo_precision == 1


def test_neighbourhood_of_another_city_is_that_city():
    # Al-Qusour is a Homs neighbourhood; one in Deir ez-Zor is not in the gazetteer.
    res = _one("سقطت قذائف على حي القصور في دير الزور")
    assert res.admin1 == "Deir ez-Zor" and res.place_type == "city"
    assert (res.geo_precision, res.qualifier) == (2, "neighbourhood")
    homs = _one("سقطت قذائف على حي القصور في حمص")
    assert homs.place_id == "sy-homs-qusour"


@pytest.mark.parametrize(
    "text",
    [
        "خرجت مظاهرة سلمية في المدينة",  # peaceful
        "قالت قناة الميادين إن الاشتباكات مستمرة",  # the channel
        "نقلت الميادين عن مصادر",
        "نشر حساب ابن قاسيون صورا",  # a handle
        "أعلن تنظيم القاعدة مسؤوليته",  # al-Qaeda
        "بدأت عملية عاصفة الحزم",  # the operation, not Al Hazm
        "أكد الخبر مصدر مطلع",  # the news, not Khobar
        "وصل الوفد عبر معبر حدودي",  # a crossing, not Mabar
        "اعتقل بحجة التعامل مع المعارضة",  # a pretext, not Hajjah
    ],
)
def test_common_words_and_names_are_no_places(text):
    assert _found(text) == []


@pytest.mark.parametrize(
    ("text", "name_en"),
    [
        ("سيطر التنظيم على مدينة القريتين", "Al Qaryatayn"),
        ("تقدمت القوات في القريتين", "Al Qaryatayn"),
        ("وصلت التعزيزات إلى القريتين", "Al Qaryatayn"),
        ("غارات على مدينة الميادين", "Al Mayadin"),
        ("قصف الطيران مواقع في الميادين", "Al Mayadin"),
        ("اشتباكات في مدينة القاعدة بمحافظة إب", "Al Qaidah"),
    ],
)
def test_ambiguous_names_are_places_in_place_context(text, name_en):
    assert _one(text).name_en == name_en


@pytest.mark.parametrize(
    ("sentences", "country"),
    [
        (["أحرق مستوطنون منزلا في قرية دوما جنوب نابلس", "وتوفي الطفل متأثرا بحروقه في دوما"], "Palestine"),
        (["قصفت قوات النظام مدينة عربين في الغوطة الشرقية", "وقتل خمسة مدنيين في دوما"], "Syria"),
        (["قتل جنديان في هجوم على كمين في الشيخ زويد", "وقصف الجيش مواقع جنوب رفح"], "Egypt"),
        (["قصفت طائرات الاحتلال خان يونس", "وقتل فلسطيني في رفح"], "Palestine"),
        (["سيطر الحوثيون على مواقع في اليمن", "واشتباكات في مدينة البيضاء"], "Yemen"),
        (["اشتباكات بين قوات حفتر ومسلحين في بنغازي", "وانفجار في مدينة البيضاء"], "Libya"),
    ],
)
def test_shared_names_read_in_the_article_countries(sentences, country):
    last = resolve_sentences(sentences)[-1]
    assert last and last[-1][2].country == country


def test_without_context_a_syrian_place_wins_over_a_foreign_town():
    assert geocode("الخالدية").country == "Syria"
    assert _one("قتل خمسة مدنيين في دوما").country == "Syria"
    # ...but a big foreign city is itself.
    assert _one("انفجار في الموصل").country == "Iraq"


def test_a_foreign_namesake_of_a_local_village_is_not_taken():
    # Saqlawiyah (Anbar) is the only "الصقلاوية" in the gazetteer; in Hama it would be a village it lacks.
    res = _one("قصف الطيران قرية الصقلاوية بريف حماة الشمالي")
    assert res.country == "Syria" and res.admin1 == "Hama" and res.geo_precision == 3
    found = resolve_sentences(["قصفت قوات النظام بلدة اللطامنة في ريف حماة", "وقتل مدني في الصقلاوية"])
    assert found[1] == []
    # In a report on Iraq it is Hawija.
    found = resolve_sentences(["اشتباكات جنوب كركوك", "وقتل خمسة في الحويجة"])
    assert found[1][0][2].name_en == "Hawija"


def test_geocode_without_context_skips_an_ambiguous_foreign_village():
    assert geocode("كنعان") is None
    assert geocode("كنعان", context="اشتباكات في بعقوبة بمحافظة ديالى").name_en == "Kanaan"
    assert geocode("حصيبة").country == "Iraq"


def test_a_name_joined_by_and_after_an_unknown_place_keeps_the_locative():
    # "العند" is a place only after في/ب; in "في جبهتي بلة والعند" the في governs the whole list,
    # though the gazetteer does not know "بلة"
    for text in ("دارت معارك عنيفة في جبهتي بلة والعند فجرا", "دارت معارك عنيفة في بلة والعند فجرا"):
        assert [r.place_id for _s, _e, r in resolve_phrase(text)] == ["ye-anad"], text
    # with no locative before the list, the word is not read as the place
    assert resolve_phrase("قال بلة والعند أمس") == []


def test_a_district_after_a_governorate_container_is_a_place_of_its_own():
    text = "قصف على مديرية حرض بمحافظة حجة ومديرية الزهرة التابعة لمحافظة الحديدة"
    assert [r.place_id for _s, _e, r in resolve_phrase(text)] == ["ye-haradh", "ye-zuhrah", "ye-hudaydah"]
