"""UnifiedFC (Syrian-war claims with their retrieved pages): reader, folds and page export.

The corpus (`../shared/data/unifiedfc/unifiedfc_dev.jsonl.gz`) holds one claim per line: `id`,
`claim`, `fact` (true/false) and `articles`, the pages retrieved for it with their `stance` toward
the claim and `rationale` (indices of the page lines that carry the stance). Nothing of it is
copied into the package; the eval and training commands read it by path.

Folds are by claim, as the corpus authors split it: a claim's fold is a stable hash of its id
modulo 5, so a page is never in one fold while its claim is in another. Folds 0–2 are the tuning
folds (models are trained and thresholds chosen on them); folds 3–4 are reported.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

FOLDS = 5
TUNE_FOLDS = (0, 1, 2)
REPORT_FOLDS = (3, 4)
PAGE_STANCES = ("agree", "disagree", "discuss", "unrelated")
FACTS = ("true", "false")


class UnifiedFCError(ValueError):
    """The UnifiedFC file is missing or malformed (the message names the file and line)."""


@dataclass(frozen=True)
class Page:
    key: str  # "<claim id>#<index>": the id the page is stored under
    url: str
    outlet: str  # the site's domain, without "www."
    text: str
    stance: str
    rationale: tuple[int, ...]

    @property
    def lines(self) -> list[str]:
        return self.text.split("\n")


@dataclass(frozen=True)
class Claim:
    id: str
    text: str
    fact: str
    fold: int
    pages: tuple[Page, ...]


def fold_of(claim_id: str) -> int:
    return int(hashlib.sha1(claim_id.encode("utf-8")).hexdigest(), 16) % FOLDS


def outlet_of(url: str) -> str:
    host = urlparse(url).netloc.lower()
    return host[4:] if host.startswith("www.") else host


def _rationale(value: Any, where: str) -> tuple[int, ...]:
    if value in (None, ""):
        return ()
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError as exc:
            raise UnifiedFCError(f"{where}: rationale {value!r} is not a JSON list") from exc
    if not isinstance(value, list) or not all(isinstance(i, int) and i >= 0 for i in value):
        raise UnifiedFCError(f"{where}: rationale must be a list of line numbers")
    return tuple(value)


def _files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    if path.is_dir():
        found = sorted(path.glob("*.jsonl.gz")) + sorted(path.glob("*.jsonl"))
        if found:
            return found
    raise UnifiedFCError(f"{path}: no UnifiedFC .jsonl(.gz) file here; pass the file or its folder")


def records(path: Path) -> Iterator[tuple[str, Any]]:
    """("file:line", parsed JSON) for every non-blank line of the UnifiedFC file(s) at `path`."""
    for file in _files(path):
        opener: Any = gzip.open if file.suffix == ".gz" else open
        try:
            with opener(file, "rt", encoding="utf-8") as handle:
                for lineno, line in enumerate(handle, 1):
                    if not line.strip():
                        continue
                    try:
                        row = json.loads(line)
                    except json.JSONDecodeError as exc:
                        raise UnifiedFCError(f"{file}:{lineno}: cannot read ({exc})") from exc
                    yield f"{file}:{lineno}", row
        except (OSError, EOFError, UnicodeDecodeError) as exc:
            raise UnifiedFCError(f"{file}: cannot read ({exc})") from exc


def read_claims(path: Path) -> list[Claim]:
    """Every claim of the UnifiedFC file(s) at `path` (a file or a folder)."""
    claims = [_claim(row, where) for where, row in records(path)]
    if not claims:
        raise UnifiedFCError(f"{path}: no claims found")
    return claims


def _claim(row: Any, where: str) -> Claim:
    if not isinstance(row, dict):
        raise UnifiedFCError(f"{where}: expected a JSON object")
    try:
        claim_id, text, fact, articles = str(row["id"]), str(row["claim"]), str(row["fact"]), row["articles"]
    except KeyError as exc:
        raise UnifiedFCError(f"{where}: missing field {exc}") from exc
    if fact not in FACTS:
        raise UnifiedFCError(f"{where}: fact must be true or false, got {fact!r}")
    if not isinstance(articles, list):
        raise UnifiedFCError(f"{where}: 'articles' must be a list")
    pages = []
    for i, page in enumerate(articles):
        stance = str(page.get("stance", ""))
        if stance not in PAGE_STANCES:
            raise UnifiedFCError(f"{where}: page {i} has unknown stance {stance!r}")
        url = str(page.get("url") or "")
        pages.append(
            Page(
                f"{claim_id}#{i}",
                url,
                outlet_of(url),
                str(page.get("text") or ""),
                stance,
                _rationale(page.get("rationale"), f"{where} page {i}"),
            )
        )
    return Claim(claim_id, text, fact, fold_of(claim_id), tuple(pages))


def in_folds(claims: Iterable[Claim], folds: Sequence[int]) -> list[Claim]:
    wanted = set(folds)
    return [c for c in claims if c.fold in wanted]


def page_records(claims: Iterable[Claim]) -> Iterator[dict[str, Any]]:
    """The pages as records `rasid analyze` reads (JSONL): id, url, source (the domain), text."""
    seen: set[str] = set()
    for claim in claims:
        for page in claim.pages:
            if page.key in seen or not page.text.strip():
                continue
            seen.add(page.key)
            yield {"id": page.key, "url": page.url, "source": page.outlet, "text": page.text}


def write_pages(claims: Iterable[Claim], out: Path) -> int:
    """Write the pages as JSONL for `rasid analyze`; returns how many were written."""
    n = 0
    with out.open("w", encoding="utf-8") as handle:
        for record in page_records(claims):
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            n += 1
    return n
