"""BibTeX reader (bibtexparser v2): Scopus, Web of Science, Zotero, JabRef ... exports.

bibtexparser only splits the file into blocks here (``parse_stack=[]``); mnr then
resolves ``@string`` macros and removes the enclosing braces itself, so that
entries bibtexparser sets aside as "failed" but which are perfectly usable
(a field repeated in one entry, as older Scopus exports do, or a citation key used
twice) are read exactly like every other entry instead of being lost.

LaTeX (accents, ``{Case}`` braces, ``\\&``) is decoded only in the fields mnr maps
(title, authors, journal, abstract, keywords ...), and only when a value holds a
backslash; other values just lose their grouping braces. bibtexparser's
``LatexDecodingMiddleware`` is not used on the whole library because LaTeX treats
``%`` as a comment: it would cut Scopus URLs (``doi=10.1080%2f...``) and abstracts
("rose by 50% in ...") at the first percent sign. ``fields`` keeps every value as the
file gave it (enclosing removed, LaTeX untouched).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import Any

import bibtexparser
from bibtexparser.library import Library
from bibtexparser.middlewares import RemoveEnclosingMiddleware
from bibtexparser.middlewares.names import (
    parse_single_name_into_parts,
    split_multiple_persons_names,
)
from bibtexparser.model import (
    Block,
    DuplicateBlockKeyBlock,
    DuplicateFieldKeyBlock,
    Entry,
    ParsingFailedBlock,
    String,
)
from pylatexenc.latex2text import LatexNodes2Text  # bibtexparser's own LaTeX decoder

from mnr.errors import FormatError
from mnr.formats.fields import clean, clean_doi, normalise_pages, parse_year, split_list
from mnr.records import ParsedRecord

NAME = "bibtex"
RAW_IS_COMPLETE = True
LABEL = "BibTeX (Scopus, Web of Science, Zotero, JabRef ...)"

# bibtexparser logs a warning for every aborted block; mnr reports those itself.
logging.getLogger("bibtexparser").addHandler(logging.NullHandler())

_NOT_ENTRIES = {"comment", "preamble", "string"}
# bibtexparser's own block start: '@', a type of word characters, optional blanks, '{' or '('
_ENTRY_START = re.compile(r"^[ \t]*@([A-Za-z]\w*)[ \t]*[{(]", re.MULTILINE)
_BLOCK_KEY = re.compile(r"@(\w*)[ \t]*[{(][ \t\n]*([^,\n=]*)")
_EID = re.compile(r"[?&]eid=([^&#\s]+)")
_UNESCAPED_PERCENT = re.compile(r"(?<!\\)%")
_BRACES = re.compile(r"[{}]")
_SNIFF_LIMIT = 1_000_000

_REMOVER = RemoveEnclosingMiddleware(allow_inplace_modification=True)
_NO_LIBRARY = Library()  # transform_entry takes a library but does not use it
_decoder: LatexNodes2Text | None = None


def sniff(text: str) -> bool:
    """True when an ``@type{`` entry (not only @comment/@string) starts a line."""
    for match in _ENTRY_START.finditer(text, 0, _SNIFF_LIMIT):
        if match.group(1).lower() not in _NOT_ENTRIES:
            return True
    return False


def read(text: str) -> Iterator[ParsedRecord]:
    """Yield one record per entry; any block that cannot be read fails the whole file."""
    entries, strings = _split(text)
    if not entries:
        raise FormatError("no BibTeX entries found (no '@type{key, ...}' blocks)", locator="line 1")
    for entry in entries:
        yield _record(entry, strings)


def _split(text: str) -> tuple[list[Entry], dict[str, str]]:
    """Entries in file order and @string values (raw, still enclosed), or FormatError."""
    library = bibtexparser.parse_string(text, parse_stack=[])
    entries: list[Entry] = []
    strings: dict[str, str] = {}
    for found in library.blocks:
        block: Block | None = found
        if isinstance(found, DuplicateFieldKeyBlock | DuplicateBlockKeyBlock):
            # usable as they stand: a repeated field (kept as a list in ``fields``)
            # or a citation key used twice (both entries are imported)
            block = found.ignore_error_block
        if isinstance(block, Entry):
            entries.append(block)
        elif isinstance(block, String):
            strings[block.key.lower()] = block.value  # later definitions win, as in BibTeX
        elif isinstance(block, ParsingFailedBlock):
            raise _failed(block)
    return entries, strings


def _failed(block: ParsingFailedBlock) -> FormatError:
    raw = block.raw or ""
    match = _BLOCK_KEY.match(raw)
    kind, key = (match.group(1).lower(), match.group(2).strip()) if match else ("", "")
    reason = getattr(block.error, "abort_reason", None) or str(block.error)
    if kind in _NOT_ENTRIES:
        what = f"@{kind} block"
    else:
        what = f"entry {key!r}" if key else "this entry"
    line = (block.start_line or 0) + 1
    return FormatError(
        f"BibTeX {what} could not be read ({reason.strip()}); "
        "fix it (often an unbalanced brace or quote) and import the file again",
        locator=f"line {line}",
    )


def _unwrap(entry: Entry, strings: dict[str, str]) -> None:
    """Resolve @string macros (and ``#`` concatenation), then strip the enclosing
    braces/quotes of every value."""
    macros = _Macros(strings) if strings or any(
        isinstance(f.value, str) and "#" in f.value for f in entry.fields) else None
    if macros is not None:
        for field in entry.fields:
            value = field.value
            if isinstance(value, str) and (value[:1] not in ("{", '"') or "#" in value):
                expanded = macros.expand(value, f"entry {entry.key!r}, field {field.key}",
                                         line=(entry.start_line or 0) + 1)
                if expanded is not None:
                    field.value = "{" + expanded + "}"
    _REMOVER.transform_entry(entry, _NO_LIBRARY)


_MACRO_DEPTH = 32  # @string chains deeper than this (or circular) are left as written
_MACRO_CHARS = 1_000_000  # a value that expands past this is refused (s2 = s1 # s1 ...)


class _Macros:
    """@string macros, expanded to any depth: ``s24 = s12 # s12`` gives s12's text twice.

    bibtexparser's own resolver expands one level only, so mnr does it here."""

    def __init__(self, strings: dict[str, str]) -> None:
        self.strings = strings
        self.done: dict[str, str | None] = {}

    def expand(self, value: str, where: str, depth: int = 0, line: int = 0) -> str | None:
        """The text of a value (parts joined by ``#``), or None when it is not a plain
        macro expression (then it stays as written)."""
        parts = _concatenated(value)
        if parts is None:
            return None
        out: list[str] = []
        size = 0
        for part in parts:
            if part[:1] in ("{", '"'):
                text: str | None = part[1:-1]
            elif part.isdigit():
                text = part
            else:
                text = self._macro(part.lower(), where, depth, line)
                if text is None:
                    return None  # an undefined or circular macro: keep the value as written
            assert text is not None
            size += len(text)
            if size > _MACRO_CHARS:
                raise FormatError(
                    f"BibTeX {where} expands (through @string macros) to more than "
                    f"{_MACRO_CHARS:,} characters; the @string definitions look broken",
                    locator=f"line {line}" if line else None)
            out.append(text)
        return "".join(out)

    def _macro(self, name: str, where: str, depth: int, line: int) -> str | None:
        if name in self.done:
            return self.done[name]
        raw = self.strings.get(name)
        if raw is None or depth >= _MACRO_DEPTH:
            return None
        self.done[name] = None  # while expanding: a cycle comes back as undefined
        text = self.expand(raw, where, depth + 1, line)
        self.done[name] = text
        return text


def _concatenated(value: str) -> list[str] | None:
    """``a # {b} # "c" # 2001`` as its parts, or None when it is not such an expression."""
    parts: list[str] = []
    i, size = 0, len(value)
    while True:
        while i < size and value[i].isspace():
            i += 1
        if i >= size:
            return None
        start = i
        if value[i] == "{":
            depth = 0
            while i < size:
                depth += {"{": 1, "}": -1}.get(value[i], 0)
                i += 1
                if depth == 0:
                    break
            if depth:
                return None
        elif value[i] == '"':
            i = value.find('"', i + 1)
            if i < 0:
                return None
            i += 1
        else:
            while i < size and not value[i].isspace() and value[i] not in '#{}"':
                i += 1
            if i == start:
                return None
        parts.append(value[start:i])
        while i < size and value[i].isspace():
            i += 1
        if i >= size:
            return parts
        if value[i] != "#":
            return None
        i += 1


def _record(entry: Entry, strings: dict[str, str]) -> ParsedRecord:
    _unwrap(entry, strings)
    fields: dict[str, Any] = {"ENTRYTYPE": entry.entry_type, "ID": entry.key}
    first: dict[str, str] = {}  # lower-case field name -> first value
    for field in entry.fields:
        value = field.value if isinstance(field.value, str) else str(field.value)
        if field.key in fields:
            previous = fields[field.key]
            if isinstance(previous, list):
                previous.append(value)
            else:
                fields[field.key] = [previous, value]
        else:
            fields[field.key] = value
        first.setdefault(field.key.lower(), value)

    def get(*names: str) -> str | None:
        for name in names:
            value = clean(first.get(name))
            if value:
                return value
        return None

    url = get("url")
    doi_text = get("doi")
    doi = clean_doi(doi_text.replace("\\_", "_") if doi_text else None)
    if doi is None and url and "doi.org/" in url:
        doi = clean_doi(url)
    return ParsedRecord(
        raw=entry.raw or "",
        fields=fields,
        locator=f"line {(entry.start_line or 0) + 1}",
        title=_text(get("title")),
        authors=_authors(first.get("author")),
        year=parse_year(get("year", "date")),
        journal=_text(get("journal", "journaltitle", "booktitle", "series")),
        volume=get("volume"),
        issue=get("number", "issue"),
        pages=normalise_pages(get("pages")),
        doi=doi,
        pmid=get("pmid", "pubmed-id", "pubmed"),
        issn=get("issn"),
        isbn=get("isbn"),
        abstract=_text(get("abstract")),
        keywords=_keywords(first),
        language=get("language", "langid"),
        pub_type=entry.entry_type.lower() or None,
        url=url,
        source_id=_source_id(entry, first, url),
        source_database=_source_database(first),
        cited_refs=_cited_refs(first.get("cited-references")),
    )


def _text(value: str | None) -> str | None:
    """Plain Unicode from a BibTeX value: LaTeX decoded when present, braces removed."""
    if not value:
        return None
    if "\\" not in value:
        return clean(_BRACES.sub("", value))
    global _decoder
    if _decoder is None:
        _decoder = LatexNodes2Text(math_mode="verbatim")
    # an unescaped % would start a LaTeX comment and drop the rest of the line
    escaped = _UNESCAPED_PERCENT.sub(r"\\%", value)
    try:
        decoded = _decoder.latex_to_text(escaped)
    except Exception:  # pylatexenc is tolerant; never lose a record to a decoding quirk
        decoded = _BRACES.sub("", value)
    return clean(decoded)


def _authors(value: str | None) -> list[str]:
    """'Family, Given' names from 'A and B and C' (braced {Corporate Authors} kept whole)."""
    if not value:
        return []
    names = []
    for name in split_multiple_persons_names(value):
        name = name.strip()
        if not name:
            continue
        if "," not in name and not (name.startswith("{") and name.endswith("}")):
            try:
                name = parse_single_name_into_parts(name, strict=False).merge_last_name_first
            except Exception:  # keep the name as given rather than lose it
                pass
        text = _text(name)
        if text:
            names.append(text)
    return names


def _keywords(first: dict[str, str]) -> list[str]:
    """Author keywords, then indexing keywords; ';'-separated, else ','-separated."""
    out: list[str] = []
    seen: set[str] = set()
    for name in ("author_keywords", "keywords", "keywords-plus", "mesh"):
        value = _text(first.get(name))
        if not value:
            continue
        for keyword in split_list(value, ";" if ";" in value else ","):
            if keyword.lower() not in seen:
                seen.add(keyword.lower())
                out.append(keyword)
    return out


def _source_id(entry: Entry, first: dict[str, str], url: str | None) -> str | None:
    """Scopus EID (from the url or an eid field), WoS Unique-ID, else the citation key."""
    if url:
        match = _EID.search(url)
        if match:
            return match.group(1)
    for name in ("eid", "unique-id"):
        value = clean(first.get(name))
        if value:
            return value
    return clean(entry.key)


def _source_database(first: dict[str, str]) -> str | None:
    source = clean(first.get("source"))
    if source:
        return source
    unique_id = clean(first.get("unique-id")) or ""
    if unique_id.upper().startswith("WOS:"):
        return "Web of Science"
    return None


def _cited_refs(value: str | None) -> list[str]:
    """Web of Science 'Cited-References': one reference per line, each ending in '.'."""
    if not value:
        return []
    refs = []
    for line in value.split("\n"):
        ref = clean(_BRACES.sub("", line))  # WoS writes '{[}Anonymous]' for '[Anonymous]'
        if ref and ref.endswith("."):
            ref = ref[:-1].rstrip()
        if ref:
            refs.append(ref)
    return refs
