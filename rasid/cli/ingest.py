"""`rasid analyze`, `rasid search`, `rasid articles`: put articles in the database and find them again."""

from __future__ import annotations

import json
import os
import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from rasid.cli.common import (
    DEFAULT_DB,
    DbOption,
    JsonOption,
    console,
    err_console,
    exit_interrupted,
    fail,
    install_signal_handlers,
    open_rasid,
    open_store_or_fail,
    parse_day,
    signals_done,
)
from rasid.records import ArticleRow

if TYPE_CHECKING:  # the runner is imported only when a command runs, so `rasid --help` stays fast
    from rasid.ingest.runner import IngestReport


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
    batch_size: int = 200,
    workers: int = 1,
    dask: str | None = None,
) -> Any:
    day = parse_day(published, "--published")
    rasid = open_rasid(db)
    errors: list[str] = []

    def on_error(message: str) -> None:
        errors.append(message)
        err_console.print(f"[yellow]skipped[/yellow] {message}", highlight=False)

    def on_warning(message: str) -> None:
        err_console.print(f"[yellow]warning[/yellow] {message}", highlight=False)

    show_progress = not quiet and sys.stderr.isatty()
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        disable=not show_progress,
        transient=True,
    ) as progress:
        # Hidden until the work is counted, so it never shows "0/?".
        task = progress.add_task("analyzing", total=None, visible=False)
        shown = [""]

        def on_phase(phase: str, done: int, total: int) -> None:
            # A new phase is drawn at once: a short one would otherwise fall between two refreshes.
            new = phase != shown[0]
            progress.update(task, description=phase, completed=done, total=total, visible=True, refresh=new)
            shown[0] = phase

        report = rasid.analyze(
            paths,
            source=source,
            published=day,
            max_bytes=int(max_mb * 1024 * 1024),
            batch_size=batch_size,
            on_error=on_error,
            on_warning=on_warning,
            progress=on_phase if show_progress else None,
            workers=workers,
            dask=dask,
        )
    return rasid, report


def default_workers() -> int:
    """Every core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not on every platform
        return max(1, os.cpu_count() or 1)


def stage_failure_line(report: IngestReport) -> str | None:
    """'N articles stored with a failed stage (events: N); see `rasid doctor`', or None."""
    counts = report.failures_by_stage()
    if not counts:
        return None
    kinds = ", ".join(f"{stage}: {n}" for stage, n in counts.items())
    return f"{len(report.stage_failures)} articles stored with a failed stage ({kinds}); see `rasid doctor`"


def analyze(
    paths: Annotated[list[str], typer.Argument(help="Files or folders of .txt, .html/.htm, .jsonl articles.")],
    db: DbOption = DEFAULT_DB,
    source: Annotated[str | None, typer.Option(help="Outlet name for all articles (else detected).")] = None,
    published: Annotated[
        str | None, typer.Option(help="Publication date YYYY-MM-DD for articles without one.")
    ] = None,
    max_mb: Annotated[float, typer.Option(help="Largest single .txt/.html article accepted, in MB.")] = 10.0,
    batch_size: Annotated[
        int, typer.Option(min=1, help="Articles analysed and committed together (an interruption loses at most one batch).")
    ] = 200,
    workers: Annotated[
        int | None,
        typer.Option(min=1, help="Processes analysing articles (default: every core); 1 analyses in this process."),
    ] = None,
    dask: Annotated[
        str | None,
        typer.Option(
            "--dask",
            help="Analyse on a Dask cluster: a scheduler address (tcp://host:8786) or 'local' (--workers processes here).",
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Read, clean, analyse and store articles; prints what was added.

    Also finishes what an interrupted run left: stored articles not yet in a story are grouped,
    and stages that failed under an older Rasid are run again. Ctrl-C or SIGTERM keep what was
    committed and exit 130 / 143; the same command finishes the job.
    """
    install_signal_handlers()
    try:
        _analyze(paths, db, source, published, max_mb, batch_size, as_json, workers or default_workers(), dask)
    except KeyboardInterrupt:  # a signal anywhere: transactions roll back as the exception unwinds
        exit_interrupted()


def _analyze(
    paths: list[str],
    db: str,
    source: str | None,
    published: str | None,
    max_mb: float,
    batch_size: int,
    as_json: bool,
    workers: int = 1,
    dask: str | None = None,
) -> None:
    from rasid.ingest.dask_pool import DaskUnavailableError

    try:
        rasid, report = run_analyze(
            paths, db, source, published, quiet=as_json, max_mb=max_mb, batch_size=batch_size, workers=workers,
            dask=dask,
        )
    except DaskUnavailableError as exc:
        fail(str(exc))
    summary = {
        "db": db,
        "files": report.files,
        "articles_seen": report.seen,
        "added": report.added,
        "already_stored": report.unchanged,
        "near_duplicates": report.near_duplicates,
        "errors": report.errors,
        "stage_failures": report.failures_by_stage(),
        "retried": report.retried,
        "retry_fixed": report.retry_fixed,
        "grouped": report.grouped,
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
    failed = stage_failure_line(report)
    if failed is not None:
        err_console.print(f"[yellow]warning[/yellow]: {failed}", highlight=False)
    if report.retried:
        err_console.print(
            f"{report.retried} articles with a stage that failed under an older version analysed again:"
            f" {report.retry_fixed} now complete",
            highlight=False,
        )
    if report.interrupted:
        exit_interrupted()
    signals_done()


def search(
    query: Annotated[str, typer.Argument(help="Words to find, in Arabic (any spelling of hamza, taa marbuta…).")],
    db: DbOption = DEFAULT_DB,
    limit: Annotated[int, typer.Option(help="How many results.")] = 10,
    as_json: JsonOption = False,
) -> None:
    """Full-text search (BM25) over normalised Arabic, with highlighted snippets."""
    from rasid.api.search import search as search_store

    # The store alone: `Rasid` would import the ingest path (over half a second), which a search never uses.
    store = open_store_or_fail(db)
    try:
        hits = search_store(store, query, limit=limit)
    finally:
        store.close()
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
