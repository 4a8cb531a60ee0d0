"""`mnr remove`: works removed before screening with a reason (PRISMA 2020's "records
removed before screening"), put back, and listed."""

from __future__ import annotations

import click
from rich.table import Table

from mnr.cli import main
from mnr.cli.common import err, handles_errors, open_library, optional_reviewer, out, print_json
from mnr.project import find_project
from mnr.review import work_id as parse_work
from mnr.screening.remove import REASONS, restore
from mnr.screening.remove import remove as remove_work


@main.command()
@click.argument("work", required=False)
@click.option("--reason", type=click.Choice(list(REASONS)),
              help="Why: retracted, ineligible-by-automation (a tool marked it), or other "
                   "(with --label).")
@click.option("--label", help="The reason in your words (needed with --reason other).")
@click.option("--undo", is_flag=True, help="Put a removed work back in the screening list.")
@click.option("--reviewer", help="Who removes it (your initials).")
@click.option("--list", "listing", is_flag=True, help="List the works removed now.")
@click.option("--json", "as_json", is_flag=True, help="With --list: print JSON.")
@handles_errors
def remove(work: str | None, reason: str | None, label: str | None, undo: bool,
           reviewer: str | None, listing: bool, as_json: bool) -> None:
    """Remove a work before screening, with a reason: it leaves the screening list and
    counts in PRISMA's "records removed before screening" (marked as ineligible by
    automation tools, or removed for other reasons). Logged, and taken back with --undo.

    \b
    Example:
      mnr remove W12 --reason retracted --reviewer BH
      mnr remove W40 --reason ineligible-by-automation --label "RobotSearch: not an RCT"
      mnr remove W41 --reason other --label "Conference abstract of W40"
      mnr remove W12 --undo --reviewer BH
      mnr remove --list
    """
    project = find_project()
    settings = project.settings()
    with open_library(project) as library:
        if listing:
            if work or reason or undo:
                raise click.UsageError("--list takes no work, --reason or --undo")
            removed = sorted(library.screening.removed().items())
            if as_json:
                print_json([{"work": f"W{w}", "reason": r.reason, "label": r.label,
                             "by": r.removed_by, "at": r.removed_at} for w, r in removed])
                return
            table = Table(title=f"{len(removed)} works removed before screening",
                          title_justify="left")
            for column in ("work", "reason", "label", "by", "at"):
                table.add_column(column, overflow="fold")
            for w, r in removed:
                table.add_row(f"W{w}", r.reason or "", r.label or "", r.removed_by or "",
                              r.removed_at[:10])
            out.print(table)
            return
        if work is None:
            raise click.UsageError("name the work to remove (e.g. W12), or give --list")
        number = parse_work(work)
        who = optional_reviewer(settings, reviewer)
        if undo:
            if reason or label:
                raise click.UsageError("--undo puts the work back; it takes no --reason")
            restore(library, number, who)
            err.print(f"W{number} is back in the screening list.")
            return
        if reason is None:
            raise click.UsageError(f"say why with --reason ({', '.join(REASONS)})")
        removal = remove_work(library, number, reason, label, who)
    words, _ = REASONS[reason]
    said = f" ({removal.label})" if removal.label else ""
    err.print(f"Removed W{number} before screening: {words}{said}. `mnr prisma` counts it; "
              f"`mnr remove W{number} --undo` puts it back.", highlight=False)
