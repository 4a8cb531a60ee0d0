"""A library on a team's PostgreSQL server, with the roles ``mnr server setup`` makes: a
reviewer's role records judgements only under its own initials, the read-only role never
writes, and the logs are never changed or deleted by anyone, the tables' owner included.

Each test runs on the demo review pushed to a fresh database (the ``served_demo`` fixture
of conftest.py: roles demo_bh, demo_mc and demo_read, the owner mnr_admin).
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
from collections.abc import Iterator
from typing import TYPE_CHECKING

import psycopg
import pytest
from click.testing import CliRunner, Result
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import DBAPIError

from mnr.cli import main
from mnr.errors import NotPermitted
from mnr.library import Library
from mnr.library.models import NewEntry
from mnr.library.server import SIGNED
from tests.helpers import ris_text

if TYPE_CHECKING:
    from tests.conftest import ServedDemo


# -- running mnr against the server, as a reviewer would -----------------------------------

def run(served: ServedDemo, role: str | None, *args: str) -> Result:
    """One command in the demo's folder with MNR_LIBRARY_URL naming the server as
    ``role`` (None: the tables' owner)."""
    with contextlib.chdir(served.root):
        return CliRunner().invoke(main, list(args), env={
            "MNR_LIBRARY_URL": served.url(role), "MNR_REVIEWER": None})


def ok(served: ServedDemo, role: str | None, *args: str) -> Result:
    result = run(served, role, *args)
    assert result.exit_code == 0, (args, result.output)
    return result


@contextlib.contextmanager
def engine(served: ServedDemo, role: str | None = None) -> Iterator[Engine]:
    """A plain SQLAlchemy engine on the library (none of mnr's error handling)."""
    made = create_engine(served.url(role))
    try:
        yield made
    finally:
        made.dispose()


def count(served: ServedDemo, table: str) -> int:
    with engine(served) as made, made.connect() as conn:
        return int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


def fingerprint(served: ServedDemo, table: str) -> tuple[int, str]:
    """How many rows the table holds and a digest of all of them: equal before and after
    means nothing in it changed."""
    with engine(served) as made, made.connect() as conn:
        return tuple(conn.execute(text(
            f"SELECT count(*), coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') "
            f"FROM {table} t")).one())  # type: ignore[return-value]


def refused(served: ServedDemo, role: str | None, statement: str) -> str:
    """Run ``statement`` as ``role``; it must be refused as a privilege matter (SQLSTATE
    42501: a grant, or one of mnr's triggers). Returns the server's message."""
    with engine(served, role) as made:
        with pytest.raises(DBAPIError) as caught, made.begin() as conn:
            conn.execute(text(statement))
    original = caught.value.orig
    assert isinstance(original, psycopg.errors.InsufficientPrivilege), (statement, original)
    return str(original)


def title_decisions(served: ServedDemo, reviewer: str) -> int:
    with engine(served) as made, made.connect() as conn:
        return int(conn.execute(text(
            "SELECT count(*) FROM screening_log WHERE reviewer = :who AND stage = 'title'"),
            {"who": reviewer}).scalar_one())


def judgement_files(served: ServedDemo) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in (served.root / "judgements").iterdir()}


def included_work(served: ServedDemo) -> str:
    """A work someone has appraised in the demo (so: one that may be appraised)."""
    rows = list(csv.DictReader(io.StringIO(ok(served, None, "appraisal", "export").stdout)))
    return rows[0]["work"]


# -- a reviewer's role --------------------------------------------------------------------

def test_a_reviewer_records_a_decision_under_their_own_initials(served_demo: ServedDemo) -> None:
    before_log, before_journal = count(served_demo, "screening_log"), count(served_demo,
                                                                           "journal")
    result = ok(served_demo, "bh", "decide", "W1", "n", "--stage", "title", "--reviewer", "BH",
                "--reason", "Not research")
    assert "Recorded BH's N for W1 at the title stage" in result.stderr
    assert count(served_demo, "screening_log") == before_log + 1
    assert count(served_demo, "journal") == before_journal + 1
    with engine(served_demo) as made, made.connect() as conn:
        row = conn.execute(text(
            "SELECT work_id, stage, reviewer, kind, decision, reason FROM screening_log "
            "ORDER BY entry_id DESC LIMIT 1")).one()
        source, line = conn.execute(text(
            "SELECT source, line FROM journal WHERE row_table = 'screening_log' "
            "ORDER BY line_id DESC LIMIT 1")).one()
    assert tuple(row) == (1, "title", "BH", "decision", "n", "Not research")
    assert source == "BH.jsonl" and json.loads(line)["by"] == "BH"

    # and through the store, as the TUI records one
    library = Library.connect(served_demo.url("bh"))
    try:
        assert not library.read_only
        stored = library.screening.append([NewEntry(work_id=2, stage="title", reviewer="BH",
                                                    kind="decision", decision="y")])
    finally:
        library.close()
    assert stored[0].reviewer == "BH"
    assert count(served_demo, "screening_log") == before_log + 2


def test_a_reviewer_cannot_record_a_decision_as_someone_else(served_demo: ServedDemo) -> None:
    before = (fingerprint(served_demo, "screening_log"), fingerprint(served_demo, "journal"))
    folder = judgement_files(served_demo)
    mc_before = title_decisions(served_demo, "MC")

    library = Library.connect(served_demo.url("bh"))
    try:
        with pytest.raises(NotPermitted) as caught:
            library.screening.append([NewEntry(work_id=1, stage="title", reviewer="MC",
                                               kind="decision", decision="n")])
    finally:
        library.close()
    said = caught.value.message
    assert "demo_bh may record judgements only as BH, not as MC" in said
    assert "nothing was written" in said

    result = run(served_demo, "bh", "decide", "W1", "n", "--stage", "title", "--reviewer", "MC",
                 "--reason", "Not research")
    assert result.exit_code != 0
    assert "the server refused" in result.stderr
    assert "may record judgements only as BH, not as MC" in result.stderr
    assert "Traceback" not in result.output
    assert (fingerprint(served_demo, "screening_log"),
            fingerprint(served_demo, "journal")) == before
    assert title_decisions(served_demo, "MC") == mc_before
    assert judgement_files(served_demo) == folder  # a server's act writes no line here


def test_a_reviewer_cannot_appraise_as_someone_else(served_demo: ServedDemo) -> None:
    work = included_work(served_demo)
    before = fingerprint(served_demo, "appraisals")
    result = run(served_demo, "bh", "appraisal", "set", work, "--checklist", "casp-qualitative",
                 "--answer", "1=yes", "--reviewer", "MC")
    assert result.exit_code != 0 and "not as MC" in result.stderr
    assert fingerprint(served_demo, "appraisals") == before
    ok(served_demo, "bh", "appraisal", "set", work, "--checklist", "casp-qualitative",
       "--answer", "1=yes", "--reviewer", "BH")
    assert fingerprint(served_demo, "appraisals")[0] == before[0] + 1


# -- the read-only role -------------------------------------------------------------------

def test_the_read_only_role_writes_nothing(served_demo: ServedDemo) -> None:
    tables = ("screening_log", "appraisals", "journal", "searches")
    before = {table: fingerprint(served_demo, table) for table in tables}
    work = included_work(served_demo)

    library = Library.connect(served_demo.url("read"))
    try:
        assert library.read_only
        with pytest.raises(NotPermitted) as caught:
            library.screening.append([NewEntry(work_id=1, stage="title", reviewer="BH",
                                               kind="decision", decision="y")])
        assert "nothing was written" in caught.value.message
        with pytest.raises(NotPermitted):
            library.synthesis.save_appraisal(int(work[1:]), "BH", "casp-qualitative",
                                             {"1": {"answer": "yes", "comment": ""}}, None)
    finally:
        library.close()

    log = (served_demo.root / "searches" / "log.toml").read_bytes()
    for args in (("decide", "W1", "y", "--stage", "title", "--reviewer", "BH"),
                 ("appraisal", "set", work, "--checklist", "casp-qualitative", "--answer",
                  "1=yes", "--reviewer", "BH"),
                 ("searches", "withdraw", "S6", "--reason", "imported by mistake")):
        result = run(served_demo, "read", *args)
        assert result.exit_code != 0, args
        assert "nothing was written" in result.stderr, (args, result.stderr)
        assert "demo_read" in result.stderr and "not write" in result.stderr, result.stderr
        assert "Traceback" not in result.output
    assert {table: fingerprint(served_demo, table) for table in tables} == before

    for statement in ("INSERT INTO journal (line_id, source, row_table, row_id) "
                      "VALUES ('x', 'team.jsonl', 'screening_log', 1)",
                      "UPDATE searches SET withdrawn_at = 'now', withdrawn_reason = 'x'"):
        refused(served_demo, "read", statement)
    assert {table: fingerprint(served_demo, table) for table in tables} == before
    assert (served_demo.root / "searches" / "log.toml").read_bytes() == log


def test_the_read_only_role_sees_the_same_prisma_as_the_owner(served_demo: ServedDemo) -> None:
    as_owner = ok(served_demo, None, "prisma", "--format", "json").stdout
    as_reader = ok(served_demo, "read", "prisma", "--format", "json").stdout
    assert json.loads(as_owner)  # real output, not an empty page
    assert as_reader == as_owner


# -- the logs: never changed or deleted, by anyone -----------------------------------------

CHANGES = [
    ("screening_log", "UPDATE screening_log SET decision = 'y' WHERE decision = 'n'"),
    ("screening_log", "DELETE FROM screening_log WHERE entry_id = (SELECT max(entry_id) "
                      "FROM screening_log)"),
    ("records", "UPDATE records SET title = 'Forged' WHERE record_id = 1"),
    ("records", "DELETE FROM records WHERE record_id NOT IN (SELECT record_id FROM record_works)"
                " OR record_id = 1"),
    ("journal", "UPDATE journal SET source = 'team.jsonl'"),
    ("journal", "DELETE FROM journal"),
    ("dedupe_decisions", "UPDATE dedupe_decisions SET reviewer = 'MC'"),
    ("dedupe_decisions", "DELETE FROM dedupe_decisions"),
    ("searches", "DELETE FROM searches WHERE search_id = 6"),
]
TRUNCATES = ["screening_log", "records", "journal", "dedupe_decisions", "searches"]


@pytest.mark.parametrize("role", ["bh", None], ids=["reviewer", "owner"])
def test_logs_are_never_changed_or_deleted(served_demo: ServedDemo, role: str | None) -> None:
    # the demo has no pair decision: BH keeps two records apart, so that there is one
    ok(served_demo, "bh", "dedupe", "--decide", "R1", "R2", "apart", "--reviewer", "BH")
    tables = sorted({table for table, _ in CHANGES} | set(TRUNCATES) | {"record_sources"})
    before = {table: fingerprint(served_demo, table) for table in tables}
    assert all(rows > 0 for rows, _ in before.values()), before  # something to lose
    for _, statement in CHANGES:
        refused(served_demo, role, statement)
    for table in TRUNCATES:
        said = refused(served_demo, role, f"TRUNCATE {table} CASCADE")
        if role is None:  # the owner may truncate: mnr's trigger refuses
            assert "never changed or deleted" in said, said
    assert {table: fingerprint(served_demo, table) for table in tables} == before


def test_the_owners_refusals_say_what_the_log_is(served_demo: ServedDemo) -> None:
    said = refused(served_demo, None, "UPDATE screening_log SET note = 'x'")
    assert "the screening log is never changed or deleted (table screening_log)" in said
    said = refused(served_demo, None, "DELETE FROM journal")
    assert "judgement lines are never changed or deleted" in said
    said = refused(served_demo, None, "DELETE FROM searches")
    assert "searches are never deleted" in said


# -- searches: withdrawn, never changed ------------------------------------------------------

def test_a_reviewer_withdraws_a_search_but_never_changes_its_file(
        served_demo: ServedDemo) -> None:
    searches = fingerprint(served_demo, "searches")
    for role in ("bh", None):
        refused(served_demo, role, "UPDATE searches SET file_sha256 = repeat('0', 64) "
                                   "WHERE search_id = 6")
        refused(served_demo, role, "UPDATE searches SET record_count = 1 WHERE search_id = 6")
    assert fingerprint(served_demo, "searches") == searches

    before = json.loads(ok(served_demo, "bh", "status", "--json").stdout)
    result = ok(served_demo, "bh", "searches", "withdraw", "S6", "--reason",
                "imported by mistake")
    assert "S6" in result.stderr
    after = json.loads(ok(served_demo, "bh", "status", "--json").stdout)
    assert after["withdrawn_searches"] == before["withdrawn_searches"] + 1
    assert after["records"] == before["records"] - 11  # the citation search's 11 records
    with engine(served_demo) as made, made.connect() as conn:
        sha, count_, reason = conn.execute(text(
            "SELECT file_sha256, record_count, withdrawn_reason FROM searches "
            "WHERE search_id = 6")).one()
    assert reason == "imported by mistake" and count_ == 11
    assert sha != "0" * 64
    assert "imported by mistake" in (served_demo.root / "searches" / "log.toml").read_text()


def test_no_signed_act_can_be_stored_under_another_reviewers_initials(
        served_demo: ServedDemo) -> None:
    """Whatever the table, a row BH's role signs as MC is refused before anything else
    about it is looked at (the check runs before the row's own constraints)."""
    before = {table: fingerprint(served_demo, table) for table in SIGNED}
    for table, column in SIGNED.items():
        signed = "MC.jsonl" if table == "journal" else "MC"
        said = refused(served_demo, "bh", f"INSERT INTO {table} ({column}) VALUES ('{signed}')")
        assert "demo_bh" in said and "MC" in said, (table, said)
    assert {table: fingerprint(served_demo, table) for table in SIGNED} == before


# -- the journal: a line only into one's own judgement file ---------------------------------

def test_a_forged_journal_line_is_refused(served_demo: ServedDemo) -> None:
    before = fingerprint(served_demo, "journal")
    said = refused(served_demo, "bh", (
        "INSERT INTO journal (line_id, source, row_table, row_id, line) VALUES "
        "('20990101T000000Z-forged', 'MC.jsonl', 'screening_log', 1, "
        "'{\"by\": \"MC\", \"act\": \"screen\"}')"))
    assert "demo_bh writes judgement lines as BH, not into MC.jsonl" in said
    assert fingerprint(served_demo, "journal") == before
    # MC's role may write into MC.jsonl, as the check says (and BH's into the team's file)
    with engine(served_demo, "mc") as made, made.begin() as conn:
        conn.execute(text("INSERT INTO journal (line_id, source, row_table, row_id) VALUES "
                          "('20990101T000000Z-mc', 'MC.jsonl', 'screening_log', 1)"))
    assert fingerprint(served_demo, "journal")[0] == before[0] + 1


# -- a reviewer's import ------------------------------------------------------------------------

def test_a_reviewer_imports_an_export(served_demo: ServedDemo) -> None:
    """The grants let a reviewer's role add a search and its records (and the import's
    lock says whose import it is): an import as BH stores its records."""
    export = served_demo.root.parent / "extra-cinahl.ris"
    export.write_text(ris_text(["Care planning with carers", "Recovery colleges"]))
    records = count(served_demo, "records")
    result = run(served_demo, "bh", "import", str(export), "--database", "CINAHL")
    assert result.exit_code == 0, result.output
    assert "S7 CINAHL: 2 records" in result.stderr
    assert count(served_demo, "records") == records + 2
