"""The library database: migrations on open, WAL, and records that cannot be changed."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from mnr.errors import MnrError
from mnr.library import Library, NewSearch
from mnr.library.migrations import LATEST
from mnr.records import ParsedRecord


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
        with pytest.raises(DatabaseError, match="never changed"):
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
