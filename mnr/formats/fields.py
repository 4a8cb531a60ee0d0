"""Small normalisers every reader shares: years, DOIs, pages, whitespace, lists.

Kept here so that each reader maps its own fields but reads a DOI or a year
the same way as every other reader.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from typing import Any

_YEAR = re.compile(r"(?<!\d)(1[5-9]\d\d|20\d\d|21\d\d)(?!\d)")
_DOI = re.compile(r"10\.\d{4,9}/\S+", re.IGNORECASE)
_TAGS = re.compile(r"<[^>]{1,200}>")


def clean(value: Any) -> str | None:
    """Collapse whitespace; empty strings become None. Lists are joined with a space."""
    if value is None:
        return None
    if isinstance(value, list | tuple):
        value = " ".join(str(v) for v in value if v is not None)
    # str.split() is several times faster than a regex on long abstracts
    return " ".join(str(value).split()) or None


def strip_markup(value: str | None) -> str | None:
    """Remove HTML/JATS tags and entities (abstracts from Crossref, titles with <i>)."""
    if value is None:
        return None
    return clean(html.unescape(_TAGS.sub(" ", value)))


def first(value: Any) -> Any:
    """The first item of a list, or the value itself."""
    if isinstance(value, list | tuple):
        return value[0] if value else None
    return value


def as_list(value: Any) -> list[str]:
    """A list of cleaned, non-empty strings from a value that may be a string or a list."""
    if value is None:
        return []
    items: Iterable[Any] = value if isinstance(value, list | tuple) else [value]
    out = []
    for item in items:
        text = clean(item)
        if text:
            out.append(text)
    return out


def split_list(value: str | None, separator: str = ";") -> list[str]:
    """Split a delimited string ("a; b; c") into cleaned items."""
    if not value:
        return []
    return [item for item in (clean(part) for part in value.split(separator)) if item]


def parse_year(value: Any) -> int | None:
    """The first plausible four-digit year in a date-like value ("2016//", "2016 Aug 1")."""
    text = clean(first(value)) if not isinstance(value, int) else str(value)
    if not text:
        return None
    match = _YEAR.search(text)
    return int(match.group(1)) if match else None


def clean_doi(value: Any) -> str | None:
    """A bare lower-case DOI ("10.1000/xyz") from forms like "doi:10..", URLs, "10.. [doi]"."""
    for item in as_list(value):
        match = _DOI.search(item)
        if match:
            doi = match.group(0).rstrip(".,;)]")
            # " [doi]" suffixes and trailing punctuation are not part of the DOI
            return doi.lower()
    return None


def join_pages(start: Any, end: Any = None) -> str | None:
    """"590-595" from a start and end page; keeps a single page or article number as is."""
    start_text, end_text = clean(first(start)), clean(first(end))
    if start_text and end_text and end_text != start_text:
        return f"{start_text}-{end_text}"
    return start_text or end_text


def normalise_pages(value: Any) -> str | None:
    """Pages with en dashes and spaces tidied: "79 – 88" becomes "79-88"."""
    text = clean(first(value))
    if not text:
        return None
    return re.sub(r"\s*[\u2010-\u2015-]+\s*", "-", text)
