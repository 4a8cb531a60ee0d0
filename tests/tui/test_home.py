"""The home screen as a new user meets it: every step opens what it names, `?` explains
the steps and keys, the counts follow what is done meanwhile, and `q` leaves the
screens it opens. Driven with Textual's Pilot on the other TUI tests' reviews."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import pytest
from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import OptionList, Static

from mnr.dedupe.passes import decide
from mnr.project import Project
from mnr.review import open_existing
from mnr.tui.app import MnrApp
from mnr.tui.screens import home
from mnr.tui.screens.conflicts import ConflictsScreen
from mnr.tui.screens.home import HomeScreen
from mnr.tui.screens.included import IncludedScreen
from mnr.tui.screens.prompts import HelpScreen
from mnr.tui.screens.screening import ScreeningScreen
from tests.tui import test_dedupe_review
from tests.tui.pilot import from_home, home_steps, shown
from tests.tui.test_screening_tui import project, record, work_ids  # noqa: F401
from tests.tui.test_synthesis_tui import Review, review  # noqa: F401


@pytest.fixture
def pairs_project(tmp_path: Path) -> Project:
    """The duplicate review's tests' project: six records, three pairs waiting."""
    return test_dedupe_review.project.__wrapped__(tmp_path)  # type: ignore[attr-defined]


async def open_step(pilot: Pilot[None], app: MnrApp, step: str) -> None:
    listing = app.screen.query_one("#steps", OptionList)
    listing.highlighted = list(home_steps(app)).index(step)
    await pilot.press("enter")
    await pilot.pause()


def plain(renderable: object) -> str:
    console = Console(width=200, record=True, color_system=None)
    console.print(renderable)
    return console.export_text()


def test_included_opens_the_list_of_included_studies(review: Review) -> None:  # noqa: F811
    async def steps(pilot: Pilot[None], app: MnrApp) -> None:
        assert "3 studies" in home_steps(app)["included"]
        await open_step(pilot, app, "included")
        screen = await shown(pilot, IncludedScreen)
        assert not app._notifications  # not the Searches step's message
        listing = screen.query_one("#studies", OptionList)
        labels = [str(listing.get_option_at_index(i).prompt)
                  for i in range(listing.option_count)]
        assert [label.split("  ")[0] for label in labels] == [
            "Slade 1999", "Grundy & Bee 2003", "Simpson et al. 2016"]
        assert "3 studies" in plain(screen.query_one("#title", Static).content)
        assert "Recovery-oriented care coordination" in plain(
            screen.query_one("#work", Static).content)
        await pilot.press("down")
        assert "Care plans and service user involvement" in plain(
            screen.query_one("#work", Static).content)
        await pilot.press("q")
        await shown(pilot, HomeScreen)

    from_home(review.project, steps)


def test_searches_says_how_searches_are_imported(review: Review) -> None:  # noqa: F811
    async def steps(pilot: Pilot[None], app: MnrApp) -> None:
        await open_step(pilot, app, "searches")
        assert [n.message for n in app._notifications] == [
            "Searches are imported with `mnr import`; see `mnr searches`."]

    from_home(review.project, steps)


def test_question_mark_explains_the_steps_and_the_duplicate_counts(review: Review) -> None:  # noqa: F811
    async def steps(pilot: Pilot[None], app: MnrApp) -> None:
        await pilot.press("question_mark")
        help_screen = await shown(pilot, HelpScreen)
        text = plain(help_screen.query_one(Static).content)
        assert "Enter" in text and "Reviewer" in text and "Quit" in text
        assert "Included" in text and "records merged into works" in text
        assert "duplicate records removed before screening" in text
        await pilot.press("escape")
        await shown(pilot, HomeScreen)

    from_home(review.project, steps)


def test_q_leaves_conflicts_and_screening_for_home(project: Project) -> None:  # noqa: F811
    ids = work_ids(project)
    record(project, "title", ids[0], "BH", "y")
    record(project, "title", ids[0], "MC", "n")

    async def steps(pilot: Pilot[None], app: MnrApp) -> None:
        assert "Conflicts   1 at the title stage" in home_steps(app)["conflicts:title"]
        await open_step(pilot, app, "conflicts:title")
        await shown(pilot, ConflictsScreen)
        await pilot.press("q")
        await shown(pilot, HomeScreen)
        await open_step(pilot, app, "stage:title")
        await shown(pilot, ScreeningScreen)
        await pilot.press("q")
        await shown(pilot, HomeScreen)
        assert app.is_running

    from_home(project, steps)


def test_pairs_to_review_follow_merges_made_elsewhere_in_words_that_say_which_count(
        pairs_project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(home, "POLL_SECONDS", 0.05)

    def merge(a: int, b: int) -> None:  # as `mnr dedupe --review` in another terminal
        library = open_existing(pairs_project)
        try:
            decide(library, a, b, "merge", "MC")
        finally:
            library.close()

    async def until(app: MnrApp, wanted: Callable[[str], bool]) -> str:
        for _ in range(200):
            await asyncio.sleep(0.02)
            line = home_steps(app)["dedupe"]
            if wanted(line):
                return line
        raise AssertionError(f"the home screen still says {home_steps(app)['dedupe']!r}")

    async def steps(pilot: Pilot[None], app: MnrApp) -> None:
        line = home_steps(app)["dedupe"]
        assert "6 works from 6 records · 3 pairs to review" in line
        assert "0 records merged into works" in line
        assert "PRISMA: 0 duplicate records removed before screening" in line
        merge(1, 4)
        merge(3, 6)
        line = await until(app, lambda line: "1 pair to review" in line)
        assert "4 works from 6 records" in line and "2 records merged into works" in line
        merge(2, 5)
        line = await until(app, lambda line: "to review" not in line)
        assert "3 works from 6 records" in line

    from_home(pairs_project, steps)
