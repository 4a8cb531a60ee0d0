"""The records formats read and the store keeps: the vocabulary both share.

A reader turns an export into ``ParsedRecord``s; the library stores them and
hands back ``StoredRecord``s, each with the search it came from and, once
deduplicated, its work.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class ParsedRecord:
    """One exported record: its verbatim text, every source field, and mnr's parsed fields.

    ``raw`` is the record's text as it stood in the file (after decoding and
    line-ending normalisation); ``fields`` holds every tag or column the source
    gave, under the source's own names. ``span`` says where raw stands in the
    decoded file, when the reader cut it out as it was: the library then keeps
    the span, and reads raw back from the export kept in searches/ (100,000
    records would otherwise be stored twice, hundreds of MB written on every
    import). It stores ``fields`` only where raw cannot be read on its own (a
    table row without its header), so nothing is lost either way. The remaining
    attributes are mnr's reading of the record.
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
    span: tuple[int, int] | None = None  # raw is the decoded file's text[start:end]



@dataclass(frozen=True, slots=True)
class StoredRecord:
    """A record as stored, with the search it came from."""

    record_id: int
    search_id: int
    database: str
    position: int
    locator: str
    source_id: str | None
    source_database: str | None
    title: str | None
    authors: list[str]
    year: int | None
    journal: str | None
    volume: str | None
    issue: str | None
    pages: str | None
    doi: str | None
    pmid: str | None
    issn: str | None
    isbn: str | None
    abstract: str | None
    keywords: list[str]
    language: str | None
    pub_type: str | None
    url: str | None
    cited_refs: list[str]
    work_id: int | None = None  # None until the record has been deduplicated
    raw: str | None = None
    fields: dict[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"R{self.record_id}"

    @property
    def work_label(self) -> str | None:
        return f"W{self.work_id}" if self.work_id is not None else None



def label_number(label: str, prefix: str) -> int | None:
    """12 from "W12", "w12" or "12" (prefix "W"); None if it is not such a label.

    Searches (S3), records (R12), works (W12) and log entries (E5) are shown to
    people with a letter before their number, and typed back either way.
    """
    text = label.strip().upper().removeprefix(prefix)
    return int(text) if text.isascii() and text.isdigit() else None
