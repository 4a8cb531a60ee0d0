"""The duplicate review screen, driven with Textual's Pilot as a reviewer would.

Each test builds a real project (two imported RIS exports, a pass with three
uncertain pairs), presses keys, and checks what the library stored. The tests
are plain functions running ``asyncio.run`` so no pytest plugin is needed.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import OptionList

from mnr.dedupe.queue import review_queue
from mnr.library import Library
from mnr.library.models import CandidatePair
from mnr.project import Project, init_project
from mnr.searches import ImportOptions, import_file
from mnr.tui.app import DedupeReviewApp
from mnr.tui.screens.dedupe_review import DedupeReviewScreen
from mnr.tui.widgets.pair_view import PairView, compare

MEDLINE = """\
TY  - JOUR
AU  - Simpson, A.
AU  - Bowers, L.
TI  - Care planning in mental health: a systematic review
PY  - 2016
JO  - Journal of Psychiatric and Mental Health Nursing
VL  - 23
IS  - 5
SP  - 312
EP  - 320
DO  - 10.1111/jpm.12001
ER  -

TY  - JOUR
AU  - Coffey, M.
TI  - Recovery-focused care planning
PY  - 2017
JO  - BMC Psychiatry
VL  - 17
SP  - 44
ER  -

TY  - JOUR
AU  - Hannigan, B.
TI  - Care coordination in community mental health
PY  - 2018
JO  - Int J Ment Health Nurs
ER  -
"""

CINAHL = """\
TY  - JOUR
AU  - Simpson, Alan
AU  - Bowers, Len
TI  - Care planning in mental health: a systematic review.
PY  - 2016
JO  - J Psychiatr Ment Health Nurs
VL  - 23
IS  - 5
SP  - 312
EP  - 20
ER  -

TY  - JOUR
AU  - Coffey, Michael
TI  - Recovery focused care planning: a qualitative study
PY  - 2018
JO  - BMC Psychiatry
VL  - 18
SP  - 101
ER  -

TY  - JOUR
AU  - Hannigan, Ben
TI  - Care coordination in community mental health services
PY  - 2018
JO  - International Journal of Mental Health Nursing
ER  -
"""

REVIEWER = "BH"
SIZE = (120, 40)


@pytest.fixture
def project(tmp_path: Path) -> Project:
    """A review with six records (three per database) and three pairs waiting for review."""
    project = init_project(tmp_path / "review", "Care planning")
    library = Library.open(project.database_file)
    try:
        for database, text in (("MEDLINE", MEDLINE), ("CINAHL", CINAHL)):
            path = tmp_path / f"{database.lower()}.ris"
            path.write_text(text, encoding="utf-8")
            import_file(project, library, path, ImportOptions(database=database))
        ids = [record.record_id for record in library.records()]
        assert ids == [1, 2, 3, 4, 5, 6]
        pairs = [CandidatePair(1, 4, 0.93, "review", "title 0.98, same year, pages differ"),
                 CandidatePair(3, 6, 0.81, "review", "title 0.90, same year"),
                 CandidatePair(2, 5, 0.72, "review", "title 0.80, years differ")]
        library.works.commit([[i] for i in ids], pairs=pairs, records=len(ids))
    finally:
        library.close()
    return project


def drive(project: Project, steps: Callable[[Pilot[None], DedupeReviewScreen],
                                             Awaitable[None]]) -> None:
    """Run the review app headless at a fixed size and let ``steps`` press keys."""
    async def run() -> None:
        app = DedupeReviewApp(project, REVIEWER)
        async with app.run_test(size=SIZE) as pilot:
            screen = await settled(pilot)
            await steps(pilot, screen)
            await settled(pilot)
    asyncio.run(run())


async def settled(pilot: Pilot[None]) -> DedupeReviewScreen:
    """Wait until the queue is loaded and every decision has been saved."""
    for _ in range(500):
        await pilot.pause()
        screen = pilot.app.screen
        if (isinstance(screen, DedupeReviewScreen) and screen.loaded and not screen.saving):
            return screen
        await asyncio.sleep(0.01)
    raise AssertionError("the review screen did not settle")


def stored(project: Project) -> tuple[list[tuple[int, int, str, str]], dict[int, int], int]:
    """Decisions (a, b, decision, reviewer), work per record, and pairs still waiting."""
    library = Library.open(project.database_file)
    try:
        decisions = [(d.record_a, d.record_b, d.decision, d.reviewer)
                     for d in library.works.decisions()]
        return decisions, library.works.memberships(), len(review_queue(library))
    finally:
        library.close()


def title(screen: DedupeReviewScreen) -> str:
    return str(screen.query_one("#title").render())


def shown_pair(screen: DedupeReviewScreen) -> tuple[int, int] | None:
    item = screen.current()
    return None if item is None else (item.pair.record_a, item.pair.record_b)


def test_the_screen_lists_the_pairs_most_alike_first_with_the_count(project: Project) -> None:
    async def steps(pilot: Pilot[None], screen: DedupeReviewScreen) -> None:
        assert "Duplicate review — 3 pairs left (reviewer BH)" in title(screen)
        assert screen.query_one("#pairs", OptionList).option_count == 3
        assert shown_pair(screen) == (1, 4)
        assert "0.93" in str(screen.query_one("#reason").render())
        assert "pages differ" in str(screen.query_one("#reason").render())

    drive(project, steps)


def test_the_two_records_are_side_by_side_with_differences_marked(project: Project) -> None:
    async def steps(pilot: Pilot[None], screen: DedupeReviewScreen) -> None:
        view = screen.query_one(PairView)
        console = Console(width=90, record=True, color_system=None)
        console.print(view.render())
        lines = console.export_text().splitlines()
        row: dict[str, str] = {}
        for line in lines[2:]:
            words = line.split()
            if words and words[0] not in ("≠", "±"):
                row[words[0]] = line
            elif len(words) > 1:
                row[words[1]] = line
        assert "R1 · MEDLINE" in lines[0] and "R4 · CINAHL" in lines[0]
        assert row["Pages"].lstrip().startswith("≠") and "312-320" in row["Pages"]
        assert row["DOI"].lstrip().startswith("±")  # only the MEDLINE record has one
        assert not row["Year"].lstrip().startswith(("≠", "±"))  # 2016 on both sides
        assert not row["Title"].lstrip().startswith("≠")  # a final full stop is no difference
        assert not row["Database"].lstrip().startswith("≠")  # where they come from, not a field
        assert "PMID" not in row  # neither record has one

    drive(project, steps)


def test_merge_joins_the_two_records_into_one_work_and_shows_the_next(project: Project) -> None:
    async def steps(pilot: Pilot[None], screen: DedupeReviewScreen) -> None:
        await pilot.press("m")
        await settled(pilot)
        assert "2 pairs left" in title(screen)
        assert shown_pair(screen) == (3, 6)

    drive(project, steps)
    decisions, works, waiting = stored(project)
    assert decisions == [(1, 4, "merge", REVIEWER)]
    assert works[1] == works[4] and len(set(works.values())) == 5
    assert waiting == 2


def test_keep_apart_leaves_the_records_separate_and_the_pair_leaves(project: Project) -> None:
    async def steps(pilot: Pilot[None], screen: DedupeReviewScreen) -> None:
        await pilot.press("a")
        await settled(pilot)
        assert "2 pairs left" in title(screen)

    drive(project, steps)
    decisions, works, waiting = stored(project)
    assert decisions == [(1, 4, "apart", REVIEWER)]
    assert works[1] != works[4] and len(set(works.values())) == 6
    assert waiting == 2


def test_undo_brings_the_pair_back(project: Project) -> None:
    async def steps(pilot: Pilot[None], screen: DedupeReviewScreen) -> None:
        await pilot.press("m")
        await settled(pilot)
        await pilot.press("u")
        await settled(pilot)
        assert "3 pairs left" in title(screen)
        assert shown_pair(screen) == (1, 4)

    drive(project, steps)
    decisions, works, waiting = stored(project)
    assert [d[2] for d in decisions] == ["merge", "undo"]
    assert works[1] != works[4] and waiting == 3


def test_skip_is_recorded_and_leaves_the_pair_waiting(project: Project) -> None:
    async def steps(pilot: Pilot[None], screen: DedupeReviewScreen) -> None:
        await pilot.press("s")
        await settled(pilot)
        assert "3 pairs left" in title(screen)
        assert shown_pair(screen) == (3, 6)

    drive(project, steps)
    decisions, works, waiting = stored(project)
    assert decisions == [(1, 4, "skip", REVIEWER)]
    assert len(set(works.values())) == 6 and waiting == 3


def test_keys_move_between_pairs(project: Project) -> None:
    async def steps(pilot: Pilot[None], screen: DedupeReviewScreen) -> None:
        await pilot.press("j")
        assert shown_pair(screen) == (3, 6)
        await pilot.press("down")
        assert shown_pair(screen) == (2, 5)
        await pilot.press("k", "k")
        assert shown_pair(screen) == (1, 4)
        await pilot.press("j", "m")  # decide on the pair moved to, not the first
        await settled(pilot)

    drive(project, steps)
    decisions, _, _ = stored(project)
    assert decisions == [(3, 6, "merge", REVIEWER)]


def test_quick_decisions_are_all_saved_in_order_and_then_nothing_is_left(
        project: Project) -> None:
    async def steps(pilot: Pilot[None], screen: DedupeReviewScreen) -> None:
        await pilot.press("m", "a", "m")  # faster than saving: they queue
        await settled(pilot)
        assert "0 pairs left" in title(screen)
        assert screen.has_class("-empty")
        assert "No pairs left to review" in str(screen.query_one("#empty").render())
        await pilot.press("m")  # nothing to decide on: a message, no change
        await settled(pilot)

    drive(project, steps)
    decisions, works, waiting = stored(project)
    assert decisions == [(1, 4, "merge", REVIEWER), (3, 6, "apart", REVIEWER),
                         (2, 5, "merge", REVIEWER)]
    assert works[1] == works[4] and works[2] == works[5] and works[3] != works[6]
    assert waiting == 0


def test_quit_right_after_a_decision_still_saves_it(project: Project) -> None:
    async def run() -> None:
        app = DedupeReviewApp(project, REVIEWER)
        async with app.run_test(size=SIZE) as pilot:
            await settled(pilot)
            await pilot.press("a", "q")
            for _ in range(500):
                if not app.is_running:
                    break
                await asyncio.sleep(0.01)
            assert not app.is_running
    asyncio.run(run())
    decisions, _, _ = stored(project)
    assert decisions == [(1, 4, "apart", REVIEWER)]


def test_compare_ignores_case_spacing_and_a_final_full_stop() -> None:
    assert compare("A Review.", "a  review") == "same"
    assert compare("312-320", "312-20") == "differ"
    assert compare("10.1/x", "") == "missing"
    assert compare("", "") == "empty"


def test_the_core_does_not_load_textual() -> None:
    script = ("import mnr.dedupe, mnr.dedupe.passes, mnr.library, mnr.searches, mnr.project\n"
              "import sys\nprint('textual' in sys.modules, 'mnr.tui' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            check=True)
    assert result.stdout.split() == ["False", "False"]
