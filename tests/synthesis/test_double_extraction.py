"""Two extractors work independently: each fills a form of their own (a field one does not
give keeps the value they saved last, not the other's), `mnr extraction compare` shows
the fields they filled differently, and a save of the value they agreed settles it. All
of it survives a rebuild from the judgement logs."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from mnr.cli import main


def _set(runner: CliRunner, who: str, *fields: str) -> None:
    args = ["extraction", "set", "W63", "--reviewer", who]  # Schneider 1993: not extracted
    for field in fields:
        args += ["--field", field]
    done = runner.invoke(main, args)
    assert done.exit_code == 0, done.output


def _compare(runner: CliRunner) -> dict:
    done = runner.invoke(main, ["extraction", "compare", "--json"])
    assert done.exit_code == 0, done.output
    return json.loads(done.stdout)


def test_two_extractors_compare_and_settle(demo_copy: Callable[[str], Path],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    root = demo_copy("demo")
    monkeypatch.chdir(root)
    runner = CliRunner()
    before = _compare(runner)
    _set(runner, "BH", "Setting=Community mental health teams", "Country=England, Wales")
    _set(runner, "MC", "Setting=community  mental health teams", "Country=UK")
    _set(runner, "BH", "Study design=Mixed methods case study")  # BH's own form grows
    found = _compare(runner)
    assert found["studies"] == before["studies"] + 1
    mine = [d for d in found["disagreements"] if d["work"] == "W63"]
    # case and spacing do not count; a field BH filled and MC left blank does
    assert {d["field"]: d["values"] for d in mine} == {
        "Country": {"BH": "England, Wales", "MC": "UK"},
        "Study design": {"BH": "Mixed methods case study", "MC": ""}}
    text = runner.invoke(main, ["extraction", "compare"])
    assert "W63" in text.output and "Country  BH: England, Wales; MC: UK" in text.output
    assert "to settle" in text.output
    # they agree: MC saves the agreed values, and the fields are settled
    _set(runner, "MC", "Country=England, Wales", "Study design=Mixed methods case study")
    assert [d for d in _compare(runner)["disagreements"] if d["work"] == "W63"] == []
    evidence = runner.invoke(main, ["extraction", "export", "--format", "csv"]).stdout
    assert "England, Wales" in evidence and "Mixed methods case study" in evidence
    # rebuilt from the judgement logs, the comparison is the same
    settled = _compare(runner)
    shutil.rmtree(root / "library")
    assert _compare(runner) == settled
