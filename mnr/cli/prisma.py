"""`mnr prisma`: the PRISMA 2020 flow as a table, JSON, the R package's CSV, or the diagram."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from mnr.cli import main
from mnr.cli.common import (
    OUTPUT,
    err,
    format_of,
    handles_errors,
    open_library,
    out,
    print_json,
    refuse_suffix,
    write_text,
    writing,
    written,
)
from mnr.prisma.counts import count
from mnr.prisma.report import flow_report
from mnr.project import find_project

FORMATS = ["table", "json", "csv", "svg", "png", "pdf"]


@main.command()
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
              help="table (default), json, csv (the PRISMA2020 package's template), or the "
                   "diagram as svg, png or pdf (default: from the -o file's extension).")
@click.option("--json", "as_json", is_flag=True,
              help="The same as --format json: keyed as the PRISMA2020 template.")
@click.option("--round", "review_round", type=click.IntRange(min=1),
              help="An updated review: the round whose flow to show (1: the original "
                   "searches; default: the latest round).")
@OUTPUT
@handles_errors
def prisma(fmt: str | None, as_json: bool, output: Path | None,
           review_round: int | None = None) -> None:
    """The PRISMA 2020 flow, every number derived from the library, gaps explained.

    \b
    Example:
      mnr prisma
      mnr prisma --json
      mnr prisma --format csv -o flow.csv
      mnr prisma -o library/prisma.png
      mnr prisma --round 2 -o update.png     (an updated review's flow)
      mnr prisma --round 1                   (the first round's, as first reported)
    """
    if as_json:
        if fmt not in (None, "json"):
            raise click.UsageError("--json is --format json; give one of them")
        fmt = "json"
    files = [name for name in FORMATS if name != "table"]
    fmt = fmt or format_of(output, files)
    if fmt is None and output is not None:
        raise refuse_suffix(output, files)
    fmt = fmt or "table"
    if fmt == "table" and output is not None:
        raise click.UsageError("the table is for the terminal; -o writes "
                               f"--format {', '.join(files)}")
    project = find_project()
    settings = project.settings()
    with open_library(project) as library:
        flow = count(library, settings, review_round)
        stops = library.screening.stops()
    from mnr.screening.stop import methods_statement

    # prioritised screening stopped by a rule, if it was
    methods = methods_statement(stops, settings.blind and len(settings.reviewers) > 1)
    data = flow.as_dict() | ({"methods": methods} if methods else {})
    if fmt in ("svg", "png", "pdf"):
        if output is None and sys.stdout.isatty():
            raise click.UsageError(f"a {fmt} diagram needs a file: -o prisma.{fmt}")
        from mnr.prisma.diagram import draw

        if output is None:
            draw(flow, sys.stdout.buffer, fmt, title=settings.title)
        else:
            with written(output) as temporary:
                draw(flow, temporary, fmt, title=settings.title)
        err.print(f"Drew the PRISMA 2020 diagram{f' to {output}' if output else ''}.")
    elif fmt == "csv":
        from mnr.prisma.template import write_csv

        with writing(output) as stream:
            write_csv(flow, stream)
        if output is not None:
            err.print(f"Wrote the PRISMA2020 template to {output}.")
    elif fmt == "json":
        if output is None:
            print_json(data)
        else:
            import json

            write_text(output, json.dumps(data, ensure_ascii=False, indent=2))
    else:
        out.print(flow_report(flow))
        if methods:
            out.print(f"\nMethods (screening prioritisation and stopping):\n{methods}",
                      highlight=False)
        return
    for gap in flow.gaps:  # the table shows them; other formats get them on stderr
        err.print(f"note: {gap}", highlight=False)
