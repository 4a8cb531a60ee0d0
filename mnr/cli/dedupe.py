"""`mnr dedupe` and `mnr export`: records grouped into works, the pairs waiting for a person,
and the records (or one merged record per work) written out."""

from __future__ import annotations

from pathlib import Path

import click
from rich.table import Table

from mnr.cli import main
from mnr.cli.common import (
    OUTPUT,
    err,
    handles_errors,
    open_library,
    out,
    print_json,
    writing,
)
from mnr.dedupe import passes, queue
from mnr.display import plural
from mnr.errors import MnrError
from mnr.library import Library
from mnr.project import find_project
from mnr.review import ReviewStatus, record_id, status, work_id


@main.command()
@click.option("--review", is_flag=True, help="Review the uncertain pairs side by side (TUI).")
@click.option("--pairs", "list_pairs", is_flag=True,
              help="List the uncertain pairs waiting for review.")
@click.option("--decide", nargs=3, metavar="RA RB DECISION",
              help="Decide a pair without the TUI: merge, apart or skip.")
@click.option("--undo", is_flag=True,
              help="Undo the latest automatic pass (with --reviewer: that reviewer's "
                   "latest decision).")
@click.option("--split", "split", metavar="WORK", help="Split a work back into its records.")
@click.option("--reviewer", help="Who decides (initials, as in review.toml).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@handles_errors
def dedupe(review: bool, list_pairs: bool, decide: tuple[str, str, str] | None, undo: bool,
           split: str | None, reviewer: str | None, as_json: bool) -> None:
    """Group records into works (one per publication), and review what is uncertain.

    Without options, runs an automatic pass over every record: clear duplicates
    are merged, uncertain pairs wait for a person, and every earlier merge or
    keep-apart decision still holds. Records are never deleted; any grouping
    can be undone.

    \b
    Example:
      mnr dedupe                      # automatic pass
      mnr dedupe --review --reviewer BH
      mnr dedupe --pairs --json
      mnr dedupe --decide R12 R40 apart --reviewer BH
      mnr dedupe --split W12 --reviewer BH
      mnr dedupe --undo               # undo the latest pass
    """
    project = find_project()
    if (review or decide or split or (undo and reviewer)) and not reviewer:
        raise click.UsageError("say who decides with --reviewer INITIALS")
    settings = project.settings()
    if reviewer:
        settings.check_reviewer(reviewer)
    with open_library(project) as library:
        if review:
            from mnr.tui.app import run_dedupe_review

            library.close()
            run_dedupe_review(project, reviewer or "")
            return
        if list_pairs:
            _print_pairs(queue.review_queue(library), as_json)
            return
        _change(library, decide, split, undo, reviewer)
        state = status(library, settings, screening=False)
        _print_counts(state, library.works.overlaps(), as_json)


def _change(library: Library, decide: tuple[str, str, str] | None, split: str | None,
            undo: bool, reviewer: str | None) -> None:
    """Decide a pair, split a work, undo, or (by default) run an automatic pass."""
    if decide:
        first, second, decision = decide
        passes.decide(library, record_id(first), record_id(second), decision.lower(),
                      reviewer or "")
        err.print(f"Recorded {decision.lower()} for {first.upper()} and {second.upper()}.")
    elif split:
        members = passes.split_work(library, work_id(split), reviewer or "")
        err.print(f"Split {split.upper()} into {len(members)} records; "
                  "they stay apart in later passes.")
    elif undo and reviewer:
        undone = passes.undo_decision(library, reviewer)
        if undone is None:
            raise MnrError(f"{reviewer} has no decision left to undo")
        err.print(f"Undid {reviewer}'s {undone.decision} of R{undone.record_a} and "
                  f"R{undone.record_b}.")
    elif undo:
        run_id = passes.undo_pass(library)
        err.print(f"Undid deduplication pass {run_id}; works are as they were before it.")
    else:
        with err.status("Deduplicating…"):
            result = passes.deduplicate(library)
        err.print(f"Compared {result.records:,} records in {result.seconds:.1f} s: "
                  f"{result.duplicate_pairs:,} duplicate pairs merged, "
                  f"{result.review_pairs:,} uncertain pairs to review "
                  "(`mnr dedupe --review --reviewer YOU`)"
                  + (f", {plural(result.related_pairs, 'related report')} (errata, "
                     "replies, retractions, reprints) logged with their papers: `mnr studies "
                     "suggest`"
                     if result.related_pairs else "")
                  + ("." if result.changed else "; nothing changed since the last pass."),
                  highlight=False)


def _print_counts(state: ReviewStatus, overlapping: dict[tuple[str, str], int],
                  as_json: bool) -> None:
    counts = state.works
    overlaps = sorted(overlapping.items(), key=lambda item: (-item[1], item[0]))
    if as_json:
        print_json({
            "pairs_to_review": state.pairs_to_review, "records": counts.records,
            "works": counts.works, "records_merged": counts.records_merged,
            "duplicates_removed": counts.duplicates_removed,
            "records_not_deduplicated": counts.unassigned,
            "overlaps": [{"databases": list(pair), "works": n} for pair, n in overlaps],
        })
        return
    out.print(state.deduplication(), highlight=False)
    if counts.unassigned:
        out.print(f"{counts.unassigned:,} records imported since the last pass: "
                  "run `mnr dedupe`", highlight=False)
    if overlaps:
        table = Table(title="Works found in both databases", title_justify="left")
        table.add_column("databases")
        table.add_column("works", justify="right")
        for (first, second), n in overlaps:
            table.add_row(f"{first} & {second}", f"{n:,}")
        out.print(table)


def _print_pairs(items: list[queue.ReviewItem], as_json: bool) -> None:
    if as_json:
        print_json([{
            "record_a": item.record_a.label, "record_b": item.record_b.label,
            "score": round(item.pair.score, 3), "reason": item.pair.reason,
            "title_a": item.record_a.title, "title_b": item.record_b.title,
            "databases": [item.record_a.database, item.record_b.database],
        } for item in items])
        return
    table = Table(title=f"{len(items)} pairs to review", title_justify="left")
    for column in ("pair", "score", "reason", "titles"):
        table.add_column(column, overflow="fold")
    for item in items:
        table.add_row(f"{item.record_a.label} {item.record_b.label}", f"{item.pair.score:.2f}",
                      item.pair.reason,
                      f"{item.record_a.title or ''}\n{item.record_b.title or ''}")
    out.print(table)


@main.command()
@click.argument("format_name", metavar="FORMAT",
                type=click.Choice(["ris", "bibtex", "csljson", "endnote-xml", "csv", "json"]))
@OUTPUT
@click.option("--what", type=click.Choice(["records", "works"]), default=None,
              help="Every record (with its work), or one merged record per work (the "
                   "default when a selection is given).")
@click.option("--included", is_flag=True,
              help="Only the works included at the last stage (the review's studies).")
@click.option("--stage", help="Only the works that reached this screening stage ...")
@click.option("--outcome", type=click.Choice(["y", "n", "m"]),
              help="... with this outcome there (with --stage).")
@click.option("--tradition", help="Only the works tagged with this tradition.")
@click.option("--include-withdrawn", is_flag=True, help="Also export withdrawn searches.")
@handles_errors
def export(format_name: str, output: Path | None, what: str | None, included: bool,
           stage: str | None, outcome: str | None, tradition: str | None,
           include_withdrawn: bool) -> None:
    """Export records, or works (the fullest merged record of each, with the databases
    that found it), all of them or a selection: the included studies, the works with an
    outcome at a stage, the works of a tradition. RIS (EndNote, Zotero, Mendeley),
    BibTeX, CSL-JSON (Zotero, citeproc), EndNote XML, CSV, or JSON.

    \b
    Example:
      mnr export csv -o records.csv
      mnr export ris --what works -o deduplicated.ris
      mnr export ris --included -o included.ris
      mnr export csv --stage title --outcome n -o excluded-on-title.csv
      mnr export bibtex --tradition "Service users' and carers' experiences"
    """
    from mnr.formats.writers import WRITERS
    from mnr.synthesis.selection import Selection, select
    from mnr.works import to_export

    selection = Selection(included, stage, outcome, tradition)
    what = what or ("works" if selection.asked else "records")
    project = find_project()
    with open_library(project) as library:
        if what == "works" and include_withdrawn:
            raise click.UsageError("works are made of the active searches only")
        if selection.asked and include_withdrawn:
            raise click.UsageError("a selection is of works, made of the active searches only")
        work_ids = select(library, project.settings(), selection) if selection.asked else None
        chosen = to_export(library, merged=what == "works",
                           include_withdrawn=include_withdrawn, work_ids=work_ids)
        if chosen.not_deduplicated:
            err.print("Some records are not deduplicated yet; `mnr dedupe` groups them.")
        with writing(output) as stream:
            count = WRITERS[format_name](chosen.records, stream)
    which = f" ({selection.says()})" if selection.asked else ""
    err.print(f"Exported {count:,} {what}{which}" + (f" to {output}" if output else "") + ".",
              highlight=False)
