"""CLI: `rasid stories`, `rasid story ID`, `rasid eval stories`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from rasid.commands import fail as _fail
from rasid.commands import open_store_or_fail as _open
from rasid.store.base import Store


def list_stories(store: Store) -> list[dict[str, Any]]:
    """Every story with its span, places, outlets, size, contradiction count and recycled members."""
    from rasid.stories.align import align_story

    rows = store.query("SELECT id FROM stories ORDER BY COALESCE(first_date, '9999'), id")
    out = []
    for (story_id,) in rows:
        full = align_story(store, int(story_id))
        out.append(
            {
                "id": full["id"],
                "title": full["title"],
                "first_date": full["first_date"],
                "last_date": full["last_date"],
                "places": [p["name"] for p in full["places"]],
                "outlets": full["outlets"],
                "article_count": full["article_count"],
                "contradictions": full["contradictions"],
                "recycled": [a["id"] for a in full["articles"] if a["recycled"]],
            }
        )
    return out


def register(app: typer.Typer, eval_app: typer.Typer, train_app: typer.Typer) -> None:
    @app.command("stories")
    def stories_cmd(
        db: Annotated[str, typer.Option("--db", help="Database file (SQLite).")] = "rasid.db",
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
        rebuild: Annotated[
            bool, typer.Option("--rebuild", help="Group all stored articles again first.")
        ] = False,
    ) -> None:
        """List stories: title, time span, places, outlets, article count, contradictions, recycled."""
        store = _open(db)
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

    @app.command("story")
    def story_cmd(
        story_id: Annotated[int, typer.Argument(help="Story id (see `rasid stories`).")],
        db: Annotated[str, typer.Option("--db", help="Database file (SQLite).")] = "rasid.db",
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    ) -> None:
        """One story as a source-by-fact matrix: agreed, contradicted or single-source facts."""
        from rasid.stories.align import align_story

        store = _open(db)
        try:
            try:
                story = align_story(store, story_id)
            except KeyError:
                _fail(f"{db}: no story with id {story_id}; list them with `rasid stories --db {db}`")
                return
        finally:
            store.close()
        if as_json:
            typer.echo(json.dumps(story, ensure_ascii=False, indent=2, default=str))
            return
        _print_story(story)

    @eval_app.command("stories")
    def eval_stories_cmd(
        data: Annotated[Path, typer.Option("--data", help="Gold key (gold.json) next to its corpus.")] = Path(
            "rasid/data/sample/gold.json"
        ),
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    ) -> None:
        """Pairwise precision/recall/F1 of story grouping against a gold key (analyses the corpus afresh)."""
        from rasid.stories.evaluate import GoldError, evaluate_sample

        if not data.is_file():
            _fail(f"{data}: no such gold file", 2)
        try:
            result = evaluate_sample(data)
        except GoldError as exc:
            _fail(str(exc), 2)
            return
        if as_json:
            typer.echo(json.dumps(result, ensure_ascii=False, indent=2))
            return
        typer.echo(
            f"stories: {result['stories']} (gold {result['gold_stories']})  pairs: tp={result['tp']} fp={result['fp']}"
            f" fn={result['fn']}  precision={result['precision']:.3f} recall={result['recall']:.3f}"
            f" F1={result['f1']:.3f}  ({result['analyzed']} articles in {result['seconds']}s)"
        )
        for group in result["groups"]:
            typer.echo("  " + " ".join(group))


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
    colours = {"contradicted": "red", "agreed": "green", "single-source": "dim"}
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
