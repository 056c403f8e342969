"""Holder labels in the claim matrix, and the vectorised story scoring (fixtures written for these tests)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from rasid.api import Rasid
from rasid.document import Document
from rasid.stories import build
from rasid.stories.align import align_story
from rasid.stories.features import ArticleFeatures, article_features, cosine, pair_score
from rasid.stories.holders import resolve_back_references, source_label

# One outlet, two tolls for one shelling: its local sources and a quoted local page.
REPORT = """مقتل مدنيين بقصف على بلدة كفرنبودة في ريف حماة

قتل 9 مدنيين بينهم ثلاثة أطفال، اليوم الثلاثاء، جراء قصف مدفعي لقوات النظام على بلدة كفرنبودة في ريف حماة الشمالي، بحسب ما أفادت مصادر محلية من داخل البلدة لعنب بلدي.
وكانت “تنسيقية كفرنبودة” ذكرت أمس، أن 7 مدنيين لقوا حتفهم في القصف على البلدة وسوقها، بينما أكد مراسل عنب بلدي أن القذائف أطلقت من مواقع قوات النظام في بلدة كرناز.
"""

OTHER = """غارات روسية على أطراف مدينة سراقب

شنت طائرات حربية روسية، صباح الأربعاء، ثلاث غارات على الأطراف الشرقية لمدينة سراقب في ريف إدلب، دون ورود أنباء عن إصابات، وفق ما ذكره مراسل عنب بلدي في المدينة.
"""


@pytest.mark.parametrize(
    ("phrase", "outlet", "expected"),
    [
        ("ما أفادت مصادر محلية من داخل البلدة لعنب بلدي", "عنب بلدي", "مصادر محلية"),
        ("مصادر ميدانية", "أورينت نت", "مصادر ميدانية"),
        ("مراسل عنب بلدي في درعا", "عنب بلدي", None),
        ("المراسل", "عنب بلدي", None),
        ("مراسل سانا في حمص", "عنب بلدي", "الوكالة العربية السورية للأنباء"),
        ("أما المرصد السوري فقد", "عنب بلدي", "المرصد السوري لحقوق الإنسان"),
        ("أما المرصد السوري فقد", "المرصد السوري لحقوق الإنسان", None),
        ("مدير مركز الدفاع المدني في سرمدا", "عنب بلدي", "الدفاع المدني السوري"),
        ("ناشطين محليين", "عنب بلدي", "ناشطون"),
        ("لجنة الأهالي في البلدة الشرقية", "عنب بلدي", "لجنة الأهالي"),
    ],
)
def test_source_label_is_short_and_canonical(phrase: str, outlet: str, expected: str | None) -> None:
    assert source_label(phrase, outlet) == expected


def test_linked_actor_names_the_source() -> None:
    actor = {"id": "sdf", "text": "قسد"}
    assert source_label("مدير المركز الإعلامي لقسد", "الجزيرة نت", actor) == "قوات سوريا الديمقراطية"


def test_back_references_take_the_earlier_source() -> None:
    labels = resolve_back_references(["صفحة أخبار القصير", "المصدر نفسه", "الصفحة", None, "مصادر"])
    assert labels == ["صفحة أخبار القصير", "صفحة أخبار القصير", "صفحة أخبار القصير", None, "مصادر"]
    # A bare head noun before the full name, and generic labels stay themselves.
    assert resolve_back_references(["تنسيقية", "تنسيقية البلدة", "مصادر"]) == [
        "تنسيقية البلدة",
        "تنسيقية البلدة",
        "مصادر",
    ]


def _write(tmp: Path, name: str, text: str) -> Path:
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    return path


def test_matrix_holders_are_outlet_and_quoted_source(tmp_path: Path) -> None:
    with Rasid(tmp_path / "h.db") as rasid:
        rasid.analyze([_write(tmp_path, "r.txt", REPORT)], published=dt.date(2022, 5, 10), source="عنب بلدي")
        story_id = int(rasid.store.query("SELECT story_id FROM story_articles")[0][0])
        story = align_story(rasid.store, story_id)
    holders_by_value = {
        v["value"]: v["holders"] for f in story["facts"] if f["fact"] == "killed.civilians" for v in f["values"]
    }
    assert holders_by_value[9] == ["عنب بلدي ← مصادر محلية"]
    assert holders_by_value[7] == ["عنب بلدي ← تنسيقية كفرنبودة"]
    # The phrase as written stays available next to the label.
    assert any("من داخل البلدة" in (c["source_text"] or "") for f in story["facts"] for c in f["claims"])


def test_vectorised_cosines_match_the_reference(tmp_path: Path) -> None:
    docs = [REPORT, OTHER, REPORT.replace("كفرنبودة", "قلعة المضيق")]
    features = [article_features(i + 1, Document(id=str(i), text=t)) for i, t in enumerate(docs)]
    with Rasid(tmp_path / "v.db") as rasid:
        ctx = build._Context(rasid.store)
        for f in features[1:]:
            ctx.count_terms(f)  # the two members count towards IDF, as placed articles do
        pack = build._Pack()
        for f in features[1:]:
            pack.add(f, *ctx.term_arrays(f))
        assert ctx.set_dense(features[0])
        got = ctx.cosines(pack)
        ctx.clear_dense()
        idf = ctx.idf()
        want = [cosine(features[0].terms, m.terms, idf) for m in features[1:]]
        np.testing.assert_allclose(got, want, rtol=1e-9)
        assert got[1] > got[0]  # the same report about another village is closer than an air raid
        # The date-based upper bound never falls below the full score.
        bounds = ctx.bounds(features[0], pack, got)
        scores = [pair_score(features[0], m, ctx.idf()) for m in features[1:]]
        assert all(b >= s for b, s in zip(bounds, scores, strict=True))
        # Dropping a member keeps the others' rows aligned.
        pack.drop(0)
        assert ctx.set_dense(features[0])
        np.testing.assert_allclose(ctx.cosines(pack), want[1:], rtol=1e-9)
        ctx.clear_dense()


def test_the_newcomer_keeps_its_vector_when_the_vocabulary_grows(tmp_path: Path) -> None:
    # Candidates load their terms while the newcomer is scored; growing the arrays then must not erase the
    # newcomer's scattered vector (its cosines silently became 0 when it did).
    docs = [REPORT, REPORT.replace("كفرنبودة", "قلعة المضيق")]
    features = [article_features(i + 1, Document(id=str(i), text=t)) for i, t in enumerate(docs)]
    with Rasid(tmp_path / "g.db") as rasid:
        ctx = build._Context(rasid.store)
        ctx.count_terms(features[1])
        assert ctx.set_dense(features[0])
        before = ctx.cosines(_pack_of(ctx, features[1]))
        ctx.load_df(f"unseen{i}" for i in range(10_000))  # forces the arrays to grow
        after = ctx.cosines(_pack_of(ctx, features[1]))
        ctx.clear_dense()
    assert before[0] > 0.5
    np.testing.assert_allclose(after, before, rtol=1e-12)


def _pack_of(ctx: build._Context, member: ArticleFeatures) -> build._Pack:
    pack = build._Pack()
    pack.add(member, *ctx.term_arrays(member))
    return pack


def test_incremental_grouping_matches_one_batch(tmp_path: Path) -> None:
    texts = {"a.txt": REPORT, "b.txt": OTHER, "c.txt": REPORT.replace("9 مدنيين", "10 مدنيين")}
    groups = []
    for mode in ("batch", "incremental"):
        folder = tmp_path / mode
        folder.mkdir()
        paths = [_write(folder, n, t) for n, t in texts.items()]
        with Rasid(folder / "g.db") as rasid:
            if mode == "batch":
                rasid.analyze(paths, published=dt.date(2022, 5, 10), source="عنب بلدي")
            else:
                for path in paths:
                    rasid.analyze([path], published=dt.date(2022, 5, 10), source="عنب بلدي")
            rows = rasid.store.query(
                "SELECT a.origin, s.story_id FROM story_articles s JOIN articles a ON a.id = s.article_id"
            )
        by_name = {Path(o).name: s for o, s in rows}
        groups.append((by_name["a.txt"] == by_name["c.txt"], by_name["a.txt"] == by_name["b.txt"]))
    assert groups[0] == groups[1] == (True, False)
