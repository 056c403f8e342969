"""CLI: `rasid eval stance|claims|checkworthy --data DIR` and `rasid train stance|claims|checkworthy`."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from rasid.commands import fail as _fail

DataOption = Annotated[
    Path, typer.Option("--data", help="Dataset folder (ANS stance root or CT24 checkworthy).")
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
ModelOption = Annotated[Path | None, typer.Option("--model", help="Model file (default: the shipped one).")]
OutOption = Annotated[
    Path | None, typer.Option("--out", help="Where to write the model (default: the package).")
]




def _print_report(report: dict[str, Any], as_json: bool, headline: list[tuple[str, str]]) -> None:
    if as_json:
        typer.echo(json.dumps(report, ensure_ascii=False, indent=2, default=str))
        return
    from rich.console import Console
    from rich.table import Table

    console = Console()
    table = Table(title=f"{report['task']} — {report['split']} split ({report['n']} items)")
    for col in ("class", "precision", "recall", "F1", "support"):
        table.add_column(col, justify="left" if col == "class" else "right")
    for label, s in report["per_class"].items():
        table.add_row(
            label, f"{s['precision']:.3f}", f"{s['recall']:.3f}", f"{s['f1']:.3f}", str(int(s["support"]))
        )
    console.print(table)
    for key, title in headline:
        console.print(f"[b]{title}[/b]: {report[key]:.3f}")
    console.print(f"[dim]{report['items_per_second']:.0f} items/s[/dim]")


def _run_eval(
    loader: Callable[[], Any],
    evaluate: Callable[[Any], dict[str, Any]],
    as_json: bool,
    headline: list[tuple[str, str]],
) -> None:
    from rasid.verify.evaluate import DatasetError
    from rasid.verify.stance import ModelMissingError

    try:
        model = loader()
        report = evaluate(model)
    except (ModelMissingError, DatasetError) as exc:
        _fail(str(exc), 2)
        return
    _print_report(report, as_json, headline)


def _run_train(train: Callable[[Path, Path], dict[str, Any]], data: Path, out: Path, as_json: bool) -> None:
    from rasid.verify.evaluate import DatasetError

    if not data.is_dir():
        _fail(f"{data}: not a folder", 2)
    try:
        result = train(data, out)
    except DatasetError as exc:
        _fail(str(exc), 2)
        return
    result["out"] = str(out)
    result["size_bytes"] = out.stat().st_size
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False, indent=2, default=str))
        return
    dev = result["dev"]
    extra = f", positive F1 {dev['positive_f1']:.3f}" if "positive_f1" in dev else ""
    typer.echo(
        f"wrote {out} ({result['size_bytes'] / 1e6:.1f} MB); params {result['params']}; "
        f"dev macro F1 {dev['macro_f1']:.3f}, accuracy {dev['accuracy']:.3f}{extra}"
    )


def register(app: typer.Typer, eval_app: typer.Typer, train_app: typer.Typer) -> None:
    @eval_app.command("stance")
    def eval_stance_cmd(data: DataOption, as_json: JsonOption = False, model: ModelOption = None) -> None:
        """Stance model on the ANS stance test split: macro F1, accuracy, per-class P/R/F1."""
        from rasid.verify.evaluate import eval_stance
        from rasid.verify.stance import STANCE_MODEL_PATH, load_stance_model

        _run_eval(
            lambda: load_stance_model(model or STANCE_MODEL_PATH),
            lambda m: eval_stance(data, m),
            as_json,
            [("macro_f1", "macro F1"), ("accuracy", "accuracy")],
        )

    @eval_app.command("claims")
    def eval_claims_cmd(data: DataOption, as_json: JsonOption = False, model: ModelOption = None) -> None:
        """True/fake claim model on the ANS claim test split: macro F1 and accuracy."""
        from rasid.verify.claims_model import CLAIM_MODEL_PATH, load_claim_model
        from rasid.verify.evaluate import eval_claims

        _run_eval(
            lambda: load_claim_model(model or CLAIM_MODEL_PATH),
            lambda m: eval_claims(data, m),
            as_json,
            [("macro_f1", "macro F1"), ("accuracy", "accuracy")],
        )

    @eval_app.command("checkworthy")
    def eval_checkworthy_cmd(
        data: DataOption, as_json: JsonOption = False, model: ModelOption = None
    ) -> None:
        """Check-worthiness on the CheckThat! 2024 Arabic dev-test split: F1 of the positive class."""
        from rasid.verify.checkworthy import CHECKWORTHY_MODEL_PATH, load_checkworthy_model
        from rasid.verify.evaluate import eval_checkworthy

        _run_eval(
            lambda: load_checkworthy_model(model or CHECKWORTHY_MODEL_PATH),
            lambda m: eval_checkworthy(data, m),
            as_json,
            [("positive_f1", "F1 (check-worthy)"), ("macro_f1", "macro F1"), ("accuracy", "accuracy")],
        )

    @train_app.command("stance")
    def train_stance_cmd(data: DataOption, out: OutOption = None, as_json: JsonOption = False) -> None:
        """Train the stance model on ANS train, tune on dev, refit on train+dev and save it."""
        from rasid.verify.stance import STANCE_MODEL_PATH
        from rasid.verify.train import train_stance

        _run_train(train_stance, data, out or STANCE_MODEL_PATH, as_json)

    @train_app.command("claims")
    def train_claims_cmd(data: DataOption, out: OutOption = None, as_json: JsonOption = False) -> None:
        """Train the true/fake claim model on ANS claim train (tuned on dev) and save it."""
        from rasid.verify.claims_model import CLAIM_MODEL_PATH
        from rasid.verify.train import train_claims

        _run_train(train_claims, data, out or CLAIM_MODEL_PATH, as_json)

    @train_app.command("checkworthy")
    def train_checkworthy_cmd(data: DataOption, out: OutOption = None, as_json: JsonOption = False) -> None:
        """Train the check-worthiness model on CT24 Arabic train (+dev) and save it."""
        from rasid.verify.checkworthy import CHECKWORTHY_MODEL_PATH
        from rasid.verify.train import train_checkworthy

        _run_train(train_checkworthy, data, out or CHECKWORTHY_MODEL_PATH, as_json)
