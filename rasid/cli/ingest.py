"""`rasid analyze`, `rasid search`, `rasid articles`: put articles in the database and find them again."""

from __future__ import annotations

import json
import sys
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from rasid.cli.common import DEFAULT_DB, DbOption, JsonOption, console, err_console, open_rasid, parse_day
from rasid.records import ArticleRow


def article_dict(a: ArticleRow) -> dict[str, Any]:
    return {
        "id": a.id,
        "doc_id": a.doc_id,
        "origin": a.origin,
        "url": a.url,
        "source": a.source,
        "title": a.title,
        "published": a.published.isoformat() if a.published else None,
        "language": a.language,
        "length": a.length,
        "duplicate_of": a.duplicate_of,
        "similarity": a.similarity,
        "flags": list(a.flags),
    }


def run_analyze(
    paths: list[str],
    db: str,
    source: str | None,
    published: str | None,
    quiet: bool = False,
    max_mb: float = 10.0,
) -> Any:
    day = parse_day(published, "--published")
    rasid = open_rasid(db)
    errors: list[str] = []

    def on_error(message: str) -> None:
        errors.append(message)
        err_console.print(f"[yellow]skipped[/yellow] {message}", highlight=False)

    show_progress = not quiet and sys.stderr.isatty()
    with Progress(
        TextColumn("[bold]analyzing"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        disable=not show_progress,
        transient=True,
    ) as progress:
        task = progress.add_task("analyze", total=None)
        report = rasid.analyze(
            paths,
            source=source,
            published=day,
            max_bytes=int(max_mb * 1024 * 1024),
            on_error=on_error,
            on_progress=lambda n: progress.advance(task, n),
        )
    return rasid, report


def analyze(
    paths: Annotated[list[str], typer.Argument(help="Files or folders of .txt, .html/.htm, .jsonl articles.")],
    db: DbOption = DEFAULT_DB,
    source: Annotated[str | None, typer.Option(help="Outlet name for all articles (else detected).")] = None,
    published: Annotated[
        str | None, typer.Option(help="Publication date YYYY-MM-DD for articles without one.")
    ] = None,
    max_mb: Annotated[float, typer.Option(help="Largest single .txt/.html article accepted, in MB.")] = 10.0,
    as_json: JsonOption = False,
) -> None:
    """Read, clean, analyse and store articles; prints what was added."""
    rasid, report = run_analyze(paths, db, source, published, quiet=as_json, max_mb=max_mb)
    summary = {
        "db": db,
        "files": report.files,
        "articles_seen": report.seen,
        "added": report.added,
        "already_stored": report.unchanged,
        "near_duplicates": report.near_duplicates,
        "errors": report.errors,
        "interrupted": report.interrupted,
        "total_in_db": rasid.store.count_articles(),
    }
    rasid.close()
    if as_json:
        print(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        console.print(
            f"{report.added} added, {report.unchanged} already stored, {report.near_duplicates} near-duplicates,"
            f" {len(report.errors)} skipped; {summary['total_in_db']} articles in {db}",
            highlight=False,
        )
    if report.interrupted:
        err_console.print("[red]interrupted[/red]: what was committed is kept; run the same command again to finish")
        raise typer.Exit(130)


def search(
    query: Annotated[str, typer.Argument(help="Words to find, in Arabic (any spelling of hamza, taa marbuta…).")],
    db: DbOption = DEFAULT_DB,
    limit: Annotated[int, typer.Option(help="How many results.")] = 10,
    as_json: JsonOption = False,
) -> None:
    """Full-text search (BM25) over normalised Arabic, with highlighted snippets."""
    rasid = open_rasid(db, must_exist=True)
    hits = rasid.search(query, limit=limit)
    rasid.close()
    if as_json:
        print(
            json.dumps(
                [
                    {
                        "rank": i + 1,
                        "score": h.score,
                        "snippet": h.snippet.text,
                        "highlights": [list(x) for x in h.snippet.highlights],
                        **article_dict(h.article),
                    }
                    for i, h in enumerate(hits)
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    if not hits:
        console.print(f"no article matches {query!r}")
        return
    for i, h in enumerate(hits, start=1):
        a = h.article
        console.print(
            f"[bold]{i}. {a.title or '(untitled)'}[/bold]  [dim]#{a.id} {a.source or '?'}"
            f" {a.published or ''} score={h.score:.2f}[/dim]",
            highlight=False,
        )
        console.print("   " + h.snippet.marked("[reverse]", "[/reverse]"), highlight=False)


def articles(db: DbOption = DEFAULT_DB, as_json: JsonOption = False) -> None:
    """List stored articles: id, where it came from, outlet, title, date, language, length, duplicate-of."""
    rasid = open_rasid(db, must_exist=True)
    rows = list(rasid.articles())
    rasid.close()
    if as_json:
        print(json.dumps([article_dict(a) for a in rows], ensure_ascii=False, indent=2))
        return
    table = Table(title=f"{len(rows)} articles in {db}")
    for col in ("id", "origin", "outlet", "title", "published", "lang", "chars", "dup of"):
        table.add_column(col, overflow="fold")
    for a in rows:
        dup = f"{a.duplicate_of} ({a.similarity:.2f})" if a.duplicate_of else ""
        table.add_row(
            str(a.id),
            a.url or a.origin,
            a.source or "",
            (a.title or "")[:60],
            str(a.published or ""),
            a.language,
            str(a.length),
            dup,
        )
    console.print(table)
