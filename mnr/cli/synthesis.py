"""`mnr synthesis`, `mnr appraisal` and `mnr extraction`: the work after screening on each
included study (appraisal with checklists, data extraction and the evidence table), and all
of the synthesis as one file."""

from __future__ import annotations

from pathlib import Path

import click
from rich.text import Text

from mnr import review
from mnr.cli import main
from mnr.cli.common import (
    OUTPUT,
    REVIEWER,
    err,
    handles_errors,
    open_library,
    out,
    reviewer_for,
    stdout,
    writing,
)
from mnr.project import find_project
from mnr.synthesis import extraction as extract


@main.group()
def synthesis() -> None:
    """Appraisals, extractions, tags, traditions, themes and memos as one JSON file.

    Every act is already in judgements/; the file is for exchange (another copy of
    the review, a colleague without git).

    \b
    Example:
      mnr synthesis export -o synthesis.json
      mnr synthesis import colleague.json
    """


@synthesis.command("export")
@OUTPUT
@handles_errors
def synthesis_export(output: Path | None) -> None:
    """Write everything done after screening, works named by record id.

    \b
    Example:
      mnr synthesis export -o synthesis.json
    """
    from mnr.synthesis.file import export

    project = find_project()
    with open_library(project) as library, writing(output, newline=None) as stream:
        count = export(library, stream, project.settings())
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
    with open_library(project) as library:
        count = import_file(library, project.settings(), file)
    err.print(f"Imported {count:,} entries from {file}.")


@main.group()
def appraisal() -> None:
    """Appraisal of included studies with checklists (CASP built in; your own from files).

    \b
    Example:
      mnr appraisal checklists
      mnr appraisal set W12 --checklist casp-qualitative --answer 1=yes --reviewer BH
      mnr appraisal compare
      mnr appraisal consensus W12 --answer 4=cant_tell --reviewer BH
      mnr appraisal summary
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
        parts = "; ".join(f"{q.number} as {', '.join(i.number for i in q.items)}"
                          for q in checklist.questions if q.items)
        out.print(Text.assemble(
            (checklist.id, "bold"), f"  {checklist.name}: {checklist.version}; "
            f"{len(checklist.questions)} questions ({len(checklist.screening)} screening"
            + (f"; {len(checklist.pick)} alternative sections" if checklist.pick else "")
            + (f"; answered in parts: {parts}" if parts else "")
            + f"); {checklist.source}"), highlight=False)


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

    given = _answers(answers)
    project = find_project()
    with open_library(project) as library:
        save(library, project.settings(), review.work_id(work), reviewer, checklist_id, given,
             commentary)
    err.print(f"Saved {reviewer}'s appraisal of {work.upper()} ({len(given)} answers).")


def _answers(answers: tuple[str, ...]) -> dict[str, dict[str, str]]:
    """{number: {"answer", "comment"}} from --answer N=ANSWER[:COMMENT] options."""
    given: dict[str, dict[str, str]] = {}
    for item in answers:
        number, sep, rest = item.partition("=")
        if not sep or not number.strip():
            raise click.UsageError(f"--answer {item!r}: write it as N=ANSWER[:COMMENT]")
        answer, _, comment = rest.partition(":")
        given[number.strip()] = {"answer": answer.strip(), "comment": comment.strip()}
    return given


@appraisal.command("compare")
@click.option("--work", "works", multiple=True, metavar="W",
              help="Only this work (repeatable); default: every work two people appraised.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@handles_errors
def appraisal_compare(works: tuple[str, ...], as_json: bool) -> None:
    """Where two or more appraisers answered a question differently, per work.

    Only yes / no / can't tell answers are compared; a consensus recorded since is shown
    beside the disagreement it settles.

    \b
    Example:
      mnr appraisal compare
      mnr appraisal compare --work W12 --json
    """
    from mnr.cli.common import print_json
    from mnr.synthesis.appraisal.consensus import compare

    project = find_project()
    wanted = {review.work_id(w) for w in works} or None
    with open_library(project) as library:
        found = compare(library, project.settings(), wanted)
    if as_json:
        print_json({"works": found.works, "questions": found.questions,
                    "agreed": found.agreed, "settled": found.settled,
                    "disagreements": [d.as_dict() for d in found.disagreements]})
        return
    for item in found.disagreements:
        given = ", ".join(f"{r} {a}" for r, a in item.answers.items())
        line = Text.assemble((f"W{item.work_id}", "bold"), f"  {item.study}  ",
                             (item.question, "bold"), f" {item.label}: {given}")
        line.append(f"  → consensus {item.consensus}" if item.consensus is not None
                    else "  (no consensus yet)", "green" if item.consensus else "yellow")
        out.print(line, highlight=False)
    share = f" ({found.agreed / found.questions:.0%})" if found.questions else ""
    err.print(f"{found.works:,} works appraised by two or more people; {found.agreed:,} of "
              f"{found.questions:,} questions answered alike{share}; "
              f"{len(found.disagreements):,} disagreements, {found.settled:,} settled by "
              "consensus.", highlight=False)


@appraisal.command("consensus")
@click.argument("work")
@click.option("--answer", "answers", multiple=True, required=True,
              metavar="N=ANSWER[:COMMENT]",
              help="An answer the appraisers agreed (repeatable), e.g. 5a=no:age not adjusted.")
@click.option("--checklist", "checklist_id",
              help="The checklist agreed on (needed only if the appraisers used different ones).")
@REVIEWER
@handles_errors
def appraisal_consensus(work: str, answers: tuple[str, ...], checklist_id: str | None,
                        reviewer: str | None) -> None:
    """Log answers two or more appraisers agreed after appraising a work independently.

    Each answer is its own entry in the judgement log; the latest per question counts,
    and the summary and exports use it in place of the appraisers' own answers.

    \b
    Example:
      mnr appraisal consensus W12 --answer 3=cant_tell --answer "5a=no:age not adjusted" \\
          --reviewer BH
    """
    from mnr.synthesis.appraisal.consensus import record

    given = _answers(answers)
    project = find_project()
    settings = project.settings()
    who = reviewer_for(settings, reviewer)
    work_id = review.work_id(work)
    with open_library(project) as library:
        checklist = record(library, settings, work_id, given, who, checklist_id)
    err.print(f"Recorded {len(given)} consensus "
              f"{'answer' if len(given) == 1 else 'answers'} for W{work_id} "
              f"({checklist.version}), by {who}.", highlight=False)


@appraisal.command("summary")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@handles_errors
def appraisal_summary(as_json: bool) -> None:
    """Each appraised study's final answers: consensus where recorded, else what its
    appraisers agreed; counts of Yes / No / Can't tell (never a score).

    \b
    Example:
      mnr appraisal summary --json
    """
    from mnr.cli.common import print_json
    from mnr.synthesis.appraisal.consensus import summary

    project = find_project()
    with open_library(project) as library:
        rows = summary(library, project.settings())
    if as_json:
        print_json(rows)
        return
    for row in rows:
        counts = row["counts"]
        line = Text.assemble((str(row["work"]), "bold"), f"  {row['study']}  ",
                             f"{row['version']}  by {', '.join(row['appraisers'])}: "
                             f"Yes {counts['yes']} · No {counts['no']} · "
                             f"Can't tell {counts['cant_tell']}")
        if row["consensus"]:
            line.append(f" · {row['consensus']} by consensus", "green")
        if row["disputed"]:
            line.append(f" · {len(row['disputed'])} disputed "
                        f"({', '.join(row['disputed'])})", "yellow")
        out.print(line, highlight=False)


@appraisal.command("export")
@OUTPUT
@handles_errors
def appraisal_export(output: Path | None) -> None:
    """Every current appraisal as CSV: one row per question, plus the commentary.

    \b
    Example:
      mnr appraisal export -o appraisal.csv
    """
    from mnr.synthesis.appraisal.appraise import export_csv

    project = find_project()
    with open_library(project) as library, writing(output) as stream:
        rows = export_csv(library, project.settings(), stream)
    err.print(f"Exported {rows:,} rows" + (f" to {output}" if output else "") + ".")


@main.group()
def extraction() -> None:
    """Data extraction with review.toml's [extraction] fields, and the evidence table.

    \b
    Example:
      mnr extraction set W12 --field "Setting=Community teams" --field "Country=UK" \\
          --reviewer BH
      mnr extraction export --format xlsx -o evidence.xlsx
    """


@extraction.command("export")
@click.option("--format", "fmt", type=click.Choice(list(extract.FORMATS)), default="csv",
              show_default=True, help="csv, md or xlsx (xlsx needs -o).")
@OUTPUT
@handles_errors
def extraction_export(fmt: str, output: Path | None) -> None:
    """The evidence table: one row per included study (author-year), one column per field;
    the XLSX (sheet "Evidence table") also has each study's full reference and DOI.

    \b
    Example:
      mnr extraction export --format xlsx -o evidence.xlsx
      mnr extraction export --format md
    """
    extract.check_output(fmt, output)
    project = find_project()
    settings = project.settings()
    with open_library(project) as library:
        columns, rows = extract.evidence_table(library, settings, references=fmt == "xlsx")
    extract.write(columns, rows, fmt, output if output is not None else stdout())
    if output is not None:
        err.print(f"Wrote the evidence table ({len(rows)} studies) to {output}.")


@extraction.command("compare")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of lines.")
@handles_errors
def extraction_compare(as_json: bool) -> None:
    """Where two or more extractors filled a field of a study differently (a field one
    filled and one left blank counts). Each extracts in a form of their own; a save of
    the value they agreed settles the field.

    \b
    Example:
      mnr extraction compare
      mnr extraction set W12 --field "Setting=Community teams" --reviewer BH   # agreed
    """
    from mnr.cli.common import print_json

    project = find_project()
    with open_library(project) as library:
        double, fields, found = extract.compare(library, project.settings())
    if as_json:
        print_json({"studies": double, "fields": fields,
                    "disagreements": [d.as_dict() for d in found]})
        return
    for item in found:
        given = "; ".join(f"{who}: {value or '(blank)'}" for who, value in item.values.items())
        out.print(Text.assemble((f"W{item.work_id}", "bold"), f"  {item.study}  ",
                                (item.field, "bold"), f"  {given}"), highlight=False)
    err.print(f"{double:,} studies extracted by two or more people; {fields - len(found):,} "
              f"of {fields:,} fields filled alike; {len(found):,} to settle.",
              highlight=False)


@extraction.command("set")
@click.argument("work")
@click.option("--field", "fields", multiple=True, required=True, metavar="NAME=VALUE",
              help="A field of the template and its value (repeatable).")
@REVIEWER
@handles_errors
def extraction_set(work: str, fields: tuple[str, ...], reviewer: str | None) -> None:
    """Save an extraction without the TUI; fields not named keep the value you saved last.

    \b
    Example:
      mnr extraction set W12 --field "Setting=Community mental health teams" \\
          --field "Study design=Qualitative interviews" --reviewer BH
    """
    given: dict[str, str] = {}
    for item in fields:
        name, equals, value = item.partition("=")
        if not equals or not name.strip():
            raise click.UsageError(f"{item!r}: give a field as NAME=VALUE")
        given[name.strip()] = value
    project = find_project()
    settings = project.settings()
    who = reviewer_for(settings, reviewer)
    work_id = review.work_id(work)
    with open_library(project) as library:
        extract.update(library, settings, work_id, who, given)
    err.print(f"Saved {who}'s extraction of W{work_id} ({len(given)} fields set).",
              highlight=False)
