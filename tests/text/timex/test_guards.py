"""The scan prefilter and the rule guards skip only positions where nothing can match."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.text.timex.helpers import SHARED


def _scan_both(text: str, ref: dt.datetime | None) -> tuple[list[tuple[int, int, object]], list[tuple[int, int, object]]]:
    from rasid.text.numbers import Folded
    from rasid.text.timex.api import _scan

    out: list[list[tuple[int, int, object]]] = []
    for prefilter in (True, False):
        for direction in ("past", "future"):
            _, found = _scan(Folded(text), ref, direction, prefilter=prefilter)
            out.append([(i, j, v) for i, j, _, v in found])
    return out[0] + out[1], out[2] + out[3]


PREFILTER_TEXTS = [
    "قالت مصادر محلية إن قوات النظام قصفت فجر اليوم السبت بلدة كفرنبل، وذلك بعد يومين من هدوء حذر.",
    "وفي الساعة الثالثة وعشر دقائق مساء الخميس، سقطت قذائف على الحي منذ مطلع شهر آذار/مارس 2019.",
    "وأكد ناشطون أن الاشتباكات اندلعت من 13 الى 15 تموز، ثم عادت بين الأحد والثلاثاء الماضيين.",
    "ونقل المرصد عن مصادره أن الغارات استمرت خلال الـ 24 ساعة الماضية، وقبل ثلاثة أشهر قتل 5 مدنيين.",
    "في غضون أسبوعين عاد النازحون، وفي هذا اليوم بالذات أعلن عن هدنة حتى عيد الأضحى المبارك.",
    "وبحسب البيان الصادر في 21/09/2019 فإن الحصيلة ارتفعت، ويتوقع أن يعقد الاجتماع عند التاسعة صباحا.",
    "وأشار إلى أن ثالث ثلاثاء في أيلول شهد تصعيدا، كما شهد الاثنين الأخير من آذار قصفا عنيفا ليلة الجمعة.",
    "وكانت الفصائل قد سيطرت على المدينة أواخر العام الماضي، ومنذ عام 2016 تغيرت خطوط الجبهة في منتصف ليل الأربعاء.",
    "ويحتفل السكان برأس السنة الهجرية و15 رمضان 1440 وفي العاشر من ذي الحجة، والأسبوع المقبل يوم عرفة.",
    "حوالي الساعة 08:15 م أمس، وبحدود الرابعة فجرا، ونحو الظهر اليوم الحالي، وقرابة الخامسة عصرا.",
]


@pytest.mark.parametrize("text", PREFILTER_TEXTS, ids=[f"text{k}" for k in range(len(PREFILTER_TEXTS))])
def test_prefilter_keeps_every_expression(text: str) -> None:
    fast, full = _scan_both(text, dt.datetime(2019, 9, 21, 12))
    assert full, text  # the fixture must hold expressions, or the comparison proves nothing
    assert fast == full


def test_prefilter_covers_every_lexicon_form() -> None:
    """Each lexicon phrase, bare and behind a proclitic, inside filler words, is found with and
    without the prefilter alike (a missing trigger word would drop it)."""
    from rasid.text.timex import time_lexicon

    lex = time_lexicon()
    tables: list[object] = [lex.months, lex.relative_days, lex.now, lex.pod_nouns, lex.within,
                            lex.holidays, lex.hijri_months, lex.clock_names, lex.weekdays, lex.month_parts]
    phrases: set[str] = set()
    for table in tables:
        for key in table:  # type: ignore[attr-defined]
            phrases.add(" ".join(key) if isinstance(key, tuple) else key)
    assert len(phrases) > 150
    checked = 0
    for phrase in sorted(phrases):
        for text in (f"قال المصدر {phrase} 2019 إن", f"وأكد و{phrase} الماضي 3 ساعات", f"شهر {phrase} الساعة 5"):
            fast, full = _scan_both(text, dt.datetime(2019, 9, 21, 12))
            assert fast == full, text
            checked += bool(full)
    assert checked > 200


@pytest.mark.skipif(not SHARED.exists(), reason="shared data absent")
def test_prefilter_on_reference_corpus() -> None:
    import json

    seen = 0
    for line in (SHARED / "duckling_time_ar_corpus.jsonl").read_text("utf-8").splitlines():
        item = json.loads(line)
        ref = dt.datetime.fromisoformat(item.get("reference_time", "2013-02-12T04:30:00"))
        fast, full = _scan_both(f"وقال {item['phrase']} إن", ref)
        assert fast == full, item["phrase"]
        seen += bool(full)
    assert seen > 150


GUARD_TEXTS = [
    *PREFILTER_TEXTS,
    "وعند الساعة الثالثة والربع وعند الخامسة إلا ربعا، وفي العاشرة والنصف ليلا، وعند ثلاثة وثمانية عشرة دقيقة.",
    "خلال الأسبوع الأول من شهر عشرة 2014 وآخر يوم بشهر عشرة، ومنذ آذار 2020 وهذا الشهر وهذه السنة.",
    "يوم الجمعة 15/3/2019 وبين غد والجمعة ومن الساعة 3 الى الساعة 4 وخلال شهر رمضان والسبت السادس عشر.",
    "وفي 2019 وقبل 3 أيام وبعد أسبوعين وفي 5 أشهر، والخميس من الأسبوع الماضي، وليلة الأحد، ويوم عرفة.",
    "وفي الثالثة فجرا وعند منتصف الليل والساعة 15:23:24 وفي 2013-04-04 و4-4-2014 وفي 2/2013 ومن 1-8 شهر أيلول.",
    "واستمر الحصار الأول إلى الخامس من آب، ثم الثالث حتى السابع من تموز 2019، وتموز 13-15.",
    "وعند لبخمسة مساء",  # two clitics in a row: the clock grammar strips one, the number grammar the other
]


class _Always(dict[str, object]):
    """A memo that gives the same answer for every word (turns a guard off)."""

    def __init__(self, value: object) -> None:
        super().__init__()
        self.value = value

    def get(self, key: object, default: object = None) -> object:
        return self.value


def _guard_texts() -> list[str]:
    from rasid.text.timex import time_lexicon

    lex = time_lexicon()
    phrases: set[str] = set()
    for table in (lex.months, lex.relative_days, lex.now, lex.pod_nouns, lex.within, lex.holidays,
                  lex.hijri_months, lex.clock_names, lex.weekdays, lex.month_parts, lex.units, lex.modifiers):
        for key in table:  # type: ignore[union-attr]
            phrases.add(" ".join(key) if isinstance(key, tuple) else key)
    texts = [*GUARD_TEXTS]
    for phrase in sorted(phrases):
        texts += [f"قال المصدر {phrase} 2019 إن", f"وأكد و{phrase} الماضي 3 ساعات", f"منذ {phrase} الساعة 5",
                  f"في 12 {phrase} القادم", f"الثالث من {phrase} مساء"]
    return texts


def test_rule_guards_are_necessary() -> None:
    """Wherever a rule's guard fails, the rule itself (unguarded) finds nothing there."""
    skipped = sum(_check_guards(text) for text in _guard_texts())
    assert skipped > 10_000


def _check_guards(text: str) -> int:
    """Assert every rule whose guard fails at a token of `text` finds nothing there; count the checks."""
    from rasid.text.numbers import Folded, tokenize
    from rasid.text.timex.guards import RULE_BITS, rule_mask
    from rasid.text.timex.parser import Parser

    checked = 0
    toks = tokenize(Folded(text).text)
    parser = Parser(toks)
    for i, t in enumerate(toks):
        mask = rule_mask(t[0])
        for name, bit in RULE_BITS.items():
            if not mask & bit:
                checked += 1
                assert getattr(Parser, name).__wrapped__(parser, i) is None, (text, t[0], name)
    return checked


def test_rule_guards_keep_every_expression(monkeypatch: pytest.MonkeyPatch) -> None:
    from rasid.text.timex import guards

    ref = dt.datetime(2019, 9, 21, 12)
    texts = _guard_texts()
    guarded = [_scan_both(t, ref) for t in texts]
    monkeypatch.setattr(guards, "_MASKS", _Always(-1))  # every rule bit set
    monkeypatch.setattr(guards, "_ORDINAL_FORMS", _Always(True))
    monkeypatch.setattr(guards, "_NUMBER_WORDS", _Always(True))
    assert [_scan_both(t, ref) for t in texts] == guarded
    assert sum(len(full) for _, full in guarded) > 1500


@pytest.mark.skipif(not SHARED.exists(), reason="shared data absent")
def test_rule_guards_on_reference_corpora() -> None:
    import json

    checked = 0
    for name in ("duckling_time_ar_corpus.jsonl", "puckling_ar_corpus.jsonl"):
        for line in (SHARED / name).read_text("utf-8").splitlines():
            checked += _check_guards(f"وقال {json.loads(line)['phrase']} إن")
    assert checked > 5000
