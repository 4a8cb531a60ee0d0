"""The screening log as CSV: export it whole, import decisions made elsewhere.

An import is all or nothing. Every row is checked as ``decide.check`` checks a
reviewer's action, against the state the rows above it would leave (a
resolution needs the conflict earlier rows create; a stage's works are those
the earlier stages' simulated outcomes take forward); only then are all rows
stored, in one ``append``. A file written by ``export_log`` imports again.

A row already in the log is skipped, not stored twice, so that a colleague's
whole export (which holds one's own entries too, once they imported them) or
the same file imported twice brings in only what is new. A row is the same
entry as one of the log when they judge the same work (its ``work``, or
``record``, through later merges) at the same stage, by the same reviewer, of
the same kind, with the same decision, reason, note and time (``decided_at``,
to the microsecond, as ``export_log`` writes it); an undo must also take back
the same entry. The ``entry`` label and ``origin`` are not part of it: entry
ids are numbered anew by each library, and an imported entry's origin names
the file it came from. Each log entry matches one row at most (two equal rows
against one entry: the second is new). A row without a time is stamped when
stored, so it is always new. An undo whose ``undoes`` names a row that was
already in the log takes back that entry of the log.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TextIO

from mnr.formats.writers import TableWriter
from mnr.library import Library
from mnr.library.models import LogEntry, NewEntry
from mnr.library.screening import clean_reason
from mnr.project import Settings
from mnr.records import label_number
from mnr.screening import state
from mnr.screening.decide import ScreeningError, check, check_reviewer
from mnr.screening.state import Stage

COLUMNS = ["entry", "work", "record", "stage", "reviewer", "kind", "decision", "reason", "note",
           "undoes", "time", "origin"]
KINDS = ("decision", "resolution", "note", "undo")
VALUES = {"y": "y", "yes": "y", "include": "y", "n": "n", "no": "n", "exclude": "n",
          "m": "m", "maybe": "m"}


def export_log(library: Library, stream: TextIO) -> int:
    """Write the whole screening log as CSV (one row per entry, in log order, header COLUMNS);
    returns rows written."""
    writer = TableWriter(stream)
    writer.writerow(COLUMNS)
    count = 0
    for e in library.screening.log():
        writer.writerow([f"E{e.entry_id}", f"W{e.work_id}", "", e.stage, e.reviewer, e.kind,
                         e.decision or "", e.reason or "", e.note or "",
                         f"E{e.undoes}" if e.undoes is not None else "", e.decided_at,
                         e.origin])
        count += 1
    return count


@dataclass(frozen=True, slots=True)
class ImportSummary:
    """What an import stored: rows (new ones), how many of each kind and at each stage,
    and how many rows were skipped because the log already had them."""

    rows: int
    by_kind: dict[str, int]
    by_stage: dict[str, int]
    present: int = 0


class _Simulation:
    """Every stage as the log plus the rows checked so far would leave it.

    Rows are applied to their Stage as they are checked. When a row changes
    whether its work goes forward, the later stages are marked stale and are
    rebuilt (as ``state.load`` builds them) the next time a row needs one.
    """

    def __init__(self, library: Library, settings: Settings) -> None:
        self.settings = settings
        self.works = library.screening.work_ids()
        self.stages = state.load(library, settings, self.works).stages
        self.next_id = library.screening.last_entry_id() + 1
        self.by_stage: dict[str, list[LogEntry]] = {name: [] for name in settings.stages}
        self.log = state.moved(library.screening.log(), library.screening.merged_into())
        for entry in self.log:
            self.by_stage.setdefault(entry.stage, []).append(entry)
        self.stale = len(self.stages)  # the first stage that may need rebuilding

    def stage(self, name: str) -> Stage:
        index = self.settings.stages.index(name)
        while self.stale <= index:
            before = self.stages[self.stale - 1]
            rebuilt = Stage(self.stages[self.stale].name, self.settings,
                            [w for w in before.work_ids if before.goes_forward(w)])
            for entry in self.by_stage[rebuilt.name]:
                rebuilt.apply(entry)
            self.stages[self.stale] = rebuilt
            self.stale += 1
        return self.stages[index]

    def apply(self, new: NewEntry, undoes: int | None) -> LogEntry:
        """Apply ``new`` (checked) under the next entry id; ``undoes`` is a simulated id."""
        entry = LogEntry(entry_id=self.next_id, work_id=new.work_id, stage=new.stage,
                         reviewer=new.reviewer, kind=new.kind, decision=new.decision,
                         reason=new.reason, note=new.note, undoes=undoes,
                         decided_at=new.decided_at or "", origin=new.origin)
        self.next_id += 1
        stage = self.stage(new.stage)
        present = new.work_id in stage.works
        went = present and stage.goes_forward(new.work_id)
        self.by_stage[new.stage].append(entry)
        stage.apply(entry)
        if present and stage.goes_forward(new.work_id) != went:
            self.stale = min(self.stale, self.settings.stages.index(new.stage) + 1)
        return entry


def _label(text: str) -> str:
    """An entry label in the form export_log writes it ("e5" and "5" are "E5")."""
    number = label_number(text, "E")
    return f"E{number}" if number is not None else text.strip().upper()


def _time(text: str) -> str | None:
    """An ISO 8601 date or date and time, written back in ISO form (a date stays a date)."""
    if not text:
        return None
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        pass
    try:
        stamp = datetime.fromisoformat(text)
    except ValueError:
        raise ScreeningError(f"{text!r} is not an ISO 8601 date or time "
                             "(e.g. 2024-03-01 or 2024-03-01T14:30:00)") from None
    fraction = stamp.microsecond or "." in text or "," in text
    return stamp.isoformat(timespec="microseconds" if fraction else "seconds")


def _read(path: Path) -> list[tuple[int, dict[str, str]]]:
    """The non-blank rows by lower-cased column, numbered as a spreadsheet numbers them."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise ScreeningError(f"{path.name}: not UTF-8 text ({error.reason}); save it as "
                             "CSV UTF-8 and import it again") from None
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count)
    try:
        table = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as error:
        raise ScreeningError(f"{path.name}: not readable as CSV ({error})") from None
    if not table or not any(cell.strip() for cell in table[0]):
        raise ScreeningError(f"{path.name} is empty: it needs a header row and decisions")
    header = [cell.strip().lower() for cell in table[0]]
    if len(set(header) - {""}) != len([h for h in header if h]):
        raise ScreeningError(f"{path.name}, row 1: a column name appears twice")
    missing = [c for c in ("stage", "reviewer") if c not in header]
    if "work" not in header and "record" not in header:
        missing.append("work (or record)")
    if "decision" not in header and "kind" not in header:
        missing.append("decision")
    if missing:
        raise ScreeningError(f"{path.name}: the header has no {', '.join(missing)} column; "
                             f"it has {', '.join(h for h in header if h)}")
    rows = []
    for number, cells in enumerate(table[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if any(cell.strip() for cell in cells[len(header):]):
            raise ScreeningError(f"{path.name}, row {number}: more cells than the header has "
                                 "columns")
        rows.append((number, {h: c.strip() for h, c in zip(header, cells, strict=False) if h}))
    if not rows:
        raise ScreeningError(f"{path.name} has no rows below its header")
    return rows


def _work(library: Library, row: dict[str, str], works: set[int],
          memberships: dict[int, int], merged_into: dict[int, int]) -> int:
    """The work a row names: its `work` (or the work that took it in, if it was merged
    into another since), or the current work of its `record`."""
    work, record = row.get("work", ""), row.get("record", "")
    if not work and not record:
        raise ScreeningError("the row names no work (nor record)")
    work_id = None
    if record:
        record_id = label_number(record, "R")
        if record_id is None:
            raise ScreeningError(f"{record!r} is not a record id (e.g. R5)")
        if record_id not in memberships:
            known = list(library.records(include_withdrawn=True, record_ids=[record_id]))
            raise ScreeningError(f"R{record_id} has no work yet: run `mnr dedupe` first"
                                 if known else f"there is no record R{record_id} in this library")
        work_id = memberships[record_id]
    if work:
        named = label_number(work, "W")
        if named is None:
            raise ScreeningError(f"{work!r} is not a work id (e.g. W12)")
        named = merged_into.get(named, named)  # a work merged since: the one that took it in
        if work_id is not None and named != work_id:
            raise ScreeningError(f"{record} belongs to W{work_id}, not W{named}")
        work_id = named
    if work_id is None or work_id not in works:
        raise ScreeningError(f"there is no work W{work_id} among the active searches' records")
    return work_id


Identity = tuple[object, ...]


def _identity(entry: LogEntry | NewEntry, undone: Identity | None = None) -> Identity:
    """What makes a log entry the same entry in another library (see the module's
    docstring); ``undone``, for an undo, is the identity of the entry it takes back."""
    return (entry.work_id, entry.stage, entry.reviewer, entry.kind, entry.decision,
            clean_reason((entry.reason or "").strip() or None), (entry.note or "").strip() or None,
            entry.decided_at, undone)


class _Present:
    """The log's entries by identity: which rows it has already. Each entry matches
    one row at most."""

    def __init__(self, log: list[LogEntry]) -> None:
        self.undone = {e.undoes for e in log if e.kind == "undo" and e.undoes is not None}
        targets = {e.entry_id: _identity(e) for e in log if e.entry_id in self.undone}
        self.entries: dict[Identity, list[LogEntry]] = {}
        for e in log:
            undone = targets.get(e.undoes) if e.kind == "undo" and e.undoes is not None else None
            self.entries.setdefault(_identity(e, undone), []).append(e)

    def take(self, identity: Identity) -> LogEntry | None:
        """The entry of the log with this identity that no row has matched yet, if any."""
        found = self.entries.get(identity)
        return found.pop(0) if found else None


@dataclass(slots=True)
class _Batch:
    """The rows checked so far: the entries to store, the rows that were in the log
    already, and the entry (of the log, or as simulated) each entry label stands for."""

    sim: _Simulation
    present: _Present
    memberships: dict[int, int]  # record -> work
    merged_into: dict[int, int]
    entries: list[NewEntry] = field(default_factory=list)
    skipped: int = 0
    labels: dict[str, LogEntry] = field(default_factory=dict)
    undone: set[int] = field(default_factory=set)  # ids (of the log or simulated) undone
    first_new: int = field(init=False)  # the simulated ids of new entries start here

    def __post_init__(self) -> None:
        self.undone |= self.present.undone
        self.first_new = self.sim.next_id

    def undo_target(self, row: dict[str, str], work_id: int, stage: str) -> LogEntry:
        """The entry an undo row takes back: that of a row above it (new, or in the log
        already), about the same work at the same stage, and not an undo."""
        label = _label(row.get("undoes", ""))
        if label not in self.labels:
            raise ScreeningError(f"an undo must name in `undoes` the entry of a row "
                                 f"above it; {label or 'nothing'} is not one")
        target = self.labels[label]
        if target.kind == "undo":
            raise ScreeningError(f"{label} is an undo, or has been undone already")
        if (target.work_id, target.stage) != (work_id, stage):
            raise ScreeningError(f"{label} is about W{target.work_id} at the "
                                 f"{target.stage} stage, not W{work_id} at {stage}")
        return target

    def check_undo(self, row: dict[str, str], target: LogEntry) -> None:
        """Refuse a new undo of an entry that has been undone already."""
        if target.entry_id in self.undone:
            raise ScreeningError(f"{_label(row.get('undoes', ''))} is an undo, or has been "
                                 "undone already")

    def undoes(self, target: LogEntry) -> int:
        """``NewEntry.undoes`` for an undo of ``target``: its id if it is in the log,
        else its position in the batch as ``append`` takes it (-1 for the first)."""
        if target.entry_id < self.first_new:
            return target.entry_id
        return self.first_new - target.entry_id - 1

    def known(self, entry: NewEntry, target: LogEntry | None, label: str) -> bool:
        """Whether the log has this entry already; if so, its label stands for it."""
        found = self.present.take(_identity(entry, None if target is None
                                            else _identity(target)))
        if found is None:
            return False
        self._unique(label)
        if label:
            self.labels[label] = found
        self.skipped += 1
        return True

    def add(self, entry: NewEntry, label: str, target: LogEntry | None) -> None:
        """Take a checked entry (an undo of ``target``) into the batch and the
        simulation, so that the rows below see it."""
        self._unique(label)
        self.entries.append(entry)
        simulated = self.sim.apply(entry, None if target is None else target.entry_id)
        if label:
            self.labels[label] = simulated
        if target is not None:
            self.undone.add(target.entry_id)

    def _unique(self, label: str) -> None:
        if label in self.labels:
            raise ScreeningError(f"the entry {label} appears twice in the file")


def _kind(row: dict[str, str]) -> str:
    """The row's kind of entry; a row without one is a decision."""
    kind = (row.get("kind") or "decision").lower()
    if kind not in KINDS:
        raise ScreeningError(f"the kind must be {', '.join(KINDS)}, not {row['kind']!r}")
    return kind


def _stage(row: dict[str, str], settings: Settings) -> str:
    """The stage of review.toml the row names, whatever its capitals."""
    stages = {name.lower(): name for name in settings.stages}
    stage = stages.get(row.get("stage", "").lower())
    if stage is None:
        raise ScreeningError(f"there is no stage {row.get('stage', '')!r}; review.toml's "
                             f"stages are {', '.join(settings.stages)}")
    return stage


def _decision(kind: str, raw: str) -> str | None:
    """The row's decision as y, n or m: decisions and resolutions need one, notes and
    undos take none."""
    if kind in ("decision", "resolution") and raw.lower() not in VALUES:
        raise ScreeningError(f"{raw!r} is not a decision: use y/n/m, yes/no/maybe or "
                             "include/exclude" if raw else "the decision is empty")
    if kind in ("note", "undo") and raw:
        raise ScreeningError(f"a {kind} row takes no decision (it has {raw!r})")
    return VALUES.get(raw.lower())


def _entry(library: Library, settings: Settings, batch: _Batch, row: dict[str, str],
           origin: str) -> tuple[NewEntry, LogEntry | None]:
    """The entry a row stands for, and (for an undo) the entry it takes back."""
    kind = _kind(row)
    work_id = _work(library, row, batch.sim.works, batch.memberships, batch.merged_into)
    stage = _stage(row, settings)
    target = batch.undo_target(row, work_id, stage) if kind == "undo" else None
    decision = _decision(kind, row.get("decision", ""))
    entry = NewEntry(work_id=work_id, stage=stage, reviewer=row.get("reviewer", ""),
                     kind=kind, decision=decision,
                     reason=row.get("reason") or None, note=row.get("note") or None,
                     undoes=None if target is None else batch.undoes(target),
                     decided_at=_time(row.get("time", "")), origin=origin)
    return entry, target


def import_decisions(library: Library, settings: Settings, path: Path) -> ImportSummary:
    """Check every row of a CSV of decisions that the log does not have yet, then store
    them all in one transaction."""
    rows = _read(path)
    sim = _Simulation(library, settings)
    batch = _Batch(sim, _Present(sim.log), library.works.memberships(),
                   library.screening.merged_into())
    for number, row in rows:
        try:
            entry, target = _entry(library, settings, batch, row,
                                   f"import {path.name} row {number}")
            label = _label(row.get("entry", ""))
            if batch.known(entry, target, label):
                continue
            if target is None:
                check(sim.stage(entry.stage), entry)
            else:
                batch.check_undo(row, target)
                check_reviewer(sim.stage(entry.stage), entry.reviewer)
            batch.add(entry, label, target)
        except ScreeningError as error:
            raise ScreeningError(f"{path.name}, row {number}: {error.message}") from None
    library.screening.append(batch.entries)
    return ImportSummary(rows=len(batch.entries),
                         by_kind=dict(Counter(e.kind for e in batch.entries)),
                         by_stage=dict(Counter(e.stage for e in batch.entries)),
                         present=batch.skipped)
