"""One reviewer at one stage: what the screening screen needs, with no user interface.

The session reads the library once (works, the log), keeps the derived state
up to date as the reviewer decides, and picks up what other reviewers decide
in other processes by reading the log from where it left off. The TUI and
the benchmark drive it; all writes go through mnr.screening.decide.
"""

from __future__ import annotations

import time

from mnr.collector import paused_gc, settle
from mnr.library import Library
from mnr.library.models import LogEntry
from mnr.project import Settings
from mnr.screening import decide as actions
from mnr.screening.lines import WorkLines
from mnr.screening.state import Screening, Stage, load, moved
from mnr.works import Work, merge

GAP_SECONDS = 60.0  # how long an id missing from the log is looked for again


class ScreeningSession:
    """A reviewer screening one stage of one library."""

    def __init__(self, library: Library, settings: Settings, reviewer: str,
                 stage: str | None = None, screening: Screening | None = None) -> None:
        """Read which works exist and the log (unless a caller that has folded the log
        passes it in); the works' lines are read as the list shows them."""
        self.library = library
        self.settings = settings
        self.reviewer = reviewer
        with paused_gc():
            self.lines = WorkLines(library.screening)
            self.screening: Screening = screening or load(library, settings, self.lines)
        settle()
        self.stage: Stage = (self.screening.stage(stage) if stage
                             else self.screening.current_stage(reviewer))
        actions.check_reviewer(self.stage, reviewer)
        self.merged_into = library.screening.merged_into()
        self.last_seen = self.screening.last_entry_id
        self.gaps: dict[int, float] = {}  # ids not seen below last_seen -> when noticed
        self.decided = self.stage.decided_by(reviewer)

    @property
    def total(self) -> int:
        return len(self.stage.work_ids)

    def mine(self, work_id: int) -> str | None:
        entry = self.stage.works[work_id].decision_of(self.reviewer)
        return entry.decision if entry else None

    def work(self, work_id: int) -> Work:
        """The work's merged view (its records read from the library)."""
        record_ids = self.library.screening.records_of_work(work_id)
        return merge(work_id, list(self.library.records(record_ids=record_ids)))

    # -- actions ----------------------------------------------------------------------

    def _count(self, work_id: int, before: str | None) -> None:
        self.decided += (self.mine(work_id) is not None) - (before is not None)

    def decide(self, work_id: int, decision: str, reason: str | None = None,
               note: str | None = None) -> LogEntry:
        before = self.mine(work_id)
        entry = actions.decide(self.library, self.stage, work_id, self.reviewer, decision,
                               reason, note, origin="tui")
        self._count(work_id, before)
        return entry

    def undo(self) -> LogEntry:
        """Take back this reviewer's latest decision here; returns the entry undone."""
        last = self.stage.last_undoable(self.reviewer)
        before = self.mine(last.work_id) if last else None
        undone = actions.undo_last(self.library, self.stage, self.reviewer, origin="tui")
        self._count(undone.work_id, before)
        return undone

    def note(self, work_id: int, text: str) -> LogEntry:
        return actions.add_note(self.library, self.stage, work_id, self.reviewer, text,
                                origin="tui")

    def resolve(self, work_id: int, decision: str, reason: str) -> LogEntry:
        return actions.resolve(self.library, self.stage, work_id, self.reviewer, decision,
                               reason, origin="tui")

    def poll(self) -> list[int]:
        """Take in what others logged since the last look; returns the works it touched.

        On a server, entries commit out of id order (ids come from a sequence, and
        the writer with the lower id may commit later): an id missing below the
        highest seen is a gap, read again at each poll until its entry appears or
        ``GAP_SECONDS`` pass (a write that was given up leaves its id unused)."""
        now = time.monotonic()
        since = min([self.last_seen, *(gap - 1 for gap in self.gaps)])
        found = self.library.screening.log(after=since)
        ids = {entry.entry_id for entry in found}
        top = max(ids, default=self.last_seen)
        self.gaps.update({missing: now for missing in range(self.last_seen + 1, top)
                          if missing not in ids})
        for gap, noticed in list(self.gaps.items()):
            if gap in ids or now - noticed > GAP_SECONDS:
                del self.gaps[gap]
        self.last_seen = max(self.last_seen, top)
        entries = moved([entry for entry in found if entry.stage == self.stage.name
                         and not self.stage.knows(entry.entry_id)],
                        self.merged_into)
        touched = []
        for entry in entries:
            before = self.mine(entry.work_id) if entry.work_id in self.stage.works else None
            self.stage.apply(entry)
            if entry.work_id in self.stage.works:
                self._count(entry.work_id, before)
                touched.append(entry.work_id)
        return touched
