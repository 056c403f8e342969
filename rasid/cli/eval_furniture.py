"""`rasid eval furniture`: page-furniture detection on hand-labelled scraped pages (UnifiedFC)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from rasid.cli.common import JsonOption, fail


def eval_furniture(
    data: Annotated[Path, typer.Option("--data", help="UnifiedFC folder (or its unifiedfc_dev.jsonl.gz).")],
    key: Annotated[Path | None, typer.Option("--key", help="Line labels (default: the shipped key).")] = None,
    as_json: JsonOption = False,
) -> None:
    """Line-level P/R/F1 of furniture detection and the share of article lines lost, beside a baseline."""
    from rasid.eval.furniture import DEFAULT_KEY, evaluate

    key = key or DEFAULT_KEY
    for path in (data, key):
        if not path.exists():
            fail(f"{path}: no such file or folder", 2)
    try:
        result = evaluate(data, key)
    except (ValueError, OSError) as exc:
        fail(str(exc), 2)
        return
    if as_json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return
    table = Table(title=f"page furniture on {result['pages']} hand-labelled pages (line level)")
    for col in (
        "part",
        "who",
        "P",
        "R",
        "F1",
        "tp",
        "fp",
        "fn",
        "article lines dropped",
        "mixed: dropped/trimmed/whole",
    ):
        table.add_column(col, overflow="fold")
    for part, scores in result["parts"].items():
        for who in ("rasid", "baseline"):
            m = scores[who]
            mixed = m["mixed"]
            table.add_row(
                f"{part} ({m['pages']})",
                who,
                f"{m['precision']:.3f}",
                f"{m['recall']:.3f}",
                f"{m['f1']:.3f}",
                str(m["tp"]),
                str(m["fp"]),
                str(m["fn"]),
                f"{m['article_lines_dropped']:.2%}",
                f"{mixed['dropped']:.2f}/{mixed['trimmed']:.2f}/{mixed['kept_whole']:.2f}",
            )
    console = Console()
    console.print(table)
    console.print(f"baseline: {result['baseline']}. {result['note']}.")
