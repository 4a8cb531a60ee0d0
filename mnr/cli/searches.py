"""`mnr import` and `mnr searches`: importing exports as searches, the search log, withdrawal."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.table import Table

from mnr.cli import main
from mnr.cli.common import (
    err,
    error_line,
    handles_errors,
    open_library,
    out,
    print_json,
    progress,
)
from mnr.errors import MnrError
from mnr.library import Library, Search
from mnr.project import Project, find_project
from mnr.review import search_id
from mnr.searches import (
    OTHER_METHODS,
    ImportOptions,
    ImportResult,
    edit,
    import_file,
    import_log,
    other_method_category,
    withdraw,
)


def _report_import(result: ImportResult) -> None:
    search = result.search
    err.print(
        f"Imported {search.label} {search.database}: {search.record_count:,} records "
        f"(read as {search.format}) from {search.file_name}",
        highlight=False,
    )
    if search.review_round > 1 or search.update_of is not None:
        err.print(f"  Review round {search.review_round}"
                  + (f", an update of S{search.update_of}." if search.update_of else "."))
    if result.untitled:
        err.print(f"  {result.untitled} record(s) have no title; they are kept and flagged.")
    if result.copied_to:
        err.print(f"  Kept a copy in searches/{result.copied_to.name}.")
    for note in result.notes:
        err.print(f"  {note}")


def _import_each(project: Project, library: Library, files: tuple[Path, ...],
                 options: ImportOptions) -> list[MnrError]:
    """Import each file on its own, saying what it added or why not; the refusals."""
    failures = []
    for path in files:
        try:
            with progress(f"Importing {path.name}") as advance:
                result = import_file(project, library, path, options, advance)
        except MnrError as error:
            err.print(error_line(error.message), highlight=False)
            failures.append(error)
            continue
        _report_import(result)
    return failures


@main.command("import")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--database", help="The database searched, e.g. MEDLINE, CINAHL, Scopus.")
@click.option("--platform", help="The interface used, e.g. PubMed, Ovid, EBSCOhost.")
@click.option("--date", "search_date", help="When the search was run, YYYY-MM-DD.")
@click.option("--query", help="The search string as run.")
@click.option("--query-file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Read the search string from a file.")
@click.option("--limits", help="Limits applied, e.g. 'English; 1995-2016'.")
@click.option("--notes", help="Anything else worth logging.")
@click.option("--format", "format_name", help="Skip detection and read as this format.")
@click.option("--other-method", metavar="|".join(OTHER_METHODS),
              help="A source that is not a database: its PRISMA 2020 category "
                   f"({', '.join(OTHER_METHODS)}), with --label naming it.")
@click.option("--label", help="What the other-method source was, e.g. 'Hand searching' "
                              "(with --other-method; shown in the search log and PRISMA).")
@click.option("--register", is_flag=True, help="The source is a trials register.")
@click.option("--from-log", is_flag=True,
              help="Import every search in searches/log.toml not yet in the library.")
@click.option("--update-of", "update_of", metavar="SEARCH",
              help="An updated review: the earlier search this one re-runs, e.g. S1 (the "
                   "search joins the next review round).")
@click.option("--round", "review_round", type=click.IntRange(min=1),
              help="The review round the search belongs to (1: the original searches; "
                   "default: one after --update-of's, else 1).")
@handles_errors
def import_(files: tuple[Path, ...], database: str | None, platform: str | None,
            search_date: str | None, query: str | None, query_file: Path | None,
            limits: str | None, notes: str | None, format_name: str | None,
            other_method: str | None, label: str | None, register: bool,
            from_log: bool, update_of: str | None = None,
            review_round: int | None = None) -> None:
    """Import database exports as searches (each file whole or not at all).

    The format is detected from the content (RIS, MEDLINE/PubMed, Web of Science,
    Ovid, BibTeX, CSV, EndNote XML, CSL-JSON, Crossref JSON, ...). The file is
    kept in searches/ and the search is added to searches/log.toml.

    \b
    Example:
      mnr import medline.nbib --database MEDLINE --platform PubMed \\
          --date 2016-08-01 --query "care plan* AND mental health"
      mnr import scopus.csv --database Scopus
      mnr import medline-2019.nbib --database MEDLINE --update-of S1
      mnr import handsearch.ris --other-method other --label "Hand searching"
    """
    if not files and not from_log:
        raise click.UsageError("name at least one export file, or use --from-log")
    other_method, database = _other_method(other_method, label, database, register)
    if query_file is not None:
        query = query_file.read_text(encoding="utf-8").strip()
    options = ImportOptions(database=database, platform=platform, date=search_date,
                            query=query, limits=limits, notes=notes, format=format_name,
                            other_method=other_method, register=register,
                            update_of=search_id(update_of) if update_of else None,
                            review_round=review_round)
    project = find_project()
    with open_library(project) as library:
        if from_log:
            with progress("Importing logged searches") as advance:
                results = import_log(project, library, advance)
            for result in results:
                _report_import(result)
            if not results:
                err.print("Every logged search is already in the library.")
        failures = _import_each(project, library, files, options)
    if failures:
        if len(files) > 1:
            err.print(f"{len(failures)} of {len(files)} files were not imported; "
                      "the others were.")
        sys.exit(failures[0].exit_code)


def _other_method(other_method: str | None, label: str | None, database: str | None,
                  register: bool) -> tuple[str | None, str | None]:
    """The other-method category as given (a category, strictly) and the source's name:
    --label, which names the source as --database names a database."""
    if other_method is None:
        if label is not None:
            raise click.UsageError("--label names a source found by other methods; give "
                                   "its category with --other-method")
        return None, database
    if register:
        raise click.UsageError("a search is of a register or by other methods, not both")
    category = other_method_category(other_method, strict=True)
    if label is not None and database is not None and label != database:
        raise click.UsageError("give the source's name once: --label (or --database)")
    name = label or database
    if category == "other" and not name:
        raise click.UsageError("--other-method other needs --label naming the source, "
                               "e.g. --label 'Hand searching'")
    return category, name


@main.group(invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.pass_context
@handles_errors
def searches(ctx: click.Context, as_json: bool) -> None:
    """The search log: database, platform, date, query, file and records of each search.

    \b
    Example:
      mnr searches
      mnr searches --json
      mnr searches withdraw S3 --reason "wrong date limits"
      mnr searches edit S3 --date 2016-08-01
    """
    if ctx.invoked_subcommand is not None:
        return
    project = find_project()
    with open_library(project) as library:
        found = library.searches()
    if as_json:
        print_json([search.as_dict() for search in found])
    else:
        out.print(_searches_table(found))


def _searches_table(found: list[Search]) -> Table:
    table = Table(title="Searches", title_justify="left")
    for column in ("id", "database", "platform", "date", "query", "file", "format", "records"):
        table.add_column(column, justify="right" if column == "records" else "left",
                         overflow="fold")
    for search in found:
        query = (search.query or "").replace("\n", " ")
        table.add_row(
            search.label + (" (withdrawn)" if search.withdrawn else "")
            + (f" (round {search.review_round}" + (f", update of S{search.update_of})"
                                                   if search.update_of else ")")
               if search.review_round > 1 else ""),
            search.database + (f" [{search.other_method}]" if search.other_method
                               and search.other_method != search.database else ""),
            search.platform or "", search.search_date or "",
            query if len(query) <= 60 else query[:57] + "...",
            search.file_name, search.format, f"{search.record_count:,}",
        )
    return table


@searches.command("withdraw")
@click.argument("search")
@click.option("--reason", required=True, help="Why the search is withdrawn.")
@handles_errors
def searches_withdraw(search: str, reason: str) -> None:
    """Withdraw a search imported by mistake: its records are kept but no longer counted.

    \b
    Example:
      mnr searches withdraw S3 --reason "exported with the wrong limits"
    """
    project = find_project()
    with open_library(project) as library:
        withdrawn = withdraw(project, library, search_id(search), reason)
    err.print(f"Withdrew {withdrawn.label} ({withdrawn.database}, "
              f"{withdrawn.record_count:,} records).")


@searches.command("edit")
@click.argument("search")
@click.option("--database", help="The database searched, e.g. MEDLINE.")
@click.option("--platform", help="The interface used, e.g. PubMed, Ovid.")
@click.option("--date", "search_date", help="When the search was run, YYYY-MM-DD.")
@click.option("--query", help="The search string as run.")
@click.option("--limits", help="Limits applied, e.g. 'English; 1995-2016'.")
@click.option("--notes", help="Anything else worth logging.")
@handles_errors
def searches_edit(search: str, database: str | None, platform: str | None,
                  search_date: str | None, query: str | None, limits: str | None,
                  notes: str | None) -> None:
    """Correct what was logged of a search (its date, query, database...): the correction
    is appended to searches/log.toml as an [[edit]], and kept when the library is rebuilt.

    \b
    Example:
      mnr searches edit S3 --date 2016-08-01 --query "care plan* AND mental health"
    """
    given = {"database": database, "platform": platform, "date": search_date, "query": query,
             "limits": limits, "notes": notes}
    project = find_project()
    with open_library(project) as library:
        edited, changed = edit(project, library, search_id(search),
                               {key: value for key, value in given.items() if value is not None})
    for key, (before, after) in changed.items():
        err.print(f"{edited.label} {key}: {before or '(none)'} -> {after}", highlight=False,
                  markup=False)
    err.print(f"Corrected {edited.label} ({edited.database}); searches/log.toml has the "
              "correction.", highlight=False)
