"""The store's tests: an empty library of their own, filled by each test as it needs, on
each backend (the embedded file, and a throw-away PostgreSQL server)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from mnr.library import Library


@pytest.fixture(params=["sqlite", "postgresql"])
def library(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Library]:
    if request.param == "sqlite":
        opened = Library.open(tmp_path / "library.sqlite")
    else:
        opened = Library.connect(request.getfixturevalue("pg_url"))
    yield opened
    opened.close()
