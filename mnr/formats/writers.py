"""Writers for exporting records or works: CSV, RIS (rispy), BibTeX (bibtexparser v2),
CSL-JSON, EndNote XML (ElementTree), JSON. A work (``Found``) is written as its merged
record with the databases that found it (RIS DB and N1, BibTeX database, CSL source,
EndNote remote-database-name, a CSV column).

Every writer takes stored records and a text stream, and streams: a 100,000
record library is never held as one string. CSV cells are neutralised against
spreadsheet formula injection, since titles come from untrusted files: every
tabular output of mnr (records, the screening log, appraisals, the evidence table,
PRISMA's template, themes, seminal papers) goes through ``TableWriter``, and XLSX
cells are stored as strings, never formulas. A file is written beside its name and
renamed into place (``replacing``): whole or not at all. BibTeX entries are keyed
author-year and LaTeX's special characters escaped; DOIs are written as the file
spelled them when the record's raw text is at hand.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import tempfile
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import bibtexparser
import rispy
from bibtexparser.model import Entry, Field

from mnr.errors import MnrError
from mnr.records import StoredRecord

# A leading =, +, -, @ (or a tab/CR) makes Excel and LibreOffice evaluate a cell.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

CSV_COLUMNS = [
    "record", "work", "search", "database", "source_database", "source_id", "title", "authors",
    "year", "journal", "volume", "issue", "pages", "doi", "pmid", "issn", "isbn",
    "abstract", "keywords", "language", "pub_type", "url", "cited_references", "locator",
    "flags", "databases", "records",
]


@dataclass(frozen=True, slots=True)
class Found:
    """One work as exported: its merged record (the fullest value of each field across
    its records), the databases whose searches found it, and its records' labels."""

    record: StoredRecord
    databases: list[str]
    records: list[str]


Item = StoredRecord | Found  # what every writer takes: records, or works


def _unpack(item: Item) -> tuple[StoredRecord, list[str], list[str], str]:
    """The record, the databases that found it, its records, and the note naming it."""
    if isinstance(item, Found):
        record = item.record
        return record, item.databases, item.records, (
            f"mnr work {record.work_label} (records {', '.join(item.records)}); found in "
            f"{'; '.join(item.databases)}")
    return item, [item.database], [item.label], (
        f"mnr record {item.label}, search S{item.search_id}")


_LINE_BREAKS = re.compile(r"\s*[\r\n\u2028\u2029\x0b\x0c\x85]+\s*")


def one_line(value: str) -> str:
    """A value on one line: a line break inside a RIS value would start a new tag line."""
    return _LINE_BREAKS.sub(" ", value)


def neutralise(value: str) -> str:
    """Prefix a quote to cells a spreadsheet would run as a formula."""
    return "'" + value if value.startswith(_FORMULA_START) else value


class TableWriter:
    """csv.writer for every tabular output: each text cell is neutralised (numbers and
    None are written as csv writes them)."""

    def __init__(self, stream: TextIO, lineterminator: str = "\n") -> None:
        self._stream = stream
        self._terminator = lineterminator
        # csv quotes a cell holding a character of its line terminator: written with
        # "\r\n" and ended with ours, a cell holding a lone CR is quoted too
        self._row = io.StringIO()
        self._writer = csv.writer(self._row, lineterminator="\r\n")

    def writerow(self, row: Iterable[Any]) -> None:
        self._row.seek(0)
        self._row.truncate()
        self._writer.writerow([neutralise(cell) if isinstance(cell, str) else cell
                               for cell in row])
        self._stream.write(self._row.getvalue()[:-2] + self._terminator)

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def write_table(stream: TextIO, columns: Sequence[str], rows: Iterable[Iterable[Any]]) -> int:
    """A header and rows as CSV, every text cell neutralised; returns the rows written."""
    writer = TableWriter(stream)
    writer.writerow(columns)
    count = 0
    for row in rows:
        writer.writerow(row)
        count += 1
    return count


# XML 1.0, and so XLSX, cannot hold these; openpyxl refuses them mid-way through a file.
_XLSX_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def write_xlsx(path: Path, columns: Sequence[str], rows: Iterable[Sequence[Any]],
               sheet: str = "Sheet1") -> int:
    """A header and rows as one XLSX sheet, every text cell stored as a string (never as a
    formula: ``=HYPERLINK(..)`` stays text), written whole or not at all; returns rows."""
    from openpyxl import Workbook

    with replacing(path) as temporary:
        book = Workbook()
        page = book.active
        assert page is not None
        page.title = sheet
        count = -1
        for number, values in enumerate([columns, *rows], start=1):
            for column, value in enumerate(values, start=1):
                cell = page.cell(number, column)
                if isinstance(value, str):
                    cell.value = _XLSX_ILLEGAL.sub("", value)
                    cell.data_type = "s"  # openpyxl reads a leading "=" as a formula
                else:
                    cell.value = value
            count += 1
        book.save(temporary)
    return count


@contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """A temporary file beside ``path`` that replaces it once the block ends without an
    error (and is removed if it does not): a file is written whole or not at all. A
    missing folder or a refusal of the disk is one clear MnrError."""
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise MnrError(f"cannot write {path}: the folder {folder} does not exist")
    if path.is_dir():
        raise MnrError(f"cannot write {path}: it is a folder")
    try:
        handle, name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=f".part{path.suffix}",
                                        dir=folder)
    except OSError as error:
        raise MnrError(f"cannot write {path}: {error.strerror or error}") from error
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        os.chmod(temporary, _mode_for(path))  # mkstemp's file is private; -o's need not be
        os.replace(temporary, path)
    except OSError as error:
        raise MnrError(f"cannot write {path}: {error.strerror or error}") from error
    finally:
        temporary.unlink(missing_ok=True)


def _mode_for(path: Path) -> int:
    """The replaced file's permissions, or a new file's (0o666 less the umask)."""
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


@contextmanager
def opened(path: Path, newline: str | None = "") -> Iterator[TextIO]:
    """``path`` opened to write text (UTF-8), replacing it only once written whole."""
    with replacing(path) as temporary, temporary.open("w", encoding="utf-8",
                                                      newline=newline) as stream:
        yield stream


def verbatim_doi(record: StoredRecord) -> str | None:
    """The record's DOI as its file spelled it (the stored one is lower-cased for matching)."""
    if not record.doi:
        return None
    if record.raw:
        match = re.search(re.escape(record.doi), record.raw, re.IGNORECASE)
        if match:
            return match.group(0)
    return record.doi


def record_row(item: Item) -> dict[str, Any]:
    """The flat, export-friendly view of a record or a work (also used for JSON)."""
    record, databases, records, _ = _unpack(item)
    return {
        "record": record.label if not isinstance(item, Found) else None,
        "work": record.work_label,
        "search": f"S{record.search_id}" if not isinstance(item, Found) else None,
        "database": "; ".join(databases),
        "source_database": record.source_database,
        "source_id": record.source_id,
        "title": record.title,
        "authors": record.authors,
        "year": record.year,
        "journal": record.journal,
        "volume": record.volume,
        "issue": record.issue,
        "pages": record.pages,
        "doi": verbatim_doi(record),
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
        "databases": databases,
        "records": records,
    }


def write_csv(records: Iterable[Item], out: TextIO) -> int:
    writer = TableWriter(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    count = 0
    for record in records:
        row = record_row(record)
        cells = []
        for column in CSV_COLUMNS:
            value = row[column]
            if isinstance(value, list):
                value = "; ".join(value)
            cells.append(str(value) if value not in (None, "") else "")
        writer.writerow(cells)
        count += 1
    return count


def _json_array(items: Iterable[Item], out: TextIO,
                as_object: Callable[[Item], dict[str, Any]]) -> int:
    """A JSON array of ``as_object(item)``, written item by item (never held whole)."""
    count = 0
    out.write("[")
    for item in items:
        out.write(",\n" if count else "\n")
        out.write(json.dumps(as_object(item), ensure_ascii=False))
        count += 1
    out.write("\n]\n")
    return count


def write_json(records: Iterable[Item], out: TextIO) -> int:
    """A JSON array, one object per record (or work)."""
    return _json_array(records, out, record_row)


class _PlainRisWriter(rispy.RisWriter):
    """rispy's writer without the '1.' numbering line before each record."""

    def set_header(self, count: int) -> str:
        return ""


def _ris_entry(item: Item) -> dict[str, Any]:
    """A record (or a work) for rispy; every value on one line, the databases that found
    it in DB and, with the work and its records, in N1."""
    record, databases, _, note = _unpack(item)
    entry: dict[str, Any] = {"type_of_reference": "JOUR"}
    pairs: list[tuple[str, Any]] = [
        ("title", record.title), ("authors", record.authors), ("year", record.year),
        ("secondary_title", record.journal), ("volume", record.volume),
        ("number", record.issue), ("doi", verbatim_doi(record)),
        ("issn", record.issn or record.isbn),
        ("abstract", record.abstract), ("keywords", record.keywords),
        ("language", record.language), ("urls", [record.url] if record.url else []),
        ("accession_number", record.source_id), ("name_of_database", "; ".join(databases)),
    ]
    for key, value in pairs:
        if value:
            entry[key] = str(value) if isinstance(value, int) else value
    if record.pages:
        start, _, end = record.pages.partition("-")
        entry["start_page"] = start
        if end:
            entry["end_page"] = end
    entry["notes"] = [note]
    for key, value in entry.items():
        if isinstance(value, str):
            entry[key] = one_line(value)
        elif isinstance(value, list):
            entry[key] = [one_line(v) for v in value if one_line(v).strip()]
    return entry


def write_ris(records: Iterable[Item], out: TextIO) -> int:
    writer = _PlainRisWriter()
    count = 0
    for record in records:
        writer.format_lines(out, [_ris_entry(record)])
        out.write("\n")
        count += 1
    return count


# LaTeX reads these as commands, comments, parameters or math: each becomes its literal.
_LATEX = {"\\": r"\textbackslash{}", "{": r"\textbraceleft{}", "}": r"\textbraceright{}",
          "&": r"\&", "%": r"\%", "#": r"\#", "_": r"\_", "$": r"\$", "^": r"\textasciicircum{}",
          "~": r"\textasciitilde{}"}
_LATEX_SPECIAL = re.compile(r"[\\{}&%#_$^~]")
_VERBATIM_FIELDS = ("doi", "url")  # printed with \url / \doi: only braces must be balanced


def _bib_value(value: str, key: str = "") -> str:
    # BibTeX counts braces even after a backslash: \textbraceleft{} keeps them balanced.
    if key in _VERBATIM_FIELDS:
        return value.replace("{", "%7B").replace("}", "%7D")
    return _LATEX_SPECIAL.sub(lambda match: _LATEX[match.group(0)], value)


def _family(author: str) -> str:
    """The family name in "Smith, John", "Smith J" (MEDLINE) or "John Smith"."""
    if "," in author:
        return author.split(",", 1)[0]
    words = author.split()
    if len(words) > 1 and words[-1].isupper() and len(words[-1].strip(".")) <= 3:
        return " ".join(words[:-1])
    return words[-1] if words else ""


def _bib_name(author: str) -> str:
    """"Smith, J" for MEDLINE's "Smith J", which BibTeX would read as J Smith's first name;
    other forms as they are."""
    family = _family(author)
    if "," in author or family == author or not author.startswith(family + " "):
        return author
    return f"{family},{author[len(family):]}"


def bib_key(record: StoredRecord, taken: set[str]) -> str:
    """An author-year key ("smith2010"), made unique against ``taken`` with a letter
    ("smith2010a", "smith2010b", ...), and added to it."""
    family = _family(record.authors[0]) if record.authors else ""
    folded = unicodedata.normalize("NFKD", family).encode("ascii", "ignore").decode()
    stem = (re.sub(r"[^a-z]", "", folded.lower()) or "anon") + str(record.year or "nd")
    key, n = stem, 0
    while key in taken:
        key = stem + _letters(n)
        n += 1
    taken.add(key)
    return key


def _letters(n: int) -> str:
    """a, b, ..., z, aa, ab, ..."""
    text = ""
    n += 1
    while n:
        n, rest = divmod(n - 1, 26)
        text = chr(ord("a") + rest) + text
    return text


def _bib_entry(item: Item, key: str | None = None) -> Entry:
    record, databases, _, note = _unpack(item)
    values: list[tuple[str, Any]] = [
        ("title", record.title), ("author", " and ".join(map(_bib_name, record.authors))),
        ("year", record.year), ("journal", record.journal), ("volume", record.volume),
        ("number", record.issue), ("pages", record.pages), ("doi", verbatim_doi(record)),
        ("issn", record.issn), ("isbn", record.isbn), ("abstract", record.abstract),
        ("keywords", "; ".join(record.keywords)), ("language", record.language),
        ("url", record.url), ("pmid", record.pmid), ("database", "; ".join(databases)),
        ("note", note),
    ]
    fields = [Field(name, _bib_value(str(value), name)) for name, value in values if value]
    return Entry("article", key or bib_key(record, set()), fields)


def write_bibtex(records: Iterable[Item], out: TextIO) -> int:
    """BibTeX entries keyed author-year (unique in the file), LaTeX's specials escaped;
    the note names the mnr record."""
    count = 0
    taken: set[str] = set()
    for item in records:
        record = item.record if isinstance(item, Found) else item
        library = bibtexparser.Library([_bib_entry(item, bib_key(record, taken))])
        out.write(bibtexparser.write_string(library))
        out.write("\n")
        count += 1
    return count


def _csl_name(author: str) -> dict[str, str]:
    """A CSL name: family and given where the name says which is which ("Smith, John",
    MEDLINE's "Smith J"), else the name as it is (an organisation)."""
    if "," in author:
        family, given = (part.strip() for part in author.split(",", 1))
        return {"family": family, "given": given} if given else {"family": family}
    family = _family(author)
    if family != author and author.startswith(family + " "):
        return {"family": family, "given": author[len(family):].strip()}
    return {"literal": author}


def csl_item(item: Item) -> dict[str, Any]:
    """A record or a work as a CSL-JSON item (Zotero, citeproc), keyed by its mnr label;
    the databases that found it in ``source``."""
    record, databases, _, note = _unpack(item)
    found: dict[str, Any] = {
        "id": record.work_label if isinstance(item, Found) else record.label,
        "type": "article-journal",
        "title": record.title, "author": [_csl_name(a) for a in record.authors] or None,
        "issued": {"date-parts": [[record.year]]} if record.year else None,
        "container-title": record.journal, "volume": record.volume, "issue": record.issue,
        "page": record.pages, "DOI": verbatim_doi(record), "PMID": record.pmid,
        "ISSN": record.issn, "ISBN": record.isbn, "abstract": record.abstract,
        "keyword": ", ".join(record.keywords) or None, "language": record.language,
        "URL": record.url, "source": "; ".join(databases), "note": note,
    }
    return {key: value for key, value in found.items() if value}


def write_csl_json(records: Iterable[Item], out: TextIO) -> int:
    """A CSL-JSON array, one item per record (or work)."""
    return _json_array(records, out, csl_item)


def _xml_text(value: str) -> str:
    """Text XML 1.0 can hold (ElementTree escapes &, < and > itself)."""
    return _XLSX_ILLEGAL.sub("", value)


def _endnote_record(item: Item, number: int) -> Any:
    """One ``<record>`` as EndNote writes it (values in ``<style>`` runs), in the order of
    EndNote's DTD."""
    from xml.etree.ElementTree import Element, SubElement

    record, databases, _, note = _unpack(item)
    element = Element("record")

    def add(parent: Any, path: str, value: Any) -> None:
        if value in (None, ""):
            return
        node = parent
        for tag in path.split("/"):
            node = SubElement(node, tag)
        style = SubElement(node, "style", face="normal", font="default", size="100%")
        style.text = _xml_text(str(value))

    SubElement(element, "source-app", name="mnr", version="1").text = "mnr"
    SubElement(element, "rec-number").text = str(number)
    SubElement(element, "ref-type", name="Journal Article").text = "17"
    if record.authors:
        authors = SubElement(SubElement(element, "contributors"), "authors")
        for author in record.authors:
            add(authors, "author", author)
    if record.title or record.journal:
        titles = SubElement(element, "titles")
        add(titles, "title", record.title)
        add(titles, "secondary-title", record.journal)
    if record.journal:
        add(element, "periodical/full-title", record.journal)
    add(element, "pages", record.pages)
    add(element, "volume", record.volume)
    add(element, "number", record.issue)
    if record.keywords:
        keywords = SubElement(element, "keywords")
        for keyword in record.keywords:
            add(keywords, "keyword", keyword)
    if record.year:
        add(element, "dates/year", record.year)
    add(element, "isbn", record.issn or record.isbn)
    add(element, "accession-num", record.pmid or record.source_id)
    add(element, "electronic-resource-num", verbatim_doi(record))
    add(element, "abstract", record.abstract)
    add(element, "notes", note)
    add(element, "remote-database-name", "; ".join(databases))
    add(element, "language", record.language)
    if record.url:
        add(element, "urls/related-urls/url", record.url)
    return element


def write_endnote_xml(records: Iterable[Item], out: TextIO) -> int:
    """EndNote XML (``<xml><records>``), which EndNote imports (File > Import > XML) and
    Zotero reads; written record by record, every value escaped by ElementTree."""
    from xml.etree.ElementTree import tostring

    out.write('<?xml version="1.0" encoding="UTF-8" ?><xml><records>')
    count = 0
    for count, item in enumerate(records, start=1):
        out.write(tostring(_endnote_record(item, count), encoding="unicode"))
    out.write("</records></xml>\n")
    return count


WRITERS: dict[str, Callable[[Iterable[Item], TextIO], int]] = {
    "csv": write_csv,
    "ris": write_ris,
    "bibtex": write_bibtex,
    "json": write_json,
    "csljson": write_csl_json,
    "endnote-xml": write_endnote_xml,
}
