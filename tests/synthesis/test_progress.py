"""How far the synthesis has got (the home screen's lines), and works named the way people
type them ("Simpson et al. 2016, W12, 7")."""

from __future__ import annotations

from mnr.synthesis import extraction
from mnr.synthesis.appraisal import appraise
from mnr.synthesis.progress import synthesis_progress
from mnr.synthesis.studies import parse_works, studies
from mnr.synthesis.traditions import tag
from tests.synthesis.conftest import ORDER, USERS, Review


def test_progress_counts_the_included_works_only(review: Review) -> None:
    lib, settings, w = review.library, review.settings, review.work
    empty = synthesis_progress(lib, settings)
    assert (empty.included, empty.appraised, empty.extracted, empty.in_tradition) == (
        len(ORDER), 0, 0, 0)
    assert empty.traditions == 3 and empty.appraised_by == {}
    appraise.save(lib, settings, w["a"], "BH", "casp-qualitative", {"1": "yes"})
    appraise.save(lib, settings, w["a"], "MC", "casp-qualitative", {"1": "no"})
    appraise.save(lib, settings, w["b"], "MC", "casp-qualitative", {"1": "yes"})
    extraction.save(lib, settings, w["c"], "BH", {"Setting": "Community teams"})
    tag(lib, settings, w["d"], "tradition", USERS, "BH")
    tag(lib, settings, w["x"], "tradition", USERS, "BH")  # excluded: not counted
    progress = synthesis_progress(lib, settings)
    assert (progress.included, progress.appraised, progress.extracted,
            progress.in_tradition) == (len(ORDER), 2, 1, 1)
    assert progress.appraised_by == {"BH": 1, "MC": 2}
    # the caller may say which works are included (the review's status carries them)
    only = synthesis_progress(lib, settings, included={w["a"], w["c"]})
    assert (only.included, only.appraised, only.extracted, only.in_tradition) == (2, 1, 1, 0)


def test_works_typed_by_label_or_number(review: Review) -> None:
    lib, w = review.library, review.work
    listed = studies(lib, review.settings)
    labels = {s.work_id: s.label for s in listed}
    text = f"{labels[w['b']].upper()}, W{w['c']}, {w['d']}, w{w['c']}, , Nobody 1900, W999"
    works, unknown = parse_works(lib, listed, text)
    assert works == [w["b"], w["c"], w["d"]]  # each once, in the order typed
    assert unknown == ["Nobody 1900", "W999"]
    assert parse_works(lib, listed, "") == ([], [])
