"""Ovid labelled display text: the field-label layout Ovid saves when a citation is
displayed or printed rather than exported for a citation manager (journals@Ovid here).

A small parser of mnr's own (see ``tagged``); no maintained Python library reads this.
Each record opens with a marker line ``<8>``; field labels stand alone on a line
("Accession Number", "Author", "Source", "References" ...) and their values follow
indented (two spaces), with blank lines inside long values. ``Source`` is a free-text
citation ("Ecohydrology. 8(6):1048-1064, September 2015.") parsed into journal, volume,
issue, pages and year. ``References`` is the cited-reference list: one reference per
blank-line-separated paragraph, or per line when there are no blank lines.

Truncation: a file that ends on a bare marker or on a label with no value is cut;
otherwise, as with ``ovid_tagged``, only a last record lacking the label that ends
every earlier record (at least two of them) is noticed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from mnr.errors import FormatError
from mnr.formats.fields import clean_doi, parse_year
from mnr.formats.ovid_tagged import marked_entries, parse_source
from mnr.formats.tagged import EndTags, Entry, Layout, fields_of, text_of
from mnr.records import ParsedRecord

NAME = "ovid_labelled"
RAW_IS_COMPLETE = True
LABEL = "Ovid labelled display text (<1> markers, 'Title' / 'Source' labels)"

LAYOUT = Layout(tag=re.compile(r"(\S.*?)()[ \t]*$"), indent=2, blank_continues=True)
_SNIFF = re.compile(r"^<\d+\.?[ \t]*>[ \t]*\n(?:[ \t]*\n)*[A-Z][^\n]{0,60}\n[ \t]+\S", re.MULTILINE)
_AUTHOR_MARK = re.compile(r"\s+(?:\d+(?:,\s*\d+)*|[*+#\u2020\u2021\u00a7]+)$")  # "Kohler, Lars 1"
_DOC_TYPE = re.compile(r"(?<=\.)\s*\[[A-Z][A-Za-z ,-]{0,40}\]$")  # "...Germany.[Article]"
_ISSN = re.compile(r"\b(\d{4})-?(\d{3}[\dXx])\b")

_IDS = ("Accession Number", "Unique Identifier", "UI", "Accession")
_AUTHORS = ("Authors Full Name", "Author", "Authors", "Author Name")
_KEYWORDS = (
    "Author Keywords",
    "Keywords",
    "Keyword Heading",
    "MeSH Subject Headings",
    "Subject Headings",
    "Major Subject Headings",
    "Minor Subject Headings",
)


def sniff(text: str) -> bool:
    """A record marker (``<8>``) followed by a label line and an indented value line."""
    return bool(_SNIFF.search(text[:6000]))


def read(text: str) -> Iterator[ParsedRecord]:
    """Yield one record per ``<N>`` block; text before the first marker is skipped."""
    ends = EndTags(min_before=2)
    for entry, last in marked_entries(text, LAYOUT, "'<1>'"):
        if last:
            _check_final(entry)
            ends.check_final(entry, "label")
        else:
            ends.add(entry)
        yield _record(entry)


def _check_final(entry: Entry) -> None:
    """A last record that is only a marker, or ends on a label with no value, was cut."""
    if not entry.items:
        raise FormatError(
            "the last record marker has nothing after it; the file looks truncated - "
            "export it again",
            f"line {entry.line}",
        )
    tag, values, index = entry.items[-1]
    if not values:
        raise FormatError(
            f"the file ends on the label '{tag}' with no value after it; the file looks "
            "truncated - export it again",
            f"line {entry.line + index}",
        )


def _first(fields: dict[str, Any], labels: tuple[str, ...]) -> str | None:
    for label in labels:
        value = fields.get(label)
        if value:
            return value if isinstance(value, str) else "\n".join(value)
    return None


def _split(value: str | None, separator: str = ";") -> list[str]:
    """Items of a '; '- or line-separated value, without the final period."""
    if not value:
        return []
    out = []
    for line in value.split("\n"):
        for part in line.split(separator):
            item = text_of(part.strip().rstrip("."))
            if item:
                out.append(item)
    return out


def _references(value: str | None) -> list[str]:
    """Blank-line-separated paragraphs, or one reference per line when there are none."""
    if not value:
        return []
    parts = value.split("\n\n") if "\n\n" in value else value.split("\n")
    return [ref for ref in (text_of(part) for part in parts) if ref]


def _record(entry: Entry) -> ParsedRecord:
    """Map Ovid labels to mnr's fields; every label stays in ``fields``."""
    fields = fields_of(entry.items, "\n")
    get = fields.get
    source = parse_source(text_of(get("Source")))
    title = text_of(get("Title"))
    if title:
        title = _DOC_TYPE.sub("", title) or title
    authors = [_AUTHOR_MARK.sub("", name) for name in _split(_first(fields, _AUTHORS))]
    keywords = [kw.lstrip("*").strip() for kw in _split(_first(fields, _KEYWORDS))]
    issn_match = _ISSN.search(text_of(get("ISSN")) or "")
    source_id = text_of(_first(fields, _IDS))
    language = text_of(get("Language"))
    pub_type = text_of(get("Document Type") or get("Publication Type"))
    return ParsedRecord(
        raw=entry.raw,
        fields=fields,
        locator=f"line {entry.line}",
        title=title,
        authors=list(dict.fromkeys(name for name in authors if name)),
        year=parse_year(get("Year of Publication")) or source.get("year"),
        journal=text_of(get("Journal Name")) or source.get("journal"),
        volume=text_of(get("Volume")) or source.get("volume"),
        issue=text_of(get("Issue")) or source.get("issue"),
        pages=text_of(get("Pages")) or source.get("pages"),
        doi=clean_doi(_first(fields, ("DOI Number", "Digital Object Identifier", "DOI"))),
        pmid=text_of(get("PubMed ID") or get("PMID")),
        issn=f"{issn_match.group(1)}-{issn_match.group(2).upper()}" if issn_match else None,
        isbn=text_of(get("ISBN")),
        abstract=text_of(get("Abstract")),
        keywords=list(dict.fromkeys(kw for kw in keywords if kw)),
        language=language.rstrip(".") if language else None,
        pub_type=pub_type.rstrip(".") if pub_type else None,
        url=text_of(get("Link to the Ovid Full Text or citation") or get("URL")),
        source_id=source_id.rstrip(".") if source_id else None,
        source_database=text_of(get("Database")),
        cited_refs=_references(get("References")),
    )
