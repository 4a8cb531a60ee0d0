"""`mnr report`: a methods and results draft written from the review's log."""

from __future__ import annotations

from pathlib import Path

import click

from mnr.cli import main
from mnr.cli.common import err, handles_errors, open_library, written
from mnr.project import find_project

FORMATS = ["md", "docx"]


@main.command()
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("report.md"), show_default=True,
              help="The draft: .md (Markdown) or .docx (Word); the PRISMA diagram is "
                   "drawn beside it as NAME-prisma.png.")
@handles_errors
def report(output: Path) -> None:
    """Draft the methods and results from the log: the searches (PRISMA-S appendix), the
    PRISMA 2020 numbers and diagram, screening agreement, the appraisal summary, the
    traditions with their storylines, and the RAMESES checklist with where each item is
    answered. Every number is derived; write it again as the review moves on.

    \b
    Example:
      mnr report -o report.md
      mnr report -o report.docx
    """
    from mnr.errors import MnrError
    from mnr.paper.report import draft, write

    fmt = output.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise click.UsageError(f"-o {output}: the draft is written as Markdown (.md) or "
                               "Word (.docx); name the file with one of those")
    folder = output.resolve().parent
    if not folder.is_dir():
        raise MnrError(f"{output}: there is no folder {output.parent} to write the draft in")
    project = find_project()
    settings = project.settings()
    with open_library(project) as library:
        drafted = draft(library, settings, folder, output.stem)
    with written(output) as temporary:
        write(drafted, temporary, fmt, folder)
    shown = ", ".join(str(f.relative_to(folder)) for f in drafted.figures)
    err.print(f"Wrote the draft to {output} (figures beside it: {shown}).", highlight=False)
