"""MEDLINE/PubMed tagged text (.nbib, .txt) and ERIC's NBIB variant.

A small parser of mnr's own (see ``tagged``): no maintained library reads these files
with repeated tags, FAU/AU pairs and unknown tags intact. The layout is a tag padded
to four characters and ``- `` ("PMID- ", "AU  - "), values wrapped onto lines
indented six spaces, and a blank line between records. ERIC writes the same tags
with its own twists: no PMID, ``OWN - ERIC``, the ERIC id in ``OID``, a four-letter
``ISSN - `` tag and a source line such as ``v10 n1 p1-10 2000``.

Authors: the full names of ``FAU`` ("Neilen, Amanda D") are used, each standing in for
the ``AU`` line that follows it ("Neilen AD"); an ``AU`` without a ``FAU`` (records
before 2002 have none) is kept as it is. Full names tell people apart better and match
the "Last, First" form of the other formats; both tags stay in ``fields``.

A blank line inside a record (a hand edit, a mail client) does not cut it in two: a block
that does not open with the tag every record opens with (``PMID``) belongs to the record
before it.

Truncation: MEDLINE has no end-of-record line, so a cut file is only noticed when the
last record lacks the ``SO`` line that PubMed writes last in every other record.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from mnr.formats.fields import clean_doi, normalise_pages, parse_year
from mnr.formats.tagged import (
    Block,
    EndTags,
    Entry,
    Layout,
    blocks,
    entry_of,
    parse_block,
    stray_error,
    tagged_share,
    text_of,
    texts_of,
)
from mnr.records import ParsedRecord

NAME = "medline"
RAW_IS_COMPLETE = True
LABEL = "MEDLINE/PubMed tagged text (.nbib, .txt; also ERIC's NBIB)"

# "PMID- 123", "AU  - Smith J", ERIC's "ISSN - ISSN-1234-4567"; a value may be empty.
LAYOUT = Layout(
    tag=re.compile(r"([A-Z][A-Z0-9]{1,3}) {0,3}-(?: (.*)|\s*)$"),
    indent=6,
    column=4,
    sep="- ",
    loose=True,
)
# A record a blank line cut in two is read with the blank lines as part of its values.
_JOINED = replace(LAYOUT, blank_continues=True)
_KEY_TAG = re.compile(r"^(?:PMID|OWN |STAT|FAU |DCOM|EDAT|CRDT)- ", re.MULTILINE)
_BLANK_LINES = re.compile(r"\n(?:[ \t]*\n)+")
_RIS_TAG = re.compile(r"^TY  - ", re.MULTILINE)
_ISSN = re.compile(r"\b(\d{4})-?(\d{3}[\dXx])\b")
_ERIC_SO = re.compile(r"(?:^|\s)([vnp])(\S+)")
_SUFFIX = re.compile(r"\s*\[([a-z-]+)\]$")  # "10.1000/x [doi]", "S0048-9697(17)30912-9 [pii]"


def sniff(text: str) -> bool:
    """Tagged lines in MEDLINE's layout with a MEDLINE-only tag (PMID, OWN, FAU ...) and
    no RIS ``TY  - `` line near the start."""
    head = text[:6000]
    if not _KEY_TAG.search(head) or _RIS_TAG.search(head):
        return False
    return tagged_share(head, LAYOUT) >= 0.9


def read(text: str) -> Iterator[ParsedRecord]:
    """Yield one record per blank-line-separated block (or per ``PMID`` line), in order."""
    ends = EndTags(closing={"SO"})
    held: Entry | None = None  # a finished record, held until we know it is not the last
    for lines, first_line, joined in _record_blocks(text):
        block = parse_block(lines, _JOINED if joined else LAYOUT)
        if block.strays:
            index, line = block.strays[0]
            raise stray_error("MEDLINE ('AU  - ...')", first_line + index, line)
        for entry in _split_on_pmid(lines, block, first_line):
            if held is not None:
                ends.add(held)
                yield _record(held)
            held = entry
    if held is not None:
        ends.check_final(held, "line")
        yield _record(held)


def _record_blocks(text: str) -> Iterator[tuple[list[str], int, bool]]:
    """The blank-line-separated blocks as (lines, first line, joined), a block that does
    not open with the tag every record opens with (``PMID``) joined to the one before: a
    blank line inside a record (an edit, a mail client) does not cut it in two."""
    start_tag: str | None = None
    pending: list[str] = []
    pending_line = 0
    joined = False
    for block_text, first_line in blocks(text, _BLANK_LINES, "none"):
        lines = block_text.split("\n")
        match = LAYOUT.tag.match(lines[0])
        tag = match.group(1) if match else None
        if start_tag is None:
            start_tag = tag
        if pending and (tag != start_tag if tag else lines[0][:1] in (" ", "\t")):
            gap = first_line - pending_line - len(pending)
            pending = [*pending, *[""] * gap, *lines]
            joined = True
            continue
        if pending:
            yield pending, pending_line, joined
        pending, pending_line, joined = lines, first_line, False
    if pending:
        yield pending, pending_line, joined


def _split_on_pmid(lines: list[str], block: Block, first_line: int) -> list[Entry]:
    """The block's records: normally one, more when records follow with no blank line."""
    items = block.items
    if not items:
        return []
    cuts = [n for n, item in enumerate(items) if item[0] == "PMID" and n > 0]
    if not cuts:
        return [entry_of(lines, items, first_line, block.last)]
    out = []
    for begin, stop in zip([0, *cuts], [*cuts, len(items)], strict=True):
        end = items[stop][2] - 1 if stop < len(items) else block.last
        out.append(entry_of(lines, items[begin:stop], first_line, end))
    return out


def _authors(entry: Entry) -> list[str]:
    """FAU full names, each replacing the AU after it; lone AU and CN (collective) kept."""
    names: list[str] = []
    paired = False
    for tag, lines, _ in entry.items:
        if tag == "FAU":
            name = text_of(" ".join(lines))
            if name:
                names.append(name)
                paired = True
        elif tag == "AU":
            if not paired:
                name = text_of(" ".join(lines))
                if name:
                    names.append(name)
            paired = False
        elif tag == "CN":
            name = text_of(" ".join(lines))
            if name:
                names.append(name)
    return list(dict.fromkeys(names))


def _ids(values: list[str]) -> tuple[str | None, str | None]:
    """The DOI and a web address among LID/AID values ("10.1/x [doi]", ERIC URLs)."""
    doi = url = None
    for value in values:
        match = _SUFFIX.search(value)
        kind = match.group(1) if match else None
        bare = value[: match.start()] if match else value
        if doi is None and kind in (None, "doi"):
            doi = clean_doi(bare)
        if url is None and kind is None and bare.startswith(("http://", "https://")):
            if clean_doi(bare) is None:
                url = bare
    return doi, url


def _issn(values: list[str]) -> str | None:
    """Print ISSN first, then the linking one, then any ("2277-9175 (Electronic)")."""

    def rank(value: str) -> int:
        return 0 if "(Print)" in value else 1 if "(Linking)" in value else 2

    for value in sorted(values, key=rank):
        match = _ISSN.search(value)
        if match:
            return f"{match.group(1)}-{match.group(2).upper()}"
    return None


def _eric_source(source: str | None) -> dict[str, str]:
    """Volume, issue and pages from ERIC's "v10 n1 p1-10 2000"."""
    parts: dict[str, str] = {}
    for letter, value in _ERIC_SO.findall(source or ""):
        parts.setdefault(letter, value)
    return parts


def _database(fields: dict[str, Any]) -> str | None:
    owner = (text_of(fields.get("OWN")) or "").upper()
    if owner == "ERIC":
        return "ERIC"
    status = text_of(fields.get("STAT"))
    if status == "MEDLINE":
        return "MEDLINE"
    if fields.get("PMID") or owner:
        return "PubMed"
    return None


def _record(entry: Entry) -> ParsedRecord:
    """Map MEDLINE tags to mnr's fields; every tag stays in ``fields``."""
    fields = entry.fields()
    get = fields.get
    eric = (text_of(get("OWN")) or "").upper() == "ERIC"
    ids = texts_of(get("LID")) + texts_of(get("AID"))
    doi, url = _ids(ids)
    so = _eric_source(text_of(get("SO"))) if eric else {}
    pages = normalise_pages(get("PG")) or normalise_pages(so.get("p"))
    isbn = text_of(get("ISBN"))
    keywords = [kw.lstrip("*").strip() for kw in texts_of(get("OT")) + texts_of(get("MH"))]
    pmid = text_of(get("PMID"))
    return ParsedRecord(
        raw=entry.raw,
        fields=fields,
        locator=f"line {entry.line}",
        title=text_of(get("TI")) or text_of(get("BTI")),
        authors=_authors(entry),
        year=parse_year(get("DP")) or parse_year(get("DEP")) or parse_year(get("SO")),
        journal=text_of(get("JT")) or text_of(get("TA")),
        volume=text_of(get("VI")) or so.get("v"),
        issue=text_of(get("IP")) or so.get("n"),
        pages=pages,
        doi=doi,
        pmid=pmid,
        issn=_issn(texts_of(get("IS")) + texts_of(get("ISSN"))),
        isbn=text_of(isbn.removeprefix("ISBN")) if isbn else None,
        abstract=text_of(get("AB")),
        keywords=list(dict.fromkeys(kw for kw in keywords if kw)),
        language=text_of(get("LA")),
        pub_type=text_of(get("PT")),
        url=url,
        source_id=text_of(get("OID")) if eric else pmid,
        source_database=_database(fields),
    )
