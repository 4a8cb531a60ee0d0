"""Which works an export takes: those included, those with an outcome at a stage, those
of a tradition, or those in all of the selections given.

``mnr export ris --included`` sends the included studies to EndNote or Zotero;
``--stage title --outcome n`` the works excluded on their titles, for a check;
``--tradition T`` one tradition's works, for its storyline.
"""

from __future__ import annotations

from dataclasses import dataclass

from mnr.errors import MnrError
from mnr.library import Library
from mnr.project import Settings
from mnr.screening.state import DECISIONS, load
from mnr.synthesis.traditions import current_tags, traditions


@dataclass(frozen=True, slots=True)
class Selection:
    """What to export: each part given narrows it (None: not asked)."""

    included: bool = False
    stage: str | None = None
    outcome: str | None = None  # "y", "n" or "m", at ``stage``
    tradition: str | None = None

    @property
    def asked(self) -> bool:
        return bool(self.included or self.stage or self.outcome or self.tradition)

    def says(self) -> str:
        """The selection in words, for the message after an export."""
        parts = []
        if self.included:
            parts.append("included")
        if self.stage:
            parts.append(f"{self.outcome.upper()} at the {self.stage} stage" if self.outcome
                         else f"reaching the {self.stage} stage")
        if self.tradition:
            parts.append(f"of the tradition {self.tradition!r}")
        return ", ".join(parts)


def select(library: Library, settings: Settings, selection: Selection) -> list[int]:
    """The ids of the works in every part of the selection, in work order."""
    if selection.outcome is not None and selection.stage is None:
        raise MnrError("--outcome is the outcome at a stage: give --stage too (stages: "
                       f"{', '.join(settings.stages)})")
    if selection.outcome is not None and selection.outcome not in DECISIONS:
        raise MnrError(f"--outcome is one of {', '.join(DECISIONS)}, not "
                       f"{selection.outcome!r}")
    chosen: set[int] | None = None

    def narrow(ids: set[int]) -> None:
        nonlocal chosen
        chosen = ids if chosen is None else chosen & ids

    if selection.included or selection.stage is not None:
        screening = load(library, settings)
        if selection.included:
            narrow(set(screening.included()))
        if selection.stage is not None:
            stage = screening.stage(selection.stage)
            narrow({w for w in stage.work_ids
                    if selection.outcome is None or stage.outcome(w) == selection.outcome})
    if selection.tradition is not None:
        names = [t.name for t in traditions(library, settings)]
        if selection.tradition not in names:
            raise MnrError(f"there is no tradition {selection.tradition!r}; traditions: "
                           f"{', '.join(names) or 'none yet'}")
        narrow({work for work, kinds in current_tags(library).items()
                if selection.tradition in kinds.get("tradition", [])})
    return sorted(chosen or ())
