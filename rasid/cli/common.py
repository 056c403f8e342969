"""What the command modules share: consoles, the --db/--json options, errors and opening the database."""

from __future__ import annotations

import datetime as dt
import os
import signal
from types import FrameType
from typing import Annotated, Any

import typer
from rich.console import Console

from rasid.errors import RasidError
from rasid.store import Store, StoreError, is_server_url, missing_database, open_store

console = Console()
# soft_wrap: an error stays on one line however long the file name is.
err_console = Console(stderr=True, soft_wrap=True)

DEFAULT_DB = os.environ.get("RASID_DB", "rasid.db")
DbOption = Annotated[str, typer.Option("--db", help="SQLite file or postgresql:// URL. Env RASID_DB sets the default.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the program is, as Ctrl-C raises KeyboardInterrupt: the same code
    unwinds (open transactions roll back, the library reports `interrupted`), but the exit code is 143."""


INTERRUPTED_MESSAGE = "[red]interrupted[/red]: what was committed is kept; run the same command again to finish"
_signals_received: list[int] = []
_whole_program = [False]  # set by the `rasid` program itself, not by code calling a command in-process


def _raise_interrupt(signum: int, _frame: FrameType | None) -> None:
    _signals_received.append(signum)
    raise Terminated() if signum == signal.SIGTERM else KeyboardInterrupt()


def install_signal_handlers(*, program: bool = False) -> None:
    """SIGINT raises KeyboardInterrupt and SIGTERM `Terminated`, remembering which came.

    For the command line only: a library must not take over the process's signals. A signal
    the parent set to be ignored (a background job's SIGINT) stays ignored. `program`: called
    by the `rasid` program's entry point (as early as it can), which also lets `signals_done`
    ignore late signals.
    """
    if program:
        _whole_program[0] = True
    for signum in (signal.SIGINT, signal.SIGTERM):
        if signal.getsignal(signum) is not signal.SIG_IGN:
            signal.signal(signum, _raise_interrupt)


def signals_done() -> None:
    """The command's work is committed and reported: a signal from now on changes nothing.

    In the `rasid` program it is then ignored, so that one landing while Python shuts down
    neither kills the finished run (exit -15) nor prints a traceback from an exit handler.
    Code that runs a command in-process (tests) keeps its signals.
    """
    if _whole_program[0]:
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, signal.SIG_IGN)


def exit_interrupted() -> None:
    """End the command after an interruption: one line on stderr, exit 130 (SIGINT) or 143 (SIGTERM)."""
    signals_done()  # a second Ctrl-C while the message is printed must not turn into a traceback
    first = _signals_received[0] if _signals_received else signal.SIGINT
    err_console.print(INTERRUPTED_MESSAGE, highlight=False)
    raise typer.Exit(128 + int(first))


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
    if missing_database(db):
        fail(f"{db}: no such database; run `rasid analyze PATH --db {db}` first")
    try:
        # A server's database without Rasid's tables is refused here, not filled with empty ones.
        return open_store(db, create=not is_server_url(db))
    except StoreError as exc:
        fail(str(exc))
        raise  # unreachable: fail exits


def open_rasid(db: str, *, must_exist: bool = False) -> Any:
    from rasid.api import Rasid

    if must_exist and missing_database(db):
        fail(f"{db}: no such database; run `rasid analyze PATH --db {db}` first")
    try:
        return Rasid(db)
    except (StoreError, RasidError) as exc:
        fail(str(exc))
