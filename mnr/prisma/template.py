"""The flow as the PRISMA2020 R package's CSV template, for its Shiny app and ``PRISMA_data``.

The template is one row per box with the columns ``data, node, box,
description, boxtext, tooltips, url, n``; ``n`` holds a number, NA, or for the
"specific" and "excluded" rows a list written "Name, n; Name, n". The rows, their
node and box ids (the package's, so the file reads back into its functions as is)
and their words come from ``boxes.py``. Other methods go to the template's row of
their category (``mnr import --other-method``), never guessed from their names.
"""

from __future__ import annotations

import re
from typing import TextIO

from mnr.formats.writers import TableWriter
from mnr.prisma.boxes import BOXES, IDENTIFIED_FROM, Box
from mnr.prisma.counts import CATEGORY_ROWS, Flow

COLUMNS = ["data", "node", "box", "description", "boxtext", "tooltips", "url", "n"]
OTHER_ROW = "other_results"  # mnr's row for other methods the template has no row for


def _rows() -> list[Box]:
    """The template's rows, in its order (read when writing, so a reworded box shows)."""
    return [box for box in BOXES.values() if box.box]


_LIST_SEPARATORS = re.compile(r"\s*[,;\r\n]+\s*")


def _name(name: str) -> str:
    """A name as the template's lists can hold it: the R package splits a list at ";" and
    a name from its number at the first ",", so both (and line breaks) become " - "."""
    return _LIST_SEPARATORS.sub(" - ", name).strip(" -") or "(unnamed)"


def _pairs(values: dict[str, int]) -> str:
    """The template's list form: "Name, n; Name, n"; NA, as R writes a missing value,
    when there is nothing to list."""
    if not values:
        return "NA"
    return "; ".join(f"{_name(name)}, {n}" for name, n in values.items())


def _used(flow: Flow) -> set[str]:
    """The other-method categories some search of the review belongs to."""
    return {category for category, _ in flow.other_sources}


def values(flow: Flow) -> dict[str, str]:
    """The ``n`` of every data row: a number, a list, or NA (a category of other methods
    nobody searched, which the R package then leaves out of its box; the meta-analysis
    rows, which mnr does not know)."""
    data = flow.as_dict()
    used = _used(flow)
    found: dict[str, str] = {}
    for category, row in CATEGORY_ROWS.items():
        found[row] = str(data[row]) if category in used else "NA"
    for box in _rows():
        name = box.data
        if name in found or name == "NA" or name not in data:
            continue
        value = data[name]
        found[name] = ("NA" if value is None else _pairs(value) if isinstance(value, dict)
                       else str(value))
    return found


def _other_row(flow: Flow) -> list[str] | None:
    """The row of sources in the category "other" (hand searching, say), which the
    template has no row for: written after its rows so that the numbers are all in the
    file; the R package reads the rows it knows by name and ignores this one."""
    labels = [label for (category, label), _ in flow.other_sources.items()
              if category == "other"]
    if not labels:
        return None
    n = sum(n for (category, _), n in flow.other_sources.items() if category == "other")
    text = " and ".join(dict.fromkeys(_name(label) for label in labels))
    return [OTHER_ROW, "NA", "box11", f"{IDENTIFIED_FROM}: {text}", text, "NA", "NA", str(n)]


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
    other = _other_row(flow)
    if other is not None:
        writer.writerow(other)
    return len(rows) + (other is not None)
