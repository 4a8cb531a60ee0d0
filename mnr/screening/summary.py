"""What screening adds up to, per stage: progress, outcomes, conflicts, agreement.

Counts are derived from the state (itself derived from the log) each time
they are asked for; nothing here is stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from typing import Any

from mnr.library import Library
from mnr.library.models import LogEntry
from mnr.screening.agreement import PairAgreement, fleiss_from_decisions, pair_agreement
from mnr.screening.lines import WorkLines
from mnr.screening.state import CONFLICT, PENDING, UNRESOLVED_MAYBE, Screening, Stage


@dataclass(frozen=True, slots=True)
class StageSummary:
    stage: str
    works: int  # works that reached the stage
    decided: dict[str, int]  # reviewer -> works they decided
    included: int
    excluded: int
    maybe: int
    pending: int
    conflicts: int  # disagreements (and unresolved maybes) waiting for a resolution
    resolved: int
    reasons: dict[str, int]  # exclusions by reason

    def as_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__slots__}


def reviewers_of(stage: Stage) -> list[str]:
    """The protocol's reviewers, then anyone else who decided at this stage."""
    names = list(stage.settings.reviewers)
    for work in stage.works.values():
        for reviewer in work.decisions:
            if reviewer not in names and work.decisions[reviewer]:
                names.append(reviewer)
    return names


def summarise(stage: Stage) -> StageSummary:
    outcomes = stage.outcomes()
    return StageSummary(
        stage=stage.name, works=len(stage.work_ids),
        decided={r: stage.decided_by(r) for r in reviewers_of(stage)},
        included=outcomes["y"], excluded=outcomes["n"], maybe=outcomes["m"],
        pending=outcomes[PENDING], conflicts=outcomes[CONFLICT] + outcomes[UNRESOLVED_MAYBE],
        resolved=sum(1 for work in stage.works.values() if work.resolutions),
        reasons=dict(stage.exclusion_reasons().most_common()),
    )


def summarise_all(screening: Screening) -> list[StageSummary]:
    return [summarise(stage) for stage in screening.stages]


@dataclass(frozen=True, slots=True)
class StageAgreement:
    stage: str
    pairs: list[PairAgreement]
    fleiss_kappa: float | None  # with three or more reviewers: over works all of them decided
    fleiss_works: int

    def as_dict(self) -> dict[str, Any]:
        return {"stage": self.stage, "pairs": [p.as_dict() for p in self.pairs],
                "fleiss_kappa": self.fleiss_kappa, "fleiss_works": self.fleiss_works}


def agreement(stage: Stage) -> StageAgreement:
    """Agreement between each pair of reviewers on the works both decided (before any
    resolution: agreement is about the independent decisions)."""
    decisions: dict[str, dict[int, str]] = {}
    for work_id in stage.work_ids:
        for reviewer, entry in stage.works[work_id].current().items():
            if entry.decision:
                decisions.setdefault(reviewer, {})[work_id] = entry.decision
    names = [r for r in reviewers_of(stage) if r in decisions]
    pairs = [pair_agreement(a, b, decisions[a], decisions[b]) for a, b in combinations(names, 2)]
    fleiss, used = (None, 0)
    if len(names) >= 3:
        value, used = fleiss_from_decisions({r: decisions[r] for r in names})
        fleiss = None if value != value else value  # nan: no work decided by all
    return StageAgreement(stage.name, pairs, fleiss, used)


def agreements(screening: Screening, stage: str | None = None) -> list[StageAgreement]:
    """:func:`agreement` at the stage named, or at every stage."""
    return [agreement(at) for at in screening.stages_named(stage)]


@dataclass(frozen=True, slots=True)
class Conflict:
    """A work waiting for a resolution at a stage, with what each reviewer said."""

    stage: str
    work_id: int
    title: str
    outcome: str  # CONFLICT, or UNRESOLVED_MAYBE
    decisions: dict[str, LogEntry]  # reviewer -> their decision as it stands

    def as_dict(self) -> dict[str, Any]:
        return {"stage": self.stage, "work": f"W{self.work_id}", "title": self.title,
                "outcome": self.outcome,
                "decisions": [{"reviewer": reviewer, "decision": entry.decision,
                               "reason": entry.reason, "note": entry.note}
                              for reviewer, entry in self.decisions.items()]}


def conflicts(library: Library, screening: Screening, stage: str | None = None
              ) -> list[Conflict]:
    """The works waiting for a resolution at the stage named (or at every stage, in
    protocol order), with their titles."""
    waiting = [(at, work_id) for at in screening.stages_named(stage)
               for work_id in at.conflicts()]
    lines = WorkLines(library.screening)
    lines.read(work_id for _, work_id in waiting)
    return [Conflict(at.name, work_id, lines[work_id].title, at.outcome(work_id),
                     _in_protocol_order(at.works[work_id].current(), at.settings.reviewers))
            for at, work_id in waiting]


def _in_protocol_order(decisions: dict[str, LogEntry], reviewers: list[str]
                       ) -> dict[str, LogEntry]:
    """Each reviewer's decision in review.toml's order (then by initials), not in the order
    they reached this library: two copies of a review list a conflict alike."""
    rank = {name: index for index, name in enumerate(reviewers)}
    return dict(sorted(decisions.items(),
                       key=lambda item: (rank.get(item[0], len(rank)), item[0])))
