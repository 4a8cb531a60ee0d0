"""Small builders shared by the tests: a project in a temp folder, RIS text."""

from __future__ import annotations

from pathlib import Path

from mnr.library import Library
from mnr.project import Project, init_project
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


def import_text(project: Project, name: str, text: str, database: str) -> None:
    """Write an export beside the project and import it, as a librarian would."""
    path = project.root.parent / name
    path.write_text(text)
    library = Library.open(project.database_file)
    try:
        import_file(project, library, path, ImportOptions(database=database))
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
