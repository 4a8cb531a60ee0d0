"""Data extraction: the template from review.toml, the latest save per work, and the evidence
table as CSV, Markdown and XLSX."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from mnr.errors import MnrError, ProjectError
from mnr.project import load_settings
from mnr.synthesis.extraction import check_output, current, evidence_table, save, update, write
from tests.synthesis.conftest import Review


def _fill(review: Review) -> None:
    lib, settings, w = review.library, review.settings, review.work
    save(lib, settings, w["a"], "BH", {"Setting": "Community teams", "Country": "UK",
                                       "Findings": "Plans | were\nnot shared"})
    save(lib, settings, w["b"], "MC", {"Setting": "  Outpatients ", "Country": "Australia"})
    save(lib, settings, w["a"], "MC", {"Setting": "Community mental health teams",
                                       "Country": "UK", "Findings": "Plans | were\nnot shared"})


def test_the_latest_save_counts(review: Review) -> None:
    _fill(review)
    latest = current(review.library)
    assert latest[review.work["a"]].reviewer == "MC"
    assert latest[review.work["a"]].fields["Setting"] == "Community mental health teams"
    assert latest[review.work["b"]].fields == {"Setting": "Outpatients", "Country": "Australia",
                                               "Findings": ""}
    assert len(review.library.synthesis.extractions()) == 3  # every save is kept


def test_an_update_keeps_the_fields_it_does_not_name(review: Review) -> None:
    _fill(review)
    lib, settings, w = review.library, review.settings, review.work
    update(lib, settings, w["a"], "BH", {"Country": "England"})
    latest = current(lib)[w["a"]]
    assert (latest.reviewer, latest.fields) == ("BH", {
        "Setting": "Community teams", "Country": "England",
        "Findings": "Plans | were\nnot shared"})  # BH's own form, not MC's: Country replaced
    update(lib, settings, w["c"], "MC", {"Setting": "Wards"})  # nothing saved before
    assert current(lib)[w["c"]].fields == {"Setting": "Wards", "Country": "", "Findings": ""}
    with pytest.raises(MnrError, match="'Colour' not in the extraction template"):
        update(lib, settings, w["a"], "BH", {"Colour": "blue"})


def test_an_xlsx_table_needs_a_file() -> None:
    check_output("xlsx", Path("evidence.xlsx"))
    check_output("csv", None)
    with pytest.raises(MnrError, match="^an XLSX file needs a file name: -o evidence.xlsx$"):
        check_output("xlsx", None)


def test_the_evidence_table_has_a_row_per_included_study(review: Review) -> None:
    _fill(review)
    columns, rows = evidence_table(review.library, review.settings)
    assert columns == ["Study", "Setting", "Country", "Findings"]
    assert [r[0] for r in rows] == ["Slade 1999", "Burns 2001", "Grundy & Bee 2003",
                                    "Goodwin 2005", "Kelly 2012", "Coffey 2013",
                                    "Simpson et al. 2016"]
    assert rows[0] == ["Slade 1999", "Outpatients", "Australia", ""]
    assert rows[1] == ["Burns 2001", "", "", ""]  # not extracted yet: blank
    assert rows[-1][1] == "Community mental health teams"


def test_the_evidence_table_as_csv_and_markdown(review: Review) -> None:
    _fill(review)
    columns, rows = evidence_table(review.library, review.settings)
    stream = io.StringIO()
    write(columns, rows, "csv", stream)
    read = list(csv.reader(io.StringIO(stream.getvalue())))
    assert read[0] == columns and read[-1][3] == "Plans | were\nnot shared"
    stream = io.StringIO()
    write(columns, rows, "md", stream)
    lines = stream.getvalue().splitlines()
    assert lines[:2] == ["| Study | Setting | Country | Findings |", "|---|---|---|---|"]
    assert lines[-1] == ("| Simpson et al. 2016 | Community mental health teams | UK | "
                         "Plans \\| were<br>not shared |")
    assert len(lines) == 2 + 7


def test_the_evidence_table_as_xlsx(review: Review, tmp_path: Path) -> None:
    import pandas as pd

    _fill(review)
    columns, rows = evidence_table(review.library, review.settings)
    path = tmp_path / "evidence.xlsx"
    write(columns, rows, "xlsx", path)
    frame = pd.read_excel(path, dtype=str, keep_default_na=False)
    assert list(frame.columns) == columns
    assert frame.shape == (7, 4)
    assert frame.iloc[-1].tolist() == ["Simpson et al. 2016", "Community mental health teams",
                                       "UK", "Plans | were\nnot shared"]
    with pytest.raises(MnrError, match="needs a file name"):
        write(columns, rows, "xlsx", io.StringIO())


def test_extractions_are_checked(review: Review) -> None:
    lib, settings, w = review.library, review.settings, review.work
    with pytest.raises(MnrError, match="'Colour' not in the extraction template"):
        save(lib, settings, w["a"], "BH", {"Colour": "blue"})
    with pytest.raises(MnrError, match="not a study of this review"):
        save(lib, settings, w["x"], "BH", {"Setting": "Ward"})  # excluded at the title stage
    with pytest.raises(MnrError, match="who extracted"):
        save(lib, settings, w["a"], " ", {"Setting": "x"})
    assert current(lib) == {}


def test_the_seed_reviews_template_by_default(review: Review) -> None:
    text = review.project.review_file.read_text("utf-8")
    review.project.review_file.write_text(
        text.replace('[extraction]\nfields = ["Setting", "Country", "Findings"]\n', ""), "utf-8")
    fields = review.settings.extraction_fields
    assert fields[0] == "Setting" and "Sample characteristics" in fields and len(fields) == 9


@pytest.mark.parametrize("line", ['fields = "Setting, Country"', 'fields = ["Setting", 3]',
                                  'fields = ["Setting", "Setting"]', 'fields = []',
                                  'fields = ["Setting", " "]'])
def test_a_malformed_template_names_the_file_and_key(review: Review, line: str) -> None:
    path = review.project.review_file
    text = path.read_text("utf-8")
    path.write_text(text.replace('fields = ["Setting", "Country", "Findings"]', line), "utf-8")
    with pytest.raises(ProjectError) as caught:
        load_settings(path)
    message = caught.value.message
    assert str(path) in message and "`extraction.fields`" in message
    assert "line 11" in message  # where `fields =` is written
