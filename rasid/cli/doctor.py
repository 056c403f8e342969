"""`rasid doctor`: check a database (SQLite's integrity and Rasid's invariants) and repair what can be rebuilt."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from rasid.cli.common import DEFAULT_DB, DbOption, JsonOption, console

if TYPE_CHECKING:
    from rasid.store.doctor import Diagnosis


def doctor(
    db: DbOption = DEFAULT_DB,
    repair: Annotated[
        bool, typer.Option("--repair", help="Rebuild what is derived from the stored articles: search index, stories, …")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Check a database: SQLite integrity, every article annotated, indexed and in a story; failed stages.

    Exits 0 when healthy, 1 when problems remain.
    """
    from rasid.store.doctor import diagnose
    from rasid.store.doctor import repair as repair_db

    result = repair_db(db) if repair else diagnose(db)
    if as_json:
        print(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
    else:
        _print(result, repaired=repair)
    raise typer.Exit(0 if result.healthy else 1)


def _print(result: Diagnosis, *, repaired: bool) -> None:
    for action in result.repaired:
        console.print(f"[green]repaired[/green] {action}", highlight=False)
    if result.articles is not None:
        console.print(f"{result.location}: {result.articles} articles, schema v{result.schema_version}", highlight=False)
    if result.healthy:
        console.print(f"[green]healthy[/green]: {result.location} passes every check", highlight=False)
        return
    if result.damaged:  # Rasid's checks could not run: say what is wrong and what to do, nothing more
        for p in result.problems:
            console.print(f"[red]{p.check}[/red]: {p.detail}; {p.remedy}", highlight=False)
        return
    table = Table(title=f"problems in {result.location}", title_justify="left")
    for column in ("check", "count", "problem", "remedy" if repaired else "--repair would / what to do"):
        table.add_column(column, overflow="fold")
    for p in result.problems:
        ids = f" (articles {', '.join(map(str, p.article_ids))}{'…' if p.count > len(p.article_ids) else ''})"
        table.add_row(p.check, str(p.count), p.detail + (ids if p.article_ids else ""), p.remedy)
    console.print(table)
    if result.stage_failures:
        failures = Table(title="failed stages", title_justify="left")
        for column in ("article", "stage", "error", "rasid version", "at"):
            failures.add_column(column, overflow="fold")
        for f in result.stage_failures:
            failures.add_row(str(f.article_id), f.stage, f.error, f.rasid_version, f.at)
        console.print(failures)
    fixable = sum(1 for p in result.problems if p.repairable)
    if fixable and not repaired:
        console.print(
            f"{fixable} of {len(result.problems)} problems can be repaired: `rasid doctor --db {result.location} --repair`",
            highlight=False,
        )
