"""The detail pane: wrapped once per width, scrolled by the wheel, showing where it is."""

from __future__ import annotations

import asyncio

from rich.text import Text
from textual import events
from textual.app import App, ComposeResult

from mnr.tui.widgets.text_pane import TextPane

LONG = Text("\n".join(f"line {n} of a long abstract" for n in range(1, 61)))


class PaneApp(App[None]):
    def compose(self) -> ComposeResult:
        yield TextPane(id="pane")


def _last_column(pane: TextPane) -> str:
    return "".join(pane.render_line(y).text[-1] for y in range(pane.size.height))


def test_the_pane_wraps_scrolls_with_the_wheel_and_shows_where_it_is() -> None:
    async def run() -> None:
        app = PaneApp()
        async with app.run_test(size=(40, 10)) as pilot:
            pane = app.query_one(TextPane)
            pane.update(LONG)
            await pilot.pause()
            assert pane.virtual_size.height == 60
            assert pane.render_line(0).text.startswith("line 1 of a long abstract")
            assert _last_column(pane) == "┃" + "│" * 9  # 10 of 60 lines in view
            pane.post_message(events.MouseScrollDown(pane, 1, 1, 0, 0, 0, False, False,
                                                     False))
            await pilot.pause()
            assert pane.scroll_offset.y > 0
            assert not pane.render_line(0).text.startswith("line 1 ")
            pane.update(Text("short"))  # another work: from its top, nothing to scroll
            await pilot.pause()
            assert pane.scroll_offset.y == 0 and pane.virtual_size.height == 1
            assert pane.render_line(0).text.startswith("short")
            assert _last_column(pane).strip() == ""
            await pilot.resize_terminal(20, 10)
            await pilot.pause()
            pane.update(LONG)
            await pilot.pause()
            assert pane.render_line(0).text.rstrip("┃│ ").endswith("line 1 of a long")
            assert len(pane.render_line(0).text) == pane.scrollable_content_region.width

    asyncio.run(run())
