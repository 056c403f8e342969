"""`rasid reviews`: export every analyst's review, or a gold key made of the reviewed events."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from rasid.cli.common import DEFAULT_DB, DbOption, fail
from rasid.store import StoreError, missing_database, open_store

FORMATS = ("json", "jsonl", "gold")


def reviews_command(
    db: DbOption = DEFAULT_DB,
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            help="json|jsonl: every review (who, when, action, changes, value before, note); gold: a key for "
            "`rasid eval events --gold KEY.jsonl --corpus FILE` (confirmed and corrected events of each reviewed "
            "article; rejected and unreviewed events left out).",
        ),
    ] = "json",
    output: Annotated[
        str | None, typer.Option("--output", "-o", help="Write here instead of stdout.")
    ] = None,
) -> None:
    """Export the reviews of coded events (or a gold key made of them)."""
    if fmt not in FORMATS:
        fail(f"--format {fmt!r}: choose one of {', '.join(FORMATS)}", 2)
    if missing_database(db):
        fail(f"{db}: no such database; run `rasid analyze PATH --db {db}` first")
    from rasid.store.reviews import all_reviews, gold_key

    try:
        store = open_store(db, create=False)
    except StoreError as exc:
        fail(str(exc))
    try:
        rows = gold_key(store) if fmt == "gold" else all_reviews(store)
    finally:
        store.close()
    if fmt == "json":
        text = json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
    else:
        text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    if output is None:
        sys.stdout.write(text)
        return
    try:
        Path(output).write_text(text, encoding="utf-8")
    except OSError as exc:
        fail(f"{output}: cannot write: {exc}")
