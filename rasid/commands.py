"""Core commands: analyze, search, articles, demo, bench."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from rasid.errors import RasidError
from rasid.store.base import ArticleRow, Store, StoreError, open_store

console = Console()
# soft_wrap: an error stays on one line however long the file name is.
err_console = Console(stderr=True, soft_wrap=True)

DEFAULT_DB = os.environ.get("RASID_DB", "rasid.db")
DbOption = Annotated[str, typer.Option("--db", help="Database file (SQLite). Env RASID_DB sets the default.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def fail(message: str, code: int = 1) -> None:
    err_console.print(f"[red]error:[/red] {message}", highlight=False)
    raise typer.Exit(code)


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


def _parse_day(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        fail(f"{option} {value!r}: expected a date as YYYY-MM-DD")
    return None


def run_analyze(
    paths: list[str],
    db: str,
    source: str | None,
    published: str | None,
    quiet: bool = False,
    max_mb: float = 10.0,
) -> Any:
    day = _parse_day(published, "--published")
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


def register(app: typer.Typer, eval_app: typer.Typer, train_app: typer.Typer) -> None:
    @app.command()
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

    @app.command()
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

    @app.command()
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

    @app.command()
    def demo(
        db: Annotated[str, typer.Option("--db", help="Where to store the demo database.")] = "rasid-demo.db",
        fresh: Annotated[bool, typer.Option(help="Start from an empty database.")] = True,
    ) -> None:
        """Analyse the bundled sample corpus and print a readable summary."""
        from rasid.api import sample_corpus_path
        from rasid.demo import print_summary

        if fresh:
            for suffix in ("", "-wal", "-shm"):
                Path(db + suffix).unlink(missing_ok=True)
        rasid, report = run_analyze([str(sample_corpus_path())], db, None, None)
        print_summary(console, rasid, report)
        rasid.close()

    @app.command()
    def bench(
        articles: Annotated[int, typer.Option("--articles", "-n", help="Corpus size to generate.")] = 10000,
        corpus: Annotated[
            str | None, typer.Option(help="Benchmark on this file/folder instead of a generated corpus.")
        ] = None,
        stages: Annotated[str, typer.Option(help="Comma-separated stages, or 'default' for the full pipeline.")] = "default",
        stories: Annotated[bool, typer.Option(help="Also time story grouping after ingest.")] = True,
        as_json: JsonOption = False,
    ) -> None:
        """Measure ingest + pipeline throughput (articles/s), story grouping, and peak memory."""
        from rasid.bench import run_bench

        result = run_bench(articles=articles, corpus=corpus, stages=stages, progress=not as_json, stories=stories)
        if as_json:
            print(json.dumps(result, ensure_ascii=False, indent=2))
        else:
            console.print(
                f"{result['articles']} articles in {result['seconds']:.1f} s: "
                f"[bold]{result['articles_per_second']:.0f} articles/s[/bold] "
                f"({', '.join(result['stages'])}); peak memory {result['peak_rss_mb']:.0f} MB",
                highlight=False,
            )
            # CPU time stays comparable on a shared machine, where wall time counts others' turns too.
            console.print(
                f"CPU: {result['cpu_seconds']:.2f} s, {result['articles_per_cpu_second']:.0f} articles per CPU second",
                highlight=False,
            )
            if result["story_seconds"] is not None:
                console.print(
                    f"story grouping: {result['story_seconds']:.1f} s ({result['stories_articles_per_second']:.0f} articles/s)",
                    highlight=False,
                )
            console.print(
                "memory (RSS MB) after each quarter: " + ", ".join(f"{m:.0f}" for m in result["rss_mb_checkpoints"]),
                highlight=False,
            )
