"""The screening list's columns: their header, what they mean (for the help), how a first
author is shown, and the orders the list can be sorted in.

A row reads ``Y  N  ! 2016 Simpson  Title — Journal [databases]``: the reviewer's
decision, the other reviewers' (as blinding allows), whether the work waits for a
resolution (or the outcome a resolution gave), year, first author's surname, title.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from rich.text import Text

from mnr.library.models import WorkLine

# "list": the stage's own order; "relevance": the model's (mnr.screening.ranking)
SORTS = ["list", "relevance", "year", "author", "title"]
RANK_WIDTH = 6  # the rank column, shown when the list is in relevance order
_INITIALS = re.compile(r"(?:[A-Z]\.?-?){1,4}")
_OPENING = "\"'‘“([ "


def shown_surname(author: str) -> str:
    """The surname as the list shows it, whatever the export's style: "Simpson, Alan",
    "Simpson A", "Simpson A.J." and "A. J. Simpson" all give "Simpson"."""
    name = author.strip()
    if "," in name:
        return name.split(",")[0].strip() or name
    words = name.split()
    if len(words) >= 2 and _INITIALS.fullmatch(words[-1]):
        return " ".join(words[:-1])
    while len(words) >= 2 and _INITIALS.fullmatch(words[0]):
        words = words[1:]
    return " ".join(words)


def _others(reviewer: str, reviewers: Sequence[str]) -> str:
    """The other reviewers' column's name: their initials if there is one other."""
    others = [r for r in reviewers if r != reviewer]
    return others[0][:3] if len(others) == 1 else "oth"


def columns_header(reviewer: str, reviewers: Sequence[str], sort: str,
                   author_width: int) -> Text:
    """The line over the list, aligned with its rows; ▲ marks the column sorted on."""
    arrow = {sort: "▲"}
    author = f"Author{arrow.get('author', '')}"
    rank = f"{'Rank▲':>{RANK_WIDTH - 1}} " if sort == "relevance" else ""
    return Text.assemble(
        f"{reviewer[:2]:<3}{_others(reviewer, reviewers):<3}! ", rank,
        f"Year{arrow.get('year', ' ')}", f"{author:<{author_width}} ",
        f"Title{arrow.get('title', '')}", style="bold")


def column_help(reviewer: str, reviewers: Sequence[str]) -> Text:
    """What the list's columns mean (the help screen's part on them)."""
    return Text.assemble(
        ("The list's columns\n", "bold"),
        f"  {reviewer:<14}your decision: Y include, N exclude, M maybe, · not yet\n",
        f"  {_others(reviewer, reviewers):<14}the other reviewers' decisions (hidden until "
        "you decide, when\n                screening is blind)\n",
        "  !             ", ("!", "bold red"), " the reviewers disagree (or one said maybe) and "
        "the work waits\n                for a resolution (the home screen's Conflicts, or "
        "`mnr resolve`);\n                a letter: the outcome a resolution gave\n",
        "  Rank          in relevance order (s): the work's place in the model's ranking of\n"
        "                the works you have not decided (1: the most likely relevant)\n",
        "  Year, Author  the first author's surname; s sorts by relevance, year, author or "
        "title\n")


def sort_rows(rows: list[int], lines: Mapping[int, WorkLine], sort: str,
              rank: Mapping[int, int] | None = None) -> list[int]:
    """The works in the order asked for ("list": as they are; "relevance": by ``rank``,
    the works it does not rank after, as they are)."""
    def surname(work_id: int) -> str:
        return shown_surname(lines[work_id].first_author).lower()

    if sort == "relevance" and rank:
        last = len(rank) + 1
        rows.sort(key=lambda w: rank.get(w, last))
    elif sort == "year":
        rows.sort(key=lambda w: (lines[w].year or 9999, surname(w)))
    elif sort == "author":
        rows.sort(key=lambda w: (surname(w) or "\uffff", lines[w].year or 9999))
    elif sort == "title":
        rows.sort(key=lambda w: lines[w].title.lower().lstrip(_OPENING))
    return rows
