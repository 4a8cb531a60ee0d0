"""The small interface a reader implements (the records it yields are in ``mnr.records``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from mnr.records import ParsedRecord


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
