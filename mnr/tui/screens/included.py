"""The Included screen: the studies the review includes (Y at the last screening stage),
labelled as evidence tables cite them, the highlighted one in full.

Read-only: what a study says and where it stands; appraisal, extraction and traditions
have their own screens.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from mnr.display import plural, printable
from mnr.library import Library
from mnr.project import Settings
from mnr.synthesis.studies import Study, studies
from mnr.tui.screens.prompts import HelpScreen, binding_keys, leave
from mnr.tui.widgets.work_detail import describe_work


def study_note(study: Study) -> str | None:
    """What the detail pane says of a study of several reports: the lead report first,
    the others as "report of study W12"."""
    if len(study.report_ids) < 2:
        return None
    lead, *others = study.report_ids
    shown = "" if study.work_id == lead else f" (shown: W{study.work_id})"
    return (f"Study of {len(study.report_ids)} reports{shown}: W{lead} (lead report); "
            + "; ".join(f"W{w} report of study W{lead}" for w in others))


class IncludedScreen(Screen[None]):
    """The included studies, the highlighted one in full."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("escape,q", "back", "Back", key_display="esc"),
    ]

    def __init__(self, library: Library, settings: Settings) -> None:
        super().__init__()
        self.library, self.settings = library, settings
        self.studies = studies(library, settings)
        self.by_id = {s.work_id: s for s in self.studies}

    def compose(self) -> ComposeResult:
        yield Static(id="title")
        with Horizontal(id="body"):
            yield OptionList(id="studies")
            with VerticalScroll(id="detail"):
                yield Static(id="work")
        yield Footer()

    def on_mount(self) -> None:
        count = plural(len(self.studies), "study", "studies")
        self.query_one("#title", Static).update(Text.assemble(
            ("Included", "bold"), f"  ·  {count} (Y at the last screening stage)"))
        listing = self.query_one("#studies", OptionList)
        listing.add_options([Option(self._row(s), id=str(s.work_id)) for s in self.studies])
        listing.focus()
        if self.studies:
            listing.highlighted = 0
        else:
            self.query_one("#work", Static).update(Text(
                "No study is included yet: a work is included when its outcome is Y at the "
                "last screening stage. Escape goes back.", style="italic"))

    def _row(self, study: Study) -> Text:
        more = len(study.report_ids) - 1  # the other reports of a study of several
        return Text.assemble((f"{printable(study.label)}  ", "bold"), printable(study.title),
                             (f"  +{plural(more, 'report', 'reports')}", "magenta")
                             if more else "")

    @on(OptionList.OptionHighlighted, "#studies")
    def _show(self, event: OptionList.OptionHighlighted) -> None:
        study = self.by_id.get(int(event.option.id or 0))
        if study is not None:
            self.query_one("#work", Static).update(describe_work(
                study.work, None, None, {}, 0, None, [], None, study_note(study)))

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen(binding_keys(self.BINDINGS), self.settings.include,
                                        self.settings.exclude))

    def action_back(self) -> None:
        leave(self)
