"""Page furniture in plain text: recognised at ingest, never read as the article, offsets intact."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rasid.api import Rasid
from rasid.ingest.clean import clean_text, line_verdicts
from rasid.ingest.furniture import FurnitureDataError, cut_footer, cut_header, furniture_reason, parse_rules

ARTICLE = [
    "مقتل ثلاثة مدنيين بقصف على مدينة دوما",
    "قتل ثلاثة مدنيين وأصيب خمسة آخرون، صباح اليوم الثلاثاء، جراء قصف مدفعي لقوات النظام على مدينة دوما في الغوطة الشرقية.",
    "وقال الدفاع المدني في بيان إن القصف استهدف سوقا شعبيا وسط المدينة، وإن فرقه انتشلت الضحايا من تحت الأنقاض.",
    "وأضاف البيان أن المدينة تتعرض لقصف متواصل منذ أسبوع.",
]
TWEET = [
    "مقاتلات تقصف مواقع على جبل قاسيون الآن pic.twitter.com/aBcD123",
    "— ابن قاسيون (@ibn_qasioun_sy) 12 أيار 2017",
]
ABOUT = "عنب الزيتون مؤسسة إعلامية سورية مستقلة تأسست عام 2011 وتعمل في مجال الصحافة المكتوبة والمرئية."
FOOTER = ["مقالات ذات صلة", "جميع الحقوق محفوظة لموقع عنب الزيتون 2017"]


def _page(*blocks: list[str] | str) -> str:
    lines: list[str] = []
    for block in blocks:
        lines.extend([block] if isinstance(block, str) else block)
    return "\n".join(lines)


def test_tweet_embed_about_blurb_and_footer_are_dropped() -> None:
    page = _page(ARTICLE[:3], TWEET, ARTICLE[3], ABOUT, FOOTER)
    cleaned = clean_text(page)
    for line in ARTICLE:
        assert line in cleaned.text
    for junk in ("قاسيون", "pic.twitter", "تأسست عام 2011", "جميع الحقوق", "مقالات ذات صلة"):
        assert junk not in cleaned.text
    reasons = [v.reason for v in line_verdicts(page)]
    assert reasons[3:5] == ["tweet", "tweet"] and reasons[6] == "about"


def test_tweet_on_one_line_keeps_the_line_above() -> None:
    page = _page(ARTICLE[:2], " ".join(TWEET), ARTICLE[2:])
    cleaned = clean_text(page)
    assert ARTICLE[1] in cleaned.text and ARTICLE[2] in cleaned.text
    assert "قاسيون" not in cleaned.text


def test_article_sentences_with_furniture_words_are_kept() -> None:
    """Words pages use in widgets also occur in reports; one of them in a long sentence is no widget."""
    report = [
        "وقال التحالف في بيان أرسله عبر البريد الإلكتروني إن طائراته نفذت أربع غارات على مواقع التنظيم قرب مدينة الرقة يوم الأحد.",
        "ونشر ناشطون على تويتر صورا للدمار الذي خلفته الغارات في الأحياء الشرقية من المدينة خلال الليل.",
        "وتأسست الفرقة الثلاثون عام 2014 بدعم أمريكي، وقالت في بيان إنها فقدت خمسة من مقاتليها في المعارك.",
    ]
    cleaned = clean_text("\n".join(report))
    assert cleaned.removed == ()
    assert all(line in cleaned.text for line in report)


def test_header_and_footer_glued_to_the_article_are_cut() -> None:
    header = "الرئيسية أخبار سياسة | آخر الأخبار > > "
    first = header + ARTICLE[1]
    last = ARTICLE[3] + " جميع الحقوق محفوظة لموقع عنب الزيتون 2017 اتصل بنا"
    verdicts = line_verdicts(_page(first, ARTICLE[2], last))
    assert verdicts[0].kept == ARTICLE[1] and verdicts[0].reason == "trimmed"
    assert verdicts[2].kept == ARTICLE[3]
    assert cut_header(ARTICLE[1]) is None and cut_footer(ARTICLE[3]) is None


def test_related_links_after_a_marker_and_repeated_copies_are_dropped() -> None:
    teaser = (
        "تركيا تعلن مقتل جنديين في هجوم لحزب العمال الكردستاني على مخفر حدودي جنوب شرق البلاد الليلة الماضية."
    )
    page = _page(ARTICLE, ARTICLE[1:3], "اقرأ المزيد من المقالات في : مقالات ذات صلة الأكثر قراءة", teaser)
    verdicts = line_verdicts(page)
    assert [v.dropped for v in verdicts] == [False] * 4 + [True] * 4
    assert verdicts[4].reason == "repeat" and verdicts[7].reason == "tail"


def test_menu_lines_and_signoffs() -> None:
    assert furniture_reason("الرئيسية أخبار سياسة اقتصاد رياضة منوعات فيديو اتصل بنا") is not None
    assert furniture_reason("وكالة أنباء الوادي 2018", last=True) == "signoff"
    assert furniture_reason(ARTICLE[3], last=True) is None


def test_bad_furniture_data_names_file_and_line() -> None:
    text = (Path(__file__).parents[2] / "rasid/ingest/data/furniture.yaml").read_text(encoding="utf-8")
    broken = text.replace("line_patterns:\n", "line_patterns:\n  - '(unclosed'\n", 1)
    line = broken.splitlines().index("  - '(unclosed'") + 1
    with pytest.raises(FurnitureDataError, match=rf"furniture\.yaml:{line}: bad pattern"):
        parse_rules(broken)
    with pytest.raises(FurnitureDataError, match="menu_min_hits"):
        parse_rules(text.replace("menu_min_hits: 4", "menu_min_hits: -1"))


def test_furniture_gives_no_events_places_or_actors_and_offsets_hold(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    page = _page(ARTICLE[:3], TWEET, ARTICLE[3], ABOUT, FOOTER)
    (corpus / "page.jsonl").write_text(
        json.dumps(
            {"id": "p1", "text": page, "published": "2017-05-12", "source": "عنب الزيتون"}, ensure_ascii=False
        )
        + "\n",
        encoding="utf-8",
    )
    with Rasid(tmp_path / "t.db") as rasid:
        report = rasid.analyze([str(corpus)])
        assert report.errors == []
        (row,) = list(rasid.articles())
        doc = rasid.document(row.id)
    assert "قاسيون" not in doc.text and "2011" not in doc.text
    for token in doc.tokens:
        assert doc.text[token.start : token.end] == token.text
    for mention in doc.mentions:
        assert doc.text[mention.start : mention.end] == mention.text
        assert "قاسيون" not in mention.text
    for event in doc.events:
        assert str(event.fields.get("event_date", "")) != "2011"
        for spans in event.spans.values():
            for span in spans:
                assert 0 <= span.start <= span.end <= len(doc.text)
    assert doc.events, "the shelling of Douma is still found"


def test_fold_keeps_every_position() -> None:
    """Cuts found on the folded line are applied to the line itself, so lengths must agree."""
    from rasid.ingest.furniture import fold

    for text in ("أإآ ى ة", "İstanbul — أنقرة", "Copyright © 2017 جميع الحقوق محفوظة"):
        assert len(fold(text)) == len(text)
    assert fold("جميع الحقوق محفوظة Copyright") == "جميع الحقوق محفوظه copyright"


def test_a_publication_stamp_ends_the_header_of_the_first_line() -> None:
    from rasid.ingest.furniture import cut_header

    line = (
        "شبكة الأخبار السورية - دمشق : تعزيزات جديدة إلى ريف حماة شارك الخبر تم النشر بتاريخ : 12 آذار , 2017 "
        "09 : 41 : 20 وصلت تعزيزات عسكرية جديدة لقوات النظام إلى ريف حماة الشمالي صباح اليوم وسط قصف مدفعي متواصل"
    )
    start = cut_header(line)
    assert start is not None and line[start:].startswith("وصلت تعزيزات")
    stamped = (
        "وزير يزور المخيمات ( فيديو ) عمان - بترا الأربعاء , 8 آذار 2017 10 : 15 زار وزير الداخلية صباح اليوم مخيم "
        "الزعتري للاجئين السوريين واطلع على أوضاع سكانه والخدمات المقدمة لهم"
    )
    start = cut_header(stamped)
    assert start is not None and stamped[start:].startswith("زار وزير")
