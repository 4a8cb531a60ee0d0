"""Two reviewers screening the same library at once, in two processes: nothing is lost."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from mnr.screening.state import load
from tests.screening.conftest import Review

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
