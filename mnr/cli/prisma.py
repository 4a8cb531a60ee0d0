"""`mnr prisma`: the PRISMA 2020 flow as a table, JSON, the R package's CSV, or the diagram."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.table import Table

from mnr.cli import _library, _print_json, err, handles_errors, main, out
from mnr.prisma.counts import Flow, count
from mnr.project import find_project

FORMATS = ["table", "json", "csv", "svg", "png", "pdf"]


@main.command()
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
              help="table (default), json, csv (the PRISMA2020 package's template), or the "
                   "diagram as svg, png or pdf (default: from the -o file's extension).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file instead of stdout.")
@handles_errors
def prisma(fmt: str | None, output: Path | None) -> None:
    """The PRISMA 2020 flow, every number derived from the library, gaps explained.

    \b
    Example:
      mnr prisma
      mnr prisma --format json
      mnr prisma --format csv -o flow.csv
      mnr prisma -o library/prisma.png
    """
    if fmt is None:
        suffix = output.suffix.lower().lstrip(".") if output else ""
        fmt = suffix if suffix in FORMATS else "table"
    project = find_project()
    settings = project.settings()
    with _library(project) as library:
        flow = count(library, settings)
    if fmt in ("svg", "png", "pdf"):
        if output is None and sys.stdout.isatty():
            raise click.UsageError(f"a {fmt} diagram needs a file: -o prisma.{fmt}")
        from mnr.prisma.diagram import draw

        draw(flow, output if output is not None else sys.stdout.buffer, fmt,
             title=settings.title)
        err.print(f"Drew the PRISMA 2020 diagram{f' to {output}' if output else ''}.")
    elif fmt == "csv":
        from mnr.prisma.template import write_csv

        if output is None:
            write_csv(flow, sys.stdout)
        else:
            with output.open("w", encoding="utf-8", newline="") as stream:
                write_csv(flow, stream)
            err.print(f"Wrote the PRISMA2020 template to {output}.")
    elif fmt == "json":
        if output is None:
            _print_json(flow.as_dict())
        else:
            import json

            output.write_text(json.dumps(flow.as_dict(), ensure_ascii=False, indent=2),
                              encoding="utf-8")
    else:
        _print_table(flow)
    for gap in flow.gaps:
        err.print(f"note: {gap}", highlight=False)


def _pairs(values: dict[str, int]) -> str:
    return "\n".join(f"  {name}: {n:,}" for name, n in values.items())


def _print_table(flow: Flow) -> None:
    table = Table(title="PRISMA 2020 flow", title_justify="left", show_lines=False)
    table.add_column("box")
    table.add_column("n", justify="right")
    table.add_column("details", overflow="fold")
    rows: list[tuple[str, int, str]] = [
        ("Records identified: databases", flow.database_results,
         _pairs(flow.database_specific_results)),
        ("Records identified: registers", flow.register_results,
         _pairs(flow.register_specific_results)),
        ("Duplicate records removed", flow.duplicates, ""),
        ("Removed by automation tools", flow.excluded_automatic, ""),
        ("Removed for other reasons", flow.excluded_other, ""),
        ("Records screened", flow.records_screened, ""),
        ("Records excluded", flow.records_excluded, ""),
        ("Reports sought for retrieval", flow.dbr_sought_reports, ""),
        ("Reports not retrieved", flow.dbr_notretrieved_reports, ""),
        ("Reports assessed for eligibility", flow.dbr_assessed, ""),
        ("Reports excluded", sum(flow.dbr_excluded.values()), _pairs(flow.dbr_excluded)),
    ]
    if flow.other_methods:
        rows += [
            ("Other methods: records identified", sum(flow.other_results.values()),
             _pairs(flow.other_results)),
            ("Other methods: reports sought", flow.other_sought_reports, ""),
            ("Other methods: not retrieved", flow.other_notretrieved_reports, ""),
            ("Other methods: reports assessed", flow.other_assessed, ""),
            ("Other methods: reports excluded", sum(flow.other_excluded.values()),
             _pairs(flow.other_excluded)),
        ]
    rows += [("Studies included in review", flow.total_studies, ""),
             ("Reports of included studies", flow.total_reports, "")]
    for label, n, details in rows:
        table.add_row(label, f"{n:,}", details.strip("\n"))
    out.print(table)
    stages = Table(title="By screening stage", title_justify="left")
    for column in ("stage", "works", "Y", "N", "M", "waiting"):
        stages.add_column(column, justify="left" if column == "stage" else "right")
    for stage in flow.stages:
        stages.add_row(stage.stage, f"{stage.works:,}", f"{stage.included:,}",
                       f"{stage.excluded:,}", f"{stage.maybe:,}", f"{stage.waiting:,}")
    out.print(stages)
    if not flow.gaps:
        out.print("The arithmetic closes: identified - duplicates = screened; screened - "
                  "excluded = sought; sought - not retrieved = assessed; assessed - excluded "
                  "= included.")
