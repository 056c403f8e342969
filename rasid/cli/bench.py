"""`rasid bench`: ingest and pipeline throughput, story grouping time and peak memory;
`rasid bench check`: claim-check latency on a database; `rasid bench api`: HTTP API latency on localhost."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from rasid.cli.common import DEFAULT_DB, JsonOption, console, fail, open_store_or_fail

bench_app = typer.Typer(help="Measure throughput (`rasid bench`) and claim-check latency (`rasid bench check`).")


@bench_app.callback(invoke_without_command=True)
def bench(
    ctx: typer.Context,
    articles: Annotated[int, typer.Option("--articles", "-n", help="Corpus size to generate (with --corpus: the first N records of a JSONL file).")] = 10000,
    corpus: Annotated[
        str | None, typer.Option(help="Benchmark on this file/folder instead of a generated corpus.")
    ] = None,
    stages: Annotated[str, typer.Option(help="Comma-separated stages, or 'default' for the full pipeline.")] = "default",
    stories: Annotated[bool, typer.Option(help="Also time story grouping after ingest.")] = True,
    workers: Annotated[
        int | None, typer.Option(min=1, help="Also measure `analyze --workers N` (after one process), and the speedup.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Measure ingest + pipeline throughput (articles/s), story grouping, and peak memory.

    `rasid bench check --db DB --claims FILE` measures claim-check latency instead.
    """
    if ctx.invoked_subcommand is not None:
        return
    from rasid.eval.bench import run_bench

    result = run_bench(
        articles=articles, corpus=corpus, stages=stages, progress=not as_json, stories=stories, workers=workers
    )
    if as_json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return
    for run in result["runs"][:-1]:
        console.print(
            f"{run['workers']} process: {run['articles_per_second']:.1f} articles/s ({run['seconds']:.1f} s,"
            f" load average {run['load_average']:.2f}); peak memory {run['sampled_total_rss_mb']:.0f} MB",
            highlight=False,
        )
    _print_bench(result)


def _print_bench(result: dict[str, Any]) -> None:
    """One run's figures; with workers, first their speedup and memory (main process and workers)."""
    if result["workers"] > 1:
        console.print(
            f"{result['workers']} workers: [bold]{result['articles_per_second']:.1f} articles/s[/bold]"
            f" ({result['speedup']}× one process; load average {result['load_average']:.2f});"
            f" peak memory {result['sampled_total_rss_mb']:.0f} MB together (main"
            f" {result['sampled_main_rss_mb']:.0f} MB, largest worker {result['sampled_worker_rss_mb']:.0f} MB)",
            highlight=False,
        )
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


@bench_app.command("check")
def bench_check(
    claims: Annotated[
        str, typer.Option("--claims", help="UnifiedFC claims (.jsonl/.jsonl.gz), or a text file with one claim a line.")
    ],
    db: Annotated[str, typer.Option("--db", help="SQLite file or postgresql:// URL. Env RASID_DB sets the default.")] = "",
    n: Annotated[int, typer.Option("--n", "-n", min=1, help="Claims to check, spread evenly over the file.")] = 50,
    limit: Annotated[int, typer.Option("--limit", min=1, max=50, help="Evidence passages to weigh per claim.")] = 12,
    as_json: JsonOption = False,
) -> None:
    """Measure `rasid check` latency: models loaded once, N claims, median/p90/max and time per phase."""
    from rasid.eval.bench import pick_claims, read_check_claims, run_check_bench
    from rasid.eval.unifiedfc import UnifiedFCError

    try:
        texts = pick_claims(read_check_claims(Path(claims)), n)
    except (OSError, UnicodeDecodeError, UnifiedFCError) as exc:
        fail(f"{claims}: cannot read claims ({exc})")
        return
    if not texts:
        fail(f"{claims}: no Arabic claims to check")
    store = open_store_or_fail(db or DEFAULT_DB)
    try:
        result = run_check_bench(store, texts, limit=limit)
    finally:
        store.close()
    if as_json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        _print_check_bench(result)


def _print_check_bench(result: dict[str, Any]) -> None:
    wall, cpu = result["seconds"], result["cpu_seconds"]
    console.print(
        f"{result['claims']} claims on {result['articles']} articles: median [bold]{wall['median']:.3f} s[/bold],"
        f" p90 {wall['p90']:.3f} s, max {wall['max']:.3f} s (CPU median {cpu['median']:.3f} s);"
        f" models loaded once in {result['model_load_seconds']:.2f} s",
        highlight=False,
    )
    console.print("per phase (s)    median     p90    mean", highlight=False)
    for name, row in result["phases"].items():
        console.print(f"  {name:<12} {row['median']:>8.3f} {row['p90']:>7.3f} {row['mean']:>7.3f}", highlight=False)
    console.print("verdicts: " + ", ".join(f"{k} {v}" for k, v in sorted(result["verdicts"].items())), highlight=False)
    console.print("labels: " + ", ".join(f"{k} {v}" for k, v in sorted(result["labels"].items())), highlight=False)


@bench_app.command("api")
def bench_api(
    db: Annotated[str, typer.Option("--db", help="SQLite file or postgresql:// URL. Env RASID_DB sets the default.")] = "",
    n: Annotated[int, typer.Option("--n", "-n", min=1, max=5000, help="Event-page requests to send.")] = 200,
    limit: Annotated[int, typer.Option("--limit", min=1, max=1000, help="Events per page.")] = 500,
    page: Annotated[bool, typer.Option("--page", help="Also time the web page's first load in headless Chromium.")] = False,
    screenshot: Annotated[str | None, typer.Option(help="With --page: save the loaded page as this PNG.")] = None,
    seed: Annotated[int, typer.Option(help="Seed of the random filters.")] = 0,
    as_json: JsonOption = False,
) -> None:
    """Load check of `rasid serve` on localhost: p50/p95/max per endpoint (events pages, points, timeline)."""
    from rasid.web.loadcheck import run_loadcheck

    path = Path(db or DEFAULT_DB)
    if not path.is_file():
        fail(f"{path}: no such database")
    result = run_loadcheck(path, n=n, limit=limit, seed=seed, page=page or bool(screenshot), screenshot=screenshot)
    if as_json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return
    console.print(f"{result['events_in_db']} events in {path}; pages of {result['limit']}; localhost", highlight=False)
    console.print("endpoint     requests   p50 ms   p95 ms   max ms  errors   CPU p50/p95 ms", highlight=False)
    for name, row in result["endpoints"].items():
        console.print(
            f"  {name:<10} {row['requests']:>8} {row.get('p50_ms', 0):>8.1f} {row.get('p95_ms', 0):>8.1f}"
            f" {row.get('max_ms', 0):>8.1f} {row.get('errors', 0):>7}"
            f"   {row.get('cpu_p50_ms', 0):.1f}/{row.get('cpu_p95_ms', 0):.1f}",
            highlight=False,
        )
    console.print(
        "slowest: " + "; ".join(f"{row['ms']:.0f} ms {row['path']}" for row in result["slowest"][:3]),
        highlight=False, soft_wrap=True,
    )
    if "page" in result:
        p = result["page"]
        console.print(
            f"page: first full load {p['first_load_s']:.2f} s (points answered after {p['points_response_s']} s),"
            f" {p['clusters_drawn']} clusters drawn; a zoom frame {p['zoom_frame_s']:.3f} s",
            highlight=False,
        )
