"""Page furniture detection on scraped web pages (UnifiedFC), scored line by line.

The key (`keys/furniture_unifiedfc.jsonl`) labels every line of 44 pages, one page a line:
`page` (claim id `#` article index in unifiedfc_dev.jsonl.gz), `site`, `part` (tune: the pages the
rules were written against; held: 30% set aside by a fixed seed), `lines` (how many lines the page
has), `sha1` (first 12 hex digits of the SHA-1 of the page text, to notice a changed data file) and
`spans`: `[first, last, label]` line ranges (inclusive) with label `article`, `furniture` or `mixed`
(a line where the page glued furniture to the article's text: a header before the headline, a
footer after the last sentence). Pages were drawn one per site, 64 sites in a seeded order; pages
that list teasers of many stories and carry no article were left out. No page text is stored.

Scores: detection of furniture lines among the article and furniture lines (a line counts as
detected when it is dropped: P, R, F1), the share of article lines dropped (text lost), and what
happened to mixed lines (dropped, trimmed, kept whole). The baseline drops every line shorter than
N words, N the best on the tune part.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rasid.eval.unifiedfc import records
from rasid.ingest.clean import line_verdicts

LABELS = ("article", "furniture", "mixed")
DEFAULT_KEY = Path(__file__).parent / "keys" / "furniture_unifiedfc.jsonl"
BASELINE_WORDS = range(1, 41)


@dataclass(frozen=True)
class KeyPage:
    page: str
    part: str
    sha1: str
    labels: tuple[str, ...]


def load_key(path: Path) -> list[KeyPage]:
    """The labelled pages; a malformed line is a ValueError naming the file and line."""
    pages: list[KeyPage] = []
    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not raw.strip():
            continue
        where = f"{path}:{lineno}"
        try:
            row = json.loads(raw)
            n = int(row["lines"])
            labels: list[str | None] = [None] * n
            for first, last, label in row["spans"]:
                if label not in LABELS or not 0 <= first <= last < n:
                    raise ValueError(f"bad span {[first, last, label]}")
                for i in range(first, last + 1):
                    labels[i] = label
            if None in labels:
                raise ValueError(f"line {labels.index(None)} has no label")
            if row["part"] not in ("tune", "held"):
                raise ValueError(f"part must be tune or held, got {row['part']!r}")
            pages.append(
                KeyPage(str(row["page"]), row["part"], str(row["sha1"]), tuple(str(x) for x in labels))
            )
        except (KeyError, TypeError, ValueError, json.JSONDecodeError) as exc:
            raise ValueError(f"{where}: {exc}") from exc
    return pages


def load_pages(data: Path) -> dict[str, str]:
    """Page id → text for every article of the UnifiedFC JSONL files under `data` (a file or folder).

    Only the texts are read: a page needs no stance label here (`unifiedfc.read_claims` checks those).
    """
    texts: dict[str, str] = {}
    for _, claim in records(data):
        for i, article in enumerate(claim.get("articles") or []):
            texts[f"{claim['id']}#{i}"] = article.get("text") or ""
    return texts


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


@dataclass
class _Tally:
    counts: Counter[str]

    def scores(self) -> dict[str, Any]:
        c = self.counts
        tp, fp, fn = c["furniture_dropped"], c["article_dropped"], c["furniture"] - c["furniture_dropped"]
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        mixed = c["mixed"]
        return {
            "pages": c["pages"],
            "lines": {label: c[label] for label in LABELS},
            "precision": round(p, 3),
            "recall": round(r, 3),
            "f1": round(2 * p * r / (p + r), 3) if p + r else 0.0,
            "tp": tp,
            "fp": fp,
            "fn": fn,
            "article_lines_dropped": round(c["article_dropped"] / c["article"], 4) if c["article"] else 0.0,
            "article_lines_trimmed": round(c["article_trimmed"] / c["article"], 4) if c["article"] else 0.0,
            "furniture_lines_trimmed": c["furniture_trimmed"],
            "mixed": {
                "dropped": round(c["mixed_dropped"] / mixed, 3) if mixed else 0.0,
                "trimmed": round(c["mixed_trimmed"] / mixed, 3) if mixed else 0.0,
                "kept_whole": round((mixed - c["mixed_dropped"] - c["mixed_trimmed"]) / mixed, 3)
                if mixed
                else 0.0,
            },
        }


Predictor = Callable[[str], list[str]]


def rasid_predict(text: str) -> list[str]:
    """`dropped`, `trimmed` or `kept` for each line, as ingest cleans the page."""
    return [
        "dropped" if v.dropped else ("trimmed" if v.reason == "trimmed" else "kept")
        for v in line_verdicts(text)
    ]


def short_line_baseline(words: int) -> Predictor:
    def predict(text: str) -> list[str]:
        return ["dropped" if len(line.split()) < words else "kept" for line in text.split("\n")]

    return predict


def _tally(pages: Iterable[tuple[KeyPage, str]], predict: Predictor) -> _Tally:
    counts: Counter[str] = Counter()
    for page, text in pages:
        counts["pages"] += 1
        for label, outcome in zip(page.labels, predict(text), strict=True):
            counts[label] += 1
            if outcome != "kept":
                counts[f"{label}_{outcome}"] += 1
    return _Tally(counts)


def evaluate(data: Path, key: Path = DEFAULT_KEY) -> dict[str, Any]:
    """Scores of Rasid's cleaning and of the short-line baseline, per part (tune, held, all)."""
    pages = load_key(key)
    texts = load_pages(data)
    missing = [p.page for p in pages if p.page not in texts]
    if missing:
        raise ValueError(
            f"{data}: {len(missing)} labelled pages not found (e.g. {missing[0]}); wrong data folder?"
        )
    changed = [p.page for p in pages if _digest(texts[p.page]) != p.sha1]
    if changed:
        raise ValueError(f"{data}: {len(changed)} labelled pages have a different text (e.g. {changed[0]})")
    by_part: Mapping[str, list[tuple[KeyPage, str]]] = {
        part: [(p, texts[p.page]) for p in pages if part in (p.part, "all")]
        for part in ("tune", "held", "all")
    }
    best_n = max(
        BASELINE_WORDS, key=lambda n: (_tally(by_part["tune"], short_line_baseline(n)).scores()["f1"], -n)
    )
    baseline = short_line_baseline(best_n)
    parts: dict[str, Any] = {}
    for part, items in by_part.items():
        parts[part] = {
            "rasid": _tally(items, rasid_predict).scores(),
            "baseline": _tally(items, baseline).scores(),
        }
    return {
        "key": str(key),
        "pages": len(pages),
        "baseline": f"drop lines shorter than {best_n} words (N best on the tune part)",
        "parts": parts,
        "note": "tune: pages the rules were written against; held: set aside by a fixed seed, not looked at while tuning",
    }
