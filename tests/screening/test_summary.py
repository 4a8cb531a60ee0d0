"""What screening adds up to: the conflicts waiting for a resolution, agreement per stage."""

from __future__ import annotations

import pytest

from mnr.screening import decide as actions
from mnr.screening.state import CONFLICT, load
from mnr.screening.summary import agreement, agreements, conflicts
from tests.screening.conftest import TITLES, Review


def test_conflicts_name_the_work_its_title_and_what_each_reviewer_said(review: Review) -> None:
    lib = review.library
    title = load(lib, review.settings).stage("title")
    agreed, disputed = title.work_ids[:2]
    for work, bh, mc in ((agreed, "y", "y"), (disputed, "y", "n")):
        actions.decide(lib, title, work, "BH", bh)
        actions.decide(lib, title, work, "MC", mc, reason="Inpatient sample",
                       note="ward only" if work == disputed else None)
    abstract = load(lib, review.settings).stage("abstract")
    actions.decide(lib, abstract, agreed, "BH", "n")
    actions.decide(lib, abstract, agreed, "MC", "y")
    screening = load(lib, review.settings)

    found = conflicts(lib, screening)
    assert [(c.stage, c.work_id, c.outcome) for c in found] == [
        ("title", disputed, CONFLICT), ("abstract", agreed, CONFLICT)]
    assert found[0].title == TITLES[1]
    assert found[0].as_dict() == {
        "stage": "title", "work": f"W{disputed}", "title": TITLES[1], "outcome": CONFLICT,
        "decisions": [
            {"reviewer": "BH", "decision": "y", "reason": None, "note": None},
            {"reviewer": "MC", "decision": "n", "reason": "Inpatient sample",
             "note": "ward only"}]}
    assert [c.work_id for c in conflicts(lib, screening, "abstract")] == [agreed]

    actions.resolve(lib, screening.stage("title"), disputed, "BH", "n", "discussed")
    assert [c.stage for c in conflicts(lib, load(lib, review.settings))] == ["abstract"]


def test_agreement_per_pair_of_reviewers_at_one_stage_or_every_stage(review: Review) -> None:
    """Six works: BH y y n n m m, MC y n n n m y -> table [[1,1,0],[0,2,0],[1,0,1]]."""
    lib = review.library
    title = load(lib, review.settings).stage("title")
    for work, bh, mc in zip(title.work_ids, "yynnmm", "ynnnmy", strict=True):
        actions.decide(lib, title, work, "BH", bh)
        actions.decide(lib, title, work, "MC", mc)
    screening = load(lib, review.settings)
    result = agreement(screening.stage("title"))
    (pair,) = result.pairs
    assert (pair.reviewer_a, pair.reviewer_b, pair.n) == ("BH", "MC", 6)
    assert pair.table == [[1, 1, 0], [0, 2, 0], [1, 0, 1]]
    # po = 4/6; pe = (2*2 + 2*3 + 2*1)/36 = 12/36; kappa = (4/6 - 1/3) / (2/3) = 0.5
    assert pair.observed == pytest.approx(4 / 6)
    assert pair.kappa == pytest.approx(0.5)
    assert result.fleiss_kappa is None
    every = agreements(screening)
    assert [(a.stage, len(a.pairs)) for a in every] == [
        ("title", 1), ("abstract", 0), ("fulltext", 0)]
    (only,) = agreements(screening, "title")
    assert only.as_dict() == every[0].as_dict() == result.as_dict()
