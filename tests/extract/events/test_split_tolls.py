"""A toll and its cause split by the Arabic semicolon ("…حتفهم؛ جراء غارة…") are one incident.

The sentence splitter cuts at "؛", so the toll arrives as an untyped casualty report and its cause
in the next sentence. The toll must join its own cause, not an earlier, differently dated battle.
Fixtures are written for these tests.
"""

from __future__ import annotations

import datetime as dt

from rasid.document import Document
from rasid.stages import build_pipeline

PUBLISHED = dt.date(2024, 3, 9)  # a Saturday

REPORT = (
    "وتحدثت الوكالة الرسمية عن تواصل المواجهات مع الفصائل على جبهات ريفي حماة وإدلب.\n"
    "وفي الميدان، استهدفت الطائرات الحربية مدينة سراقب شرقي إدلب بغارات أدت إلى إصابة ثلاثة مدنيين.\n"
    "والخميس، قتل 9 مدنيين بينهم 3 أطفال، فيما أصيب 6 آخرون؛ جراء غارة جوية استهدفت سوقا شعبيا في مدينة سراقب، وفق الدفاع المدني.\n"
)


def test_toll_joins_the_cause_after_the_semicolon() -> None:
    pipeline = build_pipeline(["text", "entities", "events"])
    evs = list(pipeline(Document(id="t", text=REPORT, published=PUBLISHED)).events)
    with_toll = [e for e in evs if (e.fields["killed"] or {}).get("total") == 9]
    assert len(with_toll) == 1
    strike = with_toll[0]
    assert strike.sub_event_type == "Air/drone strike"
    assert strike.fields["date"] == "2024-03-07"  # Thursday before the Saturday publication
    assert strike.fields["killed"]["children"] == 3
    assert "سراقب" in strike.fields["location"]["name"]
    # Friday's strike (three injured, undated) and Thursday's (six injured) stay apart.
    assert any((e.fields["injured"] or {}).get("total") == 3 for e in evs if e is not strike)
