"""The deduplication tests' library: two databases' exports of overlapping papers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from mnr.library import Library
from tests.helpers import import_text, make_project

DATA = Path(__file__).parent / "data"


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    """Six records: three from a MEDLINE-style export, three from a CINAHL-style one,
    two papers in both (written differently), one only in each."""
    project = make_project(tmp_path)
    import_text(project, "medline.ris", (DATA / "medline-style.ris").read_text(), "MEDLINE")
    import_text(project, "cinahl.ris", (DATA / "cinahl-style.ris").read_text(), "CINAHL")
    opened = Library.open(project.database_file)
    yield opened
    opened.close()
