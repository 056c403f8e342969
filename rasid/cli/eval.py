"""`rasid eval …`: quality on public datasets and gold keys.

Each command checks its options, calls the scorer in `rasid.eval` and prints the scores
(a table, or JSON with --json).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from rasid.cli.common import JsonOption, fail
from rasid.extract.ner_names import DEFAULT_MODEL, ENTITY_TYPES

# Types Wojood shares with ANERcorp (after GPE -> LOC); used with --types shared.
SHARED_TYPES = ("PERS", "LOC", "ORG")

DataOption = Annotated[
    Path, typer.Option("--data", help="Dataset folder (ANS stance root or CT24 checkworthy).")
]
ModelOption = Annotated[Path | None, typer.Option("--model", help="Model file (default: the shipped one).")]


def _acc(value: float | None) -> str:
    return "" if value is None else f"{value:.3f}"


def _print_sample(result: dict[str, Any]) -> None:
    console = Console()
    for level, title in (("type", "event type"), ("sub", "event type / sub-type")):
        part = result[level]
        table = Table(title=f"sample gold key: {title} ({result['articles']} articles)")
        for col in ("type", "P", "R", "F1", "tp", "fp", "fn"):
            table.add_column(col)
        base = result["baseline"][level]
        for name, m in [*part["per_type"].items(), ("overall", part["overall"]), ("baseline", base["overall"])]:
            table.add_row(
                name, f"{m['precision']:.3f}", f"{m['recall']:.3f}", f"{m['f1']:.3f}", str(m["tp"]), str(m["fp"]),
                str(m["fn"]),
            )
        console.print(table)
        fields = Table(title=f"field accuracy on matched events ({title})")
        for col in ("field", "accuracy", "n", "baseline", "baseline n"):
            fields.add_column(col)
        for name, m in part["fields"].items():
            b = base["fields"][name]
            fields.add_row(name, _acc(m["accuracy"]), str(m["n"]), _acc(b["accuracy"]), str(b["n"]))
        console.print(fields)
    console.print(f"[dim]baseline: {result['baseline']['answer']}[/dim]")
    console.print(
        f"events stage: {result['events_stage_seconds']:.3f} s CPU, {result['events_ms_per_2kb']} ms per 2 KB; "
        f"total {result['seconds']} s"
    )


def score_table(result: dict[str, Any], title: str) -> Table:
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
        fail(f"--types: unknown type(s) {', '.join(unknown)} (choose from {', '.join(ENTITY_TYPES)})", 2)
    return out


def _print_report(report: dict[str, Any], as_json: bool, headline: list[tuple[str, str]]) -> None:
    if as_json:
        typer.echo(json.dumps(report, ensure_ascii=False, indent=2, default=str))
        return
    console = Console()
    table = Table(title=f"{report['task']} — {report['split']} split ({report['n']} items)")
    for col in ("class", "precision", "recall", "F1", "support"):
        table.add_column(col, justify="left" if col == "class" else "right")
    for label, s in report["per_class"].items():
        table.add_row(
            label, f"{s['precision']:.3f}", f"{s['recall']:.3f}", f"{s['f1']:.3f}", str(int(s["support"]))
        )
    console.print(table)
    console.print(baseline_table(report, headline))
    if report.get("beats_all_yes") is False:
        base = report["baselines"]["all_positive"]["positive_f1"]
        console.print(
            f"[b]Not better than the trivial baseline:[/b] answering yes to every item gives positive-class "
            f"F1 {base:.3f}, the model {report['positive_f1']:.3f}."
        )
    console.print(f"[dim]{report['items_per_second']:.0f} items/s[/dim]")


BASELINE_NAMES = {"majority": "majority class", "all_positive": "all positive"}


def baseline_table(report: dict[str, Any], headline: list[tuple[str, str]]) -> Table:
    """The headline metrics of the model beside the same metrics of each trivial baseline."""
    # Baselines giving the same answer (the majority class is the positive one) share a column.
    columns: dict[str, tuple[list[str], dict[str, Any]]] = {}
    for name, base in (report.get("baselines") or {}).items():
        columns.setdefault(str(base["answer"]), ([], base))[0].append(BASELINE_NAMES.get(name, name))
    baselines = {f"{' = '.join(names)} ({answer})": base for answer, (names, base) in columns.items()}
    table = Table(title="score beside the trivial baselines")
    table.add_column("metric")
    table.add_column("rasid", justify="right")
    for title in baselines:
        table.add_column(title, justify="right")
    for key, title in headline:
        cells = [f"{base[key]:.3f}" if key in base else "–" for base in baselines.values()]
        table.add_row(title, f"{report[key]:.3f}", *cells)
    return table


def _run_eval(
    loader: Callable[[], Any],
    evaluate: Callable[[Any], dict[str, Any]],
    as_json: bool,
    headline: list[tuple[str, str]],
) -> None:
    from rasid.eval.verify import DatasetError
    from rasid.verify.stance import ModelMissingError

    try:
        model = loader()
        report = evaluate(model)
    except (ModelMissingError, DatasetError) as exc:
        fail(str(exc), 2)
        return
    _print_report(report, as_json, headline)


def eval_events(
    data: Annotated[
        list[str] | None, typer.Option("--data", help="PLOVER-coded XML file (repeatable).")
    ] = None,
    gold: Annotated[
        str | None, typer.Option("--gold", help="Sample-corpus gold key (gold.json) to score against.")
    ] = None,
    sample: Annotated[bool, typer.Option("--sample", help="Score against the bundled sample corpus key.")] = False,
    corpus: Annotated[
        str | None,
        typer.Option("--corpus", help="JSONL (or .jsonl.gz) corpus of a hand-coded real-news key given as --gold."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Event P/R/F1: per PLOVER type (--data XML), against the sample gold key (--gold/--sample), or against a
    hand-coded real-news key (--gold KEY.jsonl --corpus FILE; see docs/CODING-GUIDE.md)."""
    from rasid.eval.events import EventDataError, evaluate, evaluate_sample

    if corpus is not None:
        _eval_real_news(gold, corpus, as_json)
        return
    if sample and gold is None:
        from rasid.api.core import sample_corpus_path

        gold = str(sample_corpus_path() / "gold.json")
    if gold is not None:
        if not Path(gold).is_file():
            fail(f"{gold}: no such file", 2)
        try:
            sample_result = evaluate_sample(gold)
        except EventDataError as exc:
            fail(str(exc), 2)
        if as_json:
            print(json.dumps(sample_result, ensure_ascii=False, indent=2))
            return
        _print_sample(sample_result)
        return
    if not data:
        fail("give --data FILE.xml (PLOVER XML), or --gold gold.json / --sample", 2)
    data = data or []
    for p in data:
        if not Path(p).is_file():
            fail(f"{p}: no such file", 2)
    try:
        result = evaluate(data)
    except EventDataError as exc:
        fail(str(exc), 2)
    if as_json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return
    _print_plover(result)


def _print_plover(result: dict[str, Any]) -> None:
    table = Table(title=f"events: {result['sentences']} sentences")
    for col in ("type", "P", "R", "F1", "tp", "fp", "fn", "source F1 (n)", "target F1 (n)"):
        table.add_column(col)
    rows = [*result["per_type"].items(), ("overall", result["overall"])]
    for name, m in rows:
        table.add_row(
            name, f"{m['precision']:.3f}", f"{m['recall']:.3f}", f"{m['f1']:.3f}", str(m["tp"]), str(m["fp"]),
            str(m["fn"]), f"{m['source_actor_f1'] or 0:.3f} ({m['source_actor_n']})",
            f"{m['target_actor_f1'] or 0:.3f} ({m['target_actor_n']})",
        )
    table.add_section()
    for name, base in result["baselines"].items():
        label = f"baseline: {'majority type ' + base['answer'] if name == 'majority' else 'every type'}"
        rows = [(label, base["overall"]), *((f"  {t}", m) for t, m in base["per_type"].items())]
        for title, m in rows:
            table.add_row(
                title, f"{m['precision']:.3f}", f"{m['recall']:.3f}", f"{m['f1']:.3f}", str(m["tp"]),
                str(m["fp"]), str(m["fn"]), "", "",
            )
    Console().print(table)


def _eval_real_news(key: str | None, corpus: str, as_json: bool) -> None:
    from rasid.eval.realnews import evaluate as evaluate_key

    if key is None:
        fail("--corpus needs the key it was coded for: --gold KEY.jsonl (e.g. rasid/eval/keys/realnews_dev.jsonl)", 2)
        return
    for path in (key, corpus):
        if not Path(path).is_file():
            fail(f"{path}: no such file", 2)
    try:
        result = evaluate_key(key, corpus)
    except (ValueError, OSError) as exc:
        fail(str(exc), 2)
        return
    if as_json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return
    table = Table(title=f"events on {result['articles']} hand-coded articles ({result['events_in_key']} events)")
    for col in ("part", "who", "P", "R", "F1", "tp", "fp", "fn", "field accuracy on matched events"):
        table.add_column(col, overflow="fold")
    for part, scores in result["parts"].items():
        for who in ("rasid", "baseline"):
            m = scores[who]
            fields = ", ".join(f"{k} {v:.2f}" for k, v in m["field_accuracy"].items())
            table.add_row(
                f"{part} ({scores['articles']})", who, f"{m['precision']:.3f}", f"{m['recall']:.3f}",
                f"{m['f1']:.3f}", str(m["tp"]), str(m["fp"]), str(m["fn"]), fields,
            )
    Console().print(table)


def eval_ner(
    data: Annotated[Path, typer.Option("--data", help="IOB file: `token label` per line (ANERcorp format).")],
    json_out: Annotated[bool, typer.Option("--json", help="Print the scores as JSON.")] = False,
    model: Annotated[Path | None, typer.Option("--model", help="CRF model (default: shipped).")] = None,
    types: Annotated[
        str | None,
        typer.Option("--types", help="Score only these types, e.g. PERS,LOC,ORG or 'shared' (Wojood)."),
    ] = None,
    baseline_train: Annotated[
        Path | None,
        typer.Option(
            "--baseline-train",
            help="IOB training file for the memorised-entities baseline (default: anercorp_train.txt found "
            "beside --data or one folder up).",
        ),
    ] = None,
) -> None:
    """Exact-span precision, recall and F1 per entity type and micro-averaged (CoNLL rules), beside the
    trivial baselines: every token O, and the training file's entity strings tagged wherever they occur."""
    from rasid.eval.baselines import default_ner_train, ner_file_baselines
    from rasid.eval.ner import IOBFormatError, evaluate
    from rasid.extract.ner_crf import load_tagger

    if not data.is_file():
        fail(f"{data}: no such file", 2)
    if baseline_train is not None and not baseline_train.is_file():
        fail(f"{baseline_train}: no such file", 2)
    wanted = _parse_types(types)
    try:
        tagger = load_tagger(model)
        result = evaluate(data, tagger, types=wanted)
        result["baselines"] = ner_file_baselines(data, baseline_train or default_ner_train(data), wanted)
    except (FileNotFoundError, IOBFormatError) as exc:
        fail(str(exc))
        return
    result["model"] = str(model or DEFAULT_MODEL)
    if json_out:
        typer.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    console = Console()
    table = score_table(result, f"NER on {data.name}")
    for name, base in result["baselines"].items():
        title = "baseline: all O" if name == "majority" else "baseline: memorised"
        table.add_row(
            title, f"{100 * base['precision']:.2f}", f"{100 * base['recall']:.2f}", f"{100 * base['f1']:.2f}",
            str(base["support"]), str(base["predicted"]), style="dim",
        )
    console.print(table)
    console.print(
        f"{result['sentences']} sentences, {result['tokens']} tokens, "
        f"{result['tokens_per_second']:.0f} tokens/s"
    )
    memorised = result["baselines"].get("memorised")
    if memorised:
        console.print(f"[dim]memorised: the entity strings of {memorised['train']} with their usual type[/dim]")


def eval_dates(
    data: Annotated[Path, typer.Option("--data", help="A JSONL suite or a folder of them.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
    show_errors: Annotated[int, typer.Option("--show-errors", help="List up to N failures per kind.")] = 0,
) -> None:
    """Accuracy of time (and number) recognition on external suites, per suite and kind."""
    from rasid.eval.dates import evaluate_path

    try:
        reports = evaluate_path(data)
    except (OSError, ValueError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    if as_json:
        for r in reports:
            for row in r["results"]:
                row["errors"] = row["errors"][:show_errors]
        typer.echo(json.dumps(reports, ensure_ascii=False, indent=2))
        return
    console = Console()
    table = Table(title="Temporal / number suites")
    for col in ("suite", "kind", "correct", "total", "accuracy", "baseline"):
        table.add_column(col, justify="left" if col in ("suite", "kind") else "right")
    for r in reports:
        for row in r["results"]:
            table.add_row(
                r["suite"], row["kind"], str(row["correct"]), str(row["total"]), f"{row['accuracy']:.1%}",
                f"{row['baseline_accuracy']:.1%}",
            )
        table.add_row(
            r["suite"], "[b]all[/b]", str(r["correct"]), str(r["total"]), f"[b]{r['accuracy']:.1%}[/b]",
            f"{r['baseline_accuracy']:.1%}",
        )
    console.print(table)
    from rasid.eval.dates import BASELINE

    console.print(f"[dim]baseline: times — {BASELINE['time']}; numbers — {BASELINE['number']}[/dim]")
    if show_errors:
        for r in reports:
            for row in r["results"]:
                for err in row["errors"][:show_errors]:
                    console.print(f"{r['suite']}/{row['kind']}: {err['phrase']!r} expected {err['expected']} got {err['got']}")


def eval_stories_cmd(
    data: Annotated[
        Path | None,
        typer.Option("--data", help="Gold key (gold.json) next to its corpus; default: the bundled sample's key."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Pairwise precision/recall/F1 of story grouping against a gold key (analyses the corpus afresh)."""
    from rasid.api import sample_corpus_path
    from rasid.eval.stories import GoldError, evaluate_sample

    # The bundled key is found from the installed package, whatever the working directory.
    data = data or sample_corpus_path() / "gold.json"
    if not data.is_file():
        fail(f"{data}: no such gold file", 2)
    try:
        result = evaluate_sample(data)
    except GoldError as exc:
        fail(str(exc), 2)
        return
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    typer.echo(
        f"stories: {result['stories']} (gold {result['gold_stories']})  pairs: tp={result['tp']} fp={result['fp']}"
        f" fn={result['fn']}  precision={result['precision']:.3f} recall={result['recall']:.3f}"
        f" F1={result['f1']:.3f}  ({result['analyzed']} articles in {result['seconds']}s)"
    )
    for name, title in (("singletons", "every article its own story"), ("one_story", "all in one story")):
        b = result["baselines"][name]
        typer.echo(
            f"  baseline, {title}: precision={b['precision']:.3f} recall={b['recall']:.3f} F1={b['f1']:.3f}"
        )
    for group in result["groups"]:
        typer.echo("  " + " ".join(group))


def eval_stance_cmd(data: DataOption, as_json: JsonOption = False, model: ModelOption = None) -> None:
    """Stance model on the ANS stance test split: macro F1, accuracy, per-class P/R/F1."""
    from rasid.eval.verify import eval_stance
    from rasid.verify.stance import STANCE_MODEL_PATH, load_stance_model

    _run_eval(
        lambda: load_stance_model(model or STANCE_MODEL_PATH),
        lambda m: eval_stance(data, m),
        as_json,
        [("macro_f1", "macro F1"), ("accuracy", "accuracy")],
    )


def eval_claims_cmd(
    data: Annotated[Path | None, typer.Option("--data", help="ANS root: score the true/fake claim model.")] = None,
    unifiedfc: Annotated[
        Path | None,
        typer.Option("--unifiedfc", help="UnifiedFC file or folder: check its claims against its pages."),
    ] = None,
    db: Annotated[Path | None, typer.Option("--db", help="With --unifiedfc: database of its pages (built if empty).")] = None,
    folds: Annotated[str | None, typer.Option("--folds", help="With --unifiedfc: folds to report (default 3,4).")] = None,
    as_json: JsonOption = False,
    model: ModelOption = None,
) -> None:
    """Claim checking: --unifiedfc checks real Syrian-war claims (verdicts, page stance, evidence
    recall, latency); --data scores the ANS true/fake claim model on its test split."""
    if (data is None) == (unifiedfc is None):
        fail("give either --unifiedfc FILE (claim checking on UnifiedFC) or --data DIR (ANS claim model)", 2)
    if unifiedfc is not None:
        from rasid.cli.claim_check_cmds import eval_unifiedfc

        eval_unifiedfc(unifiedfc, db, folds, model, as_json)
        return
    from rasid.eval.verify import eval_claims
    from rasid.verify.claims_model import CLAIM_MODEL_PATH, load_claim_model

    assert data is not None
    ans = data
    _run_eval(
        lambda: load_claim_model(model or CLAIM_MODEL_PATH),
        lambda m: eval_claims(ans, m),
        as_json,
        [("macro_f1", "macro F1"), ("accuracy", "accuracy")],
    )


def eval_checkworthy_cmd(
    data: DataOption, as_json: JsonOption = False, model: ModelOption = None
) -> None:
    """Check-worthiness on the CheckThat! 2024 Arabic dev-test split: F1 of the positive class."""
    from rasid.eval.verify import eval_checkworthy
    from rasid.verify.checkworthy import CHECKWORTHY_MODEL_PATH, load_checkworthy_model

    _run_eval(
        lambda: load_checkworthy_model(model or CHECKWORTHY_MODEL_PATH),
        lambda m: eval_checkworthy(data, m),
        as_json,
        [("positive_f1", "F1 (check-worthy)"), ("macro_f1", "macro F1"), ("accuracy", "accuracy")],
    )
