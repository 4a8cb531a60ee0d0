"""`mnr init`, `mnr status` and the home screen: making a review, and where it stands."""

from __future__ import annotations

from pathlib import Path

import click
from rich.table import Table

from mnr import review
from mnr.cli import main
from mnr.cli.common import err, handles_errors, open_library, out, print_json
from mnr.journal import JUDGEMENTS_DIR, Journal
from mnr.project import find_project, init_project


@handles_errors
def home() -> None:
    """The TUI's home screen: every step of the review with its counts."""
    import os

    project = find_project()
    reviewer = os.environ.get("MNR_REVIEWER")
    if reviewer:
        project.settings().check_reviewer(reviewer)
    with open_library(project):
        pass  # builds the library from the search log on first use
    from mnr.tui.app import run_app

    run_app(project, reviewer=reviewer)


@main.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--title", required=True, help="The review's working title.")
@handles_errors
def init(folder: Path, title: str) -> None:
    """Create a review: review.toml, searches/, judgements/ and library/ in FOLDER.

    \b
    Example:
      mnr init my-review --title "Care planning in community mental health"
    """
    project = init_project(folder, title)
    Journal(project.root / JUDGEMENTS_DIR).prepare()
    err.print(f"Created the review in {project.root}. Edit review.toml, then `mnr import FILE`.")


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@handles_errors
def status(as_json: bool) -> None:
    """Where the review stands: searches and records, per database.

    \b
    Example:
      mnr status
      mnr status --json
    """
    project = find_project()
    settings = project.settings()
    with open_library(project) as library:
        state = review.status(library, settings)
    if as_json:
        print_json(state.as_dict())
    else:
        _print_status(state)


def _print_status(state: review.ReviewStatus) -> None:
    searches, counts = state.searches, state.works
    out.print(state.title, style="bold", highlight=False)
    withdrawn = (f" ({searches.withdrawn_searches} withdrawn)" if searches.withdrawn_searches
                 else "")
    out.print(f"{searches.searches} searches{withdrawn}, {searches.records:,} records",
              highlight=False)
    if searches.untitled:
        out.print(f"{searches.untitled:,} records have no title (kept, flagged)",
                  highlight=False)
    if counts.works:
        out.print(state.deduplication(), highlight=False)
    if counts.unassigned and searches.records:
        out.print(f"{counts.unassigned:,} records not deduplicated yet: `mnr dedupe`",
                  highlight=False)
    if searches.by_database:
        table = Table(title_justify="left")
        table.add_column("database")
        table.add_column("searches", justify="right")
        table.add_column("records", justify="right")
        for row in searches.by_database:
            table.add_row(row.database, str(row.searches), f"{row.records:,}")
        out.print(table)
    else:
        out.print("No searches yet: `mnr import FILE --database NAME` adds one.")
    if state.stages:
        out.print(_screening_table(state))


def _screening_table(state: review.ReviewStatus) -> Table:
    table = Table(title="Screening", title_justify="left")
    for column in ("stage", "works", "Y", "N", "M", "waiting", "conflicts", "decided by"):
        table.add_column(column, justify="left" if column in ("stage", "decided by")
                         else "right")
    for summary in state.stages:
        table.add_row(summary.stage, f"{summary.works:,}", f"{summary.included:,}",
                      f"{summary.excluded:,}", f"{summary.maybe:,}",
                      f"{summary.pending:,}", f"{summary.conflicts:,}",
                      ", ".join(f"{r} {n:,}" for r, n in summary.decided.items()))
    return table
