"""Publish or Perish JSON export (Google Scholar and the other sources PoP queries).

PoP writes 0 for an unknown volume, issue or page, so 0 is read as missing.
Google Scholar titles, journals and abstracts are snippets that may be cut off
with '…'; they are kept as given. Authors come in the initials-first form
('W Guo') and are turned into 'Guo, W' like every other reader's names; a
trailing '...' (Scholar's "and others") is dropped.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from mnr.formats.csl_json import first_list_item, items_of, load_json
from mnr.formats.fields import clean, clean_doi, join_pages, parse_year
from mnr.records import ParsedRecord

NAME = "pop_json"
RAW_IS_COMPLETE = True
LABEL = "Publish or Perish JSON (Google Scholar via PoP)"

_POP_KEYS = ("cites", "ecc", "rank", "use", "cites_url", "article_url", "related_url", "authors")
_INITIALS = re.compile(r"^[A-Z][A-Z.\-]{0,4}$")
_ELLIPSIS = {"...", "…", "et al", "et al."}


def sniff(text: str) -> bool:
    """True for an array whose first item has a title and PoP's citation-count keys."""
    item = first_list_item(text)
    if not isinstance(item, dict) or "title" not in item:
        return False
    return sum(key in item for key in _POP_KEYS) >= 3


def read(text: str) -> Iterator[ParsedRecord]:
    """Yield one record per PoP item, in file order."""
    for number, item in enumerate(items_of(load_json(text), "Publish or Perish JSON"), start=1):
        yield _record(item, number)


def _known(value: Any) -> str | None:
    """The value as text, with PoP's 0 / '0' placeholders read as missing."""
    text = clean(value)
    return None if text in (None, "0") else text


def pop_author(name: str) -> str | None:
    """'Guo, W' from 'W Guo'; names not in the initials-first form are kept as given."""
    name = clean(name) or ""
    if not name or name in _ELLIPSIS:
        return None
    parts = name.split(" ")
    if "," not in name and len(parts) >= 2 and _INITIALS.match(parts[0]):
        return f"{' '.join(parts[1:])}, {parts[0]}"
    return name


def _authors(value: Any) -> list[str]:
    names = value.split(",") if isinstance(value, str) else value
    if not isinstance(names, list):
        return []
    return [author for author in (pop_author(str(n)) for n in names if n) if author]


def _source_database(item: dict[str, Any]) -> str | None:
    uid = clean(item.get("uid")) or ""
    links = " ".join(str(item.get(key) or "") for key in ("cites_url", "related_url"))
    if uid.startswith("GS:") or "scholar.google." in links:
        return "Google Scholar"
    return None


def _record(item: dict[str, Any], number: int) -> ParsedRecord:
    return ParsedRecord(
        raw=json.dumps(item, ensure_ascii=False),
        fields=item,
        locator=f"item {number}",
        title=clean(item.get("title")),
        authors=_authors(item.get("authors")),
        year=parse_year(item.get("year")),
        journal=clean(item.get("source")),
        volume=_known(item.get("volume")),
        issue=_known(item.get("issue")),
        pages=join_pages(_known(item.get("startpage")), _known(item.get("endpage"))),
        doi=clean_doi(item.get("doi")),
        issn=clean(item.get("issn")),
        isbn=clean(item.get("isbn")),
        abstract=clean(item.get("abstract")),
        pub_type=clean(item.get("type")),
        url=clean(item.get("article_url")),
        source_id=clean(item.get("uid")),
        source_database=_source_database(item),
    )
