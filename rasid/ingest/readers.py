"""Find input files and turn each into raw articles (text or HTML plus whatever metadata came with it).

Readers stream: a JSONL file (or a gzipped one, `.jsonl.gz`) is read line by line, so its size does not matter; a single
.txt/.html article larger than `max_bytes` is refused as not being one article.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import stat
import zlib
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rasid.errors import IngestError
from rasid.ingest.decode import decode_bytes

TEXT_SUFFIXES = {".txt", ".text"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz"}
SUPPORTED = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES
DEFAULT_MAX_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class RawArticle:
    origin: str
    kind: str  # "text" or "html"
    body: str
    encoding: str = "utf-8"
    external_id: str | None = None
    url: str | None = None
    source: str | None = None
    published: dt.date | None = None
    title: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    # Problems that did not stop the article from being read ("bad published date …; stored without a date").
    warnings: tuple[str, ...] = ()


def input_suffix(path: Path) -> str:
    """The suffix that says how to read a file: ".jsonl.gz" for a gzipped JSONL corpus, else the last one."""
    suffix = path.suffix.lower()
    if suffix == ".gz" and path.stem.lower().endswith((".jsonl", ".ndjson")):
        return Path(path.stem).suffix.lower() + ".gz"
    return suffix


def discover(paths: Sequence[str | Path]) -> Iterator[Path | IngestError]:
    """Yield input files in a stable order, or an error for each path that cannot be used."""
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            yield IngestError("no such file or directory", origin=str(path))
            continue
        if path.is_dir():
            found = False
            for root, dirs, files in os.walk(path):
                dirs.sort()
                for name in sorted(files):
                    candidate = Path(root) / name
                    if input_suffix(candidate) in SUPPORTED and not name.startswith("."):
                        found = True
                        special = _not_regular(candidate)
                        yield candidate if special is None else special
            if not found:
                yield IngestError(
                    f"no .txt, .html or .jsonl files in this folder (supported: {', '.join(sorted(SUPPORTED))})",
                    origin=str(path),
                )
            continue
        special = _not_regular(path)
        if special is not None:
            yield special
            continue
        if input_suffix(path) not in SUPPORTED:
            yield IngestError(
                f"unsupported file type {path.suffix or '(none)'}; use .txt, .html/.htm, .jsonl or .jsonl.gz",
                origin=str(path),
            )
            continue
        yield path


# What a file that is not a regular file is, for the message (opening a named pipe would wait forever).
_SPECIAL_KINDS = (
    (stat.S_ISFIFO, "named pipe"),
    (stat.S_ISSOCK, "socket"),
    (stat.S_ISCHR, "character device"),
    (stat.S_ISBLK, "block device"),
)


def _not_regular(path: Path, mode: int | None = None) -> IngestError | None:
    """An error for a path that is not a regular file (after symlinks), else None.

    A path that cannot be examined is left to the reader, which reports why it cannot be read.
    """
    if mode is None:
        try:
            mode = path.stat().st_mode
        except OSError:
            return None
    if stat.S_ISREG(mode):
        return None
    kind = next((name for test, name in _SPECIAL_KINDS if test(mode)), "special file")
    return IngestError(
        f"not a regular file ({kind}); save its content to a file to analyse it", origin=str(path)
    )


def parse_date(value: Any, *, origin: str = "", line: int | None = None) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError as exc:
        raise IngestError(
            f"bad published date {text!r}; expected YYYY-MM-DD", origin=origin, line=line
        ) from exc


def read_file(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[RawArticle | IngestError]:
    """Yield the articles in one file; problems come back as IngestError items, never raised."""
    suffix = input_suffix(path)
    origin = str(path)
    try:
        # Checked on the file itself too: it may have been replaced since it was discovered.
        info = path.stat()
        special = _not_regular(path, info.st_mode)
        if special is not None:
            yield special
            return
        if suffix in JSONL_SUFFIXES:
            yield from _read_jsonl(path)
            return
        size = info.st_size
        if size > max_bytes:
            yield IngestError(
                f"file too large for one article ({size / 1e6:.1f} MB > {max_bytes / 1e6:.0f} MB limit);"
                " split it or put articles in a .jsonl file",
                origin=origin,
            )
            return
        data = path.read_bytes()
    except OSError as exc:
        yield IngestError(f"cannot read file ({exc.strerror or exc})", origin=origin)
        return
    try:
        text, encoding = decode_bytes(data)
    except IngestError as exc:
        yield exc.at(origin)
        return
    kind = "html" if suffix in HTML_SUFFIXES else "text"
    yield RawArticle(origin=origin, kind=kind, body=text, encoding=encoding)


def _read_jsonl(path: Path) -> Iterator[RawArticle | IngestError]:
    origin = str(path)
    if path.stat().st_size == 0:
        yield IngestError("empty file", origin=origin)
        return
    gzipped = input_suffix(path).endswith(".gz")
    try:
        seen_any = yield from _jsonl_lines(path, gzipped)
    except (OSError, EOFError, zlib.error) as exc:
        # (a truncated or damaged .gz: the records before the damage are kept)
        yield IngestError(f"damaged gzip data ({exc}); the records before it were read", origin=origin)
        return
    if not seen_any:
        yield IngestError("empty file", origin=origin)


def _jsonl_lines(path: Path, gzipped: bool) -> Generator[RawArticle | IngestError, None, bool]:
    """The records of a JSONL file; returns whether any line was not blank."""
    origin = str(path)
    seen_any = False
    with gzip.open(path, "rb") if gzipped else open(path, "rb") as handle:
        for number, raw_line in enumerate(handle, start=1):
            if not raw_line.strip():
                continue
            seen_any = True
            try:
                line = raw_line.decode("utf-8-sig")
            except UnicodeDecodeError:
                try:
                    line = raw_line.decode("cp1256")
                except UnicodeDecodeError:
                    yield IngestError("line is not UTF-8 or Windows-1256 text", origin=origin, line=number)
                    continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                # Some messages end in "at" ("Unterminated string starting at"): one "at column" only.
                problem = exc.msg.removesuffix(" at")
                yield IngestError(
                    f"broken JSON ({problem} at column {exc.colno})", origin=origin, line=number
                )
                continue
            except (RecursionError, ValueError) as exc:  # nesting too deep, an integer of thousands of digits
                kind = (
                    "nested too deeply"
                    if isinstance(exc, RecursionError)
                    else "holds a number too long to read"
                )
                yield IngestError(f"JSON that {kind}: not an article record", origin=origin, line=number)
                continue
            if not isinstance(record, dict):
                yield IngestError("expected a JSON object per line", origin=origin, line=number)
                continue
            try:
                yield _record_to_article(record, origin, number)
            except IngestError as exc:
                yield exc
    return seen_any


def _text_field(record: dict[str, Any], key: str, origin: str, line: int) -> str | None:
    """A field that must be text: None when absent or empty, an IngestError when of another type."""
    value = record.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool) and key == "id":
        return str(value)
    if not isinstance(value, str):
        raise IngestError(f"field '{key}' is {type(value).__name__}, expected text", origin=origin, line=line)
    return _without_lone_surrogates(value)


def _without_lone_surrogates(value: str) -> str:
    # JSON may escape half of a surrogate pair ("\ud800"): it cannot be stored or hashed as UTF-8.
    # Strict UTF-8 encoding fails on exactly those characters (U+D800-U+DFFF), at C speed.
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return value.encode("utf-8", "replace").decode("utf-8")
    return value


def _record_to_article(record: dict[str, Any], origin: str, line: int) -> RawArticle:
    text = record.get("text")
    html = record.get("html")
    if not (isinstance(text, str) and text.strip()) and not (isinstance(html, str) and html.strip()):
        raise IngestError("record has no 'text' or 'html'", origin=origin, line=line)
    kind, body = ("text", text) if isinstance(text, str) and text.strip() else ("html", html)
    known = {"id", "url", "source", "published", "title", "text", "html"}
    extra = {k: v for k, v in record.items() if k not in known}
    warnings: tuple[str, ...] = ()
    try:
        published = parse_date(record.get("published"), origin=origin, line=line)
    except IngestError as exc:
        # A bad date costs the date only: the article is kept without one, the value in its metadata.
        published = None
        extra["published_unparsed"] = record.get("published")
        warnings = (f"{exc.describe()}; stored without a date",)
    return RawArticle(
        origin=f"{origin}:{line}",
        kind=kind,
        body=_without_lone_surrogates(str(body)),
        external_id=_text_field(record, "id", origin, line),
        url=_text_field(record, "url", origin, line),
        source=_text_field(record, "source", origin, line),
        published=published,
        title=_text_field(record, "title", origin, line),
        extra=extra,
        warnings=warnings,
    )
