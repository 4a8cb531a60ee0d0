"""Other methods by their logged category (never guessed from a name), the JSON keyed as
the PRISMA2020 R package's template, and its CSV read back by real CSV parsers (and by
the R package's own rule for lists) whatever the names hold."""

from __future__ import annotations

import csv
import io
import json
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from mnr.cli import main
from mnr.errors import ImportRefused
from mnr.library import Library
from mnr.prisma.counts import TEMPLATE_KEYS, Flow, count
from mnr.prisma.template import COLUMNS, OTHER_ROW, write_csv
from mnr.project import init_project
from mnr.searches import (
    ImportOptions,
    import_file,
    other_method_category,
    other_source,
    read_log,
)
from tests.prisma.test_counts import PROTOCOL, _ris

# The R package's data names (inst/extdata/PRISMA.csv, with 2024's meta-analysis rows).
R_TEMPLATE = [
    "previous_studies", "previous_reports", "database_results", "database_specific_results",
    "register_results", "register_specific_results", "website_results",
    "organisation_results", "citations_results", "duplicates", "excluded_automatic",
    "excluded_other", "records_screened", "records_excluded", "dbr_sought_reports",
    "dbr_notretrieved_reports", "other_sought_reports", "other_notretrieved_reports",
    "dbr_assessed", "dbr_excluded", "other_assessed", "other_excluded", "new_studies",
    "new_reports", "total_studies", "total_reports", "identification", "screening",
    "included", "total_studies_ma", "total_reports_ma"]


@pytest.mark.parametrize(("given", "category"), [
    ("citation-searching", "citation-searching"), ("Citation searching", "citation-searching"),
    ("CITATION_SEARCHING", "citation-searching"), ("Websites", "websites"),
    ("website", "websites"), ("Organizations", "organisations"), ("other", "other"),
    # free text names no category: it is "other" (its text the label), never guessed
    ("Hand searching", "other"), ("Google Scholar", "other"), ("Contacting experts", "other"),
    ("Grey literature websites", "other")])
def test_the_rule_for_free_text_categories(given: str, category: str) -> None:
    assert other_method_category(given) == category


def test_a_person_names_a_category_and_labels_the_source() -> None:
    assert other_method_category("Websites", strict=True) == "websites"
    with pytest.raises(ImportRefused, match="--other-method other --label 'Hand searching'"):
        other_method_category("Hand searching", strict=True)
    # what libraries built from old logs hold, and what new imports store
    assert other_source("Hand searching", "Hand searching") == ("other", "Hand searching")
    assert other_source("Citation searching", "Zotero") == ("citation-searching", "Zotero")
    assert other_source("other", "Hand searching") == ("other", "Hand searching")


def _review(tmp_path: Path, logged: list[tuple[str, str, ImportOptions]]) -> Flow:
    project = init_project(tmp_path / "review", "t")
    project.review_file.write_text(PROTOCOL, "utf-8")
    library = Library.open(project.database_file)
    try:
        for name, keys, options in logged:
            path = tmp_path / name
            path.write_text(_ris(keys), "utf-8")
            import_file(project, library, path, options)
        return count(library, project.settings())
    finally:
        library.close()


def test_each_category_goes_to_its_row_and_hand_searching_to_none(tmp_path: Path) -> None:
    flow = _review(tmp_path, [
        ("medline.ris", "abc", ImportOptions(database="MEDLINE")),
        ("hand.ris", "xy", ImportOptions(database="Hand searching", other_method="other")),
        ("nice.ris", "d", ImportOptions(database="NICE website", other_method="websites")),
        ("refs.ris", "ef", ImportOptions(other_method="Citation searching"))])
    assert (flow.website_results, flow.organisation_results, flow.citations_results) == (
        1, 0, 2)
    assert flow.other_results == {"Hand searching": 2, "Websites": 1, "Citation searching": 2}
    data = flow.as_dict()
    assert data["other_specific_results"] == [
        {"method": "other", "label": "Hand searching", "records": 2},
        {"method": "websites", "label": "NICE website", "records": 1},
        {"method": "citation-searching", "label": "Citation searching", "records": 2}]
    rows = {row["data"]: row for row in _csv_rows(flow)}
    assert (rows["website_results"]["n"], rows["organisation_results"]["n"],
            rows["citations_results"]["n"]) == ("1", "NA", "2")
    assert (rows[OTHER_ROW]["boxtext"], rows[OTHER_ROW]["n"]) == ("Hand searching", "2")


def test_an_old_search_log_reads_by_the_rule(tmp_path: Path) -> None:
    """A log written before categories: its free text is kept, and counted by the rule."""
    project = init_project(tmp_path / "review", "t")
    project.review_file.write_text(PROTOCOL, "utf-8")
    (project.searches_dir / "hand.ris").write_text(_ris("xy"), "utf-8")
    (project.searches_dir / "refs.ris").write_text(_ris("a"), "utf-8")
    with project.log_file.open("a", encoding="utf-8") as log:
        log.write('\n[[search]]\nfile = "hand.ris"\ndatabase = "Hand searching"\n'
                  'other_method = "Hand searching"\n\n[[search]]\nfile = "refs.ris"\n'
                  'database = "Citation searching"\nother_method = "Citation searching"\n')
    entries, _ = read_log(project)
    assert [e.options.other_method for e in entries] == ["Hand searching", "Citation searching"]
    from mnr.review import open_review

    library = open_review(project).library
    try:
        flow = count(library, project.settings())
    finally:
        library.close()
    assert (flow.citations_results, flow.website_results) == (1, 0)
    assert flow.other_results == {"Hand searching": 2, "Citation searching": 1}


def test_the_json_is_keyed_as_the_template_in_its_order(tmp_path: Path) -> None:
    flow = _review(tmp_path, [("medline.ris", "abc", ImportOptions(database="MEDLINE"))])
    data = flow.as_dict()
    assert list(data)[:len(TEMPLATE_KEYS)] == list(TEMPLATE_KEYS)
    assert set(R_TEMPLATE) - {"identification", "screening", "included"} == set(TEMPLATE_KEYS)
    assert "other_results" not in data  # one key per template row instead
    assert (data["total_studies_ma"], data["total_reports_ma"]) == (None, None)
    assert data["database_results"] == 3 and data["records_screened"] == 0
    json.dumps(data)  # JSON as it is


def test_the_csv_has_every_template_row_in_its_order(tmp_path: Path) -> None:
    flow = _review(tmp_path, [("medline.ris", "abc", ImportOptions(database="MEDLINE"))])
    rows = _csv_rows(flow)
    assert [row["data"] for row in rows if row["data"] != "NA"] == R_TEMPLATE
    ma = {row["data"]: row for row in rows}["total_studies_ma"]
    assert (ma["node"], ma["box"], ma["n"]) == ("node23", "box17", "NA")


def _csv_rows(flow: Flow) -> list[dict[str, str]]:
    stream = io.StringIO()
    write_csv(flow, stream)
    rows = list(csv.DictReader(io.StringIO(stream.getvalue())))
    assert all(list(row) == COLUMNS and None not in row.values() for row in rows)
    return rows


def _r_list(text: str) -> list[tuple[str, int]]:
    """A list cell as the R package's PRISMA_parse_reasons_ reads it: split at ";" (and a
    space), the name before the first ",", the number from the digits after it."""
    pairs = []
    for part in re.split(r";( )?", text):
        if part is None or part == " " or not part:
            continue
        name, _, rest = part.partition(",")
        pairs.append((name, int(re.sub(r"[^0-9]", "", re.sub(r"[^ 0-9,].*$", "", rest)))))
    return pairs


HOSTILE = {
    'Web of Science, "Core"\nCollection': 41,
    "CINAHL; EBSCOhost": 36,
    "=cmd|' /C calc'!A0": 2,
    "Médline – Ovid\r\n": 7,
}


def test_the_csv_survives_hostile_names_in_real_parsers_and_in_r(tmp_path: Path) -> None:
    import pandas as pd

    flow = Flow(database_results=sum(HOSTILE.values()), database_specific_results=HOSTILE,
                dbr_excluded={'Not adults, or "in-patients"\n(ward)': 3, "Design; unclear": 1},
                other_excluded={}, other_sources={("other", 'Hand searching, "BJPsych"'): 4},
                other_results={'Hand searching, "BJPsych"': 4})
    stream = io.StringIO()
    write_csv(flow, stream)
    text = stream.getvalue()
    rows = list(csv.reader(io.StringIO(text)))
    assert all(len(row) == len(COLUMNS) for row in rows)
    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    assert list(frame.columns) == COLUMNS and len(frame) == len(rows) - 1
    cells = dict(zip(frame["data"], frame["n"], strict=False))
    assert _r_list(cells["database_specific_results"]) == [
        ('Web of Science - "Core" - Collection', 41), ("CINAHL - EBSCOhost", 36),
        ("=cmd|' /C calc'!A0", 2), ("Médline – Ovid", 7)]  # not at a cell's start
    assert _r_list(cells["dbr_excluded"]) == [
        ('Not adults - or "in-patients" - (ward)', 3), ("Design - unclear", 1)]
    assert cells[OTHER_ROW] == "4"
    assert frame[frame["data"] == OTHER_ROW]["boxtext"].item() == (
        'Hand searching - "BJPsych"')


def test_other_methods_from_the_command_line(tmp_path: Path) -> None:
    runner = CliRunner()
    root = tmp_path / "review"
    export = tmp_path / "hand.ris"
    export.write_text(_ris("xy"), "utf-8")
    cwd = os.getcwd()
    try:
        assert runner.invoke(main, ["init", str(root), "--title", "t"]).exit_code == 0
        os.chdir(root)
        refused = runner.invoke(main, ["import", str(export), "--other-method",
                                       "Hand searching"])
        assert refused.exit_code != 0
        assert "--other-method other --label 'Hand searching'" in refused.output
        refused = runner.invoke(main, ["import", str(export), "--other-method", "other"])
        assert refused.exit_code != 0 and "needs --label" in refused.output
        done = runner.invoke(main, ["import", str(export), "--other-method", "other",
                                    "--label", "Hand searching"])
        assert done.exit_code == 0, done.output
        logged = (root / "searches" / "log.toml").read_text("utf-8")
        assert 'other_method = "other"' in logged and 'database = "Hand searching"' in logged
        shown = runner.invoke(main, ["prisma", "--json"])
        assert shown.exit_code == 0, shown.output
        data = json.loads(shown.stdout)
        assert data["citations_results"] == 0 and data["other_specific_results"] == [
            {"method": "other", "label": "Hand searching", "records": 2}]
    finally:
        os.chdir(cwd)
