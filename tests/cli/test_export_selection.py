"""`mnr export` of a selection on mnr's own demo review, as an author uses it: the
included studies to EndNote or Zotero, a stage's outcome for a check, a tradition."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import rispy

from tests.cli.test_cli import mnr


def test_the_included_studies_and_other_selections_of_the_demo(
        demo_copy: Callable[[str], Path]) -> None:
    root = demo_copy("demo")
    flow = json.loads(mnr(root, "prisma", "--json").stdout)
    assert flow["new_studies"] == 20

    result = mnr(root, "export", "ris", "--included", "-o", "included.ris")
    assert result.returncode == 0, result.stderr
    assert "Exported 20 works (included)" in result.stderr
    entries = rispy.load(root / "included.ris")
    assert len(entries) == 20 == flow["new_studies"]
    assert all(entry.get("name_of_database") and entry["notes"][0].startswith("mnr work W")
               for entry in entries)
    # the work the five databases all found lists them all
    assert max(len(entry["name_of_database"].split("; ")) for entry in entries) == 5

    excluded = mnr(root, "export", "csv", "--stage", "title", "--outcome", "n")
    assert excluded.returncode == 0, excluded.stderr
    rows = list(csv.DictReader(io.StringIO(excluded.stdout)))
    title = next(stage for stage in flow["stages"] if stage["stage"] == "title")
    assert len(rows) == title["excluded"]
    assert all(row["work"].startswith("W") and row["databases"] for row in rows)

    traditions = json.loads(mnr(root, "traditions", "--json").stdout)
    name, tagged = traditions[0]["tradition"], set(traditions[0]["works"])
    alone = json.loads(mnr(root, "export", "csljson", "--tradition", name).stdout)
    assert {item["id"] for item in alone} == tagged
    both = mnr(root, "export", "csljson", "--included", "--tradition", name)
    assert both.returncode == 0, both.stderr
    included = {item["id"] for item in json.loads(mnr(root, "export", "csljson",
                                                      "--included").stdout)}
    assert {item["id"] for item in json.loads(both.stdout)} == tagged & included

    refused = mnr(root, "export", "ris", "--outcome", "y")
    assert refused.returncode != 0 and "give --stage too" in refused.stderr
    refused = mnr(root, "export", "ris", "--tradition", "No such tradition")
    assert refused.returncode != 0 and "there is no tradition" in refused.stderr
