"""Works removed before screening, with a reason, and put back: PRISMA 2020's "records
removed before screening" other than duplicates.

A removal is an act like a decision (a judgement line, replayed into the library);
a removed work leaves the screening list and every stage, and counts in the PRISMA
box of its reason: "marked as ineligible by automation tools" for
``ineligible-by-automation`` (the box the stopping rule's unscreened works count in
too), "removed for other reasons" for ``retracted`` and ``other``. A removal is
taken back by a later act (``restore``), never erased. Only a work nobody has
screened can be removed: once screened, it is excluded at its stage with a reason.
"""

from __future__ import annotations

from datetime import UTC, datetime

from mnr.errors import MnrError
from mnr.library import Library
from mnr.library.models import Removal

# each reason, its words, and the Flow field (PRISMA box) it counts in
REASONS = {
    "retracted": ("Retracted", "excluded_other"),
    "ineligible-by-automation": ("Marked as ineligible by automation tools",
                                 "excluded_automatic"),
    "other": ("Other reason", "excluded_other"),
}


def box_of(reason: str | None) -> str:
    """The Flow field a removal for ``reason`` counts in (an unknown reason, from a newer
    mnr's line, counts as another reason)."""
    return REASONS.get(reason or "other", REASONS["other"])[1]


def _stamp() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _screened(library: Library, work_id: int) -> bool:
    """Whether the work has a decision or resolution that still counts."""
    entries = library.screening.entries_of([work_id])
    undone = {entry.undoes for entry in entries if entry.kind == "undo"}
    return any(entry.kind in ("decision", "resolution") and entry.entry_id not in undone
               for entry in entries)


def remove(library: Library, work_id: int, reason: str, label: str | None = None,
           by: str | None = None) -> Removal:
    """Remove a work before screening for ``reason`` (``label``: in the person's words;
    needed for ``other``)."""
    if reason not in REASONS:
        raise MnrError(f"{reason!r} is not a reason for removing a work; one of "
                       f"{', '.join(REASONS)}")
    label = (label or "").strip() or None
    if reason == "other" and label is None:
        raise MnrError("say what the other reason is (--label), e.g. --label "
                       "\"Conference abstract of an included paper\"")
    if work_id not in library.screening.work_ids(removed=True):
        raise MnrError(f"there is no work W{work_id}; `mnr screen` lists the works")
    current = library.screening.removed().get(work_id)
    if current is not None:
        raise MnrError(f"W{work_id} was removed already ({current.reason}, "
                       f"{current.removed_at[:10]}); `mnr remove W{work_id} --undo` "
                       "puts it back")
    if _screened(library, work_id):
        raise MnrError(f"W{work_id} has been screened, so it cannot be removed before "
                       "screening; exclude it at its stage with the reason instead "
                       f"(mnr decide W{work_id} n --reason ...)")
    return library.screening.remove(Removal(work_id, "remove", reason, label,
                                            (by or "").strip() or None, _stamp()))


def restore(library: Library, work_id: int, by: str | None = None) -> Removal:
    """Take back a work's removal: it returns to the screening list."""
    if library.screening.removed().get(work_id) is None:
        raise MnrError(f"W{work_id} is not removed; `mnr remove --list` lists the works "
                       "that are")
    return library.screening.remove(Removal(work_id, "restore", None, None,
                                            (by or "").strip() or None, _stamp()))
