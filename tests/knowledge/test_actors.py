"""Tests for the actor / outlet / title knowledge base (rasid.knowledge.actors)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from rasid.knowledge.actors import (
    ACTORS_FILE,
    KnowledgeDataError,
    load_actors,
    load_outlets,
    load_titles,
    normalize_alias,
    title_index,
)
from rasid.knowledge.schema import ACTOR_TYPES, INTER_CODES, OUTLET_LEANINGS, SIDES
from rasid.text.normalize import normalize_word

# ---------------------------------------------------------------------- counts and coverage


def test_at_least_150_actors_with_valid_fields() -> None:
    base = load_actors()
    assert len(base) >= 150
    for actor in base.all():
        assert actor.side in SIDES, actor.id
        assert actor.type in ACTOR_TYPES, actor.id
        assert actor.inter in INTER_CODES, actor.id
        assert actor.name_ar and actor.name_en and actor.acled_name, actor.id
        assert actor.name_ar in actor.aliases, actor.id


@pytest.mark.parametrize(
    "actor_id",
    [
        "saa", "fourth_division", "republican_guard", "tiger_forces", "ndf", "russian_forces",
        "russian_air_force", "fifth_corps", "irgc", "nujaba", "liwa_baqir", "fatemiyoun", "hezbollah",
        "berri_clan", "hts", "sna", "sdf", "ypg", "asayish", "isis", "turkish_forces", "us_led_coalition",
        "israeli_forces", "white_helmets", "sohr", "sana", "reuters", "kremlin", "iran_mfa",
        "russian_reconciliation_center", "state_security", "air_force_intelligence", "zahraa_network",
        "military_media", "military_operations_command", "opposition_factions", "kurdish_forces",
        "iran_backed_militias", "russia_backed_militias",
    ],
)  # fmt: skip
def test_issue_actors_present(actor_id: str) -> None:
    assert actor_id in load_actors()


def test_every_side_value_is_used() -> None:
    used = {a.side for a in load_actors().all()}
    for side in ("government", "pro_government", "opposition", "kurdish_led", "foreign_state",
                 "jihadist", "civilian", "monitor", "media"):  # fmt: skip
        assert side in used


# ---------------------------------------------------------------------- aliases and lookup


@pytest.mark.parametrize(
    ("surface", "expected"),
    [
        ("ميليشيا الباقر", "liwa_baqir"),
        ("مليشيات الباقر", "liwa_baqir"),
        ("ميلشيا الباقر", "liwa_baqir"),
        ("لواء الباقر", "liwa_baqir"),
        ("مَلِيشِيَاتُ البَاقِر", "liwa_baqir"),  # diacritics
        ("الميليشيات الإيرانية", "iran_backed_militias"),
        ("المليشيات الايرانيه", "iran_backed_militias"),  # hamza and ة folding
        ("ميليشيات إيران", "iran_backed_militias"),
        ("ميليشيات روسيا", "russia_backed_militias"),
        ("الميليشيات الروسية", "russia_backed_militias"),
        ("ميليشيات آل بري", "berri_clan"),
        ("ميليشيا النجباء الشيعية", "nujaba"),
        ("قوات النظام", "saa"),
        ("ميليشيات أسد", "saa"),
        ("ميليشيا الأسد", "saa"),
        ("شبيحة", "pro_government_militias"),
        ("الإرهابيين", "opposition_factions"),
        ("فصائل المعارضة", "opposition_factions"),
        ("المجموعات المسلحة", "opposition_factions"),
        ("القوات الكردية", "kurdish_forces"),
        ("إدارة العمليات العسكرية", "military_operations_command"),
        ("ردع العدوان", "military_operations_command"),
        ("الطيران الروسي", "russian_air_force"),
        ("الطائرات الحربية التابعة للنظام", "syrian_air_force"),
        ("الكرملين", "kremlin"),
        ("وزارة الخارجية الإيرانية", "iran_mfa"),
        ("المركز الروسي للمصالحة", "russian_reconciliation_center"),
        ("جهاز أمن الدولة", "state_security"),
        ("فرع المخابرات الجوية", "air_force_intelligence"),
        ("شبكة حي الزهراء بحلب", "zahraa_network"),
        ("الخوذ البيضاء", "white_helmets"),
        ("قسد", "sdf"),
        ("الأسايش", "asayish"),
        ("داعش", "isis"),
        ("isis", "isis"),
        ("HTS", "hts"),
        ("المرصد السوري", "sohr"),
    ],
)
def test_lookup_variants(surface: str, expected: str) -> None:
    found = [a.id for a in load_actors().lookup(surface)]
    assert found and found[0] == expected, (surface, found)


def test_lookup_unknown_is_empty() -> None:
    assert load_actors().lookup("مطعم الفلافل") == []
    assert load_actors().lookup("") == []


def test_article_and_militia_variants_are_generated_not_listed() -> None:
    base = load_actors()
    baqir = base.get("liwa_baqir")
    # The data lists only "ميليشيا الباقر"; the plural/short spellings come from variant_groups.
    assert "مليشيات الباقر" not in baqir.aliases
    assert normalize_alias("مليشيات الباقر") in base.alias_index()


def test_alias_index_keys_match_tokenizer_normalisation() -> None:
    index = load_actors().alias_index()
    # Keys are space-joined normalize_word forms, both with the article and without it.
    with_article = " ".join(normalize_word(w) for w in ["الميليشيات", "الإيرانية"])
    assert "iran_backed_militias" in index[with_article]
    assert "iran_backed_militias" in index["ميليشيات ايرانيه"]
    assert all(k == " ".join(k.split()) for k in index)
    assert load_actors().max_alias_words == max(len(k.split()) for k in index)


def test_alias_index_returns_a_copy() -> None:
    index = load_actors().alias_index()
    index["ميليشيات ايرانيه"].append("bogus")
    assert "bogus" not in load_actors().alias_index()["ميليشيات ايرانيه"]


def test_partisan_alias_usage_is_recorded() -> None:
    pairs = load_actors().matching_aliases("ميليشيات أسد")
    assert pairs and all(a.usage == "partisan_opposition" for _, a in pairs)
    pairs = load_actors().matching_aliases("الإرهابيين")
    assert {a.usage for _, a in pairs} == {"partisan_government"}


# ---------------------------------------------------------------------- dates


def test_nusra_alias_dates() -> None:
    base = load_actors()
    [(hts, alias)] = base.matching_aliases("جبهة النصرة")
    assert hts.id == "hts"
    assert alias.valid_on(dt.date(2014, 5, 1))
    assert not alias.valid_on(dt.date(2024, 11, 30))
    [(_, jfs)] = base.matching_aliases("جبهة فتح الشام")
    assert jfs.valid_on(dt.date(2016, 10, 1)) and not jfs.valid_on(dt.date(2018, 1, 1))
    # Partisan outlets still say "جبهة النصرة" in 2024: lookup keeps returning HTS.
    assert [a.id for a in base.lookup("جبهة النصرة", at=dt.date(2024, 11, 30))] == ["hts"]


def test_lookup_prefers_actor_valid_on_date() -> None:
    base = load_actors()
    before = [a.id for a in base.lookup("الجيش السوري", at=dt.date(2019, 8, 1))]
    after = [a.id for a in base.lookup("الجيش السوري", at=dt.date(2025, 2, 1))]
    assert before[0] == "saa"
    assert after[0] == "syria_mod_2024"
    assert set(before) == set(after)


# ---------------------------------------------------------------------- hierarchy


def test_parents_chain_baqir() -> None:
    chain = [a.id for a in load_actors().parents("liwa_baqir")]
    assert chain[:2] == ["iran_backed_militias", "irgc"]
    assert chain[-1] == "iran_government"


def test_parents_chain_division_reaches_government() -> None:
    chain = [a.id for a in load_actors().parents("rg_30th_division")]
    assert chain == ["republican_guard", "saa", "syria_government"]


def test_children_and_unknown_id() -> None:
    base = load_actors()
    assert "liwa_baqir" in {a.id for a in base.children("iran_backed_militias")}
    with pytest.raises(KeyError):
        base.get("no_such_actor")


def test_sides_of_key_actors() -> None:
    base = load_actors()
    expected = {
        "saa": "government", "ndf": "pro_government", "liwa_baqir": "pro_government", "hts": "jihadist",
        "sna": "opposition", "sdf": "kurdish_led", "russian_forces": "foreign_state", "isis": "jihadist",
        "white_helmets": "civilian", "sohr": "monitor", "sana": "media",
    }  # fmt: skip
    for actor_id, side in expected.items():
        assert base.get(actor_id).side == side, actor_id
    assert base.get("saa").acled_name == "Military Forces of Syria (2000-2024)"
    assert base.get("saa").inter == 1 and base.get("ndf").inter == 3


# ---------------------------------------------------------------------- validation failures

_GOOD_ACTOR = (
    "  - {id: a_one, name_ar: الف, name_en: One, type: militia, side: pro_government, inter: 3,\n"
    "     acled_name: One}\n"
)


def _write(tmp_path: Path, name: str, body: str) -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("  - {id: bad, name_ar: ب, name_en: B, type: militia, side: neutral, inter: 3, acled_name: B}\n", "unknown side"),
        ("  - {id: bad, name_ar: ب, name_en: B, type: militia, side: opposition, inter: 9, acled_name: B}\n", "inter"),
        ("  - {id: bad, name_ar: ب, name_en: B, type: militia, side: opposition, inter: 2}\n", "acled_name"),
        ("  - {id: bad, name_ar: ب, name_en: B, type: band, side: opposition, inter: 2, acled_name: B}\n", "unknown type"),
        ("  - {id: bad, name_ar: ب, name_en: B, type: militia, side: opposition, inter: 2, acled_name: B, parent: nowhere}\n",
         "unknown parent"),
        ("  - {id: a_one, name_ar: ب, name_en: B, type: militia, side: opposition, inter: 2, acled_name: B}\n", "duplicate id"),
        ("  - {id: bad, name_ar: ب, name_en: B, type: militia, side: opposition, inter: 2, acled_name: B,\n"
         "     aliases: [{name: ج, from: 2020-01-01, to: 2019-01-01}]}\n", "ends before it starts"),
        ("  - {id: bad, name_ar: ب, name_en: B, type: militia, side: opposition, inter: 2, acled_name: B, colour: red}\n",
         "unknown field"),
    ],
)  # fmt: skip
def test_invalid_actor_file_raises_with_file_and_entry(tmp_path: Path, entry: str, message: str) -> None:
    path = _write(tmp_path, "actors_bad.yaml", "actors:\n" + _GOOD_ACTOR + entry)
    with pytest.raises(KnowledgeDataError) as err:
        load_actors(path)
    assert "actors_bad.yaml" in str(err.value)
    assert "entry #2" in str(err.value)
    assert message in str(err.value)


def test_parent_cycle_is_rejected(tmp_path: Path) -> None:
    body = (
        "actors:\n"
        "  - {id: x, name_ar: س, name_en: X, type: militia, side: opposition, inter: 2, acled_name: X, parent: y}\n"
        "  - {id: y, name_ar: ص, name_en: Y, type: militia, side: opposition, inter: 2, acled_name: Y, parent: x}\n"
    )
    with pytest.raises(KnowledgeDataError, match="cycle"):
        load_actors(_write(tmp_path, "cycle.yaml", body))


def test_broken_yaml_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(KnowledgeDataError, match=r"broken\.yaml"):
        load_actors(_write(tmp_path, "broken.yaml", "actors: [ {id: x, name_ar: \n"))
    with pytest.raises(KnowledgeDataError, match="not found"):
        load_actors(tmp_path / "absent.yaml")


def test_minimal_valid_file_loads(tmp_path: Path) -> None:
    body = "variant_groups: [[ميليشيا, مليشيات]]\narticle_prefixes: [ال]\nactors:\n" + _GOOD_ACTOR.replace(
        "name_ar: الف", "name_ar: ميليشيا الاختبار"
    )
    base = load_actors(_write(tmp_path, "ok.yaml", body))
    assert len(base) == 1
    assert [a.id for a in base.lookup("مليشيات الاختبار")] == ["a_one"]


def test_outlet_with_unknown_actor_is_rejected(tmp_path: Path) -> None:
    text = ACTORS_FILE.with_name("outlets.yaml").read_text(encoding="utf-8")
    broken = text.replace("actor: orient_news,", "actor: orient_typo,", 1)
    with pytest.raises(
        KnowledgeDataError, match=r"outlets_bad\.yaml: entry #1 \(orient_news\): unknown actor"
    ):
        load_outlets(_write(tmp_path, "outlets_bad.yaml", broken))


def test_title_with_unknown_kind_is_rejected(tmp_path: Path) -> None:
    text = ACTORS_FILE.with_name("titles.yaml").read_text(encoding="utf-8")
    broken = text.replace("kind: rank}", "kind: grade}", 1)
    with pytest.raises(KnowledgeDataError, match=r"titles_bad\.yaml: entry #1: unknown kind"):
        load_titles(_write(tmp_path, "titles_bad.yaml", broken))


# ---------------------------------------------------------------------- outlets

_ORIENT_STYLE = """اشتباكات بين مجموعات موالية في حي السكري بحلب
اندلعت اشتباكات عنيفة مساء الثلاثاء بين عناصر من الدفاع الوطني وآخرين من لواء الباقر في حي السكري.
وقالت مصادر محلية لأورينت نت إن الاشتباكات استمرت ساعتين وأسفرت عن جرحى بين المدنيين.
في المقابل نقلت وكالة سانا عن مصدر عسكري أن "الإرهابيين" استهدفوا الحي بالقذائف.
"""

_ENAB_STYLE = """قصف مدفعي على ريف إدلب الجنوبي
استهدفت قوات النظام بقذائف المدفعية بلدة كفرنبل، بحسب ما قاله ناشطون، وذكرت وكالة رويترز نقلا عن مصادر ميدانية أن القصف تواصل حتى الفجر.
وقال مصدر عسكري لرويترز إن التعزيزات وصلت إلى المنطقة.

عنب بلدي
"""


def test_outlet_attribution_in_paragraph() -> None:
    found = load_outlets().detect(_ORIENT_STYLE)
    assert found is not None and found.outlet.id == "orient_news"
    assert found.evidence == "attribution"
    assert found.span is not None
    assert _ORIENT_STYLE[found.span.start : found.span.end] == "لأورينت نت"
    assert found.outlet.actor == "orient_news" and found.outlet.leaning == "pro_opposition"


def test_outlet_signoff_beats_wire_attribution() -> None:
    results = load_outlets().detect_all(_ENAB_STYLE)
    assert results[0].outlet.id == "enab_baladi"
    assert results[0].evidence == "signoff"
    assert results[0].span is not None
    assert _ENAB_STYLE[results[0].span.start : results[0].span.end] == "عنب بلدي"
    reuters = next(r for r in results if r.outlet.id == "reuters")
    assert reuters.evidence == "attribution" and reuters.score < results[0].score


def test_outlet_masthead_line_only_cue() -> None:
    text = "العرب\n\nدمشق - يواصل الجيش السوري انسحابه من أحياء المدينة، وتقول مصادر إن العرب في المنطقة قلقون.\n"
    found = load_outlets().detect(text)
    assert found is not None and found.outlet.id == "alarab" and found.evidence == "masthead"
    # The same word inside a sentence is not evidence.
    assert load_outlets().detect("قال إن العرب في المنطقة قلقون من التصعيد.") is None


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.enabbaladi.net/archives/12345", "enab_baladi"),
        ("https://orient-news.net/ar/news_show/1", "orient_news"),
        ("https://arabic.rt.com/middle_east/1/", "rt_arabic"),
        ("http://www.aa.com.tr/ar/1", "anadolu"),
        ("https://www.syriahr.com/123/", "sohr"),
        ("https://www.sana.sy/?p=1", "sana"),
        ("https://www.skynewsarabia.com/middle-east/1", "skynews_arabia"),
    ],
)
def test_outlet_from_url(url: str, expected: str) -> None:
    found = load_outlets().detect("نص قصير بلا أي إشارة إلى المصدر.", url=url)
    assert found is not None and found.outlet.id == expected
    assert found.evidence == "url" and found.span is None


def test_url_outweighs_text_cues() -> None:
    found = load_outlets().detect(_ORIENT_STYLE, url="https://www.enabbaladi.net/x")
    assert found is not None and found.outlet.id == "enab_baladi"


def test_no_outlet_evidence_returns_none() -> None:
    assert load_outlets().detect("قتل ثلاثة مدنيين بقصف على ريف حماة.", url="https://example.org/a") is None


def test_dateline_and_quoted_attribution() -> None:
    text = "حلب - سانا\nتصدت وحدات من الجيش لهجوم على محور الراشدين.\n"
    found = load_outlets().detect(text)
    assert found is not None and found.outlet.id == "sana" and found.evidence == "dateline"
    text2 = 'وأكد مصدر عسكري لـ"سكاي نيوز عربية" أن المعارك مستمرة.'
    found2 = load_outlets().detect(text2)
    assert found2 is not None and found2.outlet.id == "skynews_arabia"


def test_outlets_are_valid_and_cover_seed_outlets() -> None:
    outlets = load_outlets().all()
    ids = {o.id for o in outlets}
    assert {"orient_news", "step_news", "alarab", "skynews_arabia", "enab_baladi", "sana", "aljazeera",
            "rt_arabic", "anadolu", "reuters", "sohr", "zahraa_network"} <= ids  # fmt: skip
    base = load_actors()
    for o in outlets:
        assert o.leaning in OUTLET_LEANINGS
        assert o.actor is None or base.get(o.actor).type in {"media", "monitor"}


# ---------------------------------------------------------------------- titles


def _key(text: str) -> str:
    return " ".join(normalize_word(w) for w in text.split())


def test_titles_kinds_and_affiliation() -> None:
    index = title_index()
    captain = index[_key("النقيب")]
    assert captain.kind == "rank" and not captain.implies_affiliation
    assert index[_key("نقيب")] is captain  # article-less key
    spokes = index[_key("الناطق باسم")]
    assert spokes.affiliation == "following" and spokes.implies_affiliation
    assert index[_key("قائد ميليشيا")].affiliation == "following"


@pytest.mark.parametrize(
    ("text", "actor"),
    [
        ("وزير الخارجية الإيراني", "iran_mfa"),
        ("المتحدث باسم الخارجية الإيرانية", "iran_mfa"),
        ("وزير الدفاع التركي", "turkey_mod"),
        ("المتحدث الإيراني", "iran_government"),
        ("المتحدث باسم الكرملين", "kremlin"),
        ("رئيس الأركان الروسي", "russian_forces"),
    ],
)
def test_titles_that_name_their_actor(text: str, actor: str) -> None:
    title = title_index()[_key(text)]
    assert title.affiliation == "fixed" and title.actor == actor
    assert actor in load_actors()


def test_titles_sorted_longest_first_and_actors_exist() -> None:
    titles = load_titles()
    lengths = [len(t.norm) for t in titles]
    assert lengths == sorted(lengths, reverse=True)
    base = load_actors()
    assert all(t.actor is None or t.actor in base for t in titles)
    assert sum(t.kind == "rank" for t in titles) >= 15


def test_attribution_to_name_with_article_uses_lam_lam() -> None:
    text = "وقال قيادي ميداني للجزيرة نت إن المعارك مستمرة على محور سراقب."
    found = load_outlets().detect(text)
    assert found is not None and found.outlet.id == "aljazeera" and found.evidence == "attribution"
    assert found.span is not None and text[found.span.start : found.span.end] == "للجزيرة نت"


def test_signoff_with_source_label() -> None:
    text = "غارات على ريف إدلب\nقتل مدنيان بغارة جوية على بلدة البارة.\nالمصدر: الأناضول\n"
    found = load_outlets().detect(text)
    assert found is not None and found.outlet.id == "anadolu" and found.evidence == "signoff"


def test_lookup_results_are_fresh_lists_and_dates_still_count_after_repeats() -> None:
    base = load_actors()
    first = base.lookup("قوات سوريا الديمقراطية")
    assert first and first[0].id == "sdf"
    first.clear()  # a caller changing its list must not change later answers
    assert [a.id for a in base.lookup("قوات سوريا الديمقراطية")][:1] == ["sdf"]
    # Dated aliases are ranked for each date, however often the same name is looked up.
    for _ in range(3):
        assert base.lookup("الجيش السوري", at=dt.date(2019, 8, 1))[0].id == "saa"
        assert base.lookup("الجيش السوري", at=dt.date(2025, 2, 1))[0].id == "syria_mod_2024"
