"""Migrations: a library written at an older schema version is brought up to date on
opening, its data kept, and a migration that fails leaves it as it was."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

from mnr.library import Library, schema
from mnr.library import migrations as migrations_module
from mnr.library.migrations import LATEST, MIGRATIONS

THEN = "2023-01-01T00:00:00+00:00"


def _library_at(path: Path, version: int) -> None:
    """A library as an mnr of schema ``version`` left it: its migrations applied, a search
    of two records grouped into one work, a screening decision. Libraries at versions 3
    to 5 had no index of the screening log by work (version 6 added it)."""
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        schema.schema_version.create(conn)
        for number, description, apply in MIGRATIONS[:version]:
            apply(conn)
            conn.execute(schema.schema_version.insert().values(
                version=number, description=description, applied_at=THEN))
        conn.execute(schema.searches.insert().values(
            search_id=1, database="MEDLINE", source_kind="database", file_name="m.ris",
            file_sha256="a" * 64, file_bytes=10, encoding="utf-8", format="ris",
            record_count=2, imported_at=THEN))
        for record_id, title in ((1, "Care planning"), (2, "Care-planning")):
            conn.execute(schema.records.insert().values(
                record_id=record_id, search_id=1, position=record_id,
                locator=f"line {record_id}", title=title, authors='["Smith, J"]',
                keywords="[]", cited_refs="[]", cited_ref_count=0))
            conn.execute(schema.record_sources.insert().values(record_id=record_id,
                                                               raw=f"TI  - {title}"))
        if version >= 2:
            conn.execute(schema.works.insert().values(work_id=1, created_at=THEN))
            conn.execute(schema.record_works.insert(), [{"record_id": 1, "work_id": 1},
                                                        {"record_id": 2, "work_id": 1}])
        if version >= 3:
            if version < 6:
                conn.execute(text("DROP INDEX ix_screening_log_work"))
            conn.execute(schema.screening_log.insert().values(
                work_id=1, stage="title", reviewer="BH", kind="decision", decision="y",
                decided_at=THEN, origin="tui"))
    engine.dispose()


def _versions(path: Path) -> list[int]:
    engine = create_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        found = list(conn.execute(text("SELECT version FROM schema_version ORDER BY version"))
                     .scalars())
    engine.dispose()
    return found


@pytest.mark.parametrize("version", [1, 3, LATEST - 1])
def test_an_older_library_is_migrated_and_keeps_its_data(tmp_path: Path, version: int) -> None:
    path = tmp_path / "library.sqlite"
    _library_at(path, version)
    library = Library.open(path)
    try:
        assert _versions(path) == list(range(1, LATEST + 1))
        assert [(r.record_id, r.title, r.authors) for r in library.records()] == [
            (1, "Care planning", ["Smith, J"]), (2, "Care-planning", ["Smith, J"])]
        expected_works = {1: 1, 2: 1} if version >= 2 else {}
        assert library.works.memberships() == expected_works
        if version >= 3:
            [entry] = library.screening.log()
            assert (entry.work_id, entry.reviewer, entry.decision) == (1, "BH", "y")
        # what the newer versions added is there, and in use
        indexes = {index["name"] for index in inspect(library.engine).get_indexes(
            "screening_log")}
        assert "ix_screening_log_work" in indexes
        library.works.commit([[1, 2]])
        library.synthesis.add_memo("review", None, "BH", "After the upgrade")
        library.references.add(1, "references/a.txt", "b" * 64, ["Jones 2010"])
        assert [m.text for m in library.synthesis.memos()] == ["After the upgrade"]
        assert library.screening.merged_into() == {}
    finally:
        library.close()


def test_a_migration_that_fails_leaves_the_library_at_its_version(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "library.sqlite"
    _library_at(path, 3)

    def failing(conn: object) -> None:
        schema.reference_lists.create(conn)  # type: ignore[arg-type]
        raise RuntimeError("disk full")

    patched = [(n, d, failing if n == 5 else apply) for n, d, apply in MIGRATIONS]
    monkeypatch.setattr(migrations_module, "MIGRATIONS", patched)
    with pytest.raises(RuntimeError, match="disk full"):
        Library.open(path)
    assert _versions(path) == [1, 2, 3]
    engine = create_engine(f"sqlite:///{path}")
    tables = set(inspect(engine).get_table_names())
    engine.dispose()
    assert not tables & {"appraisals", "reference_lists", "work_merges"}  # v4 went back too
    monkeypatch.undo()
    Library.open(path).close()
    assert _versions(path) == list(range(1, LATEST + 1))
