"""The command line: thin commands over the step modules, one per step of the review.

Data goes to stdout (tables, or JSON with --json); messages and progress go
to stderr. Foreseeable errors print one line and exit non-zero, never a traceback.
"""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.progress import Progress as RichProgress
from rich.table import Table

from mnr import __version__
from mnr.errors import MnrError
from mnr.library import Library
from mnr.library.works import WorkCounts
from mnr.project import LIBRARY_DIR, Project, Settings, find_project, init_project
from mnr.review import DECISIONS_FILE, open_review
from mnr.searches import (
    ImportOptions,
    ImportResult,
    Progress,
    import_file,
    withdraw,
)

# Piped output is read by scripts and people alike: wide enough not to fold a table.
out = Console(width=None if sys.stdout.isatty() else 200)
err = Console(stderr=True, soft_wrap=True)  # messages name paths: never fold them

F = TypeVar("F", bound=Callable[..., Any])


def _print_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


@contextmanager
def _progress(label: str) -> Iterator[Progress]:
    """Records stored so far, with a bar and time left once the total is known, on stderr
    (hidden when stderr is not a terminal)."""
    with RichProgress(
        SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
        TextColumn("{task.completed:,} records"), TimeElapsedColumn(), TimeRemainingColumn(),
        console=err, transient=True, disable=not err.is_terminal,
    ) as bar:
        task = bar.add_task(label, total=None)

        def report(advance: int, total: int | None = None) -> None:
            bar.update(task, advance=advance, total=total)

        yield report


@contextmanager
def _library(project: Project) -> Iterator[Library]:
    """Open the project's library, building it from the search log on first use."""
    with _progress("Building the library from searches/log.toml") as advance:
        opened = open_review(project, advance)
    library = opened.library
    for result in opened.built:
        err.print(f"Imported {result.search.label} {result.search.database}: "
                  f"{result.search.record_count:,} records from searches/{result.search.file_name}")
    if opened.replayed is not None:
        err.print(f"Grouped the records into works and replayed {opened.replayed:,} screening log "
                  f"entries from {LIBRARY_DIR}/{DECISIONS_FILE}.", highlight=False)
    try:
        yield library
    finally:
        library.close()


def handles_errors(command: F) -> F:
    """Turn MnrError and Ctrl-C into a one-line message and an exit code."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except MnrError as error:
            err.print(f"[red]error:[/red] {escape(error.message)}", highlight=False,
                      markup=True)
            sys.exit(error.exit_code)
        except KeyboardInterrupt:
            err.print("Interrupted; the library is as it was before this command.")
            sys.exit(130)

    return wrapper  # type: ignore[return-value]


# Commands that live in the other modules of this package, by the module that defines
# them: a module is imported when one of its commands runs (or when help lists them all),
# so `mnr prisma` does not pay for the imports of the network or synthesis commands.
COMMAND_MODULES = {
    "screening": ["screen", "decide", "undo", "conflicts", "resolve", "agreement",
                  "decisions", "fulltext"],
    "prisma": ["prisma"],
    "network": ["network", "references", "backchain"],
    "chase": ["chase"],
    "files": ["synthesis", "appraisal"],
    "synthesis": ["extraction", "traditions", "memo"],
}


class _Commands(click.Group):
    """The top-level group, importing each command's module when it is first needed."""

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        for module, names in COMMAND_MODULES.items():
            if cmd_name in names and cmd_name not in self.commands:
                importlib.import_module(f"mnr.cli.{module}")
        return super().get_command(ctx, cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        for module in COMMAND_MODULES:
            importlib.import_module(f"mnr.cli.{module}")
        return super().list_commands(ctx)


@click.group(cls=_Commands, invoke_without_command=True,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="mnr")
@click.pass_context
def main(ctx: click.Context) -> None:
    """mnr: a literature review manager for meta-narrative and systematic reviews.

    Run inside a review folder (one holding review.toml). Without a command,
    mnr opens the home screen in a terminal (the review's steps with counts),
    or prints the review's status when its output is not a terminal.

    \b
    Example:
      mnr init my-review --title "Care planning in community mental health"
      cd my-review && mnr import medline.nbib --database MEDLINE --date 2016-08-01
    """
    if ctx.invoked_subcommand is None:
        if sys.stdin.isatty() and sys.stdout.isatty():
            ctx.invoke(home)
        else:
            ctx.invoke(status)


@handles_errors
def home() -> None:
    """The TUI's home screen: every step of the review with its counts."""
    import os

    project = find_project()
    with _library(project):
        pass  # builds the library from the search log on first use
    from mnr.tui.app import run_app

    run_app(project, reviewer=os.environ.get("MNR_REVIEWER"))


@main.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--title", required=True, help="The review's working title.")
@handles_errors
def init(folder: Path, title: str) -> None:
    """Create a review: review.toml, searches/ and library/ in FOLDER.

    \b
    Example:
      mnr init my-review --title "Care planning in community mental health"
    """
    project = init_project(folder, title)
    err.print(f"Created the review in {project.root}. Edit review.toml, then `mnr import FILE`.")


def _report_import(result: ImportResult) -> None:
    search = result.search
    err.print(
        f"Imported {search.label} {search.database}: {search.record_count:,} records "
        f"(read as {search.format}) from {search.file_name}",
        highlight=False,
    )
    if result.untitled:
        err.print(f"  {result.untitled} record(s) have no title; they are kept and flagged.")
    if result.copied_to:
        err.print(f"  Kept a copy in searches/{result.copied_to.name}.")


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
@click.option("--other-method", help="A source that is not a database, e.g. 'Citation searching'.")
@click.option("--register", is_flag=True, help="The source is a trials register.")
@click.option("--from-log", is_flag=True,
              help="Import every search in searches/log.toml not yet in the library.")
@handles_errors
def import_(files: tuple[Path, ...], database: str | None, platform: str | None,
            search_date: str | None, query: str | None, query_file: Path | None,
            limits: str | None, notes: str | None, format_name: str | None,
            other_method: str | None, register: bool, from_log: bool) -> None:
    """Import database exports as searches (each file whole or not at all).

    The format is detected from the content (RIS, MEDLINE/PubMed, Web of Science,
    Ovid, BibTeX, CSV, EndNote XML, CSL-JSON, Crossref JSON, ...). The file is
    kept in searches/ and the search is added to searches/log.toml.

    \b
    Example:
      mnr import medline.nbib --database MEDLINE --platform PubMed \\
          --date 2016-08-01 --query "care plan* AND mental health"
      mnr import scopus.csv --database Scopus
    """
    if not files and not from_log:
        raise click.UsageError("name at least one export file, or use --from-log")
    if query_file is not None:
        query = query_file.read_text(encoding="utf-8").strip()
    options = ImportOptions(database=database, platform=platform, date=search_date,
                            query=query, limits=limits, notes=notes, format=format_name,
                            other_method=other_method, register=register)
    project = find_project()
    failures = []
    with _library(project) as library:
        if from_log:
            from mnr.searches import import_log
            with _progress("Importing logged searches") as advance:
                results = import_log(project, library, advance)
            for result in results:
                _report_import(result)
            if not results:
                err.print("Every logged search is already in the library.")
        for path in files:
            try:
                with _progress(f"Importing {path.name}") as advance:
                    result = import_file(project, library, path, options, advance)
            except MnrError as error:
                err.print(f"[red]error:[/red] {error.message}", highlight=False)
                failures.append(error)
                continue
            _report_import(result)
    if failures:
        if len(files) > 1:
            err.print(f"{len(failures)} of {len(files)} files were not imported; "
                      "the others were.")
        sys.exit(failures[0].exit_code)


def _search_id(label: str) -> int:
    text = label.upper().removeprefix("S")
    if not text.isdigit():
        raise MnrError(f"{label!r} is not a search id; search ids look like S3")
    return int(text)


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
    """
    if ctx.invoked_subcommand is not None:
        return
    project = find_project()
    with _library(project) as library:
        found = library.searches()
    if as_json:
        _print_json([search.as_dict() for search in found])
        return
    table = Table(title="Searches", title_justify="left")
    for column in ("id", "database", "platform", "date", "query", "file", "format", "records"):
        table.add_column(column, justify="right" if column == "records" else "left",
                         overflow="fold")
    for search in found:
        query = (search.query or "").replace("\n", " ")
        table.add_row(
            search.label + (" (withdrawn)" if search.withdrawn else ""),
            search.database + (f" [{search.other_method}]" if search.other_method
                               and search.other_method != search.database else ""),
            search.platform or "", search.search_date or "",
            query if len(query) <= 60 else query[:57] + "...",
            search.file_name, search.format, f"{search.record_count:,}",
        )
    out.print(table)


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
    with _library(project) as library:
        withdrawn = withdraw(project, library, _search_id(search), reason)
    err.print(f"Withdrew {withdrawn.label} ({withdrawn.database}, "
              f"{withdrawn.record_count:,} records).")


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
    with _library(project) as library:
        state = library.status()
        works, ungrouped = library.works.totals()
        stages = _screening_summaries(library, settings) if works else []
    deduplicated = state.records - ungrouped
    if as_json:
        _print_json({"title": settings.title, **state.as_dict(), "works": works,
                     "duplicates_removed": deduplicated - works,
                     "records_not_deduplicated": ungrouped,
                     "screening": [s.as_dict() for s in stages]})
        return
    out.print(f"[bold]{settings.title}[/bold]", highlight=False)
    withdrawn = f" ({state.withdrawn_searches} withdrawn)" if state.withdrawn_searches else ""
    out.print(f"{state.searches} searches{withdrawn}, {state.records:,} records", highlight=False)
    if state.untitled:
        out.print(f"{state.untitled:,} records have no title (kept, flagged)", highlight=False)
    if works:
        out.print(f"{works:,} works after deduplication ({deduplicated - works:,} duplicates "
                  "removed)", highlight=False)
    if ungrouped and state.records:
        out.print(f"{ungrouped:,} records not deduplicated yet: `mnr dedupe`", highlight=False)
    if state.by_database:
        table = Table(title_justify="left")
        table.add_column("database")
        table.add_column("searches", justify="right")
        table.add_column("records", justify="right")
        for row in state.by_database:
            table.add_row(row.database, str(row.searches), f"{row.records:,}")
        out.print(table)
    else:
        out.print("No searches yet: `mnr import FILE --database NAME` adds one.")
    if stages:
        table = Table(title="Screening", title_justify="left")
        for column in ("stage", "works", "Y", "N", "M", "waiting", "conflicts", "decided by"):
            table.add_column(column, justify="left" if column in ("stage", "decided by")
                             else "right")
        for summary in stages:
            table.add_row(summary.stage, f"{summary.works:,}", f"{summary.included:,}",
                          f"{summary.excluded:,}", f"{summary.maybe:,}",
                          f"{summary.pending:,}", f"{summary.conflicts:,}",
                          ", ".join(f"{r} {n:,}" for r, n in summary.decided.items()))
        out.print(table)


def _screening_summaries(library: Library, settings: Settings) -> list[Any]:
    from mnr.screening.state import load
    from mnr.screening.summary import summarise_all

    return summarise_all(load(library, settings))


def _work_id(label: str) -> int:
    text = label.upper().removeprefix("W")
    if not text.isdigit():
        raise MnrError(f"{label!r} is not a work id; work ids look like W12")
    return int(text)


def _record_id(label: str) -> int:
    text = label.upper().removeprefix("R")
    if not text.isdigit():
        raise MnrError(f"{label!r} is not a record id; record ids look like R12")
    return int(text)


def _print_counts(counts: WorkCounts, overlapping: dict[tuple[str, str], int],
                  extra: dict[str, Any], as_json: bool) -> None:
    overlaps = sorted(overlapping.items(), key=lambda item: (-item[1], item[0]))
    if as_json:
        _print_json({
            **extra, "records": counts.records, "works": counts.works,
            "duplicates_removed": counts.duplicates_removed,
            "records_not_deduplicated": counts.unassigned,
            "overlaps": [{"databases": list(pair), "works": n} for pair, n in overlaps],
        })
        return
    out.print(f"{counts.records:,} records, {counts.works:,} works: "
              f"{counts.duplicates_removed:,} duplicates removed (PRISMA: records removed "
              "before screening, duplicates)", highlight=False)
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
    from mnr.dedupe import passes

    project = find_project()
    needs_reviewer = review or decide or split or (undo and reviewer)
    if needs_reviewer and not reviewer:
        raise click.UsageError("say who decides with --reviewer INITIALS")
    reviewers = project.settings().reviewers
    if reviewer and reviewers and reviewer not in reviewers:
        raise MnrError(f"{reviewer!r} is not a reviewer of this review; review.toml lists "
                       f"{', '.join(reviewers)} (add them under [screening])")
    with _library(project) as library:
        if review:
            from mnr.tui.dedupe_review import run_dedupe_review

            library.close()
            run_dedupe_review(project, reviewer or "")
            return
        if list_pairs:
            _print_pairs(passes.review_queue(library), as_json)
            return
        if decide:
            first, second, decision = decide
            passes.decide(library, _record_id(first), _record_id(second), decision.lower(),
                          reviewer or "")
            err.print(f"Recorded {decision.lower()} for {first.upper()} and {second.upper()}.")
        elif split:
            members = passes.split_work(library, _work_id(split), reviewer or "")
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
                      "(`mnr dedupe --review --reviewer YOU`).", highlight=False)
        _print_counts(library.works.counts(), library.works.overlaps(),
                      {"pairs_to_review": len(passes.review_queue(library))}, as_json)


def _print_pairs(items: list[Any], as_json: bool) -> None:
    if as_json:
        _print_json([{
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
                type=click.Choice(["csv", "ris", "bibtex", "json"]))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file instead of stdout.")
@click.option("--what", type=click.Choice(["records", "works"]), default="records",
              show_default=True,
              help="Every record (with its work), or one merged record per work.")
@click.option("--include-withdrawn", is_flag=True, help="Also export withdrawn searches.")
@handles_errors
def export(format_name: str, output: Path | None, what: str, include_withdrawn: bool) -> None:
    """Export every record with its search, database and source identifier.

    \b
    Example:
      mnr export csv -o records.csv
      mnr export ris --what works -o deduplicated.ris
    """
    from mnr.formats.writers import WRITERS

    project = find_project()
    with _library(project) as library:
        if what == "works":
            from mnr.works import merged_records, works

            if include_withdrawn:
                raise click.UsageError("works are made of the active searches only")
            if library.works.totals()[1]:
                err.print("Some records are not deduplicated yet; `mnr dedupe` groups them.")
            records = merged_records(works(library))
        else:
            records = library.records(include_withdrawn=include_withdrawn)
        if output is None:
            count = WRITERS[format_name](records, sys.stdout)
        else:
            with output.open("w", encoding="utf-8", newline="") as stream:
                count = WRITERS[format_name](records, stream)
    err.print(f"Exported {count:,} {what}" + (f" to {output}" if output else "") + ".")
