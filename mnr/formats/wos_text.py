"""Web of Science plain text (also the .ciw "EndNote desktop" download and legacy ISI
Export Format files, e.g. Inspec through Web of Knowledge).

A small parser of mnr's own (see ``tagged``): rispy's WoS parser stops at tags it does
not know (``Z8``, ``ZB`` ...), and no other maintained library reads the format. The
layout: an ``FN``/``VR`` header, records from ``PT`` to ``ER``, ``EF`` at the end; a
two-character tag and a space, continuation lines indented three spaces. In ``AU``,
``AF``, ``CR`` and a few more each line is one item (an author, a cited reference);
elsewhere continuation lines are wrapped text. Unknown tags are kept in ``fields``.
Authors are the full names of ``AF`` ("Owen-Smith, Jason") when given, else ``AU``, as
for MEDLINE's FAU: full names tell people apart; both stay in ``fields``.

Truncation: a record with no ``ER`` before the end of the file (or before the next
``PT``) is reported with its line. A missing ``EF`` after complete records is
accepted, since nothing is lost.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from itertools import islice
from typing import Any

from mnr.errors import FormatError
from mnr.formats.fields import clean, clean_doi, join_pages, normalise_pages, parse_year
from mnr.formats.tagged import (
    Layout,
    blocks,
    fields_of,
    parse_block,
    stray_error,
    tagged_share,
    text_of,
    texts_of,
)
from mnr.records import ParsedRecord

NAME = "wos_text"
RAW_IS_COMPLETE = True
LABEL = "Web of Science plain text / ISI Export Format (.txt, .ciw, .isi)"

LAYOUT = Layout(tag=re.compile(r"([A-Z][A-Z0-9])(?: (.*)|\s*)$"), indent=3, column=2, sep=" ")

# One item per line in plain text; '; '-separated in tab-delimited exports.
LIST_TAGS = frozenset({"AU", "AF", "BA", "BF", "BE", "CA", "GP", "CR", "C1"})
_OUTSIDE_TAGS = frozenset({"FN", "VR", "EF"})  # header and end-of-file lines
_ER_LINE = re.compile(r"\nER[ \t]*(?=\n|\Z)")
_PT_LINE = re.compile(r"PT [A-Z]{1,2}\s*$")
_PT_CODES = {"J": "Journal", "B": "Book", "S": "Series", "P": "Patent", "C": "Conference"}
_SN = re.compile(r"\b(\d{4})-?(\d{3}[\dXx])\b")
_DATABASES = {
    "WOS": "Web of Science",
    "MEDLINE": "MEDLINE",
    "INSPEC": "Inspec",
    "BCI": "BIOSIS Citation Index",
    "CCC": "Current Contents Connect",
    "KJD": "KCI-Korean Journal Database",
    "SCIELO": "SciELO Citation Index",
    "RSCI": "Russian Science Citation Index",
    "ZOOREC": "Zoological Record",
    "DIIDW": "Derwent Innovations Index",
    "CSCD": "Chinese Science Citation Database",
    "BIOSIS": "BIOSIS Previews",
}


def sniff(text: str) -> bool:
    """An ``FN`` header line, or a file that opens with ``PT J`` and goes on in WoS's
    two-character tag layout; the file extension plays no part."""
    head = text[:6000].lstrip("\ufeff \n")
    first_line = head.split("\n", 1)[0]
    if first_line.startswith("FN ") and ("\nVR " in head or "\nPT " in head):
        return True
    return bool(_PT_LINE.match(first_line)) and tagged_share(head, LAYOUT) >= 0.9


def read(text: str) -> Iterator[ParsedRecord]:
    """Yield one record per ``PT``..``ER`` block; header and ``EF`` lines are skipped."""
    if text.startswith("\ufeff"):  # decode() strips it; be safe when called directly
        text = text[1:]
    for block_text, first_line in blocks(text, _ER_LINE, "before"):
        lines = block_text.split("\n")
        block = parse_block(lines, LAYOUT)
        if block.strays:
            index, line = block.strays[0]
            raise stray_error("Web of Science ('TI ...')", first_line + index, line)
        items = block.items
        begin = 0
        while begin < len(items) and items[begin][0] in _OUTSIDE_TAGS:
            begin += 1
        if begin == len(items):
            continue  # blank lines, the FN/VR header, EF
        tag, _, index = items[begin]
        if tag != "PT":
            raise FormatError(
                f"the '{tag}' line is outside a record (records start with a 'PT' line)",
                f"line {first_line + index}",
            )
        for later in islice(items, begin + 1, None):
            if later[0] == "PT":
                raise _no_er(
                    first_line + index, f"before the next record at line {first_line + later[2]}"
                )
        if items[-1][0] != "ER":
            raise _no_er(first_line + index, "before the end of the file")
        record = items[begin:-1]  # without the ER line
        yield build(
            "\n".join(lines[index:]),
            fields_of(record, " ", LIST_TAGS),
            f"line {first_line + index}",
        )


def _no_er(line: int, where: str) -> FormatError:
    return FormatError(
        f"this record has no 'ER' end line {where}; the file looks truncated - export it again",
        f"line {line}",
    )


def _database(source_id: str | None) -> str:
    """The database named by the UT prefix ("WOS:", "MEDLINE:", "INSPEC:")."""
    prefix = source_id.split(":", 1)[0].upper() if source_id and ":" in source_id else "WOS"
    return _DATABASES.get(prefix, prefix)


def _issn(*values: Any) -> str | None:
    for value in values:
        match = _SN.search(text_of(value) or "")
        if match:
            return f"{match.group(1)}-{match.group(2).upper()}"
    return None


def _pages(get: Callable[[str], Any]) -> str | None:
    """BP-EP, or the article number (AR). Inspec's article-style BP ("41103-1") is kept
    alone rather than joined with its odd EP ("41103-41103-3")."""
    begin = text_of(get("BP"))
    if begin and "-" in begin:
        return begin
    return normalise_pages(join_pages(begin, get("EP"))) or text_of(get("AR"))


def build(raw: str, fields: dict[str, Any], locator: str) -> ParsedRecord:
    """Map WoS tags (plain-text fields or tab-delimited columns) to mnr's fields.

    Shared with ``wos_tab``: the tags in LIST_TAGS arrive as lists of lines from plain
    text and as '; '-separated strings from tab-delimited files.
    """
    get = fields.get

    def items(tag: str, separator: str = ";") -> list[str]:
        value = get(tag)
        if isinstance(value, list):  # plain-text lines, stripped; rarely with double spaces
            return [item if "  " not in item else clean(item) or "" for item in value if item]
        return texts_of(value, separator)

    authors = items("AF") or items("AU") or items("CA") or items("GP")
    if not authors:
        authors = items("BF") or items("BA")
    source_id = text_of(get("UT"))
    database = _database(source_id)
    inspec = database == "Inspec"  # Inspec's ID holds identifiers (with the DOI), not keywords
    keywords = texts_of(get("DE"), ";") + ([] if inspec else texts_of(get("ID"), ";"))
    doi = clean_doi(get("DI")) or (clean_doi(get("ID")) if inspec else None)
    pub_type = text_of(get("DT"))
    if pub_type is None:
        code = text_of(get("PT"))
        pub_type = _PT_CODES.get(code, code) if code else None
    return ParsedRecord(
        raw=raw,
        fields=fields,
        locator=locator,
        title=text_of(get("TI")),
        authors=list(dict.fromkeys(authors)),
        year=parse_year(get("PY")) or parse_year(get("PD")) or parse_year(get("EA")),
        journal=text_of(get("SO")),
        volume=text_of(get("VL")),
        issue=text_of(get("IS")),
        pages=_pages(get),
        doi=doi,
        pmid=text_of(get("PM")),
        issn=_issn(get("SN"), get("EI")),
        isbn=text_of(get("BN")),
        abstract=text_of(get("AB")),
        keywords=list(dict.fromkeys(keywords)),
        language=text_of(get("LA")),
        pub_type=pub_type,
        source_id=source_id,
        source_database=database,
        cited_refs=items("CR", "; "),
    )
