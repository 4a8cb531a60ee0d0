"""Reports of one study linked together: listed and counted once (studies, traditions,
the evidence table, synthesis progress), judged through any of its reports, lead first;
PRISMA counts studies and reports apart; links are acts in the judgement logs."""

from __future__ import annotations

import contextlib
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from mnr.cli import main
from mnr.errors import MnrError
from mnr.prisma.counts import count
from mnr.synthesis import extraction, links
from mnr.synthesis.appraisal.consensus import summary
from mnr.synthesis.progress import synthesis_progress
from mnr.synthesis.studies import studies
from mnr.synthesis.traditions import summarise
from tests.synthesis.conftest import POLICY, PSYCHIATRY, USERS, Review


def test_two_reports_are_one_study_under_the_lead(review: Review) -> None:
    lib, settings, w = review.library, review.settings, review.work
    assert len(studies(lib, settings)) == 7
    made = links.link(lib, w["a"], [w["f"]], "BH")  # Coffey 2013 reports Simpson's study
    assert made == [(w["f"], w["a"])]
    listed = studies(lib, settings)
    assert len(listed) == 6
    simpson = next(s for s in listed if s.work_id == w["a"])
    assert (simpson.label, simpson.report_ids) == ("Simpson et al. 2016", (w["a"], w["f"]))
    flow = count(lib, settings)
    assert (flow.total_studies, flow.total_reports) == (6, 7)
    assert (flow.new_studies, flow.new_reports) == (6, 7)
    links.unlink(lib, w["f"], "MC")
    assert len(studies(lib, settings)) == 7
    assert (count(lib, settings).total_studies, count(lib, settings).total_reports) == (7, 7)


def test_what_cannot_be_linked_is_refused_and_changes_nothing(review: Review) -> None:
    lib, w = review.library, review.work
    links.link(lib, w["a"], [w["f"]], "BH")
    assert links.link(lib, w["a"], [w["f"]], "BH") == []  # there already
    with pytest.raises(MnrError, match="leads the study"):
        links.link(lib, w["f"], [w["a"]], "BH")  # a leads the study f is in
    with pytest.raises(MnrError, match="W999: no such work"):
        links.link(lib, w["a"], [999], "BH")
    with pytest.raises(MnrError, match=f"W{w['a']} leads the study its reports W{w['f']}"):
        links.unlink(lib, w["a"], "BH")
    with pytest.raises(MnrError, match="is not linked to a study"):
        links.unlink(lib, w["b"], "BH")
    assert lib.studies.study_of() == {w["f"]: w["a"]}
    assert len(lib.studies.links()) == 1


def test_a_study_linked_to_another_brings_its_reports(review: Review) -> None:
    lib, w = review.library, review.work
    links.link(lib, w["a"], [w["f"]], "BH")
    links.link(lib, w["f"], [w["b"]], "BH")  # f is a's report: b joins a's study
    assert lib.studies.study_of() == {w["f"]: w["a"], w["b"]: w["a"]}
    links.link(lib, w["c"], [w["a"]], "MC")  # a and its reports join c's study
    assert lib.studies.study_of() == {w["a"]: w["c"], w["f"]: w["c"], w["b"]: w["c"]}
    found = links.linked_studies(lib, review.settings)
    # the lead, then the reports in the order linked (a's, moved together, by number)
    assert [[r.work_id for r in s.reports] for s in found] == [
        [w["c"], w["a"], w["b"], w["f"]]]
    assert found[0].included and found[0].as_dict()["study"] == f"W{w['c']}"


def test_tradition_tags_belong_to_the_study_and_count_it_once(tagged: Review) -> None:
    lib, settings, w = tagged.library, tagged.settings, tagged.work

    def members() -> dict[str, list[int]]:
        listed = studies(lib, settings)
        return {s.tradition: sorted(s.works)
                for s in summarise(lib, settings, {x.work_id: x.year for x in listed})}

    assert members()[POLICY] == sorted([w["e"], w["f"]])
    links.link(lib, w["a"], [w["f"]], "BH")
    after = members()
    # Simpson's study carries Coffey's traditions too, once
    assert after[POLICY] == sorted([w["e"], w["a"]])
    assert after[USERS] == sorted([w["b"], w["c"], w["a"]])
    assert after[PSYCHIATRY] == sorted([w["a"], w["d"]])
    assert all(w["f"] not in works for works in after.values())


def test_extraction_and_appraisal_of_a_study_come_from_any_report_lead_first(
        review: Review) -> None:
    lib, settings, w = review.library, review.settings, review.work
    links.link(lib, w["a"], [w["f"]], "BH")
    extraction.save(lib, settings, w["f"], "MC", {"Setting": "From the report"})
    _, rows = extraction.evidence_table(lib, settings)
    assert [row[:2] for row in rows if row[0] == "Simpson et al. 2016"] == [
        ["Simpson et al. 2016", "From the report"]]
    assert len(rows) == 6
    extraction.save(lib, settings, w["a"], "BH", {"Setting": "From the lead report"})
    _, rows = extraction.evidence_table(lib, settings)
    assert [row[1] for row in rows if row[0] == "Simpson et al. 2016"] == [
        "From the lead report"]
    lib.synthesis.save_appraisal(w["f"], "MC", "casp-qualitative",
                                 {"1": {"answer": "yes", "comment": ""}}, None)
    progress = synthesis_progress(lib, settings)
    assert (progress.included, progress.appraised, progress.extracted) == (6, 1, 1)
    assert progress.appraised_by == {"MC": 1}
    lib.synthesis.save_appraisal(w["a"], "BH", "casp-qualitative",
                                 {"1": {"answer": "no", "comment": ""}}, None)
    summarised = summary(lib, settings)  # one row for the study: its lead report's
    assert [(row["work"], row["study"], row["appraisers"]) for row in summarised] == [
        (f"W{w['a']}", "Simpson et al. 2016", ["BH"])]


# -- as a person would, on the demo review ---------------------------------------------

def _mnr(root: Path, *args: str) -> Result:
    with contextlib.chdir(root):
        result = CliRunner().invoke(main, list(args), env={"MNR_REVIEWER": None})
    assert result.exit_code == 0, (args, result.output)
    return result


def _flow(root: Path) -> tuple[int, int]:
    data = json.loads(_mnr(root, "prisma", "--format", "json").stdout)
    return data["total_studies"], data["total_reports"]


def test_the_demo_counts_cocapp_once_and_its_links_are_replayed(
        demo_copy: Callable[[str], Path]) -> None:
    root = demo_copy("demo")
    for name in ("BH.jsonl", "MC.jsonl", "team.jsonl"):  # as before the link was made
        path = root / "judgements" / name
        kept = [line for line in path.read_text("utf-8").splitlines()
                if '"act":"study-link"' not in line]
        path.write_text("".join(f"{line}\n" for line in kept), "utf-8")
    assert _flow(root) == (20, 20)
    # W1: the BMC Psychiatry paper (included); W3: the protocol; W81: the HS&DR report
    said = _mnr(root, "studies", "link", "W1", "W3", "W81", "--reviewer", "BH").stderr
    assert "Linked W3, W81 to the study of W1" in said
    lines = [json.loads(line) for line in (root / "judgements" / "BH.jsonl").read_text(
        "utf-8").splitlines() if '"study-link"' in line]
    assert [(line["action"], line["by"]) for line in lines] == [("link", "BH")] * 2
    assert _flow(root) == (20, 22)  # one study, three reports: two linked, not included
    listed = json.loads(_mnr(root, "studies", "--json").stdout)
    assert [[r["work"] for r in s["reports"]] for s in listed] == [["W1", "W3", "W81"]]
    before = _mnr(root, "studies", "--json").stdout
    shutil.rmtree(root / "library")  # rebuilt from the folder: the links are replayed
    assert _mnr(root, "studies", "--json").stdout == before
    assert _flow(root) == (20, 22)
    _mnr(root, "studies", "unlink", "W81", "--reviewer", "MC")
    assert _flow(root) == (20, 21)
    with contextlib.chdir(root):
        refused = CliRunner().invoke(main, ["studies", "unlink", "W1"])
    assert refused.exit_code != 0 and "unlink those first" in refused.output
