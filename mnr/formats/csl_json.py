"""CSL-JSON reader: an array of CSL items (Zotero, Better BibTeX, citeproc tools).

Also home of the two small JSON helpers the other JSON readers share: loading
with a located error, and a cheap look at the first item of a top-level array
(sniffers decode one item, not the whole file).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from mnr.errors import FormatError
from mnr.formats.fields import (
    as_list,
    clean,
    clean_doi,
    first,
    normalise_pages,
    parse_year,
    split_list,
    strip_markup,
)
from mnr.records import ParsedRecord

NAME = "csl_json"
RAW_IS_COMPLETE = True
LABEL = "CSL-JSON (Zotero, Better BibTeX)"

_LEADING_SPACE = re.compile(r"\s*")
_DECODER = json.JSONDecoder()
_EMPTY = object()  # first_list_item() of "[]"
_SHORT_DOI = re.compile(r"^(?:doi:|https?://(?:dx\.)?doi\.org/)?10/[a-z0-9]+$", re.IGNORECASE)
_CSL_KEYS = ("title", "author", "issued", "container-title", "DOI", "citation-key", "URL")
_POP_KEYS = ("cites_url", "ecc", "article_url", "fulltext_url")


def load_json(text: str) -> Any:
    """The parsed JSON, or FormatError naming the line where it breaks."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise FormatError(
            f"this is not valid JSON ({exc.msg}); the file may be cut short or edited by hand",
            locator=f"line {exc.lineno}, column {exc.colno}",
        ) from None
    except RecursionError:
        raise FormatError("the JSON is nested too deeply to read") from None


def first_list_item(text: str) -> Any:
    """The first item of a top-level JSON array, decoding only that item.

    None when the text is not an array or its first item cannot be decoded;
    a marker (see ``is_empty_list``) for ``[]``.
    """
    start = _LEADING_SPACE.match(text).end()  # type: ignore[union-attr]  # \s* always matches
    if text[start : start + 1] != "[":
        return None
    start = _LEADING_SPACE.match(text, start + 1).end()  # type: ignore[union-attr]
    if text[start : start + 1] == "]":
        return _EMPTY
    try:
        item, _ = _DECODER.raw_decode(text, start)
    except (ValueError, RecursionError):
        return None
    return item


def is_empty_list(item: Any) -> bool:
    """True when ``first_list_item`` found an empty array."""
    return item is _EMPTY


def items_of(data: Any, what: str) -> list[dict[str, Any]]:
    """The objects of a top-level array; FormatError for anything else or an empty array."""
    if not isinstance(data, list):
        raise FormatError(f"a {what} file must be a JSON array of items", locator="line 1")
    if not data:
        raise FormatError(f"no records: the {what} array is empty", locator="line 1")
    for number, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            raise FormatError(
                f"item {number} is a JSON {type(item).__name__}, not an object",
                locator=f"item {number}",
            )
    return data


def sniff(text: str) -> bool:
    """True for an array whose first item has CSL keys (and a 'type' or 'id'), or for '[]'."""
    item = first_list_item(text)
    if item is _EMPTY:
        return True  # nothing else reads an empty array; read() then says "no records"
    if not isinstance(item, dict) or not ("type" in item or "id" in item):
        return False
    if any(key in item for key in _POP_KEYS):
        return False
    return any(key in item for key in _CSL_KEYS)


def read(text: str) -> Iterator[ParsedRecord]:
    """Yield one record per CSL item, in array order."""
    for number, item in enumerate(items_of(load_json(text), "CSL-JSON"), start=1):
        yield _record(item, number)


def csl_name(person: Any) -> str | None:
    """'Family, Given' from a CSL name object ({family, given} or {literal})."""
    if isinstance(person, str):
        return clean(person)
    if not isinstance(person, dict):
        return None
    literal = clean(person.get("literal") or person.get("name"))
    family = " ".join(
        part
        for part in (clean(person.get("non-dropping-particle")), clean(person.get("family")))
        if part
    )
    given = " ".join(
        part
        for part in (clean(person.get("given")), clean(person.get("dropping-particle")))
        if part
    )
    suffix = clean(person.get("suffix"))
    if not family:
        return literal or clean(given)
    return ", ".join(part for part in (family, suffix, given) if part)


def csl_year(date: Any) -> int | None:
    """The year of a CSL date: date-parts (years may be strings), raw or literal."""
    if isinstance(date, dict):
        parts = date.get("date-parts")
        if isinstance(parts, list) and parts:
            year = parse_year(first(first(parts)))
            if year:
                return year
        return parse_year(date.get("raw") or date.get("literal") or date.get("season"))
    return parse_year(date)


def _doi(item: dict[str, Any], url: str | None) -> str | None:
    """A full DOI; a short DOI ('10/fqd6hj') is replaced by the full one from the URL.

    Short DOIs resolve at doi.org but never match the full DOI other databases give,
    so when the item's URL is a doi.org (or '/doi/') link the full DOI is taken from
    it; otherwise the short DOI is kept, lower-cased (``fields['DOI']`` is unchanged).
    """
    given = clean(first(item.get("DOI")))
    doi = clean_doi(given)
    if doi or not given:
        return doi
    if _SHORT_DOI.match(given):
        if url and ("doi.org/" in url or "/doi/" in url):
            from_url = clean_doi(url)
            if from_url:
                return from_url
        return given.lower().split("doi.org/")[-1].removeprefix("doi:")
    return None


def _record(item: dict[str, Any], number: int) -> ParsedRecord:
    url = clean(first(item.get("URL")))
    keyword = item.get("keyword")
    if isinstance(keyword, str):
        keywords = split_list(keyword, ";" if ";" in keyword else ",")
    else:
        keywords = as_list(keyword)
    authors = [name for name in (csl_name(p) for p in item.get("author") or []) if name]
    return ParsedRecord(
        raw=json.dumps(item, ensure_ascii=False),
        fields=item,
        locator=f"item {number}",
        title=strip_markup(clean(first(item.get("title")))),
        authors=authors,
        year=csl_year(item.get("issued")),
        journal=strip_markup(clean(first(item.get("container-title")))),
        volume=clean(item.get("volume")),
        issue=clean(item.get("issue")),
        pages=normalise_pages(item.get("page")),
        doi=_doi(item, url),
        pmid=clean(item.get("PMID")),
        issn=clean(first(item.get("ISSN"))),
        isbn=clean(first(item.get("ISBN"))),
        abstract=strip_markup(clean(item.get("abstract"))),
        keywords=keywords,
        language=clean(item.get("language")),
        pub_type=clean(item.get("type")),
        url=url,
        source_id=clean(item.get("citation-key") or item.get("id")),
        source_database=clean(item.get("source")),
    )
