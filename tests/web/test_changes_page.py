"""The "what's new" panel's pure functions (changes.js), run in Node when it is installed: the time a
period starts, and the line each kind of change is shown as."""

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
const { sinceTime, changeText } = await import(process.argv[1] + "/changes.js");
const ctx = { t: (k, f) => (k === "killed" ? "قتلى" : f ?? k), typeName: (x) => `type:${x}`, facts: { killed: "القتلى" } };
const now = new Date("2024-12-08T10:30:00Z");
console.log(JSON.stringify({
  day: sinceTime("day", now), week: sinceTime("week", now), all: sinceTime("all", now),
  added: changeText(ctx, { kind: "event_added", after: { event_type: "Battles", place: "إدلب", fatalities: 4 } }),
  rose: changeText(ctx, { kind: "event_changed", before: { fatalities: 3 }, after: { fatalities: 7, place: "كفرنبل" } }),
  gone: changeText(ctx, { kind: "event_withdrawn", before: { event_type: "Battles", place: "درعا" }, after: {} }),
  story: changeText(ctx, { kind: "story_grew", story_id: 4, after: { title: "قصف على حلب" } }),
  facts: changeText(ctx, { kind: "contradiction_new", after: { facts: [{ fact: "killed" }, { fact: "actor1" }] } }),
  verdict: changeText(ctx, { kind: "verdict_changed", claim: "ادعاء", before: { label: "true" }, after: { label: "false" } }),
  english: changeText({ ...ctx, lang: "en" }, { kind: "event_changed", before: { fatalities: 3 }, after: { fatalities: 7 } }),
}));
"""


def test_panel_lines_and_periods() -> None:
    assert NODE is not None
    done = subprocess.run([NODE, "--input-type=module", "-e", SCRIPT, f"file://{STATIC}"],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    r = json.loads(done.stdout)
    assert (r["day"], r["week"], r["all"]) == ("2024-12-07T10:30:00", "2024-12-01T10:30:00", "")
    assert r["added"] == "type:Battles — إدلب (قتلى: 4)"
    assert r["rose"] == "قتلى: 3 ← 7 — كفرنبل"
    assert r["gone"] == "type:Battles — درعا"
    assert r["story"] == "قصف على حلب"
    assert r["facts"] == "القتلى، actor1"
    assert r["verdict"] == "ادعاء (true ← false)"  # a label without a translation shows as itself
    assert r["english"] == "قتلى: 3 → 7"  # before → after in the reading direction
