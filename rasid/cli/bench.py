"""`rasid bench`: ingest and pipeline throughput, story grouping time and peak memory."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from rasid.cli.common import JsonOption, console


def bench(
    articles: Annotated[int, typer.Option("--articles", "-n", help="Corpus size to generate (with --corpus: the first N records of a JSONL file).")] = 10000,
    corpus: Annotated[
        str | None, typer.Option(help="Benchmark on this file/folder instead of a generated corpus.")
    ] = None,
    stages: Annotated[str, typer.Option(help="Comma-separated stages, or 'default' for the full pipeline.")] = "default",
    stories: Annotated[bool, typer.Option(help="Also time story grouping after ingest.")] = True,
    as_json: JsonOption = False,
) -> None:
    """Measure ingest + pipeline throughput (articles/s), story grouping, and peak memory."""
    from rasid.eval.bench import run_bench

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
