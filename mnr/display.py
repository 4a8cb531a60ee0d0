"""Text from records made safe to show: control characters removed.

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
