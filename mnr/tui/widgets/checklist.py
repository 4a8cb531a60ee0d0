"""A checklist's questions as a form: one row per question (or per part of a question the
tool splits, such as CASP cohort 5a and 5b, under its question's heading), answered with a key.

A yes / no / can't tell question is an :class:`AnswerBox` (focused, ``y``, ``n`` or ``c``
answers it and moves on; Enter moves on too, but right after an answer it only confirms
it, so ``y Enter n Enter`` answers two questions in a row) with a comment below it, reached
with Tab; a free-text question is a line of text. The rows ask the form they sit in (the
Appraisal screen) to move the focus.
"""

from __future__ import annotations

from typing import ClassVar, Protocol

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Input, Static

from mnr.synthesis.appraisal.checklists import Question

CHOICES = (("yes", "Yes"), ("no", "No"), ("cant_tell", "Can't tell"))
CHOSEN_STYLE = {"yes": "bold reverse green", "no": "bold reverse red",
                "cant_tell": "bold reverse yellow"}


def numbered(question: Question, text: Text) -> Table:
    """A question's number beside its text (a part's number, e.g. 5a, as the tool has it)."""
    grid = Table.grid(expand=True)
    grid.add_column(width=7)
    grid.add_column(ratio=1)
    grid.add_row(Text(f"{question.number:>6}", "bold"), text)
    return grid


def stem(question: Question) -> Table:
    """The heading of a question answered in parts: its number, label and hint."""
    text = Text(question.label, "bold")
    if question.screening:
        text.append("  screening", "italic cyan")
    text.append(f"  in {len(question.items)} parts", "dim italic")
    if question.hint:
        text.append(f"\n{question.hint}", "dim italic")
    return numbered(question, text)


class QuestionForm(Protocol):
    """What the rows need of the form around them: moving the focus."""

    def step_from(self, widget: Widget, step: int,
                  closed_only: bool = False) -> Widget | None: ...

    def focus_question(self, index: int) -> None: ...

    def focus_commentary(self) -> None: ...


class AnswerBox(Widget, can_focus=True):
    """One yes / no / can't tell question; focused, y / n / c answers it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer('yes')", "Yes"),
        Binding("n", "answer('no')", "No"),
        Binding("c", "answer('cant_tell')", "Can't tell"),
        Binding("x,delete,backspace", "answer('')", "Clear answer", key_display="x / del"),
        Binding("enter", "next", "Next question"),
        Binding("j,down", "step(1)", "Next question", show=False),
        Binding("k,up", "step(-1)", "Previous question", show=False),
        Binding("home", "first", "First question", show=False),
        Binding("end", "commentary", "Commentary", show=False),
    ]

    answer: reactive[str] = reactive("")

    def __init__(self, question: Question, form: QuestionForm, answer: str = "") -> None:
        super().__init__(classes="answer-box")
        self.question, self.form = question, form
        self.set_reactive(AnswerBox.answer, answer)
        # focused by the answer to the question before: an Enter now confirms that answer
        self.after_answer = False

    def on_blur(self) -> None:
        self.after_answer = False

    def render(self) -> Table:
        question = self.question
        text = Text(question.label, "bold")
        if question.screening:
            text.append("  screening", "italic cyan")
        text.append("\n")
        for value, label in CHOICES:
            text.append(f" {label} ", CHOSEN_STYLE[value] if self.answer == value else "dim")
            text.append(" ")
        if question.hint:
            text.append(f"\n{question.hint}", "dim italic")
        return numbered(question, text)

    def action_answer(self, value: str) -> None:
        self.answer = value
        if value == "no" and self.question.screening:
            self.notify(f"Question {self.question.number} is a screening question: with a No, "
                        "the checklist suggests the study may not be worth appraising "
                        "further.", severity="warning", timeout=4)
        self.after_answer = False
        if value:
            following = self.form.step_from(self, 1, closed_only=True)
            if isinstance(following, AnswerBox) and following is not self:
                following.after_answer = True

    def action_next(self) -> None:
        """The next question; right after an answer moved here, Enter only confirms it."""
        if self.after_answer:
            self.after_answer = False
            return
        self.form.step_from(self, 1)

    def action_step(self, step: int) -> None:
        self.after_answer = False
        self.form.step_from(self, step)

    def action_first(self) -> None:
        self.form.focus_question(0)

    def action_commentary(self) -> None:
        self.form.focus_commentary()


class QuestionInput(Input):
    """A comment or a free-text answer; up and down move to the question before or after."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "step(1)", "Next question", show=False),
        Binding("up", "step(-1)", "Previous question", show=False),
    ]

    def __init__(self, value: str, form: QuestionForm, placeholder: str,
                 classes: str) -> None:
        super().__init__(value, placeholder=placeholder, compact=True, classes=classes)
        self.form = form

    def action_step(self, step: int) -> None:
        self.form.step_from(self, step)


class QuestionRow(Vertical):
    """A question: an answer box and a comment, or (free text) a line of text."""

    def __init__(self, question: Question, form: QuestionForm, answer: str = "",
                 comment: str = "") -> None:
        super().__init__(classes="question sub-item" if question.parent else "question")
        self.question = question
        self.box: AnswerBox | None = None
        self.text: QuestionInput | None = None
        self.comment: QuestionInput | None = None
        if question.answers == "free_text":
            self.text = QuestionInput(answer, form, question.hint or "the answer, in words",
                                      "free-text")
        else:
            self.box = AnswerBox(question, form, answer)
            self.comment = QuestionInput(comment, form, f"comment on {question.number} "
                                         "(optional; Enter: next question)", "comment")

    def compose(self) -> ComposeResult:
        if self.box is not None and self.comment is not None:
            yield self.box
            yield self.comment
        elif self.text is not None:
            question = self.question
            yield Static(numbered(question, Text.assemble(
                (question.label, "bold"), ("  in words", "dim italic"))),
                classes="free-label")
            yield self.text

    @property
    def field(self) -> Widget:
        """Where the answer is given (the focus target of the row)."""
        field = self.box if self.box is not None else self.text
        assert field is not None
        return field

    def state(self) -> tuple[str, str, str]:
        if self.box is not None and self.comment is not None:
            return self.question.number, self.box.answer, self.comment.value
        assert self.text is not None
        return self.question.number, self.text.value, ""

    def set(self, answer: str, comment: str) -> None:
        if self.box is not None and self.comment is not None:
            self.box.answer = answer
            self.comment.value = comment
        elif self.text is not None:
            self.text.value = answer
