"""A review's library on a team's PostgreSQL server, end to end through the CLI: the demo
pushed to a server shows what its own library file shows; judgements made on the server
come back to the folder with ``mnr server pull`` and rebuild the same library there; a
push into a library in use, a server out of reach and a library held by an import are
refused in words.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import psycopg
import pytest
from click.testing import CliRunner, Result

from mnr.cli import main
from mnr.library.dialect import WRITE_LOCK
from tests.helpers import ris_text

if TYPE_CHECKING:
    from tests.conftest import ServedDemo
    from tests.pg_server import LocalServer


def run(root: Path, url: str | None, *args: str) -> Result:
    """One command in the review folder ``root``, on the server library at ``url`` (None:
    the folder's own library file)."""
    with contextlib.chdir(root):
        return CliRunner().invoke(main, list(args), env={"MNR_LIBRARY_URL": url,
                                                         "MNR_REVIEWER": None})


def ok(root: Path, url: str | None, *args: str) -> Result:
    result = run(root, url, *args)
    assert result.exit_code == 0, (args, result.output)
    return result


def subprocess_mnr(root: Path, url: str | None, *args: str,
                   timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """mnr as a person runs it, in its own process (what it prints, tracebacks included)."""
    env = {key: value for key, value in os.environ.items()
           if key not in ("MNR_LIBRARY_URL", "MNR_REVIEWER")}
    if url is not None:
        env["MNR_LIBRARY_URL"] = url
    return subprocess.run([sys.executable, "-m", "mnr", *args], cwd=root, env=env,
                          capture_output=True, text=True, timeout=timeout)


# What the read-only commands print: on the server and from the folder's library file.
VIEWS: list[tuple[str, ...]] = [
    ("prisma", "--format", "json"),
    ("agreement", "--json"),
    ("agreement", "--stage", "title", "--json"),
    ("agreement", "--stage", "abstract", "--json"),
    ("agreement", "--stage", "fulltext", "--json"),
    ("decisions", "export"),
    ("status", "--json"),
    ("appraisal", "export"),
]


def views(root: Path, url: str | None) -> dict[str, str]:
    return {" ".join(args): ok(root, url, *args).stdout for args in VIEWS}


def judgement_files(root: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted((root / "judgements").iterdir())}


# -- the pushed library shows what the folder's library shows -------------------------------

def test_a_pushed_demo_shows_what_its_library_file_shows(
        served_demo: ServedDemo, demo_copy: Callable[[str], Path]) -> None:
    untouched = demo_copy("untouched")
    local = views(untouched, None)
    assert (untouched / "library" / "library.sqlite").is_file()  # built from the folder
    assert json.loads(local["prisma --format json"])  # something to compare
    assert local["decisions export"].count("\n") > 400
    on_server = views(served_demo.root, served_demo.url())
    for view, shown in local.items():
        assert on_server[view] == shown, view
    # a reviewer's role and the read-only role see the same library
    for role in ("bh", "read"):
        url = served_demo.url(role)
        assert ok(served_demo.root, url, "prisma", "--format", "json").stdout == local[
            "prisma --format json"]
        assert ok(served_demo.root, url, "decisions", "export").stdout == local[
            "decisions export"]
    assert not (served_demo.root / "library" / "library.sqlite").exists()  # no file made


# -- judgements made on the server, pulled into the folder -----------------------------------

def title_outcomes(root: Path, url: str | None) -> dict[str, dict[str, str]]:
    """Each work's latest decision at the title stage, by reviewer: {"W1": {"BH": "y"}}."""
    latest: dict[str, dict[str, str]] = {}
    rows = csv.DictReader(io.StringIO(ok(root, url, "decisions", "export").stdout))
    for row in rows:
        if row["stage"] == "title" and row["kind"] == "decision":
            latest.setdefault(row["work"], {})[row["reviewer"]] = row["decision"]
    return latest


def test_judgements_made_on_the_server_are_pulled_into_the_folder(
        served_demo: ServedDemo, demo_copy: Callable[[str], Path]) -> None:
    root, bh, mc = served_demo.root, served_demo.url("bh"), served_demo.url("mc")
    before = judgement_files(root)
    pushed = ok(root, bh, "prisma", "--format", "json").stdout
    outcomes = title_outcomes(root, bh)
    excluded = [work for work, by in outcomes.items() if by == {"BH": "n", "MC": "n"}]
    included = [work for work, by in outcomes.items() if by == {"BH": "y", "MC": "y"}]
    assert len(excluded) >= 2 and included

    # both now include a work they had excluded (it goes on to the abstract stage, where
    # BH includes it and MC is yet to decide), and disagree on another: a conflict
    ok(root, bh, "decide", excluded[0], "y", "--stage", "title", "--reviewer", "BH")
    ok(root, mc, "decide", excluded[0], "y", "--stage", "title", "--reviewer", "MC",
       "--note", "on a second reading: about care co-ordination after all")
    ok(root, bh, "decide", excluded[0], "y", "--stage", "abstract", "--reviewer", "BH")
    ok(root, mc, "decide", excluded[1], "y", "--stage", "title", "--reviewer", "MC")
    ok(root, bh, "decide", included[0], "n", "--stage", "title", "--reviewer", "BH",
       "--reason", "Not research")
    ok(root, bh, "undo", "--stage", "title", "--reviewer", "BH")  # the last one, taken back
    ok(root, bh, "decide", included[0], "m", "--stage", "title", "--reviewer", "BH")
    appraised = next(csv.DictReader(io.StringIO(ok(root, mc, "appraisal", "export").stdout)))
    ok(root, mc, "appraisal", "set", appraised["work"], "--checklist", appraised["checklist"],
       "--answer", "1=no:aims unclear on a second look", "--reviewer", "MC")
    assert judgement_files(root) == before  # the server keeps the lines, not the folder

    server = views(root, served_demo.url())
    assert server["prisma --format json"] != pushed  # the counts moved
    pulled = ok(root, None, "server", "pull", "--url", served_demo.url())
    assert "judgements/BH.jsonl: 5 new lines" in pulled.stderr
    assert "judgements/MC.jsonl: 3 new lines" in pulled.stderr
    after = judgement_files(root)
    for name in ("BH.jsonl", "MC.jsonl"):
        assert after[name].startswith(before[name])  # appended, nothing rewritten
    assert after["team.jsonl"] == before["team.jsonl"]
    new_bh = after["BH.jsonl"][len(before["BH.jsonl"]):].decode().splitlines()
    assert all(json.loads(line)["by"] == "BH" for line in new_bh) and len(new_bh) == 5

    # the folder alone (no server, no library file) rebuilds the same library
    shutil.rmtree(root / "library", ignore_errors=True)
    rebuilt = views(root, None)
    assert rebuilt["prisma --format json"] == server["prisma --format json"]
    for view, shown in server.items():
        assert rebuilt[view] == shown, view

    again = ok(root, None, "server", "pull", "--url", served_demo.url())
    assert "already has every judgement on the server" in again.stderr
    assert judgement_files(root) == after

    # another clone of the review, which never pushed, pulls as the read-only role
    other = demo_copy("other")
    ok(other, None, "server", "pull", "--url", served_demo.url("read"))
    assert judgement_files(other) == after
    assert views(other, None) == server


def test_push_refuses_a_library_that_is_not_empty(served_demo: ServedDemo) -> None:
    before = ok(served_demo.root, served_demo.url(), "decisions", "export").stdout
    again = run(served_demo.root, None, "server", "push", "--url", served_demo.url())
    assert again.exit_code != 0
    assert "the server's library is not empty" in again.stderr
    assert "pull brings its judgements here" in again.stderr
    assert "Traceback" not in again.output
    assert ok(served_demo.root, served_demo.url(), "decisions", "export").stdout == before


# -- a server out of reach --------------------------------------------------------------------

@pytest.mark.parametrize("form", ["userinfo", "query"])
def test_a_server_out_of_reach_is_said_in_a_line_without_the_password(
        demo_copy: Callable[[str], Path], tmp_path: Path, form: str) -> None:
    """The password may be written in the URL's user part or, as libpq allows, as its
    ``password`` parameter: neither is ever printed."""
    root = demo_copy("demo")
    nowhere = tmp_path / "no-such-socket-dir"
    url = (f"postgresql://u:secret@/review?host={nowhere}" if form == "userinfo"
           else f"postgresql://u@/review?host={nowhere}&password=secret")
    started = time.monotonic()
    result = subprocess_mnr(root, url, "status", timeout=60)
    said = result.stdout + result.stderr
    assert result.returncode != 0
    assert time.monotonic() - started < 20
    assert "Traceback" not in said
    assert "secret" not in said
    assert "could not be used just now" in result.stderr
    assert "postgresql://u" in result.stderr and "/review" in result.stderr
    assert not (root / "library" / "library.sqlite").exists()  # no file made instead


# -- the advisory write lock --------------------------------------------------------------------

def hold_write_lock(server: LocalServer, database: str, user: str,
                    application: str) -> psycopg.Connection[tuple[object, ...]]:
    """A connection of someone else's, holding the exclusive write lock (session level)."""
    conn = psycopg.connect(host=str(server.sockdir), port=server.port, dbname=database,
                           user=user, application_name=application, autocommit=True)
    conn.execute("SELECT pg_advisory_lock(%s)", (WRITE_LOCK,))
    return conn


def timed(root: Path, url: str, *args: str) -> tuple[subprocess.CompletedProcess[str], float]:
    """A command that must end within 15 s (an AssertionError if it waits longer)."""
    started = time.monotonic()
    try:
        done = subprocess_mnr(root, url, *args, timeout=15)
    except subprocess.TimeoutExpired:
        raise AssertionError(f"mnr {' '.join(args)} waited for the write lock for more than "
                             "15 s instead of ending at once") from None
    return done, time.monotonic() - started


def test_an_import_refuses_at_once_while_another_holds_the_library(
        served_demo: ServedDemo) -> None:
    assert WRITE_LOCK == 0x6D6E72  # "mnr" (7171698)
    export = served_demo.root.parent / "extra-cinahl.ris"
    export.write_text(ris_text(["Care planning with carers", "Recovery colleges"]))
    url = served_demo.url()
    searches = len(json.loads(ok(served_demo.root, url, "searches", "--json").stdout))
    holder = hold_write_lock(served_demo.server, served_demo.database, "demo_mc",
                             "mnr: a deduplication pass")
    try:
        refused, took = timed(served_demo.root, url, "import", str(export),
                              "--database", "CINAHL")
    finally:
        holder.close()
    assert refused.returncode != 0, refused.stderr
    assert took < 10, took
    assert "Traceback" not in refused.stderr
    assert "an import of extra-cinahl.ris needs the library to itself" in refused.stderr
    assert "demo_mc (mnr: a deduplication pass" in refused.stderr
    assert len(json.loads(ok(served_demo.root, url, "searches", "--json").stdout)) == searches

    done = ok(served_demo.root, url, "import", str(export), "--database", "CINAHL")
    assert "2 records" in done.stderr
    assert len(json.loads(ok(served_demo.root, url, "searches", "--json").stdout)) == (
        searches + 1)


def test_reading_is_not_held_up_while_another_holds_the_library(
        served_demo: ServedDemo) -> None:
    url = served_demo.url("read")
    expected = ok(served_demo.root, url, "prisma", "--format", "json").stdout
    holder = hold_write_lock(served_demo.server, served_demo.database, "demo_bh",
                             "mnr: an import of medline.nbib")
    try:
        shown, took = timed(served_demo.root, url, "prisma", "--format", "json")
    finally:
        holder.close()
    assert shown.returncode == 0, shown.stderr
    assert took < 10, took
    assert shown.stdout == expected
