"""Works merged after screening began: what was logged about the absorbed work still counts."""

from __future__ import annotations

import random
from collections import defaultdict
from pathlib import Path

import pytest
from sqlalchemy import select

from mnr.library import schema
from mnr.library.models import NewEntry
from mnr.screening import decide as actions
from mnr.screening.exchange import import_decisions
from mnr.screening.session import ScreeningSession
from mnr.screening.state import CONFLICT, load
from mnr.screening.tally import tally
from tests.screening.conftest import Review
from tests.screening.test_tally import _folded, _random_log


def _merge(review: Review, first: int, second: int) -> None:
    """Regroup the records as they are, except that two works become one."""
    groups: dict[int, list[int]] = defaultdict(list)
    for record_id, work_id in review.library.works.memberships().items():
        groups[first if work_id == second else work_id].append(record_id)
    review.library.works.commit(list(groups.values()))


def test_decisions_on_an_absorbed_work_count_for_the_work_that_took_it_in(
        review: Review) -> None:
    lib, settings = review.library, review.settings
    title = load(lib, settings).stage("title")
    kept, absorbed, other = title.work_ids[:3]
    actions.decide(lib, title, kept, "BH", "y")
    actions.decide(lib, title, kept, "MC", "y")
    actions.decide(lib, title, absorbed, "BH", "n", "Not research")  # BH's latest
    actions.decide(lib, title, other, "MC", "m")
    lib.screening.attach_fulltext(absorbed, "library/absorbed.pdf", "BH")
    _merge(review, kept, absorbed)
    assert lib.screening.merged_into() == {absorbed: kept}
    after = load(lib, settings).stage("title")
    assert absorbed not in after.works and len(after.work_ids) == len(title.work_ids) - 1
    current = after.works[kept].current()
    assert {r: e.decision for r, e in current.items()} == {"BH": "n", "MC": "y"}
    assert after.outcome(kept) == CONFLICT
    assert after.works[other].current()["MC"].decision == "m"
    assert lib.screening.fulltexts()[kept].location == "library/absorbed.pdf"
    # the log itself is unchanged: the entries still name the work they were made on
    assert [e.work_id for e in lib.screening.log()] == [kept, kept, absorbed, other]
    # a reviewer's session and the counts see the same
    session = ScreeningSession(lib, settings, "BH", "title")
    assert session.mine(kept) == "n" and session.decided == 1
    [counted] = tally(lib, settings)[:1]
    assert counted.works.total() == len(after.work_ids)
    assert counted.all_outcomes()[CONFLICT] == 1


def test_merges_follow_a_chain_and_entries_made_on_an_absorbed_work_later(
        review: Review) -> None:
    lib, settings = review.library, review.settings
    title = load(lib, settings).stage("title")
    a, b, c, d, e = title.work_ids[:5]
    actions.decide(lib, title, b, "BH", "y")
    _merge(review, a, b)  # b into a: two records
    _merge(review, c, d)
    _merge(review, c, e)  # c: three records
    _merge(review, c, a)  # a (with b) into c, which has more
    assert lib.screening.merged_into() == {b: c, d: c, e: c, a: c}
    # another process that had not seen the merges logs on the work it showed
    session = ScreeningSession(lib, settings, "MC", "title")
    assert session.stage.works[c].current()["BH"].decision == "y"
    lib.screening.append([NewEntry(b, "title", "MC", "decision", "y", origin="test")])
    assert session.poll() == [c] and session.mine(c) == "y"
    assert load(lib, settings).stage("title").outcome(c) == "y"


@pytest.mark.parametrize("seed", range(4))
def test_tally_agrees_with_the_fold_after_merges(review: Review, seed: int) -> None:
    review.set("reviewers_per_work", "2")
    _random_log(review, seed, entries=60)
    works = load(review.library, review.settings).stages[0].work_ids
    chance = random.Random(seed)
    first, second = sorted(chance.sample(works, 2))
    _merge(review, first, second)
    _random_log(review, seed + 100, entries=20)  # and more after the merge
    counted = [(stage.works.total(), +stage.all_outcomes(), stage.forward.total(),
                stage.reasons["dbr"] + stage.reasons["other"])
               for stage in tally(review.library, review.settings)]
    assert counted == [(works, +outcomes, forward, reasons)
                       for works, outcomes, forward, reasons in _folded(review)]
    with review.library.engine.connect() as conn:
        assert conn.execute(select(schema.work_merges.c.absorbed)).scalars().all() == [second]


def test_a_decisions_file_naming_an_absorbed_work_is_stored_for_the_work_that_took_it_in(
        review: Review, tmp_path: Path) -> None:
    lib, settings = review.library, review.settings
    title = load(lib, settings).stage("title")
    kept, absorbed = title.work_ids[:2]
    _merge(review, kept, absorbed)
    path = tmp_path / "decisions.csv"
    path.write_text("work,stage,reviewer,decision\n"
                    f"W{absorbed},title,BH,y\nW{absorbed},title,MC,n\n", "utf-8")
    import_decisions(lib, settings, path)
    assert {e.work_id for e in lib.screening.log()} == {kept}
    assert load(lib, settings).stage("title").outcome(kept) == CONFLICT
