"""A review as both faces see it: open it (building its library on first use), where it
stands, and the labels people type for its searches, records and works.

The CLI and the TUI start here; the steps below never call back up. On first
use the library is built from what the review folder holds: the search log and
its exports, the judgement logs (mnr.journal) and the reference lists. At every
later opening the library's searches are checked against the search log, and
the judgement lines it has not applied yet are applied (mnr.replay).
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from mnr.dedupe.queue import pairs_waiting
from mnr.display import plural
from mnr.errors import MnrError
from mnr.journal import JUDGEMENTS_DIR, Journal, stamp_of
from mnr.library import Library, Search, Status
from mnr.library.works import WorkCounts
from mnr.project import DATABASE_FILE, LIBRARY_DIR, Project, Settings, refuse_unlisted_stages
from mnr.records import label_number
from mnr.replay import catch_up, rebuild
from mnr.screening.state import load
from mnr.screening.summary import StageSummary, summarise_all
from mnr.searches import (
    EDITABLE,
    ImportResult,
    LogEntry,
    Progress,
    export_text,
    file_sha256,
    import_logged,
    read_log,
    withdrawal_times,
)


@dataclass(frozen=True, slots=True)
class Opened:
    """A review's library, what was built into it if this was its first use, and what
    was done to bring it in line with the review folder (one line each)."""

    library: Library
    built: list[ImportResult] = field(default_factory=list)
    replayed: int | None = None  # judgement lines applied in a build from the folder
    reconciled: list[str] = field(default_factory=list)


def open_review(project: Project, progress: Progress | None = None) -> Opened:
    """Open the review's library; on first use, build it from the review folder, and
    afterwards bring it in line with the folder (see ``reconcile`` and ``catch_up``).

    A fresh checkout of a review (or of mnr's own demo) has its exports and logs
    but no library yet: the first command builds it. A build that fails or is
    interrupted leaves no half-built library behind. A 0-byte library file (a
    copy or sync cut short) counts as none; a file that is not a library is
    refused, never replaced. A library that holds acts the folder no longer has
    (a judgement file removed or rewritten) is rebuilt from the folder.
    """
    url = project.library_url()
    if url is not None:
        return _open_server(project, url)
    database = project.database_file
    emptied = database.is_file() and database.stat().st_size == 0
    first_use = emptied or not database.exists()
    library = _open(project)
    if library.read_only:  # shown as it stands: it cannot be brought in line
        return Opened(library, reconciled=_read_only_note(project, library))
    said: list[str] = []
    if not first_use:
        try:
            try:  # read once: the checks below and reconcile share it
                found: Drift | MnrError = drift(project, library)
            except MnrError as error:
                found = error
            rebuild = _late_search(found, library) if isinstance(found, Drift) else None
            if rebuild is None:
                said = reconcile(project, library, progress, found)
                rebuild = _catch_up(library, said)
        except BaseException:
            library.close()
            raise
        if rebuild is None:
            _refuse_unlisted_stages(project, library)
            return Opened(library, reconciled=said)
        library.close()
        _remove(database)
        said.append(f"{rebuild}: rebuilt the library from the review folder")
        library = _open(project)
    elif emptied:
        said.append(f"{LIBRARY_DIR}/{DATABASE_FILE} was empty (0 bytes): rebuilt the library "
                    "from the review folder")
    try:
        opened = build_from_folder(project, library, progress)
    except BaseException:
        library.close()
        _remove(database)  # half built: the next command starts afresh
        raise
    opened.reconciled[:0] = said
    _refuse_unlisted_stages(project, library)
    return opened


def _refuse_unlisted_stages(project: Project, library: Library) -> None:
    """Where review.toml meets the library: refuse (closing the library) when the screening
    log has entries at a stage review.toml's ``stages`` no longer names. A review.toml
    that cannot be read is left to the commands that read it to refuse."""
    try:
        stages = project.settings().stages
    except MnrError:
        return
    try:
        unlisted = [stage for stage in library.logged_stages() if stage not in stages]
        if unlisted:
            refuse_unlisted_stages(project.review_file, stages,
                                   {stage: library.stage_entries(stage) for stage in unlisted})
    except BaseException:
        library.close()
        raise


def _read_only_note(project: Project, library: Library) -> list[str]:
    """What a read-only library lacks of the search log, in a line (nothing when they
    agree); a command that writes is refused by the store."""
    try:
        found = drift(project, library)
    except MnrError:
        return []
    if not found:
        return []
    return [f"{LIBRARY_DIR}/{DATABASE_FILE} is read-only, so it could not be brought in line "
            "with searches/log.toml, which it disagrees with: what is shown is as of its "
            "last update (make it writable to update it)"]


def _open_server(project: Project, url: str) -> Opened:
    """A library on a PostgreSQL server is the team's, not a cache of this folder: it is
    used as it stands (``mnr server push`` fills it from a folder, ``mnr server pull``
    writes its judgements back to one)."""
    library = Library.connect(url)
    library.export_text = export_text(project)
    _refuse_unlisted_stages(project, library)
    said = []
    try:
        if not library.searches() and read_log(project)[0]:
            said.append(f"the library on {library.where} is empty; `mnr server push` loads "
                        "this review folder into it")
    except MnrError:
        pass  # a search log that cannot be read is reported by the commands that read it
    except BaseException:
        library.close()
        raise
    return Opened(library, reconciled=said)


def _open(project: Project) -> Library:
    library = Library.open(project.database_file)
    library.journal = Journal(project.root / JUDGEMENTS_DIR)
    library.export_text = export_text(project)
    return library


def _remove(database: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)


def _late_search(found: Drift, library: Library) -> str | None:
    """Why the library must be rebuilt, if a logged search it lacks was imported (on
    another machine) before a deduplication pass it has already run: the works must be
    made again in the order things happened."""
    timed = [entry for entry in found.unimported if entry.imported and entry.file.is_file()]
    if not timed:
        return None
    passes = library.acts.newest(["dedupe_runs"])
    for entry in timed:
        if stamp_of(entry.imported or "") < passes:
            return (f"searches/{entry.name} was imported elsewhere before a deduplication "
                    "pass this library has run")
    return None


def _catch_up(library: Library, said: list[str]) -> str | None:
    """Write out acts no line stands for yet, then apply the lines not applied yet; the
    reason the library must be rebuilt, if it must."""
    adopted = library.adopt()
    if adopted:
        said.append(f"Wrote {adopted:,} judgements this library held to "
                    f"{JUDGEMENTS_DIR}/ (the review folder now has them)")
    caught = catch_up(library)
    said.extend(caught.said)
    return caught.rebuild


def build_from_folder(project: Project, library: Library, progress: Progress | None
                      ) -> Opened:
    """Build an empty library from the review folder: its searches and the judgement
    lines, in the order they happened."""
    # Imported here, not at the top: every command starts by opening its review, and only
    # the first use needs the matching machinery (rapidfuzz, numpy) and the replays.
    from mnr.citations.reference_lists import replay as replay_reference_lists

    entries, withdrawals = read_log(project)
    times = withdrawal_times(project)  # a timed withdrawal is replayed in its place
    untimed = {name: reason for name, reason in withdrawals.items() if name not in times}
    built: list[ImportResult] = []

    def import_search(entry: LogEntry) -> None:
        if not entry.file.is_file():
            raise MnrError(f"{project.log_file}: the logged file {entry.name} is missing "
                           "from searches/")
        if library.search_by_sha256(file_sha256(entry.file)) is None:
            built.append(import_logged(project, library, entry, untimed, progress))

    def withdraw(name: str) -> None:
        search = next((s for s in library.searches() if s.file_name == name), None)
        if search is not None:
            library.withdraw_search(search.search_id, withdrawals[name], at=times[name])

    steps: list[tuple[str | None, Callable[[], object]]] = [
        (entry.imported, partial(import_search, entry)) for entry in entries]
    steps += [(at, partial(withdraw, name)) for name, at in times.items()]
    result = rebuild(library, steps)
    replay_reference_lists(project, library)
    said = list(result.problems)
    if result.waiting:
        said.append(f"{len(result.waiting):,} judgement lines name records the library does "
                    "not have (an export missing from searches/log.toml?): not applied")
    return Opened(library, built, result.applied or None, said)


# -- the search log against the library ------------------------------------------------

UNLOGGED_REASON = ("not in searches/log.toml: withdrawn when the library was brought in "
                   "line with the review folder")


@dataclass(frozen=True, slots=True)
class Drift:
    """Where the library and the search log disagree (the log, being the folder, is right)."""

    unimported: list[LogEntry]  # logged searches the library lacks
    unlogged: list[Search]  # searches in the library (not withdrawn) the log does not list
    unwithdrawn: list[tuple[Search, str]]  # logged withdrawals not applied, with their reason
    relisted: list[Search]  # withdrawn as unlogged, logged (and not withdrawn) again since:
    # reinstated
    withdrawals: dict[str, str]  # every logged withdrawal: file name -> reason
    logged: int  # how many searches the log lists
    # files in searches/ that neither the log nor the library knows (reported, not a drift)
    strays: list[str] = field(default_factory=list)
    # searches whose metadata the log says otherwise (an [[edit]] made elsewhere, or by
    # hand): the library's columns to set
    corrected: list[tuple[Search, dict[str, str]]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.unimported or self.unlogged or self.unwithdrawn or self.relisted
                    or self.corrected)


def drift(project: Project, library: Library) -> Drift:
    """Compare the search log with the library, cheaply: the SHA-256 each ``[[search]]``
    records (its file name where it records none) against the library's searches. No
    export is read unless a logged search without a SHA-256 is missing by name."""
    # The library first: an import logs its search before it commits, so every search
    # read here is in the log read next (else a concurrent import would look unlogged).
    searches = library.searches()
    entries, withdrawals = read_log(project)
    by_sha = {search.file_sha256: search for search in searches}
    by_name = {search.file_name: search for search in searches}
    unimported, logged = [], set()
    corrected: list[tuple[Search, dict[str, str]]] = []
    for entry in entries:
        found = by_sha.get(entry.sha256) if entry.sha256 else (
            by_name.get(entry.name) or _by_content(entry, by_sha))
        if found is None:
            unimported.append(entry)
        else:
            logged.add(found.search_id)
            if differs := _corrections(entry, found):
                corrected.append((found, differs))
    active = [search for search in searches if not search.withdrawn]
    return Drift(
        unimported=unimported,
        unlogged=[search for search in active if search.search_id not in logged],
        unwithdrawn=[(search, withdrawals[search.file_name]) for search in active
                     if search.search_id in logged and search.file_name in withdrawals],
        relisted=[search for search in searches if search.search_id in logged
                  and search.withdrawn_reason == UNLOGGED_REASON
                  and search.file_name not in withdrawals],
        withdrawals=withdrawals, logged=len(entries),
        strays=_strays(project, {entry.name for entry in entries} | set(by_name))
        if entries else [], corrected=corrected)


def _corrections(entry: LogEntry, search: Search) -> dict[str, str]:
    """The library's columns whose values the log states otherwise (keys it leaves out
    are left alone: the database, for one, may have been read from the records)."""
    return {column: logged for key, column in EDITABLE.items()
            if (logged := getattr(entry.options, key)) is not None
            and logged != getattr(search, column)}


_NOT_EXPORTS = {"log.toml", "README.md", "README.txt", "README"}


def _strays(project: Project, logged: set[str]) -> list[str]:
    """Files at the top of searches/ that the search log does not name (an export copied
    in by hand, or one whose log entry was lost): they are not part of the review."""
    try:
        names = [entry.name for entry in os.scandir(project.searches_dir)
                 if entry.is_file() and not entry.name.startswith(".")]
    except OSError:
        return []
    return sorted(name for name in names if name not in logged and name not in _NOT_EXPORTS
                  and not name.endswith(".tmp"))


def _by_content(entry: LogEntry, by_sha: dict[str, Search]) -> Search | None:
    """The search of a logged file renamed since its import (the log gave no SHA-256)."""
    sha256 = _content_sha256(entry.file)
    return by_sha.get(sha256) if sha256 else None


def _content_sha256(path: Path) -> str | None:
    """The file's SHA-256; None if it is missing or cannot be read."""
    try:
        return file_sha256(path)
    except OSError:
        return None


def reconcile(project: Project, library: Library, progress: Progress | None = None,
              found: Drift | MnrError | None = None) -> list[str]:
    """Bring the library in line with the search log, in favour of the log: a logged
    search the library lacks is imported, a search the log does not list is withdrawn
    (its records are kept), a logged withdrawal is applied. Returns what was done (or
    could not be), one line each; nothing when they agree, which is the usual case and
    costs one small query and reading the log (``found``: the drift, or why it could not
    be read, when the caller has it already)."""
    if found is None:
        try:
            found = drift(project, library)
        except MnrError as error:
            found = error
    if isinstance(found, MnrError):
        return [f"the library was not checked against the search log: {found.message}"]
    if not found and not found.strays:
        return []
    done = [f"searches/{name} is not in searches/log.toml, so it is not part of the review: "
            "import it with `mnr import`, or move it out of searches/" for name in found.strays]
    done += [line for entry in found.unimported
            if (line := _import_logged(project, library, entry, found.withdrawals, progress))]
    for search, values in found.corrected:
        library.edit_search(search.search_id, values)
        done.append(f"Corrected {search.label}'s {', '.join(values)} (searches/"
                    f"{search.file_name}), as searches/log.toml says")
    times = withdrawal_times(project) if found.unwithdrawn else {}
    for search, reason in found.unwithdrawn:
        library.withdraw_search(search.search_id, reason, at=times.get(search.file_name))
        done.append(f"Withdrew {search.label} (searches/{search.file_name}), as "
                    f"searches/log.toml says: {reason}")
    if found.unlogged and not found.logged:  # a lost log, or a library built without one
        labels = ", ".join(search.label for search in found.unlogged)
        done.append(f"searches/log.toml lists no searches but the library holds {labels}: "
                     "nothing was withdrawn; restore the log (e.g. from git), or withdraw "
                     "them with `mnr searches withdraw`")
        return done
    for search in found.unlogged:
        library.withdraw_search(search.search_id, UNLOGGED_REASON)
        done.append(f"Withdrew {search.label} {search.database} (searches/{search.file_name}): "
                    "searches/log.toml does not list it (its records are kept)")
    for search in found.relisted:
        if library.reinstate_search(search.search_id, UNLOGGED_REASON):
            done.append(f"Reinstated {search.label} {search.database} "
                        f"(searches/{search.file_name}): searches/log.toml lists it again")
    return done


def _import_logged(project: Project, library: Library, entry: LogEntry,
                   withdrawals: dict[str, str], progress: Progress | None) -> str | None:
    """Import a logged search the library lacks; what was done, in words (None when
    another process imported it meanwhile)."""
    where = f"searches/{entry.name}"
    if not entry.file.is_file():
        return f"{where} is in searches/log.toml but missing from searches/: not imported"
    sha256 = _content_sha256(entry.file)
    if sha256 is None:
        return f"{where} is in searches/log.toml but could not be read: not imported"
    if entry.sha256 and sha256 != entry.sha256:
        return (f"{where} has changed since searches/log.toml logged it (its SHA-256 is "
                "not the logged one): not imported")
    try:
        search = import_logged(project, library, entry, withdrawals, progress).search
    except MnrError as error:
        if library.search_by_sha256(sha256) is not None:
            return None  # imported by another process a moment ago
        return f"{where} is in searches/log.toml but could not be imported: {error.message}"
    line = (f"Imported {search.label} {search.database}: {search.record_count:,} records "
            f"from {where}, which searches/log.toml lists but the library lacked")
    if search.withdrawn:
        line += f"; withdrew it, as the log says: {search.withdrawn_reason}"
    return line


def open_existing(project: Project) -> Library:
    """The library of a review that has one (the TUI does not build one on the way in),
    brought in line with the review folder."""
    if project.library_url() is None and not project.database_file.exists():
        raise MnrError(f"{project.root} has no library yet: import an export with "
                       "`mnr import FILE`, then run `mnr dedupe`")
    return open_review(project).library


@dataclass(frozen=True, slots=True)
class ReviewStatus:
    """Where the review stands: what `mnr status`, the home screen and PRISMA agree on."""

    title: str
    searches: Status
    works: WorkCounts
    pairs_to_review: int
    stages: list[StageSummary]
    included: frozenset[int] = frozenset()  # works included at the last stage
    # works removed before screening now, by reason (``mnr remove``)
    removed: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "title": self.title, **self.searches.as_dict(), "works": self.works.works,
            "records_merged": self.works.records_merged,
            "duplicates_removed": self.works.duplicates_removed,
            "records_not_deduplicated": self.works.unassigned,
            "pairs_to_review": self.pairs_to_review,
            "removed_before_screening": self.removed,
            "screening": [stage.as_dict() for stage in self.stages],
        }

    def deduplication(self) -> str:
        """One line on deduplication, in words that say which count is which."""
        counts = self.works
        line = (f"{plural(counts.works, 'work')} from "
                f"{plural(counts.records - counts.unassigned, 'record')} "
                f"({plural(counts.records_merged, 'record')} merged into works; PRISMA: "
                f"{plural(counts.duplicates_removed, 'duplicate record')} removed before "
                "screening)")
        if self.pairs_to_review:
            line += f", {plural(self.pairs_to_review, 'pair')} to review"
        if self.removed:
            line += f"; {self.removals()}"
        return line

    def removals(self) -> str:
        """The works removed before screening, by reason: "2 works removed before
        screening (retracted 1, other 1)"."""
        return (f"{plural(sum(self.removed.values()), 'work')} removed before screening ("
                + ", ".join(f"{reason} {n:,}" for reason, n in self.removed.items()) + ")")


def status(library: Library, settings: Settings, screening: bool = True) -> ReviewStatus:
    """Searches, records, works, duplicates, pairs to review and (unless ``screening`` is
    False, which spares reading the screening log) screening per stage."""
    works = library.works.counts()
    state = load(library, settings) if works.works and screening else None
    return ReviewStatus(title=settings.title, searches=library.status(), works=works,
                        pairs_to_review=pairs_waiting(library),
                        stages=summarise_all(state) if state else [],
                        included=frozenset(state.included()) if state else frozenset(),
                        removed=dict(Counter(r.reason or "other" for r in
                                             library.screening.removed().values())))


def _number(label: str, example: str, kind: str) -> int:
    number = label_number(label, example[0])
    if number is None:
        raise MnrError(f"{label!r} is not a {kind} id; {kind} ids look like {example}")
    if number > _LARGEST_ID:  # the store's integers stop there: no such id can exist
        raise MnrError(f"there is no {kind} {label.strip().upper()}: the number is larger "
                       f"than any {kind} id can be")
    return number


_LARGEST_ID = 2**63 - 1  # SQLite's (and PostgreSQL's BIGINT) largest integer


def search_id(label: str) -> int:
    """3 from "S3", "s3" or "3"."""
    return _number(label, "S3", "search")


def record_id(label: str) -> int:
    """12 from "R12", "r12" or "12"."""
    return _number(label, "R12", "record")


def work_id(label: str) -> int:
    """12 from "W12", "w12" or "12"."""
    return _number(label, "W12", "work")
