"""`mnr appraisal ...`, and `mnr synthesis export|import`: the work after screening as a file."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from mnr.cli import _library, _work_id, err, handles_errors, main, out
from mnr.project import find_project


@main.group()
def synthesis() -> None:
    """Appraisals, extractions, tags, traditions, themes and memos as one JSON file.

    A library/synthesis.json is replayed when the library is built on first use.

    \b
    Example:
      mnr synthesis export -o library/synthesis.json
      mnr synthesis import colleague.json
    """


@synthesis.command("export")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file instead of stdout.")
@handles_errors
def synthesis_export(output: Path | None) -> None:
    """Write everything done after screening, works named by record id.

    \b
    Example:
      mnr synthesis export -o library/synthesis.json
    """
    from mnr.synthesis.file import export

    with _library(find_project()) as library:
        if output is None:
            count = export(library, sys.stdout)
        else:
            with output.open("w", encoding="utf-8") as stream:
                count = export(library, stream)
    err.print(f"Exported {count:,} entries" + (f" to {output}" if output else "") + ".")


@synthesis.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@handles_errors
def synthesis_import(file: Path) -> None:
    """Read a synthesis file into this library; every entry is checked first.

    \b
    Example:
      mnr synthesis import colleague.json
    """
    from mnr.synthesis.file import import_file

    project = find_project()
    with _library(project) as library:
        count = import_file(library, project.settings(), file)
    err.print(f"Imported {count:,} entries from {file}.")


@main.group()
def appraisal() -> None:
    """Appraisal of included studies with checklists (CASP built in; your own from files).

    \b
    Example:
      mnr appraisal checklists
      mnr appraisal set W12 --checklist casp-qualitative --answer 1=yes --reviewer BH
      mnr appraisal export -o appraisal.csv
    """


@appraisal.command("checklists")
@handles_errors
def appraisal_checklists() -> None:
    """List the checklists: id, name, questions, where they come from.

    \b
    Example:
      mnr appraisal checklists
    """
    from mnr.synthesis.appraisal.appraise import checklists

    for checklist in checklists(find_project().settings()).values():
        screening = sum(1 for q in checklist.questions if q.screening)
        out.print(f"[bold]{checklist.id}[/bold]  {checklist.name}: "
                  f"{len(checklist.questions)} questions ({screening} screening); "
                  f"{checklist.source}", highlight=False)


@appraisal.command("set")
@click.argument("work")
@click.option("--checklist", "checklist_id", required=True, help="A checklist id.")
@click.option("--answer", "answers", multiple=True, metavar="N=ANSWER[:COMMENT]",
              help="One question's answer (yes, no, cant_tell, or text), e.g. 3=no:small sample.")
@click.option("--commentary", help="The free-text commentary on design and reporting.")
@click.option("--reviewer", required=True, help="Who appraised it.")
@handles_errors
def appraisal_set(work: str, checklist_id: str, answers: tuple[str, ...],
                  commentary: str | None, reviewer: str) -> None:
    """Record an appraisal without the TUI (it replaces this reviewer's earlier one).

    \b
    Example:
      mnr appraisal set W12 --checklist casp-qualitative --answer 1=yes \\
          --answer "4=cant_tell:recruitment unclear" --reviewer BH
    """
    from mnr.synthesis.appraisal.appraise import save

    given: dict[str, dict[str, str]] = {}
    for item in answers:
        number, sep, rest = item.partition("=")
        if not sep or not number.strip():
            raise click.UsageError(f"--answer {item!r}: write it as N=ANSWER[:COMMENT]")
        answer, _, comment = rest.partition(":")
        given[number.strip()] = {"answer": answer.strip(), "comment": comment.strip()}
    project = find_project()
    with _library(project) as library:
        save(library, project.settings(), _work_id(work), reviewer, checklist_id, given,
             commentary)
    err.print(f"Saved {reviewer}'s appraisal of {work.upper()} ({len(given)} answers).")


@appraisal.command("export")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file instead of stdout.")
@handles_errors
def appraisal_export(output: Path | None) -> None:
    """Every current appraisal as CSV: one row per question, plus the commentary.

    \b
    Example:
      mnr appraisal export -o appraisal.csv
    """
    from mnr.synthesis.appraisal.appraise import export_csv

    project = find_project()
    with _library(project) as library:
        if output is None:
            rows = export_csv(library, project.settings(), sys.stdout)
        else:
            with output.open("w", encoding="utf-8", newline="") as stream:
                rows = export_csv(library, project.settings(), stream)
    err.print(f"Exported {rows:,} rows" + (f" to {output}" if output else "") + ".")
