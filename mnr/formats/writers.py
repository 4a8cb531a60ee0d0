"""Writers for exporting records: CSV, RIS (rispy), BibTeX (bibtexparser v2), JSON.

Every writer takes stored records and a text stream, and streams: a 100,000
record library is never held as one string. CSV cells are neutralised against
spreadsheet formula injection, since titles come from untrusted files.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable, Iterable
from typing import Any, TextIO

import bibtexparser
import rispy
from bibtexparser.model import Entry, Field

from mnr.records import StoredRecord

# A leading =, +, -, @ (or a tab/CR) makes Excel and LibreOffice evaluate a cell.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

CSV_COLUMNS = [
    "record", "work", "search", "database", "source_database", "source_id", "title", "authors",
    "year", "journal", "volume", "issue", "pages", "doi", "pmid", "issn", "isbn",
    "abstract", "keywords", "language", "pub_type", "url", "cited_references", "locator",
    "flags",
]


def neutralise(value: str) -> str:
    """Prefix a quote to cells a spreadsheet would run as a formula."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def record_row(record: StoredRecord) -> dict[str, Any]:
    """The flat, export-friendly view of a record (also used for JSON)."""
    return {
        "record": record.label,
        "work": record.work_label,
        "search": f"S{record.search_id}",
        "database": record.database,
        "source_database": record.source_database,
        "source_id": record.source_id,
        "title": record.title,
        "authors": record.authors,
        "year": record.year,
        "journal": record.journal,
        "volume": record.volume,
        "issue": record.issue,
        "pages": record.pages,
        "doi": record.doi,
        "pmid": record.pmid,
        "issn": record.issn,
        "isbn": record.isbn,
        "abstract": record.abstract,
        "keywords": record.keywords,
        "language": record.language,
        "pub_type": record.pub_type,
        "url": record.url,
        "cited_references": len(record.cited_refs),
        "locator": record.locator,
        "flags": "no title" if not record.title else "",
    }


def write_csv(records: Iterable[StoredRecord], out: TextIO) -> int:
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    count = 0
    for record in records:
        row = record_row(record)
        cells = []
        for column in CSV_COLUMNS:
            value = row[column]
            if isinstance(value, list):
                value = "; ".join(value)
            cells.append(neutralise(str(value)) if value not in (None, "") else "")
        writer.writerow(cells)
        count += 1
    return count


def write_json(records: Iterable[StoredRecord], out: TextIO) -> int:
    """A JSON array, written item by item."""
    count = 0
    out.write("[")
    for record in records:
        out.write(",\n" if count else "\n")
        out.write(json.dumps(record_row(record), ensure_ascii=False))
        count += 1
    out.write("\n]\n")
    return count


class _PlainRisWriter(rispy.RisWriter):
    """rispy's writer without the '1.' numbering line before each record."""

    def set_header(self, count: int) -> str:
        return ""


def _ris_entry(record: StoredRecord) -> dict[str, Any]:
    entry: dict[str, Any] = {"type_of_reference": "JOUR"}
    pairs: list[tuple[str, Any]] = [
        ("title", record.title), ("authors", record.authors), ("year", record.year),
        ("secondary_title", record.journal), ("volume", record.volume),
        ("number", record.issue), ("doi", record.doi), ("issn", record.issn or record.isbn),
        ("abstract", record.abstract), ("keywords", record.keywords),
        ("language", record.language), ("urls", [record.url] if record.url else []),
        ("accession_number", record.source_id), ("name_of_database", record.database),
    ]
    for key, value in pairs:
        if value:
            entry[key] = str(value) if isinstance(value, int) else value
    if record.pages:
        start, _, end = record.pages.partition("-")
        entry["start_page"] = start
        if end:
            entry["end_page"] = end
    entry["notes"] = [f"mnr record {record.label}, search S{record.search_id}"]
    return entry


def write_ris(records: Iterable[StoredRecord], out: TextIO) -> int:
    writer = _PlainRisWriter()
    count = 0
    for record in records:
        writer.format_lines(out, [_ris_entry(record)])
        out.write("\n")
        count += 1
    return count


_BIB_SPECIAL = re.compile(r"([{}])")


def _bib_value(value: str) -> str:
    # Unbalanced braces in a title would break the entry; escape them.
    return _BIB_SPECIAL.sub(r"\\\1", value)


def _bib_entry(record: StoredRecord) -> Entry:
    values: list[tuple[str, Any]] = [
        ("title", record.title), ("author", " and ".join(record.authors)),
        ("year", record.year), ("journal", record.journal), ("volume", record.volume),
        ("number", record.issue), ("pages", record.pages), ("doi", record.doi),
        ("issn", record.issn), ("isbn", record.isbn), ("abstract", record.abstract),
        ("keywords", "; ".join(record.keywords)), ("language", record.language),
        ("url", record.url), ("pmid", record.pmid), ("database", record.database),
        ("note", f"mnr record {record.label}, search S{record.search_id}"),
    ]
    fields = [Field(key, _bib_value(str(value))) for key, value in values if value]
    return Entry("article", record.label, fields)


def write_bibtex(records: Iterable[StoredRecord], out: TextIO) -> int:
    count = 0
    for record in records:
        library = bibtexparser.Library([_bib_entry(record)])
        out.write(bibtexparser.write_string(library))
        out.write("\n")
        count += 1
    return count


WRITERS: dict[str, Callable[[Iterable[StoredRecord], TextIO], int]] = {
    "csv": write_csv,
    "ris": write_ris,
    "bibtex": write_bibtex,
    "json": write_json,
}
