"""The CLI through its real entry point: exit codes, data on stdout, messages on stderr."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import ris_text


def mnr(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mnr", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=120)


@pytest.fixture
def review(tmp_path: Path) -> Path:
    result = mnr(tmp_path, "init", "review", "--title", "Care planning in mental health")
    assert result.returncode == 0, result.stderr
    return tmp_path / "review"


@pytest.fixture
def export(tmp_path: Path) -> Path:
    path = tmp_path / "cinahl.ris"
    path.write_text(ris_text(["Care planning and recovery", "=HYPERLINK(\"http://x\")", None]))
    return path


def test_import_searches_status_export(review: Path, export: Path) -> None:
    result = mnr(review, "import", str(export), "--database", "CINAHL", "--platform",
                 "EBSCOhost", "--date", "2016-08-01", "--query", "care plan* AND mental health")
    assert result.returncode == 0, result.stderr
    assert "Imported S1 CINAHL: 3 records" in result.stderr
    assert "no title" in result.stderr and result.stdout == ""

    searches = json.loads(mnr(review, "searches", "--json").stdout)
    assert searches[0]["search"] == "S1" and searches[0]["query"] == "care plan* AND mental health"
    table = mnr(review, "searches").stdout
    assert "CINAHL" in table and "EBSCOhost" in table and "cinahl.ris" in table

    status = json.loads(mnr(review, "status", "--json").stdout)
    assert status["records"] == 3 and status["by_database"][0]["database"] == "CINAHL"
    assert status["untitled_records"] == 1
    assert "3 records" in mnr(review).stdout  # bare mnr shows the status

    exported = mnr(review, "export", "csv")
    assert exported.returncode == 0 and "Exported 3 records" in exported.stderr
    rows = list(csv.DictReader(io.StringIO(exported.stdout)))
    assert [row["database"] for row in rows] == ["CINAHL"] * 3
    assert rows[0]["search"] == "S1" and rows[0]["record"] == "R1"
    assert rows[1]["title"].startswith("'=HYPERLINK")  # neutralised for spreadsheets
    assert rows[2]["flags"] == "no title"


def test_every_export_format_writes_every_record(review: Path, export: Path) -> None:
    assert mnr(review, "import", str(export), "--database", "CINAHL").returncode == 0
    for name in ("ris", "bibtex", "json"):
        result = mnr(review, "export", name, "-o", str(review / f"out.{name}"))
        assert result.returncode == 0, result.stderr
        assert "Exported 3 records" in result.stderr
    for name in ("ris", "bibtex"):  # what mnr writes, mnr (and other tools) can read back
        again = mnr(review, "import", str(review / f"out.{name}"), "--database", "Re-import")
        assert again.returncode == 0, again.stderr
        assert ": 3 records" in again.stderr
    records = json.loads((review / "out.json").read_text())
    assert [r["title"] for r in records][:1] == ["Care planning and recovery"]


def test_errors_are_one_line_non_zero_and_change_nothing(review: Path, export: Path,
                                                        tmp_path: Path) -> None:
    assert mnr(review, "import", str(export), "--database", "CINAHL").returncode == 0
    before = mnr(review, "status", "--json").stdout

    twice = mnr(review, "import", str(export), "--database", "CINAHL")
    assert twice.returncode != 0 and "already imported as S1" in twice.stderr
    assert "Traceback" not in twice.stderr

    unknown = tmp_path / "notes.txt"
    unknown.write_text("Just some notes about the search.\n")
    result = mnr(review, "import", str(unknown), "--database", "X")
    assert result.returncode != 0 and "--format" in result.stderr
    assert "notes.txt" in result.stderr and "Traceback" not in result.stderr

    missing = mnr(review, "import", str(tmp_path / "nope.ris"), "--database", "X")
    assert missing.returncode != 0 and "no such file" in missing.stderr

    assert mnr(review, "status", "--json").stdout == before


def test_outside_a_review_says_how_to_make_one(tmp_path: Path) -> None:
    result = mnr(tmp_path, "status")
    assert result.returncode != 0 and "mnr init" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_broken_review_toml_names_the_line(review: Path) -> None:
    (review / "review.toml").write_text('[review]\ntitle = "x"\nquestion = \n')
    result = mnr(review, "status")
    assert result.returncode != 0 and "line 3" in result.stderr
    assert "Traceback" not in result.stderr


def test_withdraw_from_the_cli(review: Path, export: Path) -> None:
    mnr(review, "import", str(export), "--database", "CINAHL")
    result = mnr(review, "searches", "withdraw", "S1", "--reason", "wrong limits")
    assert result.returncode == 0, result.stderr
    status = json.loads(mnr(review, "status", "--json").stdout)
    assert status["records"] == 0 and status["withdrawn_searches"] == 1
    unknown = mnr(review, "searches", "withdraw", "X1", "--reason", "wrong limits")
    assert unknown.returncode == 1 and "'X1' is not a search id" in unknown.stderr


def test_every_command_has_help_with_an_example() -> None:
    from mnr.cli import main

    def walk(group: object, path: list[str]) -> list[list[str]]:
        found = [path]
        for name, command in getattr(group, "commands", {}).items():
            found += walk(command, [*path, name])
        return found

    for path in walk(main, []):
        result = subprocess.run([sys.executable, "-m", "mnr", *path, "--help"],
                                capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, path
        assert "Example" in result.stdout, f"mnr {' '.join(path)} --help has no example"


def test_two_imports_at_once_both_land(review: Path, tmp_path: Path) -> None:
    """Two librarians (two processes) importing into one library: no lost write, no lock error."""
    files = []
    for name in ("a", "b"):
        path = tmp_path / f"{name}.ris"
        path.write_text(ris_text([f"{name} paper {n}" for n in range(3000)], f"10.1000/{name}"))
        files.append(path)
    running = [subprocess.Popen([sys.executable, "-m", "mnr", "import", str(path), "--database",
                                 path.stem], cwd=review, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True) for path in files]
    for process in running:
        _out, messages = process.communicate(timeout=120)
        assert process.returncode == 0, messages
        assert "locked" not in messages
    status = json.loads(mnr(review, "status", "--json").stdout)
    assert status["records"] == 6000 and status["searches"] == 2


def test_dedupe_from_the_cli(review: Path, tmp_path: Path) -> None:
    data = Path(__file__).parents[1] / "dedupe" / "data"
    for name, database in (("medline-style.ris", "MEDLINE"), ("cinahl-style.ris", "CINAHL")):
        assert mnr(review, "import", str(data / name), "--database", database).returncode == 0
    assert json.loads(mnr(review, "status", "--json").stdout)["records_not_deduplicated"] == 6

    result = mnr(review, "dedupe", "--json")
    assert result.returncode == 0, result.stderr
    counts = json.loads(result.stdout)
    assert (counts["records"], counts["works"], counts["duplicates_removed"]) == (6, 4, 2)
    assert counts["records_merged"] == 2 and counts["pairs_to_review"] == 0
    status = json.loads(mnr(review, "status", "--json").stdout)
    assert (status["records_merged"], status["duplicates_removed"]) == (2, 2)
    assert status["pairs_to_review"] == 0 and status["records_not_deduplicated"] == 0
    words = ("4 works from 6 records (2 records merged into works; PRISMA: 2 duplicate records "
             "removed before screening)")
    assert words in mnr(review, "status").stdout and words in mnr(review, "dedupe").stdout
    assert counts["overlaps"] == [{"databases": ["CINAHL", "MEDLINE"], "works": 2}]

    rows = list(csv.DictReader(io.StringIO(mnr(review, "export", "csv").stdout)))
    work_of = {row["record"]: row["work"] for row in rows}
    merged = list(csv.DictReader(io.StringIO(
        mnr(review, "export", "csv", "--what", "works").stdout)))
    assert len(merged) == 4 and {"CINAHL; MEDLINE"} <= {row["database"] for row in merged}
    assert work_of["R1"] == work_of["R4"] and work_of["R1"] != work_of["R2"]

    assert mnr(review, "dedupe", "--decide", "R1", "R4", "apart").returncode != 0  # no reviewer
    stranger = mnr(review, "dedupe", "--decide", "R1", "R4", "apart", "--reviewer", "BH")
    assert "'BH' is not a reviewer of this review" in stranger.stderr  # review.toml lists R1
    toml = review / "review.toml"
    toml.write_text(toml.read_text().replace('reviewers = ["R1"]', 'reviewers = ["BH", "MC"]'))
    decided = mnr(review, "dedupe", "--decide", "R1", "R4", "apart", "--reviewer", "BH")
    assert decided.returncode == 0, decided.stderr
    assert "5 works" in decided.stdout
    undone = mnr(review, "dedupe", "--undo", "--reviewer", "BH")
    assert "Undid BH's apart" in undone.stderr and "4 works" in undone.stdout
    split = mnr(review, "dedupe", "--split", work_of["R2"], "--reviewer", "MC")
    assert split.returncode == 0 and "5 works" in split.stdout
    again = mnr(review, "dedupe")  # a new pass keeps the split
    assert "5 works" in again.stdout
    assert mnr(review, "dedupe", "--undo").returncode == 0
    assert mnr(review, "dedupe", "--split", "W999", "--reviewer", "MC").returncode != 0


def test_every_command_module_lists_the_commands_it_defines() -> None:
    """The top-level group imports a command's module when the command runs: the map it
    goes by must name every command each module adds, and nothing else."""
    import importlib

    from mnr.cli import COMMAND_MODULES, main

    defined: dict[str, list[str]] = {}
    for module in COMMAND_MODULES:
        importlib.import_module(f"mnr.cli.{module}")
    for name, command in main.commands.items():
        callback = command.callback
        module = getattr(callback, "__wrapped__", callback).__module__.removeprefix("mnr.cli")
        if module:
            defined.setdefault(module.lstrip("."), []).append(name)
    assert {m: sorted(names) for m, names in defined.items()} == {
        m: sorted(names) for m, names in COMMAND_MODULES.items()}
