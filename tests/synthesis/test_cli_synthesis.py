"""Traditions, memos and extraction through `python -m mnr`: exit codes, stdout, stderr."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.synthesis.conftest import POLICY, PSYCHIATRY, USERS, Review


def mnr(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "MNR_REVIEWER"}
    return subprocess.run([sys.executable, "-m", "mnr", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=120, env=env)


def ok(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    result = mnr(cwd, *args)
    assert result.returncode == 0, result.stderr
    return result


def refused(cwd: Path, *args: str, code: int = 1) -> str:
    """The one-line message of a command that fails as it should."""
    result = mnr(cwd, *args)
    assert result.returncode == code, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    return result.stderr


@pytest.fixture
def root(tagged: Review) -> Path:
    tagged.library.close()
    return tagged.root


@pytest.fixture
def bare(review: Review) -> Path:
    review.library.close()
    return review.root


def test_the_summary_of_each_tradition(root: Path) -> None:
    text = ok(root, "traditions").stdout
    users = text[text.index(USERS):text.index(POLICY)]
    assert "Care planning as experienced by the people it is for." in users
    assert "3 included studies, 1999-2013: Slade 1999 (W2), Grundy & Bee 2003 (W3), " \
           "Coffey 2013 (W6)" in users
    assert "methods: quantitative 1, qualitative 2" in users
    assert "countries: Australia 1, UK 1, (not tagged) 1" in users
    assert "(untagged)" in text and "Kelly 2012" in text
    listed = json.loads(ok(root, "traditions", "--json").stdout)
    assert [t["tradition"] for t in listed] == [PSYCHIATRY, USERS, POLICY, "(untagged)"]
    assert listed[0]["labels"] == ["Burns 2001", "Simpson et al. 2016"]


def test_tagging_from_the_cli(bare: Path) -> None:
    result = ok(bare, "traditions", "tag", "W7", PSYCHIATRY, "--method", "Qualitative",
                "--country", "Canada", "--reviewer", "BH")
    assert "Tagged W7" in result.stderr and "method: qualitative" in result.stderr
    ok(bare, "traditions", "tag", "w7", "--country", "UK", "--reviewer", "MC")
    listed = json.loads(ok(bare, "traditions", "--json").stdout)
    assert listed[0]["works"] == ["W7"] and listed[0]["countries"] == {"UK": 1}
    ok(bare, "traditions", "tag", "W7", PSYCHIATRY, "--remove")
    assert json.loads(ok(bare, "traditions", "--json").stdout)[0]["works"] == []
    message = refused(bare, "traditions", "tag", "W7", "Nursing")
    assert message.startswith("error: there is no tradition 'Nursing'")
    assert len(message.strip().splitlines()) == 1
    assert "not a reviewer" in refused(bare, "traditions", "tag", "W7", PSYCHIATRY,
                                       "--reviewer", "ZZ")
    assert "work ids look like W12" in refused(bare, "traditions", "tag", "seven", PSYCHIATRY)
    assert "--method or --country" in refused(bare, "traditions", "tag", "W7", code=2)


def test_creating_a_tradition_and_adding_themes(bare: Path) -> None:
    ok(bare, "traditions", "create", "Carers", "--description", "As carers see it",
       "--method", "interviews")
    listed = json.loads(ok(bare, "traditions", "--json").stdout)
    assert listed[3]["tradition"] == "Carers" and listed[3]["source"] == "library"
    assert "(library)" in ok(bare, "traditions").stdout
    assert "defined in review.toml" in refused(bare, "traditions", "create", PSYCHIATRY)
    result = ok(bare, "traditions", "theme", "add", "Carers", "Carers felt left out",
                "--negative", "--works", "W2, W6", "--reviewer", "BH")
    assert "Saved theme 1 of 'Carers'" in result.stderr
    themes = json.loads(ok(bare, "traditions", "theme", "list", "--json").stdout)
    assert themes[0]["works"] == ["W2", "W6"] and themes[0]["polarity"] == "negative"
    assert "--positive or --negative" in refused(bare, "traditions", "theme", "add", "Carers",
                                                 "x", "--works", "W2", code=2)
    assert "no such works: W99" in refused(bare, "traditions", "theme", "add", "Carers", "x",
                                           "--positive", "--works", "W99")


def test_the_findings_table_from_the_cli(root: Path) -> None:
    text = ok(root, "traditions", "table").stdout
    assert "| Users valued being involved [1, 3, 6] |" in text and "### References" in text
    result = ok(root, "traditions", "table", "--format", "csv", "-o", "findings.csv")
    assert result.stdout == "" and "findings.csv" in result.stderr
    rows = list(csv.DictReader((root / "findings.csv").open(encoding="utf-8")))
    assert len(rows) == 3 and rows[1]["references"] == "[1, 3, 6]"


def test_the_timeline_from_the_cli(root: Path) -> None:
    result = ok(root, "traditions", "timeline", "-o", "timeline.png")
    assert (root / "timeline.png").read_bytes().startswith(b"\x89PNG")
    assert "Drew the traditions timeline" in result.stderr
    ok(root, "traditions", "timeline", "--format", "svg", "-o", "figure.out")
    assert PSYCHIATRY in (root / "figure.out").read_text("utf-8")
    piped = subprocess.run([sys.executable, "-m", "mnr", "traditions", "timeline", "--format",
                            "pdf"], cwd=root, capture_output=True, timeout=120)
    assert piped.returncode == 0 and piped.stdout.startswith(b"%PDF")
    assert "-o timeline.png" in refused(root, "traditions", "timeline", "-o", "t.gif", code=2)
    rows = json.loads(ok(root, "traditions", "timeline", "--table", "--json").stdout)
    assert rows[0] == {"year": 1999, "tradition": USERS, "group": "Elsewhere", "works": 1}
    assert "1999" in ok(root, "traditions", "timeline", "--table").stdout
    ok(root, "traditions", "timeline", "--table", "-o", "timeline.csv")
    lines = (root / "timeline.csv").read_text("utf-8").splitlines()
    assert lines[0] == "year,tradition,group,works" and len(lines) == 9


def test_memos_from_the_cli(bare: Path) -> None:
    ok(bare, "memo", "add", "Started drafting the traditions", "--author", "BH")
    ok(bare, "memo", "add", "Users and carers apart?", "--tradition", USERS, "--author", "MC")
    result = ok(bare, "memo", "add", "Mixed sample", "--work", "W1")
    assert "on work W1" in result.stderr
    listed = json.loads(ok(bare, "memo", "list", "--format", "json").stdout)
    assert [(m["subject"], m["author"]) for m in listed] == [
        ("review", "BH"), ("tradition", "MC"), ("work", None)]
    text = ok(bare, "memo", "list", "--format", "md").stdout
    assert text.index("Started drafting") < text.index("Users and carers") < text.index(
        "Mixed sample")
    assert "on work W1 (Simpson et al. 2016)" in text
    assert "Mixed sample" in ok(bare, "memo", "list").stdout
    ok(bare, "memo", "list", "--format", "md", "-o", "memos.md")
    assert (bare / "memos.md").read_text("utf-8") == text
    assert "not both" in refused(bare, "memo", "add", "x", "--tradition", USERS, "--work", "W1",
                                 code=2)
    assert "no tradition 'Nursing'" in refused(bare, "memo", "add", "x", "--tradition",
                                               "Nursing")


def test_extraction_from_the_cli(bare: Path) -> None:
    import pandas as pd

    ok(bare, "extraction", "set", "W1", "--field", "Setting=Community teams", "--field",
       "Country=UK", "--reviewer", "BH")
    result = ok(bare, "extraction", "set", "W1", "--field", "Findings=Plans = paperwork",
                "--reviewer", "MC")
    assert "Saved MC's extraction of W1 (1 fields set)" in result.stderr
    rows = list(csv.reader(io.StringIO(ok(bare, "extraction", "export").stdout)))
    assert rows[0] == ["Study", "Setting", "Country", "Findings"]
    assert rows[-1] == ["Simpson et al. 2016", "Community teams", "UK", "Plans = paperwork"]
    markdown = ok(bare, "extraction", "export", "--format", "md").stdout
    assert markdown.splitlines()[-1] == ("| Simpson et al. 2016 | Community teams | UK | "
                                         "Plans = paperwork |")
    assert "needs a file name" in refused(bare, "extraction", "export", "--format", "xlsx")
    ok(bare, "extraction", "export", "--format", "xlsx", "-o", "evidence.xlsx")
    frame = pd.read_excel(bare / "evidence.xlsx", dtype=str, keep_default_na=False)
    assert frame.shape == (7, 6) and frame.iloc[-1]["Findings"] == "Plans = paperwork"
    assert list(frame.columns[:3]) == ["Study", "Reference", "DOI"]  # the full reference
    assert "not in the extraction template" in refused(
        bare, "extraction", "set", "W1", "--field", "Colour=blue", "--reviewer", "BH")
    assert "NAME=VALUE" in refused(bare, "extraction", "set", "W1", "--field", "Setting",
                                   "--reviewer", "BH", code=2)
    assert "not a study of this review" in refused(
        bare, "extraction", "set", "W8", "--field", "Setting=Ward", "--reviewer", "BH")
    assert "--reviewer" in refused(bare, "extraction", "set", "W1", "--field", "Setting=x",
                                   code=2)


def test_a_malformed_template_stops_the_command(bare: Path) -> None:
    path = bare / "review.toml"
    path.write_text(path.read_text("utf-8").replace(
        'fields = ["Setting", "Country", "Findings"]', 'fields = "Setting"'), "utf-8")
    message = refused(bare, "extraction", "export", code=2)
    assert "review.toml, line 11: `extraction.fields` must be a list of strings" in message
    assert len(message.strip().splitlines()) == 1
