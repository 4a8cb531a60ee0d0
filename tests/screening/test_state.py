"""Deriving where screening stands from the log, and what the protocol refuses."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from mnr.errors import MnrError
from mnr.library import Library
from mnr.screening import decide as actions
from mnr.screening.decide import ScreeningError
from mnr.screening.state import CONFLICT, PENDING, UNRESOLVED_MAYBE, load, ready_to_screen
from mnr.screening.summary import summarise
from tests.helpers import import_text, make_project, ris_text
from tests.screening.conftest import Review


def _works(review: Review) -> list[int]:
    return load(review.library, review.settings).stages[0].work_ids


def test_two_reviewers_are_needed_for_an_outcome_and_disagreement_is_a_conflict(
        review: Review) -> None:
    lib, settings = review.library, review.settings
    assert settings.reviewers_per_work == 2 and settings.blind
    title = load(lib, settings).stage("title")
    w1, w2, w3, w4 = title.work_ids[:4]
    actions.decide(lib, title, w1, "BH", "y")
    assert title.outcome(w1) == PENDING
    actions.decide(lib, title, w1, "MC", "y")
    actions.decide(lib, title, w2, "BH", "y")
    actions.decide(lib, title, w2, "MC", "n")
    actions.decide(lib, title, w3, "BH", "m")
    actions.decide(lib, title, w3, "MC", "n")
    actions.decide(lib, title, w4, "BH", "y")
    actions.decide(lib, title, w4, "MC", "m")
    assert [title.outcome(w) for w in (w1, w2, w3, w4)] == ["y", CONFLICT, "m", "m"]
    # the same, read back from the log by someone else
    again = load(lib, settings).stage("title")
    assert [again.outcome(w) for w in (w1, w2, w3, w4)] == ["y", CONFLICT, "m", "m"]
    assert again.conflicts() == [w2]


def test_maybe_against_no_can_be_a_conflict_and_maybe_can_need_resolution(
        review: Review) -> None:
    review.set("maybe_is_conflict", "true")
    review.set("maybe_goes_forward", "false")
    lib = review.library
    title = load(lib, review.settings).stage("title")
    w1, w2 = title.work_ids[:2]
    for reviewer, decision in (("BH", "m"), ("MC", "n")):
        actions.decide(lib, title, w1, reviewer, decision)
    for reviewer in ("BH", "MC"):
        actions.decide(lib, title, w2, reviewer, "m")
    assert title.outcome(w1) == CONFLICT
    assert title.outcome(w2) == UNRESOLVED_MAYBE and not title.goes_forward(w2)
    actions.resolve(lib, title, w2, "BH", "y", "discussed: community sample")
    screening = load(lib, review.settings)
    assert screening.stage("title").outcome(w2) == "y"
    assert screening.stage("abstract").work_ids == [w2]


def test_a_later_decision_replaces_an_earlier_one_and_undo_brings_it_back(
        review: Review) -> None:
    lib = review.library
    title = load(lib, review.settings).stage("title")
    work = title.work_ids[0]
    actions.decide(lib, title, work, "BH", "y")
    actions.decide(lib, title, work, "BH", "n")
    assert title.works[work].decision_of("BH").decision == "n"  # type: ignore[union-attr]
    undone = actions.undo_last(lib, title, "BH")
    assert undone.decision == "n"
    assert title.works[work].decision_of("BH").decision == "y"  # type: ignore[union-attr]
    actions.undo_last(lib, title, "BH")
    fresh = load(lib, review.settings).stage("title")
    assert fresh.works[work].decision_of("BH") is None
    with pytest.raises(ScreeningError, match="no decision to undo"):
        actions.undo_last(lib, fresh, "BH")
    kinds = [e.kind for e in lib.screening.log()]
    assert kinds == ["decision", "decision", "undo", "undo"]  # nothing erased


def test_works_move_through_the_stages_on_y_and_m(review: Review) -> None:
    lib = review.library
    title = load(lib, review.settings).stage("title")
    w1, w2, w3 = title.work_ids[:3]
    for work, decision in ((w1, "y"), (w2, "m"), (w3, "n")):
        for reviewer in ("BH", "MC"):
            actions.decide(lib, title, work, reviewer, decision)
    screening = load(lib, review.settings)
    assert screening.stage("abstract").work_ids == [w1, w2]
    assert screening.current_stage("BH").name == "title"  # three titles left
    abstract = screening.stage("abstract")
    with pytest.raises(ScreeningError, match="is not at the abstract stage"):
        actions.decide(lib, abstract, w3, "BH", "y")
    for reviewer in ("BH", "MC"):
        actions.decide(lib, abstract, w1, reviewer, "y")
    fulltext = load(lib, review.settings).stage("fulltext")
    with pytest.raises(ScreeningError, match="needs a reason"):
        actions.decide(lib, fulltext, w1, "BH", "n")
    actions.decide(lib, fulltext, w1, "BH", "n", reason="Wrong setting")
    actions.decide(lib, fulltext, w1, "MC", "n", reason="Wrong setting")
    summary = summarise(load(lib, review.settings).stage("fulltext"))
    assert (summary.works, summary.excluded, summary.reasons) == (
        1, 1, {"Wrong setting": 1})


def test_the_protocol_refuses_what_it_does_not_allow(review: Review) -> None:
    lib = review.library
    title = load(lib, review.settings).stage("title")
    work = title.work_ids[0]
    with pytest.raises(ScreeningError, match="'ZZ' is not a reviewer"):
        actions.decide(lib, title, work, "ZZ", "y")
    with pytest.raises(ScreeningError, match="must be y, n or m"):
        actions.decide(lib, title, work, "BH", "x")
    with pytest.raises(ScreeningError, match="no conflict to resolve"):
        actions.resolve(lib, title, work, "BH", "y", "why not")
    with pytest.raises(ScreeningError, match="the note is empty"):
        actions.add_note(lib, title, work, "BH", "  ")
    with pytest.raises(ScreeningError, match="W99999 is not at the title stage"):
        actions.decide(lib, title, 99999, "BH", "y")
    assert lib.screening.log() == []


def test_the_log_cannot_be_changed_or_deleted(review: Review) -> None:
    lib = review.library
    title = load(lib, review.settings).stage("title")
    actions.decide(lib, title, title.work_ids[0], "BH", "y")
    for statement in ("UPDATE screening_log SET decision = 'n'", "DELETE FROM screening_log"):
        with pytest.raises(Exception, match="never changed or deleted"), lib.writing() as conn:
            conn.execute(text(statement))
    assert [e.decision for e in lib.screening.log()] == ["y"]


def test_blinding_hides_others_decisions_until_you_decide(review: Review) -> None:
    lib = review.library
    title = load(lib, review.settings).stage("title")
    work = title.work_ids[0]
    actions.decide(lib, title, work, "MC", "n", reason="Inpatient sample")
    assert title.visible_decisions(work, "BH") == {}
    assert set(title.visible_decisions(work, "MC")) == {"MC"}
    actions.decide(lib, title, work, "BH", "y")
    assert set(title.visible_decisions(work, "BH")) == {"BH", "MC"}
    review.set("blind", "false")
    other = load(lib, review.settings).stage("title")
    assert set(other.visible_decisions(work, "ZZ")) == {"BH", "MC"}


def test_one_reviewer_decides_alone(review: Review) -> None:
    review.reviewers('reviewers = ["BH"]')
    settings = review.settings
    assert settings.reviewers_per_work == 1
    title = load(review.library, settings).stage("title")
    actions.decide(review.library, title, title.work_ids[0], "BH", "y")
    assert title.outcome(title.work_ids[0]) == "y"


def test_an_undo_without_a_stage_takes_back_the_latest_decision_of_any_stage(
        review: Review) -> None:
    lib = review.library
    title = load(lib, review.settings).stage("title")
    first, second = title.work_ids[:2]
    for reviewer in ("BH", "MC"):
        actions.decide(lib, title, first, reviewer, "y")
    actions.decide(lib, title, second, "MC", "n")
    abstract = load(lib, review.settings).stage("abstract")
    actions.decide(lib, abstract, first, "BH", "y")
    screening = load(lib, review.settings)
    assert screening.latest_stage("BH").name == "abstract"
    assert screening.latest_stage("MC").name == "title"
    actions.undo_last(lib, screening.latest_stage("BH"), "BH")
    assert screening.latest_stage("BH").name == "title"  # the decision before it
    with pytest.raises(MnrError, match="^ZZ has no decision to undo$"):
        screening.latest_stage("ZZ")


def test_a_conflict_is_resolved_at_the_stage_where_it_waits(review: Review) -> None:
    lib = review.library
    title = load(lib, review.settings).stage("title")
    agreed, disputed, untouched = title.work_ids[:3]
    for work, bh, mc in ((agreed, "y", "y"), (disputed, "y", "n")):
        actions.decide(lib, title, work, "BH", bh)
        actions.decide(lib, title, work, "MC", mc)
    abstract = load(lib, review.settings).stage("abstract")
    actions.decide(lib, abstract, agreed, "BH", "y")
    actions.decide(lib, abstract, agreed, "MC", "n")
    screening = load(lib, review.settings)
    assert screening.stage_of_conflict(agreed).name == "abstract"
    assert screening.stage_of_conflict(disputed).name == "title"
    # no conflict anywhere: the first stage with work left, where resolving is refused
    assert screening.stage_of_conflict(untouched).name == "title"


def test_a_stage_by_name_or_every_stage(review: Review) -> None:
    screening = load(review.library, review.settings)
    assert [s.name for s in screening.stages_named(None)] == ["title", "abstract", "fulltext"]
    assert [s.name for s in screening.stages_named("abstract")] == ["abstract"]
    with pytest.raises(MnrError, match="^there is no stage 'tilte'; review.toml's stages "
                                       "are title, abstract, fulltext$"):
        screening.stages_named("tilte")


def test_screening_waits_for_works_and_counts_the_records_left_out(
        review: Review, tmp_path: Path) -> None:
    assert ready_to_screen(review.library) == 0
    import_text(review.project, "more.ris", ris_text(["A later search"], "10.2000/x"), "CINAHL")
    assert ready_to_screen(review.library) == 1  # imported since the last deduplication
    empty = Library.open(make_project(tmp_path / "empty").database_file)
    try:
        with pytest.raises(MnrError, match="no works to screen yet: run `mnr dedupe` first"):
            ready_to_screen(empty)
    finally:
        empty.close()
