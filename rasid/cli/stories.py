"""`rasid stories` and `rasid story ID`: reports of one incident grouped, and one story's fact matrix."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from rasid.cli.common import fail, open_store_or_fail
from rasid.records import ArticleStore


def list_stories(store: ArticleStore) -> list[dict[str, Any]]:
    """Every story with its span, places, outlets, size, contradiction count and recycled members."""
    from rasid.stories.stored import list_stories as stored_list

    return stored_list(store)


def stories_cmd(
    db: Annotated[str, typer.Option("--db", help="Database file (SQLite).")] = "rasid.db",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    rebuild: Annotated[
        bool, typer.Option("--rebuild", help="Group all stored articles again first.")
    ] = False,
) -> None:
    """List stories: title, time span, places, outlets, article count, contradictions, recycled."""
    store = open_store_or_fail(db)
    try:
        if rebuild or not store.query("SELECT 1 FROM stories LIMIT 1"):
            # Articles stored before stories existed (or after tuning) are grouped now.
            from rasid.stories.build import rebuild_stories

            rebuild_stories(store)
        items = list_stories(store)
    finally:
        store.close()
    if as_json:
        typer.echo(json.dumps(items, ensure_ascii=False, indent=2))
        return
    table = Table(title=f"{len(items)} stories in {db}")
    for column in ("id", "title", "span", "places", "outlets", "articles", "contradictions", "recycled"):
        table.add_column(column, overflow="fold")
    for s in items:
        span = s["first_date"] or "?"
        if s["last_date"] and s["last_date"] != s["first_date"]:
            span += f" → {s['last_date']}"
        table.add_row(
            str(s["id"]), s["title"], span, "، ".join(s["places"][:4]), "، ".join(s["outlets"]),
            str(s["article_count"]), str(s["contradictions"]), ", ".join(map(str, s["recycled"])),
        )  # fmt: skip
    Console().print(table)


def story_cmd(
    story_id: Annotated[int, typer.Argument(help="Story id (see `rasid stories`).")],
    db: Annotated[str, typer.Option("--db", help="Database file (SQLite).")] = "rasid.db",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """One story as a source-by-fact matrix: agreed, contradicted, updated or single-source facts."""
    from rasid.stories.stored import stored_alignment

    store = open_store_or_fail(db)
    try:
        try:
            story = stored_alignment(store, story_id)
        except KeyError:
            fail(f"{db}: no story with id {story_id}; list them with `rasid stories --db {db}`")
            return
    finally:
        store.close()
    if as_json:
        typer.echo(json.dumps(story, ensure_ascii=False, indent=2, default=str))
        return
    _print_story(story)


def _print_story(story: dict[str, Any]) -> None:
    console = Console()
    span = f"{story['first_date'] or '?'} → {story['last_date'] or '?'}"
    console.print(
        f"[bold]Story {story['id']}[/bold]: {story['title']}  ({span}, {story['article_count']} articles)"
    )
    for a in story["articles"]:
        note = ""
        if a["recycled"]:
            link = a["recycled"]
            note = f"  [yellow]recycled[/yellow] ({link['reason']}, {link['gap_days']} days; original article {link['original_article_id']})"
        console.print(
            f"  [{a['id']}] {a['published'] or '?'} {a['outlet'] or '?'}: {a['title']}{note}", highlight=False
        )
    # One column per outlet keeps the matrix readable; the quoted source goes in the cell.
    outlets = list(dict.fromkeys(c["outlet"] for f in story["facts"] for c in f["claims"]))
    table = Table(title="claims by outlet (quoted source in brackets)", show_lines=True)
    table.add_column("incident")
    table.add_column("fact")
    table.add_column("status")
    for outlet in outlets:
        table.add_column(outlet, overflow="fold")
    colours = {"contradicted": "red", "agreed": "green", "updated": "yellow", "single-source": "dim"}
    for f in story["facts"]:
        status = f"[{colours[f['status']]}]{f['status']}[/]"
        cells = []
        for outlet in outlets:
            shown: list[str] = []
            for c in f["claims"]:
                if c["outlet"] != outlet:
                    continue
                text = str(c["value"]) + (f" [{c['source']}]" if c["source"] else "")
                text += " (retracted)" if c["retracted"] else ""
                if text not in shown:
                    shown.append(text)
            cells.append("\n".join(shown))
        table.add_row(str(f["incident"] or "story"), f["fact"], status, *cells, style=None)
    console.print(table)
    for r in story["retractions"]:
        console.print(
            f"  [magenta]retraction[/magenta] ({r['outlet']}, article {r['article_id']}): {r['sentence']}",
            highlight=False,
        )
