"""Where screening stands, derived from the log: per stage, per work, per reviewer.

Nothing here is stored. A stage's works are those whose outcome at the
previous stage goes forward (Y, or M when the protocol says so); a work's
outcome at a stage is its reviewers' agreed decision, or the resolution of
their conflict. Undo entries take back the entry they name, so the decision
before it counts again.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from mnr.collector import paused_gc
from mnr.errors import MnrError
from mnr.library import Library
from mnr.library.models import LogEntry
from mnr.project import Settings

DECISIONS = ("y", "n", "m")
PENDING = "pending"  # fewer decisions than the protocol asks for
CONFLICT = "conflict"  # reviewers disagree (Y/N, or M/N if so configured) and nobody resolved it
UNRESOLVED_MAYBE = "unresolved"  # an agreed M where M must be resolved before going on


@dataclass(slots=True)
class WorkScreening:
    """One work at one stage: each reviewer's decisions (the last counts), resolutions, notes."""

    decisions: dict[str, list[LogEntry]] = field(default_factory=dict)
    resolutions: list[LogEntry] = field(default_factory=list)
    notes: list[LogEntry] = field(default_factory=list)

    def current(self) -> dict[str, LogEntry]:
        """Each reviewer's decision as it stands."""
        return {reviewer: entries[-1] for reviewer, entries in self.decisions.items() if entries}

    def decision_of(self, reviewer: str) -> LogEntry | None:
        entries = self.decisions.get(reviewer)
        return entries[-1] if entries else None

    @property
    def resolution(self) -> LogEntry | None:
        return self.resolutions[-1] if self.resolutions else None


class StageWorks(dict[int, WorkScreening]):
    """The works of a stage, each one's state made when first asked for: at 100,000
    works most have no entry yet at a given stage, and need no object."""

    def __init__(self, members: Iterable[int]) -> None:
        super().__init__()
        self.members = set(members)

    def __missing__(self, work_id: int) -> WorkScreening:
        if work_id not in self.members:
            raise KeyError(work_id)
        made = self[work_id] = WorkScreening()
        return made

    def __contains__(self, work_id: object) -> bool:
        return work_id in self.members

    def get(self, work_id: int, default: Any = None) -> Any:  # type: ignore[override]
        return self[work_id] if work_id in self.members else default


class Stage:
    """One stage's works and the state of each, kept up to date entry by entry."""

    def __init__(self, name: str, settings: Settings, work_ids: Iterable[int]) -> None:
        self.name = name
        self.settings = settings
        self.work_ids = list(work_ids)
        self.works = StageWorks(self.work_ids)
        self._entries: dict[int, LogEntry] = {}
        # entry ids of decisions and resolutions, newest last (a dict: an undo takes one
        # out at once, where a list would be searched, at every undo of a long log)
        self._order: dict[int, None] = {}
        self._outcomes: dict[int, str] = {}  # computed outcomes, dropped when a work changes

    # -- folding the log ---------------------------------------------------------------

    def knows(self, entry_id: int) -> bool:
        """Whether this entry has been taken into account."""
        return entry_id in self._entries

    def apply(self, entry: LogEntry) -> None:
        """Take one log entry of this stage into account (entries come in log order;
        an entry seen before is ignored, so a reader may poll the log freely)."""
        if entry.entry_id in self._entries:
            return
        self._entries[entry.entry_id] = entry
        self._outcomes.pop(entry.work_id, None)
        work = self.works.get(entry.work_id)
        if entry.kind == "undo":
            undone = self._entries.get(entry.undoes or -1)
            if undone is not None:
                self._take_back(undone)
            return
        if work is None:  # a work that has not reached this stage (any more)
            return
        if entry.kind == "decision":
            work.decisions.setdefault(entry.reviewer, []).append(entry)
            self._order[entry.entry_id] = None
        elif entry.kind == "resolution":
            work.resolutions.append(entry)
            self._order[entry.entry_id] = None
        elif entry.kind == "note":
            work.notes.append(entry)

    def apply_all(self, entries: Iterable[LogEntry]) -> None:
        """:meth:`apply` for a whole log read at start, with its common case (a decision
        on a work of this stage) inlined: a large review's log is 300,000 entries."""
        seen, works, order = self._entries, self.works, self._order
        members = works.members
        for entry in entries:
            entry_id, work_id = entry.entry_id, entry.work_id
            if entry.kind != "decision" or entry_id in seen or work_id not in members:
                self.apply(entry)
                continue
            seen[entry_id] = entry
            work = dict.get(works, work_id) or works[work_id]
            work.decisions.setdefault(entry.reviewer, []).append(entry)
            order[entry_id] = None
        self._outcomes.clear()

    def _take_back(self, entry: LogEntry) -> None:
        work = self.works.get(entry.work_id)
        if work is None:
            return
        self._outcomes.pop(entry.work_id, None)
        if entry.kind == "decision":
            entries = work.decisions.get(entry.reviewer, [])
            if entry in entries:
                entries.remove(entry)
        elif entry.kind == "resolution" and entry in work.resolutions:
            work.resolutions.remove(entry)
        elif entry.kind == "note" and entry in work.notes:
            work.notes.remove(entry)
        self._order.pop(entry.entry_id, None)

    def last_undoable(self, reviewer: str, kind: str = "decision") -> LogEntry | None:
        """The reviewer's latest decision (or resolution) that still counts."""
        for entry_id in reversed(self._order):
            entry = self._entries[entry_id]
            if entry.reviewer == reviewer and entry.kind == kind:
                return entry
        return None

    # -- outcomes ----------------------------------------------------------------------

    def outcome(self, work_id: int) -> str:
        """"y", "n", "m", or PENDING, CONFLICT, UNRESOLVED_MAYBE."""
        known = self._outcomes.get(work_id)
        if known is None:
            work = dict.get(self.works, work_id)
            if work is None:  # nothing logged for it here (a KeyError if not at this stage)
                if work_id not in self.works.members:
                    raise KeyError(work_id)
                return PENDING
            known = self._outcomes[work_id] = self._outcome(work)
        return known

    def settled(self, work_id: int) -> str | None:
        """The work's outcome if it is settled ("y", "n" or "m"), worked out afresh and
        not kept: safe to ask from another thread (the ranking's) while this one folds."""
        work = dict.get(self.works, work_id)
        if work is None:
            return None
        outcome = self._outcome(work)
        return outcome if outcome in DECISIONS else None

    def _outcome(self, work: WorkScreening) -> str:
        if work.resolutions:
            return work.resolutions[-1].decision or PENDING
        said = [entries[-1].decision for entries in work.decisions.values() if entries]
        if not said or len(said) < self.settings.reviewers_per_work:
            return PENDING
        values = set(said)
        if "y" in values and "n" in values:
            return CONFLICT
        if values == {"m", "n"} and self.settings.maybe_is_conflict:
            return CONFLICT
        result = values.pop() or PENDING if len(values) == 1 else "m"  # Y+M or M+N: still uncertain
        if result == "m" and not self.settings.maybe_goes_forward:
            return UNRESOLVED_MAYBE
        return result

    def goes_forward(self, work_id: int) -> bool:
        outcome = self.outcome(work_id)
        return outcome == "y" or (outcome == "m" and self.settings.maybe_goes_forward)

    def needs_resolution(self, work_id: int) -> bool:
        return self.outcome(work_id) in (CONFLICT, UNRESOLVED_MAYBE)

    def conflicts(self) -> list[int]:
        return [w for w in self.work_ids if self.needs_resolution(w)]

    def outcomes(self) -> Counter[str]:
        return Counter(self.outcome(w) for w in self.work_ids)

    def decided_by(self, reviewer: str) -> int:
        return sum(1 for work in self.works.values() if work.decisions.get(reviewer))

    def visible_decisions(self, work_id: int, reviewer: str | None) -> dict[str, LogEntry]:
        """The decisions ``reviewer`` may see: under blinding, others' only once they
        have decided themselves (a resolved work is open to everyone)."""
        work = self.works[work_id]
        current = work.current()
        if (not self.settings.blind or reviewer is None or reviewer in current
                or work.resolutions):
            return current
        return {}

    def reason(self, work_id: int) -> str | None:
        """Why the work's outcome is what it is: the resolution's reason, else the first
        reason its reviewers gave (in the protocol's reviewer order)."""
        work = self.works[work_id]
        if work.resolution is not None and work.resolution.reason:
            return work.resolution.reason
        current = work.current()
        order = [r for r in self.settings.reviewers if r in current] + sorted(
            r for r in current if r not in self.settings.reviewers)
        return next((current[r].reason for r in order if current[r].reason), None)

    def exclusion_reasons(self, work_ids: Iterable[int] | None = None) -> Counter[str]:
        """Why works were excluded at this stage (works whose outcome is N, by reason)."""
        reasons: Counter[str] = Counter()
        for work_id in self.work_ids if work_ids is None else work_ids:
            if self.outcome(work_id) == "n":
                reasons[self.reason(work_id) or "no reason given"] += 1
        return reasons


@dataclass(slots=True)
class Screening:
    """Every stage of the review, in protocol order."""

    settings: Settings
    stages: list[Stage]
    last_entry_id: int

    def stage(self, name: str) -> Stage:
        self.settings.check_stage(name)
        return next(stage for stage in self.stages if stage.name == name)

    def stages_named(self, name: str | None) -> list[Stage]:
        """The stage named, or (if None) every stage."""
        return [self.stage(name)] if name else self.stages

    def current_stage(self, reviewer: str | None) -> Stage:
        """The first stage where ``reviewer`` (or, if None, anyone) has works left to decide."""
        for stage in self.stages:
            if reviewer is None:
                if any(stage.outcome(w) == PENDING for w in stage.work_ids):
                    return stage
            elif stage.decided_by(reviewer) < len(stage.work_ids):
                return stage
        return self.stages[-1]

    def latest_stage(self, reviewer: str) -> Stage:
        """The stage of the reviewer's latest decision that still counts: the one an undo
        without a stage takes back."""
        found = [(last.entry_id, stage) for stage in self.stages
                 if (last := stage.last_undoable(reviewer)) is not None]
        if not found:
            raise MnrError(f"{reviewer} has no decision to undo")
        return max(found, key=lambda item: item[0])[1]

    def stage_of_conflict(self, work_id: int) -> Stage:
        """The first stage where the work waits for a resolution (if none does, the first
        stage with works left, where resolving it is refused with the reason)."""
        return next((stage for stage in self.stages if work_id in stage.conflicts()),
                    self.current_stage(None))

    def included(self) -> list[int]:
        """Works whose outcome at the last stage is Y (M does not include a study)."""
        last = self.stages[-1]
        return [w for w in last.work_ids if last.outcome(w) == "y"]


def load(library: Library, settings: Settings, work_ids: Iterable[int] | None = None
         ) -> Screening:
    """Fold the whole log into the state of every stage (of ``work_ids``, if the caller
    has already read which works exist)."""
    store = library.screening
    with paused_gc():  # a million small objects, none of them in a cycle
        work_ids = sorted(store.work_ids() if work_ids is None else work_ids)
        entries = moved(store.log(), store.merged_into())
        by_stage: dict[str, list[LogEntry]] = {}
        for entry in entries:
            by_stage.setdefault(entry.stage, []).append(entry)
        stages: list[Stage] = []
        eligible: list[int] = work_ids
        for name in settings.stages:
            stage = Stage(name, settings, eligible)
            stage.apply_all(by_stage.get(name, ()))
            stages.append(stage)
            eligible = [w for w in stage.work_ids if stage.goes_forward(w)]
    return Screening(settings, stages, entries[-1].entry_id if entries else 0)


def ready_to_screen(library: Library) -> int:
    """Refuse to screen before records are grouped into works; otherwise, how many
    records imported since the last deduplication are not in the list yet."""
    counts = library.works.counts()
    if not counts.works:
        raise MnrError("there are no works to screen yet: run `mnr dedupe` first")
    return counts.unassigned


def moved(entries: list[LogEntry], merged_into: dict[int, int]) -> list[LogEntry]:
    """The log with what was logged about works that a regrouping emptied counted for the
    works that took in their records (``ScreeningStore.merged_into``)."""
    if not merged_into:
        return entries
    return [entry._replace(work_id=merged_into[entry.work_id])
            if entry.work_id in merged_into else entry for entry in entries]
