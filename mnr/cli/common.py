"""What every command shares: the two consoles, JSON output, the progress bar, the library
opened for one command, who decides, and foreseeable errors as one line and an exit code.

Data goes to stdout (tables, or JSON with --json); messages and progress go
to stderr. Foreseeable errors print one line and exit non-zero, never a traceback.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import Any, TextIO, TypeVar

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

from mnr.errors import MnrError
from mnr.journal import JUDGEMENTS_DIR
from mnr.library import Library
from mnr.project import Project, Settings
from mnr.review import open_review
from mnr.searches import Progress

# Piped output is read by scripts and people alike: wide enough not to fold a table.
out = Console(width=None if sys.stdout.isatty() else 200)
err = Console(stderr=True, soft_wrap=True)  # messages name paths: never fold them

F = TypeVar("F", bound=Callable[..., Any])

# Options several commands share, worded once.
OUTPUT = click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
                      help="Write to this file instead of stdout.")
REVIEWER = click.option("--reviewer", help="Your initials, as in review.toml "
                                           "(default: $MNR_REVIEWER, or the only reviewer).")


def print_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


@contextmanager
def writing(output: Path | None, newline: str | None = "") -> Iterator[TextIO]:
    """The file named by -o, or stdout."""
    if output is None:
        yield sys.stdout
        return
    with output.open("w", encoding="utf-8", newline=newline) as stream:
        yield stream


def format_of(output: Path | None, formats: Iterable[str]) -> str | None:
    """The format the -o file's extension names, if it is one of ``formats``."""
    suffix = output.suffix.lower().lstrip(".") if output else ""
    return suffix if suffix in formats else None


@contextmanager
def progress(label: str) -> Iterator[Progress]:
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
def open_library(project: Project) -> Iterator[Library]:
    """The project's library for one command, built from the review folder on first use
    (saying what was built), closed afterwards."""
    with progress("Building the library from searches/log.toml") as advance:
        opened = open_review(project, advance)
    for result in opened.built:
        err.print(f"Imported {result.search.label} {result.search.database}: "
                  f"{result.search.record_count:,} records from searches/{result.search.file_name}")
    if opened.replayed is not None:
        err.print(f"Applied {opened.replayed:,} judgement lines from {JUDGEMENTS_DIR}/.",
                  highlight=False)
    if opened.reconciled:  # one message: the library disagreed with the review folder
        err.print("The library was brought in line with the review folder:\n"
                  + "\n".join(f"  {line}" for line in opened.reconciled),
                  highlight=False, markup=False)
    try:
        yield opened.library
    finally:
        opened.library.close()


def _named_or_default(settings: Settings, given: str | None) -> str | None:
    """The reviewer named, or $MNR_REVIEWER, or the protocol's only reviewer."""
    return given or os.environ.get("MNR_REVIEWER") or (
        settings.reviewers[0] if len(settings.reviewers) == 1 else None)


def reviewer_for(settings: Settings, given: str | None) -> str:
    """The reviewer named, or $MNR_REVIEWER, or the protocol's only reviewer: one is needed."""
    reviewer = _named_or_default(settings, given)
    if not reviewer:
        raise click.UsageError("say who you are with --reviewer INITIALS "
                               f"(review.toml lists {', '.join(settings.reviewers) or 'none'})")
    return reviewer


def optional_reviewer(settings: Settings, given: str | None) -> str | None:
    """Who tags or writes: the reviewer named (one of review.toml's), or $MNR_REVIEWER, or
    the protocol's only reviewer, or nobody."""
    if given:
        settings.check_reviewer(given)
    return _named_or_default(settings, given)


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
