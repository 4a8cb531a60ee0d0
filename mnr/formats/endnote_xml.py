"""EndNote XML reader (``<xml><records><record>...``), parsed safely with defusedxml.

EndNote wraps most values in ``<style face=... font=... size=...>`` runs (several
runs when part of a title is italic); a value is the concatenated text of its runs.
defusedxml refuses entity declarations and external entities, so a hostile file
(billion laughs, ``SYSTEM "file:///etc/passwd"``) is an error instead of a hang,
a memory blow-up or a file read. Real EndNote writes the whole file on one line,
so records are located by number ("record 3"), not by line.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import Any

import defusedxml
import defusedxml.ElementTree as DefusedET

from mnr.errors import FormatError
from mnr.formats.fields import clean, clean_doi, normalise_pages, parse_year
from mnr.records import ParsedRecord

NAME = "endnote_xml"
RAW_IS_COMPLETE = True
LABEL = "EndNote XML (<xml><records><record>)"

_SNIFF = re.compile(r"<xml\b[^>]*>\s*<records\b", re.IGNORECASE)
_SNIFF_LIMIT = 16_384
_ISSN = re.compile(r"^\d{4}-?\d{3}[\dXx]$")
_MAX_DEPTH = 100


def sniff(text: str) -> bool:
    """True when an ``<xml>`` root opens a ``<records>`` list near the start of the text."""
    head = text[:_SNIFF_LIMIT].lstrip()
    return head.startswith("<") and _SNIFF.search(head) is not None


def read(text: str) -> Iterator[ParsedRecord]:
    """Yield one record per ``<record>`` element, in file order.

    The file is parsed incrementally and each record element is freed once read,
    so a library of tens of thousands of records never exists as one big tree;
    records are yielded only after the whole file parsed (all or nothing).
    """
    yield from _read_all(text)


def _read_all(text: str) -> list[ParsedRecord]:
    out: list[ParsedRecord] = []
    path: list[str] = []
    records_element: ET.Element | None = None
    try:
        for event, element in DefusedET.iterparse(io.StringIO(text), events=("start", "end")):
            if event == "start":
                if not path and element.tag != "xml":
                    raise FormatError(
                        f"this is XML but not an EndNote XML export (root <{element.tag}>, "
                        "expected <xml><records>); export from EndNote as 'XML'",
                        locator="line 1",
                    )
                path.append(element.tag)
                if len(path) > _MAX_DEPTH:  # EndNote nests 6 deep; reading 200,000 recurses
                    raise FormatError(
                        f"elements are nested more than {_MAX_DEPTH} deep here (EndNote "
                        "nests a handful); the file is not an EndNote export or is damaged",
                        locator=f"record {len(out) + 1}",
                    )
                if path == ["xml", "records"]:
                    records_element = element
                continue
            path.pop()
            if element.tag == "record" and path == ["xml", "records"]:
                out.append(_record(element, len(out) + 1))
                if records_element is not None:
                    records_element.remove(element)  # free the record's subtree
    except defusedxml.DefusedXmlException as exc:
        raise FormatError(
            "the XML uses entity declarations or external references, which mnr refuses "
            f"for safety ({type(exc).__name__}); EndNote never writes them, so this file "
            "was made or changed by something else",
        ) from None
    except ET.ParseError as exc:
        line, column = exc.position
        raise FormatError(
            f"the XML is broken or cut short ({exc}); re-export the file from EndNote",
            locator=f"line {line}, column {column + 1}",
        ) from None
    if records_element is None:
        raise FormatError(
            "this XML has no <records> element, so it is not an EndNote XML export",
            locator="line 1",
        )
    if not out:
        raise FormatError("no records: the EndNote XML file has an empty <records> list")
    return out


def _text(element: ET.Element | None) -> str | None:
    """The value of an element: its <style> runs joined (no indentation between runs)."""
    if element is None:
        return None
    styles = element.findall("style")
    if styles:
        return clean("".join("".join(style.itertext()) for style in styles))
    return clean("".join(element.itertext()))


def _texts(record: ET.Element, path: str) -> list[str]:
    """The non-empty values of every element at ``path`` (authors, keywords, URLs)."""
    out = []
    for element in record.findall(path):
        value = _text(element)
        if value:
            out.append(value)
    return out


def _add(fields: dict[str, Any], key: str, value: str) -> None:
    """Set a field; a repeated one becomes a list of its values."""
    if key not in fields:
        fields[key] = value
    elif isinstance(fields[key], list):
        fields[key].append(value)
    else:
        fields[key] = [fields[key], value]


def _flatten(element: ET.Element, prefix: str, fields: dict[str, Any]) -> None:
    """Element paths to text ('titles/title'), attributes as 'path@name', lists for repeats."""
    for child in element:
        if not isinstance(child.tag, str):  # comments, processing instructions
            continue
        path = f"{prefix}/{child.tag}" if prefix else child.tag
        for name, attribute in child.attrib.items():
            _add(fields, f"{path}@{name}", attribute)
        if any(isinstance(sub.tag, str) and sub.tag != "style" for sub in child):
            _flatten(child, path, fields)
        else:
            value = _text(child)
            if value is not None:
                _add(fields, path, value)


def _record(record: ET.Element, number: int) -> ParsedRecord:
    """Map one ``<record>`` element onto a ParsedRecord; every element is kept in ``fields``."""
    fields: dict[str, Any] = {}
    _flatten(record, "", fields)
    issn, isbn = _issn_isbn(_first(record, "isbn"))
    accession = _first(record, "accession-num")
    return ParsedRecord(
        raw=_verbatim(record),
        fields=fields,
        locator=f"record {number}",
        title=_first(record, "titles/title", "title"),
        authors=_texts(record, "contributors/authors/author"),
        year=parse_year(_first(record, "dates/year", "year")),
        journal=_first(
            record,
            "titles/secondary-title",
            "periodical/full-title",
            "alt-periodical/full-title",
            "periodical/abbr-1",
        ),
        volume=_first(record, "volume"),
        issue=_first(record, "number", "issue"),
        pages=normalise_pages(_first(record, "pages")),
        doi=clean_doi(_first(record, "electronic-resource-num")),
        pmid=_pmid(record, accession),
        issn=issn,
        isbn=isbn,
        abstract=_first(record, "abstract"),
        keywords=_texts(record, "keywords/keyword"),
        language=_first(record, "language"),
        pub_type=_pub_type(record),
        url=_url(record),
        source_id=accession or _first(record, "rec-number"),
        # <database name="My Library.enl"> names the user's EndNote file, not a searched
        # database, so only the remote-database elements count.
        source_database=_first(record, "remote-database-name", "remote-database-provider"),
    )


def _first(record: ET.Element, *paths: str) -> str | None:
    """The value at the first of ``paths`` that has one (EndNote versions name some
    elements differently)."""
    for path in paths:
        value = _text(record.find(path))
        if value:
            return value
    return None


def _verbatim(record: ET.Element) -> str:
    """The record's XML, without the whitespace that follows it in the file."""
    tail, record.tail = record.tail, None
    raw = ET.tostring(record, encoding="unicode")
    record.tail = tail
    return raw


def _issn_isbn(value: str | None) -> tuple[str | None, str | None]:
    """EndNote keeps ISSN and ISBN in one element: the value as one or the other, by its shape."""
    if not value:
        return None, None
    if _ISSN.match(value.split()[0].rstrip(";,")):
        return value, None
    return None, value


def _pmid(record: ET.Element, accession: str | None) -> str | None:
    """The accession number, when it is numeric and the remote database is PubMed/MEDLINE."""
    provider = (f"{_first(record, 'remote-database-name') or ''} "
                f"{_first(record, 'remote-database-provider') or ''}")
    if accession and accession.isdigit() and re.search(r"pubmed|nlm|medline", provider, re.I):
        return accession
    return None


def _pub_type(record: ET.Element) -> str | None:
    """The reference type's name ("Journal Article"), or else its number."""
    ref_type = record.find("ref-type")
    if ref_type is None:
        return None
    return clean(ref_type.get("name")) or _text(ref_type)


def _url(record: ET.Element) -> str | None:
    """The first web link (http or https), or else the first URL of any kind (a file path)."""
    urls = _texts(record, "urls/related-urls/url") + _texts(record, "urls/web-urls/url")
    web = [u for u in urls if u.lower().startswith(("http://", "https://"))]
    return (web or urls)[0] if urls else None
