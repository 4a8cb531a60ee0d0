"""A RIS record's text is read back from the export kept in searches/, not stored twice:
the library keeps where it stands, and refuses, naming the file, when the file is gone
or changed."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from mnr.errors import LibraryUnavailable, MnrError
from mnr.library import Library
from mnr.project import Project, init_project
from mnr.review import open_review
from mnr.searches import ImportOptions, export_text, import_file

EXPORTS = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "exports"
SCOPUS = EXPORTS / "ris" / "asreview__scopus.ris"
NBIB = EXPORTS / "medline_nbib" / "synthesisr__PubMed_example.txt"
# CRLF line ends and a UTF-8 BOM: the text is cut from the file as decoded at import
RIS = ("\ufeffTY  - JOUR\r\nTI  - Care planning in community mental health\r\nAU  - Smith, J\r\n"
       "PY  - 2019\r\nDO  - 10.1000/ABC.Def\r\nER  - \r\n\r\nTY  - JOUR\r\nTI  - Ein "
       "Pflegeplan für Ärztinnen\r\nPY  - 2020\r\nER  - \r\n")


@pytest.fixture
def review(tmp_path: Path) -> Iterator[tuple[Project, Library]]:
    project = init_project(tmp_path / "review", "Kept exports")
    library = Library.open(project.database_file)
    library.export_text = export_text(project)
    yield project, library
    library.close()


def _stored(library: Library) -> list[tuple[str, int | None, int | None]]:
    with library.engine.connect() as conn:
        return [tuple(row) for row in conn.execute(text(  # type: ignore[misc]
            "SELECT raw, raw_start, raw_end FROM record_sources ORDER BY record_id"))]


def test_a_ris_records_text_is_read_from_the_kept_export(review: tuple[Project, Library],
                                                          tmp_path: Path) -> None:
    project, library = review
    path = tmp_path / "mixed.ris"
    path.write_bytes(RIS.encode("utf-8"))
    import_file(project, library, path, ImportOptions(database="Scopus"))
    assert [raw for raw, _, _ in _stored(library)] == ["", ""]  # no second copy
    raws = [r.raw for r in library.records(with_source=True)]
    assert raws == ["TY  - JOUR\nTI  - Care planning in community mental health\nAU  - "
                    "Smith, J\nPY  - 2019\nDO  - 10.1000/ABC.Def\nER  - ",
                    "TY  - JOUR\nTI  - Ein Pflegeplan für Ärztinnen\nPY  - 2020\nER  - "]
    assert [r.raw for r in library.records()] == [None, None]  # read only when asked for


def test_a_real_export_gives_back_every_record_as_it_stood(review: tuple[Project, Library]
                                                           ) -> None:
    project, library = review
    import_file(project, library, SCOPUS, ImportOptions(database="Scopus"))
    records = list(library.records(with_source=True))
    text_of_file = SCOPUS.read_text(encoding="utf-8").replace("\r\n", "\n")
    position = 0
    for record in records:
        assert record.raw and record.raw.startswith("TY  - ")
        found = text_of_file.find(record.raw, position)
        assert found >= position, record.locator
        position = found + len(record.raw)
    assert len(records) == text_of_file.count("TY  - ")


def test_a_format_read_another_way_still_stores_its_text(review: tuple[Project, Library]
                                                         ) -> None:
    project, library = review
    import_file(project, library, NBIB, ImportOptions(database="MEDLINE"))
    stored = _stored(library)
    assert stored and all(raw and start is None for raw, start, _ in stored)
    assert all(r.raw for r in library.records(with_source=True))


def test_a_changed_or_missing_export_is_named(review: tuple[Project, Library],
                                              tmp_path: Path) -> None:
    project, library = review
    path = tmp_path / "scopus.ris"
    shutil.copy(SCOPUS, path)
    import_file(project, library, path, ImportOptions(database="Scopus"))
    kept = project.searches_dir / "scopus.ris"
    kept.write_bytes(kept.read_bytes() + b"\n")
    with pytest.raises(MnrError, match=r"searches/scopus.ris: .* was changed after"):
        list(library.records(with_source=True))
    kept.unlink()
    with pytest.raises(MnrError, match=r"searches/scopus.ris: .* could not be read"):
        list(library.records(with_source=True))
    assert len(list(library.records())) > 0  # the records themselves are all there


def test_a_library_opened_without_its_folder_says_so(tmp_path: Path) -> None:
    project = init_project(tmp_path / "review", "No folder")
    library = Library.open(project.database_file)
    try:
        import_file(project, library, SCOPUS, ImportOptions(database="Scopus"))
        with pytest.raises(LibraryUnavailable, match="without the review folder"):
            list(library.records(with_source=True))
    finally:
        library.close()


def test_the_review_opens_its_library_with_the_folder(tmp_path: Path) -> None:
    project = init_project(tmp_path / "review", "Opened as a review")
    library = Library.open(project.database_file)
    import_file(project, library, SCOPUS, ImportOptions(database="Scopus"))
    library.close()
    opened = open_review(project)
    try:
        assert all(r.raw for r in opened.library.records(with_source=True))
    finally:
        opened.library.close()


def test_a_library_of_schema_14_gains_the_columns_and_keeps_its_text(tmp_path: Path) -> None:
    project = init_project(tmp_path / "review", "Old library")
    library = Library.open(project.database_file)
    import_file(project, library, NBIB, ImportOptions(database="MEDLINE"))
    before = [r.raw for r in library.records(with_source=True)]
    library.close()
    engine = create_engine(f"sqlite:///{project.database_file}")
    with engine.begin() as conn:  # record_sources as schema 14 made it
        conn.execute(text("DROP TRIGGER record_sources_no_update"))
        conn.execute(text("DROP TRIGGER record_sources_no_delete"))
        conn.execute(text("ALTER TABLE record_sources DROP COLUMN raw_start"))
        conn.execute(text("ALTER TABLE record_sources DROP COLUMN raw_end"))
        conn.execute(text("DELETE FROM schema_version WHERE version = 15"))
    engine.dispose()
    library = Library.open(project.database_file)
    library.export_text = export_text(project)
    try:
        assert [r.raw for r in library.records(with_source=True)] == before
        import_file(project, library, SCOPUS, ImportOptions(database="Scopus"))
        assert all(r.raw for r in library.records(with_source=True))
    finally:
        library.close()
