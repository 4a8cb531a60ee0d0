"""A work's merged view, and the invariant that nothing is ever lost, whatever people do."""

from __future__ import annotations

import random
from pathlib import Path

from mnr.dedupe import passes
from mnr.library import Library
from mnr.works import works


def test_merged_view_takes_the_best_of_each_record(library: Library) -> None:
    passes.deduplicate(library)
    by_title = {w.merged.title: w for w in works(library)}
    coffey = by_title["Care planning in community mental health: a survey of practice"]
    assert [r.record_id for r in coffey.records] == [2, 5]
    assert coffey.merged.pages == "590-595"  # the full range, not "590-5"
    assert coffey.merged.journal == "Journal of Psychiatric and Mental Health Nursing"
    assert coffey.databases == ["CINAHL", "MEDLINE"]
    assert coffey.merged.authors == ["Coffey, Michael"]
    simpson = next(w for w in by_title.values() if w.merged.doi == "10.1186/s12888-016-0858-x")
    assert simpson.merged.database == "CINAHL; MEDLINE" and simpson.merged.work_id is not None
    # the records themselves are untouched
    assert [r.pages for r in library.records(record_ids=[2, 5])] == ["590-5", "590-595"]


def test_any_sequence_of_decisions_and_undos_loses_nothing(library: Library,
                                                            tmp_path: Path) -> None:
    chooser = random.Random(7)
    ids = [r.record_id for r in library.records()]
    actions = ["pass", "merge", "apart", "undo", "split", "undo_pass"]
    for _ in range(25):
        action = chooser.choice(actions)
        a, b = chooser.sample(ids, 2)
        try:
            if action == "pass":
                passes.deduplicate(library)
            elif action in ("merge", "apart"):
                passes.decide(library, a, b, action, "BH")
            elif action == "undo":
                passes.undo_decision(library, "BH")
            elif action == "split":
                passes.split_work(library, library.works.memberships().get(a, -1), "BH")
            else:
                passes.undo_pass(library)
        except Exception as error:  # the foreseeable refusals only
            assert "nothing to split" in str(error) or "no deduplication pass" in str(error)
        memberships = library.works.memberships()
        if memberships:
            assert sorted(memberships) == ids  # every record in exactly one work
        assert [r.record_id for r in library.records()] == ids
