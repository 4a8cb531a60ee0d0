"""Driving the app through Textual's Pilot, as the TUI tests do: wait for a screen, type."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import OptionList

from mnr.project import Project
from mnr.tui.app import MnrApp
from mnr.tui.screens.home import HomeScreen

S = TypeVar("S", bound=Screen[Any])
Steps = Callable[[Pilot[None], MnrApp], Awaitable[None]]


async def shown(pilot: Pilot[None], kind: type[S]) -> S:
    """Wait until the app shows a screen of this kind (a modal one included)."""
    for _ in range(300):
        await pilot.pause()
        screen = pilot.app.screen
        if isinstance(screen, kind) and screen.is_mounted:
            return screen
        await asyncio.sleep(0.01)
    raise AssertionError(f"{kind.__name__} was not shown; the app shows {pilot.app.screen!r}")


async def typed(pilot: Pilot[None], text: str) -> None:
    """Type text into the focused field, as keys."""
    names = {" ": "space", ",": "comma", ".": "full_stop", "&": "ampersand"}
    await pilot.press(*[names.get(char, char) for char in text])


def from_home(project: Project, steps: Steps, size: tuple[int, int] = (120, 40)) -> None:
    """Run the app headless from the home screen as BH and let ``steps`` press keys."""
    async def run() -> None:
        app = MnrApp(project, "BH")
        async with app.run_test(size=size) as pilot:
            await shown(pilot, HomeScreen)
            await steps(pilot, app)
            await pilot.pause()
    asyncio.run(run())


def home_steps(app: MnrApp) -> dict[str, str]:
    """The home screen's steps as listed: option id -> its line."""
    listing = app.screen.query_one("#steps", OptionList)
    return {str(listing.get_option_at_index(i).id): str(listing.get_option_at_index(i).prompt)
            for i in range(listing.option_count)}
