"""Faults a real user meets: a full disk, read-only folders, a damaged library, arguments
out of range. Each is one clear line on stderr and a non-zero exit, and nothing is
half-written: the library, searches/ and the logs are as they were."""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import event

from mnr.cli import main
from mnr.errors import LibraryDamaged, LibraryUnavailable
from mnr.library import Library, store
from mnr.project import Project
from mnr.review import open_review
from mnr.screening.decide import ScreeningError
from mnr.searches import ImportOptions, import_file
from tests.helpers import add_search, make_project, ris_text, snapshot

AS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
NEEDS_PERMISSIONS = pytest.mark.skipif(
    AS_ROOT, reason="run as root, where chmod does not stop writes (the monkeypatched "
                    "tests beside this one cover the same path)")


def run(root: Path, *args: str) -> Result:
    with contextlib.chdir(root):
        return CliRunner().invoke(main, list(args), env={"MNR_REVIEWER": None})


def one_line_error(result: Result, code: int) -> str:
    """The command failed with ``code`` and said why in one line, without a traceback."""
    assert result.exit_code == code, (result.exit_code, result.output, result.exception)
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit), result.exception
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0]


@pytest.fixture
def project(tmp_path: Path) -> Project:
    """A review of three works, deduplicated, with BH and MC as reviewers; nothing decided."""
    made = make_project(tmp_path)
    text = made.review_file.read_text("utf-8").replace('reviewers = ["R1"]',
                                                       'reviewers = ["BH", "MC"]')
    made.review_file.write_text(text, "utf-8")
    export = tmp_path / "cinahl.ris"
    export.write_text(ris_text(["First paper", "Second paper", "Third paper"]))
    assert run(made.root, "import", str(export), "--database", "CINAHL").exit_code == 0
    assert run(made.root, "dedupe").exit_code == 0
    return made


def folder_state(project: Project) -> dict[str, bytes]:
    """Every file of the review folder but the library's cache, with its bytes."""
    return {str(path.relative_to(project.root)): path.read_bytes()
            for path in sorted(project.root.rglob("*"))
            if path.is_file() and project.library_dir not in path.parents}


def library_state(project: Project) -> tuple[object, ...]:
    library = Library.open(project.database_file)
    try:
        return (snapshot(project), [(e.work_id, e.decision, e.reason)
                                    for e in library.screening.log()])
    finally:
        library.close()


# -- arguments out of range (items 5 and 11) ----------------------------------------------

def test_a_huge_id_is_one_line_not_an_overflow(project: Project) -> None:
    before = folder_state(project)
    for args in (["searches", "withdraw", "S99999999999999999999999", "--reason", "x"],
                 ["decide", "W99999999999999999999999", "y", "--reviewer", "BH"],
                 ["searches", "edit", "S99999999999999999999999", "--date", "2016-08-01"]):
        said = one_line_error(run(project.root, *args), 1)
        assert "is larger than any" in said, said
    assert folder_state(project) == before


def test_an_impossible_search_date_is_refused_and_nothing_is_imported(
        project: Project, tmp_path: Path) -> None:
    export = tmp_path / "scopus.ris"
    export.write_text(ris_text(["Fourth paper"], doi_prefix="10.2000/s"))
    before = folder_state(project), library_state(project)
    said = one_line_error(run(project.root, "import", str(export), "--database", "Scopus",
                              "--date", "2024-13-45"), 3)
    assert said == ("error: the search date '2024-13-45' is not a date; write it as "
                    "YYYY-MM-DD")
    assert (folder_state(project), library_state(project)) == before


def test_an_exclusion_reason_must_be_one_of_the_protocols_where_reasons_count(
        project: Project) -> None:
    text = project.review_file.read_text("utf-8")
    project.review_file.write_text(text.replace('reason_required = ["fulltext"]',
                                                'reason_required = ["title"]'), "utf-8")
    before = folder_state(project)
    said = one_line_error(run(project.root, "decide", "W1", "n", "--stage", "title",
                              "--reviewer", "BH", "--reason", "Inpatient sample"), 1)
    assert said.startswith("error: W1: 'Inpatient sample' is not one of review.toml's "
                           "exclusion reasons: Wrong population; Wrong setting;")
    assert folder_state(project) == before
    done = run(project.root, "decide", "W1", "n", "--stage", "title", "--reviewer", "BH",
               "--reason", " wrong POPULATION ")  # the protocol's reason, typed loosely
    assert done.exit_code == 0, done.stderr
    library = Library.open(project.database_file)
    assert [e.reason for e in library.screening.log()] == ["Wrong population"]
    library.close()
    # a conflict resolved as an exclusion: its reason is the one PRISMA counts
    assert run(project.root, "decide", "W1", "y", "--stage", "title",
               "--reviewer", "MC").exit_code == 0
    said = one_line_error(run(project.root, "resolve", "W1", "n", "--stage", "title",
                              "--reviewer", "BH", "--reason", "Discussed"), 1)
    assert "'Discussed' is not one of review.toml's exclusion reasons" in said
    done = run(project.root, "resolve", "W1", "y", "--stage", "title", "--reviewer", "BH",
               "--reason", "Discussed: community sample")  # taking it forward: any words
    assert done.exit_code == 0, done.stderr


def test_screening_as_nobody_stops_before_the_tui_starts(project: Project) -> None:
    """Blank initials pass review.toml's list when it has none, and used to fail inside the
    running TUI: a traceback and exit 0. The first session is made before the app runs."""
    from mnr.tui.app import MnrApp

    text = project.review_file.read_text("utf-8")
    project.review_file.write_text(text.replace('reviewers = ["BH", "MC"]\n', ""), "utf-8")
    with pytest.raises(ScreeningError, match="a reviewer is needed"):
        MnrApp(project, reviewer=" ", screen="screening")
    said = one_line_error(run(project.root, "screen", "--reviewer", " "), 1)
    assert said == "error: a reviewer is needed: give your initials with --reviewer"
    said = one_line_error(run(project.root, "screen", "--reviewer", "BH", "--stage", "full"), 1)
    assert "there is no stage 'full'" in said


# -- a full disk (item 9) ------------------------------------------------------------------

def _no_space(*_args: object, **_kwargs: object) -> None:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_a_disk_full_during_the_copy_leaves_no_file_and_no_other_name(
        project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    export = tmp_path / "scopus.ris"
    export.write_text(ris_text(["Fourth paper"], doi_prefix="10.2000/s"))
    before = folder_state(project), library_state(project)
    copy = shutil.copyfileobj

    def half_then_full(source: object, target: object, *args: object) -> None:
        target.write(b"TY  - JOUR\n")  # type: ignore[attr-defined]
        _no_space()

    monkeypatch.setattr(shutil, "copyfileobj", half_then_full)
    said = one_line_error(run(project.root, "import", str(export), "--database", "Scopus"), 3)
    assert said == (f"error: {export}: could not be copied to {project.searches_dir.resolve()}"
                    "/scopus.ris (the disk is full); nothing was imported")
    assert (folder_state(project), library_state(project)) == before
    monkeypatch.setattr(shutil, "copyfileobj", copy)
    assert run(project.root, "import", str(export), "--database", "Scopus").exit_code == 0
    assert (project.searches_dir / "scopus.ris").read_bytes() == export.read_bytes()
    assert not (project.searches_dir / "scopus-2.ris").exists()


def _page_size(project: Project) -> int:
    """The library file's page size (a new library's is ``store.PAGE_SIZE``)."""
    with contextlib.closing(sqlite3.connect(project.database_file)) as conn:
        return int(conn.execute("PRAGMA page_size").fetchone()[0])


@pytest.fixture
def full_library(project: Project) -> Iterator[None]:
    """SQLite's own "database or disk is full", made real by a page limit on every
    connection mnr opens from now on."""
    pages = os.path.getsize(project.database_file) // _page_size(project) + 2

    def limit(engine: object) -> object:
        def cap(dbapi_connection: object, _record: object) -> None:
            dbapi_connection.execute(f"PRAGMA max_page_count={pages}")  # type: ignore[attr-defined]

        event.listen(engine, "connect", cap)
        return engine

    original = store._sqlite_engine
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(store, "_sqlite_engine",
                      lambda path, read_only=False: limit(original(path, read_only)))
        yield


def test_a_disk_full_inside_the_library_write_is_one_line_and_changes_nothing(
        project: Project, tmp_path: Path, full_library: None) -> None:
    export = tmp_path / "big.ris"
    export.write_text(ris_text([f"Paper {n} on care planning" for n in range(2000)],
                               doi_prefix="10.3000/b"))
    before = folder_state(project)
    said = one_line_error(run(project.root, "import", str(export), "--database", "Scopus"), 5)
    assert said.startswith(f"error: {project.database_file}: the disk is full (database or "
                           "disk is full); nothing was changed. Free some space")
    assert folder_state(project) == before  # no copy in searches/, no log entry


def test_a_disk_full_while_the_log_is_written_changes_nothing(
        project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    before = folder_state(project), library_state(project)
    monkeypatch.setattr(Path, "write_text", _no_space)
    said = one_line_error(run(project.root, "searches", "withdraw", "S1", "--reason", "x"), 1)
    assert said.endswith("log.toml: could not be written (No space left on device); nothing "
                         "was changed")
    monkeypatch.undo()
    assert (folder_state(project), library_state(project)) == before


# -- read-only folders (item 9) ---------------------------------------------------------

@pytest.fixture
def read_only_library(project: Project, monkeypatch: pytest.MonkeyPatch) -> Project:
    """library/ as read-only: simulated (tests may run as root), so that the library is
    opened for reading only, as it is when the permissions say so."""
    monkeypatch.setattr(store, "_writable", lambda path: False)
    return project


@pytest.mark.parametrize("args", [("status", "--json"), ("export", "csv"),
                                  ("prisma", "--format", "json"), ("searches",)])
def test_reading_commands_work_on_a_read_only_library(
        read_only_library: Project, args: tuple[str, ...]) -> None:
    project = read_only_library
    before = folder_state(project), project.database_file.read_bytes()
    result = run(project.root, *args)
    assert result.exit_code == 0, (result.stderr, result.exception)
    assert (folder_state(project), project.database_file.read_bytes()) == before


def test_a_writing_command_on_a_read_only_library_says_so_and_changes_nothing(
        read_only_library: Project) -> None:
    project = read_only_library
    before = folder_state(project), project.database_file.read_bytes()
    said = one_line_error(run(project.root, "decide", "W1", "y", "--stage", "title",
                              "--reviewer", "BH"), 5)
    assert said.startswith(f"error: {project.database_file}: the library is read-only ("), said
    assert "make library/ and the file writable" in said
    assert (folder_state(project), project.database_file.read_bytes()) == before


def test_a_read_only_library_that_is_behind_the_search_log_says_so(
        project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    export = tmp_path / "scopus.ris"
    export.write_text(ris_text(["Fourth paper"], doi_prefix="10.2000/s"))
    library = Library.open(project.database_file)
    import_file(project, library, export, ImportOptions(database="Scopus"))
    library.close()
    project.database_file.unlink()
    assert run(project.root, "status").exit_code == 0  # rebuilt, with both searches
    text = project.log_file.read_text("utf-8")
    project.log_file.write_text(text + '\n[[withdrawal]]\nfile = "scopus.ris"\nreason = "x"\n')
    monkeypatch.setattr(store, "_writable", lambda path: False)
    opened = open_review(project)
    opened.library.close()
    assert opened.library.read_only
    assert opened.reconciled == [
        "library/library.sqlite is read-only, so it could not be brought in line with "
        "searches/log.toml, which it disagrees with: what is shown is as of its last update "
        "(make it writable to update it)"]


@NEEDS_PERMISSIONS
def test_a_library_folder_read_only_by_its_permissions(project: Project) -> None:
    project.library_dir.chmod(0o555)
    try:
        assert run(project.root, "status", "--json").exit_code == 0
        said = one_line_error(run(project.root, "decide", "W1", "y", "--stage", "title",
                                  "--reviewer", "BH"), 5)
        assert "read-only" in said
    finally:
        project.library_dir.chmod(0o755)


def test_a_read_only_searches_folder_refuses_the_import_in_one_line(
        project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    export = tmp_path / "scopus.ris"
    export.write_text(ris_text(["Fourth paper"], doi_prefix="10.2000/s"))
    before = folder_state(project), library_state(project)
    opened = Path.open

    def refuse_in_searches(path: Path, mode: str = "r", *args: object, **kwargs: object
                           ) -> object:
        if "x" in mode and path.parent == project.searches_dir.resolve():
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        return opened(path, mode, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(Path, "open", refuse_in_searches)
    said = one_line_error(run(project.root, "import", str(export), "--database", "Scopus"), 3)
    assert said.endswith(f"({project.searches_dir.resolve()} is read-only); nothing was "
                         "imported")
    monkeypatch.undo()
    assert (folder_state(project), library_state(project)) == before


@NEEDS_PERMISSIONS
def test_a_searches_folder_read_only_by_its_permissions(project: Project,
                                                        tmp_path: Path) -> None:
    export = tmp_path / "scopus.ris"
    export.write_text(ris_text(["Fourth paper"], doi_prefix="10.2000/s"))
    project.searches_dir.chmod(0o555)
    try:
        said = one_line_error(run(project.root, "import", str(export), "--database",
                                  "Scopus"), 3)
        assert "is read-only" in said
    finally:
        project.searches_dir.chmod(0o755)


# -- a damaged library (item 10) -----------------------------------------------------------

def _damage(project: Project) -> bytes:
    """Overwrite a page in the middle of the library, as a bad sector or a torn copy
    would; the header stays good."""
    library = Library.open(project.database_file)
    for number in range(4):  # a library of some size, so that the middle holds records
        add_search(library, f"DB{number}", [f"Paper {n} " * 20 for n in range(300)])
    library.close()
    page = _page_size(project)
    data = bytearray(project.database_file.read_bytes())
    middle = data.find(b"Paper ", len(data) // 2) // page * page  # a page holding records
    data[middle:middle + page] = b"\xa5" * page
    project.database_file.write_bytes(bytes(data))
    return bytes(data)


def test_a_library_damaged_in_the_middle_is_refused_on_opening(project: Project) -> None:
    damaged = _damage(project)
    before = folder_state(project)
    for args in (("status",), ("decide", "W1", "y", "--stage", "title", "--reviewer", "BH")):
        said = one_line_error(run(project.root, *args), 5)
        assert said.startswith(f"error: {project.database_file}: the library is damaged ("), said
        assert said.endswith("move it away (e.g. mv library/library.sqlite "
                             "library/damaged.sqlite) and mnr will rebuild it from the review "
                             "folder")
    assert project.database_file.read_bytes() == damaged  # never replaced
    assert folder_state(project) == before
    project.database_file.rename(project.library_dir / "damaged.sqlite")
    rebuilt = run(project.root, "status", "--json")  # the folder has everything: rebuilt
    assert rebuilt.exit_code == 0, rebuilt.stderr


def test_damage_found_past_the_opening_check_is_reported_the_same(
        project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    """A library too large to be checked whole at every opening: SQLite refuses the
    damaged page when a query reaches it, and the store says what that means."""
    _damage(project)
    monkeypatch.setattr(store, "QUICK_CHECK_MAX_BYTES", 0)
    library = Library.open(project.database_file)  # not checked whole: opens
    try:
        with pytest.raises(LibraryDamaged, match="the library is damaged .database disk "
                                                 "image is malformed.; nothing was changed"):
            list(library.records(with_source=True))
    finally:
        library.close()


def test_a_file_that_is_not_a_library_is_called_damaged(project: Project) -> None:
    project.database_file.write_bytes(b"garbage " * 1000)
    with pytest.raises(LibraryDamaged, match="is not an mnr library .file is not a database."):
        Library.open(project.database_file)
    assert issubclass(LibraryDamaged, LibraryUnavailable)  # the TUI's screens catch these
