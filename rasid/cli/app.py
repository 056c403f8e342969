"""The `rasid` command line: every command is registered here, in the order `rasid --help` lists them.

The command functions live in one module per group (`rasid.cli.ingest`, `.demo`, …); they import
heavy code (models, the pipeline) inside their bodies so that `rasid --help` stays fast.
Commands that open a database are registered through `on_db`, and `main` catches what is left:
a problem with the database file is one line on stderr and exit 1, never a traceback.
"""

from __future__ import annotations

import functools
import sqlite3
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import typer
from rich.markup import escape
from typer.exceptions import TyperException

from rasid.cli import bench, check, demo, doctor, entities, eval_furniture, events, ingest, stories, train
from rasid.cli import eval as eval_commands
from rasid.cli.changes import alerts_cmd, changes_cmd
from rasid.cli.claim_check_cmds import train_claim_check_cmd
from rasid.cli.common import DEFAULT_DB, err_console
from rasid.cli.outlets import outlets_cmd
from rasid.cli.reviews import reviews_command
from rasid.cli.serve import serve as serve_cmd
from rasid.cli.watch import watch as watch_cmd

app = typer.Typer(help="Rasid (راصد): Arabic conflict-news monitor.", no_args_is_help=True, add_completion=False)
eval_app = typer.Typer(help="Measure quality on public datasets (precision/recall/F1).", no_args_is_help=True)
train_app = typer.Typer(help="Rebuild the models shipped in the package.", no_args_is_help=True)
app.add_typer(eval_app, name="eval")
app.add_typer(train_app, name="train")



def _fail(message: str) -> None:
    err_console.print(f"[red]error:[/red] {escape(message)}", highlight=False)
    raise typer.Exit(1)


def on_db(command: Callable[..., None], *, writes: bool = False) -> Callable[..., None]:
    """`command` (which opens the `--db` file) with one-line errors about that file instead of tracebacks.

    Before it runs, an existing --db file must be a Rasid database; a reading command also refuses
    an empty (0-byte) one, which the store would otherwise take for a new database. While it runs,
    a `StoreError` or SQLite error becomes one line, and so does any other error if SQLite then finds
    the file damaged (garbage read from a broken page can fail anywhere). A missing file is left to
    the command, which says how to create it.
    """

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> None:
        from rasid.store import StoreError, is_server_url
        from rasid.store.doctor import recover_hint, sqlite_check
        from rasid.store.sqlite import busy_timeout_from_env, check_file, sqlite_error

        db = str(kwargs.get("db") or DEFAULT_DB)
        try:
            if not is_server_url(db) and Path(db).exists():
                check_file(Path(db), create=writes)
            command(*args, **kwargs)
        except (typer.Exit, typer.Abort, TyperException):
            raise
        except StoreError as exc:
            _fail(str(exc))
        except sqlite3.Error as exc:
            _fail(str(sqlite_error(db, exc, busy_timeout_from_env())))
        except Exception:
            findings = sqlite_check(db, quick=True) if not is_server_url(db) and Path(db).is_file() else []
            if not findings:
                raise  # not the file's fault: a bug, which must show its traceback
            _fail(f"{db}: the database file is damaged ({findings[0]}); {recover_hint(db)}")

    return run


app.command("analyze")(on_db(ingest.analyze, writes=True))
app.command("watch")(on_db(watch_cmd, writes=True))
app.command("search")(on_db(ingest.search))
app.command("articles")(on_db(ingest.articles))
app.command("demo")(demo.demo)
app.add_typer(bench.bench_app, name="bench")
app.command("entities")(on_db(entities.entities))
app.command("events")(on_db(events.events_command))
app.command("changes")(on_db(changes_cmd))
app.command("alerts")(on_db(alerts_cmd, writes=True))
app.command("reviews")(on_db(reviews_command))
app.command("check")(on_db(check.check))
app.command("claims")(on_db(check.claims))
app.command("stories")(on_db(stories.stories_cmd))
app.command("story")(on_db(stories.story_cmd))
app.command("outlets")(on_db(outlets_cmd))
app.command("doctor")(doctor.doctor)
app.command("serve")(on_db(serve_cmd))

eval_app.command("dates")(eval_commands.eval_dates)
eval_app.command("events")(eval_commands.eval_events)
eval_app.command("ner")(eval_commands.eval_ner)
eval_app.command("stories")(eval_commands.eval_stories_cmd)
eval_app.command("stance")(eval_commands.eval_stance_cmd)
eval_app.command("claims")(eval_commands.eval_claims_cmd)
eval_app.command("checkworthy")(eval_commands.eval_checkworthy_cmd)
eval_app.command("furniture")(eval_furniture.eval_furniture)

train_app.command("ner")(train.train_ner)
train_app.command("dense")(train.train_dense_cmd)
train_app.command("stance")(train.train_stance_cmd)
train_app.command("claims")(train.train_claims_cmd)
train_app.command("claim-check")(train_claim_check_cmd)
train_app.command("checkworthy")(train.train_checkworthy_cmd)
train_app.command("incidents")(train.train_incidents_cmd)


def _db_argument(argv: Sequence[str]) -> str:
    """The --db value of a command line (for an error that reached `main`), else the default."""
    for i, arg in enumerate(argv):
        if arg == "--db" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--db="):
            return arg.removeprefix("--db=")
    return DEFAULT_DB


def main() -> None:
    """The `rasid` command; a storage error that escapes a command is one line and exit 1, not a traceback."""
    from rasid.cli.common import install_signal_handlers
    from rasid.store import StoreError

    # As early as the program can: a signal during start-up or while a database header is read
    # then unwinds like one during the run (one line, exit 130/143), never Python's default.
    install_signal_handlers(program=True)
    try:
        app()
    except StoreError as exc:
        err_console.print(f"[red]error:[/red] {escape(str(exc))}", highlight=False)
        sys.exit(1)
    except sqlite3.Error as exc:
        from rasid.store.sqlite import busy_timeout_from_env, sqlite_error

        message = str(sqlite_error(_db_argument(sys.argv[1:]), exc, busy_timeout_from_env()))
        err_console.print(f"[red]error:[/red] {escape(message)}", highlight=False)
        sys.exit(1)
