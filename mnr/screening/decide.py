"""Recording what reviewers do: decide, undo, resolve a conflict, add a note.

Every action is checked against the protocol (stage, reviewer, decision,
reason) and the derived state (the work has reached the stage), then appended
to the log; the caller's Stage is updated with the stored entries. The CLI,
the TUI and ``decisions import`` all come through here.
"""

from __future__ import annotations

from mnr.errors import MnrError
from mnr.library import Library
from mnr.library.models import LogEntry, NewEntry
from mnr.screening.state import DECISIONS, Stage


class ScreeningError(MnrError):
    """An action the protocol or the state of screening does not allow."""


def check_reviewer(stage: Stage, reviewer: str) -> None:
    """Refuse blank initials, initials holding control characters, and initials that
    review.toml, when it lists reviewers, does not list."""
    if not reviewer.strip():
        raise ScreeningError("a reviewer is needed: give your initials with --reviewer")
    if any(ord(character) < 32 for character in reviewer):
        raise ScreeningError(f"{reviewer!r}: initials cannot hold control characters")
    try:
        stage.settings.check_reviewer(reviewer)
    except MnrError as error:  # a ScreeningError: `decisions import` names the row
        raise ScreeningError(error.message) from None


def protocol_reason(stage: Stage, reason: str | None) -> str | None:
    """The protocol's own spelling of an exclusion reason typed in another case or with
    spaces around it ("wrong population" for "Wrong population"); other text as given."""
    if not reason:
        return reason
    wanted = reason.strip().casefold()
    return next((r for r in stage.settings.exclusion_reasons if r.casefold() == wanted),
                reason)


def check_reason(stage: Stage, reason: str, label: str) -> None:
    """Refuse an exclusion reason review.toml does not list, when it lists reasons: at a
    stage that needs a reason (``reason_required``), exclusions are counted by reason
    (PRISMA's reports excluded, with reasons). Elsewhere a reason is a free note."""
    reasons = stage.settings.exclusion_reasons
    if reasons and reason not in reasons:
        raise ScreeningError(f"{label}: {reason!r} is not one of review.toml's exclusion "
                             f"reasons: {'; '.join(reasons)} (add it under [screening] "
                             "exclusion_reasons, or use one of these)")


def check(stage: Stage, entry: NewEntry) -> None:
    """Refuse an entry the protocol or the state does not allow, saying why."""
    check_reviewer(stage, entry.reviewer)
    label = f"W{entry.work_id}"
    if entry.work_id not in stage.works:
        raise ScreeningError(f"{label} is not at the {stage.name} stage (it does not exist, or "
                             "its outcome at the stage before does not take it forward)")
    if entry.kind in ("decision", "resolution"):
        if entry.decision not in DECISIONS:
            raise ScreeningError(f"{label}: the decision must be y, n or m, not "
                                 f"{entry.decision!r}")
        if (entry.kind == "decision" and entry.decision == "n" and not entry.reason
                and stage.name in stage.settings.reason_required):
            raise ScreeningError(f"{label}: an exclusion at the {stage.name} stage needs a "
                                 "reason (--reason)")
        if (entry.decision == "n" and entry.reason  # a resolution's too: PRISMA counts it
                and stage.name in stage.settings.reason_required):
            check_reason(stage, entry.reason, label)
    if entry.kind == "resolution" and not stage.needs_resolution(entry.work_id):
        raise ScreeningError(f"{label} has no conflict to resolve at the {stage.name} stage")
    if entry.kind == "note" and not (entry.note or "").strip():
        raise ScreeningError(f"{label}: the note is empty")


def record(library: Library, stage: Stage, entries: list[NewEntry]) -> list[LogEntry]:
    """Check every entry, then store them all in one transaction (or none)."""
    for entry in entries:
        check(stage, entry)
    stored = library.screening.append(entries)
    for done in stored:
        stage.apply(done)
    return stored


def decide(library: Library, stage: Stage, work_id: int, reviewer: str, decision: str,
           reason: str | None = None, note: str | None = None, origin: str = "cli") -> LogEntry:
    if decision.lower() == "n":
        reason = protocol_reason(stage, reason)
    entry = NewEntry(work_id=work_id, stage=stage.name, reviewer=reviewer, kind="decision",
                     decision=decision.lower(), reason=reason or None, note=note or None,
                     origin=origin)
    return record(library, stage, [entry])[0]


def resolve(library: Library, stage: Stage, work_id: int, reviewer: str, decision: str,
            reason: str | None = None, origin: str = "cli") -> LogEntry:
    """A conflict's resolution: who resolved it, the outcome and why, as its own entry
    (excluding at a stage that needs a reason, the why is one of the protocol's reasons)."""
    if decision.lower() == "n":
        reason = protocol_reason(stage, reason)
    entry = NewEntry(work_id=work_id, stage=stage.name, reviewer=reviewer, kind="resolution",
                     decision=decision.lower(), reason=reason or None, origin=origin)
    return record(library, stage, [entry])[0]


def add_note(library: Library, stage: Stage, work_id: int, reviewer: str, note: str,
             origin: str = "cli") -> LogEntry:
    entry = NewEntry(work_id=work_id, stage=stage.name, reviewer=reviewer, kind="note",
                     note=note.strip(), origin=origin)
    return record(library, stage, [entry])[0]


def undo_last(library: Library, stage: Stage, reviewer: str, kind: str = "decision",
              origin: str = "cli") -> LogEntry:
    """Take back the reviewer's latest decision (or resolution) at this stage; the
    decision before it, if any, counts again. Returns the entry undone."""
    check_reviewer(stage, reviewer)
    last = stage.last_undoable(reviewer, kind)
    if last is None:
        raise ScreeningError(f"{reviewer} has no {kind} to undo at the {stage.name} stage")
    record(library, stage, [NewEntry(work_id=last.work_id, stage=stage.name,
                                     reviewer=reviewer, kind="undo", undoes=last.entry_id,
                                     origin=origin)])
    return last
