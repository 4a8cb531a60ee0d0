"""The store's tests: an empty library of their own, filled by each test as it needs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from mnr.library import Library


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    opened = Library.open(tmp_path / "library.sqlite")
    yield opened
    opened.close()
