"""Turn the bytes of an export into text: BOMs, UTF-16, legacy 8-bit encodings, line endings.

Every reader receives text decoded here with LF line endings, so no reader
has to care about CRLF, mixed endings or a byte-order mark.

Bytes that are not valid UTF-8 are handled where they are: a UTF-8 file with a few stray
bytes (one hand edit in another encoding is enough) keeps its UTF-8, each stray byte
becomes U+FFFD and ``Decoded.bad_lines`` names their lines for the import message. Only
a file with no sign of UTF-8 in it is read as cp1252 (or latin-1) throughout.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from itertools import islice

from mnr.errors import FormatError


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    encoding: str  # what the bytes were read as, e.g. "utf-8-sig", "utf-16", "cp1252"
    # Lines (1-based) holding bytes that were not valid in ``encoding``: each such byte is
    # U+FFFD in ``text``. Empty for a clean file.
    bad_lines: tuple[int, ...] = ()

    @property
    def note(self) -> str | None:
        """For the import message: which lines had bytes that could not be read."""
        if not self.bad_lines:
            return None
        shown = ", ".join(str(n) for n in self.bad_lines[:10])
        more = f" and {len(self.bad_lines) - 10} more" if len(self.bad_lines) > 10 else ""
        lines = "line" if len(self.bad_lines) == 1 else "lines"
        return (f"{lines} {shown}{more} held bytes that are not {self.encoding}; each was "
                "replaced by \ufffd (the rest of the file is as exported)")


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


# Bytes that are not valid UTF-8 come out of "surrogateescape" as lone surrogates,
# which valid UTF-8 can never produce: so they can be counted and placed exactly.
_ESCAPED = re.compile("[\udc80-\udcff]")
_NON_ASCII = re.compile("[^\x00-\x7f\udc80-\udcff]")
# Legacy (cp1252/latin-1) text now and then pairs up into a valid UTF-8 sequence by
# chance ("\xc9\x94"); a file is UTF-8 with stray bad bytes only when its valid
# non-ASCII characters are not outnumbered this many times by the bad bytes.
_LEGACY_RATIO = 10


def _utf8_with_bad_bytes(data: bytes, check: bool = True) -> tuple[str, list[int]] | None:
    """The text, decoded as UTF-8 with each invalid byte replaced, and the offsets (in the
    text) of those replacements. With ``check`` (no BOM says it is UTF-8), None when the
    evidence says the file is not UTF-8 at all: no valid non-ASCII character, or very many
    more bad bytes than good characters."""
    text = data.decode("utf-8", errors="surrogateescape")
    escaped = [m.start() for m in _ESCAPED.finditer(text)]
    if check:
        needed = len(escaped) // _LEGACY_RATIO + 1  # counting further would change nothing
        valid = sum(1 for _ in islice(_NON_ASCII.finditer(text), needed))
        if valid == 0 or len(escaped) > _LEGACY_RATIO * valid:
            return None
    return _ESCAPED.sub("\ufffd", text), escaped


def _line_numbers(text: str, offsets: list[int]) -> tuple[int, ...]:
    """The 1-based line of each offset (text with LF, CRLF or CR line ends), no repeats."""
    lines: list[int] = []
    line, pos = 1, 0
    for offset in offsets:
        line += text.count("\n", pos, offset) + text.count("\r", pos, offset) - text.count(
            "\r\n", pos, offset)
        pos = offset
        if not lines or lines[-1] != line:
            lines.append(line)
    return tuple(lines)


def decode(data: bytes) -> Decoded:
    """Decode an export; raise FormatError for binary or undecodable content.

    A file that is UTF-8 but for a few stray bytes (a hand edit in another encoding, a
    vendor's glitch) stays UTF-8: only those bytes become U+FFFD, and ``bad_lines`` says
    where. Only a file with no sign of UTF-8 is read as cp1252 (or latin-1) throughout.
    """
    bad: list[int] = []
    text: str | None = None
    if data.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"  # the BOM says UTF-8, whatever a stray byte says
        text, bad = _utf8_with_bad_bytes(data[len(codecs.BOM_UTF8):], check=False) or ("", [])
    else:
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
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
                if encoding == "utf-8" and (found := _utf8_with_bad_bytes(data)):
                    text, bad = found
                    break
                continue
            break
        if text is None and candidates[0].startswith("utf-16"):
            encoding = candidates[0]  # cut short, or a stray odd byte: replace, say where
            text = data.decode(encoding, errors="replace")
            bad = [m.start() for m in re.finditer("\ufffd", text)]
        if text is None:
            raise FormatError(
                f"could not be decoded as {' or '.join(candidates)}; "
                "re-export the file as UTF-8 text",
                locator="line 1",
            )
    if "\x00" in text[:4096] or _control_share(text) > 0.05:
        raise FormatError(
            "this looks like a binary file, not a text export from a database; "
            "export the records as RIS, MEDLINE, BibTeX, CSV, XML or JSON",
        )
    bad_lines = _line_numbers(text, bad) if bad else ()
    text = text.lstrip("\ufeff")  # a BOM left inside by a second encoding pass
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    # two exports joined: the second one's BOM starts a line (a one-character search
    # first: ten times faster than the two-character one on a 300 MB export without any)
    if "\ufeff" in text and "\n\ufeff" in text:
        text = text.replace("\n\ufeff", "\n")
    return Decoded(text=text, encoding=encoding, bad_lines=bad_lines)
