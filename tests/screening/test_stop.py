"""Stopping screening by the rule: recorded as a judgement, counted by PRISMA as
"records marked as ineligible by automation tools", said in a methods statement, and
rebuilt from the review folder like every other act."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from mnr.cli import main
from mnr.errors import MnrError
from mnr.prisma.counts import count
from mnr.review import open_review
from mnr.screening import decide as actions
from mnr.screening.ranking import Prioritiser, training_labels
from mnr.screening.state import load
from mnr.screening.stop import record_stop, rule_at
from tests.helpers import import_text, make_project, ris_text

RELEVANT = "care planning and care coordination in community mental health teams"
OTHER = ["knee surgery outcomes", "antibiotic resistance in hospitals",
         "sodium and blood pressure", "fractures in emergency care", "school vaccination"]


def _review(tmp_path: Path) -> Path:
    """A one-reviewer review of 160 works: 10 about care planning, 150 not."""
    project = make_project(tmp_path)
    lines = ['reviewers = ["BH"]' if line.startswith("reviewers =") else line
             for line in project.review_file.read_text("utf-8").splitlines()]
    project.review_file.write_text("\n".join(lines) + "\n", "utf-8")
    titles = [f"{RELEVANT} study {n}" if n % 16 == 0 else f"{OTHER[n % 5]} cohort {n}"
              for n in range(160)]
    import_text(project, "search.ris", ris_text(titles), "MEDLINE")
    return project.root


def _screen_in_relevance_order(root: Path, until_stop: bool) -> int:
    """BH screens in the model's order (an oracle says which are relevant) until the
    rule says stop; returns how many were screened."""
    from mnr.project import Project

    project = Project(root)
    opened = open_review(project)
    library, settings = opened.library, project.settings()
    try:
        from mnr.dedupe.passes import deduplicate

        deduplicate(library)
        stage = load(library, settings).stage("title")
        texts = library.screening.work_texts()
        prioritiser = Prioritiser({w: texts[w] for w in stage.work_ids})
        screened = 0
        while True:
            ranked = prioritiser.rank(training_labels(stage, "BH"))
            if not ranked.order or (until_stop and rule_at(library, settings,
                                                              "title").stop):
                return screened
            work = ranked.order[0]
            relevant = RELEVANT in texts[work]
            actions.decide(library, stage, work, "BH", "y" if relevant else "n")
            screened += 1
    finally:
        library.close()


def test_the_team_stops_when_the_rule_says_and_prisma_counts_the_rest(tmp_path: Path,
                                                                      monkeypatch) -> None:
    root = _review(tmp_path)
    screened = _screen_in_relevance_order(root, until_stop=True)
    assert 10 < screened < 160  # every relevant one found early, then the rule stopped it
    monkeypatch.chdir(root)
    runner = CliRunner()
    checked = runner.invoke(main, ["stop", "--stage", "title", "--check"])
    assert "95% recall reached with 95% confidence" in checked.output
    done = runner.invoke(main, ["stop", "--stage", "title", "--reviewer", "BH"])
    assert done.exit_code == 0, done.output
    again = runner.invoke(main, ["stop", "--stage", "title", "--reviewer", "BH"])
    assert again.exit_code != 0 and "stopped already" in again.output
    flow = json.loads(runner.invoke(main, ["prisma", "--format", "json"]).stdout)
    assert flow["excluded_automatic"] == 160 - screened
    assert flow["records_screened"] == screened
    assert flow["records_excluded"] == screened - 10
    assert "hypergeometric stopping rule (Callaghan & Müller-Hansen 2020)" in flow["methods"]
    assert f"after {screened:,} of 160 records" in flow["methods"]
    table = runner.invoke(main, ["prisma"]).output
    assert "Methods (screening prioritisation and stopping)" in table
    # the decision to stop is a judgement line: a library rebuilt from the folder has it
    lines = (root / "judgements" / "BH.jsonl").read_text("utf-8").splitlines()
    assert json.loads(lines[-1])["act"] == "stop"
    shutil.rmtree(root / "library")
    rebuilt = json.loads(runner.invoke(main, ["prisma", "--format", "json"]).stdout)
    assert rebuilt == flow


def test_the_rule_must_be_met_unless_forced_and_never_at_the_last_stage(
        tmp_path: Path) -> None:
    root = _review(tmp_path)
    from mnr.project import Project

    project = Project(root)
    library = open_review(project).library
    try:
        from mnr.dedupe.passes import deduplicate

        deduplicate(library)
        settings = project.settings()
        with pytest.raises(MnrError, match="not yet shown"):
            record_stop(library, settings, "title", "BH")
        with pytest.raises(MnrError, match="last stage"):
            record_stop(library, settings, "fulltext", "BH")
        made, test = record_stop(library, settings, "title", "BH", force=True)
        assert not test.stop and made.note == "stopped before the rule was met"
        flow = count(library, settings)
        assert flow.excluded_automatic == 160 and flow.records_screened == 0
    finally:
        library.close()


def _press_stop_in_the_screen(root: Path, keys: list[str]) -> list[str]:
    """Open the title screening screen as BH, press X then ``keys``; the notices shown."""
    import asyncio

    from mnr.project import Project
    from mnr.tui.app import MnrApp
    from mnr.tui.screens.screening import ScreeningScreen
    from tests.tui.pilot import shown

    said: list[str] = []

    async def run() -> None:
        app = MnrApp(Project(root), "BH", "screening", "title")
        async with app.run_test(size=(140, 40)) as pilot:
            screen = await shown(pilot, ScreeningScreen)
            original = screen.notify

            def notify(message: str, **kwargs: object) -> None:
                said.append(message)
                original(message, **kwargs)  # type: ignore[arg-type]

            screen.notify = notify  # type: ignore[method-assign]
            await pilot.press("X", *keys)
            await pilot.pause()
    asyncio.run(run())
    return said


def test_x_in_the_screening_screen_stops_once_the_rule_says_so(tmp_path: Path) -> None:
    from mnr.dedupe.passes import deduplicate
    from mnr.project import Project

    root = _review(tmp_path)
    nothing = _press_stop_in_the_screen(root, [])  # not deduplicated: no works yet
    assert "There are no works at this stage to stop screening." in nothing
    library = open_review(Project(root)).library
    try:
        deduplicate(library)
    finally:
        library.close()
    early = _press_stop_in_the_screen(root, [])
    assert any(n.startswith("Not yet: 95% recall not yet shown") for n in early)
    screened = _screen_in_relevance_order(root, until_stop=True)
    cancelled = _press_stop_in_the_screen(root, ["2"])  # "Screen on"
    assert not any(n.startswith("Stopped") for n in cancelled)
    library = open_review(Project(root)).library
    try:
        assert library.screening.stops() == []
    finally:
        library.close()
    stopped = _press_stop_in_the_screen(root, ["1"])
    assert f"Stopped: the {160 - screened:,} works not screened" in " ".join(stopped)
    library = open_review(Project(root)).library
    try:
        (stop,) = library.screening.stops()
        assert (stop.stage, stop.reviewer, stop.screened) == ("title", "BH", screened)
        assert count(library, Project(root).settings()).excluded_automatic == 160 - screened
    finally:
        library.close()
