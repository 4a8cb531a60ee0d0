"""The screening list as a new user reads it: titles readable at 80 columns, a header
over the columns (explained by `?`), sorting, a resolved conflict's outcome, a search
that reaches abstracts, and authors named alike whatever the export's style."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest
from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import Static

from mnr.library import Library
from mnr.project import Project
from mnr.screening import decide
from mnr.screening.state import load
from mnr.tui.app import MnrApp
from mnr.tui.screens.prompts import HelpScreen, TextPrompt
from mnr.tui.screens.screening import ScreeningScreen
from mnr.tui.widgets.work_columns import shown_surname
from mnr.tui.widgets.work_list import WorkList
from tests.tui.pilot import shown, typed
from tests.tui.test_screening_tui import WORKS, project, record, work_ids  # noqa: F401

Steps = Callable[[Pilot[None], ScreeningScreen], Awaitable[None]]


def drive(folder: Project, steps: Steps, size: tuple[int, int] = (140, 40)) -> None:
    async def run() -> None:
        app = MnrApp(folder, "BH", "screening", "title")
        async with app.run_test(size=size) as pilot:
            screen = await shown(pilot, ScreeningScreen)
            await pilot.pause()
            await steps(pilot, screen)
            await pilot.pause()
    asyncio.run(run())


def plain(renderable: object) -> str:
    console = Console(width=200, record=True, color_system=None)
    console.print(renderable)
    return console.export_text()


def drawn_rows(screen: ScreeningScreen) -> list[str]:
    """The list's rows as drawn on the screen, cut to its width."""
    works = screen.query_one(WorkList)
    return [works.render_line(y).text for y in range(min(len(works.rows),
                                                         works.size.height))]


def test_at_80_columns_the_titles_are_readable(project: Project) -> None:  # noqa: F811
    async def steps(pilot: Pilot[None], screen: ScreeningScreen) -> None:
        first = drawn_rows(screen)[0]
        assert "Simpson" in first
        assert "Care planning in com" in first  # not "Care…": a title one can read

    drive(project, steps, size=(80, 24))


def test_the_columns_have_a_header_and_help_explains_them(project: Project) -> None:  # noqa: F811
    ids = work_ids(project)
    record(project, "title", ids[0], "MC", "n")

    async def steps(pilot: Pilot[None], screen: ScreeningScreen) -> None:
        header = plain(screen.query_one("#columns", Static).content)
        assert header.startswith("BH MC ! Year Author")
        assert "Title" in header
        await pilot.press("y")  # BH's Y beside MC's N: waits for a resolution
        row = drawn_rows(screen)[0]
        assert row.startswith("Y  N  !")
        # the header lines up with the row: BH over BH's Y, MC over MC's N, ! over !
        assert (header.index("BH"), header.index("MC"), header.index("!")) == (
            row.index("Y"), row.index("N"), row.index("!"))
        assert header.index("Year") == row.index("2006")
        assert header.index("Author") == row.index("Simpson")
        await pilot.press("question_mark")
        help_screen = await shown(pilot, HelpScreen)
        text = plain(help_screen.query_one(Static).content)
        assert "The list's columns" in text
        assert "BH            your decision" in text
        assert "!             ! the reviewers disagree" in text
        assert "s sorts" in text

    drive(project, steps)


def test_s_sorts_by_relevance_year_author_and_title_then_back(
        project: Project) -> None:  # noqa: F811
    ids = work_ids(project)
    by_id = dict(zip(ids, WORKS, strict=True))

    async def steps(pilot: Pilot[None], screen: ScreeningScreen) -> None:
        works = screen.query_one(WorkList)
        listed = list(works.rows)
        await pilot.press("s")
        assert "Rank▲" in plain(screen.query_one("#columns", Static).content)
        await pilot.press("s")
        years = [screen.session.lines[w].year or 0 for w in works.rows]
        assert years == sorted(years) and "Year▲" in plain(
            screen.query_one("#columns", Static).content)
        await pilot.press("s")
        surnames = [by_id[w][1].split(",")[0] for w in works.rows]
        assert surnames == sorted(surnames)
        await pilot.press("s")
        titles = [by_id[w][0].lower() for w in works.rows]
        assert titles == sorted(titles)
        await pilot.press("s")
        assert list(works.rows) == listed

    drive(project, steps)


def test_relevance_order_puts_the_likely_relevant_first(project: Project) -> None:  # noqa: F811
    async def steps(pilot: Pilot[None], screen: ScreeningScreen) -> None:
        works = screen.query_one(WorkList)
        await pilot.press("y", "n")
        for _ in range(200):  # the model is trained in a thread
            if screen.ranked is not None and screen.ranked.labelled == 2:
                break
            await pilot.pause(0.05)
        assert screen.ranked is not None and screen.ranked.labelled == 2
        await pilot.press("s")
        rows = list(works.rows)
        undecided = [w for w in rows if screen.session.mine(w) is None]
        assert rows[:len(undecided)] == [w for w in screen.ranked.order if w in undecided]
        assert [screen.session.mine(w) for w in rows[len(undecided):]] == ["y", "n"]
        assert "relevant left" in plain(screen.query_one("#counts", Static).content)
        assert screen._row(rows[0]).plain.split()[1] == "1"  # its rank

    drive(project, steps)


def test_a_resolved_conflict_shows_its_outcome(project: Project) -> None:  # noqa: F811
    ids = work_ids(project)
    record(project, "title", ids[0], "BH", "y")
    record(project, "title", ids[0], "MC", "n")
    library = Library.open(project.database_file)
    try:
        stage = load(library, project.settings()).stage("title")
        decide.resolve(library, stage, ids[0], "BH", "n", "inpatient sample after all")
    finally:
        library.close()

    async def steps(pilot: Pilot[None], screen: ScreeningScreen) -> None:
        row = screen._row(ids[0])
        assert row.plain.startswith("Y  N  N 2006")  # the resolution's N
        assert any("reverse" in str(span.style) for span in row.spans
                   if row.plain[span.start:span.end] == "N")

    drive(project, steps)


def test_slash_searches_abstracts_too(project: Project) -> None:  # noqa: F811
    ids = work_ids(project)
    hannigan = next(w for w, work in zip(ids, WORKS, strict=True) if work[1].startswith("Hann"))

    async def steps(pilot: Pilot[None], screen: ScreeningScreen) -> None:
        await pilot.press("slash")
        await shown(pilot, TextPrompt)
        await typed(pilot, "three hospitals")  # only in an abstract
        await pilot.press("enter")
        await pilot.pause()
        assert list(screen.query_one(WorkList).rows) == [hannigan]

    drive(project, steps)


@pytest.mark.parametrize(("author", "shown"), [
    ("Simpson, Alan", "Simpson"), ("Anthony WA", "Anthony"), ("Anthony W.A.", "Anthony"),
    ("A. J. Simpson", "Simpson"), ("Le Boutillier C", "Le Boutillier"),
    ("World Health Organization", "World Health Organization"), ("", "")])
def test_authors_are_shown_by_surname_whatever_the_export_style(author: str,
                                                                shown: str) -> None:
    assert shown_surname(author) == shown
