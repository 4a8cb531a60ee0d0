"""PRISMA 2020 numbers from a small review whose flow is known box by box."""

from __future__ import annotations

import csv
import io
import random
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from mnr.dedupe.passes import deduplicate
from mnr.library import Library
from mnr.library.models import NewEntry
from mnr.prisma.counts import Flow, _agree, count
from mnr.prisma.template import COLUMNS, write_csv
from mnr.project import Project, init_project
from mnr.screening import decide as actions
from mnr.screening.state import load
from mnr.screening.tally import DBR, OTHER, tally
from mnr.searches import ImportOptions, import_file
from tests.helpers import works_by_doi

PROTOCOL = """\
[review]
title = "A review with a known flow"

[screening]
stages = ["title_abstract", "fulltext"]
reviewers = ["BH", "MC"]
exclusion_reasons = ["Inpatient sample", "Not research", "Full text not available"]
"""

PAPERS = {  # key: (title, first author, year)
    "a": ("Care planning in community mental health teams", "Simpson, A.", 2016),
    "b": ("Recovery-oriented care coordination for adults with psychosis", "Slade, M.", 2015),
    "c": ("Inpatient ward rounds and discharge planning", "Bowers, L.", 2014),
    "d": ("Service user involvement in care programme approach reviews", "Grundy, A.", 2015),
    "e": ("Personal budgets and personalised care plans", "Coffey, M.", 2013),
    "f": ("A randomised trial of case management in rural areas", "Burns, T.", 2007),
    "g": ("Nurses as care coordinators: an ethnography", "Hannigan, B.", 2011),
    "h": ("Shared decision making in community psychiatry", "Kelly, S.", 2012),
    "x": ("The care programme approach: a policy history", "Goodwin, N.", 2010),
    "y": ("Care planning guidance for practitioners", "Rose, D.", 2009),
}


def _ris(keys: str) -> str:
    blocks = []
    for key in keys:
        title, author, year = PAPERS[key]
        blocks.append("\n".join(["TY  - JOUR", f"AU  - {author}", f"TI  - {title}",
                                 f"PY  - {year}", "JO  - Journal of Mental Health",
                                 f"DO  - 10.1000/{key}", "ER  - "]))
    return "\n\n".join(blocks) + "\n"


@pytest.fixture
def review(tmp_path: Path) -> Iterator[tuple[Project, Library]]:
    project = init_project(tmp_path / "review", "A review with a known flow")
    project.review_file.write_text(PROTOCOL, "utf-8")
    library = Library.open(project.database_file)
    for name, keys, options in (
            ("medline.ris", "abcdef", ImportOptions(database="MEDLINE")),
            ("cinahl.ris", "abgh", ImportOptions(database="CINAHL")),
            ("citations.ris", "axy", ImportOptions(database="Zotero",
                                                   other_method="Citation searching"))):
        path = tmp_path / name
        path.write_text(_ris(keys), "utf-8")
        import_file(project, library, path, options)
    deduplicate(library)
    yield project, library
    library.close()


def _screen(project: Project, library: Library) -> dict[str, int]:
    """The known flow's decisions; returns the work id of each paper."""
    settings = project.settings()
    work_of = works_by_doi(library)
    first = load(library, settings).stage("title_abstract")
    both = {"a": "yy", "b": "yy", "c": "yy", "d": "yy", "e": "yy", "f": "yn", "g": "nn",
            "h": "yn", "x": "yy", "y": "nn"}
    for key, (bh, mc) in both.items():
        for reviewer, decision in (("BH", bh), ("MC", mc)):
            reason = "Not research" if decision == "n" else None
            actions.decide(library, first, work_of[key], reviewer, decision, reason)
    actions.resolve(library, first, work_of["f"], "BH", "n", "case management, not care plans")
    actions.resolve(library, first, work_of["h"], "MC", "y", "community sample after all")
    full = load(library, settings).stage("fulltext")
    fulltext = {"a": ("n", "Full text not available", "n", "Full text not available"),
                "b": ("n", "Inpatient sample", "n", "Inpatient sample"),
                "c": ("n", "Inpatient sample", "n", "Not research"),
                "d": ("y", None, "y", None), "e": ("y", None, "y", None),
                "h": ("y", None, "y", None), "x": ("y", None, "y", None)}
    for key, (bh, bh_reason, mc, mc_reason) in fulltext.items():
        actions.decide(library, full, work_of[key], "BH", bh, bh_reason)
        actions.decide(library, full, work_of[key], "MC", mc, mc_reason)
    return work_of


def test_every_box_of_a_known_flow(review: tuple[Project, Library]) -> None:
    project, library = review
    _screen(project, library)
    flow = count(library, project.settings())
    assert (flow.database_results, flow.database_specific_results) == (
        10, {"MEDLINE": 6, "CINAHL": 4})
    assert (flow.register_results, flow.other_results) == (0, {"Citation searching": 3})
    # a and b are in both databases; a again in the citations (a duplicate there too)
    assert (flow.duplicates, flow.records_screened, flow.records_excluded) == (2, 8, 2)
    assert (flow.dbr_sought_reports, flow.dbr_notretrieved_reports, flow.dbr_assessed) == (
        6, 1, 5)
    assert flow.dbr_excluded == {"Inpatient sample": 2}  # c: BH's reason, BH listed first
    assert (flow.other_sought_reports, flow.other_notretrieved_reports,
            flow.other_assessed, flow.other_excluded) == (1, 0, 1, {})
    assert (flow.new_studies, flow.total_studies, flow.total_reports) == (4, 4, 4)
    assert [(s.stage, s.works, s.included, s.excluded, s.waiting) for s in flow.stages] == [
        ("title_abstract", 10, 7, 3, 0), ("fulltext", 7, 4, 3, 0)]
    assert len(flow.gaps) == 2  # the citation duplicate; y excluded before full text
    assert "1 record found by other methods was a duplicate" in flow.gaps[0]
    assert "excluded at the title_abstract stage" in flow.gaps[1]


def test_gaps_are_explained_while_work_is_waiting(review: tuple[Project, Library]) -> None:
    project, library = review
    settings = project.settings()
    first = load(library, settings).stage("title_abstract")
    work = first.work_ids[0]
    actions.decide(library, first, work, "BH", "y")
    actions.decide(library, first, work, "MC", "n", "Not research")
    flow = count(library, settings)
    assert flow.records_screened == 8 and flow.records_excluded == 0
    assert flow.dbr_sought_reports == 0
    assert any("8 records at the title_abstract stage are waiting for a decision "
               "(7 undecided, 1 in conflict)" in gap for gap in flow.gaps)
    second = first.work_ids[1]  # a maybe goes on to the full texts: it is not waiting
    actions.decide(library, first, second, "BH", "m")
    actions.decide(library, first, second, "MC", "m")
    flow = count(library, settings)
    assert flow.dbr_sought_reports == 1
    assert any("7 records at the title_abstract stage are waiting for a decision "
               "(6 undecided, 1 in conflict)," in gap for gap in flow.gaps)


def test_records_not_deduplicated_are_explained(tmp_path: Path) -> None:
    project = init_project(tmp_path / "review", "t")
    project.review_file.write_text(PROTOCOL, "utf-8")
    library = Library.open(project.database_file)
    path = tmp_path / "medline.ris"
    path.write_text(_ris("abc"), "utf-8")
    import_file(project, library, path, ImportOptions(database="MEDLINE"))
    flow = count(library, project.settings())
    library.close()
    assert (flow.database_results, flow.records_screened) == (3, 0)
    assert "3 records from databases and registers are not deduplicated yet" in flow.gaps[0]


def _template(flow: Flow) -> dict[str, dict[str, str]]:
    stream = io.StringIO()
    write_csv(flow, stream)
    rows = list(csv.DictReader(io.StringIO(stream.getvalue())))
    assert list(rows[0]) == COLUMNS
    return {row["data"]: row for row in rows if row["data"] != "NA"}


def test_the_csv_is_the_prisma2020_template(review: tuple[Project, Library]) -> None:
    project, library = review
    _screen(project, library)
    rows = _template(count(library, project.settings()))
    numbers = {name: row["n"] for name, row in rows.items()}
    assert numbers["database_results"] == "10"
    assert numbers["database_specific_results"] == "MEDLINE, 6; CINAHL, 4"
    assert numbers["register_specific_results"] == "NA"
    # a category nobody searched is NA: the R package leaves it out of its box
    assert (numbers["citations_results"], numbers["website_results"]) == ("3", "NA")
    assert (numbers["duplicates"], numbers["records_screened"], numbers["records_excluded"]) == (
        "2", "8", "2")
    assert (numbers["dbr_sought_reports"], numbers["dbr_notretrieved_reports"],
            numbers["dbr_assessed"], numbers["dbr_excluded"]) == ("6", "1", "5",
                                                                  "Inpatient sample, 2")
    assert (numbers["new_studies"], numbers["total_studies"]) == ("4", "4")
    assert rows["records_screened"]["node"] == "node9" and rows["dbr_excluded"]["box"] == "box9"
    expected = {"previous_studies", "previous_reports", "database_results",
                "database_specific_results", "register_results", "register_specific_results",
                "website_results", "organisation_results", "citations_results", "duplicates",
                "excluded_automatic", "excluded_other", "records_screened", "records_excluded",
                "dbr_sought_reports", "dbr_notretrieved_reports", "other_sought_reports",
                "other_notretrieved_reports", "dbr_assessed", "dbr_excluded", "other_assessed",
                "other_excluded", "new_studies", "new_reports", "total_studies",
                "total_reports", "identification", "screening", "included",
                "total_studies_ma", "total_reports_ma"}
    assert set(rows) == expected


@pytest.mark.parametrize("seed", range(4))
def test_tally_agrees_with_the_fold_in_both_columns_after_a_withdrawal(
        review: tuple[Project, Library], seed: int) -> None:
    """Works from other methods only count in their own column; a work whose records
    were all withdrawn counts nowhere, whatever the log says about it."""
    project, library = review
    settings = project.settings()
    chance = random.Random(seed)
    works = load(library, settings).stages[0].work_ids
    for _ in range(80):
        kind = chance.choice(["decision", "decision", "decision", "resolution"])
        library.screening.append([NewEntry(
            chance.choice(works), chance.choice(settings.stages), chance.choice(["BH", "MC"]),
            kind, chance.choice("ynm"), chance.choice([None, "Not research"]), origin="t")])
    cinahl = next(s for s in library.searches() if s.database == "CINAHL")
    library.withdraw_search(cinahl.search_id, "imported by mistake")
    searches = {s.search_id: s for s in library.searches()}
    from_databases: dict[int, bool] = {}
    for record in library.records():
        assert record.work_id is not None
        search = searches[record.search_id]
        from_databases[record.work_id] = from_databases.get(record.work_id, False) or (
            search.source_kind != "other")
    assert len(from_databases) == 8 and sum(from_databases.values()) == 6  # g, h gone
    expected = []
    for stage in load(library, settings).stages:
        counts = {}
        for column, wanted in ((DBR, True), (OTHER, False)):
            ids = [w for w in stage.work_ids if from_databases[w] == wanted]
            counts[column] = (len(ids), +Counter(stage.outcome(w) for w in ids),
                              sum(1 for w in ids if stage.goes_forward(w)),
                              stage.exclusion_reasons(ids))
        expected.append(counts)
    assert [{column: (stage.works[column], +stage.outcomes[column], stage.forward[column],
                      stage.reasons[column]) for column in (DBR, OTHER)}
            for stage in tally(library, settings)] == expected


def test_a_note_agrees_with_its_count() -> None:
    """"1 record was", "2 records were": PRISMA's notes are read by authors, and quoted."""
    note = ("{n} record{s} at the {stage} stage {were} not screened; {they} {are} counted "
            "in 'records excluded'")
    assert _agree(1, note, stage="title") == (
        "1 record at the title stage was not screened; it is counted in 'records excluded'")
    assert _agree(1200, note, stage="title") == (
        "1,200 records at the title stage were not screened; they are counted in 'records "
        "excluded'")
    assert _agree(1, "{n} {are} of {works} an earlier round found") == (
        "1 is of a work an earlier round found")
    # a stage's name is filled in as text, never read as a template
    assert _agree(2, "{n} record{s} at the {stage} stage", stage="{s}") == (
        "2 records at the {s} stage")
