"""The PRISMA flow as tables for people: the CLI prints them, the TUI shows them live."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text

from mnr.prisma.boxes import row_label
from mnr.prisma.counts import Flow


def _pairs(values: dict[str, int]) -> str:
    return "\n".join(f"  {name}: {n:,}" for name, n in values.items())


# the table's rows by box key, each box's label in ``boxes``; a list's sum is its number
_DATABASES = ["database_results", "register_results", "duplicates", "excluded_automatic",
              "excluded_other", "records_screened", "records_excluded", "dbr_sought_reports",
              "dbr_notretrieved_reports", "dbr_assessed", "dbr_excluded"]
_OTHER_METHODS = ["other_results", "other_sought_reports", "other_notretrieved_reports",
                  "other_assessed", "other_excluded"]
_INCLUDED = ["total_studies", "total_reports"]
_PREVIOUS = ["previous_studies", "previous_reports"]  # an updated review's (rounds.py)
_DETAILS = {"database_results": "database_specific_results",
            "register_results": "register_specific_results"}


def _rows(flow: Flow) -> list[tuple[str, int, str]]:
    """The table's rows: each box's key, number and details (the list behind the number)."""
    rows: list[tuple[str, int, str]] = []
    previous = _PREVIOUS if flow.review_round is not None and flow.review_round > 1 else []
    new = ["new_studies", "new_reports"] if previous else []
    for key in [*previous, *_DATABASES, *(_OTHER_METHODS if flow.other_methods else []),
                *new, *_INCLUDED]:
        value = getattr(flow, key)
        if isinstance(value, dict):
            rows.append((key, sum(value.values()), _pairs(value)))
        else:
            details = getattr(flow, _DETAILS[key]) if key in _DETAILS else {}
            rows.append((key, value, _pairs(details)))
    return rows


def flow_report(flow: Flow) -> Group:
    """The boxes with their numbers, the per-stage breakdown, and what explains any gap."""
    title = "PRISMA 2020 flow"
    if flow.review_round is not None:  # a review of several rounds: which one this is
        title += (f", review round {flow.review_round}"
                  + (f" (searches to {flow.round_date})" if flow.round_date else "")
                  + (": an updated review" if flow.review_round > 1 else ": the first round"))
    table = Table(title=title, title_justify="left", show_lines=False)
    table.add_column("box")
    table.add_column("n", justify="right")
    table.add_column("details", overflow="fold")
    for key, n, details in _rows(flow):
        table.add_row(row_label(key), f"{n:,}", details.strip("\n"))
    stages = Table(title="By screening stage", title_justify="left")
    for column in ("stage", "works", "Y", "N", "M", "waiting"):
        stages.add_column(column, justify="left" if column == "stage" else "right")
    for stage in flow.stages:
        stages.add_row(stage.stage, f"{stage.works:,}", f"{stage.included:,}",
                       f"{stage.excluded:,}", f"{stage.maybe:,}", f"{stage.waiting:,}")
    if flow.gaps:
        notes = Text("\n".join(f"• {gap}" for gap in flow.gaps), style="italic")
    else:
        notes = Text("The arithmetic closes: identified - duplicates = screened; screened - "
                     "excluded = sought; sought - not retrieved = assessed; assessed - "
                     "excluded = included.", style="italic")
    return Group(table, stages, notes)
