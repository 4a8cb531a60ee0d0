"""The record every reader produces, and the small interface a reader implements."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(slots=True)
class ParsedRecord:
    """One exported record: its verbatim text, every source field, and mnr's parsed fields.

    ``raw`` is the record's text as it stood in the file (after decoding and
    line-ending normalisation); ``fields`` holds every tag or column the source
    gave, under the source's own names. The library always stores ``raw``, and
    ``fields`` only where raw cannot be read on its own (a table row without
    its header), so nothing is lost either way. The remaining attributes are
    mnr's reading of the record.
    """

    raw: str
    fields: dict[str, Any]
    locator: str  # where the record starts: "line 12", "row 4", "entry smith2001"
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    year: int | None = None
    journal: str | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    doi: str | None = None
    pmid: str | None = None
    issn: str | None = None
    isbn: str | None = None
    abstract: str | None = None
    keywords: list[str] = field(default_factory=list)
    language: str | None = None
    pub_type: str | None = None
    url: str | None = None
    source_id: str | None = None  # the record's id in its source: accession no., PMID, UT, EID
    source_database: str | None = None  # the database the record itself names (e.g. DB tag)
    cited_refs: list[str] = field(default_factory=list)  # cited references, raw strings


class Reader(Protocol):
    """What a format module provides (as module-level names)."""

    NAME: str  # short name used with --format, e.g. "ris"
    LABEL: str  # for people, e.g. "RIS (rispy; Ovid, EBSCO, Scopus, ... flavours)"
    # Whether a record's raw text can be read on its own. False for tables, whose rows
    # need the header: then the library also stores each record's field map.
    RAW_IS_COMPLETE: bool

    def sniff(self, text: str) -> bool:
        """True when ``text`` (decoded, LF line endings) looks like this format."""
        ...

    def read(self, text: str) -> Iterator[ParsedRecord]:
        """Yield the records of ``text`` in file order; raise FormatError on bad input."""
        ...

    # Optional: ``count_records(text) -> int``, a cheap count for progress bars.
