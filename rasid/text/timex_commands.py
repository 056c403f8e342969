"""CLI: `rasid eval dates --data FILE_OR_DIR [--json] [--show-errors N]`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer


def register(app: typer.Typer, eval_app: typer.Typer, train_app: typer.Typer) -> None:
    @eval_app.command("dates")
    def eval_dates(
        data: Annotated[Path, typer.Option("--data", help="A JSONL suite or a folder of them.")],
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
        show_errors: Annotated[int, typer.Option("--show-errors", help="List up to N failures per kind.")] = 0,
    ) -> None:
        """Accuracy of time (and number) recognition on external suites, per suite and kind."""
        from rich.console import Console
        from rich.table import Table

        from rasid.text.timex_eval import evaluate_path

        try:
            reports = evaluate_path(data)
        except (OSError, ValueError) as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from exc
        if as_json:
            for r in reports:
                for row in r["results"]:
                    row["errors"] = row["errors"][:show_errors]
            typer.echo(json.dumps(reports, ensure_ascii=False, indent=2))
            return
        console = Console()
        table = Table(title="Temporal / number suites")
        for col in ("suite", "kind", "correct", "total", "accuracy"):
            table.add_column(col, justify="right" if col in ("correct", "total", "accuracy") else "left")
        for r in reports:
            for row in r["results"]:
                table.add_row(r["suite"], row["kind"], str(row["correct"]), str(row["total"]), f"{row['accuracy']:.1%}")
            table.add_row(r["suite"], "[b]all[/b]", str(r["correct"]), str(r["total"]), f"[b]{r['accuracy']:.1%}[/b]")
        console.print(table)
        if show_errors:
            for r in reports:
                for row in r["results"]:
                    for err in row["errors"][:show_errors]:
                        console.print(f"{r['suite']}/{row['kind']}: {err['phrase']!r} expected {err['expected']} got {err['got']}")
