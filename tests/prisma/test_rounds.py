"""An updated review: searches re-run in a second round, and the PRISMA 2020 flow of each
round, checked box by box against a small review computed by hand."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from mnr.dedupe.passes import deduplicate
from mnr.errors import MnrError
from mnr.library import Library
from mnr.prisma.counts import Flow, count
from mnr.prisma.diagram import layout, problems
from mnr.prisma.rounds import rounds
from mnr.project import Project, init_project
from mnr.review import open_review
from mnr.screening import decide as actions
from mnr.screening.state import load
from mnr.searches import ImportOptions, import_file, read_log
from mnr.synthesis import links
from tests.helpers import works_by_doi
from tests.prisma.test_counts import PAPERS
from tests.prisma.test_counts import PROTOCOL as KNOWN_FLOW

PROTOCOL = KNOWN_FLOW.replace('title = "A review with a known flow"',
                              'title = "A review updated once"')


# round 2 finds one paper the first round's papers do not have
_PAPERS = {**PAPERS, "z": ("Crisis plans agreed with service users", "Henderson, C.", 2004)}


def _ris(keys: str) -> str:
    blocks = []
    for key in keys:
        title, author, year = _PAPERS[key]
        blocks.append("\n".join(["TY  - JOUR", f"AU  - {author}", f"TI  - {title}",
                                 f"PY  - {year}", "JO  - Journal of Mental Health",
                                 f"DO  - 10.1000/{key}", "ER  - "]))
    return "\n\n".join(blocks) + "\n"


def _import(project: Project, library: Library, name: str, keys: str,
            **options: object) -> None:
    path = project.root.parent / name
    path.write_text(_ris(keys), "utf-8")
    import_file(project, library, path, ImportOptions(**options))  # type: ignore[arg-type]


def _both(project: Project, library: Library, stage: str, decisions: dict[str, str]) -> None:
    """BH and MC agree on each work (by paper key): y, or n with a reason."""
    work_of = works_by_doi(library)
    at = load(library, project.settings()).stage(stage)
    for key, said in decisions.items():
        decision, _, reason = said.partition(":")
        for reviewer in ("BH", "MC"):
            actions.decide(library, at, work_of[key], reviewer, decision, reason or None)


@pytest.fixture
def review(tmp_path: Path) -> Iterator[tuple[Project, Library]]:
    """Round 1: MEDLINE (a-f) and CINAHL (a, b, g, h), a and b included."""
    project = init_project(tmp_path / "review", "A review updated once")
    project.review_file.write_text(PROTOCOL, "utf-8")
    library = Library.open(project.database_file)
    _import(project, library, "medline.ris", "abcdef", database="MEDLINE")
    _import(project, library, "cinahl.ris", "abgh", database="CINAHL")
    deduplicate(library)
    _both(project, library, "title_abstract", {
        "a": "y", "b": "y", "d": "y", "c": "n:Not research", "e": "n:Not research",
        "f": "n:Not research", "g": "n:Inpatient sample", "h": "n:Not research"})
    _both(project, library, "fulltext", {"a": "y", "b": "y", "d": "n:Not research"})
    yield project, library
    library.close()


def _update(project: Project, library: Library) -> None:
    """Round 2: MEDLINE re-run (a, b again, and new x, y), CINAHL re-run (x again, new z);
    x included, y excluded at full text, z at title and abstract."""
    _import(project, library, "medline-2.ris", "abxy", database="MEDLINE", update_of=1)
    _import(project, library, "cinahl-2.ris", "xz", database="CINAHL", update_of=2)
    deduplicate(library)
    _both(project, library, "title_abstract", {"x": "y", "y": "y", "z": "n:Not research"})
    _both(project, library, "fulltext", {"x": "y", "y": "n:Inpatient sample"})


def _boxes(flow: Flow) -> dict[str, object]:
    """Every box of a flow (what the diagram, the table and the template show)."""
    data = flow.as_dict()
    for key in ("review_round", "round_date", "gaps"):
        data.pop(key, None)
    return data


def test_the_first_round_alone_is_a_new_review(review: tuple[Project, Library]) -> None:
    project, library = review
    flow = count(library, project.settings())
    assert flow.review_round is None
    assert (flow.database_results, flow.duplicates, flow.records_screened) == (10, 2, 8)
    assert (flow.previous_studies, flow.new_studies, flow.total_studies) == (0, 2, 2)
    with pytest.raises(MnrError, match="no review round 2; the rounds are: 1"):
        count(library, project.settings(), 2)


def test_an_update_joins_the_next_round_and_is_logged(review: tuple[Project, Library]
                                                      ) -> None:
    project, library = review
    _update(project, library)
    found = rounds(library)
    assert [(r.number, [s.label for s in r.searches]) for r in found] == [
        (1, ["S1", "S2"]), (2, ["S3", "S4"])]
    third = library.search(3)
    assert third is not None and (third.review_round, third.update_of) == (2, 1)
    entries, _ = read_log(project)
    assert [(e.options.review_round, e.options.update_of) for e in entries] == [
        (None, None), (None, None), (2, "medline.ris"), (2, "cinahl.ris")]


def test_round_two_is_counted_on_its_own(review: tuple[Project, Library]) -> None:
    project, library = review
    _update(project, library)
    flow = count(library, project.settings())  # several rounds: the latest by default
    assert flow.review_round == 2
    # identified in round 2 only: 4 + 2 records, not MEDLINE 6 + 4
    assert (flow.database_results, flow.database_specific_results) == (
        6, {"MEDLINE": 4, "CINAHL": 2})
    # a and b again (found in round 1) and x twice: 3 duplicates, 3 new works screened
    assert (flow.duplicates, flow.records_screened, flow.records_excluded) == (3, 3, 1)
    assert (flow.dbr_sought_reports, flow.dbr_assessed, flow.dbr_excluded) == (
        2, 2, {"Inpatient sample": 1})
    assert (flow.previous_studies, flow.previous_reports) == (2, 2)
    assert (flow.new_studies, flow.new_reports) == (1, 1)
    assert (flow.total_studies, flow.total_reports) == (3, 3)
    assert [(s.stage, s.works, s.included, s.excluded) for s in flow.stages] == [
        ("title_abstract", 3, 2, 1), ("fulltext", 2, 1, 1)]
    assert any("2 are of works an earlier round found" in gap for gap in flow.gaps)
    assert count(library, project.settings(), 2).as_dict() == flow.as_dict()


def test_round_one_is_reproduced_as_it_was_before_the_update(
        review: tuple[Project, Library]) -> None:
    project, library = review
    before = count(library, project.settings())
    _update(project, library)
    after = count(library, project.settings(), 1)
    assert after.review_round == 1
    assert _boxes(after) == _boxes(before)
    assert after.gaps == before.gaps


def test_a_work_first_found_by_other_methods_stays_in_that_column_in_round_one(
        review: tuple[Project, Library]) -> None:
    project, library = review
    _import(project, library, "citations.ris", "x", database="Reference lists",
            other_method="Citation searching")
    deduplicate(library)
    before = count(library, project.settings())
    assert before.other_results and before.stages[0].works == 9
    _update(project, library)  # MEDLINE finds x in round 2: a duplicate of a round-1 work
    after = count(library, project.settings(), 1)  # (x was screened since: not compared)
    for box in ("database_results", "duplicates", "records_screened", "other_results",
                "records_excluded", "dbr_sought_reports", "dbr_excluded"):
        assert getattr(after, box) == getattr(before, box), box
    assert (after.stages[0].works, after.other_sought_reports) == (9, 1)  # x: other methods
    update = count(library, project.settings(), 2)
    assert (update.duplicates, update.records_screened) == (4, 2)  # a, b, x twice; y, z


def test_a_new_report_of_a_previous_study_is_a_new_report_not_a_new_study(
        review: tuple[Project, Library]) -> None:
    project, library = review
    _update(project, library)
    work_of = works_by_doi(library)
    links.link(library, work_of["a"], [work_of["x"]], "BH")  # x: a later report of a's study
    flow = count(library, project.settings(), 2)
    assert (flow.previous_studies, flow.previous_reports) == (2, 2)
    assert (flow.new_studies, flow.new_reports) == (0, 1)
    assert (flow.total_studies, flow.total_reports) == (2, 3)
    first = count(library, project.settings(), 1)  # round 1 knows nothing of x
    assert (first.total_studies, first.total_reports) == (2, 2)


def test_a_round_can_be_given_and_a_wrong_one_is_refused(review: tuple[Project, Library]
                                                         ) -> None:
    project, library = review
    path = project.root.parent / "psycinfo-2.ris"
    path.write_text(_ris("x"), "utf-8")
    with pytest.raises(MnrError, match="no such search"):
        import_file(project, library, path, ImportOptions(database="PsycINFO", update_of=9))
    with pytest.raises(MnrError, match="belongs to a later round"):
        import_file(project, library, path, ImportOptions(database="PsycINFO", update_of=1,
                                                          review_round=1))
    assert len(library.searches()) == 2  # nothing imported
    # a database first searched in the update: round 2 without an earlier search
    import_file(project, library, path, ImportOptions(database="PsycINFO", review_round=2))
    third = library.search(3)
    assert third is not None and (third.review_round, third.update_of) == (2, None)


def test_rounds_survive_a_rebuild_from_the_search_log(review: tuple[Project, Library]
                                                      ) -> None:
    project, library = review
    _update(project, library)
    library.close()
    for leftover in project.library_dir.iterdir():
        leftover.unlink()
    opened = open_review(project)  # (this library wrote no judgement lines: none replayed)
    try:
        rebuilt = opened.library
        assert [(s.review_round, s.update_of) for s in rebuilt.searches()] == [
            (1, None), (1, None), (2, 1), (2, 2)]
        flow = count(rebuilt, project.settings())
        assert (flow.review_round, flow.database_specific_results) == (
            2, {"MEDLINE": 4, "CINAHL": 2})
    finally:
        opened.library.close()


def test_the_updated_review_diagram_is_sound(review: tuple[Project, Library]) -> None:
    project, library = review
    _update(project, library)
    flow = count(library, project.settings(), 2)
    diagram = layout(flow, "A review updated once")
    assert problems(diagram) == []
    words = " ".join(text.get_text() for _, found in diagram.boxes for text in found)
    for box in ("Previous studies", "Studies included in previous version of review (n = 2)",
                "Reports of studies included in previous version of review (n = 2)",
                "New studies included in review (n = 1)", "Reports of new included studies",
                "Total studies included in review (n = 3)",
                "Reports of total included studies (n = 3)",
                "Identification of new studies via databases and registers"):
        assert box in words
    first = layout(count(library, project.settings(), 1), "A review updated once")
    assert problems(first) == []
    assert "Previous studies" not in [t.get_text() for _, f in first.boxes for t in f]
