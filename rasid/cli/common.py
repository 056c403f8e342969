"""What the command modules share: consoles, the --db/--json options, errors and opening the database."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from rasid.errors import RasidError
from rasid.store import Store, StoreError, open_store

console = Console()
# soft_wrap: an error stays on one line however long the file name is.
err_console = Console(stderr=True, soft_wrap=True)

DEFAULT_DB = os.environ.get("RASID_DB", "rasid.db")
DbOption = Annotated[str, typer.Option("--db", help="Database file (SQLite). Env RASID_DB sets the default.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def fail(message: str, code: int = 1) -> None:
    err_console.print(f"[red]error:[/red] {message}", highlight=False)
    raise typer.Exit(code)


def parse_day(value: str | None, option: str, code: int = 1) -> dt.date | None:
    """`value` as a date (None stays None), or a one-line error naming `option`."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        fail(f"{option} {value!r}: expected a date as YYYY-MM-DD", code)
    return None


def open_store_or_fail(db: str) -> Store:
    """The store at `db`, or a one-line error saying how to create it."""
    if not Path(db).exists():
        fail(f"{db}: no such database; run `rasid analyze PATH --db {db}` first")
    try:
        return open_store(db)
    except StoreError as exc:
        fail(str(exc))
        raise  # unreachable: fail exits


def open_rasid(db: str, *, must_exist: bool = False) -> Any:
    from rasid.api import Rasid

    if must_exist and not Path(db).exists():
        fail(f"{db}: no such database; run `rasid analyze PATH --db {db}` first")
    try:
        return Rasid(db)
    except (StoreError, RasidError) as exc:
        fail(str(exc))
