"""The PRISMA screen: the flow's numbers as they stand, refreshed while it is open.

Its duplicate count differs from the records merged into works that the home screen and
``mnr status`` show; a line over the flow says which is which, and why they differ.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.console import Group
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from mnr.errors import LibraryUnavailable
from mnr.library import Library
from mnr.prisma.counts import count
from mnr.prisma.report import flow_report
from mnr.project import Settings

if TYPE_CHECKING:
    from mnr.library.works import WorkCounts

REFRESH_SECONDS = 5.0


def duplicates_note(counts: WorkCounts) -> Text:
    """Which duplicate count is which: PRISMA's, and the records merged into works."""
    def records(n: int) -> str:
        return f"{n:,} {'record' if n == 1 else 'records'}"

    note = Text.assemble(
        ("Duplicates: ", "bold"),
        f"{records(counts.duplicates_removed)} removed before screening (the PRISMA box: "
        f"databases and registers only); {records(counts.records_merged)} merged into works "
        "in all (as on the home screen), counting records found by other methods, such as "
        "citation searching, which PRISMA shows in their own column.", style="dim")
    return note


class PrismaScreen(Screen[None]):
    """Every PRISMA 2020 box, the per-stage breakdown and any gap, live."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "refresh_flow", "Refresh"),
        Binding("escape,q", "app.pop_screen", "Back", key_display="esc"),
    ]

    def __init__(self, library: Library, settings: Settings) -> None:
        super().__init__()
        self.library, self.settings = library, settings

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(id="flow")
        yield Footer()

    def on_mount(self) -> None:
        self.action_refresh_flow()
        self.set_interval(REFRESH_SECONDS, self.action_refresh_flow)

    def action_refresh_flow(self) -> None:
        self._count()

    @work(thread=True, exclusive=True, group="prisma")
    def _count(self) -> None:
        """Count in a thread: on a large library it takes a moment."""
        try:
            report = flow_report(count(self.library, self.settings))
            counts = self.library.works.counts()
        except LibraryUnavailable:
            return  # busy just now: the next refresh counts again
        self.app.call_from_thread(self.query_one("#flow", Static).update,
                                  Group(report, Text(""), duplicates_note(counts)))
