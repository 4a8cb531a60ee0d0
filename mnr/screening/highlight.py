"""Keywords to highlight while screening, from review.toml's [highlight] lists.

A ``*`` is a wildcard for the rest of a word ("personali*" finds personalised
and personality); matching ignores case and respects word starts, so "child*"
does not light up inside "grandchildren"... unless written "*child*".
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence


def pattern(keywords: Sequence[str]) -> re.Pattern[str] | None:
    """One regular expression for all keywords, longest first; None if there are none."""
    parts = []
    for keyword in sorted({k.strip() for k in keywords if k.strip()}, key=len, reverse=True):
        body = r"\s+".join(re.escape(word) for word in keyword.split())
        body = body.replace(r"\*", r"\w*")
        start = "" if keyword.startswith("*") else r"\b"
        end = "" if keyword.endswith("*") else r"\b"
        parts.append(f"{start}{body}{end}")
    return re.compile("|".join(parts), re.IGNORECASE) if parts else None


def spans(text: str, compiled: re.Pattern[str] | None) -> Iterator[tuple[int, int]]:
    """Where the keywords occur in ``text``, as (start, end) offsets."""
    if compiled is None or not text:
        return
    for match in compiled.finditer(text):
        if match.end() > match.start():
            yield match.start(), match.end()
