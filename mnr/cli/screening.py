"""Screening commands: the screening TUI, scripted decisions, conflicts, agreement, the log."""

from __future__ import annotations

import os
from pathlib import Path

import click
from rich.table import Table

from mnr import review
from mnr.cli import main
from mnr.cli.common import (
    OUTPUT,
    REVIEWER,
    err,
    handles_errors,
    open_library,
    out,
    print_json,
    reviewer_for,
    writing,
)
from mnr.project import Project, Settings, find_project
from mnr.screening import decide as actions
from mnr.screening.state import load, ready_to_screen

_STAGE = click.option("--stage", help="The stage, as named in review.toml (default: the "
                                      "first stage with work left).")
_JSON = click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")


def _context(reviewer: str | None) -> tuple[Project, Settings, str]:
    """The review, its protocol and who is deciding."""
    project = find_project()
    settings = project.settings()
    return project, settings, reviewer_for(settings, reviewer)


@main.command()
@_STAGE
@REVIEWER
@handles_errors
def screen(stage: str | None, reviewer: str | None) -> None:
    """Screen works with y / n / m in the terminal (TUI).

    \b
    Example:
      mnr screen --reviewer BH
      mnr screen --stage fulltext --reviewer MC
    """
    project, settings, who = _context(reviewer)
    settings.check_reviewer(who)  # before the TUI starts, which would fail on it
    if stage is not None:
        settings.check_stage(stage)
    with open_library(project) as library:
        ungrouped = ready_to_screen(library)
    if ungrouped:
        err.print(f"{ungrouped:,} records imported since the last `mnr dedupe` are not in the "
                  "list until it runs again.", highlight=False)
    from mnr.tui.app import run_app

    run_app(project, reviewer=who, screen="screening", stage=stage)


@main.command()
@click.argument("work")
@click.argument("decision", type=click.Choice(["y", "n", "m"], case_sensitive=False))
@_STAGE
@REVIEWER
@click.option("--reason", help="Why the work is excluded: one of review.toml's "
                               "exclusion_reasons at a stage that needs a reason "
                               "(reason_required); free text elsewhere.")
@click.option("--note", help="A note kept with the decision.")
@handles_errors
def decide(work: str, decision: str, stage: str | None, reviewer: str | None,
           reason: str | None, note: str | None) -> None:
    """Record one screening decision without the TUI.

    \b
    Example:
      mnr decide W123 n --stage title --reviewer BH --reason "Inpatient sample"
    """
    project, settings, who = _context(reviewer)
    with open_library(project) as library:
        screening = load(library, settings)
        at = screening.stage(stage) if stage else screening.current_stage(who)
        work_id = review.work_id(work)
        actions.decide(library, at, work_id, who, decision, reason, note)
        err.print(f"Recorded {who}'s {decision.upper()} for {work.upper()} at the {at.name} "
                  f"stage; its outcome is now {at.outcome(work_id)}.", highlight=False)


@main.command()
@_STAGE
@REVIEWER
@handles_errors
def undo(stage: str | None, reviewer: str | None) -> None:
    """Take back your latest screening decision at a stage (the log keeps both).

    \b
    Example:
      mnr undo --stage title --reviewer BH
    """
    project, settings, who = _context(reviewer)
    with open_library(project) as library:
        screening = load(library, settings)
        at = screening.stage(stage) if stage else screening.latest_stage(who)
        undone = actions.undo_last(library, at, who)
        err.print(f"Undid {who}'s {(undone.decision or '').upper()} for W{undone.work_id} at "
                  f"the {at.name} stage.", highlight=False)


@main.command()
@_STAGE
@_JSON
@handles_errors
def conflicts(stage: str | None, as_json: bool) -> None:
    """Works whose reviewers disagree, with each decision, reason and note.

    Resolve one with `mnr resolve`, or on the Conflicts screen of `mnr`.

    \b
    Example:
      mnr conflicts --stage title
    """
    from mnr.screening.summary import conflicts as waiting

    project = find_project()
    settings = project.settings()
    with open_library(project) as library:
        found = waiting(library, load(library, settings), stage)
    if as_json:
        print_json([conflict.as_dict() for conflict in found])
        return
    table = Table(title=f"{len(found)} conflicts", title_justify="left")
    for column in ("stage", "work", "title", "decisions"):
        table.add_column(column, overflow="fold")
    for conflict in found:
        said = "\n".join(f"{reviewer}: {str(entry.decision).upper()}"
                         + (f" ({entry.reason})" if entry.reason else "")
                         + (f" - {entry.note}" if entry.note else "")
                         for reviewer, entry in conflict.decisions.items())
        table.add_row(conflict.stage, f"W{conflict.work_id}", conflict.title, said)
    out.print(table)


@main.command()
@click.argument("work")
@click.argument("decision", type=click.Choice(["y", "n", "m"], case_sensitive=False))
@_STAGE
@REVIEWER
@click.option("--reason", required=True,
              help="Why the conflict was resolved this way (n at a stage that needs a "
                   "reason: one of review.toml's exclusion_reasons, which PRISMA counts).")
@handles_errors
def resolve(work: str, decision: str, stage: str | None, reviewer: str | None,
            reason: str) -> None:
    """Resolve a conflict: the outcome, who decided it and why, as its own log entry.

    \b
    Example:
      mnr resolve W12 y --stage title --reviewer BH --reason "Discussed: community sample"
    """
    project, settings, who = _context(reviewer)
    with open_library(project) as library:
        screening = load(library, settings)
        work_id = review.work_id(work)
        at = screening.stage(stage) if stage else screening.stage_of_conflict(work_id)
        actions.resolve(library, at, work_id, who, decision, reason)
    err.print(f"Resolved {work.upper()} at the {at.name} stage: {decision.upper()}.")


@main.command()
@_STAGE
@_JSON
@handles_errors
def agreement(stage: str | None, as_json: bool) -> None:
    """Agreement between reviewers: observed, Cohen's kappa (Y/N/M, and M as Y), Gwet's AC1,
    Fleiss' kappa for three or more, and the table itself.

    \b
    Example:
      mnr agreement --stage title --json
    """
    from mnr.screening.summary import agreements

    project = find_project()
    settings = project.settings()
    with open_library(project) as library:
        results = agreements(load(library, settings), stage)
    if as_json:
        print_json([r.as_dict() for r in results])
        return
    for result in results:
        out.print(result.stage, style="bold", highlight=False)
        if not result.pairs:
            out.print("  no two reviewers have decided the same works yet")
        for pair in result.pairs:
            out.print(f"  {pair.reviewer_a} and {pair.reviewer_b}, {pair.n:,} works both decided: "
                      f"agreement {_fmt(pair.observed)}, kappa {_fmt(pair.kappa)}, "
                      f"kappa (M as Y) {_fmt(pair.kappa_maybe_as_yes)}, "
                      f"AC1 {_fmt(pair.gwet_ac1)}", highlight=False)
            table = Table(box=None, padding=(0, 2))
            table.add_column(f"{pair.reviewer_a} \\ {pair.reviewer_b}")
            for label in ("Y", "N", "M"):
                table.add_column(label, justify="right")
            for label, row in zip(("Y", "N", "M"), pair.table, strict=True):
                table.add_row(label, *(str(n) for n in row))
            out.print(table)
        if result.fleiss_kappa is not None:
            out.print(f"  Fleiss' kappa over {result.fleiss_works:,} works: "
                      f"{_fmt(result.fleiss_kappa)}", highlight=False)


def _fmt(value: float) -> str:
    return "n/a" if value != value else f"{value:.4f}"


@main.group()
def decisions() -> None:
    """The screening log: export it whole, or import decisions made elsewhere.

    \b
    Example:
      mnr decisions export -o decisions.csv
      mnr decisions import decisions.csv
    """


@decisions.command("export")
@OUTPUT
@handles_errors
def decisions_export(output: Path | None) -> None:
    """Write every decision, undo, resolution and note, in order, as CSV.

    \b
    Example:
      mnr decisions export -o decisions.csv
    """
    from mnr.screening.exchange import export_log

    project = find_project()
    with open_library(project) as library, writing(output) as stream:
        count = export_log(library, stream)
    err.print(f"Exported {count:,} log entries" + (f" to {output}" if output else "") + ".")


@decisions.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@handles_errors
def decisions_import(file: Path) -> None:
    """Import decisions made elsewhere (work or record id, reviewer, stage, decision, reason,
    note, time). Rows the log has already (a colleague's whole export, the same file
    again) are skipped; every other row is checked first; one bad row and nothing is imported.

    \b
    Example:
      mnr decisions import decisions.csv
    """
    from mnr.screening.exchange import import_decisions

    project = find_project()
    settings = project.settings()
    with open_library(project) as library:
        summary = import_decisions(library, settings, file)
    kinds = ", ".join(f"{n:,} {kind}s" for kind, n in summary.by_kind.items())
    told = (f"Imported {summary.rows:,} new rows from {file} ({kinds})" if summary.rows
            else f"Nothing new in {file}")
    if summary.present:
        told += f"; {summary.present:,} rows were in the log already, skipped"
    err.print(f"{told}.", highlight=False)


@main.group()
def fulltext() -> None:
    """Full texts: attach a PDF (under library/) or a URL to a work.

    \b
    Example:
      mnr fulltext attach W12 library/fulltexts/simpson2016.pdf
    """


@fulltext.command("attach")
@click.argument("work")
@click.argument("location")
@REVIEWER
@handles_errors
def fulltext_attach(work: str, location: str, reviewer: str | None) -> None:
    """Attach a full text to a work: a file under library/, or a URL.

    \b
    Example:
      mnr fulltext attach W12 library/fulltexts/simpson2016.pdf
      mnr fulltext attach W12 https://doi.org/10.1111/jpm.12345
    """
    from mnr.screening.fulltexts import attach

    project = find_project()
    who = reviewer or os.environ.get("MNR_REVIEWER")
    with open_library(project) as library:
        stored = attach(project, library, review.work_id(work), location, who)
    err.print(f"Attached {stored.location} to {work.upper()}.")
