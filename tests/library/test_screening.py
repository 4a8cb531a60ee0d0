"""ScreeningStore: the append-only log, the works that exist, histories grouped for
counting, works merged into others (through chains), the screening list, full texts.
Entries are appended straight to the store; whether they are allowed is the
screening step's business."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from mnr.errors import NotPermitted
from mnr.library import Library
from mnr.library.models import History, LiveEntry, NewEntry, WorkLine
from tests.helpers import add_search


def _entry(work: int, reviewer: str, kind: str = "decision", decision: str | None = "y",
           reason: str | None = None, stage: str = "title", **more: object) -> NewEntry:
    return NewEntry(work, stage, reviewer, kind, decision, reason, origin="test",
                    **more)  # type: ignore[arg-type]


@pytest.fixture
def works(library: Library) -> Library:
    """W1-W4 from MEDLINE (W1 also holds a Scopus record), W5 found by citation
    searching only, W6 from Scopus only; the Scopus search is withdrawn."""
    add_search(library, "MEDLINE", ["A", "B", "C", "D"])  # R1-R4
    add_search(library, "Citation searching", ["E"], source_kind="other")  # R5
    add_search(library, "Scopus", ["F", "A"])  # R6, R7
    library.works.commit([[1, 7], [2], [3], [4], [5], [6]])
    library.withdraw_search(3, "wrong limits")
    return library


def _chain(library: Library) -> None:
    """R1-R5 in W1-W5, then W2 emptied into W1, W4 and W5 into W3, W1 into W3."""
    add_search(library, "MEDLINE", ["A", "B", "C", "D", "E"])
    library.works.commit([[1], [2], [3], [4], [5]])
    library.works.commit([[1, 2], [3], [4], [5]])
    library.works.commit([[1, 2], [3, 4, 5]])
    library.works.commit([[1, 2, 3, 4, 5]])  # three of five records were in W3


def test_append_numbers_entries_in_order_and_an_undo_may_name_one_of_its_batch(
        works: Library) -> None:
    store = works.screening
    [first] = store.append([_entry(1, "BH", "decision", "n", "Wrong\x1fpopulation\x1e")])
    assert (first.entry_id, first.reason, first.origin) == (1, "Wrong population", "test")
    assert first.decided_at  # the store stamps entries given no time
    undo, again = store.append([_entry(1, "BH", "undo", None, undoes=1),
                                _entry(2, "MC", decided_at="2024-03-01T10:00:00")])
    assert (undo.entry_id, undo.undoes, again.decided_at) == (2, 1, "2024-03-01T10:00:00")
    decision, undone = store.append([_entry(3, "BH"), _entry(3, "BH", "undo", None, undoes=-1)])
    assert undone.undoes == decision.entry_id == 4
    assert store.log() == [first, undo, again, decision, undone]
    assert store.log(after=3) == [decision, undone]
    assert store.log(stage="abstract") == []
    assert store.last_entry_id() == 5
    assert store.append([]) == []


def test_the_log_refuses_to_be_changed_or_emptied(works: Library) -> None:
    works.screening.append([_entry(1, "BH"), _entry(2, "BH", "decision", "n", "Wrong setting")])
    before = works.screening.log()
    for statement in ("UPDATE screening_log SET decision = 'n'",
                      "UPDATE screening_log SET work_id = 3 WHERE entry_id = 1",
                      "DELETE FROM screening_log WHERE entry_id = 2"):
        with pytest.raises((DatabaseError, NotPermitted), match="screening log is never"):
            with works.engine.begin() as conn:
                conn.execute(text(statement))
    assert works.screening.log() == before


def test_work_ids_are_the_works_with_a_record_of_an_active_search(works: Library) -> None:
    assert works.screening.work_ids() == {1, 2, 3, 4, 5}  # not W6: only Scopus had it
    assert works.screening.records_of_work(1) == [1, 7]  # its Scopus record still belongs


def test_histories_group_works_by_their_live_entries(works: Library) -> None:
    works.screening.append([
        _entry(1, "BH"),
        _entry(2, "BH"),
        _entry(3, "BH", "decision", "n", "Wrong population"),
        _entry(3, "BH", "undo", None, undoes=3),  # W3: nothing live
        _entry(4, "BH"),
        _entry(4, "MC", "decision", "n", "Wrong setting"),
        _entry(4, "BH", "resolution", "y", "Discussed: in scope"),  # its reason not counted
        _entry(5, "BH"),  # found by other methods only
        _entry(6, "BH"),  # withdrawn: left out
        _entry(2, "MC", "note", None, note="Check the full text"),  # notes are not counted
    ])
    yes = LiveEntry("title", "decision", "BH", "y", None)
    assert Counter(works.screening.histories()) == Counter([
        History(True, (yes,), 2),  # W1 and W2
        History(True, (yes, LiveEntry("title", "decision", "MC", "n", "Wrong setting"),
                       LiveEntry("title", "resolution", "BH", "y", None)), 1),  # W4
        History(False, (yes,), 1),  # W5
        History(True, (), 1),  # W3, as if never screened
    ])


def test_an_undo_at_another_stage_does_not_take_an_entry_back(works: Library) -> None:
    works.screening.append([_entry(1, "BH"), _entry(1, "BH", "undo", None, undoes=1,
                                                    stage="abstract")])
    assert History(True, (LiveEntry("title", "decision", "BH", "y", None),), 1) in (
        works.screening.histories())


def test_histories_of_a_review_with_no_works_are_empty(library: Library) -> None:
    assert library.screening.histories() == []


def test_merges_are_followed_through_a_chain(library: Library) -> None:
    _chain(library)
    store = library.screening
    assert store.merged_into() == {2: 3, 4: 3, 5: 3, 1: 3}  # W2 went to W1, then W1 to W3
    assert store.work_ids() == {3}
    assert store.records_of_work(3) == [1, 2, 3, 4, 5]


def test_what_was_logged_and_attached_on_absorbed_works_counts_for_the_last_one(
        library: Library) -> None:
    add_search(library, "MEDLINE", ["A", "B", "C", "D", "E"])
    library.works.commit([[1], [2], [3], [4], [5]])
    store = library.screening
    store.append([_entry(2, "BH"), _entry(3, "MC", "decision", "n", "Wrong setting"),
                  _entry(4, "BH", "decision", "m")])
    store.attach_fulltext(2, "library/b.pdf", "BH")
    store.attach_fulltext(3, "https://example.org/c", None)
    store.attach_fulltext(2, "library/b-final.pdf", "MC")
    library.works.commit([[1, 2], [3], [4], [5]])
    library.works.commit([[1, 2], [3, 4, 5]])
    library.works.commit([[1, 2, 3, 4, 5]])
    assert store.histories() == [History(True, (
        LiveEntry("title", "decision", "BH", "y", None),  # made on W2
        LiveEntry("title", "decision", "MC", "n", "Wrong setting"),
        LiveEntry("title", "decision", "BH", "m", None),  # made on W4
    ), 1)]
    [(work, fulltext)] = store.fulltexts().items()
    assert (work, fulltext.location, fulltext.attached_by) == (3, "library/b-final.pdf", "MC")
    assert [e.work_id for e in store.log()] == [2, 3, 4]  # the log itself is unchanged


def test_work_lines_show_each_work_by_its_most_complete_record(library: Library) -> None:
    add_search(library, "MEDLINE", [None, "Solo", None])  # R1-R3
    add_search(library, "CINAHL", ["Paired", "Gone"], authors=["Smith, J", "Jones, K"])  # R4-R5
    add_search(library, "Scopus", ["Withdrawn copy"])  # R6
    library.works.commit([[1, 4, 6], [2], [3], [5]])
    library.withdraw_search(3, "wrong limits")
    lines = library.screening.work_lines()
    assert lines == [
        WorkLine(1, "Paired", None, "Smith, J", "", ("MEDLINE", "CINAHL")),
        WorkLine(2, "Solo", None, "", "", ("MEDLINE",)),
        WorkLine(3, "(no title)", None, "", "", ("MEDLINE",)),
        WorkLine(4, "Gone", None, "Smith, J", "", ("CINAHL",)),
    ]
    assert lines[0].label == "W1"
    assert library.screening.work_lines(between=(2, 3)) == lines[1:3]
    assert library.screening.work_lines(ids=[4, 1]) == [lines[0], lines[3]]
