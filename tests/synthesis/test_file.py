"""The work after screening as one JSON file: export, import elsewhere, refusals."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from mnr.errors import MnrError
from mnr.library import Library
from mnr.project import Project
from mnr.synthesis.file import export, import_file
from mnr.synthesis.traditions import add_memo, current_tags, save_theme, tag, themes
from tests.prisma.test_counts import _screen, review  # noqa: F401  (the fixture)

TRADITIONS = """
[[tradition]]
name = "Care programme approach"
description = "Studies of the CPA as policy and practice"
methods = ["surveys", "case studies"]
checklist = "casp-qualitative"

[[tradition]]
name = "Needs assessment"
"""


def _copy_of(project: Project, library: Library, tmp_path: Path) -> Library:
    """A second library of the same review (same records, same works)."""
    import sqlite3

    copy = tmp_path / "copy.sqlite"
    source, target = sqlite3.connect(project.database_file), sqlite3.connect(copy)
    source.backup(target)
    source.close()
    target.close()
    other = Library.open(copy)
    with other.writing() as conn:
        for table in ("work_tags", "themes", "memos"):
            conn.exec_driver_sql(f"DROP TRIGGER {table}_no_delete")
            conn.exec_driver_sql(f"DELETE FROM {table}")
    return other


def test_round_trip_into_another_library(review: tuple[Project, Library],  # noqa: F811
                                         tmp_path: Path) -> None:
    project, library = review
    project.review_file.write_text(project.review_file.read_text() + TRADITIONS, "utf-8")
    work_of = _screen(project, library)
    settings = project.settings()
    d, e = work_of["d"], work_of["e"]
    tag(library, settings, d, "tradition", "Care programme approach", "BH")
    tag(library, settings, d, "country", "UK", "BH")
    tag(library, settings, d, "country", "Australia", "BH")  # replaces UK
    tag(library, settings, e, "method", "qualitative", "MC")
    save_theme(library, settings, "Needs assessment", "Needs were rarely met", "negative",
               [d, e], "BH")
    add_memo(library, settings, "work", str(d), "MC", "Check the country")
    stream = io.StringIO()
    assert export(library, stream) == 7  # five tag entries (UK taken back), a theme, a memo
    data = json.loads(stream.getvalue())
    assert {t["work"] for t in data["tags"]} <= {f"R{r}" for r in range(1, 20)}
    path = tmp_path / "synthesis.json"
    path.write_text(stream.getvalue(), "utf-8")

    other = _copy_of(project, library, tmp_path)
    try:
        assert current_tags(other) == {}
        import_file(other, settings, path)
        assert current_tags(other) == current_tags(library)
        assert [t.statement for t in themes(other)] == ["Needs were rarely met"]
        assert other.synthesis.memos()[0].about == str(d)
    finally:
        other.close()


def test_a_bad_entry_is_named_and_nothing_is_imported(review: tuple[Project, Library],  # noqa: F811
                                                      tmp_path: Path) -> None:
    project, library = review
    settings = project.settings()
    path = tmp_path / "synthesis.json"
    path.write_text(json.dumps({"tags": [
        {"work": "R1", "kind": "method", "value": "qualitative", "action": "add"},
        {"work": "R999", "kind": "method", "value": "qualitative", "action": "add"}]}))
    with pytest.raises(MnrError, match=r"tags entry 2: record R999 is not in this library"):
        import_file(library, settings, path)
    assert library.synthesis.tags() == []
    path.write_text("{ not json")
    with pytest.raises(MnrError, match="not a readable synthesis file"):
        import_file(library, settings, path)
