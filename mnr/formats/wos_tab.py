"""Web of Science tab-delimited export ("Tab-delimited (Win/Mac, UTF-8)"; UTF-16 too).

A small reader of mnr's own, sharing the tag mapping with ``wos_text``: the header row
holds the same two-character codes (``PT AU BA ... UT``) and each data row one record.
The csv module is not used because WoS quotes nothing (a title may contain a bare
``"``) and writes one trailing TAB more on every data row than on the header; rows
are simply split on tabs. Multi-valued columns (AU, AF, CR ...) are '; '-separated.
decode.py has already turned UTF-16 or a BOM into plain text.

Truncation: a data row with fewer columns than the header is reported with its line;
when it is the last row, the file looks truncated.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from mnr.errors import FormatError
from mnr.formats.wos_text import build
from mnr.records import ParsedRecord

NAME = "wos_tab"
RAW_IS_COMPLETE = False  # a row means nothing without the file's header: keep the fields
LABEL = "Web of Science tab-delimited (.txt; UTF-8 or UTF-16)"

_CODE = re.compile(r"[A-Z][A-Z0-9]")


def _header(line: str) -> list[str]:
    cells = [cell.strip() for cell in line.lstrip("\ufeff").rstrip("\r").split("\t")]
    while cells and not cells[-1]:
        cells.pop()
    return cells


def sniff(text: str) -> bool:
    """A header row of two-character WoS codes, starting with ``PT``, with ``UT`` or ``TI``."""
    cells = _header(text[:5000].split("\n", 1)[0])
    if len(cells) < 5 or cells[0] != "PT" or not ({"UT", "TI"} & set(cells)):
        return False
    codes = sum(1 for cell in cells if _CODE.fullmatch(cell))
    return codes >= 0.9 * len(cells)


def _lines(text: str, start: int) -> Iterator[tuple[int, str]]:
    """(offset, line) from ``start`` on, found with ``str.find`` (no copy of the whole text)."""
    size = len(text)
    while start < size:
        end = text.find("\n", start)
        if end < 0:
            end = size
        yield start, text[start:end]
        start = end + 1


def read(text: str) -> Iterator[ParsedRecord]:
    """Yield one record per data row; blank lines are skipped."""
    eol = text.find("\n")
    if eol < 0:
        return  # a header and no records (or nothing at all)
    header = _header(text[:eol])
    if not header or header[0] != "PT":
        raise FormatError(
            "the first row is not a Web of Science header ('PT<TAB>AU<TAB>...')", "line 1"
        )
    width = len(header)
    line_no = 1
    for offset, line in _lines(text, eol + 1):
        line_no += 1
        if not line.strip():
            continue
        cells = line.split("\t")
        if cells[0].lstrip("\ufeff") == "PT" and _header(line) == header:
            continue  # the header again: two exports joined into one file
        if len(cells) < width:
            last = not text[offset + len(line) :].strip()
            raise FormatError(
                f"this row has {len(cells)} columns but the header has {width}"
                + ("; the file looks truncated - export it again" if last else ""),
                f"line {line_no}",
            )
        if len(cells) > width and any(cell.strip() for cell in cells[width:]):
            raise FormatError(
                f"this row has {len(cells)} columns but the header has {width}; a value "
                "contains a tab, or the file is not a Web of Science export",
                f"line {line_no}",
            )
        pairs = zip(header, cells, strict=False)
        fields = {code: cell for code, cell in pairs if cell and not cell.isspace()}
        yield build(line, fields, f"line {line_no}")
