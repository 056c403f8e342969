"""`rasid stories` and `rasid story ID`: reports of one incident grouped, and one story's fact matrix."""

from __future__ import annotations

import json
import sys
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from rasid.cli.common import DEFAULT_DB, DbOption, fail, open_store_or_fail
from rasid.cli.tables import RICH_ROWS, print_lines
from rasid.records import ArticleStore


def list_stories(store: ArticleStore) -> list[dict[str, Any]]:
    """Every story with its span, places, outlets, size, contradiction count and recycled members."""
    from rasid.stories.stored import list_stories as stored_list

    return stored_list(store)


def stories_cmd(
    db: DbOption = DEFAULT_DB,
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
    title = f"{len(items)} stories in {db}"
    columns = ("id", "title", "span", "places", "outlets", "articles", "contradictions", "recycled")
    rows = [_story_row(s) for s in items]
    if len(rows) > RICH_ROWS:
        print_lines(title, columns, rows)
        return
    table = Table(title=title)
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*row)
    Console().print(table)


def _story_row(s: dict[str, Any]) -> list[str]:
    span = s["first_date"] or "?"
    if s["last_date"] and s["last_date"] != s["first_date"]:
        span += f" → {s['last_date']}"
    return [
        str(s["id"]), s["title"], span, "، ".join(s["places"][:4]), "، ".join(s["outlets"]),
        str(s["article_count"]), str(s["contradictions"]), ", ".join(map(str, s["recycled"])),
    ]  # fmt: skip


def story_cmd(
    story_id: Annotated[int, typer.Argument(help="Story id (see `rasid stories`).")],
    db: DbOption = DEFAULT_DB,
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
    many = len(story["articles"]) > RICH_ROWS  # (then plain lines: rich wraps each, a millisecond a line)
    for a in story["articles"]:
        note = ""
        if a["recycled"]:
            link = a["recycled"]
            recycled = "recycled" if many else "[yellow]recycled[/yellow]"
            note = f"  {recycled} ({link['reason']}, {link['gap_days']} days; original article {link['original_article_id']})"
        line = f"  [{a['id']}] {a['published'] or '?'} {a['outlet'] or '?'}: {a['title']}{note}"
        if many:
            sys.stdout.write(line + "\n")
        else:
            console.print(line, highlight=False)
    # One column per outlet keeps the matrix readable; the quoted source goes in the cell.
    outlets = list(dict.fromkeys(c["outlet"] for f in story["facts"] for c in f["claims"]))
    title = "claims by outlet (quoted source in brackets)"
    if len(story["facts"]) > RICH_ROWS:
        rows = ([str(f["incident"] or "story"), f["fact"], f["status"], *_cells(f, outlets)] for f in story["facts"])
        print_lines(title, ["incident", "fact", "status", *outlets], rows)
    else:
        table = Table(title=title, show_lines=True)
        table.add_column("incident")
        table.add_column("fact")
        table.add_column("status")
        for outlet in outlets:
            table.add_column(outlet, overflow="fold")
        colours = {"contradicted": "red", "agreed": "green", "updated": "yellow", "single-source": "dim"}
        for f in story["facts"]:
            status = f"[{colours[f['status']]}]{f['status']}[/]"
            table.add_row(str(f["incident"] or "story"), f["fact"], status, *_cells(f, outlets), style=None)
        console.print(table)
    for r in story["retractions"]:
        console.print(
            f"  [magenta]retraction[/magenta] ({r['outlet']}, article {r['article_id']}): {r['sentence']}",
            highlight=False,
        )


def _cells(fact: dict[str, Any], outlets: list[str]) -> list[str]:
    """What each outlet claimed of a fact (one line a value, the quoted source in brackets)."""
    cells = []
    for outlet in outlets:
        shown: list[str] = []
        for c in fact["claims"]:
            if c["outlet"] != outlet:
                continue
            text = str(c["value"]) + (f" [{c['source']}]" if c["source"] else "")
            text += " (retracted)" if c["retracted"] else ""
            if text not in shown:
                shown.append(text)
        cells.append("\n".join(shown))
    return cells
