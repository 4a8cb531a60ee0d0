"""Comma-, semicolon- and tab-separated tables: vendor CSV exports and generic tables.

Scopus, Embase.com, Cochrane CENTRAL, OpenAlex, Lens.org and PubMed CSVs are
recognised from their header (see ``csv_layouts``); any other table is read when
its header uses common column names (title, author, year, doi, ...). The header
must name columns mnr knows, so that arbitrary text is never taken for a table.

Reading streams the text through the stdlib ``csv`` module (no pandas) while
remembering which lines each row came from, so every record's ``raw`` is the
row's verbatim text and its locator names the row and the line it starts on,
even when quoted cells span several lines.

Two exports joined into one file (databases cap each export) are read as one: the second
one's preamble and header are skipped. A row far shorter than the header (a stray line)
and a short last row in a file that stops mid-line (a cut file) are refused, named.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass

from mnr.errors import FormatError
from mnr.formats.csv_layouts import TITLE_NAMES, Layout, layout_for, norm, understood_names
from mnr.formats.fields import clean, clean_doi, join_pages, normalise_pages, parse_year
from mnr.records import ParsedRecord

NAME = "csv_table"
RAW_IS_COMPLETE = False  # a row means nothing without the file's header: keep the fields
LABEL = "CSV/TSV table (Scopus, Embase, Cochrane CENTRAL, OpenAlex, Lens, or common column names)"

_HEADER_SCAN = 20  # lines searched for the header (Embase writes a 3-line preamble)
_HEADER_MAX = 65_536  # a longer line is not a header (keeps sniffing one-line files cheap)
_FIELD_LIMIT = 2**31 - 1  # References/abstract cells can exceed csv's 128 KB default
_MISSING = frozenset({"NA", "N/A", "#N/A", "[No abstract available]"})  # R/Excel/Scopus fillers
_DELIMITERS = (",", "\t", ";")  # tie-break order

# "Cheng M." / "Calin GA" / "Tseng M-L": one author of a Scopus reference (no comma).
_AUTHOR = re.compile(r"[^\W\d_][\w'’.\- ]{0,60}? (?:[A-Z][a-z]?\.?-?){1,5}")
# "Adeli K.Lewis G. F.": authors glued together without a separator (bib-dedupe files).
_GLUED = re.compile(r"(?<=[A-Z]\.)(?=[^\W\d_][^\s.,]+\s)")
_AND = re.compile(r"\s+and\s+")
_SCOPUS_ID = re.compile(r"\s*\(\d{5,}\)$")  # "Liu, Fengyuan (60410297700)"
_QUALIFIER = re.compile(r"\s*\([^()]*\)$")  # Emtree "keratin (endogenous compound)"
_ISSN = re.compile(r"(?<![\dX])(\d{4})-?(\d{3}[\dXx])(?![\dX])")
_LAST_NUMBER = re.compile(r"(\d+)\D*$")


@dataclass(slots=True)
class _Header:
    line: int  # 1-based line number of the header row
    offset: int  # where the header line starts in the text
    delimiter: str
    names: list[str]
    layout: Layout
    preamble: str  # the lines above the header, verbatim


def _delimiter(line: str) -> str:
    """The delimiter used most often outside quotes in a header line (comma if none)."""
    if '"' in line:
        line = "".join(line.split('"')[::2])  # drop the quoted parts
    counts = {d: line.count(d) for d in _DELIMITERS}
    return max(_DELIMITERS, key=lambda d: counts[d])


def _find_header(text: str, strict: bool) -> _Header | None:
    """Find the header row among the first lines; skip a preamble such as Embase's.

    A line is the header when it names a title column and has more cells than
    any line above it. When ``strict`` is false and no line has a title column,
    the first non-blank line is the header if it names at least two columns mnr reads.
    """
    pos = 1 if text.startswith("\ufeff") else 0
    widest = 0
    first: _Header | None = None
    for number in range(1, _HEADER_SCAN + 1):
        if pos >= len(text):
            break
        end = text.find("\n", pos)
        end = len(text) if end < 0 else end
        line = text[pos:end] if end - pos <= _HEADER_MAX else ""
        if line.strip():
            delimiter = _delimiter(line)
            cells = [c.strip() for c in next(csv.reader([line], delimiter=delimiter))]
            columns = {norm(c) for c in cells}
            layout = layout_for(columns)
            header = _Header(number, pos, delimiter, cells, layout, text[:pos])
            title_names = set(layout.columns["title"]) | TITLE_NAMES
            if len(cells) > widest and columns & title_names and (len(cells) > 1 or not strict):
                return header
            if first is None:
                first = header
            widest = max(widest, len(cells))
        pos = end + 1
    if strict or first is None:
        return None
    columns = {norm(c) for c in first.names}
    # two known columns (one if that is all there is): a WoS "ID" column alone is not enough
    return first if len(columns & first.layout.known()) >= min(2, len(columns)) else None


def sniff(text: str) -> bool:
    """A delimited header row (within the first lines) with a title-like column."""
    return _find_header(text, strict=True) is not None


def preamble_query(text: str) -> str | None:
    """The search query a preamble above the header records (Embase: "SEARCH QUERY","...")."""
    header = _find_header(text, strict=False)
    if header is None or not header.preamble.strip():
        return None
    for cells in csv.reader(io.StringIO(header.preamble), delimiter=header.delimiter):
        if len(cells) >= 2 and norm(cells[0]) in {"searchquery", "query", "searchstrategy"}:
            return clean(cells[1])
    return None


def split_references(value: str) -> list[str]:
    """Scopus references: ';' separates authors inside a reference *and* references.

    Pieces that are a bare author name ("Cheng M.", no comma) are held and joined
    ("; ") to the next piece; any other piece ("Cui M., Title, Journal, 50, (2025)",
    a Lens ID, an author-less reference) ends a reference.
    """
    refs: list[str] = []
    pending: list[str] = []
    for part in value.split(";"):
        piece = part.strip()
        if not piece:
            continue
        if "," not in piece and _AUTHOR.fullmatch(piece):
            pending.append(piece)
            continue
        refs.append("; ".join([*pending, piece]))
        pending = []
    if pending:
        refs.append("; ".join(pending))
    return refs


def split_authors(value: str, sep: str | None) -> list[str]:
    """Author names from one cell: the layout's separator, or a guess for generic tables."""
    if sep is None:
        if ";" in value:
            sep = ";"
        elif "|" in value:
            sep = "|"
    if sep is not None:
        parts = value.split(sep)
    elif _AND.search(value):
        parts = _AND.split(value)  # BibTeX style: "Zuna, R E and Wang, S S"
    elif "," in value and all(_AUTHOR.fullmatch(p.strip()) for p in value.split(",")):
        parts = value.split(",")  # "Yang Z., Jiang B." / "Smith J, Jones K"
    elif "," not in value and _GLUED.search(value):
        parts = _GLUED.split(value)
    else:
        parts = [value]
    names = (clean(_SCOPUS_ID.sub("", p) if p.endswith(")") else p) for p in parts)
    return [n for n in names if n and n not in _MISSING]


def _split(value: str, sep: str | None) -> list[str]:
    if sep is None:
        sep = ";" if ";" in value else ","
    return [item for item in (clean(p) for p in value.split(sep)) if item]


def _from_inverted_index(value: str) -> str | None:
    """An OpenAlex abstract_inverted_index (JSON word -> positions) as plain text."""
    try:
        index = json.loads(value)
        words = sorted((int(pos), word) for word, positions in index.items() for pos in positions)
    except (ValueError, TypeError, AttributeError):
        return None
    return clean(" ".join(word for _, word in words))


def _issn(value: str | None) -> str | None:
    if value is None:
        return None
    match = _ISSN.search(value)
    return f"{match.group(1)}-{match.group(2).upper()}" if match else clean(value)


def _first_token(value: str | None) -> str | None:
    return value.split()[0] if value else None


class _Plan:
    """A layout resolved against one header: column indices per target."""

    def __init__(self, header: _Header) -> None:
        self.layout = header.layout
        positions: dict[str, list[int]] = {}
        for index, name in enumerate(header.names):
            positions.setdefault(norm(name), []).append(index)

        def indices(names: tuple[str, ...]) -> tuple[int, ...]:
            return tuple(i for n in names for i in positions.get(n, ()))

        self.columns = {t: indices(names) for t, names in self.layout.columns.items()}
        self.keywords = [
            (i, sep, name in self.layout.emtree)
            for name, sep in self.layout.keywords
            for i in positions.get(name, ())
        ]
        self.refs = [
            (i, style) for name, style in self.layout.refs for i in positions.get(name, ())
        ]
        self.inverted = indices((norm("abstract_inverted_index"),))

    def cell(self, row: list[str], target: str) -> str | None:
        """The first non-empty cell among the target's columns."""
        for i in self.columns[target]:
            if i < len(row):
                value = row[i].strip()
                if value and value not in _MISSING:
                    return value
        return None

    def record(self, row: list[str], fields: dict[str, object], raw: str, locator: str
               ) -> ParsedRecord:  # fmt: skip
        """Map one row onto a ParsedRecord."""
        cell = self.cell
        layout = self.layout
        authors_cell = cell(row, "authors")
        pages = normalise_pages(cell(row, "pages")) or normalise_pages(
            join_pages(cell(row, "page_start"), cell(row, "page_end")) or cell(row, "article_no")
        )
        abstract = clean(cell(row, "abstract"))
        if abstract is None:
            for i in self.inverted:
                if i < len(row) and row[i].strip():
                    abstract = _from_inverted_index(row[i])
        keywords: list[str] = []
        seen: set[str] = set()
        for i, sep, emtree in self.keywords:
            if i < len(row) and row[i].strip() and row[i].strip() not in _MISSING:
                for word in _split(row[i], sep):
                    word = _QUALIFIER.sub("", word) if emtree else word
                    if word.casefold() not in seen:
                        seen.add(word.casefold())
                        keywords.append(word)
        refs: list[str] = []
        for i, style in self.refs:
            if i < len(row) and row[i].strip() and row[i].strip() not in _MISSING:
                scopus = style == "scopus"
                refs.extend(split_references(row[i]) if scopus else _split(row[i], style))
        source_id = cell(row, "source_id")
        if source_id and layout.name == "openalex":
            source_id = source_id.rsplit("/", 1)[-1]  # "https://openalex.org/W2755950973"
        pmid = _LAST_NUMBER.search(cell(row, "pmid") or "")
        isbn = cell(row, "isbn")
        return ParsedRecord(
            raw=raw,
            fields=fields,
            locator=locator,
            title=clean(cell(row, "title")),
            authors=split_authors(authors_cell, layout.author_sep) if authors_cell else [],
            year=parse_year(cell(row, "year")) or parse_year(cell(row, "date")),
            journal=clean(cell(row, "journal")),
            volume=clean(cell(row, "volume")),
            issue=clean(cell(row, "issue")),
            pages=pages,
            doi=clean_doi(cell(row, "doi")),
            pmid=pmid.group(1) if pmid else None,
            issn=_issn(cell(row, "issn")),
            isbn=clean(isbn.split(";")[0]) if isbn else None,
            abstract=abstract,
            keywords=keywords,
            language=clean(cell(row, "language")),
            pub_type=clean(cell(row, "pub_type")),
            url=_first_token(cell(row, "url")),
            source_id=clean(source_id),
            source_database=layout.database or clean(cell(row, "database")),
            cited_refs=refs,
        )


def _unique(names: list[str]) -> list[str]:
    """Header names as field keys: blanks named by position, repeats numbered."""
    out: list[str] = []
    for index, name in enumerate(names):
        key = name or f"column {index + 1}"
        if key in out:
            key = f"{key} ({index + 1})"
        out.append(key)
    return out


def _unknown_header(text: str) -> FormatError:
    """The error for a table whose header names no column mnr reads."""
    pos = 1 if text.startswith("\ufeff") else 0
    lines = text[pos:].split("\n", _HEADER_SCAN)
    number, line = next(((n, s) for n, s in enumerate(lines, 1) if s.strip()), (1, ""))
    if not line:
        return FormatError("the file is empty: there is no header row and no records")
    cells = next(csv.reader([line], delimiter=_delimiter(line)), [])
    found = ", ".join(repr(c.strip()) for c in cells[:40]) + (" ..." if len(cells) > 40 else "")
    return FormatError(
        f"the header row names no column mnr knows; the columns found are: {found}. "
        f"mnr understands: {understood_names()}",
        locator=f"line {number}",
    )


def read(text: str) -> Iterator[ParsedRecord]:
    """Yield one record per data row; FormatError for unknown headers or malformed rows."""
    header = _find_header(text, strict=False)
    if header is None:
        raise _unknown_header(text)
    if csv.field_size_limit() < _FIELD_LIMIT:
        csv.field_size_limit(_FIELD_LIMIT)
    rows = _rows(text, header)
    header_row = next(rows)[0]
    names = _unique([c.strip() for c in header_row])
    width = len(names)
    plan = _Plan(header)
    preamble = header.preamble.strip("\n")
    joins = _Joins(header, header_row)
    # The last record is held back until the end: a short last row in a file that stops
    # mid-line, after rows that were all whole, is a cut file, not a record.
    held: ParsedRecord | None = None
    held_short = False
    whole = whole_before = True  # every row so far had all the header's cells
    for row, raw, locator in rows:
        if len(row) > width and any(c.strip() for c in row[width:]):
            raise FormatError(
                f"this row has {len(row)} cells but the header has {width} columns; the "
                "file looks truncated or malformed (a delimiter inside an unquoted cell?)",
                locator=locator,
            )
        if not any(c.strip() for c in row) or joins.skip(row, locator):
            continue  # an empty row, or the preamble and header of a second export
        fields: dict[str, object] = {
            names[i]: cell for i, cell in enumerate(row[:width]) if cell.strip()
        }
        if preamble:  # the first record keeps what the lines above the header said
            fields["_preamble"] = preamble
            query = preamble_query(text)
            if query:
                fields["_search_query"] = query
            preamble = ""
        if held is not None:
            yield held
        held, held_short = plan.record(row, fields, raw, locator), len(row) < width
        whole_before, whole = whole, whole and not held_short
    joins.finish()
    if held is not None:
        if held_short and whole_before and not text.endswith("\n"):
            raise FormatError(
                f"the last row has fewer cells than the header's {width} columns, every other "
                "row has them all, and the file stops mid-line: it looks truncated - export "
                "it again", locator=held.locator)
        yield held


_PREAMBLE_KEYS = frozenset({"searchquery", "query", "searchstrategy"})


class _Joins:
    """Two or more exports joined into one file (databases cap each export): the second
    one's preamble and header are skipped, its rows read. A row far shorter than the
    header that is neither (a stray line, a cut-off row) is a FormatError naming it."""

    def __init__(self, header: _Header, header_row: list[str]) -> None:
        self.width = len(header_row)
        self.header = [norm(c) for c in header_row]
        self.preamble = [
            [norm(c) for c in cells]
            for cells in csv.reader(io.StringIO(header.preamble), delimiter=header.delimiter)
            if any(c.strip() for c in cells)
        ]
        self.inside: str | None = None  # the locator of a preamble whose header is to come

    def _short(self, row: list[str]) -> bool:
        # "Wildly" short: a narrow table may leave trailing cells out ("title,year,doi" then
        # "A"), but one line of a 49-column export is a stray line or a cut-off row.
        return 4 * len(row) < self.width

    def _starts_preamble(self, cells: list[str]) -> bool:
        return cells in self.preamble or (
            bool(cells) and (cells[0] in _PREAMBLE_KEYS
                             or bool(self.preamble) and cells[0] == self.preamble[0][0]))

    def skip(self, row: list[str], locator: str) -> bool:
        """True for a row that belongs to a joined export's preamble or header."""
        if len(row) == self.width and norm(row[0]) == self.header[0] \
                and [norm(c) for c in row] == self.header:
            self.inside = None
            return True  # the header again (norm drops a second export's BOM)
        if not self._short(row):
            if self.inside is not None:
                raise FormatError(
                    "a second export's preamble starts here, but the header row after it "
                    "is not the first export's header; import each export on its own",
                    locator=self.inside)
            return False
        cells = [norm(c) for c in row]
        if self.inside is not None or self._starts_preamble(cells):
            self.inside = self.inside or locator
            return True
        raise FormatError(
            f"this row has {len(row)} cell{'s' if len(row) != 1 else ''} but the header has "
            f"{self.width} columns: a stray line, or a row cut short; remove it or export "
            "the records again", locator=locator)

    def finish(self) -> None:
        """A preamble at the end with no header or rows after it: a cut-off export."""
        if self.inside is not None:
            raise FormatError("a second export's preamble starts here but no header row "
                              "follows; the file looks truncated", locator=self.inside)


def _rows(text: str, header: _Header) -> Iterator[tuple[list[str], str, str]]:
    """The header row, then each non-blank row below it with its verbatim text (the lines
    it spans, quoted line breaks and all) and its locator ("row 3 (line 7)"). A row csv
    cannot read, or one the end of the file cuts short, is a FormatError."""
    stream = io.StringIO(text)
    stream.seek(header.offset)
    lines: list[str] = []  # the text lines of the row being read
    exhausted: list[bool] = []

    def feed() -> Iterator[str]:
        for line in stream:
            lines.append(line)
            yield line
        exhausted.append(True)

    reader = csv.reader(feed(), delimiter=header.delimiter)
    yield next(reader), "", ""  # the header row: no locator, and its text is the header's
    base = header.line - 1
    row_number = 0
    while True:
        line = base + reader.line_num + 1
        lines.clear()
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise FormatError(
                f"this row could not be read as CSV ({error}); the file looks malformed",
                locator=f"row {row_number + 1} (line {line})",
            ) from None
        if not row:
            continue  # a blank line
        row_number += 1
        locator = f"row {row_number} (line {line})"
        if exhausted:
            raise FormatError(
                "the file ends inside a quoted cell that starts in this row; the file looks "
                "truncated, or a '\"' in this row is unbalanced",
                locator=locator,
            )
        raw = "".join(lines)
        yield row, raw[:-1] if raw.endswith("\n") else raw, locator
