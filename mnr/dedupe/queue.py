"""The pairs waiting for a person: uncertain pairs of the current pass that no one has
merged or kept apart yet, and the decisions that stand.

Kept apart from the passes themselves so that counting what waits (the review's
status, the home screen) does not load the matching machinery.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from mnr.library import Library
from mnr.library.models import CandidatePair, PairDecision
from mnr.records import StoredRecord


@dataclass(frozen=True, slots=True)
class ReviewItem:
    """An uncertain pair waiting for a person, with both records."""

    pair: CandidatePair
    record_a: StoredRecord
    record_b: StoredRecord


Constraint = tuple[int, int]


def key(a: int, b: int) -> Constraint:
    """A pair of record ids in one order, lower first."""
    return (a, b) if a < b else (b, a)


def effective_decisions(decisions: Iterable[PairDecision]) -> dict[Constraint, str]:
    """The standing decision ("merge" or "apart") per pair: the latest that was not undone."""
    log = list(decisions)
    undone = {d.undoes for d in log if d.decision == "undo" and d.undoes is not None}
    standing: dict[Constraint, str] = {}
    for decision in log:
        if decision.decision in ("merge", "apart") and decision.decision_id not in undone:
            standing[key(decision.record_a, decision.record_b)] = decision.decision
    return standing


def _waiting(library: Library) -> list[CandidatePair]:
    standing = effective_decisions(library.works.decisions())
    return [p for p in library.works.current_pairs(verdict="review")
            if key(p.record_a, p.record_b) not in standing]


def pairs_waiting(library: Library) -> int:
    """How many uncertain pairs no one has merged or kept apart yet."""
    return len(_waiting(library))


def review_queue(library: Library) -> list[ReviewItem]:
    """Uncertain pairs of the current pass no one has merged or kept apart, most alike first."""
    waiting = _waiting(library)
    waiting.sort(key=lambda p: (-p.score, p.record_a, p.record_b))
    ids = {r for p in waiting for r in (p.record_a, p.record_b)}
    records = {r.record_id: r for r in library.records(record_ids=sorted(ids))} if ids else {}
    return [ReviewItem(p, records[p.record_a], records[p.record_b]) for p in waiting
            if p.record_a in records and p.record_b in records]
