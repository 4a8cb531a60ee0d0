"""Ovid field-tagged "Complete Reference" export (the EndNote/Citavi direct export, often
saved by the browser as .cgi or .ovd).

A small parser of mnr's own (see ``tagged``): the tags look like RIS (``TI  - ``) but
there is no ``TY``/``ER``, so RIS readers lose or merge records. Each record opens with
a marker line ``<3001. >``; wrapped values continue on lines indented six spaces (one
affiliation per line in ``IN``), and abstracts continue on unindented lines (one per
paragraph). ``CR  - `` is the copyright line here, not cited references, so
``cited_refs`` stays empty. ``MH`` terms marked ``*`` are major topics; the marker is
dropped in ``keywords`` and kept in ``fields``.

Truncation: no end-of-record line exists, so a cut file is only noticed when the file
ends on a bare record marker, or when at least two earlier records all end with the
same tag (Embase: ``CR``) and the last record has no such tag.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from mnr.errors import FormatError
from mnr.formats.fields import clean_doi, normalise_pages, parse_year
from mnr.formats.tagged import (
    EndTags,
    Entry,
    Layout,
    blocks,
    fields_of,
    parse_block,
    text_of,
    texts_of,
)
from mnr.records import ParsedRecord

NAME = "ovid_tagged"
RAW_IS_COMPLETE = True
LABEL = "Ovid field-tagged 'Complete Reference' export (<1. > markers, 'TI  - ' tags)"

LAYOUT = Layout(
    tag=re.compile(r"([A-Z][A-Z0-9])  -(?: (.*)|\s*)$"),
    indent=6,
    column=2,
    sep="  - ",
    loose=True,
)
MARKER = re.compile(r"\n<\d+\.?[ \t]*>[ \t]*(?=\n|\Z)")
_START = re.compile(r"^<\d+\.?[ \t]*>[ \t]*$")
_SNIFF = re.compile(r"^<\d+\.?[ \t]*>[ \t]*\n(?:[ \t]*\n)*[A-Z][A-Z0-9]  - ", re.MULTILINE)
_VENDOR = re.compile(r"^VN  - Ovid", re.MULTILINE)
_RIS_TAG = re.compile(r"^TY  - ", re.MULTILINE)
_COVERAGE = re.compile(r"\s*<[^<>]*>$")  # "Ovid MEDLINE(R) <1946 to Present>"
_ISSN = re.compile(r"\b(\d{4})-?(\d{3}[\dXx])\b")
# Embase: "Journal. 12 (Supplement 3) (pp 1-9), 2018. Date of Publication: ..."
_EMBASE_SO = re.compile(
    r"^(?P<journal>.+)\.\s+(?P<volume>[^\s().,:]+)\s*"
    r"(?:\((?P<issue>(?:[^()]|\([^()]*\))*)\)\s*)?\((?P<pages>[^()]*)\),\s*(?P<date>\d{4}.*)$"
)
# Ovid MEDLINE and journals@Ovid: "Ecohydrology. 8(6):1048-1064, September 2015."
_CITATION_SO = re.compile(
    r"^(?P<journal>.+?)\.\s+(?P<volume>[^\s():,]+)?\s*(?:\((?P<issue>[^()]*)\))?\s*"
    r"(?::\s*(?P<pages>[^,]+))?,\s*(?P<date>.+?)\.?$"
)


def sniff(text: str) -> bool:
    """A record marker (``<12. >``) followed by an Ovid tag line, or an ``VN  - Ovid`` line;
    never a file with a RIS ``TY  - `` line."""
    head = text[:6000]
    if _RIS_TAG.search(head):
        return False
    return bool(_SNIFF.search(head) or _VENDOR.search(head))


def parse_source(source: str | None) -> dict[str, Any]:
    """Journal, volume, issue, pages and year from an Ovid source line (Embase's
    "Journal. 12 (3) (pp 1-9), 2018." or the "Journal. 12(3):1-9, 2018 Mar." form)."""
    if not source:
        return {}
    source = " ".join(source.split())
    match = _EMBASE_SO.match(source) or _CITATION_SO.match(source)
    if match is None:
        return {"journal": source.rstrip(". ") or None, "year": parse_year(source)}
    parts = match.groupdict()
    journal = parts["journal"].split(". Conference:")[0].strip()  # Embase conference abstracts
    pages = (parts["pages"] or "").strip().removeprefix("pp").strip()
    if pages.lower() in ("", "no pagination"):
        pages = ""
    return {
        "journal": journal or None,
        "volume": parts["volume"],
        "issue": (parts["issue"] or "").strip() or None,
        "pages": normalise_pages(pages),
        "year": parse_year(parts["date"]),
    }


def read(text: str) -> Iterator[ParsedRecord]:
    """Yield one record per ``<N. >`` block; text before the first marker (a search
    strategy, say) is skipped."""
    ends = EndTags(min_before=2)
    for entry, last in marked_entries(text, LAYOUT, "'<1. >'"):
        if not last:
            ends.add(entry)
        elif not entry.items:
            raise FormatError(
                "the last record marker has nothing after it; the file looks truncated - "
                "export it again",
                f"line {entry.line}",
            )
        else:
            ends.check_final(entry, "line")
        yield _record(entry)


def marked_entries(text: str, layout: Layout, example: str) -> Iterator[tuple[Entry, bool]]:
    """The records of an Ovid export, each opened by a marker line ('<1>', '<1. >'), with
    whether it is the last; text before the first marker (a search strategy) is skipped."""
    held: Entry | None = None
    opening: str | None = None  # the tag every record opens with (VN), in tagged layouts
    orphan: FormatError | None = None  # fields before the first marker (raised if one comes)
    for block_text, first_line in blocks(text, MARKER, "after"):
        lines = block_text.split("\n")
        if not _START.match(lines[0]):
            if layout.column:  # before the first marker: a search strategy, not fields
                orphan = _orphan_fields(lines, layout, first_line, example)
            continue
        if orphan is not None:
            raise orphan
        block = parse_block(lines, layout, 1)
        if layout.column and block.items:
            opening = opening or block.items[0][0]
            again = next((item for item in block.items[1:] if item[0] == opening), None)
            if again is not None:  # two records in one block: the marker between is damaged
                raise FormatError(
                    f"a second record starts here ('{opening}  - ') without a marker line "
                    f"like {example} before it; the file is damaged or was edited - "
                    "export it again", f"line {first_line + again[2]}")
        if held is not None:
            yield held, False
        held = Entry(block.items, "\n".join(lines[: max(block.last, 0) + 1]), first_line)
    if held is None:
        if text.strip():
            raise no_marker(example)
        return
    yield held, True


def _orphan_fields(lines: list[str], layout: Layout, first_line: int,
                   example: str) -> FormatError | None:
    """Tagged fields before the first marker are a record whose marker is damaged: the
    error that refuses them, rather than skip a record as if it were a search strategy."""
    tagged = [n for n, line in enumerate(lines) if layout.tag.match(line)]
    if len(tagged) < 2:
        return None
    return FormatError(
        f"these lines hold a record's fields, but no marker line like {example} opens "
        "the record; the file is damaged or was edited - export it again",
        f"line {first_line + tagged[0]}")


def no_marker(example: str) -> FormatError:
    """The error for a file in which no line opens an Ovid record."""
    return FormatError(
        f"no line like {example} opens a record, so this is not an Ovid export in this "
        "layout (Ovid RIS exports are read as RIS)",
        "line 1",
    )


def _record(entry: Entry) -> ParsedRecord:
    """Map Ovid tags to mnr's fields; every tag stays in ``fields``."""
    fields = fields_of(entry.items, "\n")
    get = fields.get
    source = parse_source(text_of(get("SO")))
    database = text_of(get("DB"))
    database = _COVERAGE.sub("", database) if database else None
    accession = text_of(get("UI")) or text_of(get("AN"))
    pmid = text_of(get("PM"))
    if pmid is None and database and "medline" in database.lower():
        pmid = accession  # Ovid MEDLINE's unique identifier is the PMID
    keywords = [kw.lstrip("*").strip() for kw in texts_of(get("KW")) + texts_of(get("MH"))]
    issn = None
    for value in texts_of(get("IS")):
        match = _ISSN.search(value)
        if match:
            issn = f"{match.group(1)}-{match.group(2).upper()}"
            break
    return ParsedRecord(
        raw=entry.raw,
        fields=fields,
        locator=f"line {entry.line}",
        title=text_of(get("TI")),
        authors=list(dict.fromkeys(texts_of(get("AU")))),
        year=parse_year(get("YR")) or source.get("year") or parse_year(get("DP")),
        journal=text_of(get("JN")) or source.get("journal"),
        volume=text_of(get("VO")) or source.get("volume"),
        issue=text_of(get("IP")) or source.get("issue"),
        pages=normalise_pages(get("PG")) or source.get("pages"),
        doi=clean_doi(get("DO")),
        pmid=pmid,
        issn=issn,
        isbn=text_of(get("IB")),
        abstract=text_of(get("AB")),
        keywords=list(dict.fromkeys(kw for kw in keywords if kw)),
        language=text_of(get("LG")),
        pub_type=text_of(get("PT")),
        url=text_of(get("UR")),
        source_id=accession,
        source_database=database,
    )
