"""What every command shares: the two consoles, JSON output, the progress bar, the library
opened for one command, who decides, and foreseeable errors as one line and an exit code.

Data goes to stdout (tables, or JSON with --json); messages and progress go
to stderr. Foreseeable errors print one line and exit non-zero, never a traceback.
Both consoles print text as text: no Rich markup or emoji codes are read in it (a
query's "[tiab]" and a title's "[corrected]" are words), and control characters from
records never reach the terminal; styling is given as ``style=`` or ``Text``. Files
named by -o are written whole or not at all.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import Any, TextIO, TypeVar, cast

import click
from rich.console import Console, ConsoleOptions, RenderableType
from rich.progress import (
    BarColumn,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.progress import Progress as RichProgress
from rich.segment import Segment
from rich.text import Text

from mnr.display import has_controls, printable
from mnr.errors import MnrError
from mnr.formats.writers import opened, replacing
from mnr.journal import JUDGEMENTS_DIR
from mnr.library import Library
from mnr.project import Project, Settings
from mnr.review import open_review
from mnr.searches import Progress


class TextConsole(Console):
    """A console whose strings are text: markup and emoji codes are off unless a call asks
    for them, and C0/C1 control characters (an ESC from a record's title) are dropped from
    everything printed, tables and Text included (Rich's own control codes are kept)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(markup=False, emoji=False, **kwargs)

    def render_str(self, text: str, **kwargs: Any) -> Text:
        return super().render_str(printable(text), **kwargs)

    def render(self, renderable: RenderableType,
               options: ConsoleOptions | None = None) -> Iterable[Segment]:
        for segment in super().render(renderable, options):
            if segment.control is None and has_controls(segment.text):
                yield Segment(printable(segment.text), segment.style)
            else:
                yield segment


# Piped output is read by scripts and people alike: wide enough not to fold a table.
out = TextConsole(width=None if sys.stdout.isatty() else 200)
err = TextConsole(stderr=True, soft_wrap=True)  # messages name paths: never fold them

F = TypeVar("F", bound=Callable[..., Any])

# Options several commands share, worded once.
OUTPUT = click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
                      help="Write to this file instead of stdout.")
REVIEWER = click.option("--reviewer", help="Your initials, as in review.toml "
                                           "(default: $MNR_REVIEWER, or the only reviewer).")


_C1 = re.compile("[\x7f-\x9f]")


def print_json(data: Any) -> None:
    """JSON on stdout; json escapes C0 controls, and C1 ones (a terminal may act on them)
    are written as \\u escapes too: the same JSON, safe on a terminal."""
    text = json.dumps(data, ensure_ascii=False, indent=2)
    click.echo(_C1.sub(lambda match: f"\\u{ord(match.group(0)):04x}", text))


class _PrintableStream:
    """A text stream that drops control characters: data written to a terminal."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        return self._stream.write(printable(text))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def stdout() -> TextIO:
    """Where data goes without -o: stdout as it is when piped (the data verbatim), without
    control characters when it is a terminal."""
    return cast(TextIO, _PrintableStream(sys.stdout)) if sys.stdout.isatty() else sys.stdout


@contextmanager
def writing(output: Path | None, newline: str | None = "") -> Iterator[TextIO]:
    """The file named by -o (written whole or not at all), or stdout."""
    if output is None:
        yield stdout()
        return
    with opened(output, newline) as stream:
        yield stream


@contextmanager
def written(output: Path) -> Iterator[Path]:
    """A temporary path to write ``output``'s content to (a figure, a workbook); it
    replaces ``output`` once the block ends without an error."""
    with replacing(output) as temporary:
        yield temporary


def write_text(output: Path, text: str) -> None:
    """``text`` to the -o file, whole or not at all."""
    with opened(output, None) as stream:
        stream.write(text)


def format_of(output: Path | None, formats: Iterable[str]) -> str | None:
    """The format the -o file's extension names, if it is one of ``formats``."""
    suffix = output.suffix.lower().lstrip(".") if output else ""
    return suffix if suffix in formats else None


def refuse_suffix(output: Path, formats: Iterable[str]) -> click.UsageError:
    """The error for an -o file whose extension names no format the command writes."""
    suffix = output.suffix.lower()
    return click.UsageError(
        f"-o {output}: {suffix or 'no extension'} is not a format this command writes; "
        f"name one with --format, or use {', '.join('.' + name for name in formats)}")


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


def error_line(message: str) -> Text:
    """"error: <message>", the word in red, the message as it is."""
    return Text.assemble(("error:", "red"), " ", message)


def handles_errors(command: F) -> F:
    """Turn MnrError and Ctrl-C into a one-line message and an exit code."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except MnrError as error:
            err.print(error_line(error.message), highlight=False)
            sys.exit(error.exit_code)
        except KeyboardInterrupt:
            err.print("Interrupted; the library is as it was before this command.")
            sys.exit(130)

    return wrapper  # type: ignore[return-value]
