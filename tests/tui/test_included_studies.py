"""The Included screen lists a study of several reports once and says which works report it;
the home screen counts it once."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import OptionList, Static

from mnr.library import Library
from mnr.synthesis import links
from mnr.tui.app import MnrApp
from mnr.tui.screens.included import IncludedScreen
from tests.tui.pilot import from_home, home_steps
from tests.tui.test_synthesis_tui import SIZE, Review, open_from_home, plain
from tests.tui.test_synthesis_tui import review as review  # the fixture


def test_a_study_of_two_reports_is_listed_once_saying_its_reports(review: Review) -> None:
    a, c, d = (review.work[k] for k in "acd")
    library = Library.open(review.project.database_file)
    try:  # Grundy & Bee 2003 and Bowers 2010 (excluded) report Simpson's study
        links.link(library, a, [c, d], "BH")
    finally:
        library.close()

    async def steps(pilot: Pilot[None], app: MnrApp) -> None:
        assert "2 studies" in home_steps(app)["included"]
        screen = await open_from_home(pilot, app, "included", IncludedScreen)
        listing = screen.query_one("#studies", OptionList)
        rows = [str(listing.get_option_at_index(i).prompt) for i in range(listing.option_count)]
        assert len(rows) == 2
        simpson = next(i for i, row in enumerate(rows) if "Simpson" in row)
        assert "+2 reports" in rows[simpson]
        listing.highlighted = simpson
        await pilot.pause()
        shown = plain(screen.query_one("#work", Static))
        assert f"W{c} report of study W{a}" in shown and f"W{d} report of study W{a}" in shown
        assert f"W{a} (lead report)" in shown

    from_home(review.project, steps, SIZE)
