"""One core, several faces: the core never loads the CLI library, Textual or heavy libraries,
and the layering of DESIGN.md (the import-linter contracts in pyproject.toml) holds."""

from __future__ import annotations

import pkgutil
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import mnr

REPO = Path(__file__).resolve().parents[1]
FACES = ("mnr.cli", "mnr.tui", "mnr.__main__")


def core_modules() -> list[str]:
    """Every module of mnr outside the faces."""
    found = pkgutil.walk_packages(mnr.__path__, prefix="mnr.")
    return sorted(m.name for m in found
                  if not any(m.name == f or m.name.startswith(f + ".") for f in FACES))


def _loaded_after(code: str) -> set[str]:
    script = f"{code}\nimport sys\nprint('\\n'.join(sorted(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            check=True)
    return set(result.stdout.split())


def test_every_core_module_is_found() -> None:
    modules = core_modules()
    for expected in ("mnr.review", "mnr.records", "mnr.library.store", "mnr.synthesis.studies",
                     "mnr.prisma.counts", "mnr.citations.network", "mnr.formats.ris"):
        assert expected in modules
    assert not any(m.startswith(("mnr.cli", "mnr.tui")) for m in modules)


def test_the_core_does_not_load_click_or_textual() -> None:
    modules = _loaded_after("\n".join(f"import {name}" for name in core_modules()))
    assert "click" not in modules and "textual" not in modules


def test_cli_start_up_does_not_load_heavy_libraries() -> None:
    modules = _loaded_after("import mnr.cli")
    for heavy in ("pandas", "matplotlib", "networkx", "textual"):
        assert heavy not in modules, heavy


def test_the_import_contracts_hold() -> None:
    """Faces on top, steps in pipeline order, the store below them, no cycles (pyproject.toml)."""
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    if lint is None:
        pytest.skip("import-linter is not installed (pip install -e '.[test]')")
    result = subprocess.run([lint, "--no-cache"], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:]
