"""WorkStore: counts over the active searches, overlaps, regrouping that keeps work ids,
the passes' pairs and the log of people's decisions. Groups are given by hand: what a
pass would find is the dedupe step's business, not the store's."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from mnr.errors import NotPermitted
from mnr.library import Library
from mnr.library.models import CandidatePair
from mnr.library.works import NewDecision, WorkCounts
from tests.helpers import add_search

GROUPS = [[1, 4], [2, 5, 7], [3, 9], [6], [8], [10]]


@pytest.fixture
def grouped(library: Library) -> Library:
    """Ten records in five searches, grouped into six works (W1 to W6, in GROUPS order):

    S1 MEDLINE R1-R3, S2 CINAHL R4-R5, S3 a register R6, S4 citation searching
    (other methods) R7-R8, S5 Scopus R9-R10. R7 (found by citation searching) is a
    copy of the paper R2 and R5 are; R9 (Scopus) of R3's.
    """
    assert add_search(library, "MEDLINE", ["Alpha", "Beta", "Gamma"]) == [1, 2, 3]
    assert add_search(library, "CINAHL", ["Alpha", "Beta"]) == [4, 5]
    assert add_search(library, "ClinicalTrials.gov", ["Delta"], source_kind="register") == [6]
    assert add_search(library, "Citation searching", ["Beta", "Epsilon"],
                      source_kind="other") == [7, 8]
    assert add_search(library, "Scopus", ["Gamma", "Zeta"]) == [9, 10]
    library.works.commit(GROUPS)
    return library


def test_works_are_numbered_in_order_of_their_first_record(grouped: Library) -> None:
    assert grouped.works.memberships() == {1: 1, 4: 1, 2: 2, 5: 2, 7: 2, 3: 3, 9: 3,
                                           6: 4, 8: 5, 10: 6}
    assert [r.work_id for r in grouped.records()] == [1, 2, 3, 1, 2, 4, 2, 5, 3, 6]


def test_counts_tell_records_merged_from_prisma_duplicates(grouped: Library) -> None:
    counts = grouped.works.counts()
    assert counts == WorkCounts(records=10, works=6, unassigned=0, database_records=8,
                                database_works=5)
    # R4, R5, R7 and R9 were folded into another record's work ...
    assert counts.records_merged == 4
    # ... but R7 came from citation searching: PRISMA counts only R4, R5 and R9
    assert counts.duplicates_removed == 3


def test_counts_leave_out_withdrawn_searches_and_count_records_not_grouped_yet(
        grouped: Library) -> None:
    grouped.withdraw_search(5, "exported with the wrong limits")  # Scopus: R9, R10
    assert add_search(grouped, "PsycINFO", ["Eta"]) == [11]  # since the last pass
    counts = grouped.works.counts()
    assert counts == WorkCounts(records=9, works=5, unassigned=1, database_records=6,
                                database_works=4)
    assert (counts.records_merged, counts.duplicates_removed) == (3, 2)
    assert [f.record_id for f in grouped.works.match_fields()] == [1, 2, 3, 4, 5, 6, 7, 8, 11]


def test_overlaps_count_works_per_pair_of_databases(grouped: Library) -> None:
    assert grouped.works.overlaps() == {
        ("CINAHL", "MEDLINE"): 2,  # W1 and W2
        ("CINAHL", "Citation searching"): 1,  # W2
        ("Citation searching", "MEDLINE"): 1,  # W2
        ("MEDLINE", "Scopus"): 1,  # W3
    }
    grouped.withdraw_search(5, "wrong limits")
    assert ("MEDLINE", "Scopus") not in grouped.works.overlaps()


def test_match_fields_are_the_active_records_in_import_order(library: Library) -> None:
    add_search(library, "MEDLINE", ["Alpha", None], authors=["Smith, J", "Jones, K"])
    add_search(library, "Scopus", ["Beta"])
    library.withdraw_search(2, "duplicate export")
    fields = library.works.match_fields()
    assert [(f.record_id, f.database, f.title) for f in fields] == [
        (1, "MEDLINE", "Alpha"), (2, "MEDLINE", None)]
    assert fields[0].authors == ["Smith, J", "Jones, K"]


def test_a_regrouping_keeps_work_ids_and_notes_the_works_it_emptied(grouped: Library) -> None:
    grouped.withdraw_search(5, "wrong limits")  # R9 and R10 leave the library
    add_search(grouped, "PsycINFO", ["Eta"])  # R11
    grouped.works.commit([[1, 4], [2, 5], [3], [6, 8], [7], [11]])
    assert grouped.works.memberships() == {
        1: 1, 4: 1,  # unchanged
        2: 2, 5: 2,  # W2 keeps its id; R7, split off, gets a new work (its W2 is taken)
        3: 3,  # W3 without R9
        6: 4, 8: 4,  # W4 and W5 had one record each: the lower id wins
        7: 7, 11: 8,  # new works, numbered after the highest ever used
    }
    # W5 was emptied into W4; W6 was not emptied into anything: its records left
    assert grouped.screening.merged_into() == {5: 4}


def test_a_group_keeps_the_work_most_of_its_records_had(grouped: Library) -> None:
    grouped.works.commit([[1, 2, 5], [3, 9], [4], [6], [7], [8], [10]])
    memberships = grouped.works.memberships()
    assert memberships[1] == memberships[2] == memberships[5] == 2  # two of three were W2
    assert memberships[4] == 1  # W1 is free again for the group that still has R4
    assert memberships[7] == 7
    assert grouped.screening.merged_into() == {}  # no work was emptied


def test_current_pairs_are_those_of_the_latest_pass_not_undone(grouped: Library) -> None:
    first = [CandidatePair(1, 4, 0.99, "duplicate", "same DOI")]
    second = [CandidatePair(2, 5, 0.97, "duplicate", "same title and year"),
              CandidatePair(3, 9, 0.71, "review", "similar title")]
    works = grouped.works
    run_1 = works.commit(GROUPS, pairs=first, records=10, seconds=0.4)
    run_2 = works.commit(GROUPS, pairs=second, records=10)
    assert (works.current_run(), works.current_pairs()) == (run_2, second)
    assert works.current_pairs(excluding=run_2) == first
    assert works.commit(GROUPS, undo_run=run_2) is None  # an undo is not a pass
    assert (works.current_run(), works.current_pairs()) == (run_1, first)
    run_3 = works.commit(GROUPS, pairs=[], records=10)  # a pass that found nothing
    assert (works.current_run(), works.current_pairs()) == (run_3, [])
    works.commit(GROUPS, undo_run=run_3)
    works.commit(GROUPS, undo_run=run_1)
    assert (works.current_run(), works.current_pairs()) == (None, [])


def test_decisions_are_a_log_written_with_the_grouping_they_lead_to(grouped: Library) -> None:
    works = grouped.works
    works.commit([[1], [4], *GROUPS[1:]],
                 decisions=[NewDecision(1, 4, "apart", "BH", note="two trials")])
    works.commit(GROUPS, decisions=[NewDecision(1, 4, "undo", "BH", undoes=1)])
    log = works.decisions()
    assert [(d.decision_id, d.record_a, d.record_b, d.decision, d.undoes, d.reviewer, d.note)
            for d in log] == [(1, 1, 4, "apart", None, "BH", "two trials"),
                              (2, 1, 4, "undo", 1, "BH", None)]
    assert all(d.decided_at for d in log)
    for statement in ("UPDATE dedupe_decisions SET decision = 'merge'",
                      "DELETE FROM dedupe_decisions"):
        with pytest.raises((DatabaseError, NotPermitted), match="never changed"):
            with grouped.engine.begin() as conn:
                conn.execute(text(statement))
    assert works.decisions() == log


def test_a_commit_that_fails_writes_nothing(grouped: Library) -> None:
    before = (grouped.works.memberships(), grouped.works.decisions(), grouped.works.current_run())
    with pytest.raises(DatabaseError):  # R99 does not exist: the last write is refused
        grouped.works.commit([[1, 4, 99]], pairs=[CandidatePair(1, 4, 1.0, "duplicate", "DOI")],
                             decisions=[NewDecision(1, 4, "merge", "BH")])
    assert (grouped.works.memberships(), grouped.works.decisions(),
            grouped.works.current_run()) == before
