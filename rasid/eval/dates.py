"""Evaluate time and number recognition on the external suites in ../shared/data/temporal/.

Matching rule (time): the predicted start, truncated to the expected grain, equals the expected value
truncated to the same grain (weeks start on Monday). For an expected interval, its "from" is compared
(or its "to" when it has no start). A prediction for a part of a month ("منتصف آذار", precision month
with `part`) also matches when the expected day lies inside that part. Negative phrases (kind
"negative") are correct when nothing is found. Each suite keeps its own reference time.

Numbers (puckling "numeral" and "ordinal"): the first mention covering the phrase has the expected value
(and kind "ordinal" for ordinals).

dateparser suite: "parse"/"search" items compare dates; "translation" items compare our resolution of
the Arabic with dateparser's resolution of the expected English text, at day grain (minute if a clock
time is given); items whose English is a bare duration ("2 day") are skipped as not datable.

Baseline beside every score (`baseline_correct`): for a time phrase, "always the reference time" — the
publication moment a system with no time recognition would stamp on everything (at day grain: the
publication day); it is wrong on every negative phrase, since it always answers. For a number, the first
run of digits in the phrase read as an integer (what a bare digit regex gives); it never finds an ordinal.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

from rasid.text.numbers import find_numbers
from rasid.text.timex import TimeMention, find_times, resolve

GRAINS = ("second", "minute", "hour", "day", "week", "month", "year")


def truncate(t: dt.datetime, grain: str) -> dt.datetime:
    if grain == "second":
        return t.replace(microsecond=0)
    if grain == "minute":
        return t.replace(second=0, microsecond=0)
    if grain == "hour":
        return t.replace(minute=0, second=0, microsecond=0)
    d = t.replace(hour=0, minute=0, second=0, microsecond=0)
    if grain == "week":
        return d - dt.timedelta(days=d.weekday())
    if grain == "month":
        return d.replace(day=1)
    if grain == "year":
        return d.replace(month=1, day=1)
    return d


def _parse_dt(s: str) -> dt.datetime:
    return dt.datetime.fromisoformat(s).replace(tzinfo=None)


def _start(m: TimeMention) -> dt.datetime | None:
    if m.moment is not None:
        return m.moment
    if m.value is None:
        return None
    return dt.datetime(m.value.year, m.value.month, m.value.day)


def time_matches(m: TimeMention | None, expected: dt.datetime, grain: str) -> bool:
    if m is None:
        return False
    start = _start(m)
    if start is None:
        return False
    if truncate(start, grain) == truncate(expected, grain):
        return True
    if m.part and m.value and m.end_value and grain == "day":
        return m.value <= expected.date() <= m.end_value
    return False


def _item_time(item: dict[str, Any]) -> tuple[dt.datetime, str] | None:
    """(expected start, grain) from a Duckling or puckling item."""
    if "value" in item and "grain" in item:
        return _parse_dt(item["value"]), item["grain"]
    exp = item.get("expected") or {}
    if exp.get("type") == "value":
        return _parse_dt(exp["value"]), exp["grain"]
    if exp.get("type") == "interval":
        side = exp.get("from") or exp.get("to")
        if side:
            return _parse_dt(side["value"]), side["grain"]
    return None


BASELINE = {
    "time": "always the reference time (the publication day at day grain)",
    "number": "the first run of digits read as an integer",
}
_DIGITS = re.compile(r"[0-9\u0660-\u0669\u06f0-\u06f9]+")


def _result(suite: str, kind: str) -> dict[str, Any]:
    return {"suite": suite, "kind": kind, "total": 0, "correct": 0, "baseline_correct": 0, "errors": []}


def _reference_ok(ref: dt.datetime, expected: dt.datetime, grain: str) -> bool:
    """The "always the reference time" baseline: is the reference time right at the expected grain?"""
    return truncate(ref, grain) == truncate(expected, grain)


def _digits_value(phrase: str) -> float | None:
    """The digit-regex baseline for numbers: the first run of digits (any script) as an integer."""
    m = _DIGITS.search(phrase)
    return float(int(m.group())) if m else None


def _record(res: dict[str, Any], ok: bool, phrase: str, expected: Any, got: Any, baseline_ok: bool = False) -> None:
    res["total"] += 1
    res["baseline_correct"] += int(baseline_ok)
    if ok:
        res["correct"] += 1
    else:
        res["errors"].append({"phrase": phrase, "expected": str(expected), "got": str(got)})


def _describe(m: TimeMention | None) -> str:
    if m is None:
        return "none"
    return f"{_start(m)} {m.precision}/{m.grain}{' ' + m.part if m.part else ''}"


def _eval_time_item(res: dict[str, Any], item: dict[str, Any]) -> None:
    phrase = item["phrase"]
    if item.get("kind") == "negative":
        found = find_times(phrase, _parse_dt("2013-02-12T04:30:00"), direction="future")
        _record(res, not found, phrase, "nothing", [f.text for f in found])
        return
    want = _item_time(item)
    if want is None:
        return
    ref = _parse_dt(item["reference_time"])
    got = resolve(phrase, ref, direction="future")
    _record(res, time_matches(got, *want), phrase, f"{want[0]} {want[1]}", _describe(got), _reference_ok(ref, *want))


def _eval_number_item(res: dict[str, Any], item: dict[str, Any]) -> None:
    phrase = item["phrase"]
    want = float(item["expected"]["value"])
    found = find_numbers(phrase)
    got = found[0] if found else None
    ok = got is not None and got.value is not None and abs(got.value - want) < 1e-9
    if item["dimension"] == "ordinal":
        ok = ok and got is not None and got.kind == "ordinal"
    digits = _digits_value(phrase)
    baseline_ok = item["dimension"] != "ordinal" and digits is not None and abs(digits - want) < 1e-9
    _record(res, ok, phrase, want, (got.value, got.kind, got.text) if got else None, baseline_ok)


_EN_DURATION = ("day", "year", "second", "hour", "minute", "week", "month")


def _eval_dateparser_item(res: dict[str, Any], item: dict[str, Any]) -> None:
    text = item["input"]
    kind = item["kind"]
    base = _parse_dt(item.get("relative_base", "2013-02-12T04:30:00"))
    if kind == "parse":
        exp = _parse_dt(item["expected"])
        grain = "minute" if "T" in item["expected"] else "day"
        got = resolve(text, base, direction="past")
        _record(res, time_matches(got, exp, grain), text, item["expected"], _describe(got), _reference_ok(base, exp, grain))
    elif kind == "search":
        found = find_times(text, base)
        for _span, value in item["expected"]:
            exp = _parse_dt(value)
            ok = any(time_matches(f, exp, "day") for f in found)
            _record(res, ok, text, value, [(f.text, str(f.value)) for f in found], _reference_ok(base, exp, "day"))
    elif kind == "translation":
        en = item["expected_en"].strip()
        words = en.split()
        if len(words) == 2 and words[0].isdigit() and words[1] in _EN_DURATION:
            return  # a bare duration, not a date
        import dateparser

        exp_dt = dateparser.parse(en, languages=["en"], settings={"RELATIVE_BASE": base})
        if exp_dt is None:
            return
        grain = "minute" if ":" in en else "day"
        got = resolve(text, base, direction="past")
        expected = exp_dt.replace(tzinfo=None)
        _record(res, time_matches(got, expected, grain), text, exp_dt, _describe(got), _reference_ok(base, expected, grain))


def evaluate_file(path: str | Path) -> dict[str, Any]:
    """Accuracy per suite and kind for one JSONL file: {"file", "results": [...]}."""
    path = Path(path)
    suite = path.stem
    results: dict[str, dict[str, Any]] = {}
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{lineno}: invalid JSON ({exc.msg})") from exc
            if "dimension" in item:
                kind = item["dimension"]
                if kind not in ("time", "numeral", "ordinal"):
                    continue
            elif "input" in item:
                kind = item["kind"]
            else:
                kind = "time" if item.get("kind") != "negative" else "negative"
            res = results.setdefault(kind, _result(suite, kind))
            if "input" in item:
                _eval_dateparser_item(res, item)
            elif kind in ("numeral", "ordinal"):
                _eval_number_item(res, item)
            else:
                _eval_time_item(res, item)
    rows = []
    for res in results.values():
        res["accuracy"] = res["correct"] / res["total"] if res["total"] else 0.0
        res["baseline_accuracy"] = res["baseline_correct"] / res["total"] if res["total"] else 0.0
        res["baseline"] = BASELINE["number" if res["kind"] in ("numeral", "ordinal") else "time"]
        rows.append(res)
    total = sum(r["total"] for r in rows)
    correct = sum(r["correct"] for r in rows)
    base = sum(r["baseline_correct"] for r in rows)
    return {
        "file": str(path),
        "suite": suite,
        "total": total,
        "correct": correct,
        "accuracy": correct / total if total else 0.0,
        "baseline_correct": base,
        "baseline_accuracy": base / total if total else 0.0,
        "results": rows,
    }


def evaluate_path(path: str | Path) -> list[dict[str, Any]]:
    """`evaluate_file` for a file, or for every *.jsonl in a directory."""
    p = Path(path)
    if p.is_dir():
        files = sorted(p.glob("*.jsonl"))
        if not files:
            raise ValueError(f"{p}: no .jsonl files")
        return [evaluate_file(f) for f in files]
    if not p.exists():
        raise FileNotFoundError(f"{p}: no such file")
    return [evaluate_file(p)]


def summary(reports: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = defaultdict(dict)
    for r in reports:
        for row in r["results"]:
            out[r["suite"]][row["kind"]] = row["accuracy"]
    return dict(out)
