"""Two reviewers screening the same library at once, in two processes, or in two copies
of the review that exchange their logs: nothing is lost, nothing counted twice."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from mnr.dedupe.passes import deduplicate
from mnr.library import Library
from mnr.project import Project
from mnr.screening import decide
from mnr.screening.state import Stage, load
from tests.helpers import import_text, make_project, ris_text
from tests.screening.conftest import TITLES, Review

SCRIPT = """
import sys
import time
from pathlib import Path
from mnr.library import Library
from mnr.project import Project
from mnr.screening.session import ScreeningSession

project = Project(Path(sys.argv[1]))
reviewer, rounds, start = sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
library = Library.open(project.database_file)
session = ScreeningSession(library, project.settings(), reviewer, "title")
works = session.stage.work_ids
time.sleep(max(0.0, start - time.time()))  # both start deciding at the same moment
for number in range(rounds):
    session.decide(works[number % len(works)], "ynm"[number % 3])
    if number % 10 == 9:
        session.undo()
    session.poll()
library.close()
"""


def test_two_processes_deciding_at_once_keep_every_decision(review: Review) -> None:
    rounds = 300
    root, start = str(review.project.root), str(time.time() + 2.0)
    children = [subprocess.Popen([sys.executable, "-c", SCRIPT, root, reviewer, str(rounds),
                                  start],
                                 stderr=subprocess.PIPE, text=True, cwd=Path(__file__).parents[2])
                for reviewer in ("BH", "MC")]
    for child in children:
        _, errors = child.communicate(timeout=120)
        assert child.returncode == 0, errors
        assert "locked" not in errors
    log = review.library.screening.log()
    for reviewer in ("BH", "MC"):
        mine = [e for e in log if e.reviewer == reviewer]
        assert sum(e.kind == "decision" for e in mine) == rounds
        assert sum(e.kind == "undo" for e in mine) == rounds // 10
    switches = sum(a.reviewer != b.reviewer for a, b in zip(log, log[1:], strict=False))
    assert switches > 10  # the two really wrote at the same time
    assert len({e.entry_id for e in log}) == len(log) == 2 * (rounds + rounds // 10)
    title = load(review.library, review.settings).stage("title")
    assert all(set(title.works[w].current()) == {"BH", "MC"} for w in title.work_ids)


def mnr(cwd: Path, *args: str) -> str:
    """What the command wrote to stdout, or (if nothing) to stderr."""
    result = subprocess.run([sys.executable, "-m", "mnr", *args], cwd=cwd, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout or result.stderr


def copy_of_review(folder: Path) -> Project:
    """The conftest's review, made afresh in ``folder``: the same works, W1-W6."""
    project = make_project(folder)
    import_text(project, "search.ris", ris_text(list(TITLES)), "MEDLINE")
    library = Library.open(project.database_file)
    deduplicate(library)
    Review(project, library).reviewers('reviewers = ["BH", "MC"]')
    library.close()
    return project


@contextmanager
def stage_of(project: Project, name: str) -> Iterator[tuple[Library, Stage]]:
    library = Library.open(project.database_file)
    try:
        yield library, load(library, project.settings()).stage(name)
    finally:
        library.close()


def screen(project: Project, reviewer: str, stage: str, decisions: str) -> None:
    """The reviewer's decisions on the works at the stage, in order (x: excluded with a
    reason), after a decision taken back and with a note."""
    with stage_of(project, stage) as (library, at):
        decide.decide(library, at, at.work_ids[0], reviewer, "m")
        decide.undo_last(library, at, reviewer)
        for work_id, decision in zip(at.work_ids, decisions, strict=True):
            reason = "Wrong setting" if decision == "x" else None
            decide.decide(library, at, work_id, reviewer, "n" if reason else decision, reason)
        decide.add_note(library, at, at.work_ids[-1], reviewer, f"{reviewer}, {stage}")


def swap(giver: Project, taker: Project, name: str) -> str:
    """The giver's whole log exported, imported by the taker: what the import said."""
    path = giver.root.parent / name
    mnr(giver.root, "decisions", "export", "-o", str(path))
    return " ".join(mnr(taker.root, "decisions", "import", str(path)).split())


def contents(project: Project) -> list[tuple[str, ...]]:
    """The log without entry ids and origins, in a fixed order: an undo by the reviewer
    and time of the entry it takes back."""
    library = Library.open(project.database_file)
    try:
        log = library.screening.log()
    finally:
        library.close()
    by_id = {e.entry_id: e for e in log}
    return sorted(
        (f"W{e.work_id}", e.stage, e.reviewer, e.kind, e.decision or "", e.reason or "",
         e.note or "", e.decided_at,
         f"{by_id[e.undoes].reviewer} {by_id[e.undoes].decided_at}" if e.undoes else "")
        for e in log)


VIEWS = [("agreement", "--json"), ("conflicts", "--json"), ("prisma", "--format", "json")]


def views(project: Project) -> list[object]:
    """`mnr agreement`, `conflicts` and `prisma`, as JSON; a conflict's decisions in
    reviewer order (`conflicts` lists them in the order the copy's log has them)."""
    agreement, conflicts, prisma = (json.loads(mnr(project.root, *args)) for args in VIEWS)
    for conflict in conflicts:
        conflict["decisions"].sort(key=lambda decision: decision["reviewer"])
    return [agreement, conflicts, prisma]


def test_two_copies_exchanging_whole_exports_end_the_same(tmp_path: Path) -> None:
    bh, mc = copy_of_review(tmp_path / "bh"), copy_of_review(tmp_path / "mc")
    screen(bh, "BH", "title", "yyxyxy")  # blind, each in their own copy
    screen(mc, "MC", "title", "ynxyxy")
    assert "Imported 9 new rows" in swap(bh, mc, "bh1.csv")
    assert "Imported 9 new rows" in swap(mc, bh, "mc1.csv")
    assert contents(bh) == contents(mc)
    assert views(bh) == views(mc)

    with stage_of(bh, "title") as (library, title):  # W2: Y against N
        decide.resolve(library, title, 2, "BH", "y", reason="discussed")
    screen(bh, "BH", "abstract", "yyxy")
    told = swap(bh, mc, "bh2.csv")  # MC's own rows come back with BH's
    assert "Imported 8 new rows" in told and "18 rows were in the log already" in told
    screen(mc, "MC", "abstract", "yxxy")
    told = swap(mc, bh, "mc2.csv")  # with BH's resolution: "W2 has no conflict to resolve"
    # was the answer before rows already in the log were skipped
    assert "Imported 7 new rows" in told and "26 rows were in the log already" in told
    assert contents(bh) == contents(mc)
    assert len(contents(bh)) == 33
    assert views(bh) == views(mc)

    for giver, taker, name in [(mc, bh, "mc2.csv"), (bh, mc, "bh3.csv")]:
        assert "Nothing new in" in swap(giver, taker, name)
    assert contents(bh) == contents(mc) and len(contents(mc)) == 33
