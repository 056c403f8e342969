"""The largest fatalities figures Rasid exports for the war reports of a corpus, with their evidence.

    python scripts/largest_fatalities.py ../shared/data/realnews/saudinewsnet_dev.jsonl.gz [--top 10]

War reports are the articles whose title has a violence word (the test `rasid eval events` uses for
its baseline). They are analysed with `rasid analyze` into a temporary database, exported with
`rasid events --format acled` (and `jsonl`, for the article each event comes from), and the N
largest `fatalities` are printed with their range (low/best/high) and evidence sentence, followed
by the sum of the column. An analyst checks that no figure is a running total, a war toll or a
crowd size: no event should be above 500 unless the text reports one incident that large.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from rasid.eval.realnews import _VIOLENCE_TITLE
from rasid.store.codec import unpack_text


def _records(path: Path) -> Iterator[dict[str, Any]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def _rasid(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "rasid.cli", *args], check=True, stdout=subprocess.DEVNULL)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--top", type=int, default=10)
    parser.add_argument("--limit", type=int, default=0, help="only the first N war reports (0: all)")
    parser.add_argument("--keep", type=Path, default=None, help="keep the database and exports in this folder")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        reports = work / "war_reports.jsonl"
        n = 0
        with reports.open("w", encoding="utf-8") as out:
            for record in _records(args.corpus):
                if _VIOLENCE_TITLE.search(str(record.get("title") or "")):
                    out.write(json.dumps(record, ensure_ascii=False) + "\n")
                    n += 1
                    if args.limit and n >= args.limit:
                        break
        db = str(work / "rasid.db")
        _rasid("analyze", "--db", db, str(reports))
        _rasid("events", "--db", db, "--format", "acled", "-o", str(work / "events.csv"))
        _rasid("events", "--db", db, "--format", "jsonl", "-o", str(work / "events.jsonl"))
        with (work / "events.csv").open(encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        with (work / "events.jsonl").open(encoding="utf-8") as f:
            records = [json.loads(line) for line in f if line.strip()]
        ids = {f"{reports}:{i}": str(r.get("id")) for i, r in enumerate(_records(reports), 1)}
        with sqlite3.connect(db) as con:  # the stored (cleaned) text: the offsets of `spans` point into it
            stored = {i: unpack_text(t) for i, t in con.execute("SELECT id, text FROM articles")}
        texts = {
            str((r.get("article") or {}).get("path")): {
                "id": ids.get(str((r.get("article") or {}).get("path"))),
                "text": stored.get((r.get("article") or {}).get("id"), ""),
            }
            for r in records
        }
        _report(n, rows, records, texts, args.top)
    return 0


def _evidence(record: dict[str, Any], article: dict[str, Any]) -> str:
    """The sentence the death toll was read from (else the event's first evidence sentence)."""
    spans = record.get("spans") or {}
    text = str(article.get("text") or "")
    killed = (spans.get("killed") or [[None]])[0][0]
    for start, end in spans.get("evidence") or []:
        if killed is not None and start <= killed < end:
            return text[start:end]
    return str((record.get("evidence") or {}).get("text") or "")


def _report(
    n: int, rows: list[dict[str, str]], records: list[dict[str, Any]], texts: dict[str, dict[str, Any]], top: int
) -> None:
    def fatalities(row: dict[str, str]) -> int:
        return int(row.get("fatalities") or 0)

    # The CSV rolls an article's incidents of one type, day and place into one row: pair each row with
    # the (rolled-up) record it was written from, the same way the export does.
    from rasid.export.acled import acled_row
    from rasid.export.rollup import one_per_place_day

    rolled = one_per_place_day(records)
    written = [{k: str(v) for k, v in acled_row(r).items()} for r in rolled]
    if len(written) != len(rows):
        raise SystemExit(f"the ACLED export has {len(rows)} rows, the records roll up to {len(written)}")
    pairs = sorted(zip(written, rolled, strict=True), key=lambda p: -fatalities(p[0]))
    total = sum(fatalities(r) for r in rows)
    print(f"war reports: {n}  events: {len(rows)}  sum of fatalities: {total}")
    print(f"events above 500: {sum(1 for r in rows if fatalities(r) > 500)}")
    for rank, (row, record) in enumerate(pairs[:top], 1):
        article = texts.get(str((record.get("article") or {}).get("path")), {})
        span = f"[{row.get('fatalities_low', '')}–{row.get('fatalities_high', '')}, best {row.get('fatalities_best', '')}]"
        print(f"{rank:2}. {fatalities(row):>6} {span} {row['event_date']} {row['sub_event_type']} @ {row['location']}"
              f" ({article.get('id')})")
        print(f"      {' '.join(_evidence(record, article).split())[:400]}")


if __name__ == "__main__":
    raise SystemExit(main())
