"""Small builders shared by the tests: a project in a temp folder, RIS text, a search
stored straight into a library."""

from __future__ import annotations

import hashlib
from pathlib import Path

from mnr.library import Library, NewSearch
from mnr.project import Project, init_project
from mnr.records import ParsedRecord
from mnr.searches import ImportOptions, import_file


def make_project(tmp_path: Path) -> Project:
    return init_project(tmp_path / "review", "A test review")


def ris_text(titles: list[str | None], doi_prefix: str = "10.1000/t") -> str:
    """A small RIS export, one record per title (None leaves the title out)."""
    blocks = []
    for number, title in enumerate(titles, start=1):
        lines = ["TY  - JOUR", f"AU  - Author{number}, A."]
        if title is not None:
            lines.append(f"TI  - {title}")
        lines += [f"PY  - {2000 + number}", f"DO  - {doi_prefix}{number}", "ER  - "]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def snapshot(project: Project) -> tuple[int, int, str]:
    """Searches, records and the search log: what 'the library is unchanged' compares."""
    library = Library.open(project.database_file)
    try:
        state = library.status()
        searches = len(library.searches())
    finally:
        library.close()
    return searches, state.records, project.log_file.read_text("utf-8")


def import_text(project: Project, name: str, text: str, database: str,
                **options: str | bool) -> None:
    """Write an export beside the project and import it, as a librarian would (``options``:
    more of ImportOptions, e.g. ``other_method="Citation searching"``)."""
    path = project.root.parent / name
    path.write_text(text)
    library = Library.open(project.database_file)
    try:
        import_file(project, library, path,
                    ImportOptions(database=database, **options))  # type: ignore[arg-type]
    finally:
        library.close()


def works_by_doi(library: Library) -> dict[str, int]:
    """Each paper's work id, by the last part of its DOI (``10.1000/a`` -> ``a``): the
    key test papers are written under."""
    work: dict[str, int] = {}
    for record in library.records():
        assert record.work_id is not None and record.doi is not None
        work[record.doi.rsplit("/", 1)[1]] = record.work_id
    return work


def add_search(library: Library, database: str, titles: list[str | None], *,
               source_kind: str = "database", authors: list[str] | None = None) -> list[int]:
    """Store a search of one record per title straight into the library (no file, no
    search log: what the store itself sees of an import); returns the new record ids.
    ``source_kind`` "other" makes ``database`` the other method's name."""
    sha256 = hashlib.sha256(f"{len(library.searches())} {database} {titles}".encode()).hexdigest()
    new = NewSearch(database=database, file_name=f"{database}.ris", file_sha256=sha256,
                    file_bytes=1, encoding="utf-8", format="ris", source_kind=source_kind,
                    other_method=database if source_kind == "other" else None)
    with library.importing(new) as sink:
        sink.add([ParsedRecord(raw=f"TI  - {title}", fields={}, locator=f"line {number}",
                               title=title, authors=list(authors or []))
                  for number, title in enumerate(titles, start=1)])
    search = library.search_by_sha256(sha256)
    assert search is not None
    return [r.record_id for r in library.records(include_withdrawn=True,
                                                 search_id=search.search_id)]
