"""The readable summary `rasid demo` prints after analysing the sample corpus."""

from __future__ import annotations

from collections import Counter
from typing import Any

from rich.console import Console
from rich.table import Table


def print_summary(console: Console, rasid: Any, report: Any) -> None:
    rows = list(rasid.articles())
    console.rule("[bold]Rasid demo: the bundled sample corpus")
    console.print(
        f"{report.files} files read, {report.added} articles stored, {report.unchanged} already stored,"
        f" {report.near_duplicates} near-duplicates linked, {len(report.errors)} skipped",
        highlight=False,
    )
    outlets = Counter(a.source or "(unknown)" for a in rows)
    table = Table(title="Outlets")
    table.add_column("outlet")
    table.add_column("articles", justify="right")
    for name, count in outlets.most_common():
        table.add_row(name, str(count))
    console.print(table)
    dups = [a for a in rows if a.duplicate_of]
    for a in dups:
        original = rasid.store.get_article(a.duplicate_of)
        console.print(
            f"near-duplicate: #{a.id} {a.source or '?'} «{a.title[:50]}» ≈ #{a.duplicate_of}"
            f" {original.source if original else '?'} (similarity {a.similarity:.2f})",
            highlight=False,
        )
    query = "الميليشيات الإيرانية"
    hits = rasid.search(query, limit=3)
    console.print(f"\nsearch {query!r}:", highlight=False)
    for i, h in enumerate(hits, 1):
        console.print(f"  {i}. #{h.article.id} {h.article.source or '?'}: {h.snippet.marked('[reverse]', '[/reverse]')}", highlight=False)
    from rasid.demo_sections import extra_sections

    for section in extra_sections():
        section(console, rasid)
    console.print(f"\nDatabase: {rasid.store.location}. Try: rasid articles --db {rasid.store.location}", highlight=False)
