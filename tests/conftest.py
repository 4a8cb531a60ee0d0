"""Shared fixtures: the real vendor exports in ../shared/data/exports (skipped when absent)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
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


# -- mnr's demo review, copied, and loaded into a server library ---------------------------

@pytest.fixture
def demo_copy(tmp_path: Path) -> Callable[[str], Path]:
    """Makes copies of mnr's own demo review (review.toml, searches/, judgements/) as a
    clone has them, with no library: ``demo_copy("name")`` -> tmp_path/name."""
    import shutil

    def make(name: str = "demo") -> Path:
        root = tmp_path / name
        root.mkdir()
        shutil.copy(REPO / "review.toml", root)
        shutil.copytree(REPO / "searches", root / "searches")
        shutil.copytree(REPO / "judgements", root / "judgements")
        return root

    return make


@dataclass(frozen=True)
class ServedDemo:
    """A copy of the demo pushed to a fresh server database whose roles are set up."""

    root: Path  # the review folder it was pushed from
    server: LocalServer
    database: str
    prefix: str

    def url(self, role: str | None = None) -> str:
        """The library's URL as the owner (None) or as ``<prefix>_<role>`` ("bh", "read")."""
        from tests.pg_server import ADMIN

        return self.server.url(self.database, ADMIN if role is None else f"{self.prefix}_{role}")


@pytest.fixture
def served_demo(pg_server: LocalServer, pg_url: str,
                demo_copy: Callable[[str], Path]) -> ServedDemo:
    """The demo, with ``mnr server setup --prefix demo`` and ``mnr server push`` run on a
    fresh database as its owner (the roles demo_bh, demo_mc and demo_read exist)."""
    import contextlib

    from click.testing import CliRunner
    from sqlalchemy import make_url

    from mnr.cli import main

    root = demo_copy("demo")
    for args in (["server", "setup", "--url", pg_url, "--prefix", "demo"],
                 ["server", "push", "--url", pg_url]):
        with contextlib.chdir(root):
            result = CliRunner().invoke(main, args, env={"MNR_LIBRARY_URL": None,
                                                         "MNR_REVIEWER": None})
        assert result.exit_code == 0, (args, result.output)
    database = make_url(pg_url).database
    assert database is not None
    return ServedDemo(root, pg_server, database, "demo")
