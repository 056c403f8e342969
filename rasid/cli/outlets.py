"""`rasid outlets`: each outlet's track record from what the stored stories show."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from rasid.cli.common import DEFAULT_DB, DbOption, JsonOption, console, open_store_or_fail

COLUMNS = (  # (header, field): short headers, so the table fits 80 columns; the caption says more
    ("outlet", "outlet"),
    ("articles", "articles"),
    ("facts", "facts_held"),
    ("against majority", "contradicted_by_majority"),
    ("agreed", "agreed_by_others"),
    ("retracted", "retractions"),
    ("recycled", "recycled"),
)
CAPTION = (
    "facts: facts held in stories; against majority: facts it stated that the majority of independent"
    " holders contradicted;"
    " agreed: by another independent holder; retracted: articles taking back an earlier claim;"
    " recycled: old news re-published as new"
)


def outlets_cmd(
    db: DbOption = DEFAULT_DB,
    as_json: JsonOption = False,
    limit: Annotated[
        int, typer.Option("--limit", help="Show only the N outlets with most articles (0: all).")
    ] = 0,
) -> None:
    """Outlets with their track record: facts they stated in stories, how many the majority of
    independent sources contradicted or agreed with, retractions, and old news re-published."""
    from rasid.verify.track_record import refresh_track_records, track_records_for

    store = open_store_or_fail(db)
    try:
        refresh_track_records(store)  # the stories that changed since `rasid analyze` last ran
        records = sorted(track_records_for(store).values(), key=lambda r: (-r.articles, r.outlet))
    finally:
        store.close()
    if limit > 0:
        records = records[:limit]
    if as_json:
        typer.echo(json.dumps([r.to_json() for r in records], ensure_ascii=False, indent=2, default=str))
        return
    table = Table(title=f"{len(records)} outlets in {db}", caption=CAPTION)
    for title, name in COLUMNS:
        if name == "outlet":
            table.add_column(title, overflow="fold", min_width=8)
        else:
            table.add_column(title, justify="right")
    for record in records:
        row = record.to_json()
        table.add_row(*(str(row[name]) for _title, name in COLUMNS))
    console.print(table)
