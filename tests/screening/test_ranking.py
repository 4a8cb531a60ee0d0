"""One reviewer's relevance order: learnt from their own decisions and settled outcomes
only, so that blind screening never shows another reviewer's decision through it."""

from __future__ import annotations

from mnr.screening import decide as actions
from mnr.screening.ranking import Prioritiser, training_labels
from mnr.screening.state import load
from tests.screening.conftest import Review


def _ranking(review: Review, reviewer: str) -> tuple[list[tuple[int, bool]], list[int]]:
    stage = load(review.library, review.settings).stage("title")
    texts = review.library.screening.work_texts()
    prioritiser = Prioritiser({w: texts[w] for w in stage.work_ids})
    labels = training_labels(stage, reviewer)
    return labels, prioritiser.rank(labels).order


def test_the_order_for_one_reviewer_is_unchanged_by_anothers_undecided_works(
        review: Review) -> None:
    lib, settings = review.library, review.settings
    title = load(lib, settings).stage("title")
    w1, w2, w3, w4, w5, w6 = title.work_ids
    actions.decide(lib, title, w1, "BH", "y")  # care planning in community teams
    actions.decide(lib, title, w3, "BH", "n")  # inpatient ward rounds
    labels, before = _ranking(review, "BH")
    assert labels == [(w1, True), (w3, False)]
    # MC decides works BH has not: blind, and not settled (two decisions are needed)
    actions.decide(lib, title, w6, "MC", "y")
    actions.decide(lib, title, w4, "MC", "n")
    actions.decide(lib, title, w2, "MC", "n")
    labels_after, after = _ranking(review, "BH")
    assert labels_after == labels and after == before
    # MC's own order learns from MC's decisions
    mc_labels, _ = _ranking(review, "MC")
    assert [work for work, _ in mc_labels] == [w6, w4, w2]


def test_settled_outcomes_teach_every_reviewer_in_the_order_decided(review: Review) -> None:
    lib, settings = review.library, review.settings
    review.reviewers('reviewers = ["BH", "MC", "AB"]')
    settings = review.settings
    title = load(lib, settings).stage("title")
    w1, w2, *_ = title.work_ids
    actions.decide(lib, title, w2, "MC", "n")
    actions.decide(lib, title, w2, "AB", "n")  # settled without BH: excluded
    actions.decide(lib, title, w1, "BH", "m")
    labels, order = _ranking(review, "BH")
    assert labels == [(w2, False), (w1, True)]  # M counts as relevant
    assert w1 not in order and w2 not in order and len(order) == 4
