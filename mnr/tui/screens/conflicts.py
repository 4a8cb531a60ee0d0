"""The Conflicts screen: works whose reviewers disagree, both sides shown, one key to resolve.

A resolution names who resolved it, the outcome and why; it is appended to the
log as its own entry (the reviewers' decisions stay as they were), and can be
undone like any decision.
"""

from __future__ import annotations

from typing import ClassVar

from rich.console import Group
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from mnr.display import printable
from mnr.errors import MnrError
from mnr.screening import decide as actions
from mnr.screening.session import ScreeningSession
from mnr.tui.screens.prompts import HelpScreen, TextPrompt, binding_keys, leave
from mnr.tui.widgets.work_detail import decision_text, describe_work


class ConflictsScreen(Screen[None]):
    """Resolve the conflicts of one stage."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "resolve('y')", "Resolve: include"),
        Binding("n", "resolve('n')", "Resolve: exclude"),
        Binding("m", "resolve('m')", "Resolve: maybe"),
        Binding("u", "undo", "Undo resolution"),
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("escape,q", "back", "Back", key_display="esc"),
    ]

    def __init__(self, session: ScreeningSession) -> None:
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        yield Static(id="title")
        with Horizontal(id="body"):
            yield OptionList(id="conflicts")
            with VerticalScroll(id="detail"):
                yield Static(id="sides")
                yield Static(id="work")
        yield Footer()

    def on_mount(self) -> None:
        self._reload()
        self.query_one("#conflicts", OptionList).focus()

    def _reload(self, keep: int | None = None) -> None:
        stage = self.session.stage
        ids = stage.conflicts()
        self.session.lines.read(ids)
        listing = self.query_one("#conflicts", OptionList)
        listing.clear_options()
        listing.add_options([Option(self._label(w), id=str(w)) for w in ids])
        self.query_one("#title", Static).update(Text.assemble(
            (f"Conflicts at the {stage.name} stage", "bold"),
            f"  ·  {len(ids)} to resolve  ·  resolving as {self.session.reviewer}"))
        if ids:
            listing.highlighted = ids.index(keep) if keep in ids else 0
        else:
            self.query_one("#sides", Static).update(Text("No conflicts left at this stage.",
                                                         style="italic"))
            self.query_one("#work", Static).update("")

    def _label(self, work_id: int) -> Text:
        line = self.session.lines[work_id]
        said = " ".join(f"{r}:{(e.decision or '?').upper()}"
                        for r, e in self.session.stage.works[work_id].current().items())
        return Text.assemble((f"{said}  ", "bold"), f"{line.year or ''} ",
                             printable(line.title[:70]))

    @property
    def current(self) -> int | None:
        listing = self.query_one("#conflicts", OptionList)
        if listing.highlighted is None or listing.option_count == 0:
            return None
        option_id = listing.get_option_at_index(listing.highlighted).id
        return int(option_id) if option_id else None

    @on(OptionList.OptionHighlighted, "#conflicts")
    def _show(self) -> None:
        work_id = self.current
        if work_id is None:
            return
        state = self.session.stage.works[work_id]
        sides = [Text("The reviewers said", style="bold")]
        sides += [decision_text(r, e) for r, e in state.current().items()]
        self.query_one("#sides", Static).update(Group(*sides, Text("")))
        self.query_one("#work", Static).update(describe_work(
            self.session.work(work_id), None, None, {}, 0, None, state.notes, None))

    def action_resolve(self, decision: str) -> None:
        work_id = self.current
        if work_id is None:
            return

        def save(reason: str | None) -> None:
            if not reason:
                self.notify("A resolution needs a reason; nothing was recorded.",
                            severity="warning")
                return
            try:
                self.session.resolve(work_id, decision, reason)
            except MnrError as error:
                self.notify(error.message, severity="error")
                return
            self.notify(f"W{work_id} resolved: {decision.upper()}.")
            self._reload()

        self.app.push_screen(TextPrompt(f"Why {decision.upper()} for W{work_id}?"), save)

    def action_undo(self) -> None:
        try:
            undone = actions.undo_last(self.session.library, self.session.stage,
                                       self.session.reviewer, kind="resolution", origin="tui")
        except MnrError as error:
            self.notify(error.message, severity="warning")
            return
        self.notify(f"Undid the resolution of W{undone.work_id}.")
        self._reload(keep=undone.work_id)

    def action_help(self) -> None:
        settings = self.session.settings
        self.app.push_screen(HelpScreen(binding_keys(self.BINDINGS), settings.include,
                                        settings.exclude))

    def action_back(self) -> None:
        leave(self)
