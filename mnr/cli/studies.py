"""`mnr studies`: the reports of one study linked together (PRISMA counts studies and
reports apart; appraisal, extraction and tradition tags belong to the study)."""

from __future__ import annotations

import click
from rich.table import Table

from mnr import review
from mnr.cli import main
from mnr.cli.common import (
    REVIEWER,
    err,
    handles_errors,
    open_library,
    optional_reviewer,
    out,
    print_json,
)
from mnr.display import plural, printable
from mnr.errors import MnrError
from mnr.project import find_project
from mnr.synthesis import links

_OUTCOMES = {"y": "included", "n": "excluded", "m": "maybe"}


@main.group(invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.pass_context
@handles_errors
def studies(ctx: click.Context, as_json: bool) -> None:
    """Studies with more than one report (a protocol, the main paper, a follow-up), each
    report with its outcome at the last screening stage.

    \b
    Example:
      mnr studies
      mnr studies --json
      mnr studies link W12 W40        (W40, a report, joins the study of W12)
      mnr studies unlink W40
      mnr studies suggest             (errata and replies found by `mnr dedupe`)
    """
    if ctx.invoked_subcommand is not None:
        return
    project = find_project()
    with open_library(project) as library:
        found = links.linked_studies(library, project.settings())
    if as_json:
        print_json([study.as_dict() for study in found])
        return
    if not found:
        out.print("No reports are linked: each work is a study of its own. "
                  "`mnr studies link W12 W40` makes W40 a report of W12's study.")
        return
    table = Table(title="Studies with several reports", title_justify="left")
    for column in ("study", "report", "year", "title", "screening"):
        table.add_column(column, overflow="fold")
    for study in found:
        for number, report in enumerate(study.reports):
            merged = report.work.merged
            table.add_row(f"W{study.lead.work_id}" if number == 0 else "",
                          f"W{report.work_id}" + (" (lead)" if number == 0 else ""),
                          str(merged.year or ""), printable(merged.title or "(no title)"),
                          _outcome(report))
    out.print(table)
    included = sum(study.included for study in found)
    err.print(f"{len(found)} {'study' if len(found) == 1 else 'studies'} with several "
              f"reports ({included} included).")


def _outcome(report: links.Report) -> str:
    """"included", or where it left the flow: "excluded at abstract"."""
    if report.included:
        return "included"
    if not report.stage:
        return "not screened"
    said = _OUTCOMES.get(report.outcome, report.outcome)
    return f"{said} at {report.stage}"


@studies.command("link")
@click.argument("study")
@click.argument("reports", nargs=-1, required=True)
@REVIEWER
@handles_errors
def studies_link(study: str, reports: tuple[str, ...], reviewer: str | None) -> None:
    """Link REPORTS to the study of STUDY: they are one study, reported several times.

    \b
    Example:
      mnr studies link W12 W40
      mnr studies link W12 W40 W41 --reviewer BH
    """
    project = find_project()
    settings = project.settings()
    who = optional_reviewer(settings, reviewer)
    lead = review.work_id(study)
    with open_library(project) as library:
        made = links.link(library, lead, [review.work_id(r) for r in reports], who)
        study_of = library.studies.study_of()
    head = study_of.get(lead, lead)
    if not made:
        err.print(f"Already linked: nothing was changed (the study of W{head}).")
        return
    members = sorted(w for w, s in study_of.items() if s == head)
    err.print(f"Linked {', '.join(f'W{r}' for r, _ in made)} to the study of W{head}; its "
              f"reports: W{head} (lead), {', '.join(f'W{w}' for w in members)}.",
              highlight=False)


@studies.command("suggest")
@click.option("--accept", is_flag=True,
              help="Link every suggestion (each link is an act, as with `mnr studies link`).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@REVIEWER
@handles_errors
def studies_suggest(accept: bool, as_json: bool, reviewer: str | None) -> None:
    """Errata, replies, retraction notices and reprints that deduplication found with the
    paper they name, as reports of that paper's study: they are screened apart (each is
    a work of its own) but counted, appraised and shown with their study once linked.

    \b
    Example:
      mnr dedupe && mnr studies suggest
      mnr studies suggest --accept --reviewer BH
    """
    project = find_project()
    with open_library(project) as library:
        if library.works.current_run() is None:
            raise MnrError("no deduplication pass yet: `mnr dedupe` finds the errata, replies "
                           "and retraction notices to suggest")
        found = links.suggested_links(library)
        if accept and found:
            who = optional_reviewer(project.settings(), reviewer)
            links.link_all(library, [(s.study, [s.report]) for s in found], who)
    if as_json:
        print_json([{"report": f"W{s.report}", "study": f"W{s.study}", "reason": s.reason,
                     "report_title": s.report_title, "study_title": s.study_title,
                     "linked": accept} for s in found])
        return
    if not found:
        out.print("No suggestions: every related report deduplication found (an erratum, a "
                  "reply, a retraction notice, a reprint) is linked to its paper's study.")
        return
    table = Table(title="Related reports and the papers they name", title_justify="left")
    for column in ("report", "of", "title", "why"):
        table.add_column(column, overflow="fold")
    for s in found:
        table.add_row(f"W{s.report}", f"W{s.study}", printable(s.report_title),
                      s.reason.removeprefix("related report (").replace("):", ":", 1))
    out.print(table)
    if accept:
        err.print(f"Linked {plural(len(found), 'related report')} to their papers' studies.")
    else:
        err.print(f"{len(found)} to link: `mnr studies suggest --accept` links them all, "
                  "`mnr studies link W12 W40` one at a time.")


@studies.command("unlink")
@click.argument("report")
@REVIEWER
@handles_errors
def studies_unlink(report: str, reviewer: str | None) -> None:
    """Take REPORT out of its study: it is a study of its own again.

    \b
    Example:
      mnr studies unlink W40
    """
    project = find_project()
    who = optional_reviewer(project.settings(), reviewer)
    work_id = review.work_id(report)
    with open_library(project) as library:
        lead = library.studies.study_of().get(work_id)
        links.unlink(library, work_id, who)
    err.print(f"Unlinked W{work_id} from the study of W{lead}: it is a study of its own.",
              highlight=False)
