"""Shared fixtures: the real vendor exports in ../shared/data/exports (skipped when absent)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from tests.pg_server import LocalServer

REPO = Path(__file__).resolve().parents[1]
EXPORTS = REPO.parent / "shared" / "data" / "exports"


@pytest.fixture
def exports() -> Path:
    """The folder of real exports; tests using it skip when ../shared is not beside the repo."""
    if not EXPORTS.is_dir():
        pytest.skip("../shared/data/exports is not beside this checkout")
    return EXPORTS


def read_export(path: Path) -> str:
    """Decode a real export exactly as an import does."""
    from mnr.formats.decode import decode

    return decode(path.read_bytes()).text


@pytest.fixture(scope="session")
def pg_server() -> Iterator[LocalServer]:
    """A throw-away PostgreSQL server for the whole run; errors (never skips) if it cannot start."""
    from tests.pg_server import LocalServer

    server = LocalServer.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def pg_url(pg_server: LocalServer) -> Iterator[str]:
    """The SQLAlchemy URL of a fresh empty database, dropped after the test."""
    name = pg_server.create_database()
    try:
        yield pg_server.url(name)
    finally:
        pg_server.drop_database(name)
