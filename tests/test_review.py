"""A review as both faces open it: built from its folder on first use (or not at all),
where it stands in words that say which count is which, and the ids people type."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from mnr import review
from mnr.dedupe.passes import deduplicate
from mnr.errors import MnrError, ProjectError
from mnr.library import Library
from mnr.library.models import CandidatePair
from mnr.prisma.counts import count
from mnr.project import Project
from mnr.screening.decide import decide
from mnr.screening.state import load
from tests.helpers import import_text, make_project

CARE = ("Care planning in community mental health teams", "10.1000/care")
RECOVERY = ("Recovery-oriented care coordination for adults with psychosis", "10.1000/rec")
WARD = ("Inpatient ward rounds and discharge planning", "10.1000/ward")


def _ris(papers: list[tuple[str, str]], source: str) -> str:
    return "".join(f"TY  - JOUR\nAU  - Simpson, A.\nTI  - {title}\nJO  - J Ment Health\n"
                   f"PY  - 2016\nDO  - {doi}\nUR  - https://example.org/{source}\nER  - \n\n"
                   for title, doi in papers)


@pytest.fixture
def project(tmp_path: Path) -> Project:
    """Two database searches (R1-R2 MEDLINE, R3-R4 CINAHL) and citation searching (R5-R6):
    the care planning paper in all three, the recovery paper in MEDLINE and by citation."""
    made = make_project(tmp_path)
    toml = made.review_file.read_text("utf-8").replace('reviewers = ["R1"]', 'reviewers = ["BH"]')
    made.review_file.write_text(toml, "utf-8")
    import_text(made, "medline.ris", _ris([CARE, RECOVERY], "medline"), "MEDLINE")
    import_text(made, "cinahl.ris", _ris([CARE, WARD], "cinahl"), "CINAHL")
    import_text(made, "citations.ris", _ris([CARE, RECOVERY], "citations"),
                "Citation searching", other_method="Citation searching")
    return made


def _fresh_checkout(project: Project) -> None:
    """The review folder as a clone has it: searches/ and its log, no library yet."""
    for leftover in project.library_dir.iterdir():
        leftover.unlink()


def _no_library(project: Project) -> bool:
    return not any(Path(f"{project.database_file}{suffix}").exists()
                   for suffix in ("", "-wal", "-shm"))


@pytest.fixture
def library(project: Project) -> Iterator[Library]:
    opened = Library.open(project.database_file)
    yield opened
    opened.close()


# -- opening ------------------------------------------------------------------------------

def test_first_use_builds_the_library_from_the_search_log(project: Project) -> None:
    _fresh_checkout(project)
    opened = review.open_review(project)
    try:
        assert [r.search.database for r in opened.built] == [
            "MEDLINE", "CINAHL", "Citation searching"]
        assert [r.search.source_kind for r in opened.built] == ["database", "database", "other"]
        assert opened.replayed is None
        assert [r.title for r in opened.library.records()] == [
            CARE[0], RECOVERY[0], CARE[0], WARD[0], CARE[0], RECOVERY[0]]
        assert opened.library.works.memberships() == {}  # nothing to replay: no pass yet
    finally:
        opened.library.close()
    again = review.open_review(project)  # a library now: nothing is built again
    assert (again.built, again.replayed) == ([], None)
    again.library.close()


def _judge(project: Project) -> dict[int, int]:
    """Deduplicate, decide two titles, tag a work and write a memo, as people would (each
    act written to judgements/); returns the records' works."""
    library = review.open_review(project).library
    try:
        deduplicate(library)
        work = library.works.memberships()
        stage = load(library, project.settings()).stage("title")
        decide(library, stage, work[1], "BH", "y")
        decide(library, stage, work[4], "BH", "n", reason="Wrong setting")
        library.synthesis.tag([(work[2], "country", "UK", "add")], "BH")
        library.synthesis.add_memo("review", None, "BH", "Adults only")
        return work
    finally:
        library.close()


def test_first_use_replays_the_judgement_logs(project: Project) -> None:
    work = _judge(project)
    assert sorted(p.name for p in (project.root / "judgements").glob("*.jsonl")) == [
        "BH.jsonl", "team.jsonl"]  # the people's acts, and the pass nobody signed
    _fresh_checkout(project)
    opened = review.open_review(project)
    library = opened.library
    try:
        assert opened.replayed == 5 and len(opened.built) == 3
        assert library.works.memberships() == work  # the same works, the same numbers
        assert [(e.work_id, e.decision, e.reason) for e in library.screening.log()] == [
            (work[1], "y", None), (work[4], "n", "Wrong setting")]
        assert [(t.work_id, t.value) for t in library.synthesis.tags()] == [(work[2], "UK")]
        assert [m.text for m in library.synthesis.memos()] == ["Adults only"]
    finally:
        library.close()
    again = review.open_review(project)  # applied once, not at every opening
    assert again.replayed is None and len(again.library.screening.log()) == 2
    again.library.close()


@pytest.mark.parametrize("rebuilt", [False, True])
def test_a_stage_with_decisions_left_out_of_review_toml_is_refused(
        project: Project, rebuilt: bool) -> None:
    """Taking "title" out of `stages` would orphan its two decisions: every count would
    lose them. Refused at opening, whether the library has them or the judgement logs."""
    _judge(project)
    text = project.review_file.read_text("utf-8")
    project.review_file.write_text(text.replace('stages = ["title", "abstract", "fulltext"]',
                                                'stages = ["abstract", "fulltext"]'), "utf-8")
    if rebuilt:
        _fresh_checkout(project)
    line = text.splitlines().index('stages = ["title", "abstract", "fulltext"]') + 1
    with pytest.raises(ProjectError) as refused:
        review.open_review(project)
    assert refused.value.message == (
        f"{project.review_file}, line {line}: `screening.stages` leaves out 'title', which "
        "the screening log has 2 entries for: put it back in stages (its decisions would "
        "drop out of every count); nothing was changed")
    project.review_file.write_text(text, "utf-8")  # put back: the review opens again
    opened = review.open_review(project)
    assert len(opened.library.screening.log()) == 2
    opened.library.close()


def test_a_build_that_fails_leaves_no_library_and_the_next_one_starts_afresh(
        project: Project) -> None:
    _judge(project)
    _fresh_checkout(project)
    export = project.searches_dir / "cinahl.ris"
    export.rename(export.with_suffix(".away"))
    with pytest.raises(MnrError, match=r"the logged file cinahl.ris is missing"):
        review.open_review(project)
    assert _no_library(project)
    export.with_suffix(".away").rename(export)
    opened = review.open_review(project)
    assert (len(opened.built), opened.replayed) == (3, 5)
    opened.library.close()


def test_a_line_that_is_not_a_judgement_is_skipped_and_said(project: Project) -> None:
    """A merge's conflict marker, or a line cut short by a crash: the lines around it
    still count."""
    _judge(project)
    _fresh_checkout(project)
    log = project.root / "judgements" / "BH.jsonl"
    lines = log.read_text("utf-8").splitlines(keepends=True)
    log.write_text("".join([*lines[:2], "<<<<<<< HEAD\n", *lines[2:], '{"id": "cut'
                            ]), "utf-8")
    opened = review.open_review(project)
    assert opened.replayed == 5
    assert opened.reconciled == [
        "judgements/BH.jsonl, line 3: not a judgement line (Expecting value: line 1 column 1 "
        "(char 0)); skipped (the lines around it were read)"]
    opened.library.close()


def test_an_interrupted_build_leaves_no_library(project: Project) -> None:
    _fresh_checkout(project)
    seen: list[int] = []

    def interrupt(advance: int, total: int | None = None) -> None:
        seen.append(advance)
        if len(seen) > 3:  # in the second search
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        review.open_review(project, interrupt)
    assert _no_library(project)


def test_open_existing_refuses_a_review_without_a_library(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    with pytest.raises(MnrError) as refused:
        review.open_existing(project)
    message = refused.value.message
    assert str(project.root) in message and "has no library yet" in message
    assert "mnr import" in message and "mnr dedupe" in message
    assert _no_library(project)  # asking did not create one


def test_open_existing_opens_the_library_without_building(project: Project) -> None:
    library = review.open_existing(project)
    assert len(library.searches()) == 3
    library.close()


# -- status -------------------------------------------------------------------------------

def test_status_says_which_count_is_which(project: Project, library: Library) -> None:
    deduplicate(library)
    settings = project.settings()
    status = review.status(library, settings)
    assert (status.works.records, status.works.works) == (6, 3)
    # R3, R5 and R6 were merged into works; of them only R3 came from a database
    assert (status.works.records_merged, status.works.duplicates_removed) == (3, 1)
    assert status.works.duplicates_removed == count(library, settings).duplicates
    assert status.deduplication() == (
        "3 works from 6 records (3 records merged into works; "
        "PRISMA: 1 duplicate record removed before screening)")
    summary = status.as_dict()
    assert (summary["works"], summary["records_merged"], summary["duplicates_removed"],
            summary["records_not_deduplicated"], summary["pairs_to_review"]) == (3, 3, 1, 0, 0)
    assert (summary["title"], summary["searches"], summary["records"]) == (
        "A test review", 3, 6)
    assert [s.stage for s in status.stages] == ["title", "abstract", "fulltext"]
    assert status.stages[0].works == 3


def test_status_before_deduplication_and_with_pairs_to_review(project: Project,
                                                              library: Library) -> None:
    settings = project.settings()
    before = review.status(library, settings)
    assert (before.works.works, before.works.unassigned, before.stages) == (0, 6, [])
    assert before.deduplication().startswith("0 works from 0 records")
    assert before.as_dict()["records_not_deduplicated"] == 6
    groups: dict[int, list[int]] = {}
    deduplicate(library)
    for record, work in library.works.memberships().items():
        groups.setdefault(work, []).append(record)
    library.works.commit(list(groups.values()),  # a pass that left a pair for a person
                         pairs=[CandidatePair(2, 4, 0.7, "review", "similar journal")])
    status = review.status(library, settings)
    assert status.pairs_to_review == 1
    assert status.deduplication().endswith("removed before screening), 1 pair to review")
    assert status.works.duplicates_removed == count(library, settings).duplicates == 1


# -- ids ----------------------------------------------------------------------------------

@pytest.mark.parametrize("label", ["W12", "w12", "12", " W12 "])
def test_a_work_id_is_read_with_or_without_its_letter(label: str) -> None:
    assert review.work_id(label) == 12


def test_search_and_record_ids_take_their_own_letter() -> None:
    assert (review.search_id("S3"), review.search_id("s3"), review.search_id("3")) == (3, 3, 3)
    assert (review.record_id("R12"), review.record_id("r12"), review.record_id("12")) == (
        12, 12, 12)


@pytest.mark.parametrize(("parse", "label", "message"), [
    (review.work_id, "X3", "'X3' is not a work id; work ids look like W12"),
    (review.work_id, "S3", "'S3' is not a work id"),  # another kind's letter
    (review.work_id, "", "'' is not a work id"),
    (review.search_id, "W1", "'W1' is not a search id; search ids look like S3"),
    (review.record_id, "R1.5", "'R1.5' is not a record id; record ids look like R12"),
    (review.record_id, "R-2", "is not a record id"),
    # larger than any stored integer: refused here, not an OverflowError in the store
    (review.search_id, "S99999999999999999999999", "there is no search S9999"),
    (review.work_id, "9223372036854775808", "there is no work 9223372036854775808"),
])
def test_a_label_of_another_kind_is_refused_naming_the_kind(
        parse: object, label: str, message: str) -> None:
    with pytest.raises(MnrError) as refused:
        parse(label)  # type: ignore[operator]
    assert message in refused.value.message
