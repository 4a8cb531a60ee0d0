"""The PRISMA screen, opened from the home screen, shows the live numbers."""

from __future__ import annotations

import asyncio

from textual.widgets import OptionList, Static

from mnr.library import Library
from mnr.project import Project
from mnr.tui.app import MnrApp
from mnr.tui.screens.prisma import PrismaScreen
from tests.prisma.test_counts import _screen, review  # noqa: F401  (the fixture)


def test_the_prisma_screen_shows_the_flow(review: tuple[Project, Library]) -> None:  # noqa: F811
    project, library = review
    _screen(project, library)

    async def run() -> None:
        app = MnrApp(project, reviewer="BH")
        async with app.run_test(size=(140, 60)) as pilot:
            await pilot.pause()
            steps = app.screen.query_one("#steps", OptionList)
            last = steps.option_count - 1
            assert steps.get_option_at_index(last).id == "prisma"
            steps.highlighted = last
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, PrismaScreen)
            await app.workers.wait_for_complete()
            await pilot.pause()
            shown = app.export_screenshot().replace("&#160;", " ")
            assert "Records screened" in shown and "Inpatient sample" in shown
            # the duplicate counts say which is which
            text = str(app.screen.query_one("#flow", Static).content.renderables[-1])
            counts = library.works.counts()
            assert (f"{counts.duplicates_removed} records removed before screening (the "
                    "PRISMA box" in text)
            assert f"{counts.records_merged} records merged into works in all" in text
            await pilot.press("q")
            assert not isinstance(app.screen, PrismaScreen)

    asyncio.run(run())
