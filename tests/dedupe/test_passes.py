"""Dedupe on a real library: passes, decisions, undo, re-runs; nothing is ever lost."""

from __future__ import annotations

from pathlib import Path

import pytest

from mnr.dedupe import passes
from mnr.errors import MnrError
from mnr.library import Library
from mnr.project import Project
from tests.helpers import import_text

MEDLINE_STYLE = (Path(__file__).parent / "data" / "medline-style.ris").read_text()


def _works(library: Library) -> dict[int, list[int]]:
    groups: dict[int, list[int]] = {}
    for record_id, work_id in library.works.memberships().items():
        groups.setdefault(work_id, []).append(record_id)
    return {w: sorted(rs) for w, rs in groups.items()}


def _assert_nothing_lost(library: Library) -> None:
    """Every imported record is still there and in exactly one work."""
    ids = [r.record_id for r in library.records()]
    assert ids == [1, 2, 3, 4, 5, 6]
    memberships = library.works.memberships()
    assert sorted(memberships) == ids


def test_a_pass_merges_the_same_paper_from_two_databases(library: Library) -> None:
    result = passes.deduplicate(library)
    assert result.records == 6
    groups = sorted(_works(library).values())
    assert groups == [[1, 4], [2, 5], [3], [6]]
    counts = library.works.counts()
    assert (counts.works, counts.duplicates_removed) == (4, 2)
    assert library.works.overlaps() == {("CINAHL", "MEDLINE"): 2}
    _assert_nothing_lost(library)


def test_keep_apart_split_and_undo(library: Library) -> None:
    passes.deduplicate(library)
    before = _works(library)
    passes.decide(library, 1, 4, "apart", "BH")
    assert [1, 4] not in _works(library).values()
    _assert_nothing_lost(library)
    assert passes.undo_decision(library, "BH") is not None
    assert _works(library) == before  # the same work ids come back, too
    passes.split_work(library, library.works.memberships()[2], "MC")
    assert [2, 5] not in _works(library).values()
    _assert_nothing_lost(library)
    assert [d.decision for d in library.works.decisions()] == ["apart", "undo", "apart"]


def test_a_merge_by_hand_and_an_undone_pass(library: Library) -> None:
    passes.deduplicate(library)
    passes.decide(library, 3, 6, "merge", "BH")
    assert [3, 6] in _works(library).values()
    passes.undo_pass(library)  # back to no pass: only the human merge holds
    assert sorted(_works(library).values()) == [[1], [2], [3, 6], [4], [5]]
    _assert_nothing_lost(library)
    with pytest.raises(MnrError, match="no deduplication pass"):
        passes.undo_pass(library)


def test_rerun_after_a_new_import_keeps_decisions_and_work_ids(library: Library,
                                                               tmp_path: Path) -> None:
    passes.deduplicate(library)
    passes.decide(library, 2, 5, "apart", "BH")
    ids_before = library.works.memberships()
    project = Project(tmp_path / "review")
    import_text(project, "scopus.ris", MEDLINE_STYLE.split("\n\n")[0] + "\n", "Scopus")
    passes.deduplicate(library)
    after = library.works.memberships()
    assert after[7] == after[1] == ids_before[1]  # the new copy joins the existing work
    assert after[2] != after[5]  # the earlier "keep apart" still holds
    assert all(after[r] == ids_before[r] for r in ids_before)


def test_a_merge_that_cannot_hold_is_refused_and_changes_nothing(library: Library) -> None:
    passes.deduplicate(library)
    passes.decide(library, 1, 3, "apart", "BH")  # Simpson and Jones are two papers
    passes.decide(library, 1, 4, "merge", "BH")  # and R4 is Simpson's other copy
    before = (library.works.memberships(), library.works.decisions())
    with pytest.raises(MnrError, match="cannot be merged"):
        passes.decide(library, 4, 3, "merge", "MC")
    assert (library.works.memberships(), library.works.decisions()) == before
