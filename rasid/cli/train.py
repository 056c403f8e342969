"""`rasid train …`: rebuild the models shipped in the package from the public datasets (deterministic)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from rasid.cli.common import JsonOption, fail
from rasid.cli.eval import DataOption, score_table
from rasid.extract.ner_names import DEFAULT_MODEL

OutOption = Annotated[
    Path | None, typer.Option("--out", help="Where to write the model (default: the package).")
]

# The hand-coded real-news key shipped in the package.
REALNEWS_KEY = Path(__file__).resolve().parents[1] / "eval" / "keys" / "realnews_dev.jsonl"


def _run_train(train: Callable[[Path, Path], dict[str, Any]], data: Path, out: Path, as_json: bool) -> None:
    from rasid.eval.verify import DatasetError

    if not data.is_dir():
        fail(f"{data}: not a folder", 2)
    try:
        result = train(data, out)
    except DatasetError as exc:
        fail(str(exc), 2)
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


def train_ner(
    data: Annotated[
        list[Path] | None,
        typer.Option("--data", help="IOB training file(s); default ../shared/data/ner/anercorp_train.txt."),
    ] = None,
    out: Annotated[Path, typer.Option("--out", help="Where to write the model.")] = DEFAULT_MODEL,
    cv: Annotated[int, typer.Option("--cv", help="K-fold cross-validation instead of training (1 = last-10% hold-out).")] = 0,
    max_iterations: Annotated[int | None, typer.Option("--max-iterations", help="L-BFGS iteration cap.")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    cluster_corpus: Annotated[
        list[Path] | None,
        typer.Option(
            "--cluster-corpus",
            help="Unlabelled text for the word clusters (JSONL[.gz] or IOB); default: realnews + ANERcorp train.",
        ),
    ] = None,
) -> None:
    """Rebuild the CRF named-entity model (deterministic: same data, same model)."""
    from rasid.eval import ner_train
    from rasid.eval.ner import IOBFormatError

    files = list(data) if data else ner_train.default_training_files()
    for path in files:
        if not path.is_file():
            fail(f"{path}: training file not found (pass --data FILE)", 2)
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
                    files, folds=cv, max_iterations=iterations, progress=progress, cluster_corpora=cluster_corpus
                )
            else:
                result = ner_train.train(
                    files, out, max_iterations=iterations, progress=progress, cluster_corpora=cluster_corpus
                )
    except (IOBFormatError, ValueError) as exc:
        fail(str(exc))
        return
    if json_out:
        typer.echo(json.dumps(result, ensure_ascii=False, indent=2))
    elif cv:
        Console().print(score_table(result["pooled"], f"NER cross-validation ({result['n_folds']} fold(s))"))
    else:
        Console().print(
            f"wrote {result['model']} ({result['model_bytes'] / 1e6:.1f} MB) from {result['sentences']} "
            f"sentences in {result['seconds']} s; word lists in {result['lexicon_dir']}"
        )


def train_dense_cmd(
    data: Annotated[Path, typer.Option("--data", help="Shared data folder (stance/, checkworthy/, ner/).")],
    out: Annotated[Path | None, typer.Option("--out", help="Model file (default: the packaged one).")] = None,
    dims: Annotated[int, typer.Option("--dims", min=10, max=1000)] = 200,
) -> None:
    """Rebuild the LSA dense retriever (TF-IDF + SVD) used by `rasid check`."""
    from rasid.eval.dense_train import train_dense
    from rasid.verify.dense import DENSE_MODEL_PATH

    if not data.is_dir():
        fail(f"{data}: not a folder; give the shared data folder with stance/ and checkworthy/", 2)
    try:
        summary = train_dense(data, out or DENSE_MODEL_PATH, dims=dims)
    except ValueError as exc:
        fail(str(exc))
        return
    typer.echo(json.dumps(summary, ensure_ascii=False, indent=2))


def train_stance_cmd(data: DataOption, out: OutOption = None, as_json: JsonOption = False) -> None:
    """Train the stance model on ANS train, tune on dev, refit on train+dev and save it."""
    from rasid.eval.verify_train import train_stance
    from rasid.verify.stance import STANCE_MODEL_PATH

    _run_train(train_stance, data, out or STANCE_MODEL_PATH, as_json)


def train_claims_cmd(data: DataOption, out: OutOption = None, as_json: JsonOption = False) -> None:
    """Train the true/fake claim model on ANS claim train (tuned on dev) and save it."""
    from rasid.eval.verify_train import train_claims
    from rasid.verify.claims_model import CLAIM_MODEL_PATH

    _run_train(train_claims, data, out or CLAIM_MODEL_PATH, as_json)


def train_checkworthy_cmd(data: DataOption, out: OutOption = None, as_json: JsonOption = False) -> None:
    """Train the check-worthiness model on CT24 Arabic train (+dev) and save it."""
    from rasid.eval.verify_train import train_checkworthy
    from rasid.verify.checkworthy import CHECKWORTHY_MODEL_PATH

    _run_train(train_checkworthy, data, out or CHECKWORTHY_MODEL_PATH, as_json)


def train_incidents_cmd(
    key: Annotated[
        Path, typer.Option("--key", help="Hand-coded key (its tune part is used).")
    ] = REALNEWS_KEY,
    corpus: Annotated[
        Path, typer.Option("--corpus", help="The corpus the key's articles come from.")
    ] = Path("../shared/data/realnews/saudinewsnet_dev.jsonl.gz"),
    out: OutOption = None,
    as_json: JsonOption = False,
) -> None:
    """Learn the incident filter from the key's tune part (cross-validated by article) and save it."""
    from rasid.eval.incident_train import train
    from rasid.extract.events.likely import MODEL_PATH

    for path in (key, corpus):
        if not path.is_file():
            fail(f"{path}: not found", 2)
    target = out or MODEL_PATH
    try:
        result = train(key, corpus, target)
    except ValueError as exc:
        fail(str(exc), 2)
        return
    if as_json:
        typer.echo(json.dumps({**result, "out": str(target)}, ensure_ascii=False, indent=2))
        return
    before, after = result["cv"]["no_filter"], result["cv"]["filtered"]
    typer.echo(
        f"wrote {target}: {result['events']} events of {result['articles']} tune articles "
        f"({result['positives']} match the key); C {result['cv']['c']}, threshold {result['threshold']}\n"
        f"export by article, 5-fold CV: without the filter P {before['precision']:.3f} R {before['recall']:.3f} "
        f"F1 {before['f1']:.3f}; with it P {after['precision']:.3f} R {after['recall']:.3f} F1 {after['f1']:.3f}"
        + ("" if result["kept"] else " (not better: threshold 0, the filter only scores)")
    )
