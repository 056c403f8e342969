"""Direct-fire weapons (RPG, snipers, machine guns) inside clashes, and the article folding path."""

from __future__ import annotations

import bisect
import datetime as dt

import pytest

from rasid.extract.events import DocIndex, PhraseMatcher, PhraseSet, event_lexicon
from rasid.text.fold import fold_with_offsets
from rasid.text.normalize import normalize
from tests.extract.events.helpers import unnamed

PUBLISHED = dt.date(2024, 5, 14)


def coded(text: str) -> list[tuple[str, str]]:
    return [(e.event_type, e.sub_event_type) for e in unnamed(text, PUBLISHED)]


CLASH = ("Battles", "Armed clash")
SHELLING = ("Explosions/Remote violence", "Shelling/artillery/missile attack")


@pytest.mark.parametrize(
    "text",
    [
        "اندلعت اشتباكات عنيفة بين فصائل المعارضة وقوات النظام على محور كبانة، استخدمت فيها قذائف آر بي جي.",
        "اشتبك مقاتلون من الفصائل مع عناصر النظام قرب قرية الحويز، وتبادل الطرفان إطلاق قذائف الآر بي جي.",
        "دارت اشتباكات بالأسلحة الرشاشة الثقيلة بين الطرفين على أطراف بلدة تل رفعت.",
        "هاجم عناصر من التنظيم نقطة للجيش في البادية مستخدمين الرشاشات الثقيلة والقناصات.",
        "وقعت مواجهات على جبهة الساحل تبادل فيها الطرفان نيران القناصة والرشاشات المتوسطة.",
        "نصب مسلحون كمينا لدورية عسكرية على طريق السخنة، وأمطروها بالأسلحة الرشاشة والقذائف الصاروخية.",
        "تطور الشجار عند الحاجز إلى تبادل لإطلاق النار بالرشاشات والقذائف استمر ساعتين.",
    ],
)
def test_direct_fire_inside_a_clash_stays_armed_clash(text: str) -> None:
    assert coded(text) == [CLASH]


def test_rpg_alone_against_fighters_is_a_clash() -> None:
    text = "استهدف مقاتلو الفصائل دبابة لقوات النظام بقذيفة آر بي جي على محور الملاجة وأعطبوها."
    assert coded(text) == [CLASH]


@pytest.mark.parametrize(
    "text",
    [
        "قصفت قوات النظام بقذائف المدفعية قرية الفطيرة في جبل الزاوية صباح اليوم.",
        "سقطت قذائف هاون على حي الميدان في دمشق وأدت إلى أضرار مادية.",
    ],
)
def test_indirect_fire_is_still_shelling(text: str) -> None:
    assert coded(text) == [SHELLING]


@pytest.mark.parametrize(
    "text",
    [
        "نفذت وحدات الجيش ضربات مركزة على تجمعات المسلحين في ريف حماة الشمالي، ما أسفر عن مقتل عدد منهم.",
        "وجهت القوات البرية ضربات دقيقة إلى مواقع التنظيم قرب السخنة ودمرت عربة مزودة برشاش.",
    ],
)
def test_ground_strikes_are_shelling(text: str) -> None:
    # "ضربات دقيقة/مركزة" by ground units are artillery or missile fire, not a clash.
    assert coded(text) == [SHELLING]


def test_precise_strikes_by_aircraft_stay_airstrikes() -> None:
    text = "شنت الطائرات الحربية ضربات دقيقة على مقرات الفصائل في جبل الزاوية."
    assert coded(text) == [("Explosions/Remote violence", "Air/drone strike")]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "قُتِلَ ثلاثةُ مدنيينَ أيضاً",
        "قـــتل ١٢ «شخصاً» في إدلب\u200f اليوم",
        "Latin text, no Arabic at all.",
        "مسيّرة إيرانية ضربت الموقع",
    ],
)
def test_article_folding_matches_normalize(text: str) -> None:
    folded, offsets = fold_with_offsets(text)
    norm = normalize(text)
    assert folded == norm.text
    assert list(offsets) == list(norm.offsets)
    # The stored form answers the look-ups the stage makes (text -> folded, folded -> text).
    kept = list(norm.offsets)
    index = DocIndex(text, event_lexicon())
    for j in range(len(text) + 2):
        assert index.to_folded(j) == bisect.bisect_left(kept, j)
    assert [offsets[k] for k in range(-len(kept), len(kept))] == kept + kept  # (negative indices too)


def test_word_level_matcher_checks_the_words_after_a_multi_word_form() -> None:
    # The same first word, followed by different words, matches different forms (and the
    # per-pair plans cached for one article must not leak into the next).
    ps = PhraseSet(["قصف", "قصف مدفعي", "قصف مدفعي عنيف", "غارة جوية*"])
    matcher = PhraseMatcher([ps])
    for text in (
        "قصف مدفعي عنيف على القرية ثم قصف مدفعي ثم قصف",
        "قصف مدفعي عنيفا وغارة جويتان وغارة جوية",
        "قصف مدفعي",
        "غارة",
    ):
        folded = normalize(text).text
        assert [tuple(h) for h in matcher.find_all(folded)[0]] == [tuple(h) for h in ps.find(folded)]
