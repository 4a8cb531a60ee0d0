"""What the Traditions screen shows: a study's row, and the right pane for a tradition or
a study (its tags, the findings themes it supports, the memos about it).

:class:`TraditionMap` holds what was read from the review (through
:mod:`mnr.synthesis.traditions`) and draws it; the screen reads it afresh after
every change.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from mnr.display import printable
from mnr.library.models import Memo, Theme
from mnr.synthesis.studies import Study
from mnr.synthesis.traditions import Tradition

Tags = dict[int, dict[str, list[str]]]  # work id -> kind ("tradition", ...) -> values


def hanging(mark: Text, text: Text) -> Table:
    """A line indented under its mark when it wraps."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(width=3, justify="right")
    grid.add_column(ratio=1)
    grid.add_row(mark, text)
    return grid


@dataclass(slots=True)
class TraditionMap:
    """The included studies, the traditions, and the tags, themes and memos about them."""

    studies: list[Study]
    traditions: list[Tradition]
    tags: Tags
    themes: list[Theme]
    memos: list[Memo]
    # (tradition, concept or theory) -> the works linked to it (`mnr traditions concept`)
    concept_links: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    by_id: dict[int, Study] = field(init=False)

    def __post_init__(self) -> None:
        self.by_id = {study.work_id: study for study in self.studies}

    def number(self, name: str) -> int | None:
        """The tradition's number in the list (1, 2, ...), as its row and picker show it."""
        for number, tradition in enumerate(self.traditions, 1):
            if tradition.name == name:
                return number
        return None

    def tags_of(self, work_id: int, kind: str) -> list[str]:
        return self.tags.get(work_id, {}).get(kind, [])

    def members(self, name: str) -> list[Study]:
        return [s for s in self.studies if name in self.tags_of(s.work_id, "tradition")]

    def tagged(self) -> int:
        """How many included studies are in at least one tradition."""
        return sum(1 for s in self.studies if self.tags_of(s.work_id, "tradition"))

    def label(self, work_id: int) -> str:
        study = self.by_id.get(work_id)
        return study.label if study else f"W{work_id} (not included)"

    # -- the lists ------------------------------------------------------------------------

    def tradition_row(self, number: int, tradition: Tradition) -> Text:
        return Text.assemble(
            (f"{number}  ", "bold cyan"), tradition.name,
            (f"  {len(self.members(tradition.name))} studies", "dim"),
            ("  (made here)" if tradition.source == "library" else "", "italic dim"))

    def study_row(self, study: Study, label_width: int) -> Text:
        numbers = [str(self.number(t) or "?") for t in self.tags_of(study.work_id, "tradition")]
        text = Text(f"{printable(study.label):<{label_width}} ", "bold")
        text.append(f"[{','.join(numbers)}]" if numbers else "[ ]",
                    "bold cyan" if numbers else "dim")
        for kind in ("method", "country"):
            values = self.tags_of(study.work_id, kind)
            text.append(f" {values[0] if values else '·'}", "" if values else "dim")
        text.append(f"  {printable(study.title)}", "dim")
        return text

    # -- the right pane -----------------------------------------------------------------

    def _memo_lines(self, subject: str, about: str | None) -> list[Table]:
        return [hanging(Text("•", "dim"), Text.assemble(
                    (f"{memo.written_at[:10]} {memo.author or ''}"
                     f"{f' ({memo.memo_type})' if memo.memo_type else ''}: ", "dim"), memo.text))
                for memo in self.memos if memo.subject == subject and memo.about == about]

    def _concept_lines(self, tradition: Tradition) -> list[RenderableType]:
        """Each key concept and theory with the works linked to it (theories in italic)."""
        lines: list[RenderableType] = []
        for kind, names in (("concept", tradition.concepts), ("theory", tradition.theories)):
            for name in names:
                works = sorted(self.concept_links.get((tradition.name, name), []),
                               key=lambda w: (self.by_id[w].year or 0) if w in self.by_id
                               else 1 << 30)  # earliest first
                text = Text(name, "italic" if kind == "theory" else "")
                text.append(f"  [{'; '.join(self.label(w) for w in works)}]" if works
                            else "  (no works linked)", "dim")
                lines.append(hanging(Text("◆" if kind == "concept" else "◇", "dim"), text))
        return lines

    def _theme_line(self, theme: Theme, with_tradition: bool = False) -> Table:
        sign = Text("+", "bold green") if theme.polarity == "positive" else Text("−", "bold red")
        text = Text(theme.statement)
        if with_tradition:
            text.append(f"  ({theme.tradition})", "italic")
        text.append(f"  [{'; '.join(self.label(w) for w in theme.works)}]", "dim")
        return hanging(sign, text)

    @staticmethod
    def _about(tradition: Tradition) -> list[RenderableType]:
        """What review.toml (or its maker) says of the tradition."""
        parts: list[RenderableType] = [Text(tradition.name, "bold")]
        if tradition.source == "library":
            parts.append(Text("Created in mnr (not in review.toml)", "italic dim"))
        for title, value in (("Description", tradition.description),
                             ("Paradigm", tradition.paradigm),
                             ("Storyline", tradition.storyline)):
            if value:
                parts += [Text(""), Text(title, "bold underline"), Text(value)]
        for title, values in (("Methods", tradition.methods),):
            if values:
                parts.append(Text.assemble((f"{title}: ", "bold"), "; ".join(values)))
        if tradition.checklist:
            parts.append(Text.assemble(("Appraised with: ", "bold"), tradition.checklist))
        return parts

    def tradition_text(self, tradition: Tradition) -> Group:
        parts = self._about(tradition)
        concepts = self._concept_lines(tradition)
        if concepts:
            parts += [Text(""), Text("Key concepts ◆ and theories ◇", "bold underline"),
                      *concepts]
        members = self.members(tradition.name)
        parts += [Text(""), Text(f"Studies ({len(members)})", "bold underline")]
        parts += [hanging(Text("•", "dim"), Text.assemble(f"{printable(s.label)}  ",
                                                          (printable(s.title), "dim")))
                  for s in members] or [
            Text("  none yet: highlight a study and press t", "dim italic")]
        found = [t for t in self.themes if t.tradition == tradition.name]
        parts += [Text(""), Text(f"Findings themes ({len(found)})", "bold underline")]
        parts += [self._theme_line(t) for t in found] or [
            Text("  none yet: f adds one", "dim italic")]
        memos = self._memo_lines("tradition", tradition.name)
        if memos:
            parts += [Text(""), Text("Memos", "bold underline"), *memos]
        return Group(*parts)

    def study_text(self, study: Study) -> Group:
        merged = study.work.merged
        parts: list[RenderableType] = [
            Text.assemble((printable(study.label), "bold"), "  ", (f"W{study.work_id}", "dim")),
            Text(printable(study.title), "italic")]
        if merged.journal:
            parts.append(Text(printable(merged.journal), "dim"))
        parts.append(Text(""))
        names = self.tags_of(study.work_id, "tradition")
        parts.append(Text.assemble(("Traditions: ", "bold"), "; ".join(
            f"{self.number(n) or '?'} {n}" for n in names) or ("none (t)", "dim")))
        for kind, key in (("method", "m"), ("country", "c")):
            values = self.tags_of(study.work_id, kind)
            parts.append(Text.assemble((f"{kind.title()}: ", "bold"),
                                       values[0] if values else (f"not tagged ({key})", "dim")))
        carried = [f"{concept} ({tradition})" for (tradition, concept), works
                   in self.concept_links.items() if study.work_id in works]
        if carried:
            parts.append(Text.assemble(("Carries: ", "bold"), "; ".join(carried)))
        found = [t for t in self.themes if study.work_id in t.works]
        if found:
            parts += [Text(""), Text("Themes it supports", "bold underline")]
            parts += [self._theme_line(t, with_tradition=True) for t in found]
        memos = self._memo_lines("work", str(study.work_id))
        if memos:
            parts += [Text(""), Text("Memos", "bold underline"), *memos]
        if merged.abstract:
            parts += [Text(""), Text(merged.abstract, "dim")]
        return Group(*parts)
