"""`rasid eval claims --unifiedfc` and `rasid train claim-check`: claim checking on real Syrian-war claims."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from rasid.cli.common import JsonOption, fail

UnifiedOption = Annotated[
    Path, typer.Option("--unifiedfc", help="UnifiedFC file (unifiedfc_dev.jsonl.gz) or its folder.")
]
PagesDbOption = Annotated[
    Path | None,
    typer.Option(
        "--db",
        help="Database of the corpus's pages: reused when it holds articles, else built there "
        "(default: a temporary one, ~2 min to build).",
    ),
]


def _progress(console: Console) -> Any:
    last: dict[str, int] = {}

    def report(phase: str, done: int, total: int) -> None:
        step = max(1, total // 10)
        if total and (done % step == 0) and last.get(phase) != done:
            last[phase] = done
            console.print(f"[dim]{phase}: {done}/{total}[/dim]")

    return report


def _folds(value: str | None, default: tuple[int, ...]) -> tuple[int, ...]:
    if value is None:
        return default
    try:
        folds = tuple(int(x) for x in value.split(","))
    except ValueError:
        fail(f"--folds {value!r}: give fold numbers 0–4 separated by commas, e.g. 3,4", 2)
    if not folds or any(not 0 <= f < 5 for f in folds):
        fail(f"--folds {value!r}: folds are numbered 0–4", 2)
    return folds


def eval_unifiedfc(data: Path, db: Path | None, folds: str | None, model_path: Path | None, as_json: bool) -> None:
    from rasid.eval.claim_check import evaluate_claim_check
    from rasid.eval.unifiedfc import REPORT_FOLDS, UnifiedFCError
    from rasid.verify.page_stance import CLAIM_CHECK_MODEL_PATH, ClaimCheckModelError, load_claim_check_model

    console = Console(stderr=True)
    chosen = _folds(folds, REPORT_FOLDS)
    try:
        model = load_claim_check_model(model_path or CLAIM_CHECK_MODEL_PATH)
        report = evaluate_claim_check(data, model, db=db, folds=chosen, progress=_progress(console))
    except (ClaimCheckModelError, UnifiedFCError) as exc:
        fail(str(exc), 2)
        return
    if as_json:
        typer.echo(json.dumps(report, ensure_ascii=False, indent=2))
        return
    _print(report)


def _print(report: dict[str, Any]) -> None:
    console = Console()
    console.print(
        f"UnifiedFC claims of folds {report['folds']} ({report['claims']} claims); "
        f"models tuned on folds {report['tuned_on_folds']}"
    )
    table = Table(title="verdicts beside the trivial baselines")
    for col in ("", "rasid", "majority", "always true"):
        table.add_column(col, justify="right" if col else "left")
    base = report["baselines"]
    table.add_row(
        "accuracy", f"{report['accuracy']:.3f}", f"{base['majority']['accuracy']:.3f}",
        f"{base['all_positive']['accuracy']:.3f}",
    )
    table.add_row(
        "macro F1", f"{report['macro_f1']:.3f}", f"{base['majority']['macro_f1']:.3f}",
        f"{base['all_positive']['macro_f1']:.3f}",
    )
    table.add_row("coverage", f"{report['coverage']:.3f}", "1.000", "1.000")
    console.print(table)
    console.print(f"labels: {report['labels']}")
    stance = report["page_stance"]
    pages = Table(title=f"page stance ({stance['pages']} pages)")
    for col in ("class", "precision", "recall", "F1", "support"):
        pages.add_column(col, justify="left" if col == "class" else "right")
    for label, s in stance["four_classes"]["per_class"].items():
        pages.add_row(label, f"{s['precision']:.3f}", f"{s['recall']:.3f}", f"{s['f1']:.3f}", str(s["support"]))
    console.print(pages)
    console.print(
        f"page stance macro F1: 4 classes {stance['four_classes']['macro_f1']:.3f} "
        f"(majority {stance['baselines']['majority']['macro_f1']:.3f}); "
        f"3 related classes {stance['related_three']['macro_f1']:.3f}"
    )
    recall = report["evidence_recall"]
    console.print(
        f"evidence recall (gold agree/disagree pages cited): "
        f"{'–' if recall is None else f'{recall:.3f}'} over {report['claims_with_gold_evidence']} claims"
    )
    latency = report["latency_seconds"]
    console.print(f"check latency: median {latency['median']} s, p90 {latency['p90']} s")


def train_claim_check_cmd(
    data: UnifiedOption,
    db: PagesDbOption = None,
    out: Annotated[Path | None, typer.Option("--out", help="Where to write the model (default: the package).")] = None,
    folds: Annotated[str | None, typer.Option("--folds", help="Tuning folds, e.g. 0,1,2 (the default).")] = None,
    as_json: JsonOption = False,
) -> None:
    """Train the page-stance and verdict models on UnifiedFC's tuning folds and save them."""
    from rasid.eval.claim_check import train_claim_check
    from rasid.eval.unifiedfc import TUNE_FOLDS, UnifiedFCError
    from rasid.verify.page_stance import CLAIM_CHECK_MODEL_PATH, save_claim_check_model

    console = Console(stderr=True)
    try:
        model, report = train_claim_check(data, db=db, folds=_folds(folds, TUNE_FOLDS), progress=_progress(console))
    except UnifiedFCError as exc:
        fail(str(exc), 2)
        return
    target = out or CLAIM_CHECK_MODEL_PATH
    save_claim_check_model(model, target)
    report["out"] = str(target)
    report["size_bytes"] = target.stat().st_size
    if as_json:
        typer.echo(json.dumps(report, ensure_ascii=False, indent=2, default=float))
        return
    typer.echo(
        f"wrote {target} ({report['size_bytes'] / 1e3:.0f} kB): {report['claims']} claims, {report['pages']} pages; "
        f"thresholds {report['thresholds']}; cross-fitted accuracy on the tuning folds {report['cross_fitted_accuracy']:.3f}"
    )
