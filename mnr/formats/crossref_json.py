"""Crossref REST API JSON: a /works/{doi} response, a /works list, or a bare work object.

Crossref gives the abstract as JATS XML (turned into plain text here) and, for
many journals, the cited references (``message.reference[]``): each becomes one
readable string in ``cited_refs`` ("Author, Year, Journal, V12, P34, DOI 10.x/y",
in the Web of Science style so the two can be compared), and the reference dicts
stay untouched in ``fields['reference']``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from mnr.errors import FormatError
from mnr.formats.csl_json import csl_name, csl_year, load_json
from mnr.formats.fields import clean, clean_doi, first, normalise_pages, strip_markup
from mnr.records import ParsedRecord

NAME = "crossref_json"
RAW_IS_COMPLETE = True
LABEL = "Crossref REST API JSON (/works/{doi} or /works?query=...)"

_ENVELOPE = re.compile(r'"message-type"\s*:\s*"work(?:-list)?"')
_BARE_WORK = re.compile(r'"(?:indexed|deposited|reference-count|is-referenced-by-count)"\s*:')
_PEEK = 4096
_DATE_KEYS = ("issued", "published", "published-print", "published-online", "created")


def sniff(text: str) -> bool:
    """True for a JSON object whose head or tail says message-type work/work-list.

    Crossref writes "status" and "message-type" first; a re-saved file with sorted
    keys has them after the message, hence the look at the tail too.
    """
    head = text[:_PEEK].lstrip()
    if not head.startswith("{"):
        return False
    tail = text[-_PEEK:]
    if _ENVELOPE.search(head) or _ENVELOPE.search(tail):
        return True
    return '"DOI"' in head and _BARE_WORK.search(head) is not None


def read(text: str) -> Iterator[ParsedRecord]:
    """Yield one record per work, in response order."""
    for number, item in enumerate(_works(load_json(text)), start=1):
        yield _record(item, number)


def _works(data: Any) -> list[dict[str, Any]]:
    if not isinstance(data, dict):
        raise FormatError("a Crossref response must be a JSON object", locator="line 1")
    kind = data.get("message-type")
    message = data.get("message")
    if kind == "work" and isinstance(message, dict):
        return [message]
    if kind == "work-list" and isinstance(message, dict):
        items = message.get("items")
        if not isinstance(items, list):
            raise FormatError("the Crossref work-list has no 'items' array", locator="line 1")
        if not items:
            raise FormatError("no records: the Crossref work-list has no items", locator="line 1")
        for number, item in enumerate(items, start=1):
            if not isinstance(item, dict):
                raise FormatError("this Crossref item is not an object", locator=f"item {number}")
        return items
    if kind is None and "DOI" in data:
        return [data]  # a bare work object (the 'message' saved on its own)
    raise FormatError(
        f"this Crossref response is a {kind!r}, not a work or a work-list; "
        "query /works/{doi} or /works?query=... and save the JSON",
        locator="line 1",
    )


def _record(item: dict[str, Any], number: int) -> ParsedRecord:
    title = strip_markup(clean(first(item.get("title"))))
    subtitle = strip_markup(clean(first(item.get("subtitle"))))
    if title and subtitle and subtitle.lower() not in title.lower():
        title = f"{title}: {subtitle}"
    year = None
    for key in _DATE_KEYS:
        year = csl_year(item.get(key))
        if year:
            break
    resource = item.get("resource")
    primary = resource.get("primary") if isinstance(resource, dict) else None
    url = clean(item.get("URL")) or clean(primary.get("URL") if isinstance(primary, dict) else None)
    references = item.get("reference")
    cited = [] if not isinstance(references, list) else references
    return ParsedRecord(
        raw=json.dumps(item, ensure_ascii=False),
        fields=item,
        locator=f"item {number}",
        title=title or subtitle,
        authors=[name for name in (csl_name(a) for a in item.get("author") or []) if name],
        year=year,
        journal=strip_markup(clean(first(item.get("container-title")))),
        volume=clean(item.get("volume")),
        issue=clean(item.get("issue")),
        pages=normalise_pages(item.get("page")),
        doi=clean_doi(item.get("DOI")),
        issn=clean(first(item.get("ISSN"))),
        isbn=clean(first(item.get("ISBN"))),
        abstract=strip_markup(clean(item.get("abstract"))),
        language=clean(item.get("language")),
        pub_type=clean(item.get("type")),
        url=url,
        source_id=clean(item.get("DOI")),
        source_database=clean(item.get("source")) or "Crossref",
        cited_refs=[ref for ref in (reference_text(r) for r in cited) if ref],
    )


def reference_text(ref: Any) -> str | None:
    """One cited reference as a line: the unstructured text, or its parts joined.

    The DOI is appended ("DOI 10...") whenever Crossref gives one, so a citation
    network can be built from these strings alone.
    """
    if not isinstance(ref, dict):
        return clean(ref)
    doi = clean(ref.get("DOI"))
    text = strip_markup(clean(ref.get("unstructured")))
    if not text:
        page = clean(ref.get("first-page"))
        volume = clean(ref.get("volume"))
        parts = [
            clean(ref.get("author")),
            clean(ref.get("year")),
            strip_markup(clean(ref.get("article-title"))),
            strip_markup(
                clean(
                    ref.get("journal-title") or ref.get("volume-title") or ref.get("series-title")
                )
            ),
            f"V{volume}" if volume else None,
            f"P{page}" if page else None,
        ]
        text = ", ".join(part for part in parts if part) or None
    if doi and (not text or doi.lower() not in text.lower()):
        text = f"{text}, DOI {doi}" if text else f"DOI {doi}"
    return text
