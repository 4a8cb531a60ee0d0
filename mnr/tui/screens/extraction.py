"""The Extraction screen: the studies on the left, the protocol's extraction form on the right.

The form has one box per field of review.toml's ``[extraction] fields`` and shows the
reviewer's own latest extraction of the work (two extractors work independently: the
other's values are not shown; ``mnr extraction compare`` sets them side by side);
``ctrl+s`` saves the form through
:func:`mnr.synthesis.extraction.save`, which keeps every save. The layout, and the
drafts kept while the reviewer moves between studies, are :class:`StudyFormScreen`'s.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Label, Static, TextArea

from mnr.library import Library
from mnr.library.models import Extraction
from mnr.project import Settings
from mnr.synthesis import extraction
from mnr.synthesis.studies import Study
from mnr.tui.screens.study_form import StudyFormScreen


class ExtractionScreen(StudyFormScreen):
    """Extract data from the studies with the protocol's template."""

    HEADING = "Extraction"

    def __init__(self, library: Library, settings: Settings, reviewer: str) -> None:
        super().__init__(library, settings, reviewer)
        self.fields = list(settings.extraction_fields)
        self.saved: dict[int, Extraction] = {}  # the reviewer's own latest, per work
        self.others: dict[int, list[str]] = {}  # who else extracted each work
        self._read()

    def _read(self) -> None:
        """The extractions as they stand: the reviewer's own, and who else extracted."""
        found = extraction.by_extractor(self.library)
        self.saved = {work_id: saved[self.reviewer] for work_id, saved in found.items()
                      if self.reviewer in saved}
        self.others = {work_id: sorted(set(saved) - {self.reviewer})
                       for work_id, saved in found.items()}

    def compose_form(self) -> ComposeResult:
        yield Static(id="saved")
        for number, name in enumerate(self.fields):
            yield Label(name, classes="field-label")
            yield TextArea(id=f"field-{number}", classes="field", soft_wrap=True,
                           tab_behavior="focus")

    def mark(self, study: Study) -> Text:
        return Text("✓ ", "bold green") if study.work_id in self.saved else Text("  ")

    def title_text(self) -> Text:
        included = [s for s in self.studies if s.included]
        done = sum(1 for s in included if s.work_id in self.saved)
        return Text.assemble(("Extraction", "bold"), f"  ·  {self.reviewer}  ·  ",
                             f"{done} of {len(included)} included studies extracted by you  ·  "
                             "Enter: the form · Ctrl+S: save · Escape: back")

    def _boxes(self) -> list[TextArea]:
        return [self.query_one(f"#field-{n}", TextArea) for n in range(len(self.fields))]

    async def load_form(self, study: Study, draft: Any | None) -> None:
        saved = self.saved.get(study.work_id)
        values = saved.fields if saved else {}
        loaded = tuple(values.get(name, "") for name in self.fields)
        for box, value in zip(self._boxes(), draft or loaded, strict=True):
            box.load_text(value)
        self.loaded = loaded
        others = self.others.get(study.work_id)
        note = Text("Not extracted by you yet.", "dim italic") if saved is None else Text(
            f"Last saved by you, {saved.saved_at[:16].replace('T', ' ')}", "dim")
        if others:
            note.append(f"  ·  also extracted by {', '.join(others)} (not shown: "
                        "`mnr extraction compare`)", "dim")
        if draft is not None:
            note.append("  (unsaved changes)", "bold yellow")
        self.query_one("#saved", Static).update(note)

    def form_state(self) -> tuple[str, ...]:
        return tuple(box.text for box in self._boxes())

    def save_form(self, study: Study) -> str:
        values = dict(zip(self.fields, self.form_state(), strict=True))
        extraction.save(self.library, self.settings, study.work_id, self.reviewer, values)
        self._read()
        self.query_one("#saved", Static).update(Text(f"Saved by {self.reviewer} just now.",
                                                     "dim"))
        filled = sum(1 for value in values.values() if value.strip())
        return (f"Saved the extraction of {study.label}: {filled} of {len(self.fields)} "
                "fields filled.")

    def first_field(self) -> Widget | None:
        return self.query_one("#field-0", TextArea) if self.fields else None
