"""Turn file bytes into text, recognising the encodings Arabic news files actually arrive in.

Order matters: BOMs first, then strict UTF-8, then UTF-16 without BOM (NUL bytes in every
other position), then Windows-1256 (the common legacy Arabic code page), and only then a
generic detector. Binary data is refused rather than decoded into garbage.
"""

from __future__ import annotations

import codecs
import re

from rasid.errors import IngestError

_ARABIC_LETTER = re.compile(r"[\u0621-\u064A]")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def _arabic_share(text: str) -> float:
    letters = sum(1 for ch in text if ch.isalpha())
    if not letters:
        return 0.0
    return len(_ARABIC_LETTER.findall(text)) / letters


def _printable_share(text: str) -> float:
    sample = text[:20000]
    return sum(1 for ch in sample if ch.isprintable() or ch in "\n\r\t") / max(1, len(sample))


def _looks_binary(text: str) -> bool:
    if not text:
        return False
    sample = text[:20000]
    return len(_CONTROL.findall(sample)) / len(sample) > 0.01


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Return (text, encoding name) or raise IngestError describing the problem."""
    if not data.strip():
        raise IngestError("empty file")
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise IngestError(f"UTF-16 byte-order mark but undecodable content ({exc.reason})") from exc
    head = data[:4096]
    if b"\x00" in head:
        # Text in UTF-16 without a BOM has its NUL bytes on one side only (ASCII high bytes);
        # Arabic letters are 0x06xx, so the other side carries 0x06 instead of NUL.
        nul_even = head[0::2].count(0)
        nul_odd = head[1::2].count(0)
        encoding = "utf-16-le" if nul_odd > nul_even else "utf-16-be"
        if min(nul_even, nul_odd) <= max(nul_even, nul_odd) // 20:
            try:
                text = data[: len(data) - len(data) % 2].decode(encoding)
            except UnicodeDecodeError:
                text = ""
            if text and not _looks_binary(text) and _printable_share(text) > 0.95:
                return text, encoding
        raise IngestError("binary file (contains NUL bytes), not text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        if _looks_binary(text):
            raise IngestError("binary file (control characters), not text")
        return text, "utf-8"
    try:
        text = data.decode("cp1256")
    except UnicodeDecodeError:
        text = ""
    if text and _arabic_share(text) > 0.3 and not _looks_binary(text):
        return text, "cp1256"
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200000]).best()
    if best is None or best.encoding is None:
        raise IngestError("not valid text in UTF-8, UTF-16 or Windows-1256; re-save the file as UTF-8")
    text = data.decode(best.encoding, errors="replace")
    if _looks_binary(text):
        raise IngestError("binary file, not text")
    return text, best.encoding
