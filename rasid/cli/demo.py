"""`rasid demo`: analyse the bundled sample corpus and print a readable summary of what was found."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from rasid.cli.common import console
from rasid.cli.entities import list_entities
from rasid.cli.ingest import run_analyze
from rasid.cli.stories import list_stories


def demo(
    db: Annotated[str, typer.Option("--db", help="Where to store the demo database.")] = "rasid-demo.db",
    fresh: Annotated[bool, typer.Option(help="Start from an empty database.")] = True,
) -> None:
    """Analyse the bundled sample corpus and print a readable summary."""
    from rasid.api import sample_corpus_path

    if fresh:
        for suffix in ("", "-wal", "-shm"):
            Path(db + suffix).unlink(missing_ok=True)
    rasid, report = run_analyze([str(sample_corpus_path())], db, None, None)
    print_summary(console, rasid, report)
    rasid.close()


def print_summary(console: Console, rasid: Any, report: Any) -> None:
    rows = list(rasid.articles())
    console.rule("[bold]Rasid demo: the bundled sample corpus")
    console.print(
        f"{report.files} files read, {report.added} articles stored, {report.unchanged} already stored,"
        f" {report.near_duplicates} near-duplicates linked, {len(report.errors)} skipped",
        highlight=False,
    )
    outlets = Counter(a.source or "(unknown)" for a in rows)
    table = Table(title="Outlets")
    table.add_column("outlet")
    table.add_column("articles", justify="right")
    for name, count in outlets.most_common():
        table.add_row(name, str(count))
    console.print(table)
    dups = [a for a in rows if a.duplicate_of]
    for a in dups:
        original = rasid.store.get_article(a.duplicate_of)
        console.print(
            f"near-duplicate: #{a.id} {a.source or '?'} «{a.title[:50]}» ≈ #{a.duplicate_of}"
            f" {original.source if original else '?'} (similarity {a.similarity:.2f})",
            highlight=False,
        )
    query = "الميليشيات الإيرانية"
    hits = rasid.search(query, limit=3)
    console.print(f"\nsearch {query!r}:", highlight=False)
    for i, h in enumerate(hits, 1):
        console.print(f"  {i}. #{h.article.id} {h.article.source or '?'}: {h.snippet.marked('[reverse]', '[/reverse]')}", highlight=False)
    for section in (_entities, _events, _stories):
        section(console, rasid)
    console.print(f"\nDatabase: {rasid.store.location}. Try: rasid articles --db {rasid.store.location}", highlight=False)


def _entities(console: Console, rasid: Any) -> None:
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
        side = f" ({a['side']})" if a.get("side") else ""
        console.print(f"  person {e['name']} — {a.get('role') or ''} → {a['affiliation']}{side}", highlight=False)
    places = [e for e in rows if e["type"] == "place" and e["attrs"].get("lat") is not None][:6]
    for e in places:
        a = e["attrs"]
        admin = "/".join(str(a[k]) for k in ("admin1", "admin2") if a.get(k))
        precision = f" precision {a['geo_precision']}" if a.get("geo_precision") is not None else ""
        console.print(
            f"  place {e['name']} — {a['lat']:.3f},{a['lon']:.3f} {admin}{precision} ({e['mentions']} mentions)",
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
        # Only the breakdowns the report gives: an unknown count is left out, not printed as None.
        among = ", ".join(f"{group} {k[group]}" for group in ("civilians", "children", "women") if k.get(group) is not None)
        console.print(
            f"  {e.get('date') or '?'} {where}: {k['total']} killed" + (f" ({among})" if among else "")
            + f" — {e['article'].get('source') or '?'}"
            + (f" citing {says}" if says else ""),
            highlight=False,
        )


def _stories(console: Console, rasid: Any) -> None:
    from rasid.stories.align import align_story

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
