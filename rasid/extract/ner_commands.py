"""CLI: `rasid eval ner` and `rasid train ner`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from rasid.commands import fail as _fail
from rasid.extract.ner_crf import DEFAULT_MODEL, ENTITY_TYPES

# Types Wojood shares with ANERcorp (after GPE -> LOC); used with --types shared.
SHARED_TYPES = ("PERS", "LOC", "ORG")




def _score_table(result: dict[str, Any], title: str) -> Table:
    table = Table(title=title)
    for col in ("type", "precision", "recall", "F1", "support", "predicted"):
        table.add_column(col, justify="left" if col == "type" else "right")

    def row(name: str, s: dict[str, Any]) -> list[str]:
        return [
            name,
            f"{100 * s['precision']:.2f}",
            f"{100 * s['recall']:.2f}",
            f"{100 * s['f1']:.2f}",
            str(s["support"]),
            str(s["predicted"]),
        ]

    for name, scores in result["per_type"].items():
        table.add_row(*row(name, scores))
    table.add_section()
    table.add_row(*row("micro", result["micro"]), style="bold")
    return table


def _parse_types(types: str | None) -> tuple[str, ...] | None:
    if not types:
        return None
    if types.lower() == "shared":
        return SHARED_TYPES
    out = tuple(t.strip().upper() for t in types.split(",") if t.strip())
    unknown = [t for t in out if t not in ENTITY_TYPES]
    if unknown:
        _fail(f"--types: unknown type(s) {', '.join(unknown)} (choose from {', '.join(ENTITY_TYPES)})", 2)
    return out


def register(app: typer.Typer, eval_app: typer.Typer, train_app: typer.Typer) -> None:
    @eval_app.command("ner")
    def eval_ner(
        data: Annotated[Path, typer.Option("--data", help="IOB file: `token label` per line (ANERcorp format).")],
        json_out: Annotated[bool, typer.Option("--json", help="Print the scores as JSON.")] = False,
        model: Annotated[Path | None, typer.Option("--model", help="CRF model (default: shipped).")] = None,
        types: Annotated[
            str | None,
            typer.Option("--types", help="Score only these types, e.g. PERS,LOC,ORG or 'shared' (Wojood)."),
        ] = None,
    ) -> None:
        """Exact-span precision, recall and F1 per entity type and micro-averaged (CoNLL rules)."""
        from rasid.extract.ner_crf import load_tagger
        from rasid.extract.ner_eval import IOBFormatError, evaluate

        if not data.is_file():
            _fail(f"{data}: no such file", 2)
        wanted = _parse_types(types)
        try:
            tagger = load_tagger(model)
            result = evaluate(data, tagger, types=wanted)
        except (FileNotFoundError, IOBFormatError) as exc:
            _fail(str(exc))
            return
        result["model"] = str(model or DEFAULT_MODEL)
        if json_out:
            typer.echo(json.dumps(result, ensure_ascii=False, indent=2))
            return
        console = Console()
        console.print(_score_table(result, f"NER on {data.name}"))
        console.print(
            f"{result['sentences']} sentences, {result['tokens']} tokens, "
            f"{result['tokens_per_second']:.0f} tokens/s"
        )

    @train_app.command("ner")
    def train_ner(
        data: Annotated[
            list[Path] | None,
            typer.Option("--data", help="IOB training file(s); default ../shared/data/ner/anercorp_train.txt."),
        ] = None,
        out: Annotated[Path, typer.Option("--out", help="Where to write the model.")] = DEFAULT_MODEL,
        cv: Annotated[int, typer.Option("--cv", help="K-fold cross-validation instead of training (1 = last-10% hold-out).")] = 0,
        max_iterations: Annotated[int | None, typer.Option("--max-iterations", help="L-BFGS iteration cap.")] = None,
        json_out: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    ) -> None:
        """Rebuild the CRF named-entity model (deterministic: same data, same model)."""
        from rasid.extract import ner_train
        from rasid.extract.ner_eval import IOBFormatError

        files = list(data) if data else ner_train.default_training_files()
        for path in files:
            if not path.is_file():
                _fail(f"{path}: training file not found (pass --data FILE)", 2)
        console = Console(stderr=True)
        iterations = max_iterations or ner_train.MAX_ITERATIONS
        try:
            with console.status("training NER model ...") as status:

                def progress(message: str) -> None:
                    status.update(f"NER: {message}")
                    if message.startswith(("read", "fold")):
                        console.log(message)

                if cv:
                    result = ner_train.cross_validate(
                        files, folds=cv, max_iterations=iterations, progress=progress
                    )
                else:
                    result = ner_train.train(files, out, max_iterations=iterations, progress=progress)
        except IOBFormatError as exc:
            _fail(str(exc))
            return
        if json_out:
            typer.echo(json.dumps(result, ensure_ascii=False, indent=2))
        elif cv:
            Console().print(_score_table(result["pooled"], f"NER cross-validation ({result['n_folds']} fold(s))"))
        else:
            Console().print(
                f"wrote {result['model']} ({result['model_bytes'] / 1e6:.1f} MB) from {result['sentences']} "
                f"sentences in {result['seconds']} s; word lists in {result['lexicon_dir']}"
            )
