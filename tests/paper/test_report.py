"""`mnr report` on the demo review: every number in the draft is the one `mnr prisma`,
`mnr agreement` and the search log give, the diagram is drawn beside it, and the Word
version says the same as the Markdown."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from mnr.cli import main
from mnr.paper.report import RAMESES


@pytest.fixture
def drafted(demo_copy: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
            ) -> tuple[Path, dict]:
    root = demo_copy("demo")
    monkeypatch.chdir(root)
    runner = CliRunner()
    done = runner.invoke(main, ["report", "-o", "paper/report.md"])
    assert done.exit_code != 0 and "paper" in done.output  # no such folder: refused, said
    (root / "paper").mkdir()
    done = runner.invoke(main, ["report", "-o", "paper/report.md"])
    assert done.exit_code == 0, done.output
    flow = json.loads(runner.invoke(main, ["prisma", "--json"]).stdout)
    return root, flow


def test_the_numbers_are_those_of_mnr_prisma(drafted: tuple[Path, dict]) -> None:
    root, flow = drafted
    text = (root / "paper" / "report.md").read_text("utf-8")
    found = sum(flow["database_specific_results"].values())
    said = re.search(r"The searches found (\d+) records and other methods (\d+); (\d+) were "
                     r"duplicates\. We screened (\d+) records and excluded (\d+); of (\d+) "
                     r"reports sought, (\d+) could not be retrieved; (\d+) were assessed in "
                     r"full and (\d+) excluded \(from other methods: (\d+) sought, (\d+) not "
                     r"retrieved, (\d+) assessed, (\d+) excluded\)\. (\d+) studies \((\d+) "
                     r"reports\) were included",
                     text)
    assert said, text
    numbers = [int(n) for n in said.groups()]
    assert numbers == [found, flow["citations_results"] + flow["website_results"]
                       + flow["organisation_results"]
                       + sum(s["records"] for s in flow["other_specific_results"]
                             if s["method"] == "other"),
                       flow["duplicates"], flow["records_screened"], flow["records_excluded"],
                       flow["dbr_sought_reports"], flow["dbr_notretrieved_reports"],
                       flow["dbr_assessed"], sum(flow["dbr_excluded"].values()),
                       flow["other_sought_reports"], flow["other_notretrieved_reports"],
                       flow["other_assessed"], sum(flow["other_excluded"].values()),
                       flow["total_studies"], flow["total_reports"]]
    for reason, n in flow["dbr_excluded"].items():
        assert f"| {reason} | {n} |" in text  # then the other methods column
    assert (root / "paper" / "report-prisma.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "![Figure 1. PRISMA 2020 flow diagram](report-prisma.png)" in text


def test_the_draft_carries_searches_agreement_appraisal_traditions_and_rameses(
        drafted: tuple[Path, dict]) -> None:
    root, _ = drafted
    text = (root / "paper" / "report.md").read_text("utf-8")
    runner = CliRunner()
    searches = json.loads(runner.invoke(main, ["searches", "--json"]).stdout)
    for search in searches:  # the PRISMA-S appendix: each search as logged
        row = next(line for line in text.splitlines()
                   if line.startswith(f"| S{search['search_id']} |"))
        assert search["database"] in row and f"| {search['record_count']} |" in row
        assert (search["search_date"] or "") in row
    agreement = json.loads(runner.invoke(main, ["agreement", "--json"]).stdout)
    for stage in agreement:
        for pair in stage["pairs"]:
            assert (f"| {stage['stage']} | {pair['reviewer_a']} and {pair['reviewer_b']} | "
                    f"{pair['n']} | {pair['observed']:.1%} | {pair['kappa']:.2f} |") in text
    assert "#### Interventions to improve the CPA" in text
    assert "standardise it" in text  # its storyline, from review.toml
    assert re.search(r"\| Interventions to improve the CPA \| \d+ \| 19\d\d–20\d\d \|", text)
    assert "*Table 2. Appraisal of the included studies: final answers per study*" in text
    for item, _ in RAMESES:
        assert f"| {item} |" in text
    assert "| 13 Document flow diagram | Results: study selection" in text


def test_the_word_draft_says_what_the_markdown_says(drafted: tuple[Path, dict]) -> None:
    from docx import Document

    root, flow = drafted
    done = CliRunner().invoke(main, ["report", "-o", "paper/report.docx"])
    assert done.exit_code == 0, done.output
    word = Document(str(root / "paper" / "report.docx"))
    paragraphs = "\n".join(p.text for p in word.paragraphs)
    assert f"We screened {flow['records_screened']} records" in paragraphs
    assert len(word.inline_shapes) == 1  # the PRISMA diagram
    headers = [[c.text for c in t.rows[0].cells] for t in word.tables]
    assert ["search", "database or source", "platform", "date", "query", "limits",
            "records"] in headers
    wrong = CliRunner().invoke(main, ["report", "-o", "paper/report.pdf"])
    assert wrong.exit_code != 0 and ".md" in wrong.output


def test_an_updated_review_is_drafted_from_its_latest_round(
        demo_copy: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.helpers import ris_text

    root = demo_copy("demo")
    monkeypatch.chdir(root)
    (root / "update.ris").write_text(ris_text(["Care planning with service users: a 2019 "
                                               "update", "Another new study of care "
                                               "coordination"], "10.1000/upd"), "utf-8")
    runner = CliRunner()
    done = runner.invoke(main, ["import", "update.ris", "--database", "MEDLINE",
                                "--date", "2019-05-01", "--update-of", "S1"])
    assert done.exit_code == 0, done.output
    assert runner.invoke(main, ["dedupe"]).exit_code == 0
    done = runner.invoke(main, ["report", "-o", "report.md"])
    assert done.exit_code == 0, done.output
    text = (root / "report.md").read_text("utf-8")
    flow = json.loads(runner.invoke(main, ["prisma", "--json"]).stdout)
    assert flow["previous_studies"] == 20 and flow["database_results"] == 2
    # the methods and numbers are the update's; the appendix lists both rounds
    assert "We searched 1 database (MEDLINE) on 2019-05-01, 1 search in all, which " \
           "found 2 records." in text
    assert (f"20 from the previous version of the review ({flow['previous_reports']} "
            f"reports) and {flow['new_studies']} new") in text
    assert "| search | round | database or source |" in text
    assert re.search(r"\| S7 \| 2 \| MEDLINE \|", text)


def test_a_review_with_nothing_in_it_yet_is_drafted_without_empty_sentences(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["init", str(tmp_path / "new"), "--title", "New"]).exit_code == 0
    monkeypatch.chdir(tmp_path / "new")
    done = runner.invoke(main, ["report", "-o", "report.md"])
    assert done.exit_code == 0, done.output
    text = (tmp_path / "new" / "report.md").read_text("utf-8")
    assert "No searches are logged yet" in text and "0 databases" not in text
    assert "No included study has been appraised yet." in text
    assert "0 studies (0 reports) were included" in text
