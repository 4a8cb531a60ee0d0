"""Small modal screens the other screens ask things with: a reason, a choice, a line of
text, help."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from mnr.errors import LibraryUnavailable
from mnr.library import Library
from mnr.replay import catch_up

OTHER = "\0other"


class ReasonPicker(ModalScreen[str | None]):
    """Pick an exclusion reason from the protocol's list (or type another)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, reasons: Sequence[str], title: str = "Why exclude it?") -> None:
        super().__init__()
        self.reasons = list(reasons)
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="dialog-title")
            options = [Option(f"{n}  {reason}", id=reason)
                       for n, reason in enumerate(self.reasons, 1)]
            yield OptionList(*options, Option("…  another reason (type it)", id=OTHER),
                             id="reasons")
            yield Input(placeholder="the reason, then Enter", id="other")

    def on_mount(self) -> None:
        self.query_one("#other", Input).display = False
        self.query_one("#reasons", OptionList).focus()

    def on_key(self, event: events.Key) -> None:
        """A digit picks that reason at once (while the reason list has the focus)."""
        if self.query_one("#other", Input).has_focus:
            return
        if event.key.isdigit() and 0 < int(event.key) <= len(self.reasons):
            event.stop()
            self.dismiss(self.reasons[int(event.key) - 1])

    @on(OptionList.OptionSelected, "#reasons")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        if event.option.id == OTHER:
            field = self.query_one("#other", Input)
            field.display = True
            field.focus()
        else:
            self.dismiss(event.option.id)

    @on(Input.Submitted, "#other")
    def _typed(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)


class ChoicePicker(ModalScreen[str | None]):
    """Pick one of a few values (a digit picks at once); optionally "another" to type."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, choices: Sequence[tuple[str, str]], other: str | None = None,
                 highlight: int = 0) -> None:
        super().__init__()
        self.title_text, self.choices, self.other = title, list(choices), other
        self.highlight = highlight

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.title_text, classes="dialog-title")
            options = [Option(f"{n}  {label}" if n < 10 else f"   {label}", id=value)
                       for n, (value, label) in enumerate(self.choices, 1)]
            if self.other:
                options.append(Option(f"…  {self.other}", id=OTHER))
            yield OptionList(*options, id="choices")

    def on_mount(self) -> None:
        listing = self.query_one("#choices", OptionList)
        listing.highlighted = min(self.highlight, max(0, listing.option_count - 1))
        listing.focus()

    def on_key(self, event: events.Key) -> None:
        if event.key.isdigit() and 0 < int(event.key) <= min(9, len(self.choices)):
            event.stop()
            self.dismiss(self.choices[int(event.key) - 1][0])

    @on(OptionList.OptionSelected, "#choices")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class TextPrompt(ModalScreen[str | None]):
    """Ask for one line of text (a note, a search, a path); Escape cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, question: str, value: str = "", placeholder: str = "") -> None:
        super().__init__()
        self.question, self.value, self.placeholder = question, value, placeholder

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.question, classes="dialog-title")
            yield Input(self.value, placeholder=self.placeholder, id="answer")

    @on(Input.Submitted, "#answer")
    def _submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)


class HelpScreen(ModalScreen[None]):
    """Every key of the screen it was opened from, and the review's criteria."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q,question_mark", "close",
                                                     "Close")]

    def __init__(self, keys: Sequence[tuple[str, str]], include: Sequence[str],
                 exclude: Sequence[str], notes: Text | None = None) -> None:
        super().__init__()
        self.keys, self.include, self.exclude = keys, include, exclude
        self.notes = notes  # what else the screen needs explained (its columns, say)

    def compose(self) -> ComposeResult:
        text = Text()
        if self.notes is not None:  # first: what is on the screen, then the keys
            text.append_text(self.notes)
            text.append("\n")
        text.append("Keys\n", style="bold")
        for key, description in self.keys:
            text.append(f"  {key:<14}", style="bold cyan")
            text.append(f"{description}\n")
        text.append(criteria_text(self.include, self.exclude))
        with VerticalScroll(classes="dialog wide"):
            yield Static(text)

    def action_close(self) -> None:
        self.dismiss(None)


def criteria_text(include: Sequence[str], exclude: Sequence[str]) -> Text:
    text = Text()
    text.append("\nInclude\n", style="bold green")
    for line in include or ["(none in review.toml)"]:
        text.append(f"  • {line}\n")
    text.append("\nExclude\n", style="bold red")
    for line in exclude or ["(none in review.toml)"]:
        text.append(f"  • {line}\n")
    return text


def busy(error: LibraryUnavailable) -> str:
    """The notice for a write the library refused just now (another writer held it)."""
    return f"Not saved, the library is busy: {error.__cause__ or error.message}"


def binding_keys(bindings: Sequence[BindingType]) -> list[tuple[str, str]]:
    """(key, description) for each binding that has a description."""
    keys = []
    for binding in bindings:
        if isinstance(binding, Binding) and binding.description:
            keys.append((binding.key_display or binding.key.replace(",", " / "),
                         binding.description))
    return keys


def catch_up_and_tell(screen: Screen[Any], library: Library) -> None:
    """Apply the judgement lines a pull or a synced folder brought, saying so; when they
    need the library rebuilt (they must come before acts applied here), say once how.
    Raises LibraryUnavailable when the library is busy (the caller tries again later)."""
    caught = catch_up(library)
    for line in caught.said:
        screen.notify(line, timeout=6)
    told: set[str] = screen.app.__dict__.setdefault("_mnr_told", set())
    if caught.rebuild and caught.rebuild not in told:
        told.add(caught.rebuild)
        screen.notify(f"{caught.rebuild}: quit and run any mnr command (e.g. `mnr status`) "
                      "to rebuild the library in order", severity="warning", timeout=15)


def leave(screen: Screen[Any]) -> None:
    """Back to the screen below (the home screen, if the screen was opened from it);
    otherwise the app ends."""
    if len(screen.app.screen_stack) > 2:
        screen.app.pop_screen()
    else:
        screen.app.exit()
