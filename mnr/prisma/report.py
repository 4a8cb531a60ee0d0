"""The PRISMA flow as tables for people: the CLI prints them, the TUI shows them live."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text

from mnr.prisma.counts import Flow


def _pairs(values: dict[str, int]) -> str:
    return "\n".join(f"  {name}: {n:,}" for name, n in values.items())


def flow_report(flow: Flow) -> Group:
    """The boxes with their numbers, the per-stage breakdown, and what explains any gap."""
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
    stages = Table(title="By screening stage", title_justify="left")
    for column in ("stage", "works", "Y", "N", "M", "waiting"):
        stages.add_column(column, justify="left" if column == "stage" else "right")
    for stage in flow.stages:
        stages.add_row(stage.stage, f"{stage.works:,}", f"{stage.included:,}",
                       f"{stage.excluded:,}", f"{stage.maybe:,}", f"{stage.waiting:,}")
    if flow.gaps:
        notes = Text("\n".join(f"• {gap}" for gap in flow.gaps), style="italic")
    else:
        notes = Text("The arithmetic closes: identified - duplicates = screened; screened - "
                     "excluded = sought; sought - not retrieved = assessed; assessed - "
                     "excluded = included.", style="italic")
    return Group(table, stages, notes)
