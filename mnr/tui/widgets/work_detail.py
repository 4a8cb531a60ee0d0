"""A work as a reviewer reads it: title, authors, source, abstract, keywords, notes.

Include keywords from review.toml are shown green and exclude keywords red,
in the title, abstract and keywords. Record text is shown without its control
characters (an ESC in a title must not reach the terminal).
"""

from __future__ import annotations

import re

from rich.console import Group, RenderableType
from rich.text import Text

from mnr.display import printable
from mnr.library.models import Fulltext, LogEntry
from mnr.screening.highlight import spans
from mnr.works import Work

DECISION_STYLE = {"y": "bold green", "n": "bold red", "m": "bold yellow"}


def highlighted(text: str, include: re.Pattern[str] | None,
                exclude: re.Pattern[str] | None, style: str = "") -> Text:
    """``text`` with include keywords green and exclude keywords red."""
    text = printable(text)
    rich = Text(text, style=style)
    for start, end in spans(text, include):
        rich.stylize("bold green underline", start, end)
    for start, end in spans(text, exclude):
        rich.stylize("bold red underline", start, end)
    return rich


def decision_text(reviewer: str, entry: LogEntry) -> Text:
    said = Text.assemble((f"{reviewer} ", "bold"),
                         ((entry.decision or "?").upper(),
                          DECISION_STYLE.get(entry.decision or "", "")))
    if entry.reason:
        said.append(f"  {entry.reason}", style="italic")
    if entry.note:
        said.append(f"  “{entry.note}”", style="dim")
    return said


def describe_work(work: Work, include: re.Pattern[str] | None,
                  exclude: re.Pattern[str] | None, decisions: dict[str, LogEntry],
                  hidden: int, resolution: LogEntry | None, notes: list[LogEntry],
                  fulltext: Fulltext | None, study: str | None = None) -> RenderableType:
    """The detail pane's content for one work (``study``: how it stands among the reports
    of its study, e.g. "report of study W12", if it is linked)."""
    parts = _parts(work, include, exclude, decisions, hidden, resolution, notes, fulltext)
    if study:
        parts.insert(4, Text(study, style="bold magenta"))  # under the ids line
    return Group(*(_printable(part) for part in parts))


def _printable(part: Text) -> Text:
    """``part`` without control characters (its styles kept where its text is unchanged)."""
    plain = part.plain
    if printable(plain) == plain:
        return part
    return Text(printable(plain), style=part.style)


def _parts(work: Work, include: re.Pattern[str] | None, exclude: re.Pattern[str] | None,
           decisions: dict[str, LogEntry], hidden: int, resolution: LogEntry | None,
           notes: list[LogEntry], fulltext: Fulltext | None) -> list[Text]:
    record = work.merged
    parts: list[Text] = [
        highlighted(record.title or "(no title)", include, exclude, "bold"),
        Text("; ".join(record.authors) or "(no authors)", style="italic"),
    ]
    source = ", ".join(str(part) for part in (
        record.journal, record.year, record.volume and f"vol. {record.volume}",
        record.issue and f"no. {record.issue}", record.pages and f"pp. {record.pages}")
        if part)
    parts.append(Text(source or "(no source)"))
    ids = "  ".join(f"{name} {value}" for name, value in (
        ("DOI", record.doi), ("PMID", record.pmid), ("", work.label)) if value)
    parts.append(Text(ids + "  ·  " + ", ".join(work.databases), style="dim"))
    parts.append(Text(""))
    parts.append(highlighted(record.abstract or "(no abstract)", include, exclude))
    if record.keywords:
        parts.append(Text(""))
        parts.append(Text.assemble(("Keywords: ", "bold"),
                                   highlighted("; ".join(record.keywords), include, exclude)))
    if fulltext is not None:
        parts.append(Text.assemble(("Full text: ", "bold"), fulltext.location))
    if decisions or hidden or resolution:
        parts.append(Text(""))
    for reviewer, entry in decisions.items():
        parts.append(decision_text(reviewer, entry))
    if hidden:
        parts.append(Text(f"{hidden} other decision(s) hidden until you decide (blind)",
                          style="dim italic"))
    if resolution is not None:
        parts.append(Text.assemble(("Resolved: ", "bold"),
                                   decision_text(resolution.reviewer, resolution)))
    for note in notes:
        parts.append(Text.assemble(("Note ", "bold"), (f"{note.reviewer}: ", "bold"),
                                   note.note or ""))
    return parts
