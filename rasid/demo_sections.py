"""Sections of the `rasid demo` summary beyond ingest: entities, events, stories."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from rich.console import Console
from rich.table import Table

Section = Callable[[Console, Any], None]


def _entities(console: Console, rasid: Any) -> None:
    from rasid.extract.entity_commands import list_entities

    rows = list_entities(rasid.store)
    counts = Counter(e["type"] for e in rows)
    console.print(
        f"\n[bold]Entities[/bold]: {counts.get('person', 0)} persons, {counts.get('actor', 0)} actors,"
        f" {counts.get('place', 0)} places, {counts.get('outlet', 0)} outlets",
        highlight=False,
    )
    persons = [e for e in rows if e["type"] == "person" and e["attrs"].get("affiliation")][:6]
    for e in persons:
        a = e["attrs"]
        console.print(f"  person {e['name']} — {a.get('role') or ''} → {a['affiliation']} ({a.get('side')})", highlight=False)
    places = [e for e in rows if e["type"] == "place" and e["attrs"].get("lat") is not None][:6]
    for e in places:
        a = e["attrs"]
        console.print(
            f"  place {e['name']} — {a['lat']:.3f},{a['lon']:.3f} {a.get('admin1')}/{a.get('admin2')}"
            f" precision {a.get('geo_precision')} ({e['mentions']} mentions)",
            highlight=False,
        )


def _events(console: Console, rasid: Any) -> None:
    from rasid.extract.event_index import load_events

    events = load_events(rasid.store)
    by_type = Counter(f"{e['event_type']} / {e['sub_event_type']}" for e in events)
    console.print(f"\n[bold]Events[/bold]: {len(events)} coded", highlight=False)
    table = Table(show_header=True)
    table.add_column("event type")
    table.add_column("n", justify="right")
    for name, n in by_type.most_common(8):
        table.add_row(name, str(n))
    console.print(table)
    with_dead = [e for e in events if (e.get("killed") or {}).get("total")][:5]
    for e in with_dead:
        k = e["killed"]
        where = (e.get("location") or {}).get("name") or "?"
        says = ", ".join(a.get("text", "") for a in e.get("attributed_to") or [])[:60]
        console.print(
            f"  {e.get('date') or '?'} {where}: {k['total']} killed (civilians {k.get('civilians')},"
            f" children {k.get('children')}, women {k.get('women')}) — {e['article'].get('source') or '?'}"
            + (f" citing {says}" if says else ""),
            highlight=False,
        )


def _stories(console: Console, rasid: Any) -> None:
    from rasid.stories.align import align_story
    from rasid.stories.commands import list_stories

    stories = list_stories(rasid.store)
    console.print(f"\n[bold]Stories[/bold]: {len(stories)} (reports of the same incident, grouped)", highlight=False)
    for story in stories:
        span = story["first_date"] or "?"
        if story["last_date"] and story["last_date"] != story["first_date"]:
            span += f" … {story['last_date']}"
        flags = []
        if story["contradictions"]:
            flags.append(f"{story['contradictions']} contradicted facts")
        if story["recycled"]:
            flags.append(f"recycled: {', '.join(map(str, story['recycled']))}")
        console.print(
            f"  #{story['id']} {span} «{(story['title'] or '')[:50]}» — {story['article_count']} articles,"
            f" {len(story['outlets'])} outlets" + (f" [yellow]({'; '.join(flags)})[/yellow]" if flags else ""),
            highlight=False,
        )
    contested = [s for s in stories if s["contradictions"]]
    if contested:
        full = align_story(rasid.store, contested[0]["id"])
        fact = next((f for f in full["facts"] if f["status"] == "contradicted"), None)
        if fact is not None:
            console.print(f"\n  In story #{full['id']}, «{fact['fact']}» is contradicted:", highlight=False)
            for value in fact["values"]:
                # Holders are short labels now ("outlet ← quoted source"): show them whole.
                holders = "; ".join(dict.fromkeys(value["holders"]))
                console.print(f"    {value['value']}: {holders}", highlight=False)
            console.print(f"  Full matrix: rasid story {full['id']} --db {rasid.store.location}", highlight=False)


def extra_sections() -> list[Section]:
    return [_entities, _events, _stories]
