"""The studies on the left, a form for the highlighted one on the right: the layout the
Extraction and Appraisal screens share.

Edits not yet saved are kept per study as drafts while the reviewer moves between
studies, and leaving the screen with drafts asks for a second Escape. Subclasses say
what the form holds and how it loads and saves.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from mnr.display import printable
from mnr.errors import LibraryUnavailable, MnrError
from mnr.library import Library
from mnr.project import Settings
from mnr.synthesis.studies import Study, studies
from mnr.tui.screens.prompts import HelpScreen, binding_keys, busy, leave


def study_heading(study: Study) -> Text:
    """The study's label, title and where it stands (included or only assessed)."""
    merged = study.work.merged
    text = Text.assemble((printable(study.label), "bold"), "  ", (f"W{study.work_id}", "dim"),
                         "\n", (printable(study.title), "italic"))
    if merged.journal:
        text.append(f"\n{printable(merged.journal)}", "dim")
    if not study.included:
        text.append("\nAt the last screening stage, not included (yet)", "yellow")
    return text


class StudyFormScreen(Screen[None]):
    """The studies (works at the last stage; included ones unmarked), and a form for the
    highlighted one. Subclasses say what a row's mark is and how the form loads and saves."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save"),
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("escape", "back", "Back"),
    ]
    HEADING = "Studies"
    # keys of the form's own widgets, listed in the help
    FORM_KEYS: ClassVar[Sequence[BindingType]] = (
        Binding("enter", "", "On a study: into its form"),
        Binding("tab", "", "Next / previous field", key_display="tab/shift+tab"),
        Binding("escape", "", "In a form: back to the list (there, back home)"),
    )

    def __init__(self, library: Library, settings: Settings, reviewer: str) -> None:
        super().__init__()
        self.library, self.settings, self.reviewer = library, settings, reviewer
        self.studies = studies(library, settings, assessed=True)
        self.by_id = {s.work_id: s for s in self.studies}
        self.label_width = min(30, max((len(s.label) for s in self.studies), default=0))
        self.shown: int | None = None  # the study in the form
        self.loaded: Any = None  # the form's state as loaded (saved or blank)
        self.drafts: dict[int, Any] = {}  # work id -> unsaved form state
        self.loading = False
        self._warned = False

    # -- layout -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(id="title")
        with Horizontal(id="body"):
            yield OptionList(id="studies")
            with VerticalScroll(id="form"):
                yield Static(id="study")
                yield from self.compose_form()
        yield Footer()

    def compose_form(self) -> ComposeResult:
        yield from ()

    async def on_mount(self) -> None:
        listing = self.query_one("#studies", OptionList)
        listing.add_options([Option(self._row(s), id=str(s.work_id)) for s in self.studies])
        self._update_title()
        listing.focus()
        if self.studies:
            listing.highlighted = 0
            await self._show(self.studies[0].work_id)
        else:
            self.query_one("#study", Static).update(Text(
                "No studies yet: works reach this list when they are at the last screening "
                "stage. Escape goes back.", style="italic"))
            self.query_one("#form").display = False

    def _row(self, study: Study) -> Text:
        text = Text()
        if study.work_id in self.drafts:
            text.append("* ", "bold yellow")
        else:
            text.append_text(self.mark(study))
        text.append(f"{printable(study.label):<{self.label_width}} ",
                    "bold" if study.included else "dim")
        if not study.included:
            text.append("not included · ", "italic yellow")
        text.append(printable(study.title), "" if study.included else "dim")
        return text

    def mark(self, study: Study) -> Text:
        """Two characters before the label: whether the form was saved for this study."""
        return Text("  ")

    def title_text(self) -> Text:
        return Text(self.HEADING, "bold")

    def _update_title(self) -> None:
        self.query_one("#title", Static).update(self.title_text())

    def refresh_row(self, work_id: int) -> None:
        study = self.by_id.get(work_id)
        if study is not None:
            self.query_one("#studies", OptionList).replace_option_prompt(
                str(work_id), self._row(study))

    @property
    def highlighted(self) -> int | None:
        listing = self.query_one("#studies", OptionList)
        if listing.highlighted is None or listing.option_count == 0:
            return None
        option_id = listing.get_option_at_index(listing.highlighted).id
        return int(option_id) if option_id else None

    # -- what subclasses fill in ----------------------------------------------------------

    async def load_form(self, study: Study, draft: Any | None) -> None:
        """Fill the form for this study (from the draft, else what is saved); set
        ``self.loaded`` to the state that counts as unchanged."""
        raise NotImplementedError

    def form_state(self) -> Any:
        """What the form holds now, comparable with ``self.loaded``."""
        raise NotImplementedError

    def save_form(self, study: Study) -> str:
        """Save the form; returns what to tell the reviewer (MnrError if refused)."""
        raise NotImplementedError

    def first_field(self) -> Widget | None:
        return None

    # -- moving between studies -------------------------------------------------------------

    @property
    def dirty(self) -> bool:
        return self.shown is not None and not self.loading and self.form_state() != self.loaded

    async def _show(self, work_id: int) -> None:
        if work_id == self.shown:
            return
        if self.dirty and self.shown is not None:
            self.drafts[self.shown] = self.form_state()
            self.refresh_row(self.shown)
        self.shown = work_id
        study = self.by_id[work_id]
        self.query_one("#study", Static).update(study_heading(study))
        self.loading = True
        try:
            await self.load_form(study, self.drafts.pop(work_id, None))
        except MnrError as error:
            self.notify(error.message, severity="error")
        finally:
            self.loading = False
        self.refresh_row(work_id)
        self.query_one("#form", VerticalScroll).scroll_home(animate=False)

    @on(OptionList.OptionHighlighted, "#studies")
    async def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id:
            await self._show(int(event.option.id))

    @on(OptionList.OptionSelected, "#studies")
    async def _selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            await self._show(int(event.option.id))
        field = self.first_field()
        if field is not None:
            field.focus()

    # -- keys ---------------------------------------------------------------------------

    def action_save(self) -> None:
        if self.shown is None or self.loading:
            return
        study = self.by_id[self.shown]
        try:
            message = self.save_form(study)
        except LibraryUnavailable as error:
            self.notify(busy(error), severity="error")
            return
        except MnrError as error:
            self.notify(error.message, severity="error")
            return
        self.loaded = self.form_state()
        self.drafts.pop(study.work_id, None)
        self.refresh_row(study.work_id)
        self._update_title()
        self.notify(message)

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen(binding_keys([*self.BINDINGS, *self.FORM_KEYS]),
                                        self.settings.include, self.settings.exclude))

    def action_back(self) -> None:
        """From the form: back to the list. From the list: leave (twice if unsaved)."""
        listing = self.query_one("#studies", OptionList)
        if not listing.has_focus and self.studies:
            listing.focus()
            return
        unsaved = set(self.drafts) | ({self.shown} if self.dirty and self.shown else set())
        if unsaved and not self._warned:
            self._warned = True
            names = ", ".join(self.by_id[w].label for w in sorted(unsaved))
            self.notify(f"Not saved: {names}. Ctrl+S saves the study shown; Escape again "
                        "leaves without saving.", severity="warning", timeout=6)
            return
        leave(self)
