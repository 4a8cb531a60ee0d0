"""Turn the bytes of an export into text: BOMs, UTF-16, legacy 8-bit encodings, line endings.

Every reader receives text decoded here with LF line endings, so no reader
has to care about CRLF, mixed endings or a byte-order mark.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

from mnr.errors import FormatError


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    encoding: str  # what the bytes were read as, e.g. "utf-8-sig", "utf-16", "cp1252"


def _looks_utf16(data: bytes) -> str | None:
    """Guess BOM-less UTF-16 from the pattern of NUL bytes in the first kilobyte."""
    head = data[:1024]
    if len(head) < 4:
        return None
    even_nuls = head[0::2].count(0)
    odd_nuls = head[1::2].count(0)
    half = len(head) // 2
    if odd_nuls > 0.4 * half and even_nuls < 0.05 * half:
        return "utf-16-le"
    if even_nuls > 0.4 * half and odd_nuls < 0.05 * half:
        return "utf-16-be"
    return None


def _control_share(text: str) -> float:
    sample = text[:4096]
    if not sample:
        return 0.0
    bad = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\f\v")
    return bad / len(sample)


def decode(data: bytes) -> Decoded:
    """Decode an export; raise FormatError for binary or undecodable content."""
    if data.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]
    elif (utf16 := _looks_utf16(data)) is not None:
        candidates = [utf16]
    else:
        # cp1252 covers the "smart quotes" of Windows exports; latin-1 never fails.
        candidates = ["utf-8", "cp1252", "latin-1"]
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        break
    else:
        raise FormatError(
            f"could not be decoded as {' or '.join(candidates)}; "
            "re-export the file as UTF-8 text",
            locator="byte 0",
        )
    if "\x00" in text[:4096] or _control_share(text) > 0.05:
        raise FormatError(
            "this looks like a binary file, not a text export from a database; "
            "export the records as RIS, MEDLINE, BibTeX, CSV, XML or JSON",
        )
    text = text.lstrip("\ufeff")  # a BOM left inside by a second encoding pass
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return Decoded(text=text, encoding=encoding)
