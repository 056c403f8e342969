"""`rasid check CLAIM` and `rasid claims`: weigh a claim against the stored reports; list check-worthy sentences."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from rasid.cli.common import DEFAULT_DB, console, err_console, fail, open_store_or_fail, parse_day

STANCE_STYLE = {"supports": "green", "refutes": "red", "discusses": "yellow", "unrelated": "dim"}
VERDICT_STYLE = {"supported": "green", "refuted": "red", "conflicting": "yellow", "not_enough_evidence": "cyan"}


LABEL_STYLE = {"true": "green", "misleading": "yellow", "false": "red", "unverified": "cyan"}
PAGE_STYLE = {"agree": "green", "disagree": "red", "discuss": "yellow", "unrelated": "dim"}


def _record_text(record: dict[str, Any] | None) -> str:
    if not record or not record.get("articles"):
        return "[dim]not seen before[/dim]"
    return (
        f"{record['articles']} articles; {record['facts_held']} facts: "
        f"{record['contradicted_by_majority']} against the majority, {record['agreed_by_others']} agreed; "
        f"{record['retractions']} retractions, {record['recycled']} recycled"
    )


def _print_sources(result: Any) -> None:
    """One row per independent source: its stance, the sentence it rests on, its copies."""
    shown = [s for s in result.sources if s.stance != "unrelated"][:8]
    if not shown:
        return
    table = Table(title="independent sources (pages read whole; copies joined)", show_lines=True)
    for col in ("page stance", "outlet / date", "sentence", "copies", "outlet's record"):
        table.add_column(col, overflow="fold")
    for source in shown:
        a = source.article
        probs = ", ".join(f"{k} {v:.2f}" for k, v in source.probs.items())
        table.add_row(
            f"[{PAGE_STYLE[source.stance]}]{source.stance}[/]\n[dim]{probs}[/dim]",
            f"{a.source or '?'}\n{a.published or 'date unknown'}\n#{a.id}",
            source.sentence.text.strip() if source.sentence else "",
            (str(len(source.copies)) if source.copies else "")
            + (f"\nrelays {', '.join(source.relays)}" if source.relays else "")
            + (f"\n[red]denied by {source.party_denial}[/red]" if source.party_denial else ""),
            _record_text(source.track_record),
        )
    console.print(table)


def _print_check(result: Any) -> None:
    style = VERDICT_STYLE.get(result.verdict, "white")
    console.print(f"[bold]claim:[/bold] {result.claim}", highlight=False)
    when = f"  as of {result.as_of}" if result.as_of else ""
    console.print(
        f"[bold {style}]{result.verdict.replace('_', ' ')}[/bold {style}]  confidence {result.confidence:.2f}{when}",
        highlight=False,
    )
    label_style = LABEL_STYLE.get(result.label, "white")
    p_true = "" if result.p_true is None else f"  P(true) {result.p_true:.2f}"
    console.print(f"[bold {label_style}]label: {result.label}[/bold {label_style}]{p_true}", highlight=False)
    _print_sources(result)
    # Weighed passages first, then at most two that only discuss the claim.
    weighed = [e for e in result.evidence if e.weight > 0]
    shown = weighed[:8] + [e for e in result.evidence if e.weight == 0 and e.stance == "discusses"][:2]
    if shown:
        table = Table(show_lines=True)
        for col in ("stance", "weight", "outlet / date", "passage", "notes"):
            table.add_column(col, overflow="fold")
        for e in shown:
            a = e.passage.article
            table.add_row(
                f"[{STANCE_STYLE[e.stance]}]{e.stance}[/]",
                f"{e.weight:.2f}",
                f"{a.source or '?'}\n{a.published or 'date unknown'}\n#{a.id} {Path(a.origin).name}",
                e.passage.text,
                ", ".join(e.flags + e.notes),
            )
        console.print(table)
    console.print(result.explanation_ar, highlight=False)
    console.print(result.explanation_en, highlight=False)
    console.print(f"[dim]stance: {result.model}; {result.seconds:.2f}s[/dim]", highlight=False)


def check(
    claim: Annotated[str, typer.Argument(help="The claim to check, in Arabic.")],
    db: Annotated[str, typer.Option("--db", help="SQLite file or postgresql:// URL. Env RASID_DB sets the default.")] = "",
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Judge as of this date (YYYY-MM-DD); later reports are ignored.")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=50, help="Evidence passages to weigh.")] = 12,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """Check a claim against the stored reports: evidence, stance, verdict, explanation."""
    from rasid.extract.changes import remember_verdict
    from rasid.verify.check import ClaimError, check_claim, validate_claim

    if not claim.strip():
        fail("the claim is empty", 2)
    day = parse_day(as_of, "--as-of", 2)
    try:
        validate_claim(claim)  # before opening the database: the claim alone is wrong
    except ClaimError as exc:
        fail(str(exc), 2)
    store = open_store_or_fail(db or DEFAULT_DB)
    try:
        result = check_claim(store, claim, as_of=day, limit=limit)
        if day is None:  # today's verdict: remembered, so a re-check can tell it changed (the change feed)
            remember_verdict(store, claim, result.label, result.sources)
    finally:
        store.close()
    if as_json:
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        _print_check(result)


def claims(
    db: Annotated[str, typer.Option("--db", help="SQLite file or postgresql:// URL. Env RASID_DB sets the default.")] = "",
    threshold: Annotated[
        float | None, typer.Option("--threshold", min=0.0, max=1.0, help="Score cut-off (default: the model's).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """List check-worthy sentences (numbers, attributions, control of places) by story."""
    from rasid.verify.story_claims import list_claims

    store = open_store_or_fail(db or DEFAULT_DB)
    try:
        groups, note = list_claims(store, threshold=threshold)
    except FileNotFoundError as exc:
        fail(str(exc))
        return
    finally:
        store.close()
    if as_json:
        payload = {"note": note, "groups": [g.to_dict() for g in groups]}
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    if note:
        err_console.print(f"[yellow]note:[/yellow] {note}", highlight=False)
    for g in groups:
        label = f"story {g.story_id}" if g.story_id is not None else f"article {g.article_ids[0]}"
        console.print(f"[bold]{label}[/bold] {g.title}  [dim]({len(g.claims)} claims)[/dim]", highlight=False)
        for c in g.claims:
            why = "; ".join(c.reasons) or "model score"
            console.print(f"  {c.score:.2f} #{c.article_id} {c.text}  [dim]{why}[/dim]", highlight=False)
