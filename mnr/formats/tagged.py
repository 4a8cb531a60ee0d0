"""Shared tokenizer for line-tagged exports: MEDLINE/PubMed, Web of Science, Ovid.

These formats put a tag at the start of a line, the value after it, and wrap long
values onto indented continuation lines. No maintained Python library reads them
well (rispy's WoS parser stops at tags it does not know, such as ``Z8``; nbib readers
flatten repeated tags), so mnr has small parsers of its own. The line logic they
share lives here once: cutting the text into record blocks with one C-speed regex
scan, line numbers, the tag column, continuation lines, and a field dict that keeps
every tag. Reviews reach 100,000 records, so nothing here is done per character in
Python and nothing is re-compiled per record.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any, Literal

from mnr.errors import FormatError
from mnr.formats.fields import clean

Item = tuple[str, list[str], int]  # (tag, value lines, index of the tag line in the block)


@dataclass(frozen=True, slots=True)
class Layout:
    """How one format lays out its lines.

    ``tag`` matches a tag line with two groups, the tag and the value on that line
    (None or empty when there is none); its pattern encodes the tag column
    ("AU  - ", "PMID- ", "AU "). Any line starting with a space or tab continues the
    open field; ``indent`` is the indent the format normally uses (the sniffers check it).
    """

    tag: re.Pattern[str]
    indent: int
    column: int = 0  # fast path: the tag padded to this width, then ``sep`` ("AU  - ")
    sep: str = ""
    loose: bool = False  # an unindented non-tag line continues the open field (Ovid abstracts)
    blank_continues: bool = False  # blank lines inside a value belong to it (Ovid labelled)


def blocks(
    text: str, separator: re.Pattern[str], keep: Literal["before", "after", "none"]
) -> Iterator[tuple[str, int]]:
    """Cut ``text`` at each match of ``separator`` and yield (block, line number of its
    first line). The pattern should start with a newline, which keeps the scan fast.
    ``keep`` says where the separator goes: "before" ends the previous block with it
    (WoS ``ER``), "after" starts the next block with it (Ovid ``<12>``), "none" drops it
    (MEDLINE's blank lines)."""
    prev, line = 0, 1
    for match in separator.finditer(text):
        if keep == "before":
            end = nxt = match.end()
        elif keep == "after":
            end, nxt = match.start(), match.start() + 1
        else:
            end, nxt = match.start(), match.end()
        if end > prev:
            yield text[prev:end], line
        line += text.count("\n", prev, nxt)
        prev = nxt
    if prev < len(text):
        yield text[prev:], line


@dataclass(slots=True)
class Block:
    """The fields of a block of lines, and the lines that fit no field."""

    items: list[Item]
    strays: list[tuple[int, str]]  # (index, line): neither a tag line nor a continuation
    last: int  # index of the last line that belongs to a field (-1: none)


def parse_block(lines: list[str], layout: Layout, start: int = 0) -> Block:
    """Read ``lines[start:]`` into fields: a tag line opens one, continuation lines add to
    it, a blank line closes it (unless the layout says blank lines continue values)."""
    tag_match = layout.tag.match
    column, sep = layout.column, layout.sep
    sep_end = column + len(sep)
    loose, blank_continues = layout.loose, layout.blank_continues
    items: list[Item] = []
    strays: list[tuple[int, str]] = []
    values: list[str] | None = None  # the open field's value lines
    last = -1
    for index, line in enumerate(islice(lines, start, None), start):
        head = line[:1]
        if head == " " or head == "\t":
            value = line.strip()
            if value:
                if values is not None:
                    values.append(value)
                    last = index
                else:
                    strays.append((index, line))
                continue
        elif line:
            if column and line[column:sep_end] == sep:  # most tag lines: no regex needed
                tag = line[:column].rstrip()
                if len(tag) > 1 and tag.isupper() and tag.isalnum() and tag.isascii():
                    value = line[sep_end:].strip()
                    values = [value] if value else []
                    items.append((tag, values, index))
                    last = index
                    continue
            match = tag_match(line)
            if match is not None:
                value = match.group(2)
                values = [value.strip()] if value else []
                items.append((match.group(1), values, index))
                last = index
            elif loose and values is not None:
                values.append(line.strip())
                last = index
            else:
                strays.append((index, line))
                values = None
            continue
        if values is not None:  # a blank line
            if blank_continues:
                values.append("")
            else:
                values = None
    if blank_continues:
        for item in items:
            item_values = item[1]
            while item_values and not item_values[-1]:
                item_values.pop()
    return Block(items, strays, last)


def text_of(value: Any) -> str | None:
    """``clean(first(value))`` with a fast path: tagged values are stripped lines joined
    by single spaces, so the whitespace regex is only needed when a double space or
    another whitespace character (tab, no-break space) is present."""
    if isinstance(value, list):
        value = value[0] if value else None
    if value is None:
        return None
    if isinstance(value, str) and "  " not in value and value.isprintable():
        return value.strip() or None
    return clean(value)


def texts_of(value: Any, separator: str | None = None) -> list[str]:
    """The non-empty texts of a value (a string or a list), each split at ``separator``."""
    if value is None:
        return []
    out = []
    for item in value if isinstance(value, list) else [value]:
        for part in item.split(separator) if separator else [item]:
            text = text_of(part)
            if text:
                out.append(text)
    return out


def tagged_share(head: str, layout: Layout, limit: int = 60) -> float:
    """The share of the first ``limit`` non-blank lines that are tag lines or continuation
    lines with the layout's indent: what the sniffers use to recognise a format."""
    seen = hits = 0
    pad = " " * layout.indent
    for line in head.split("\n"):
        if not line.strip():
            continue
        seen += 1
        if layout.tag.match(line) or line.startswith(pad):
            hits += 1
        if seen >= limit:
            break
    return hits / seen if seen else 0.0


class Entry:
    """One record: its fields in file order, its verbatim text and its first line."""

    __slots__ = ("items", "raw", "line")

    def __init__(self, items: list[Item], raw: str, line: int) -> None:
        self.items = items
        self.raw = raw
        self.line = line

    @property
    def last_tag(self) -> str | None:
        return self.items[-1][0] if self.items else None

    def fields(self, joiner: str = " ", list_tags: Collection[str] = ()) -> dict[str, Any]:
        return fields_of(self.items, joiner, list_tags)


def fields_of(
    items: list[Item], joiner: str = " ", list_tags: Collection[str] = ()
) -> dict[str, Any]:
    """Tag -> value: continuation lines joined with ``joiner``; a repeated tag gives a list;
    tags in ``list_tags`` (one item per line, e.g. WoS ``AU``) are always lists."""
    out: dict[str, Any] = {}
    for tag, lines, _ in items:
        if tag in list_tags:
            out.setdefault(tag, []).extend(lines)
            continue
        value = lines[0] if len(lines) == 1 else joiner.join(lines)
        old = out.get(tag)
        if old is None:
            out[tag] = value
        elif isinstance(old, list):
            old.append(value)
        else:
            out[tag] = [old, value]
    return out


def entry_of(lines: list[str], items: list[Item], first_line: int, end: int) -> Entry:
    """An Entry for ``items`` whose text runs from the first item's line to ``lines[end]``."""
    begin = items[0][2] if items else 0
    return Entry(items, "\n".join(lines[begin : end + 1]), first_line + begin)


class EndTags:
    """Notice a final record cut short: every earlier record ended with the same tag
    (PubMed always ends with ``SO``) and the final record has no such tag at all.

    ``closing`` limits the check to tags known to close records; ``min_before`` is how
    many earlier records must agree before the final one is suspected.
    """

    __slots__ = ("closing", "min_before", "tag", "count")

    def __init__(self, closing: Collection[str] | None = None, min_before: int = 1) -> None:
        self.closing = closing
        self.min_before = min_before
        self.tag: str | None = None
        self.count = 0  # earlier records that ended with ``tag``; -1 once they disagree

    def add(self, entry: Entry) -> None:
        """Note how a record that is not the last one ended."""
        last = entry.last_tag
        if self.count == 0:
            self.tag, self.count = last, 1
        elif self.count > 0:
            self.count = self.count + 1 if last == self.tag else -1

    def check_final(self, entry: Entry, what: str) -> None:
        """Raise FormatError when the final record stops short of the closing tag."""
        tag = self.tag
        if tag is None or self.count < self.min_before:
            return
        if self.closing is not None and tag not in self.closing:
            return
        if any(item[0] == tag for item in entry.items):
            return
        raise FormatError(
            f"the last record stops without the '{tag}' {what} that ends every other "
            "record; the file looks truncated - export it again",
            f"line {entry.line}",
        )


def stray_error(what: str, line: int, text: str) -> FormatError:
    """The error for a line that is neither a tag line nor a continuation line."""
    return FormatError(
        f"this line is neither a {what} tag line nor an indented continuation line: {text[:60]!r}",
        f"line {line}",
    )
