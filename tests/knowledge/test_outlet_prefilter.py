"""Outlet detection with its prefilter finds exactly what a scan of every outlet name finds.

`OutletBase` rules most names out of an article with substring tests before running their
regexes, and its mention regex is written to start with a literal. The reference below runs
every name's regexes, with the mention regex in its plain form, over many generated articles;
any detection the fast path dropped, added or reordered makes the comparison fail.
"""

from __future__ import annotations

import random
import re
from collections import Counter

import pytest

from rasid.knowledge.actors import OutletBase, OutletDetection, _fold_with_offsets, load_outlets


class _ReferenceOutlets(OutletBase):
    """Every name pattern scanned (behind the original first-word filter only)."""

    def _pattern_evidence(
        self, folded: str, lines: list[tuple[int, int, str]]
    ) -> list[tuple[object, str, int, int, str]]:  # type: ignore[override]
        out: list[tuple[object, str, int, int, str]] = []
        for p in self._patterns:
            if p.first_word not in folded:
                continue
            esc = re.escape(_fold_with_offsets(p.name)[0]).replace("\\ ", "\\s+")
            plain_mention = re.compile(r"(?<!\w)" + esc + r"(?!\w)")
            for m in p.attribution.finditer(folded):
                out.append((p.outlet, "attribution", m.start(), m.end(), p.name))
            for m in p.dash.finditer(folded):
                # The line holding the dash; a dash alone on its line counts on the name's line.
                line_no = next(i for i, (s, e, _) in enumerate(lines) if s <= m.start() < e or s > m.start())
                near_top = line_no < 2 and m.start() - lines[line_no][0] < 60
                out.append((p.outlet, "dateline" if near_top else "caption", m.start(), m.end(), p.name))
            for m in plain_mention.finditer(folded):
                out.append((p.outlet, "mention", m.start(), m.end(), p.name))
        return out


class _DroppingOutlets(OutletBase):
    """A broken prefilter that loses the last candidate name: the comparison must notice."""

    def _candidate_patterns(self, folded: str) -> list:  # type: ignore[type-arg]
        return super()._candidate_patterns(folded)[:-1]


def _clone(base: OutletBase, cls: type[OutletBase]) -> OutletBase:
    other = cls.__new__(cls)
    other.__dict__.update(base.__dict__)
    return other


_SENTENCES = [
    "قصفت قوات النظام بالمدفعية الثقيلة أطراف بلدة كفرنبل في ريف إدلب الجنوبي",
    "أفاد ناشطون بسقوط قتيلين وعدد من الجرحى بين المدنيين جراء غارة جوية",
    "وتشهد المنطقة تصعيدا عسكريا منذ مطلع الشهر الجاري وسط نزوح مئات العائلات",
    "وقال مصدر عسكري إن وحدات الجيش تصدت لهجوم على نقاط التماس قرب سراقب",
    "وأعلنت فصائل المعارضة تدمير آلية عسكرية بصاروخ موجه على محور الغاب",
    "وذكر الدفاع المدني أن فرقه انتشلت جثث الضحايا من تحت الأنقاض",
    "وتواصلت الاشتباكات حتى ساعات الفجر الأولى دون أن تتغير خرائط السيطرة",
    "وفي دير الزور استهدف مجهولون سيارة تقل عناصر من قوات سوريا الديمقراطية",
    "وتحدثت وكالة محلية عن وصول تعزيزات إلى مدينة حلب والمناطق المحيطة بها",
    "ونقلت قناة إخبارية عن سكان قولهم إن الانفجار سمع في أرجاء العاصمة دمشق",
    "وقالت المصادر إن العرب في المنطقة يتابعون التطورات بقلق شديد",
    "وأشار التقرير إلى أن العربية هي لغة البيانات الرسمية الصادرة عن الطرفين",
]
_PLACES = ["دمشق", "حلب", "إدلب", "حماة", "درعا", "القامشلي", "بيروت", "أنقرة"]
_DATES = ["الثلاثاء 3 أيلول 2019", "2024-11-30", "السبت 1 حزيران"]
_QUOTES = ['"', "«", "“", "(", ""]
_SPACES = [" ", "  ", "\t", " \n"]


def _names(base: OutletBase) -> list[str]:
    return [n for o in base.all() for n in (*o.names, *o.line_cues)]


def _decorated(rng: random.Random, name: str) -> str:
    """An outlet name as an article may write it: attributed, quoted, glued, in a dateline..."""
    sp = rng.choice(_SPACES)
    words = name.split()
    if len(words) > 1 and rng.random() < 0.3:
        name = sp.join(words)  # other spacing between the words of the name
    q = rng.choice(_QUOTES)
    close = {"«": "»", "“": "”", "(": ")"}.get(q, q)
    forms = [
        f"ل{name}",
        f"لـ{q}{name}{close}",
        f"لل{name[2:]}" if name.startswith("ال") else f"ل {name}",
        f"مصادر {q}{name}{close}",
        f"وقال مراسل {name}",
        # The longest attribution words, spaces and a quote before the name: the most text a
        # match may hold before the name, which bounds where its regexes start scanning.
        f"{rng.choice(['لمراسلة', 'حصريا', 'مراسلو', 'ل'])}{sp}{sp}{q}{sp}{name}{close}",
        f"قالت{sp}لمراسلة{sp}{q}{name}",
        f"خاص {name}",
        f"- {name}",
        f"— {q}{name}{close}",
        f"({name})",
        f"( {name} )",
        f"{name}ية",  # glued suffix: no mention
        f"و{name}",  # glued prefix: no mention
        f"بحسب {name}",
        f"{name}.",
        f"{name}،",
    ]
    return rng.choice(forms)


def _article(rng: random.Random, names: list[str]) -> tuple[str, str | None]:
    lines: list[str] = []
    if rng.random() < 0.3:
        lines.append(rng.choice(names))  # masthead
    if rng.random() < 0.2:
        lines.append(f"المصدر: {rng.choice(names)}")
    if rng.random() < 0.4:
        lines.append(f"{rng.choice(_PLACES)} - {rng.choice(names)} - {rng.choice(_DATES)}")
    for _ in range(rng.randint(1, 6)):
        words = rng.choice(_SENTENCES).split()
        for _ in range(rng.randint(0, 3)):
            words.insert(rng.randint(0, len(words)), _decorated(rng, rng.choice(names)))
        lines.append(" ".join(words) + rng.choice([".", "،", ":", ""]))
        if rng.random() < 0.2:
            lines.append("")
    ending = rng.random()
    if ending < 0.3:
        lines.append(rng.choice(names))  # sign-off
    elif ending < 0.45:
        lines.append(f"({rng.choice(names)})")
    elif ending < 0.55:
        lines.append(f"نقلا عن: {rng.choice(names)}")
    elif ending < 0.65:
        lines.append(f"تحرير - {rng.choice(names)}")
    url = None
    domains = [d for o in OUTLETS.all() for d in o.domains]
    if rng.random() < 0.25:
        url = rng.choice([f"https://www.{rng.choice(domains)}/news/1", "https://example.org/a", "sana.sy/?p=2"])
    if rng.random() < 0.1:
        lines.append(f"https://{rng.choice(domains)}/archive/{rng.randint(1, 999)}")
    return "\n".join(lines), url


OUTLETS = load_outlets()
_RNG = random.Random(20191207)
_CORPUS = [_article(_RNG, _names(OUTLETS)) for _ in range(800)]


def _fields(found: list[OutletDetection]) -> list[tuple[object, ...]]:
    return [(d.outlet.id, d.evidence, d.score, d.span, d.matched, d.kinds) for d in found]


def test_fast_detection_equals_full_scan_on_generated_articles() -> None:
    reference = _clone(OUTLETS, _ReferenceOutlets)
    kinds: Counter[str] = Counter()
    several = 0
    for text, url in _CORPUS:
        expected = reference.detect_all(text, url)
        assert _fields(OUTLETS.detect_all(text, url)) == _fields(expected), text
        folded = _fold_with_offsets(text)[0]
        lines = OutletBase._lines(folded)
        assert OUTLETS._pattern_evidence(folded, lines) == reference._pattern_evidence(folded, lines), text
        kinds.update(k for d in expected for k in d.kinds)
        several += len(expected) > 1
    # The corpus exercises every kind of evidence and many articles naming several outlets.
    for kind in ("url", "signoff", "masthead", "dateline", "attribution", "caption", "mention"):
        assert kinds[kind] >= 20, (kind, kinds)
    assert several >= 200


def test_comparison_notices_a_dropped_name() -> None:
    reference = _clone(OUTLETS, _ReferenceOutlets)
    broken = _clone(OUTLETS, _DroppingOutlets)
    differing = sum(
        _fields(broken.detect_all(text, url)) != _fields(reference.detect_all(text, url)) for text, url in _CORPUS
    )
    assert differing >= 50


@pytest.mark.parametrize(
    "text",
    [
        "قال مصدر للجزيرة إن القصف استمر.",  # "لل" + name without its article
        "وقالت مصادر لـ«الجزيرة مباشر» إن الطريق قطع.",
        "نقلت  الجزيرة\nنت عن شهود أن الطيران حلق فوق المدينة.",  # other spacing inside the name
        "دمشق - سانا\nأعلنت الوزارة إعادة فتح الطريق الدولي.",
        "اندلعت اشتباكات (رويترز) في الريف.\nرويترز",
        "تقرير العربية.نت عن معارك الريف الشمالي",
        "وكالةسانا والجزيرةنت بلا مسافة لا تعدان ذكرا للمنفذين.",
    ],
)
def test_fast_detection_equals_full_scan_on_edge_cases(text: str) -> None:
    reference = _clone(OUTLETS, _ReferenceOutlets)
    assert _fields(OUTLETS.detect_all(text)) == _fields(reference.detect_all(text))


@pytest.mark.parametrize(
    ("text", "outlet", "dash_kind"),
    [
        ("قصف على ريف حماة الشمالي ونزوح عشرات العائلات.\n—\nرويترز", "reuters", "dateline"),
        ("حلب —\n«سانا»\nأعلنت الوزارة إعادة فتح الطريق.", "sana", "dateline"),
        (
            "أعلنت الوزارة إعادة فتح الطريق الدولي بين حلب ودمشق.\nوقال مسؤول إن العمل استمر أسابيع.\n"
            "وأضاف أن الحركة ستعود تدريجيا.\nوتابع أن الجسور أصلحت.\n—\n(سانا)",
            "sana",
            "caption",
        ),
    ],
)
def test_dash_alone_on_its_line_counts_on_the_name_line(text: str, outlet: str, dash_kind: str) -> None:
    # A dash on a line of its own used to stop detection with StopIteration (no line held it).
    found = OUTLETS.detect_all(text)
    assert found and found[0].outlet.id == outlet and found[0].evidence == "signoff"
    assert dash_kind in found[0].kinds
