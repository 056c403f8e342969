"""The bundled sample gold key follows the coding guide's one-event-per-place rule (recoded 2026-12-07)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from rasid.api import sample_corpus_path

GOLD = sample_corpus_path() / "gold.json"

pytestmark = pytest.mark.skipif(not GOLD.is_file(), reason="sample corpus not bundled")


def _key() -> dict[str, Any]:
    return json.loads(GOLD.read_text(encoding="utf-8"))


def _events(key: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(aid, e) for aid, evs in key["events"].items() for e in evs]


def test_recode_record_counts_match_the_key() -> None:
    key = _key()
    record = key["recoded"]
    events = _events(key)
    assert record["events_after"] == len(events) == 80
    assert record["events_before"] == 47
    # 47 - 3 removed - 15 split + 46 from the splits + 5 added
    stamped = [e for _, e in events if "2026-12-07" in str(e.get("note") or "")]
    assert len(stamped) == 46 + 1 + 5
    assert len([e for _, e in events if str(e.get("note") or "").startswith("added 2026-12-07")]) == 5


def test_removed_events_are_gone_and_say_why() -> None:
    key = _key()
    removed = key["recoded"]["removed"]
    assert len(removed) == 3
    for item in removed:
        assert item["reason"]
        assert item["article"] in key["articles"]
        assert item["event"] not in key["events"][item["article"]]


def test_one_event_per_place_no_duplicates() -> None:
    seen: set[tuple[str, ...]] = set()
    for aid, e in _events(_key()):
        assert len(e.get("villages") or []) <= 1, (aid, e["location"])
        sig = (aid, e["event_type"], e["sub_event_type"], e["date"], e["location"], str(e["actor1"]))
        assert sig not in seen, sig
        seen.add(sig)


def test_a_toll_told_for_a_list_is_on_none_of_its_places() -> None:
    events = _key()["events"]
    art005 = [e for e in events["art-005"] if e["sub_event_type"] == "Shelling/artillery/missile attack"]
    assert sorted(e["location"] for e in art005) == sorted(["تفتناز", "طعوم", "النيرب"])
    assert all(e["injured"] is None and e["killed"] is None for e in art005)
    art008 = [e for e in events["art-008"] if e["sub_event_type"] == "Air/drone strike"]
    assert len(art008) == 2 and all(e["killed"] is None for e in art008)
    protests = [e for e in events["art-019"] if e["event_type"] == "Protests"]
    assert len(protests) == 4


def test_the_baseline_still_reads_the_key() -> None:
    from rasid.eval.events import sample_baseline

    key = _key()
    guesses = sample_baseline(key)
    assert set(guesses) == set(key["articles"])
