"""A team across machines: each reviewer works in a clone of the review's git repository,
commits and pulls; the judgement logs merge without conflicts and every clone's library
ends with every decision, each applied once, as if all were made in one library.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from mnr.cli import main
from mnr.journal import GITATTRIBUTES
from mnr.library import Library
from tests.helpers import make_project, ris_text

TITLES: list[str | None] = [
    "Care planning in community mental health teams: a qualitative study",
    "Recovery-oriented care coordination for adults with psychosis",
    "Inpatient ward rounds and discharge planning",
    "Personalised care plans in child and adolescent services",
    "Service user involvement in care programme approach reviews",
    "A randomised trial of case management",
    "Carers' experiences of care planning in community mental health",
    "Shared decision making in the care programme approach",
]
BH = {"W1": "y", "W2": "y", "W3": "n", "W4": "n", "W5": "y", "W6": "n", "W7": "y", "W8": "m"}
MC = {"W1": "y", "W2": "n", "W3": "n", "W4": "y", "W5": "y", "W6": "n", "W7": "m", "W8": "y"}
# BH and MC disagree on W2 and W4 (Y against N): two conflicts; M against Y is none


# -- git and mnr, as a person runs them ------------------------------------------------

GIT_ENV = {"GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull,
           "GIT_TERMINAL_PROMPT": "0"}


def git(root: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True,
                          timeout=60, env={**os.environ, **GIT_ENV})
    if check:
        assert done.returncode == 0, (args, done.stdout, done.stderr)
    return done


def clone(origin: Path, target: Path, name: str) -> Path:
    git(origin.parent, "clone", "--quiet", str(origin), str(target))
    git(target, "config", "user.name", name)
    git(target, "config", "user.email", f"{name.lower()}@example.org")
    git(target, "config", "pull.rebase", "false")  # a pull merges
    return target


def commit(root: Path, message: str) -> None:
    git(root, "add", "-A")
    git(root, "commit", "--quiet", "-m", message)


def pull(root: Path) -> str:
    """git pull, which must merge without a conflict; what git said."""
    done = git(root, "pull", "--no-edit", check=False)
    said = done.stdout + done.stderr
    assert done.returncode == 0 and "CONFLICT" not in said, said
    assert git(root, "status", "--porcelain").stdout == ""  # nothing unmerged, no leftovers
    for log in (root / "judgements").glob("*.jsonl"):
        assert "<<<<<<<" not in log.read_text("utf-8")
    return said


def mnr(root: Path, *args: str) -> Result:
    """One command, run in the clone ``root``; it must succeed."""
    with contextlib.chdir(root):
        result = CliRunner().invoke(main, list(args), env={"MNR_REVIEWER": None})
    assert result.exit_code == 0, (args, result.output, result.stderr)
    return result


def screen(root: Path, reviewer: str, decisions: dict[str, str]) -> None:
    for work, decision in decisions.items():
        mnr(root, "decide", work, decision, "--stage", "title", "--reviewer", reviewer)


def outcome(root: Path) -> dict[str, Any]:
    """What the team sees of the title stage: PRISMA, agreement and the conflicts."""
    return {"prisma": json.loads(mnr(root, "prisma", "--format", "json").stdout),
            "agreement": json.loads(mnr(root, "agreement", "--stage", "title",
                                        "--json").stdout),
            "conflicts": json.loads(mnr(root, "conflicts", "--stage", "title",
                                        "--json").stdout),
            "status": json.loads(mnr(root, "status", "--json").stdout)}


def decisions(root: Path) -> Counter[tuple[str, ...]]:
    """The screening log's rows, each as often as it is there, without what differs from
    library to library: the E numbers (and so an undo's), the time and the origin."""
    rows = mnr(root, "decisions", "export").stdout.splitlines()
    assert rows[0] == ("entry,work,record,stage,reviewer,kind,decision,reason,note,undoes,"
                       "time,origin")
    return Counter(tuple(row.split(",")[1:9]) for row in rows[1:])


def applied(root: Path) -> int:
    """How many judgement lines the library has applied (each once: the key is the id)."""
    library = Library.open(root / "library" / "library.sqlite")
    try:
        with library.engine.connect() as conn:
            return int(conn.exec_driver_sql("SELECT count(*) FROM journal").scalar_one())
    finally:
        library.close()


def lines(root: Path) -> int:
    """How many judgement lines the clone's folder holds (no id twice)."""
    ids = [json.loads(raw)["id"] for log in (root / "judgements").glob("*.jsonl")
           for raw in log.read_text("utf-8").splitlines() if raw.strip()]
    assert len(ids) == len(set(ids))
    return len(ids)


# -- a review in git --------------------------------------------------------------------

def _review(folder: Path) -> Path:
    """Eight works W1-W8 (MEDLINE; CINAHL brings W1 and W2 again), two reviewers,
    deduplicated."""
    project = make_project(folder)
    text = project.review_file.read_text("utf-8").replace('reviewers = ["R1"]',
                                                          'reviewers = ["BH", "MC"]')
    project.review_file.write_text(text, "utf-8")
    for name, titles, database in [("medline.ris", TITLES, "MEDLINE"),
                                   ("cinahl.ris", TITLES[:2], "CINAHL")]:
        export = folder / name
        export.write_text(ris_text(list(titles)), "utf-8")
        mnr(project.root, "import", str(export), "--database", database)
    mnr(project.root, "dedupe")
    return project.root


@pytest.fixture
def origin(tmp_path: Path) -> Path:
    """The team's shared repository (bare), holding the review: everything but the
    library, which each clone builds for itself."""
    seed = _review(tmp_path / "seed")
    assert "/library/library.sqlite*" in (seed / ".gitignore").read_text("utf-8")  # mnr init's
    git(seed, "-c", "init.defaultBranch=main", "init", "--quiet")
    git(seed, "config", "user.name", "Seed")
    git(seed, "config", "user.email", "seed@example.org")
    commit(seed, "The review: protocol, searches, the first deduplication pass")
    tracked = git(seed, "ls-files").stdout.split()
    assert "judgements/.gitattributes" in tracked and "judgements/team.jsonl" in tracked
    assert not [name for name in tracked if name.startswith("library/")]
    assert (seed / "library" / "library.sqlite").is_file()  # there, and left out
    assert (seed / "judgements" / ".gitattributes").read_text("utf-8") == GITATTRIBUTES
    bare = tmp_path / "origin.git"
    git(tmp_path, "clone", "--quiet", "--bare", str(seed), str(bare))
    return bare


def one_library(tmp_path: Path) -> Path:
    """The same review, where both reviewers decide in one library."""
    root = _review(tmp_path / "one")
    screen(root, "BH", BH)
    screen(root, "MC", MC)
    return root


# -- (1) two reviewers, two clones ------------------------------------------------------

def exchange(origin: Path, tmp_path: Path) -> tuple[Path, Path]:
    """BH screens in clone A and MC in clone B, at the same time; both commit, A pushes, B
    pulls (a merge) and pushes, A pulls. Returns the two clones."""
    a = clone(origin, tmp_path / "a", "BH")
    b = clone(origin, tmp_path / "b", "MC")
    halves = [dict(list(BH.items())[:4]), dict(list(BH.items())[4:])]
    screen(a, "BH", halves[0])  # their lines interleave in time
    screen(b, "MC", MC)
    screen(a, "BH", halves[1])
    assert json.loads(mnr(a, "conflicts", "--stage", "title", "--json").stdout) == []
    commit(a, "BH: titles")
    commit(b, "MC: titles")
    git(a, "push", "--quiet", "origin", "HEAD")
    assert "Merge made" in pull(b)  # BH's file merged into MC's clone
    git(b, "push", "--quiet", "origin", "HEAD")
    pull(a)  # A takes the merge: a fast-forward
    assert git(a, "rev-parse", "HEAD").stdout == git(b, "rev-parse", "HEAD").stdout
    return a, b


def test_two_reviewers_in_two_clones_merge_without_conflict_and_see_each_other(
        origin: Path, tmp_path: Path) -> None:
    a, b = exchange(origin, tmp_path)
    assert sorted(p.name for p in (a / "judgements").glob("*.jsonl")) == [
        "BH.jsonl", "MC.jsonl", "team.jsonl"]
    one = one_library(tmp_path)
    expected = outcome(one)
    assert [(c["work"], [(d["reviewer"], d["decision"]) for d in c["decisions"]])
            for c in expected["conflicts"]] == [
        ("W2", [("BH", "y"), ("MC", "n")]), ("W4", [("BH", "n"), ("MC", "y")])]
    [pair] = expected["agreement"][0]["pairs"]
    assert (pair["reviewer_a"], pair["reviewer_b"], pair["n"], pair["observed"]) == (
        "BH", "MC", 8, 0.5)
    for root in (a, b):
        assert outcome(root) == expected, root.name
        assert decisions(root) == decisions(one)
        assert sum(decisions(root).values()) == 16
        assert applied(root) == lines(root) == 17  # 16 decisions and the pass
    # BH resolves one conflict in A; B pulls it
    mnr(a, "resolve", "W2", "y", "--stage", "title", "--reviewer", "BH", "--reason",
        "Discussed: in scope")
    commit(a, "BH: resolved W2")
    git(a, "push", "--quiet", "origin", "HEAD")
    pull(b)
    for root in (a, b):
        [left] = json.loads(mnr(root, "conflicts", "--stage", "title", "--json").stdout)
        assert left["work"] == "W4"
        assert applied(root) == lines(root) == 18
    assert outcome(a) == outcome(b)


def test_both_clones_hold_the_same_screening_log(origin: Path, tmp_path: Path) -> None:
    """The same entries in both; their E numbers are each library's own (the order it
    applied them in: B had MC's lines first), as row numbers are. What names an act on
    every machine is its judgement line's id."""
    a, b = exchange(origin, tmp_path)

    def entries(root: Path) -> list[str]:
        rows = mnr(root, "decisions", "export").stdout.splitlines()[1:]
        return sorted(",".join(row.split(",")[1:8] + row.split(",")[9:]) for row in rows)

    assert entries(a) == entries(b) and len(entries(a)) == 16


# -- (2) one reviewer, two machines -------------------------------------------------------

def test_one_reviewer_on_two_machines_appends_to_one_file_and_git_keeps_both(
        origin: Path, tmp_path: Path) -> None:
    """BH screens on the office machine and on a laptop without pulling between: both
    append to judgements/BH.jsonl; merge=union keeps the lines of both."""
    office = clone(origin, tmp_path / "office", "BH")
    laptop = clone(origin, tmp_path / "laptop", "BH")
    first, second = dict(list(BH.items())[:4]), dict(list(BH.items())[4:])
    screen(office, "BH", first)
    commit(office, "BH: W1-W4")
    git(office, "push", "--quiet", "origin", "HEAD")
    screen(laptop, "BH", second)
    mnr(laptop, "undo", "--stage", "title", "--reviewer", "BH")  # an undo and again
    screen(laptop, "BH", {"W8": "m"})
    commit(laptop, "BH: W5-W8")
    said = pull(laptop)  # both commits appended to BH.jsonl
    assert "Merge made" in said
    git(laptop, "push", "--quiet", "origin", "HEAD")
    pull(office)
    for root in (office, laptop):
        stage = json.loads(mnr(root, "status", "--json").stdout)["screening"][0]
        assert stage["decided"] == {"BH": 8, "MC": 0}
        assert applied(root) == lines(root) == 11  # the pass, 8 decisions, an undo, again
        assert decisions(root) == decisions(laptop)
        assert mnr(root, "status").stderr == ""  # nothing left to apply: each applied once
    rebuilt = tmp_path / "rebuilt"
    shutil.copytree(laptop, rebuilt, ignore=shutil.ignore_patterns("library"))
    assert outcome(rebuilt) == outcome(laptop) == outcome(office)
    assert decisions(rebuilt) == decisions(laptop)


# -- (3) decisions sent as a file, and also through git ------------------------------------

def test_a_colleagues_export_imported_twice_imports_nothing_the_second_time(
        origin: Path, tmp_path: Path) -> None:
    a = clone(origin, tmp_path / "a", "BH")
    b = clone(origin, tmp_path / "b", "MC")
    screen(b, "MC", MC)
    exported = tmp_path / "mc.csv"
    mnr(b, "decisions", "export", "-o", str(exported))
    screen(a, "BH", BH)
    first = mnr(a, "decisions", "import", str(exported))
    assert "Imported 8 new rows" in first.stderr
    second = mnr(a, "decisions", "import", str(exported))
    assert "Nothing new in" in second.stderr
    assert "8 rows were in the log already, skipped." in " ".join(second.stderr.split())
    assert sum(decisions(a).values()) == 16
    assert applied(a) == lines(a) == 17


def test_decisions_pulled_after_they_came_by_file_are_not_applied_twice(
        origin: Path, tmp_path: Path) -> None:
    """B's decisions reach A twice: as B's export (imported), and by git."""
    a = clone(origin, tmp_path / "a", "BH")
    b = clone(origin, tmp_path / "b", "MC")
    screen(b, "MC", MC)
    exported = tmp_path / "mc.csv"
    mnr(b, "decisions", "export", "-o", str(exported))
    commit(b, "MC: titles")
    git(b, "push", "--quiet", "origin", "HEAD")
    screen(a, "BH", BH)
    mnr(a, "decisions", "import", str(exported))
    commit(a, "BH: titles, and MC's by e-mail")
    pull(a)
    assert sum(decisions(a).values()) == 16, "MC's decisions are in the log twice"
    assert outcome(a) == outcome(one_library(tmp_path))


def test_an_export_of_decisions_pulled_already_imports_nothing(
        origin: Path, tmp_path: Path) -> None:
    a = clone(origin, tmp_path / "a", "BH")
    b = clone(origin, tmp_path / "b", "MC")
    screen(b, "MC", MC)
    exported = tmp_path / "mc.csv"
    mnr(b, "decisions", "export", "-o", str(exported))
    commit(b, "MC: titles")
    git(b, "push", "--quiet", "origin", "HEAD")
    pull(a)
    screen(a, "BH", BH)
    before = lines(a)
    again = mnr(a, "decisions", "import", str(exported))
    assert "Nothing new in" in again.stderr
    assert lines(a) == before == applied(a)
    assert sum(decisions(a).values()) == 16
