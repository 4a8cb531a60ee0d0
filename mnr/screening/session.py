"""One reviewer at one stage: what the screening screen needs, with no user interface.

The session reads the library once (works, the log), keeps the derived state
up to date as the reviewer decides, and picks up what other reviewers decide
in other processes by reading the log from where it left off. The TUI and
the benchmark drive it; all writes go through mnr.screening.decide.
"""

from __future__ import annotations

from mnr.collector import paused_gc, settle
from mnr.library import Library
from mnr.library.models import LogEntry
from mnr.project import Settings
from mnr.screening import decide as actions
from mnr.screening.lines import WorkLines
from mnr.screening.state import Screening, Stage, load, moved
from mnr.works import Work, merge


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
        """Take in what others logged since the last look; returns the works it touched."""
        entries = moved(self.library.screening.log(self.stage.name, after=self.last_seen),
                        self.merged_into)
        touched = []
        for entry in entries:
            before = self.mine(entry.work_id) if entry.work_id in self.stage.works else None
            self.stage.apply(entry)
            if entry.work_id in self.stage.works:
                self._count(entry.work_id, before)
                touched.append(entry.work_id)
        if entries:
            self.last_seen = entries[-1].entry_id
        return touched
