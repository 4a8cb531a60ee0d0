"""Counting from histories grouped in SQL gives what folding the whole log gives."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from mnr.library.models import NewEntry
from mnr.screening.state import load
from mnr.screening.tally import DBR, OTHER, tally
from tests.screening.conftest import Review

REASONS = [None, "Inpatient sample", "Not research"]


def _random_log(review: Review, seed: int, entries: int) -> None:
    """Decisions, resolutions, notes and undos (some of other stages' entries, some of
    undos) by three reviewers, in a random order."""
    chance = random.Random(seed)
    works = load(review.library, review.settings).stages[0].work_ids
    stages = review.settings.stages
    stored: list[int] = []
    for _ in range(entries):
        kind = chance.choices(["decision", "resolution", "note", "undo"], [10, 2, 1, 3])[0]
        undoes = chance.choice(stored) if kind == "undo" and stored else None
        if kind == "undo" and undoes is None:
            kind = "decision"
        entry = NewEntry(chance.choice(works), chance.choice(stages), chance.choice("ABC"),
                         kind, chance.choice("ynm") if kind in ("decision", "resolution")
                         else None, chance.choice(REASONS), undoes=undoes, origin="test")
        stored += [e.entry_id for e in review.library.screening.append([entry])]


def _folded(review: Review) -> list[tuple[int, Counter[str], int, Counter[str]]]:
    """Per stage, by folding the log entry by entry: works, outcomes, works going
    forward, and reasons of the works excluded."""
    result = []
    for stage in load(review.library, review.settings).stages:
        outcomes = stage.outcomes()
        forward = sum(1 for w in stage.work_ids if stage.goes_forward(w))
        result.append((len(stage.work_ids), outcomes, forward, stage.exclusion_reasons()))
    return result


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("rules", [
    {},
    {"maybe_goes_forward": "false", "maybe_is_conflict": "true"},
    {"reviewers_per_work": "1"},
])
def test_tally_agrees_with_the_fold_of_the_whole_log(review: Review, seed: int,
                                                     rules: dict[str, str]) -> None:
    for key, value in rules.items():
        review.set(key, value)
    _random_log(review, seed, entries=60)
    counted = [(stage.works.total(), +stage.all_outcomes(), stage.forward.total(),
                stage.reasons[DBR] + stage.reasons[OTHER])
               for stage in tally(review.library, review.settings)]
    assert counted == [(works, +outcomes, forward, reasons)
                       for works, outcomes, forward, reasons in _folded(review)]
    assert all(stage.works[OTHER] == 0 for stage in tally(review.library, review.settings))


def test_a_reason_with_separator_characters_is_stored_without_them(review: Review) -> None:
    work = load(review.library, review.settings).stages[0].work_ids[0]
    review.set("reviewers_per_work", "1")
    [stored] = review.library.screening.append([NewEntry(
        work, "title", "BH", "decision", "n", "Inpatient\x1esample\x1f", origin="test")])
    assert stored.reason == "Inpatient sample"
    [title] = tally(review.library, review.settings)[:1]
    assert title.reasons[DBR] == Counter({"Inpatient sample": 1})
