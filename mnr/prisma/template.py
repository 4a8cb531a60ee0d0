"""The flow as the PRISMA2020 R package's CSV template, for its Shiny app and ``PRISMA_data``.

The template is one row per box with the columns ``data, node, box,
description, boxtext, tooltips, url, n``; ``n`` holds a number, or for the
"specific" and "excluded" rows a list written "Name, n; Name, n". The node and
box ids are the package's, so the file reads back into its functions as is.
"""

from __future__ import annotations

import csv
from typing import TextIO

from mnr.prisma.counts import Flow

COLUMNS = ["data", "node", "box", "description", "boxtext", "tooltips", "url", "n"]

# data name, node, box, description (also the tooltip), text in the box
_ROWS = [
    ("NA", "node4", "prevstud", "Grey title box; Previous studies", "Previous studies"),
    ("previous_studies", "node5", "box1", "Studies included in previous version of review",
     "Studies included in previous version of review"),
    ("previous_reports", "NA", "box1",
     "Reports of studies included in previous version of review",
     "Reports of studies included in previous version of review"),
    ("NA", "node6", "newstud",
     "Yellow title box; Identification of new studies via databases and registers",
     "Identification of new studies via databases and registers"),
    ("database_results", "node7", "box2", "Records identified from: Databases", "Databases"),
    ("database_specific_results", "NA", "box2", "Records identified from: specific databases",
     "Specific Databases"),
    ("register_results", "NA", "box2", "Records identified from: Registers", "Registers"),
    ("register_specific_results", "NA", "box2", "Records identified from: specific registers",
     "Specific Registers"),
    ("NA", "node16", "othstud",
     "Grey title box; Identification of new studies via other methods",
     "Identification of new studies via other methods"),
    ("website_results", "node17", "box11", "Records identified from: Websites", "Websites"),
    ("organisation_results", "NA", "box11", "Records identified from: Organisations",
     "Organisations"),
    ("citations_results", "NA", "box11", "Records identified from: Citation searching",
     "Citation searching"),
    ("duplicates", "node8", "box3", "Duplicate records", "Duplicate records"),
    ("excluded_automatic", "NA", "box3", "Records marked as ineligible by automation tools",
     "Records marked as ineligible by automation tools"),
    ("excluded_other", "NA", "box3", "Records removed for other reasons",
     "Records removed for other reasons"),
    ("records_screened", "node9", "box4", "Records screened (databases and registers)",
     "Records screened"),
    ("records_excluded", "node10", "box5", "Records excluded (databases and registers)",
     "Records excluded"),
    ("dbr_sought_reports", "node11", "box6",
     "Reports sought for retrieval (databases and registers)", "Reports sought for retrieval"),
    ("dbr_notretrieved_reports", "node12", "box7",
     "Reports not retrieved (databases and registers)", "Reports not retrieved"),
    ("other_sought_reports", "node18", "box12", "Reports sought for retrieval (other)",
     "Reports sought for retrieval"),
    ("other_notretrieved_reports", "node19", "box13", "Reports not retrieved (other)",
     "Reports not retrieved"),
    ("dbr_assessed", "node13", "box8",
     "Reports assessed for eligibility (databases and registers)",
     "Reports assessed for eligibility"),
    ("dbr_excluded", "node14", "box9", "Reports excluded (databases and registers)",
     "Reports excluded"),
    ("other_assessed", "node20", "box14", "Reports assessed for eligibility (other)",
     "Reports assessed for eligibility"),
    ("other_excluded", "node21", "box15", "Reports excluded (other)", "Reports excluded"),
    ("new_studies", "node15", "box10", "New studies included in review",
     "New studies included in review"),
    ("new_reports", "NA", "box10", "Reports of new included studies",
     "Reports of new included studies"),
    ("total_studies", "node22", "box16", "Total studies included in review",
     "Total studies included in review"),
    ("total_reports", "NA", "box16", "Reports of total included studies",
     "Reports of total included studies"),
    ("identification", "node1", "identification", "Blue identification box", "Identification"),
    ("screening", "node2", "screening", "Blue screening box", "Screening"),
    ("included", "node3", "included", "Blue included box", "Included"),
]


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
    for name, *_ in _ROWS:
        if name in found or name == "NA" or name not in data:
            continue
        value = data[name]
        found[name] = _pairs(value) if isinstance(value, dict) else str(value)
    return found


def write_csv(flow: Flow, stream: TextIO) -> int:
    """Write the template with this flow's numbers; returns the rows written."""
    numbers = values(flow)
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(COLUMNS)
    for data, node, box, description, boxtext in _ROWS:
        url = f"{data}.html" if node != "NA" and data != "NA" else "NA"
        tooltip = description if node != "NA" else "NA"
        writer.writerow([data, node, box, description, boxtext, tooltip, url,
                         numbers.get(data, "0")])
    return len(_ROWS)
