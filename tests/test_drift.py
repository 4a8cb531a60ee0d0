"""The search log and the library never drift apart, and where they do (a crash, a lost
file), the next opening brings the library in line with the log and says so.

Each test simulates one fault (a failing write, a crash between the log and COMMIT, a
concurrent import, a 0-byte library) and ends with the folder and the cache agreeing.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner

from mnr import review, searches
from mnr.cli import main
from mnr.errors import ImportRefused, LibraryUnavailable, MnrError
from mnr.library import Library, NewSearch
from mnr.library.store import RecordSink
from mnr.project import Project
from mnr.searches import ImportOptions, append_log, import_file, read_log, withdraw
from tests.helpers import make_project, ris_text

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return make_project(tmp_path)


def _export(tmp_path: Path, name: str, prefix: str) -> Path:
    path = tmp_path / "downloads" / name
    path.parent.mkdir(exist_ok=True)
    path.write_text(ris_text([f"{name} paper one", f"{name} paper two"], prefix))
    return path


def _import(project: Project, path: Path, database: str) -> None:
    library = Library.open(project.database_file)
    try:
        import_file(project, library, path, ImportOptions(database=database))
    finally:
        library.close()


def _agreeing(project: Project) -> list[str]:
    """Assert that the log and the library agree; the library's searches, as `S1 name`
    (withdrawn ones marked)."""
    library = Library.open(project.database_file)
    try:
        assert not review.drift(project, library)
        entries, withdrawals = read_log(project)
        found = library.searches()
    finally:
        library.close()
    logged = [s for s in found if s.withdrawn_reason != review.UNLOGGED_REASON]
    assert [entry.name for entry in entries] == [s.file_name for s in logged]
    assert set(withdrawals) == {s.file_name for s in logged if s.withdrawn}
    return [f"{s.label} {s.file_name}" + (" (withdrawn)" if s.withdrawn else "")
            for s in found]


def _opened(project: Project) -> list[str]:
    """Open the review as every command does; what it reconciled."""
    opened = review.open_review(project)
    opened.library.close()
    return opened.reconciled


def _failing_close(self: RecordSink) -> None:
    CLOSE(self)  # every record written, then the commit cannot happen
    raise OSError("disk full")


CLOSE = RecordSink.close


# -- (a) a failing import never restores a stale log over another's entry ------------------

def test_a_failing_import_takes_out_only_its_own_log_entry(
        project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two processes (two Library objects on one file): the Scopus import lands while the
    CINAHL import waits for the write lock; CINAHL then fails before COMMIT."""
    cinahl = _export(tmp_path, "cinahl.ris", "10.1000/c")
    scopus = _export(tmp_path, "scopus.ris", "10.1000/s")
    failing, other = Library.open(project.database_file), Library.open(project.database_file)

    @contextmanager
    def importing_after_the_other(new: NewSearch, keep_fields: bool = False
                                  ) -> Iterator[RecordSink]:
        import_file(project, other, scopus, ImportOptions(database="Scopus"))
        monkeypatch.setattr(RecordSink, "close", _failing_close)
        with Library.importing(failing, new, keep_fields) as sink:
            yield sink

    monkeypatch.setattr(failing, "importing", importing_after_the_other)
    try:
        with pytest.raises(OSError, match="disk full"):
            import_file(project, failing, cinahl, ImportOptions(database="CINAHL"))
    finally:
        failing.close()
        other.close()
    monkeypatch.undo()
    assert _agreeing(project) == ["S1 scopus.ris"]
    assert not (project.searches_dir / "cinahl.ris").exists()
    assert _opened(project) == []


# -- (b) a crash between writing the log and COMMIT ---------------------------------------

CRASH = """
import os, sys
from pathlib import Path
from mnr.library import Library
from mnr.library.store import RecordSink
from mnr.project import Project
from mnr.searches import ImportOptions, import_file

close = RecordSink.close
def crash(self):
    close(self)
    os._exit(9)  # killed: no rollback handler, no clean-up, the log already written
RecordSink.close = crash
project = Project(Path(sys.argv[1]))
import_file(project, Library.open(project.database_file), Path(sys.argv[2]),
            ImportOptions(database="CINAHL"))
"""


def test_a_crash_before_commit_is_imported_at_the_next_opening_and_said(
        project: Project, tmp_path: Path) -> None:
    cinahl = _export(tmp_path, "cinahl.ris", "10.1000/c")
    crashed = subprocess.run([sys.executable, "-c", CRASH, str(project.root), str(cinahl)],
                             cwd=REPO, capture_output=True, text=True, timeout=120)
    assert crashed.returncode == 9, crashed.stderr
    [entry], _ = read_log(project)  # the log lists it; the library does not
    library = Library.open(project.database_file)
    assert library.searches() == []
    library.close()
    [said] = _opened(project)
    assert said.startswith("Imported S1 CINAHL: 2 records from searches/cinahl.ris")
    assert "searches/log.toml lists but the library lacked" in said
    assert _agreeing(project) == ["S1 cinahl.ris"]
    assert _opened(project) == []  # once


def test_an_exception_before_commit_leaves_the_log_as_it_was(
        project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _import(project, _export(tmp_path, "scopus.ris", "10.1000/s"), "Scopus")
    with project.log_file.open("a", encoding="utf-8") as log:
        log.write("# a note the librarian added by hand\n")
    before = project.log_file.read_text("utf-8")
    monkeypatch.setattr(RecordSink, "close", _failing_close)
    with pytest.raises(OSError, match="disk full"):
        _import(project, _export(tmp_path, "cinahl.ris", "10.1000/c"), "CINAHL")
    monkeypatch.undo()
    assert project.log_file.read_text("utf-8") == before
    assert _agreeing(project) == ["S1 scopus.ris"]


# -- (c) withdrawal: both the library and the log, or neither ------------------------------

def _refuse_replace(*_args: object) -> None:
    raise OSError(28, "No space left on device")


def test_a_withdrawal_the_log_cannot_take_changes_nothing(
        project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _import(project, _export(tmp_path, "cinahl.ris", "10.1000/c"), "CINAHL")
    before = project.log_file.read_text("utf-8")
    library = Library.open(project.database_file)
    monkeypatch.setattr(searches.os, "replace", _refuse_replace)
    with pytest.raises(MnrError) as refused:
        withdraw(project, library, 1, "wrong limits")
    monkeypatch.undo()
    assert refused.value.message == (f"{project.log_file}: could not be written (No space left "
                                     "on device); nothing was changed")
    assert not library.searches()[0].withdrawn
    library.close()
    assert project.log_file.read_text("utf-8") == before
    assert not list(project.searches_dir.glob(".log.toml.*"))  # no temporary left behind
    assert _agreeing(project) == ["S1 cinahl.ris"]


def test_the_cli_says_which_file_could_not_be_written(
        project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _import(project, _export(tmp_path, "cinahl.ris", "10.1000/c"), "CINAHL")
    monkeypatch.chdir(project.root)
    monkeypatch.setattr(searches.os, "replace", _refuse_replace)
    result = CliRunner().invoke(main, ["searches", "withdraw", "S1", "--reason", "wrong"])
    monkeypatch.undo()
    assert result.exit_code == 1
    assert f"error: {project.log_file}: could not be written" in result.stderr
    assert "Traceback" not in result.output
    assert _agreeing(project) == ["S1 cinahl.ris"]


def test_a_withdrawal_lands_in_both_and_survives_a_rebuild(project: Project,
                                                           tmp_path: Path) -> None:
    _import(project, _export(tmp_path, "cinahl.ris", "10.1000/c"), "CINAHL")
    library = Library.open(project.database_file)
    withdraw(project, library, 1, "wrong limits")
    library.close()
    assert _agreeing(project) == ["S1 cinahl.ris (withdrawn)"]
    for leftover in project.library_dir.iterdir():
        leftover.unlink()
    assert _opened(project) == []
    assert _agreeing(project) == ["S1 cinahl.ris (withdrawn)"]


# -- (d) a 0-byte library is no library; a file that is not one is refused -----------------

def test_a_zero_byte_library_is_rebuilt_from_the_folder_saying_so(project: Project,
                                                                 tmp_path: Path) -> None:
    cinahl = _export(tmp_path, "cinahl.ris", "10.1000/c")
    _import(project, cinahl, "CINAHL")
    project.database_file.write_bytes(b"")
    assert _opened(project) == ["library/library.sqlite was empty (0 bytes): rebuilt the "
                                "library from the review folder"]
    with pytest.raises(ImportRefused, match="already imported as S1"):
        _import(project, cinahl, "CINAHL")  # not a second log entry for the same file
    assert _agreeing(project) == ["S1 cinahl.ris"]


def test_a_file_that_is_not_a_library_is_refused_and_kept(project: Project,
                                                          tmp_path: Path) -> None:
    _import(project, _export(tmp_path, "cinahl.ris", "10.1000/c"), "CINAHL")
    junk = b"Dear colleague, the library is attached.\n" * 100
    project.database_file.write_bytes(junk)
    with pytest.raises(LibraryUnavailable) as refused:
        review.open_review(project)
    assert refused.value.message.startswith(f"{project.database_file}: is not an mnr library")
    assert "nothing was changed" in refused.value.message
    assert project.database_file.read_bytes() == junk
    project.database_file.unlink()  # moved away, as the message says: rebuilt from the folder
    assert _opened(project) == [] and _agreeing(project) == ["S1 cinahl.ris"]


# -- (e) every opening compares the two, cheaply, and resolves for the folder --------------

def test_an_opening_that_finds_nothing_to_do_reads_no_export(
        project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _import(project, _export(tmp_path, "cinahl.ris", "10.1000/c"), "CINAHL")

    def never(*_args: object) -> None:
        raise AssertionError("an export was read")

    monkeypatch.setattr(review, "file_sha256", never)
    monkeypatch.setattr(searches, "_read_export", never)
    assert _opened(project) == []


def test_a_search_the_log_does_not_list_is_withdrawn_and_its_records_kept(
        project: Project, tmp_path: Path) -> None:
    _import(project, _export(tmp_path, "cinahl.ris", "10.1000/c"), "CINAHL")
    logged = project.log_file.read_text("utf-8")
    _import(project, _export(tmp_path, "scopus.ris", "10.1000/s"), "Scopus")
    project.log_file.write_text(logged, "utf-8")  # e.g. a pull that brought an older log
    assert _opened(project) == ["Withdrew S2 Scopus (searches/scopus.ris): searches/log.toml "
                                "does not list it (its records are kept)"]
    assert _agreeing(project) == ["S1 cinahl.ris", "S2 scopus.ris (withdrawn)"]
    library = Library.open(project.database_file)
    assert len(list(library.records(include_withdrawn=True))) == 4
    assert library.status().records == 2
    library.close()
    assert _opened(project) == []


def test_a_search_logged_again_after_its_withdrawal_is_reinstated(
        project: Project, tmp_path: Path) -> None:
    """An older log and then the newer one again (e.g. a checkout of an older commit and
    back): the search mnr withdrew comes back; one a person withdrew stays withdrawn."""
    _import(project, _export(tmp_path, "cinahl.ris", "10.1000/c"), "CINAHL")
    older = project.log_file.read_text("utf-8")
    _import(project, _export(tmp_path, "scopus.ris", "10.1000/s"), "Scopus")
    newer = project.log_file.read_text("utf-8")
    project.log_file.write_text(older, "utf-8")
    [withdrew] = _opened(project)
    assert withdrew.startswith("Withdrew S2 Scopus")
    project.log_file.write_text(newer, "utf-8")
    [reinstated] = _opened(project)
    assert reinstated.startswith("Reinstated S2 Scopus (searches/scopus.ris): searches/log.toml "
                                 "lists it again")
    assert _opened(project) == []
    assert _agreeing(project) == ["S1 cinahl.ris", "S2 scopus.ris"]
    library = Library.open(project.database_file)
    try:
        library.withdraw_search(2, "exported with the wrong limits")
        assert not library.reinstate_search(2, review.UNLOGGED_REASON)
        assert library.search(2) is not None and library.search(2).withdrawn  # type: ignore[union-attr]
    finally:
        library.close()


def test_a_logged_withdrawal_not_applied_is_applied(project: Project, tmp_path: Path) -> None:
    _import(project, _export(tmp_path, "cinahl.ris", "10.1000/c"), "CINAHL")
    append_log(project, "withdrawal", {"file": "cinahl.ris", "reason": "wrong limits"})
    assert _opened(project) == ["Withdrew S1 (searches/cinahl.ris), as searches/log.toml "
                                "says: wrong limits"]
    assert _agreeing(project) == ["S1 cinahl.ris (withdrawn)"]


def test_a_logged_search_from_another_machine_is_imported_with_its_withdrawal(
        project: Project, tmp_path: Path) -> None:
    """A colleague's import and withdrawal arrive by git: the export and the log lines."""
    colleague = make_project(tmp_path / "colleague")
    _import(colleague, _export(tmp_path, "scopus.ris", "10.1000/s"), "Scopus")
    library = Library.open(colleague.database_file)
    withdraw(colleague, library, 1, "wrong limits")
    library.close()
    _import(project, _export(tmp_path, "cinahl.ris", "10.1000/c"), "CINAHL")
    (project.searches_dir / "scopus.ris").write_bytes(
        (colleague.searches_dir / "scopus.ris").read_bytes())
    ours = project.log_file.read_text("utf-8")
    theirs = colleague.log_file.read_text("utf-8").split("\n[[search]]\n", 1)[1]
    project.log_file.write_text(ours + "\n[[search]]\n" + theirs, "utf-8")
    assert _opened(project) == [
        "Imported S2 Scopus: 2 records from searches/scopus.ris, which searches/log.toml "
        "lists but the library lacked; withdrew it, as the log says: wrong limits"]
    assert _agreeing(project) == ["S1 cinahl.ris", "S2 scopus.ris (withdrawn)"]


def test_what_cannot_be_resolved_is_said_and_changes_nothing(project: Project,
                                                            tmp_path: Path) -> None:
    cinahl = _export(tmp_path, "cinahl.ris", "10.1000/c")
    _import(project, cinahl, "CINAHL")
    append_log(project, "search", {"file": "lost.ris", "database": "ERIC"})
    changed = project.searches_dir / "changed.ris"
    changed.write_text(ris_text(["Changed"], "10.1000/x"))
    append_log(project, "search", {"file": "changed.ris", "database": "ERIC",
                                   "sha256": "0" * 64})
    assert _opened(project) == [
        "searches/lost.ris is in searches/log.toml but missing from searches/: not imported",
        "searches/changed.ris has changed since searches/log.toml logged it (its SHA-256 is "
        "not the logged one): not imported"]
    project.log_file.write_text("[[search]\n", "utf-8")  # broken by a bad hand edit
    [said] = _opened(project)
    assert said.startswith("the library was not checked against the search log: ")
    project.log_file.write_text("", "utf-8")  # lost: the library's searches are not withdrawn
    assert _opened(project) == [
        "searches/log.toml lists no searches but the library holds S1: nothing was "
        "withdrawn; restore the log (e.g. from git), or withdraw them with "
        "`mnr searches withdraw`"]


def test_the_cli_reports_what_was_reconciled_in_one_message(project: Project,
                                                            tmp_path: Path) -> None:
    _import(project, _export(tmp_path, "cinahl.ris", "10.1000/c"), "CINAHL")
    logged = project.log_file.read_text("utf-8")
    _import(project, _export(tmp_path, "scopus.ris", "10.1000/s"), "Scopus")
    _import(project, _export(tmp_path, "eric.ris", "10.1000/e"), "ERIC")
    project.log_file.write_text(logged, "utf-8")
    env = {**os.environ, "COLUMNS": "200"}
    result = subprocess.run([sys.executable, "-m", "mnr", "status"], cwd=project.root,
                            capture_output=True, text=True, timeout=120, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("The library was brought in line with the review folder:") == 1
    assert "  Withdrew S2 Scopus (searches/scopus.ris)" in result.stderr
    assert "  Withdrew S3 ERIC (searches/eric.ris)" in result.stderr
    assert "1 searches (2 withdrawn), 2 records" in result.stdout
    again = subprocess.run([sys.executable, "-m", "mnr", "status"], cwd=project.root,
                           capture_output=True, text=True, timeout=120)
    assert again.stderr == ""
    assert _agreeing(project) == ["S1 cinahl.ris", "S2 scopus.ris (withdrawn)",
                                  "S3 eric.ris (withdrawn)"]


def test_a_file_in_searches_that_the_log_does_not_name_is_reported_not_imported(
        project: Project, tmp_path: Path) -> None:
    _import(project, _export(tmp_path, "medline.ris", "10.1/m"), "MEDLINE")
    stray = project.searches_dir / "embase-copied-by-hand.ris"
    stray.write_text(ris_text(["A paper nobody logged"]))
    said = _opened(project)
    assert said == ["searches/embase-copied-by-hand.ris is not in searches/log.toml, so it is "
                    "not part of the review: import it with `mnr import`, or move it out of "
                    "searches/"]
    assert len(_agreeing(project)) == 1  # the stray was not imported
    stray.unlink()
    assert _opened(project) == []
