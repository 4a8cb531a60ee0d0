"""Driving the app through Textual's Pilot, as the TUI tests do: wait for a screen, type."""

from __future__ import annotations

import asyncio
from typing import Any, TypeVar

from textual.pilot import Pilot
from textual.screen import Screen

S = TypeVar("S", bound=Screen[Any])


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
