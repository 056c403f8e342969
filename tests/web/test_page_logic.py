"""The page's pure functions (no DOM), run in Node when it is installed: timeline day arithmetic,
marker sizes, the map view kept in the URL, which correction fields changed, where the evidence
sits in the article text, toll wording."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

STATIC = Path(__file__).resolve().parents[2] / "rasid" / "web" / "static"
NODE = shutil.which("node")

pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed")

SCRIPT = """
const base = process.argv[1];
const { dayNumber, isoDay } = await import(base + "/timeline.js");
const { markerSize, parseView } = await import(base + "/map.js");
const { changedFields } = await import(base + "/review.js");
const { locate } = await import(base + "/dom.js");
const { tollText } = await import(base + "/panels.js");
const { valueText } = await import(base + "/story.js");
const t = (k) => k;
const text = "قال المرصد: قتل خمسة مدنيين في إدلب. وأصيب آخرون.";
console.log(JSON.stringify({
  days: dayNumber("2015-07-21") - dayNumber("2015-06-30"),
  roundtrip: isoDay(dayNumber("2024-02-29")),
  sizes: [markerSize(0), markerSize(1), markerSize(100), markerSize(100000), markerSize(null)],
  view: parseView("14/36.2/37.15"),
  badViews: [parseView("99/1/1"), parseView("a/b/c"), parseView(""), parseView("5/95/0")],
  changed: changedFields({ killed: "13", date: "", actor1: "X" }, { killed: "7", date: "2020-02-11", actor1: "X " }),
  unchanged: changedFields({ killed: "13" }, { killed: " 13 " }),
  at: locate(text, "قتل خمسة مدنيين في إدلب.", 12, 36),
  moved: locate(text, "قتل خمسة مدنيين في إدلب.", 0, 5),
  missing: locate(text, "لا شيء هنا", 0, 3),
  toll: tollText(t, { total: 12, best: 12, low: 10, high: 15, bound: "at_least", civilians: 4, children: null, women: null }),
  noToll: tollText(t, { total: null, low: null, high: null, reported: true }),
  values: [valueText(null), valueText([1, "a"]), valueText({ x: 1 })],
}));
"""


def _run() -> dict[str, object]:
    assert NODE is not None
    done = subprocess.run(
        [NODE, "--input-type=module", "-e", SCRIPT, f"file://{STATIC}"],
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout)
    return result


def test_pure_page_functions() -> None:
    r = _run()
    assert r["days"] == 21
    assert r["roundtrip"] == "2024-02-29"
    sizes = r["sizes"]
    assert isinstance(sizes, list)
    assert sizes[0] == sizes[4] == 12 and sizes[0] < sizes[1] < sizes[2] <= sizes[3] == 36
    assert r["view"] == {"zoom": 14, "center": [36.2, 37.15]}
    assert r["badViews"] == [None, None, None, None]
    assert r["changed"] == {"killed": 7, "date": "2020-02-11"}
    assert r["unchanged"] == {}
    assert r["at"] == [12, 36]
    assert r["moved"] == [12, 36], "offsets that do not match fall back to finding the sentence"
    assert r["missing"] is None
    assert r["toll"] == "12 (10–15) [bound_at_least] — civilians: 4"
    assert r["noToll"] == "toll_unknown"
    assert r["values"] == ["–", "1, a", '{"x":1}']
