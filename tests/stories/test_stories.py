"""Stories: grouping, claim alignment, recycled news (fixtures written for these tests)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from rasid.api import Rasid
from rasid.document import Document
from rasid.stories.align import align_story, retractions, withdrawal_framing
from rasid.stories.features import ArticleFeatures, Idf, article_features, pair_score

# Two outlets on one shelling in Jisr al-Shughur with different tolls and blame, one unrelated report.
REPORT_A = """قصف مدفعي على سوق جسر الشغور يقتل مدنيين

قتل ستة مدنيين بينهم طفلان وأصيب تسعة آخرون، اليوم الأحد، جراء قصف مدفعي لقوات النظام استهدف سوق الهال في مدينة جسر الشغور بريف إدلب الغربي، بحسب ما أفاد الدفاع المدني السوري.

وقال مراسل الموقع إن القذائف سقطت وقت الذروة في السوق المزدحم بالباعة والمتسوقين.
"""

REPORT_B = """مجزرة في سوق الهال بجسر الشغور

قال المرصد السوري لحقوق الإنسان إن ثمانية مدنيين قتلوا اليوم الأحد بقصف صاروخي على سوق الهال في مدينة جسر الشغور بريف إدلب الغربي، مرجحا أن مصدر القصف مواقع قوات النظام في سهل الغاب.

وأشار المرصد إلى أن حصيلة القتلى مرشحة للارتفاع بسبب وجود جرحى في حالات خطرة في سوق جسر الشغور.
"""

REPORT_C = """هجوم لتنظيم الدولة على حافلة في بادية دير الزور

قتل عشرة عناصر من قوات النظام، يوم الخميس، بهجوم شنه تنظيم الدولة الإسلامية على حافلة عسكرية في بادية الميادين شرقي دير الزور، وفق وكالة الأنباء الرسمية.
"""


def _write(tmp: Path, name: str, text: str) -> Path:
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def fixture_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("stories")
    db = tmp / "s.db"
    with Rasid(db) as rasid:
        rasid.analyze([_write(tmp, "a.txt", REPORT_A)], published=dt.date(2021, 3, 7), source="عنب بلدي")
        rasid.analyze(
            [_write(tmp, "b.txt", REPORT_B)],
            published=dt.date(2021, 3, 7),
            source="المرصد السوري لحقوق الإنسان",
        )
        rasid.analyze([_write(tmp, "c.txt", REPORT_C)], published=dt.date(2021, 6, 10), source="سانا")
        # The first report re-run months later under a new date.
        rasid.analyze(
            [_write(tmp, "a2.txt", REPORT_A.replace("قصف مدفعي على سوق", "بالفيديو: قصف على سوق"))],
            published=dt.date(2021, 9, 20),
            source="شبكة شام",
        )
    return db


def _story_of(rasid: Rasid, name: str) -> int:
    rows = rasid.store.query(
        "SELECT s.story_id FROM story_articles s JOIN articles a ON a.id = s.article_id WHERE a.origin LIKE ?",
        (f"%/{name}",),
    )
    return int(rows[0][0])


def test_grouping_joins_same_incident_and_keeps_others_apart(fixture_db: Path) -> None:
    with Rasid(fixture_db) as rasid:
        a, b, c = (_story_of(rasid, n) for n in ("a.txt", "b.txt", "c.txt"))
        assert a == b
        assert c != a
        row = rasid.store.query("SELECT article_count, outlets FROM stories WHERE id = ?", (a,))[0]
        assert row[0] == 3  # a, b and the re-run of a
        assert "عنب بلدي" in json.loads(row[1])


def test_alignment_marks_contradicted_toll_with_holders(fixture_db: Path) -> None:
    with Rasid(fixture_db) as rasid:
        story = align_story(rasid.store, _story_of(rasid, "a.txt"))
    civilians = [f for f in story["facts"] if f["fact"] == "killed.civilians"]
    assert civilians, story["facts"]
    fact = civilians[0]
    assert fact["status"] == "contradicted"
    values = {v["value"]: v["holders"] for v in fact["values"]}
    assert set(values) >= {6, 8}
    assert any("عنب بلدي" in h for h in values[6])
    assert any("المرصد" in h for h in values[8])


def test_recycled_rerun_is_flagged_and_linked(fixture_db: Path) -> None:
    with Rasid(fixture_db) as rasid:
        rows = rasid.store.query(
            "SELECT a.origin, r.original_article_id, r.reason, r.gap_days FROM recycled r JOIN articles a ON a.id = r.article_id"
        )
        assert len(rows) == 1
        origin, original, reason, gap = rows[0]
        assert origin.endswith("a2.txt")
        first = rasid.store.query("SELECT id FROM articles WHERE origin LIKE '%/a.txt'")[0][0]
        assert original == first and reason == "text reuse" and gap > 30
        rerun = rasid.store.query("SELECT id FROM articles WHERE origin LIKE '%/a2.txt'")[0][0]
        row = rasid.store.get_article(int(rerun))
        assert row is not None and "recycled" in row.flags
        # The original itself is not recycled.
        original_row = rasid.store.get_article(int(first))
        assert original_row is not None and "recycled" not in original_row.flags


def test_pair_score_penalises_distant_dates() -> None:
    doc = Document(id="x", text=REPORT_A, title="")
    near = article_features(1, doc.evolve(published=dt.date(2021, 3, 7)))
    same_day = article_features(2, doc.evolve(published=dt.date(2021, 3, 7)))
    years_later = article_features(3, doc.evolve(published=dt.date(2024, 3, 7)))
    idf = Idf()
    assert pair_score(near, same_day, idf) > 0.6
    assert pair_score(near, years_later, idf) < 0.2


def test_content_similarity_orders_related_reports() -> None:
    fa, fb, fc = (
        article_features(i, Document(id=str(i), text=t)) for i, t in enumerate((REPORT_A, REPORT_B, REPORT_C))
    )
    idf = Idf({t: 1 for f in (fa, fb, fc) for t in f.terms}, 3)
    assert pair_score(fa, fb, idf) > pair_score(fa, fc, idf)
    assert ArticleFeatures.from_json(fa.to_json()) == fa


def test_retraction_and_withdrawal_cues() -> None:
    text = (
        "ونشرت الصفحة ذاتها في البداية أن القصف قتل أطفالاً، ثم عادت لتفند روايتها بعد ساعات.\n"
        "ونفت وزارة الدفاع الروسية الانسحاب من المدينة، وقالت إنها إعادة تموضع.\n"
    )
    doc = Document(id="r", text=text)
    found = retractions(doc)
    assert len(found) == 1 and "تفند روايتها" in found[0]["sentence"]
    framing = withdrawal_framing(doc)
    assert framing is not None and framing[0] == "denied"
    assert withdrawal_framing(Document(id="w", text="أعلن الجيش إعادة انتشار قواته حول المدينة.")) == (
        "redeployment",
        "أعلن الجيش إعادة انتشار قواته حول المدينة.",
    )


def test_an_undated_report_is_no_incident_of_a_later_day() -> None:
    from rasid.stories.align import Incident

    place = {"place_id": "gn-170063", "container_id": None, "name": "حلب"}
    # A report published on the 2nd, giving no day, tells of something that happened by the 2nd.
    early = Incident(1, "violence")
    early.add(place, None, latest="2019-09-02")
    assert not early.accepts("violence", place, "2019-09-07")
    assert early.accepts("violence", place, "2019-09-01")
    # ... and a day told on the 7th is no incident of a report published on the 2nd.
    late = Incident(2, "violence")
    late.add(place, "2019-09-07")
    assert not late.accepts("violence", place, None, latest="2019-09-02")
    assert late.accepts("violence", place, None, latest="2019-09-08")
