"""A review as both faces see it: open it (building its library on first use), where it
stands, and the labels people type for its searches, records and works.

The CLI and the TUI start here; the steps below never call back up. On first
use the library is built from what the review folder holds: the search log and
its exports, then, where the folder has them, the saved screening log, the
synthesis file and the reference lists.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mnr.dedupe.queue import pairs_waiting
from mnr.errors import MnrError
from mnr.library import Library, Status
from mnr.library.works import WorkCounts
from mnr.project import Project, Settings
from mnr.records import label_number
from mnr.screening.state import load
from mnr.screening.summary import StageSummary, summarise_all
from mnr.searches import ImportResult, Progress

DECISIONS_FILE = "decisions.csv"  # in library/: a screening log to replay on first use
SYNTHESIS_FILE = "synthesis.json"  # in library/: appraisal to memos, replayed on first use


@dataclass(frozen=True, slots=True)
class Opened:
    """A review's library, and what was built into it if this was its first use."""

    library: Library
    built: list[ImportResult] = field(default_factory=list)
    replayed: int | None = None  # screening log entries replayed from DECISIONS_FILE


def open_review(project: Project, progress: Progress | None = None) -> Opened:
    """Open the review's library; on first use, build it from the review folder.

    A fresh checkout of a review (or of mnr's own demo) has its exports and log
    in searches/ but no library yet: the first command builds it. A build that
    fails or is interrupted leaves no half-built library behind.
    """
    first_use = not project.database_file.exists()
    library = Library.open(project.database_file)
    if not first_use:
        return Opened(library)
    try:
        return _build(project, library, progress)
    except BaseException:
        library.close()
        for suffix in ("", "-wal", "-shm"):  # half built: the next command starts afresh
            Path(f"{project.database_file}{suffix}").unlink(missing_ok=True)
        raise


def _build(project: Project, library: Library, progress: Progress | None) -> Opened:
    # Imported here, not at the top: every command starts by opening its review, and only
    # the first use needs the matching machinery (rapidfuzz, numpy) and the replays.
    from mnr.citations.reference_lists import replay as replay_reference_lists
    from mnr.dedupe.passes import deduplicate
    from mnr.screening.exchange import import_decisions
    from mnr.searches import import_log
    from mnr.synthesis.file import import_file as import_synthesis

    built = import_log(project, library, progress)
    replayed = None
    decisions = project.library_dir / DECISIONS_FILE
    synthesis = project.library_dir / SYNTHESIS_FILE
    if decisions.is_file() or synthesis.is_file():
        deduplicate(library)
    if decisions.is_file():
        import_decisions(library, project.settings(), decisions)
        replayed = len(library.screening.log())
    if synthesis.is_file():
        import_synthesis(library, project.settings(), synthesis)
    replay_reference_lists(project, library)
    return Opened(library, built, replayed)


def open_existing(project: Project) -> Library:
    """The library of a review that has one (the TUI does not build one on the way in)."""
    if not project.database_file.exists():
        raise MnrError(f"{project.root} has no library yet: import an export with "
                       "`mnr import FILE`, then run `mnr dedupe`")
    return Library.open(project.database_file)


@dataclass(frozen=True, slots=True)
class ReviewStatus:
    """Where the review stands: what `mnr status`, the home screen and PRISMA agree on."""

    title: str
    searches: Status
    works: WorkCounts
    pairs_to_review: int
    stages: list[StageSummary]
    included: frozenset[int] = frozenset()  # works included at the last stage

    def as_dict(self) -> dict[str, Any]:
        return {
            "title": self.title, **self.searches.as_dict(), "works": self.works.works,
            "records_merged": self.works.records_merged,
            "duplicates_removed": self.works.duplicates_removed,
            "records_not_deduplicated": self.works.unassigned,
            "pairs_to_review": self.pairs_to_review,
            "screening": [stage.as_dict() for stage in self.stages],
        }

    def deduplication(self) -> str:
        """One line on deduplication, in words that say which count is which."""
        counts = self.works
        line = (f"{counts.works:,} works from {counts.records - counts.unassigned:,} records "
                f"({counts.records_merged:,} records merged into works; PRISMA: "
                f"{counts.duplicates_removed:,} duplicate records removed before screening)")
        if self.pairs_to_review:
            line += f", {self.pairs_to_review:,} pairs to review"
        return line


def status(library: Library, settings: Settings, screening: bool = True) -> ReviewStatus:
    """Searches, records, works, duplicates, pairs to review and (unless ``screening`` is
    False, which spares reading the screening log) screening per stage."""
    works = library.works.counts()
    state = load(library, settings) if works.works and screening else None
    return ReviewStatus(title=settings.title, searches=library.status(), works=works,
                        pairs_to_review=pairs_waiting(library),
                        stages=summarise_all(state) if state else [],
                        included=frozenset(state.included()) if state else frozenset())


def _number(label: str, example: str, kind: str) -> int:
    number = label_number(label, example[0])
    if number is None:
        raise MnrError(f"{label!r} is not a {kind} id; {kind} ids look like {example}")
    return number


def search_id(label: str) -> int:
    """3 from "S3", "s3" or "3"."""
    return _number(label, "S3", "search")


def record_id(label: str) -> int:
    """12 from "R12", "r12" or "12"."""
    return _number(label, "R12", "record")


def work_id(label: str) -> int:
    """12 from "W12", "w12" or "12"."""
    return _number(label, "W12", "work")
