"""Works removed before screening: journalled and replayed like every act, out of the
screening list, and counted in PRISMA's "records removed before screening" boxes (the
stopping rule's unscreened works in the same automation box)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from mnr.dedupe.passes import deduplicate
from mnr.errors import MnrError
from mnr.library import Library
from mnr.prisma.counts import count
from mnr.project import Project, init_project
from mnr.review import open_review
from mnr.screening import decide as actions
from mnr.screening.remove import remove, restore
from mnr.screening.state import load
from mnr.screening.stop import record_stop
from mnr.searches import ImportOptions, import_file
from tests.helpers import works_by_doi
from tests.prisma.test_counts import PROTOCOL, _ris


@pytest.fixture
def project(tmp_path: Path) -> Project:
    """The known flow's searches (test_counts): 10 works, 8 from databases; x and y found
    by citation searching only."""
    made = init_project(tmp_path / "review", "A review with a known flow")
    made.review_file.write_text(PROTOCOL, "utf-8")
    library = open_review(made).library
    for name, keys, options in (
            ("medline.ris", "abcdef", ImportOptions(database="MEDLINE")),
            ("cinahl.ris", "abgh", ImportOptions(database="CINAHL")),
            ("citations.ris", "axy", ImportOptions(other_method="citation-searching"))):
        path = tmp_path / name
        path.write_text(_ris(keys), "utf-8")
        import_file(made, library, path, options)
    deduplicate(library)
    library.close()
    return made


@pytest.fixture
def opened(project: Project) -> Iterator[Library]:
    library = open_review(project).library
    yield library
    library.close()


def _lines(project: Project, act: str) -> list[dict[str, object]]:
    lines = []
    for path in sorted((project.root / "judgements").glob("*.jsonl")):
        lines += [json.loads(text) for text in path.read_text("utf-8").splitlines() if text]
    return [line for line in lines if line["act"] == act]


def _rebuilt(project: Project) -> Library:
    """The library deleted and built again from the review folder."""
    for path in project.library_dir.glob("library.sqlite*"):
        path.unlink()
    return open_review(project).library


def test_each_reason_fills_its_box_and_leaves_the_screening_list(
        project: Project, opened: Library) -> None:
    settings = project.settings()
    work = works_by_doi(opened)
    before = count(opened, settings)
    assert (before.excluded_automatic, before.excluded_other, before.records_screened) == (
        0, 0, 8)
    remove(opened, work["f"], "retracted", by="BH")
    remove(opened, work["e"], "ineligible-by-automation", "RobotSearch: not research",
           by="MC")
    remove(opened, work["d"], "other", "Conference abstract of a report we have")
    remove(opened, work["y"], "other", "Guidance, not a study")  # other methods only
    flow = count(opened, settings)
    assert flow.excluded_other == 2 and flow.excluded_automatic == 1
    assert flow.records_screened == 8 - 3  # records screened: never the removed
    first = load(opened, settings).stages[0]
    assert set(first.work_ids) == set(work.values()) - {work[k] for k in "fedy"}
    assert flow.stages[0].works == 6
    assert any("1 record found by other methods only was removed before screening" in gap
               for gap in flow.gaps)
    json_flow = flow.as_dict()
    assert (json_flow["excluded_automatic"], json_flow["excluded_other"]) == (1, 2)


def test_a_removal_is_journalled_replayed_and_taken_back_by_a_later_act(
        project: Project, opened: Library) -> None:
    settings = project.settings()
    work = works_by_doi(opened)
    remove(opened, work["f"], "retracted", by="BH")
    remove(opened, work["e"], "ineligible-by-automation", by="BH")
    [first, second] = _lines(project, "remove")
    assert (first["by"], first["action"], first["reason"]) == ("BH", "remove", "retracted")
    assert isinstance(first["on"], str) and ":" in first["on"]  # a record's stable name
    assert second["reason"] == "ineligible-by-automation"
    flow = count(opened, settings).as_dict()
    opened.close()

    library = _rebuilt(project)
    try:
        assert count(library, settings).as_dict() == flow
        assert sorted(library.screening.removed()) == sorted([work["f"], work["e"]])
        restore(library, work["f"], by="BH")
        back = count(library, settings)
        assert (back.excluded_other, back.excluded_automatic, back.records_screened) == (
            0, 1, 7)
        assert work["f"] in load(library, settings).stages[0].work_ids
    finally:
        library.close()
    assert [line["action"] for line in _lines(project, "remove")] == [
        "remove", "remove", "restore"]
    library = _rebuilt(project)
    try:
        assert list(library.screening.removed()) == [work["e"]]
        assert count(library, settings).excluded_other == 0
    finally:
        library.close()


def test_removals_are_refused_with_a_reason(project: Project, opened: Library) -> None:
    settings = project.settings()
    work = works_by_doi(opened)
    with pytest.raises(MnrError, match="not a reason"):
        remove(opened, work["a"], "duplicate")
    with pytest.raises(MnrError, match="--label"):
        remove(opened, work["a"], "other")
    with pytest.raises(MnrError, match="there is no work W999"):
        remove(opened, 999, "retracted")
    with pytest.raises(MnrError, match="is not removed"):
        restore(opened, work["a"])
    remove(opened, work["a"], "retracted")
    with pytest.raises(MnrError, match="removed already"):
        remove(opened, work["a"], "retracted")
    first = load(opened, settings).stage("title_abstract")
    actions.decide(opened, first, work["b"], "BH", "n", "Not research")
    with pytest.raises(MnrError, match="has been screened"):
        remove(opened, work["b"], "retracted")
    assert len(_lines(project, "remove")) == 1  # nothing refused was logged


def test_automation_removals_and_the_stopping_rule_feed_one_box(
        project: Project, opened: Library) -> None:
    """Works a tool marked ineligible and works nobody screened once the team stopped by
    the rule both count in 'marked as ineligible by automation tools', each once."""
    settings = project.settings()
    work = works_by_doi(opened)
    remove(opened, work["e"], "ineligible-by-automation", "classifier score < 0.1")
    first = load(opened, settings).stage("title_abstract")
    for key in "ab":
        for reviewer in ("BH", "MC"):
            actions.decide(opened, first, work[key], reviewer, "y")
    record_stop(opened, settings, "title_abstract", "BH", force=True)
    flow = count(opened, settings)
    # 8 database works: e removed by a tool; a and b screened; c, d, f, g, h not screened
    assert flow.excluded_automatic == 1 + 5
    assert flow.records_screened == 2
    assert flow.stages[0].automation == 5 + 2  # x and y (other methods) not screened either


def test_remove_from_the_command_line(project: Project) -> None:
    import contextlib

    from click.testing import CliRunner

    from mnr.cli import main

    library = open_review(project).library
    work = works_by_doi(library)
    library.close()
    runner = CliRunner()
    with contextlib.chdir(project.root):
        done = runner.invoke(main, ["remove", f"W{work['c']}", "--reason", "other", "--label",
                                    'Erratum, "notice"', "--reviewer", "BH"])
        assert done.exit_code == 0, done.output
        assert "Removed W" in done.stderr and 'Erratum, "notice"' in done.stderr
        refused = runner.invoke(main, ["remove", f"W{work['d']}"])
        assert refused.exit_code != 0 and "say why with --reason" in refused.output
        listed = json.loads(runner.invoke(main, ["remove", "--list", "--json"]).stdout)
        assert listed == [{"work": f"W{work['c']}", "reason": "other",
                           "label": 'Erratum, "notice"', "by": "BH",
                           "at": listed[0]["at"]}]
        flow = json.loads(runner.invoke(main, ["prisma", "--json"]).stdout)
        assert (flow["excluded_other"], flow["records_screened"]) == (1, 7)
        # `mnr status` (and the home screen's deduplication step) says it too
        status = json.loads(runner.invoke(main, ["status", "--json"]).stdout)
        assert status["removed_before_screening"] == {"other": 1}
        assert "1 work removed before screening (other 1)" in runner.invoke(
            main, ["status"]).output
        assert runner.invoke(main, ["remove", f"W{work['c']}", "--undo"]).exit_code == 0
        assert json.loads(runner.invoke(main, ["remove", "--list", "--json"]).stdout) == []
