"""Text for people: text from records made safe to show, and counts in words.

Titles, names, queries and URLs come from files anyone can write. A C0 or C1
control character in them (ESC starts a terminal escape sequence that can clear
the screen or set the window title) must not reach a terminal, from the CLI or
the TUI. Tab and newline are kept; everything else below U+0020, DEL and
U+0080-U+009F is dropped. The library keeps the text as it was: this is for display.
"""

from __future__ import annotations

import re

_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """``text`` without C0/C1 control characters (tab and newline kept)."""
    return _CONTROLS.sub("", text)


def has_controls(text: str) -> bool:
    return _CONTROLS.search(text) is not None


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """"1 pair", "2 pairs", "1 study", "3 studies" (with ``nouns``), "1,204 records"."""
    return f"{count:,} {noun if count == 1 else nouns or noun + 's'}"
