"""The screening and conflicts screens, driven with Textual's Pilot as a reviewer would.

Each test builds a real project (eight imported works, reviewers BH and MC,
blind screening), presses the keys a reviewer presses, and checks what the
screening log stored by reading it back with a fresh Library. The tests are
plain functions running ``asyncio.run`` so no pytest plugin is needed.
"""

from __future__ import annotations

import asyncio
import html
import re
import sqlite3
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import NoReturn

import pytest
from rich.console import Console, Group
from rich.text import Text
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Static

from mnr.dedupe.passes import deduplicate
from mnr.errors import LibraryUnavailable
from mnr.library import Library
from mnr.library.models import LogEntry
from mnr.project import Project, init_project
from mnr.screening import decide
from mnr.screening.state import CONFLICT, Screening, load
from mnr.searches import ImportOptions, import_file
from mnr.tui.app import MnrApp, ReviewerPicker
from mnr.tui.screens import screening as screening_module
from mnr.tui.screens.conflicts import ConflictsScreen
from mnr.tui.screens.home import HomeScreen
from mnr.tui.screens.prompts import ReasonPicker, TextPrompt
from mnr.tui.screens.screening import FILTERS, ScreeningScreen
from mnr.tui.widgets.text_pane import TextPane
from mnr.tui.widgets.work_list import WorkList
from tests.tui.pilot import shown, typed

SIZE = (140, 40)

REASONS = [
    "Children or adolescent services",
    "Inpatient sample",
    "Not about care planning or coordination",
    "Research design not described",
]

REVIEW_TOML = """\
[review]
title = "Care planning in community mental health (test)"
question = "What is known about care planning?"

[criteria]
include = ["Adults using community mental health services"]
exclude = ["Samples of inpatients"]

[screening]
stages = ["title", "abstract", "fulltext"]
reviewers = ["BH", "MC"]
blind = {blind}
maybe_goes_forward = true
maybe_is_conflict = false
exclusion_reasons = [
{reasons}
]

[highlight]
include = ["care plan*", "recovery", "community mental health"]
exclude = ["inpatient*", "child*"]
"""

# (title, first author, abstract or None); every title distinct, every DOI distinct
WORKS = [
    ("Care planning in community mental health teams: an ethnography", "Simpson, Alan",
     "We observed care planning meetings in community mental health teams."),
    ("Recovery-oriented coordination for adults with psychosis", "Coffey, Michael",
     "Recovery was the stated aim of every coordinator interviewed."),
    ("Inpatient ward rounds and discharge letters", "Hannigan, Ben",
     "Inpatient samples from three hospitals."),
    ("Personalised budgets in adolescent services", "Jones, Aled", None),
    ("Service user involvement in programme reviews", "Evans, Nicola",
     "Interviews with service users about their reviews."),
    ("A randomised trial of telephone follow-up", "Brooks, Helen", None),
    ("Quality of written records in outpatient psychiatry", "Grant, Alec",
     "An audit of written records."),
    ("Carers' experiences of crisis resolution teams", "Sweeney, Angela", None),
]


def ris(works: list[tuple[str, str, str | None]]) -> str:
    blocks = []
    for number, (title, author, abstract) in enumerate(works, start=1):
        lines = ["TY  - JOUR", f"AU  - {author}", f"TI  - {title}", f"PY  - {2005 + number}",
                 f"JO  - Journal of Test Studies {number}", f"DO  - 10.5555/screen.{number}"]
        if abstract:
            lines.append(f"AB  - {abstract}")
        lines.append("ER  - ")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def write_protocol(project: Project, blind: bool = True) -> None:
    reasons = ",\n".join(f'    "{reason}"' for reason in REASONS)
    project.review_file.write_text(
        REVIEW_TOML.format(blind="true" if blind else "false", reasons=reasons), "utf-8")


@pytest.fixture
def project(tmp_path: Path) -> Project:
    """A review of eight works (one record each), two reviewers, blind, nothing decided."""
    project = init_project(tmp_path / "review", "Care planning")
    write_protocol(project)
    path = tmp_path / "medline.ris"
    path.write_text(ris(WORKS), encoding="utf-8")
    library = Library.open(project.database_file)
    try:
        import_file(project, library, path, ImportOptions(database="MEDLINE"))
        deduplicate(library)
        assert len(library.screening.work_ids()) == len(WORKS)
    finally:
        library.close()
    return project


# -- driving the app --------------------------------------------------------------------


Steps = Callable[[Pilot[None], MnrApp], Awaitable[None]]


def drive(project: Project, steps: Steps, reviewer: str | None = "BH",
          screen: str = "screening", stage: str | None = "title") -> None:
    """Run the app headless at a fixed size and let ``steps`` press keys."""
    async def run() -> None:
        app = MnrApp(project, reviewer, screen, stage)
        async with app.run_test(size=SIZE) as pilot:
            await shown(pilot, ScreeningScreen if screen == "screening" else HomeScreen)
            await steps(pilot, app)
            await pilot.pause()
    asyncio.run(run())




async def screening(pilot: Pilot[None]) -> ScreeningScreen:
    return await shown(pilot, ScreeningScreen)


def rows(screen: ScreeningScreen) -> list[int]:
    return list(screen.query_one(WorkList).rows)


def current(screen: ScreeningScreen) -> int | None:
    return screen.query_one(WorkList).current


def plain(static: Static) -> str:
    """What a Static shows, as plain text."""
    console = Console(width=120, record=True, color_system=None)
    console.print(static.content)
    return console.export_text()


def detail(screen: ScreeningScreen) -> str:
    console = Console(width=120, record=True, color_system=None)
    console.print(screen.query_one("#detail", TextPane).content)
    return console.export_text()


def stored(project: Project) -> list[LogEntry]:
    """The screening log as a fresh reader sees it."""
    library = Library.open(project.database_file)
    try:
        return library.screening.log()
    finally:
        library.close()


def state(project: Project) -> Screening:
    """Where screening stands, derived afresh from the stored log."""
    library = Library.open(project.database_file)
    try:
        return load(library, project.settings())
    finally:
        library.close()


def record(project: Project, stage: str, work_id: int, reviewer: str, decision: str,
           reason: str | None = None) -> None:
    """Decide as another process would: its own Library, its own freshly loaded state."""
    library = Library.open(project.database_file)
    try:
        here = load(library, project.settings()).stage(stage)
        decide.decide(library, here, work_id, reviewer, decision, reason)
    finally:
        library.close()


def work_ids(project: Project) -> list[int]:
    return state(project).stage("title").work_ids


# -- 1. deciding ------------------------------------------------------------------------


def test_y_n_m_record_decisions_on_the_works_in_list_order(project: Project) -> None:
    order: list[int] = []
    cursors: list[int] = []

    async def steps(pilot: Pilot[None], app: MnrApp) -> None:
        screen = await screening(pilot)
        order.extend(rows(screen))
        assert len(order) == len(WORKS)
        assert screen.stage == "title" and screen.session.reviewer == "BH"
        for key in ("y", "n", "m"):
            await pilot.press(key)
            cursors.append(screen.query_one(WorkList).cursor)
        assert current(screen) == order[3]
        assert screen.session.decided == 3
        assert "3/8 decided" in plain(screen.query_one("#counts", Static))

    drive(project, steps)
    assert cursors == [1, 2, 3]
    log = stored(project)
    assert [(e.work_id, e.kind, e.decision, e.reviewer, e.stage, e.origin) for e in log] == [
        (order[0], "decision", "y", "BH", "title", "tui"),
        (order[1], "decision", "n", "BH", "title", "tui"),
        (order[2], "decision", "m", "BH", "title", "tui"),
    ]
    assert all(e.reason is None for e in log)


def test_j_and_k_move_and_the_decision_goes_to_the_work_moved_to(project: Project) -> None:
    order: list[int] = []

    async def steps(pilot: Pilot[None], app: MnrApp) -> None:
        screen = await screening(pilot)
        order.extend(rows(screen))
        await pilot.press("j", "j", "down", "k")
        assert current(screen) == order[2]
        await pilot.press("y")

    drive(project, steps)
    assert [(e.work_id, e.decision) for e in stored(project)] == [(order[2], "y")]


# -- 2. undo ----------------------------------------------------------------------------


def test_u_undoes_the_latest_decision_and_goes_back_to_its_work(project: Project) -> None:
    order: list[int] = []

    async def steps(pilot: Pilot[None], app: MnrApp) -> None:
        screen = await screening(pilot)
        order.extend(rows(screen))
        await pilot.press("y", "y")
        assert current(screen) == order[2]
        await pilot.press("u")
        assert current(screen) == order[1]
        assert screen.session.decided == 1
        assert screen.session.mine(order[1]) is None
        assert screen.session.mine(order[0]) == "y"

    drive(project, steps)
    log = stored(project)
    assert [(e.work_id, e.kind, e.decision) for e in log] == [
        (order[0], "decision", "y"), (order[1], "decision", "y"), (order[1], "undo", None)]
    assert log[2].undoes == log[1].entry_id
    assert (log[2].reviewer, log[2].stage, log[2].origin) == ("BH", "title", "tui")
    title = state(project).stage("title")
    assert title.works[order[1]].decision_of("BH") is None
    assert title.works[order[0]].decision_of("BH") is not None


def test_undo_brings_back_the_decision_before_and_with_none_left_stores_nothing(
        project: Project) -> None:
    order: list[int] = []

    async def steps(pilot: Pilot[None], app: MnrApp) -> None:
        screen = await screening(pilot)
        order.extend(rows(screen))
        await pilot.press("u")  # nothing to undo yet: a notice, nothing stored
        assert stored(project) == []
        await pilot.press("y", "k", "n")  # BH changes their mind on the first work
        assert screen.session.mine(order[0]) == "n" and screen.session.decided == 1
        await pilot.press("j", "j", "u")
        assert current(screen) == order[0]
        assert screen.session.mine(order[0]) == "y" and screen.session.decided == 1
        assert str(screen._row(order[0])).startswith("Y")

    drive(project, steps)
    log = stored(project)
    assert [(e.kind, e.decision) for e in log] == [("decision", "y"), ("decision", "n"),
                                                  ("undo", None)]
    assert log[2].undoes == log[1].entry_id
    entry = state(project).stage("title").works[order[0]].decision_of("BH")
    assert entry is not None and entry.decision == "y"


def test_deciding_the_last_work_keeps_the_cursor_there(project: Project) -> None:
    order: list[int] = []

    async def steps(pilot: Pilot[None], app: MnrApp) -> None:
        screen = await screening(pilot)
        order.extend(rows(screen))
        await pilot.press("end", "m")
        assert current(screen) == order[-1]
        await pilot.press("escape")  # opened straight into screening: escape quits
        for _ in range(100):
            if not app.is_running:
                break
            await asyncio.sleep(0.01)
        assert not app.is_running

    drive(project, steps)
    assert [(e.work_id, e.decision) for e in stored(project)] == [(order[-1], "m")]


# -- 3. exclusion reasons ---------------------------------------------------------------


def test_e_then_a_digit_excludes_with_that_reason(project: Project) -> None:
    first: list[int] = []

    async def steps(pilot: Pilot[None], app: MnrApp) -> None:
        screen = await screening(pilot)
        first.append(rows(screen)[0])
        await pilot.press("e")
        picker = await shown(pilot, ReasonPicker)
        assert picker.reasons == REASONS
        await pilot.press("2")
        await screening(pilot)
        assert current(screen) == rows(screen)[1]

    drive(project, steps)
    log = stored(project)
    assert [(e.work_id, e.kind, e.decision, e.reason) for e in log] == [
        (first[0], "decision", "n", REASONS[1])]


def _to_fulltext(project: Project, works: list[int]) -> None:
    """Both reviewers include these works at the title and abstract stages."""
    for stage in ("title", "abstract"):
        for work_id in works:
            for reviewer in ("BH", "MC"):
                record(project, stage, work_id, reviewer, "y")


def test_n_at_the_fulltext_stage_asks_for_a_reason_and_escape_stores_nothing(
        project: Project) -> None:
    ids = work_ids(project)
    _to_fulltext(project, ids[:2])
    before = len(stored(project))
    assert state(project).stage("fulltext").work_ids == ids[:2]

    async def steps(pilot: Pilot[None], app: MnrApp) -> None:
        screen = await screening(pilot)
        assert rows(screen) == ids[:2]
        await pilot.press("n")
        await shown(pilot, ReasonPicker)
        assert isinstance(app.screen, ReasonPicker)
        await pilot.press("escape")
        await screening(pilot)
        assert current(screen) == ids[0]
        assert screen.session.decided == 0

    drive(project, steps, stage="fulltext")
    assert len(stored(project)) == before


def test_enter_on_the_highlighted_reason_picks_it(project: Project) -> None:
    ids = work_ids(project)
    _to_fulltext(project, ids[:2])
    before = len(stored(project))

    async def steps(pilot: Pilot[None], app: MnrApp) -> None:
        await screening(pilot)
        await pilot.press("n")
        picker = await shown(pilot, ReasonPicker)
        listing = picker.query_one("#reasons", OptionList)
        listing.highlighted = 2
        await pilot.press("enter")
        await screening(pilot)

    drive(project, steps, stage="fulltext")
    log = stored(project)[before:]
    assert [(e.work_id, e.stage, e.decision, e.reason) for e in log] == [
        (ids[0], "fulltext", "n", REASONS[2])]


def test_another_reason_can_be_typed_digits_and_all(project: Project) -> None:
    first: list[int] = []

    async def steps(pilot: Pilot[None], app: MnrApp) -> None:
        screen = await screening(pilot)
        first.append(rows(screen)[0])
        await pilot.press("e")
        picker = await shown(pilot, ReasonPicker)
        listing = picker.query_one("#reasons", OptionList)
        assert listing.option_count == len(REASONS) + 1
        listing.highlighted = len(REASONS)  # "another reason (type it)"
        await pilot.press("enter")
        assert picker.query_one("#other", Input).has_focus
        await typed(pilot, "3 cases")
        await pilot.press("enter")
        await screening(pilot)

    drive(project, steps)
    assert [(e.work_id, e.decision, e.reason) for e in stored(project)] == [
        (first[0], "n", "3 cases")]


# -- 4. notes ---------------------------------------------------------------------------


def test_a_adds_a_note_to_the_work(project: Project) -> None:
    first: list[int] = []

    async def steps(pilot: Pilot[None], app: MnrApp) -> None:
        screen = await screening(pilot)
        first.append(rows(screen)[0])
        await pilot.press("a")
        await shown(pilot, TextPrompt)
        await typed(pilot, "small n")
        await pilot.press("enter")
        await screening(pilot)
        assert current(screen) == first[0]  # a note is no decision: the cursor stays
        assert "small n" in detail(screen)

    drive(project, steps)
    log = stored(project)
    assert [(e.work_id, e.kind, e.reviewer, e.note, e.decision) for e in log] == [
        (first[0], "note", "BH", "small n", None)]


# -- 5. search --------------------------------------------------------------------------


def test_search_shows_the_matching_works_and_an_empty_search_shows_all(
        project: Project) -> None:
    ids = work_ids(project)

    async def steps(pilot: Pilot[None], app: MnrApp) -> None:
        screen = await screening(pilot)
        assert rows(screen) == ids
        await pilot.press("slash")
        await shown(pilot, TextPrompt)
        await typed(pilot, "ethno")
        await pilot.press("enter")
        await screening(pilot)
        assert rows(screen) == [ids[0]]
        assert current(screen) == ids[0]
        await pilot.press("slash")
        prompt = await shown(pilot, TextPrompt)
        field = prompt.query_one(Input)
        assert field.value == "ethno"  # the prompt offers the last search
        await pilot.press("ctrl+u")
        await typed(pilot, "TEAMS")  # crisis resolution teams, community mental health teams
        assert field.value == "TEAMS"
        await pilot.press("enter")
        await screening(pilot)
        assert rows(screen) == [ids[0], ids[7]]
        assert "showing 2 (all, “teams”)" in plain(screen.query_one("#counts", Static))
        await pilot.press("slash")
        await shown(pilot, TextPrompt)
        await typed(pilot, "zzz")
        await pilot.press("enter")
        await screening(pilot)
        assert rows(screen) == [] and current(screen) is None
        assert "No works to show here" in detail(screen)
        await pilot.press("y")  # nothing to decide on
        await pilot.press("slash")
        prompt = await shown(pilot, TextPrompt)
        await pilot.press("ctrl+u")
        assert prompt.query_one(Input).value == ""
        await pilot.press("enter")
        await screening(pilot)
        assert rows(screen) == ids

    drive(project, steps)
    assert stored(project) == []


# -- 6. filters -------------------------------------------------------------------------


def test_f_steps_through_the_filters(project: Project) -> None:
    assert FILTERS == ["all", "undecided", "y", "n", "m", "conflicts", "mine"]
    ids = work_ids(project)
    record(project, "title", ids[4], "MC", "n")  # MC's decisions are no filter of BH's
    seen: dict[str, list[int]] = {}

    async def steps(pilot: Pilot[None], app: MnrApp) -> None:
        screen = await screening(pilot)
        await pilot.press("y", "n", "m", "j", "y")  # 0:Y 1:N 2:M 4:Y
        seen["all"] = rows(screen)
        for _ in FILTERS[1:]:
            await pilot.press("f")
            seen[screen.filter] = rows(screen)
        await pilot.press("F")
        assert screen.filter == "conflicts"
        await pilot.press("f")
        await pilot.press("f")
        assert screen.filter == "all" and rows(screen) == ids

    drive(project, steps)
    assert seen == {
        "all": ids,
        "undecided": [ids[3], ids[5], ids[6], ids[7]],
        "y": [ids[0], ids[4]],
        "n": [ids[1]],
        "m": [ids[2]],
        "conflicts": [ids[4]],  # BH Y against MC N
        "mine": [ids[0], ids[1], ids[2], ids[4]],
    }


# -- 7. blind screening -----------------------------------------------------------------


def test_blind_hides_the_other_decision_until_the_reviewer_decides(project: Project) -> None:
    ids = work_ids(project)
    record(project, "title", ids[0], "MC", "n")

    async def steps(pilot: Pilot[None], app: MnrApp) -> None:
        screen = await screening(pilot)
        stage = screen.session.stage
        assert current(screen) == ids[0]
        assert stage.works[ids[0]].decision_of("MC") is not None  # the session knows
        assert stage.visible_decisions(ids[0], "BH") == {}  # but BH may not see it
        before = detail(screen)
        assert "MC" not in before
        assert "1 other decision(s) hidden until you decide" in before
        assert str(screen._row(ids[0])).startswith("·   ")  # no mark of MC's N in the row
        await pilot.press("y", "k")
        assert current(screen) == ids[0]
        assert set(stage.visible_decisions(ids[0], "BH")) == {"BH", "MC"}
        after = detail(screen)
        assert "MC N" in after and "BH Y" in after and "hidden" not in after
        assert str(screen._row(ids[0])).startswith("Y  N  !")  # a conflict

    drive(project, steps)


def test_without_blinding_the_other_decision_shows_at_once(project: Project) -> None:
    write_protocol(project, blind=False)
    ids = work_ids(project)
    record(project, "title", ids[0], "MC", "n")

    async def steps(pilot: Pilot[None], app: MnrApp) -> None:
        screen = await screening(pilot)
        assert current(screen) == ids[0]
        assert set(screen.session.stage.visible_decisions(ids[0], "BH")) == {"MC"}
        assert "MC N" in detail(screen)
        assert str(screen._row(ids[0])).startswith("·  N")

    drive(project, steps)


# -- 8. conflicts -----------------------------------------------------------------------


def test_a_conflict_is_resolved_with_a_reason_and_the_resolution_can_be_undone(
        project: Project) -> None:
    ids = work_ids(project)
    record(project, "title", ids[1], "BH", "y")
    record(project, "title", ids[1], "MC", "n")
    before = len(stored(project))

    async def steps(pilot: Pilot[None], app: MnrApp) -> None:
        home = await shown(pilot, HomeScreen)
        listing = home.query_one("#steps", OptionList)
        options = [listing.get_option_at_index(i) for i in range(listing.option_count)]
        step_ids = [option.id for option in options]
        assert "conflicts:title" in step_ids
        assert "conflicts:abstract" not in step_ids
        at = step_ids.index("conflicts:title")
        assert "1 at the title stage" in str(options[at].prompt)
        listing.highlighted = at
        await pilot.press("enter")
        conflicts = await shown(pilot, ConflictsScreen)
        assert len(app.screen_stack) == 3  # opened once
        assert conflicts.session.stage.name == "title"
        assert conflicts.current == ids[1]
        sides = plain(conflicts.query_one("#sides", Static))
        assert "BH Y" in sides and "MC N" in sides
        await pilot.press("y")
        await shown(pilot, TextPrompt)
        await typed(pilot, "fits")
        await pilot.press("enter")
        await shown(pilot, ConflictsScreen)
        assert conflicts.current is None
        assert "No conflicts left" in plain(conflicts.query_one("#sides", Static))

        log = stored(project)
        assert [(e.work_id, e.kind, e.reviewer, e.decision, e.reason, e.origin)
                for e in log[before:]] == [
            (ids[1], "resolution", "BH", "y", "fits", "tui")]
        assert state(project).stage("title").outcome(ids[1]) == "y"

        await pilot.press("u")
        await pilot.pause()
        assert conflicts.current == ids[1]
        await pilot.press("escape")
        await shown(pilot, HomeScreen)
        listing = home.query_one("#steps", OptionList)
        step_ids = [listing.get_option_at_index(i).id for i in range(listing.option_count)]
        assert "conflicts:title" in step_ids  # the counts were read again

    drive(project, steps, screen="home", stage=None)
    log = stored(project)[before:]
    assert [(e.kind, e.reviewer) for e in log] == [("resolution", "BH"), ("undo", "BH")]
    assert log[1].undoes == log[0].entry_id and log[1].work_id == ids[1]
    assert state(project).stage("title").outcome(ids[1]) == CONFLICT


def test_a_resolution_without_a_reason_is_not_recorded(project: Project) -> None:
    ids = work_ids(project)
    record(project, "title", ids[1], "BH", "y")
    record(project, "title", ids[1], "MC", "n")
    before = len(stored(project))

    async def steps(pilot: Pilot[None], app: MnrApp) -> None:
        app.open_step("conflicts", "title")
        conflicts = await shown(pilot, ConflictsScreen)
        await pilot.press("n")
        await shown(pilot, TextPrompt)
        await pilot.press("enter")  # empty
        await shown(pilot, ConflictsScreen)
        assert conflicts.current == ids[1]

    drive(project, steps, screen="home", stage=None)
    assert len(stored(project)) == before


# -- 9. home screen ---------------------------------------------------------------------


def test_home_lists_each_stage_with_its_counts_and_enter_opens_it(project: Project) -> None:
    ids = work_ids(project)
    record(project, "title", ids[0], "BH", "y")

    async def steps(pilot: Pilot[None], app: MnrApp) -> None:
        home = await shown(pilot, HomeScreen)
        listing = home.query_one("#steps", OptionList)
        prompts = {listing.get_option_at_index(i).id: str(listing.get_option_at_index(i).prompt)
                   for i in range(listing.option_count)}
        assert "8 records" in prompts["searches"]
        assert "8 works" in prompts["dedupe"]
        title = prompts["stage:title"]
        assert title.startswith("Title") and "8 works" in title
        assert "you 1/8" in title and "8 waiting" in title
        assert prompts["stage:abstract"].startswith("Abstract")
        assert "0 works" in prompts["stage:abstract"]
        assert prompts["stage:fulltext"].startswith("Fulltext")
        assert "0 studies" in prompts["included"]
        assert listing.highlighted == list(prompts).index("stage:title")
        await pilot.press("enter")
        screen = await screening(pilot)
        assert screen.stage == "title" and screen.session.reviewer == "BH"
        assert len(app.screen_stack) == 3
        await pilot.press("y", "y")  # works 1 and 2 (work 1 is decided again)
        await pilot.press("escape")
        await shown(pilot, HomeScreen)
        assert app.is_running
        listing = home.query_one("#steps", OptionList)
        title = str(listing.get_option_at_index(listing.highlighted or 0).prompt)
        assert title.startswith("Title") and "you 2/8" in title

    drive(project, steps, screen="home", stage=None)


def test_home_asks_who_is_screening_when_no_reviewer_is_given(project: Project) -> None:
    async def steps(pilot: Pilot[None], app: MnrApp) -> None:
        await shown(pilot, HomeScreen)
        await pilot.press("enter")
        picker = await shown(pilot, ReviewerPicker)
        picker.query_one("#reviewers", OptionList).highlighted = 1
        await pilot.press("enter")
        screen = await screening(pilot)
        assert app.reviewer == "MC" and screen.session.reviewer == "MC"
        await pilot.press("m")

    drive(project, steps, reviewer=None, screen="home", stage=None)
    assert [(e.reviewer, e.decision) for e in stored(project)] == [("MC", "m")]


# -- 10. another reviewer deciding meanwhile ---------------------------------------------


def test_decisions_from_another_process_are_picked_up_by_the_poll(project: Project) -> None:
    ids = work_ids(project)

    async def steps(pilot: Pilot[None], app: MnrApp) -> None:
        screen = await screening(pilot)
        await pilot.press("y")  # BH: ids[0]
        assert screen.session.decided == 1
        record(project, "title", ids[0], "MC", "n")
        record(project, "title", ids[1], "MC", "y")
        record(project, "title", ids[2], "MC", "m")
        stage = screen.session.stage
        assert stage.works[ids[1]].decision_of("MC") is None  # not seen yet
        screen._poll()
        await pilot.pause()
        seen = {w: stage.works[w].decision_of("MC") for w in ids[:4]}
        assert {w: e.decision if e else None for w, e in seen.items()} == {
            ids[0]: "n", ids[1]: "y", ids[2]: "m", ids[3]: None}
        assert screen.session.decided == 1  # BH's count is BH's alone
        assert "1/8 decided" in plain(screen.query_one("#counts", Static))
        assert stage.outcome(ids[0]) == CONFLICT
        assert str(screen._row(ids[0])).startswith("Y  N  !")
        assert current(screen) == ids[1]
        assert "MC" not in detail(screen)  # still blind to MC's Y on the work shown
        await pilot.press("f", "f", "f", "f", "f")
        assert screen.filter == "conflicts" and rows(screen) == [ids[0]]

    drive(project, steps)


def test_the_poll_runs_by_itself(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(screening_module, "POLL_SECONDS", 0.05)
    ids = work_ids(project)

    async def steps(pilot: Pilot[None], app: MnrApp) -> None:
        screen = await screening(pilot)
        record(project, "title", ids[0], "MC", "y")
        stage = screen.session.stage
        for _ in range(200):
            if stage.works[ids[0]].decision_of("MC") is not None:
                break
            await asyncio.sleep(0.01)
            await pilot.pause()
        assert stage.works[ids[0]].decision_of("MC") is not None
        assert "hidden until you decide" in detail(screen)

    drive(project, steps)


def test_a_library_held_by_another_writer_is_a_notice_and_the_poll_tries_again(
        project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    def held(*args: object, **kwargs: object) -> NoReturn:
        raise LibraryUnavailable("the library could not be read or written just now "
                                 "(database is locked); try again"
                                 ) from sqlite3.OperationalError("database is locked")

    async def steps(pilot: Pilot[None], app: MnrApp) -> None:
        screen = await screening(pilot)
        first = current(screen)
        monkeypatch.setattr(screen.session, "decide", held)
        monkeypatch.setattr(screen.session, "poll", held)
        await pilot.press("y")
        assert current(screen) == first and screen.session.decided == 0  # nothing moved
        screen._poll()  # busy: no error, the next poll tries again
        await pilot.pause()
        assert [n.message for n in app._notifications] == [
            "Not saved, the library is busy: database is locked"]
        assert app.is_running

    drive(project, steps)
    assert stored(project) == []


# -- what the screen looks like ---------------------------------------------------------


def test_the_screenshot_shows_the_list_the_work_and_the_counts(project: Project) -> None:
    async def steps(pilot: Pilot[None], app: MnrApp) -> None:
        screen = await screening(pilot)
        svg = app.export_screenshot()
        shown_text = html.unescape("".join(re.findall(r"<text[^>]*>(.*?)</text>", svg)))
        shown_text = shown_text.replace("\xa0", " ")
        assert "Title screening" in shown_text and "0/8 decided" in shown_text
        assert "Care planning in community mental" in shown_text  # the first row
        assert "Care planning in community mental health teams: an ethnography" in shown_text
        assert "We observed care planning meetings" in shown_text  # the abstract
        content = screen.query_one("#detail", TextPane).content
        assert isinstance(content, Group)
        title = content.renderables[0]
        assert isinstance(title, Text)
        marked = {title.plain[span.start:span.end]: str(span.style) for span in title.spans}
        assert marked == {"Care planning": "bold green underline",
                          "community mental health": "bold green underline"}

    drive(project, steps)


def test_lines_a_pull_brings_reach_the_running_screen_and_are_said(
        project: Project, tmp_path: Path) -> None:
    """MC screened in their own copy of the review; their judgement file arrives (a pull,
    a synced folder) while BH screens: the next poll applies it, says so, and BH sees
    MC's decision beside theirs."""
    import shutil

    from mnr.review import open_review

    first = work_ids(project)[0]
    colleague = tmp_path / "colleague"
    shutil.copytree(project.root, colleague)
    theirs = Project(colleague)
    library = open_review(theirs).library
    try:
        here = load(library, theirs.settings()).stage("title")
        decide.decide(library, here, first, "MC", "n")
    finally:
        library.close()

    async def steps(pilot: Pilot[None], app: MnrApp) -> None:
        screen = await screening(pilot)
        await pilot.press("y")
        await pilot.pause()
        (project.root / "judgements").mkdir(exist_ok=True)
        shutil.copy(colleague / "judgements" / "MC.jsonl",
                    project.root / "judgements" / "MC.jsonl")
        screen._poll()
        await pilot.pause()
        said = [str(n.message) for n in app._notifications]
        assert "Applied 1 new judgement lines from judgements/ (MC)" in said
        mine = screen.session.stage.visible_decisions(first, "BH")
        assert {name: entry.decision for name, entry in mine.items()} == {"BH": "y", "MC": "n"}

    drive(project, steps)


def test_a_linked_report_is_shown_with_its_study(project: Project) -> None:
    """An erratum linked to its paper (`mnr studies suggest --accept`) is screened as a
    work of its own, and its detail says which study it reports; the paper's names it."""
    from mnr.synthesis import links

    lead, report = work_ids(project)[:2]
    library = Library.open(project.database_file)
    try:
        links.link(library, lead, [report], "BH")
    finally:
        library.close()
    seen: dict[int, str] = {}

    async def steps(pilot: Pilot[None], app: MnrApp) -> None:
        screen = await screening(pilot)
        for _ in rows(screen):
            work = current(screen)
            assert work is not None
            seen[work] = detail(screen)
            await pilot.press("j")
            await pilot.pause()

    drive(project, steps)
    assert f"Report of study W{lead}" in seen[report]
    assert f"Study W{lead}, with its reports W{report}" in seen[lead]
    others = [text for work, text in seen.items() if work not in (lead, report)]
    assert others and not any("study W" in text.lower() for text in others)
