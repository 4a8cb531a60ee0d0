"""The PRISMA screen: the flow's numbers as they stand, refreshed while it is open."""

from __future__ import annotations

from typing import ClassVar

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

REFRESH_SECONDS = 5.0


class PrismaScreen(Screen[None]):
    """Every PRISMA 2020 box, the per-stage breakdown and any gap, live."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "refresh_flow", "Refresh"),
        Binding("escape", "app.pop_screen", "Back"),
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
        except LibraryUnavailable:
            return  # busy just now: the next refresh counts again
        self.app.call_from_thread(self.query_one("#flow", Static).update, report)
