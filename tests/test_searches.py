"""Importing exports: all or nothing, refusals that change nothing, the log, withdrawal."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mnr.errors import FormatError, ImportRefused, MnrError, UnknownFormat
from mnr.library import Library
from mnr.project import Project
from mnr.review import open_review
from mnr.searches import ImportOptions, edit, export_text, import_file, read_log, withdraw
from tests.helpers import make_project, ris_text, snapshot


def _import(project: Project, path: Path, **options: object) -> object:
    library = Library.open(project.database_file)
    try:
        return import_file(project, library, path, ImportOptions(**options))  # type: ignore[arg-type]
    finally:
        library.close()


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return make_project(tmp_path)


@pytest.fixture
def export(tmp_path: Path) -> Path:
    path = tmp_path / "downloads" / "cinahl.ris"
    path.parent.mkdir()
    path.write_text(ris_text(["First paper", "Second paper", None]))
    return path


def test_import_stores_records_copies_the_file_and_logs_the_search(
        project: Project, export: Path) -> None:
    _import(project, export, database="CINAHL", platform="EBSCOhost", date="2016-08-01",
            query="care plan*")
    library = Library.open(project.database_file)
    library.export_text = export_text(project)
    [search] = library.searches()
    records = list(library.records(with_source=True))
    library.close()
    assert (search.database, search.platform, search.search_date, search.format) == (
        "CINAHL", "EBSCOhost", "2016-08-01", "ris")
    assert search.record_count == 3 and search.file_name == "cinahl.ris"
    assert (project.searches_dir / "cinahl.ris").read_bytes() == export.read_bytes()
    assert [r.title for r in records] == ["First paper", "Second paper", None]
    assert records[0].doi == "10.1000/t1" and records[0].year == 2001
    assert records[0].raw.startswith("TY  - JOUR") and records[0].locator == "line 1"
    [entry], _ = read_log(project)
    assert entry.file.name == "cinahl.ris" and entry.options.database == "CINAHL"
    assert entry.options.query == "care plan*"


def test_the_same_file_twice_is_refused_naming_the_earlier_search(
        project: Project, export: Path) -> None:
    _import(project, export, database="CINAHL")
    before = snapshot(project)
    with pytest.raises(ImportRefused, match=r"already imported as S1 \(CINAHL"):
        _import(project, export, database="CINAHL")
    assert snapshot(project) == before


@pytest.mark.parametrize(
    ("content", "error", "message"),
    [
        (b"", FormatError, "empty"),
        (os.urandom(4096), FormatError, "binary|not recognised|decoded"),
        (b"Dear colleague,\nhere are the papers you asked for.\n", UnknownFormat,
         "Tried: .*ris.*--format"),
        (ris_text(["Complete", "Cut off"]).rsplit("ER  -", 1)[0].encode(), FormatError,
         "truncat"),
    ],
    ids=["empty", "random-bytes", "unknown-format", "truncated"],
)
def test_bad_input_names_the_file_and_changes_nothing(
        project: Project, tmp_path: Path, content: bytes, error: type[Exception],
        message: str) -> None:
    bad = tmp_path / "bad.ris"
    bad.write_bytes(content)
    before = snapshot(project)
    with pytest.raises(error, match=message) as caught:
        _import(project, bad, database="CINAHL")
    assert "bad.ris" in str(caught.value)
    assert snapshot(project) == before
    assert not (project.searches_dir / "bad.ris").exists()


def test_a_record_without_a_title_is_kept_and_counted(project: Project, export: Path) -> None:
    result = _import(project, export, database="CINAHL")
    assert result.untitled == 1  # type: ignore[attr-defined]
    library = Library.open(project.database_file)
    assert library.status().untitled == 1
    library.close()


def test_interrupting_an_import_leaves_the_library_as_it_was(
        project: Project, export: Path) -> None:
    before = snapshot(project)

    def interrupt(_count: int, _total: int | None = None) -> None:
        raise KeyboardInterrupt

    library = Library.open(project.database_file)
    with pytest.raises(KeyboardInterrupt):
        import_file(project, library, export, ImportOptions(database="CINAHL"), interrupt)
    library.close()
    assert snapshot(project) == before
    assert not (project.searches_dir / export.name).exists()


def test_a_bad_date_is_refused_before_reading(project: Project, export: Path) -> None:
    with pytest.raises(ImportRefused, match="YYYY-MM-DD"):
        _import(project, export, database="CINAHL", date="1 Aug 2016")


@pytest.mark.parametrize("date", ["2024-13-45", "2023-02-29", "2024-00", "2024-04-31"])
def test_a_date_of_the_right_shape_that_is_no_date_is_refused(
        project: Project, export: Path, date: str) -> None:
    before = snapshot(project)
    with pytest.raises(ImportRefused, match=rf"the search date '{date}' is not a date"):
        _import(project, export, database="CINAHL", date=date)
    assert snapshot(project) == before


@pytest.mark.parametrize("date", ["2024-02-29", "2016", "2016-08"])
def test_a_year_or_a_month_may_stand_for_the_date(project: Project, export: Path,
                                                  date: str) -> None:
    _import(project, export, database="CINAHL", date=date)
    assert f'date = "{date}"' in project.log_file.read_text("utf-8")


def test_database_is_required_when_the_file_does_not_say(project: Project,
                                                          export: Path) -> None:
    with pytest.raises(ImportRefused, match="--database"):
        _import(project, export)


def test_other_methods_are_marked_as_such(project: Project, export: Path) -> None:
    _import(project, export, other_method="Citation searching")
    library = Library.open(project.database_file)
    [search] = library.searches()
    library.close()
    assert search.source_kind == "other" and search.database == "Citation searching"


def test_a_fresh_library_is_rebuilt_from_the_search_log(project: Project, export: Path,
                                                         tmp_path: Path) -> None:
    second = tmp_path / "downloads" / "scopus.ris"
    second.write_text(ris_text(["Third paper"], doi_prefix="10.2000/s"))
    _import(project, export, database="CINAHL", query="a\nb")
    _import(project, second, database="Scopus")
    library = Library.open(project.database_file)
    withdraw(project, library, 2, "exported with the wrong limits")
    expected = library.status()
    library.close()
    for leftover in project.library_dir.iterdir():
        leftover.unlink()
    opened = open_review(project)
    library, built = opened.library, opened.built
    assert [r.search.database for r in built] == ["CINAHL", "Scopus"]
    assert library.status() == expected
    assert library.searches()[0].query == "a\nb"
    library.close()


def test_withdrawing_keeps_records_but_stops_counting_them(project: Project,
                                                           export: Path) -> None:
    _import(project, export, database="CINAHL")
    library = Library.open(project.database_file)
    withdrawn = withdraw(project, library, 1, "wrong database")
    assert withdrawn.withdrawn and withdrawn.withdrawn_reason == "wrong database"
    assert library.status().records == 0
    assert len(list(library.records(include_withdrawn=True))) == 3
    with pytest.raises(MnrError, match="already withdrawn"):
        withdraw(project, library, 1, "again")
    library.close()


def test_a_log_entry_cannot_point_outside_searches(project: Project) -> None:
    project.log_file.write_text('[[search]]\nfile = "../review.toml"\ndatabase = "X"\n')
    with pytest.raises(MnrError, match="inside searches/"):
        read_log(project)


def test_a_failed_commit_leaves_no_copy_and_no_log_entry(project: Project, export: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from mnr.library.store import RecordSink

    before = snapshot(project)
    close = RecordSink.close

    def failing_close(self: RecordSink) -> None:
        close(self)  # every record written, then the commit cannot happen
        raise OSError("disk full")

    monkeypatch.setattr(RecordSink, "close", failing_close)
    with pytest.raises(OSError, match="disk full"):
        _import(project, export, database="CINAHL")
    monkeypatch.undo()
    assert snapshot(project) == before
    assert not (project.searches_dir / export.name).exists()


# -- correcting a search's metadata (`mnr searches edit`) ---------------------------------

def test_a_correction_is_logged_and_survives_a_rebuild_from_the_folder(
        project: Project, export: Path) -> None:
    _import(project, export, database="CINAHL", date="2016-08-01", query="care plan*")
    library = Library.open(project.database_file)
    edited, changed = edit(project, library, 1, {"date": "2016-08-02", "query": "care plan*",
                                                 "platform": "EBSCOhost"})
    library.close()
    assert changed == {"date": ("2016-08-01", "2016-08-02"), "platform": (None, "EBSCOhost")}
    assert (edited.search_date, edited.query, edited.platform) == (
        "2016-08-02", "care plan*", "EBSCOhost")
    log = project.log_file.read_text("utf-8")
    assert ('[[edit]]\nfile = "cinahl.ris"\ndate = "2016-08-02"\nplatform = "EBSCOhost"\n'
            'at = ') in log
    [entry] = read_log(project)[0]
    assert (entry.options.date, entry.options.platform) == ("2016-08-02", "EBSCOhost")
    for leftover in project.library_dir.iterdir():
        leftover.unlink()
    opened = open_review(project)
    [search] = opened.library.searches()
    opened.library.close()
    assert (search.search_date, search.query, search.platform) == (
        "2016-08-02", "care plan*", "EBSCOhost")


def test_a_correction_made_elsewhere_reaches_the_library_when_it_is_opened(
        project: Project, export: Path) -> None:
    """A colleague's [[edit]] pulled with the folder: the log wins."""
    _import(project, export, database="CINAHL", date="2016-08-01")
    with project.log_file.open("a", encoding="utf-8") as log:
        log.write('\n[[edit]]\nfile = "cinahl.ris"\nquery = "care plan* OR careplan*"\n')
    opened = open_review(project)
    [search] = opened.library.searches()
    opened.library.close()
    assert search.query == "care plan* OR careplan*" and search.search_date == "2016-08-01"
    assert opened.reconciled == ["Corrected S1's query (searches/cinahl.ris), as "
                                 "searches/log.toml says"]
    again = open_review(project)  # in line now: nothing more to do
    again.library.close()
    assert again.reconciled == []


@pytest.mark.parametrize(("search_id", "changes", "message"), [
    (1, {"date": "2016-02-30"}, "'2016-02-30' is not a date"),
    (1, {"query": " "}, "--query: give the corrected value"),
    (1, {"database": "CINAHL"}, "S1 already says that; nothing was changed"),
    (1, {}, "say what to correct"),
    (7, {"date": "2016-08-01"}, "there is no search S7"),
])
def test_a_correction_that_cannot_be_made_changes_nothing(
        project: Project, export: Path, search_id: int, changes: dict[str, str],
        message: str) -> None:
    _import(project, export, database="CINAHL")
    before = snapshot(project)
    library = Library.open(project.database_file)
    try:
        with pytest.raises(MnrError, match=message):
            edit(project, library, search_id, changes)
    finally:
        library.close()
    assert snapshot(project) == before


def test_a_correction_whose_log_cannot_be_written_changes_nothing(
        project: Project, export: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    _import(project, export, database="CINAHL", date="2016-08-01")
    before = snapshot(project)

    def full(*_args: object, **_kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Path, "write_text", full)
    library = Library.open(project.database_file)
    try:
        with pytest.raises(MnrError, match="could not be written .No space left on device"):
            edit(project, library, 1, {"date": "2016-08-02"})
    finally:
        library.close()
    monkeypatch.undo()
    assert snapshot(project) == before
    library = Library.open(project.database_file)
    assert library.searches()[0].search_date == "2016-08-01"
    library.close()
