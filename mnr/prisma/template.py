"""The flow as the PRISMA2020 R package's CSV template, for its Shiny app and ``PRISMA_data``.

The template is one row per box with the columns ``data, node, box,
description, boxtext, tooltips, url, n``; ``n`` holds a number, or for the
"specific" and "excluded" rows a list written "Name, n; Name, n". The rows, their
node and box ids (the package's, so the file reads back into its functions as is)
and their words come from ``boxes.py``.
"""

from __future__ import annotations

from typing import TextIO

from mnr.formats.writers import TableWriter
from mnr.prisma.boxes import BOXES, Box
from mnr.prisma.counts import Flow

COLUMNS = ["data", "node", "box", "description", "boxtext", "tooltips", "url", "n"]


def _rows() -> list[Box]:
    """The template's rows, in its order (read when writing, so a reworded box shows)."""
    return [box for box in BOXES.values() if box.box]


def _pairs(values: dict[str, int]) -> str:
    """The template's list form: "Name, n; Name, n" (semicolons in names would split it);
    NA, as R writes a missing value, when there is nothing to list."""
    if not values:
        return "NA"
    return "; ".join(f"{name.replace(';', ',')}, {n}" for name, n in values.items())


def _other_method(method: str) -> str:
    """Which of the template's three other-method rows a search method belongs to."""
    lowered = method.lower()
    if "web" in lowered or "grey" in lowered or "google" in lowered:
        return "website_results"
    if "organi" in lowered or "expert" in lowered or "contact" in lowered:
        return "organisation_results"
    return "citations_results"  # citation searching, reference lists, snowballing


def values(flow: Flow) -> dict[str, str]:
    """The ``n`` of every data row."""
    data = flow.as_dict()
    found: dict[str, str] = {}
    for name in ("website_results", "organisation_results", "citations_results"):
        found[name] = "0"
    others: dict[str, int] = {}
    for method, n in flow.other_results.items():
        row = _other_method(method)
        others[row] = others.get(row, 0) + n
    found.update({row: str(n) for row, n in others.items()})
    for box in _rows():
        name = box.data
        if name in found or name == "NA" or name not in data:
            continue
        value = data[name]
        found[name] = _pairs(value) if isinstance(value, dict) else str(value)
    return found


def write_csv(flow: Flow, stream: TextIO) -> int:
    """Write the template with this flow's numbers; returns the rows written."""
    numbers = values(flow)
    writer = TableWriter(stream)
    writer.writerow(COLUMNS)
    rows = _rows()
    for box in rows:
        description = box.template_description
        url = f"{box.data}.html" if box.node != "NA" and box.data != "NA" else "NA"
        tooltip = description if box.node != "NA" else "NA"
        writer.writerow([box.data, box.node, box.box, description, box.boxtext, tooltip, url,
                         numbers.get(box.data, "0")])
    return len(rows)
