"""`mnr synthesis export|import`: the work after screening as one JSON file."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from mnr.cli import _library, err, handles_errors, main
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
    from mnr.synthesis_file import export

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
    from mnr.synthesis_file import import_file

    project = find_project()
    with _library(project) as library:
        count = import_file(library, project.settings(), file)
    err.print(f"Imported {count:,} entries from {file}.")
