"""One core, several faces: the core never loads the CLI library, Textual or heavy libraries."""

from __future__ import annotations

import subprocess
import sys

CORE = ["mnr.project", "mnr.library", "mnr.searches", "mnr.formats", "mnr.formats.writers",
        "mnr.dedupe.passes", "mnr.screening.session", "mnr.screening.summary",
        "mnr.screening.exchange", "mnr.screening.fulltexts"]


def _loaded_after(code: str) -> set[str]:
    script = f"{code}\nimport sys\nprint('\\n'.join(sorted(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            check=True)
    return set(result.stdout.split())


def test_the_core_does_not_load_click_or_textual() -> None:
    modules = _loaded_after("\n".join(f"import {name}" for name in CORE))
    assert "click" not in modules and "textual" not in modules


def test_cli_start_up_does_not_load_heavy_libraries() -> None:
    modules = _loaded_after("import mnr.cli")
    for heavy in ("pandas", "matplotlib", "networkx", "textual"):
        assert heavy not in modules, heavy
