"""The Appraisal screen: the studies on the left, a checklist form for the highlighted one.

The checklist offered is :func:`mnr.synthesis.appraisal.appraise.suggested`'s (the study's
tradition's checklist, else one fitting the extracted study design, else review.toml's
default); the reviewer may pick another; the form names the checklist's edition, and a
question the tool splits into parts shows its parts under it. Each yes / no / can't tell
question is a row:
with the row focused, ``y``, ``n`` or ``c`` answers it and moves on, Tab reaches its
comment. Free-text questions are a line of text. ``ctrl+s`` saves through
:func:`mnr.synthesis.appraisal.appraise.save` (every save is kept; the latest per reviewer counts)
and reports the Yes / No / Can't tell counts: there is no score.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Input, Label, Select, Static, TextArea

from mnr.errors import MnrError
from mnr.library import Library
from mnr.library.models import Appraisal
from mnr.project import Settings
from mnr.synthesis import extraction
from mnr.synthesis.appraisal import appraise
from mnr.synthesis.appraisal.checklists import ANSWERS, Checklist, suggest, tally
from mnr.synthesis.appraisal.consensus import compare
from mnr.synthesis.progress import unanswered
from mnr.synthesis.studies import Study
from mnr.synthesis.traditions import current_tags, traditions
from mnr.tui.screens.study_form import StudyFormScreen
from mnr.tui.widgets.checklist import CHOICES, AnswerBox, QuestionRow, stem


def counts_text(answers: Mapping[str, str], checklist: Checklist | None) -> str:
    """"Yes 3 · No 1 · Can't tell 2" (counts, never a score)."""
    counts = tally(answers, checklist)
    return " · ".join(f"{label} {counts[value]}" for value, label in CHOICES)


@dataclass(frozen=True, slots=True)
class FormState:
    """What the form holds: the checklist, (number, answer, comment) per question in the
    checklist's order, and the commentary."""

    checklist: str | None
    answers: tuple[tuple[str, str, str], ...]
    commentary: str


def _design_field(fields: list[str]) -> str | None:
    """The extraction field holding the study design ("Study design", else any "design")."""
    for name in fields:
        if name.lower() == "study design":
            return name
    return next((name for name in fields if "design" in name.lower()), None)


class AppraisalScreen(StudyFormScreen):
    """Appraise the studies with checklists, as one reviewer."""

    HEADING = "Appraisal"
    FORM_KEYS = (*StudyFormScreen.FORM_KEYS, *AnswerBox.BINDINGS,
                 Binding("up,down", "", "In a comment: previous / next question",
                         key_display="up / down"))

    def __init__(self, library: Library, settings: Settings, reviewer: str) -> None:
        super().__init__(library, settings, reviewer)
        self.known = appraise.checklists(settings)
        self.saved: dict[int, dict[str, Appraisal]] = appraise.current(library)
        self.tradition_checklists = {t.name: t.checklist for t in traditions(library, settings)}
        self.rows: list[QuestionRow] = []
        self.built: str | None = None  # the checklist whose questions are mounted
        self.set_aside: dict[str, tuple[tuple[str, str, str], ...]] = {}

    # -- layout -------------------------------------------------------------------------

    def compose_form(self) -> ComposeResult:
        yield Static(id="saved")
        yield Select([(c.name, c.id) for c in self.known.values()], id="checklist",
                     prompt="Pick a checklist", allow_blank=True)
        yield Static(id="suggestion")
        yield Vertical(id="questions")
        yield Label("Commentary (what the answers add up to)", classes="field-label")
        yield TextArea(id="commentary", soft_wrap=True, tab_behavior="focus")

    def open_questions(self, work_id: int) -> int | None:
        """Questions the reviewer's saved appraisal leaves open (None: not appraised)."""
        mine = self.saved.get(work_id, {}).get(self.reviewer)
        return None if mine is None else unanswered(mine, self.known.get(mine.checklist))

    def mark(self, study: Study) -> Text:
        """✓ appraised in full by you, ◐ in part, ◦ by someone else only."""
        by = self.saved.get(study.work_id, {})
        left = self.open_questions(study.work_id)
        if left == 0:
            return Text("✓ ", "bold green")
        if left is not None:
            return Text("◐ ", "bold yellow")
        return Text("◦ ", "dim") if by else Text("  ")

    def title_text(self) -> Text:
        included = [s.work_id for s in self.studies if s.included]
        left = [self.open_questions(w) for w in included]
        done, partly = left.count(0), sum(1 for n in left if n)
        line = Text.assemble(("Appraisal", "bold"), f"  ·  {self.reviewer}  ·  ",
                             f"{done} of {len(included)} included appraised by you")
        if partly:
            line.append(f" ({partly} in part ◐)", "yellow")
        line.append("  ·  Enter: the form · y/n/c answer · Tab: comment · Ctrl+S: save · "
                    "Escape: back")
        return line

    def first_field(self) -> Widget | None:
        return self.rows[0].field if self.rows else self.query_one("#checklist", Select)

    # -- loading ------------------------------------------------------------------------

    def _blank(self, checklist_id: str | None) -> tuple[tuple[str, str, str], ...]:
        checklist = self.known.get(checklist_id or "")
        return tuple((q.number, "", "") for q in checklist.items) if checklist else ()

    def _of(self, appraisal: Appraisal) -> FormState:
        """The form for a saved appraisal. One made with another edition stays readable: an
        answer in words to what is now a yes / no / can't tell question moves into its
        comment, and answers to questions the checklist no longer has into the commentary."""
        checklist = self.known[appraisal.checklist]
        answers = []
        for q in checklist.items:
            given = appraisal.answers.get(q.number, {})
            answer, comment = given.get("answer", ""), given.get("comment", "")
            if q.answers != "free_text" and answer and answer not in ANSWERS:
                answer, comment = "", " · ".join(part for part in (answer, comment) if part)
            answers.append((q.number, answer, comment))
        commentary = appraisal.commentary or ""
        gone = [f"{n}: {a.get('answer', '')} {a.get('comment', '')}".strip()
                for n, a in appraisal.answers.items() if n not in checklist.numbers]
        if gone:
            commentary = "\n".join([commentary, "(Answers to questions this edition of the "
                                     "checklist lacks) " + "; ".join(gone)]).strip()
        return FormState(checklist.id, tuple(answers), commentary)

    def _suggestion(self, study: Study) -> tuple[str | None, str]:
        """The checklist to offer and why."""
        extracted = extraction.current(self.library).get(study.work_id)
        field = _design_field(self.settings.extraction_fields)
        design = extracted.fields.get(field, "") if extracted and field else ""
        chosen = appraise.suggested(self.library, self.settings, study.work_id,
                                    self.tradition_checklists, design or None)
        if chosen is None:
            return None, "No checklist suggested: pick one (Tab to the list, Enter)."
        name = self.known[chosen].name
        for tradition in current_tags(self.library).get(study.work_id, {}).get("tradition", []):
            if self.tradition_checklists.get(tradition) == chosen:
                return chosen, f"Suggested: {name}, the checklist of the tradition “{tradition}”."
        fitting = suggest(design or None, self.known)
        if fitting is not None and fitting.id == chosen:
            return chosen, f"Suggested: {name}, which fits the design “{design}”."
        return chosen, f"Suggested: {name}, review.toml's default."

    async def load_form(self, study: Study, draft: Any | None) -> None:
        by = self.saved.get(study.work_id, {})
        mine = by.get(self.reviewer)
        suggested, why = self._suggestion(study)
        note = Text()
        if mine is not None and mine.checklist in self.known:
            loaded = self._of(mine)
            answers = {n: a.get("answer", "") for n, a in mine.answers.items()}
            note.append(f"Saved by you {mine.saved_at[:16].replace('T', ' ')} with "
                        f"{self.known[mine.checklist].name}"
                        f"{f' ({mine.edition})' if mine.edition else ''}: "
                        f"{counts_text(answers, self.known[mine.checklist])}", "green")
            now = self.known[mine.checklist].version
            if mine.edition is None and self.known[mine.checklist].edition:
                note.append(f"\nSaved before mnr kept checklist editions; the checklist is "
                            f"now {now}.", "yellow")
            elif (mine.edition or "") != self.known[mine.checklist].edition:
                note.append(f"\nMade with edition {mine.edition}; the checklist is now {now}: "
                            "check the answers before saving again.", "bold yellow")
            left = self.open_questions(study.work_id)
            if left:
                note.append(f" · in part: {left} {'question' if left == 1 else 'questions'} "
                            "not answered", "bold yellow")
        else:
            loaded = FormState(suggested, self._blank(suggested), "")
            note.append("Not appraised by you yet.", "dim italic")
            if mine is not None:
                note.append(f" (Your saved appraisal uses the checklist {mine.checklist!r}, "
                            "which review.toml no longer lists.)", "yellow")
        for reviewer, other in sorted(by.items()):
            if reviewer != self.reviewer:
                answers = {n: a.get("answer", "") for n, a in other.answers.items()}
                note.append(f"\nAlso appraised by {reviewer} ({other.checklist}): "
                            f"{counts_text(answers, self.known.get(other.checklist))}", "dim")
        if len(by) > 1:
            found = compare(self.library, self.settings, {study.work_id})
            if found.disagreements:
                count = len(found.disagreements)
                note.append(f"\n{count} {'disagreement' if count == 1 else 'disagreements'} "
                            f"between appraisers, {found.settled} settled by consensus "
                            "(mnr appraisal compare).", "yellow")
        if draft is not None:
            note.append("\nUnsaved changes (Ctrl+S saves them).", "bold yellow")
        self.query_one("#saved", Static).update(note)
        self.query_one("#suggestion", Static).update(Text(why, "dim"))
        self.set_aside = {}
        self.loaded = loaded
        await self._fill(draft if isinstance(draft, FormState) else loaded)

    async def _fill(self, state: FormState) -> None:
        select: Select[str] = self.query_one("#checklist", Select)
        with self.prevent(Select.Changed):
            if state.checklist is None:
                select.clear()
            else:
                select.value = state.checklist
        await self._build(state.checklist, state.answers)
        self.query_one("#commentary", TextArea).load_text(state.commentary)

    async def _build(self, checklist_id: str | None,
                     answers: tuple[tuple[str, str, str], ...]) -> None:
        """Show this checklist's questions with these answers (mounting rows only when the
        checklist changes)."""
        given = {number: (answer, comment) for number, answer, comment in answers}
        if checklist_id == self.built and self.rows:
            for row in self.rows:
                row.set(*given.get(row.question.number, ("", "")))
            return
        container = self.query_one("#questions", Vertical)
        await container.remove_children()
        self.rows = []
        self.built = checklist_id
        checklist = self.known.get(checklist_id or "")
        if checklist is None:
            await container.mount(Static(Text("Pick a checklist above to appraise this study.",
                                              "italic")))
            return
        widgets: list[Widget] = [Static(Text(checklist.version, "bold"), classes="edition")]
        for section in checklist.sections:
            title = Text(section, "bold underline")
            if section in checklist.pick:
                title.append("  answer if it fits the study's design", "dim italic")
            widgets.append(Static(title, classes="section"))
            for question in checklist.in_section(section):
                if question.items:
                    widgets.append(Static(stem(question), classes="stem"))
                for item in question.answerable:
                    row = QuestionRow(item, self, *given.get(item.number, ("", "")))
                    self.rows.append(row)
                    widgets.append(row)
        widgets.append(Static(Text(f"{checklist.version}. {checklist.source}. "
                                   f"{checklist.attribution}", "dim"), classes="attribution"))
        await container.mount_all(widgets)

    def form_state(self) -> FormState:
        value = self.query_one("#checklist", Select).value
        checklist = value if isinstance(value, str) else None
        answers = tuple(row.state() for row in self.rows) if checklist == self.built else ()
        return FormState(checklist, answers, self.query_one("#commentary", TextArea).text)

    @on(Select.Changed, "#checklist")
    async def _checklist_changed(self, event: Select.Changed) -> None:
        chosen = event.value if isinstance(event.value, str) else None
        if self.loading or chosen == self.built:
            return
        if self.built is not None and any(a or c for _, a, c in
                                          (row.state() for row in self.rows)):
            self.set_aside[self.built] = tuple(row.state() for row in self.rows)
            self.notify("The answers to the other checklist are set aside; pick it again to "
                        "get them back.", timeout=4)
        if chosen in self.set_aside:
            answers = self.set_aside.pop(chosen)
        elif isinstance(self.loaded, FormState) and self.loaded.checklist == chosen:
            answers = self.loaded.answers
        else:
            answers = self._blank(chosen)
        await self._build(chosen, answers)

    # -- moving about the form ----------------------------------------------------------

    def _row_of(self, widget: Widget) -> int | None:
        for index, row in enumerate(self.rows):
            if widget is row.field or widget is row.comment:
                return index
        return None

    def step_from(self, widget: Widget, step: int, closed_only: bool = False) -> Widget | None:
        """Focus the question ``step`` rows from the one holding ``widget`` (past the last:
        the commentary; before the first: the checklist picker). ``closed_only`` skips the
        free-text questions (after y / n / c, so a quick run of keys never types into one);
        up from a comment goes to its own question. Returns the widget focused."""
        index = self._row_of(widget)
        if index is None:
            return None
        if step < 0 and widget is self.rows[index].comment:
            self.rows[index].field.focus()
            return self.rows[index].field
        target = index + step
        while closed_only and 0 <= target < len(self.rows) and self.rows[target].box is None:
            target += 1 if step > 0 else -1
        focused: Widget
        if target >= len(self.rows):
            focused = self.query_one("#commentary", TextArea)
        elif target < 0:
            focused = self.query_one("#checklist", Select)
        else:
            focused = self.rows[target].field
        focused.focus()
        return focused

    def focus_question(self, index: int) -> None:
        if 0 <= index < len(self.rows):
            self.rows[index].field.focus()

    def focus_commentary(self) -> None:
        self.query_one("#commentary", TextArea).focus()

    @on(Input.Submitted, ".comment, .free-text")
    def _next_question(self, event: Input.Submitted) -> None:
        event.stop()
        self.step_from(event.input, 1)

    # -- saving -------------------------------------------------------------------------

    def save_form(self, study: Study) -> str:
        state = self.form_state()
        checklist = self.known.get(state.checklist or "")
        if checklist is None:
            raise MnrError("Pick a checklist first (Tab to the checklist list, Enter).")
        raw = {number: {"answer": answer, "comment": comment}
               for number, answer, comment in state.answers if answer.strip() or comment.strip()}
        if not raw and not state.commentary.strip():
            raise MnrError("Nothing to save yet: answer a question or write a commentary.")
        appraise.save(self.library, self.settings, study.work_id, self.reviewer, checklist.id,
                      raw, state.commentary)
        self.saved = appraise.current(self.library)
        given = {number: answer for number, answer, _ in state.answers if answer.strip()}
        open_ = self.open_questions(study.work_id) or 0
        saved = Text(f"Saved by you just now with {checklist.name}: "
                     f"{counts_text(given, checklist)}", "green")
        message = (f"Saved {self.reviewer}'s appraisal of {study.label} ({checklist.name}): "
                   f"{counts_text(given, checklist)}")
        if open_:
            left = f"{open_} {'question' if open_ == 1 else 'questions'} not answered"
            saved.append(f" · in part: {left}", "bold yellow")
            message += f" · in part: {left}"
        self.query_one("#saved", Static).update(saved)
        return message
