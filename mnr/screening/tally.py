"""How many works reached each screening stage and what became of them, per PRISMA column.

For counting, not for screening: the store groups the log in SQL into distinct
histories (``ScreeningStore.histories``), and each history is folded once by
the same :class:`~mnr.screening.state.Stage` rules the screening screen uses,
then weighted by the works that share it. A 100,000-work review has a few
hundred distinct histories, so PRISMA's numbers take a fraction of a second.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from mnr.library import Library
from mnr.library.models import History, LogEntry
from mnr.project import Settings
from mnr.screening.state import Stage

DBR, OTHER = "dbr", "other"  # PRISMA's columns: databases and registers, other methods
# the outcome of a work nobody screened at a stage the team stopped by the stopping rule
AUTOMATION = "automation"


@dataclass(slots=True)
class StageTally:
    """One stage: works that reached it, their outcomes, and why those excluded were,
    each per column."""

    name: str
    works: Counter[str] = field(default_factory=Counter)
    outcomes: dict[str, Counter[str]] = field(
        default_factory=lambda: {DBR: Counter(), OTHER: Counter()})
    forward: Counter[str] = field(default_factory=Counter)  # went on to the next stage
    reasons: dict[str, Counter[str]] = field(
        default_factory=lambda: {DBR: Counter(), OTHER: Counter()})

    def all_outcomes(self) -> Counter[str]:
        return self.outcomes[DBR] + self.outcomes[OTHER]


def tally(library: Library, settings: Settings, first_round: int | None = None
          ) -> list[StageTally]:
    """Every stage of the protocol, in order, counted from the library's log
    (``first_round``: only the works that review round found first)."""
    stages = [StageTally(name) for name in settings.stages]
    stopped = {stop.stage for stop in library.screening.stops()}
    for history in library.screening.histories(first_round):
        column = DBR if history.from_databases else OTHER
        for stage, (outcome, forward, reason) in zip(stages, fold(history, settings, stopped),
                                                      strict=False):
            stage.works[column] += history.works
            stage.outcomes[column][outcome] += history.works
            if forward:
                stage.forward[column] += history.works
            if outcome == "n":
                stage.reasons[column][reason or "no reason given"] += history.works
    return stages


def fold(history: History, settings: Settings, stopped: set[str] | frozenset[str] = frozenset()
         ) -> list[tuple[str, bool, str | None]]:
    """One work's way through the stages: at each stage it reached, its outcome,
    whether it went forward, and the reason for its outcome (AUTOMATION at a ``stopped``
    stage where nobody screened it)."""
    way: list[tuple[str, bool, str | None]] = []
    for name in settings.stages:
        if name in stopped and not any(e.stage == name for e in history.entries):
            way.append((AUTOMATION, False, None))
            break
        stage = Stage(name, settings, [0])
        stage.apply_all(LogEntry(number, 0, name, e.reviewer, e.kind, e.decision, e.reason,
                                 None, None, "", "")
                        for number, e in enumerate(history.entries, 1) if e.stage == name)
        forward = stage.goes_forward(0)
        way.append((stage.outcome(0), forward, stage.reason(0)))
        if not forward:
            break
    return way
