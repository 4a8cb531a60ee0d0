"""The library database: migrations on open, WAL, records that cannot be changed, imports
whole or not at all, searches and their counts."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from mnr.errors import ImportRefused, LibraryUnavailable, MnrError, NotPermitted
from mnr.library import DatabaseCount, Library, NewSearch, Status, store
from mnr.library.migrations import LATEST
from mnr.records import ParsedRecord
from tests.helpers import add_search


def _search(sha: str = "a" * 64) -> NewSearch:
    return NewSearch(database="MEDLINE", file_name="x.ris", file_sha256=sha, file_bytes=1,
                     encoding="utf-8", format="ris")


def test_open_applies_migrations_once_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "lib.sqlite"
    Library.open(path).close()
    library = Library.open(path)
    with library.engine.connect() as conn:
        versions = conn.execute(text("SELECT version FROM schema_version")).scalars().all()
        mode = conn.execute(text("PRAGMA journal_mode")).scalar()
    library.close()
    assert versions == list(range(1, LATEST + 1))
    assert mode == "wal"


def test_a_new_library_has_large_pages_and_an_older_one_keeps_its_own(tmp_path: Path) -> None:
    new, old = tmp_path / "new.sqlite", tmp_path / "old.sqlite"
    Library.open(new).close()
    made = sqlite3.connect(old)  # a library made before: SQLite's default 4 kB pages
    made.execute("PRAGMA page_size=4096")
    made.execute("PRAGMA journal_mode=WAL")
    made.close()
    Library.open(old).close()  # opened (and migrated) by this mnr: still readable, same pages
    for path, size in ((new, store.PAGE_SIZE), (old, 4096)):
        check = sqlite3.connect(path)
        assert check.execute("PRAGMA page_size").fetchone() == (size,)
        assert check.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        check.close()


def test_a_newer_library_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "lib.sqlite"
    library = Library.open(path)
    with library.engine.begin() as conn:
        conn.execute(text("INSERT INTO schema_version VALUES (999, 'future', 'now')"))
    library.close()
    with pytest.raises(MnrError, match="newer"):
        Library.open(path)


def test_records_are_never_updated_or_deleted(tmp_path: Path) -> None:
    library = Library.open(tmp_path / "lib.sqlite")
    with library.importing(_search(), keep_fields=True) as sink:
        sink.add([ParsedRecord(raw="TY  - JOUR\nER  - ", fields={"TY": "JOUR"}, locator="line 1",
                               title="A title", authors=["A, B"])])
    for statement in ("UPDATE records SET title = 'x'", "DELETE FROM records",
                      "DELETE FROM record_sources"):
        with pytest.raises((DatabaseError, NotPermitted), match="never changed"):
            with library.engine.begin() as conn:
                conn.execute(text(statement))
    [record] = library.records(with_source=True)
    assert record.title == "A title" and record.raw == "TY  - JOUR\nER  - "
    assert record.fields == {"TY": "JOUR"} and record.authors == ["A, B"]
    library.close()


def test_an_exception_inside_an_import_leaves_nothing(tmp_path: Path) -> None:
    library = Library.open(tmp_path / "lib.sqlite")
    with pytest.raises(KeyboardInterrupt):
        with library.importing(_search()) as sink:
            sink.add([ParsedRecord(raw="r", fields={}, locator="line 1", title="T")])
            raise KeyboardInterrupt
    assert library.searches() == [] and list(library.records()) == []
    library.close()


def test_status_counts_each_database_and_leaves_out_withdrawn_searches(
        library: Library) -> None:
    add_search(library, "MEDLINE", ["A", None])
    add_search(library, "CINAHL", ["B"])
    add_search(library, "MEDLINE", ["C"])
    add_search(library, "Scopus", ["D", "E"])
    withdrawn = library.withdraw_search(4, "wrong limits")
    assert (withdrawn.withdrawn, withdrawn.withdrawn_reason) == (True, "wrong limits")
    assert library.status() == Status(
        searches=3, withdrawn_searches=1, records=4, untitled=1,
        by_database=[DatabaseCount("MEDLINE", 2, 3, 1), DatabaseCount("CINAHL", 1, 1, 0)])
    assert [s.label for s in library.searches()] == ["S1", "S2", "S3", "S4"]
    assert [s.label for s in library.searches(include_withdrawn=False)] == ["S1", "S2", "S3"]
    assert [s.record_count for s in library.searches()] == [2, 1, 1, 2]
    assert library.search(99) is None


def test_records_are_read_by_search_by_id_and_with_withdrawn_ones(library: Library) -> None:
    add_search(library, "MEDLINE", ["A", "B"])
    add_search(library, "Scopus", ["C"])
    library.withdraw_search(2, "wrong limits")
    assert [r.label for r in library.records()] == ["R1", "R2"]
    assert [r.label for r in library.records(include_withdrawn=True)] == ["R1", "R2", "R3"]
    assert [r.title for r in library.records(search_id=1)] == ["A", "B"]
    assert [r.title for r in library.records(include_withdrawn=True, record_ids=[3, 1])] == [
        "A", "C"]
    [record] = library.records(record_ids=[2])
    assert (record.database, record.search_id, record.position, record.locator,
            record.work_id, record.work_label) == ("MEDLINE", 1, 2, "line 2", None, None)


def test_a_file_stored_twice_is_refused_inside_the_store(library: Library) -> None:
    with library.importing(_search()) as sink:
        sink.add([ParsedRecord(raw="r", fields={}, locator="line 1", title="T")])
    with pytest.raises(ImportRefused, match="already imported; nothing was changed"):
        with library.importing(_search()) as sink:  # another process's copy of the file
            sink.add([ParsedRecord(raw="r", fields={}, locator="line 1", title="T")])
    assert [s.record_count for s in library.searches()] == [1]
    assert len(list(library.records())) == 1


def test_a_writer_held_up_too_long_gets_mnrs_own_error_and_readers_never_wait(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store, "BUSY_TIMEOUT_MS", 50)
    path = tmp_path / "lib.sqlite"
    holder, other = Library.open(path), Library.open(path)
    try:
        add_search(holder, "MEDLINE", ["A"])
        with holder.writing():  # another user's long write
            assert [s.label for s in other.searches()] == ["S1"]  # WAL: reading goes on
            with pytest.raises(LibraryUnavailable, match="could not be read or written just "
                                                         "now .*locked.*; try again"):
                other.synthesis.add_memo("review", None, "BH", "Waiting")
        other.synthesis.add_memo("review", None, "BH", "Once it is free")
        assert [m.text for m in other.synthesis.memos()] == ["Once it is free"]
    finally:
        holder.close()
        other.close()


def test_a_file_that_is_not_a_library_is_refused_in_mnrs_words(tmp_path: Path) -> None:
    path = tmp_path / "lib.sqlite"
    path.write_text("Dear colleague, the library is attached.\n" * 100)
    with pytest.raises(MnrError, match="lib.sqlite"):
        Library.open(path)
