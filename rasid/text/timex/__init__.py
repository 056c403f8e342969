"""Arabic temporal expressions resolved against a publication date.

`find_times(text, reference)` finds weekdays ("اليوم السبت", "أمس الأحد", "والخميس"), relative days
("قبل يومين"), periods ("الأسبوع الماضي", "خلال الـ 24 ساعة الماضية"), months in Levantine and
Egyptian/Gulf names ("نهاية شهر مايو/ آيار المنصرم", "نيسان /أبريل عام 2021"), years, parts of day
("مساء الخميس", "فجر الجمعة") and clock times, holidays ("عيد الأضحى", "رأس السنة الهجرية"), Hijri
months and days ("15 رمضان 1440", via the Umm al-Qura table in time.yaml), and nth/last days of a month
("ثالث ثلاثاء في أيلول", "الاثنين الأخير من آذار"), and resolves them to dates with a precision.

Conventions (why: news reports describe the past):
- `direction="past"` (the default for `find_times`): an underspecified date is the most recent one on or
  before the reference. "الخميس" published on a Thursday is that same Thursday; "الخميس الماضي" is
  strictly before the reference day. A month without a year is the latest such month not after the
  reference month ("مايو" in September 2019 = May 2019).
- `direction="future"` (Duckling's convention, used to evaluate against its corpus): a bare weekday is the
  next one strictly after the reference day; a month without a year is the next one from the reference month.
- Without a reference, only absolute expressions (with a year) are resolved; the rest keep
  `resolved=False` and `value=None` rather than a guess.
- "أمس الأحد" whose weekday contradicts the reference keeps "yesterday" and sets `conflict=True`.
- A date outside years 1..9999 ("قبل 7000 عام" published in 2016) keeps its span but stays unresolved
  (`resolved=False`), as do digit runs no date or clock field has ("عام 1.55", 400 digits).

The rules cover compound expressions; dateparser (maintained library) is the fallback in `resolve` for
whole phrases the rules do not cover (e.g. "08 أكتوبر 2020 08:15 م").

Layout: `api` (mentions, `find_times`, `resolve`), `lexicon` (time.yaml), `values` (resolved periods),
`prefilter` and `guards` (where an expression or a rule can start), `core` and `parser` (the parser
and its matchers), and the rule groups `relative`, `dates`, `holidays`, `nth`, `clock`, `intervals`.
"""

from rasid.text.timex.api import Direction, Precision, TimeKind, TimeMention, find_times, resolve
from rasid.text.timex.lexicon import Holiday, TimeLexicon, hijri_to_gregorian, holiday_dates, time_lexicon

__all__ = [
    "Direction",
    "Holiday",
    "Precision",
    "TimeKind",
    "TimeLexicon",
    "TimeMention",
    "find_times",
    "hijri_to_gregorian",
    "holiday_dates",
    "resolve",
    "time_lexicon",
]
