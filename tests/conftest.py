"""Shared fixtures: the real vendor exports in ../shared/data/exports (skipped when absent)."""

from __future__ import annotations

from pathlib import Path

import pytest

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
