"""Two appraisers: editions kept with each appraisal, disagreements compared, consensus
logged as its own judgement lines, replayed from them, and used by the outputs."""

from __future__ import annotations

import csv
import io
import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from mnr.cli import main
from mnr.errors import MnrError
from mnr.journal import JUDGEMENTS_DIR, Journal
from mnr.library import Library
from mnr.review import open_review
from mnr.synthesis.appraisal.appraise import current, export_csv, save
from mnr.synthesis.appraisal.consensus import compare, final, record, summary
from mnr.synthesis.file import export, import_file
from tests.synthesis.conftest import Review


def _two_appraisals(review: Review) -> tuple[int, int]:
    """BH and MC appraise Slade 1999 (b) with the CASP cohort checklist, and Burns 2001
    (d) with two different checklists. Every act is in the judgement logs from here on
    (the fixture's own acts are written out first)."""
    lib, settings, b, d = review.library, review.settings, review.work["b"], review.work["d"]
    lib.journal = Journal(review.root / JUDGEMENTS_DIR)
    lib.adopt()
    save(lib, settings, b, "BH", "casp-cohort",
         {"1": "yes", "2": "yes", "5a": {"answer": "no", "comment": "age missing"},
          "5b": "no", "5-list": "age, illness severity", "7": "RR 0.8", "12": "yes"})
    save(lib, settings, b, "MC", "casp-cohort",
         {"1": "yes", "2": "cant_tell", "5a": "no", "5b": "yes", "5-list": "severity",
          "7": "RR 0.8 (0.6-1.1)", "12": "no", "9": "yes"})
    save(lib, settings, d, "BH", "casp-rct", {"1": "yes", "4a": "no"})
    save(lib, settings, d, "MC", "mmat-2018", {"S1": "yes", "2.1": "yes"})
    return b, d


def test_each_appraisal_keeps_the_edition_it_was_made_with(review: Review) -> None:
    b, d = _two_appraisals(review)
    saved = current(review.library)
    assert (saved[b]["BH"].edition, saved[b]["BH"].year) == ("2018", 2018)
    assert (saved[d]["BH"].edition, saved[d]["BH"].year) == ("2020", 2020)
    assert (saved[d]["MC"].edition, saved[d]["MC"].year) == ("version 2018", 2018)
    # in the judgement line too, so a rebuild keeps it
    lines = [json.loads(raw) for raw in (review.root / "judgements" / "MC.jsonl")
             .read_text("utf-8").splitlines()]
    made = [line for line in lines if line["act"] == "appraisal"]
    assert [(line["checklist"], line["edition"], line["year"]) for line in made] == [
        ("casp-cohort", "2018", 2018), ("mmat-2018", "version 2018", 2018)]


def test_an_appraisal_of_an_earlier_edition_stays_readable(review: Review) -> None:
    """A line made before editions were kept, with 5a in words (as the old cohort summary
    asked): read, exported as it was, and counted as made without an edition."""
    b = review.work["b"]
    review.library.journal = Journal(review.root / JUDGEMENTS_DIR)
    review.library.synthesis.save_appraisal(
        b, "MC", "casp-cohort", {"5a": {"answer": "age and sex", "comment": ""},
                                 "99": {"answer": "yes", "comment": "gone"}}, None)
    appraisal = current(review.library)[b]["MC"]
    assert appraisal.edition is None and appraisal.year is None
    stream = io.StringIO()
    export_csv(review.library, review.settings, stream)
    rows = list(csv.DictReader(io.StringIO(stream.getvalue())))
    five_a = next(r for r in rows if r["question"] == "5a")
    assert five_a["answer"] == "age and sex" and five_a["edition"] == ""
    gone = next(r for r in rows if r["question"] == "99")
    assert gone["label"].startswith("(not in this edition") and gone["comment"] == "gone"


def test_compare_shows_where_two_appraisers_disagree(review: Review) -> None:
    b, d = _two_appraisals(review)
    found = compare(review.library, review.settings)
    assert found.works == 2
    on_b = [(x.question, x.answers) for x in found.disagreements if x.work_id == b]
    # free text (5-list, 7) is not compared; 9 was answered by MC only
    assert on_b == [("2", {"BH": "yes", "MC": "cant_tell"}),
                    ("5b", {"BH": "no", "MC": "yes"}),
                    ("12", {"BH": "yes", "MC": "no"})]
    assert (found.questions, found.agreed) == (5, 2)  # 1, 2, 5a, 5b, 12 answered by both
    on_d = [x for x in found.disagreements if x.work_id == d]
    assert [(x.question, x.answers) for x in on_d] == [
        ("checklist", {"BH": "casp-rct", "MC": "mmat-2018"})]
    assert all(x.consensus is None for x in found.disagreements) and found.settled == 0
    only_b = compare(review.library, review.settings, {b})
    assert only_b.works == 1 and {x.work_id for x in only_b.disagreements} == {b}
    assert only_b.disagreements[0].study == "Slade 1999"


def test_consensus_is_logged_per_question_and_wins_in_the_final_answers(
        review: Review) -> None:
    b, d = _two_appraisals(review)
    lib, settings = review.library, review.settings
    record(lib, settings, b, {"2": {"answer": "?", "comment": "sampling frame unclear"},
                              "5b": {"answer": "n"}}, "BH")
    found = compare(lib, settings, {b})
    assert {x.question: x.consensus for x in found.disagreements} == {
        "2": "cant_tell", "5b": "no", "12": None}
    assert found.settled == 2
    result = final(lib, settings)[b]
    assert result.basis["2"] == result.basis["5b"] == "consensus"
    assert result.answers["2"] == {"answer": "cant_tell", "comment": "sampling frame unclear"}
    assert result.basis["1"] == "agreed" and result.answers["1"]["answer"] == "yes"
    assert result.basis["9"] == "one appraiser"
    assert result.basis["12"] == "disputed" and result.answers["12"]["answer"] == ""
    assert result.basis["7"] == "in words" and "BH: RR 0.8" in result.answers["7"]["answer"]
    assert result.reviewers == ("BH", "MC") and result.edition == "2018"
    # a later consensus on the same question replaces the earlier one
    record(lib, settings, b, {"12": {"answer": "no"}, "2": {"answer": "yes"}}, "MC")
    again = final(lib, settings)[b]
    assert again.answers["2"]["answer"] == "yes" and again.disputed == []
    # the summary counts the final answers: 1, 2, 5a, 5b, 9, 12 -> yes 3, no 3
    row = next(r for r in summary(lib, settings) if r["work"] == f"W{b}")
    assert row["counts"] == {"yes": 3, "no": 3, "cant_tell": 0}
    assert row["consensus"] == 3 and row["version"] == "CASP Cohort Study Checklist, 2018"
    # each consensus answer is its own judgement line, in the recorder's file
    lines = [json.loads(raw) for name in ("BH", "MC") for raw in
             (review.root / "judgements" / f"{name}.jsonl").read_text("utf-8").splitlines()]
    agreed = [line for line in lines if line["act"] == "appraisal-consensus"]
    assert [(line["by"], line["question"], line["answer"]) for line in agreed] == [
        ("BH", "2", "cant_tell"), ("BH", "5b", "no"), ("MC", "12", "no"), ("MC", "2", "yes")]
    assert all(line["edition"] == "2018" and line["checklist"] == "casp-cohort"
               for line in agreed)
    # the export has the appraisers' rows and the final ones, each with its basis
    stream = io.StringIO()
    export_csv(lib, settings, stream)
    rows = [r for r in csv.DictReader(io.StringIO(stream.getvalue())) if r["work"] == f"W{b}"]
    assert {r["reviewer"] for r in rows} == {"BH", "MC", "(consensus)"}
    final_rows = {r["question"]: r for r in rows if r["reviewer"] == "(consensus)"}
    assert (final_rows["2"]["answer"], final_rows["2"]["basis"]) == ("yes", "consensus")
    assert final_rows["1"]["basis"] == "agreed" and final_rows["1"]["edition"] == "2018"


def test_consensus_is_refused_where_it_cannot_be(review: Review) -> None:
    b, d = _two_appraisals(review)
    lib, settings = review.library, review.settings
    save(lib, settings, review.work["c"], "BH", "casp-qualitative", {"1": "yes"})
    with pytest.raises(MnrError, match="appraised by BH: a consensus settles"):
        record(lib, settings, review.work["c"], {"1": {"answer": "yes"}}, "BH")
    with pytest.raises(MnrError, match="used different checklists .*--checklist"):
        record(lib, settings, d, {"1": {"answer": "yes"}}, "BH")
    with pytest.raises(MnrError, match="no appraiser of .* used the checklist 'casp-cohort'"):
        record(lib, settings, d, {"1": {"answer": "yes"}}, "BH", "casp-cohort")
    with pytest.raises(MnrError, match="'maybe' is not an answer"):
        record(lib, settings, b, {"2": {"answer": "maybe"}}, "BH")
    with pytest.raises(MnrError, match="no question '5'"):
        record(lib, settings, b, {"5": {"answer": "yes"}}, "BH")
    with pytest.raises(MnrError, match="say who"):
        record(lib, settings, b, {"2": {"answer": "yes"}}, " ")
    assert lib.synthesis.consensus() == []  # nothing was saved
    # the checklist agreed on settles the dispute about which one to use
    record(lib, settings, d, {"4a": {"answer": "no"}}, "BH", "casp-rct")
    result = final(lib, settings)[d]
    assert result.checklist == "casp-rct" and not result.checklist_disputed
    assert result.basis == {"1": "one appraiser", "4a": "consensus"}


def test_consensus_is_replayed_from_the_judgement_log(review: Review) -> None:
    b, _ = _two_appraisals(review)
    lib, settings = review.library, review.settings
    record(lib, settings, b, {"2": {"answer": "cant_tell", "comment": "agreed"},
                              "12": {"answer": "no"}}, "MC")
    before = (compare(lib, settings), final(lib, settings), lib.synthesis.consensus())
    lib.close()
    shutil.rmtree(review.root / "library")
    opened = open_review(review.project)
    try:
        rebuilt = opened.library
        assert rebuilt.synthesis.consensus() == before[2]
        assert final(rebuilt, settings) == before[1]
        assert compare(rebuilt, settings) == before[0]
        assert current(rebuilt)[b]["MC"].edition == "2018"
    finally:
        opened.library.close()
    review.library = Library.open(review.project.database_file)  # for the fixture's close


def test_compare_consensus_and_summary_from_the_cli(review: Review,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    b, d = _two_appraisals(review)
    review.library.close()
    monkeypatch.chdir(review.root)

    def mnr(*args: str) -> tuple[int, str, str]:
        result = CliRunner().invoke(main, list(args), env={"MNR_REVIEWER": None})
        return result.exit_code, result.stdout, result.stderr

    code, out, said = mnr("appraisal", "compare", "--work", f"W{b}")
    assert code == 0, said
    assert f"W{b}" in out and "5b" in out and "BH no, MC yes" in out and "no consensus" in out
    assert "3 disagreements, 0 settled" in said and "2 of 5 questions answered alike" in said
    code, out, said = mnr("appraisal", "consensus", f"W{b}", "--answer", "5b=no:adjusted? no",
                          "--answer", "12=n", "--reviewer", "MC")
    assert code == 0, said
    assert "Recorded 2 consensus answers" in said and "CASP Cohort Study Checklist, 2018" in said
    code, out, _ = mnr("appraisal", "compare", "--json")
    data = json.loads(out)
    assert (data["works"], data["settled"]) == (2, 2)
    assert {d["question"]: d["consensus"] for d in data["disagreements"]
            if d["work"] == f"W{b}"} == {"2": None, "5b": "no", "12": "no"}
    code, out, _ = mnr("appraisal", "summary", "--json")
    rows = {row["work"]: row for row in json.loads(out)}
    assert rows[f"W{b}"]["disputed"] == ["2"] and rows[f"W{b}"]["consensus"] == 2
    assert rows[f"W{d}"]["checklist_disputed"] is True
    code, out, said = mnr("appraisal", "consensus", f"W{d}", "--answer", "1=yes",
                          "--reviewer", "MC")
    assert code != 0 and "used different checklists" in said
    code, out, said = mnr("appraisal", "consensus", f"W{b}", "--answer", "yes",
                          "--reviewer", "MC")
    assert code != 0 and "N=ANSWER" in said
    code, out, _ = mnr("appraisal", "checklists")
    assert "12 questions" in out and "answered in parts: 5 as 5a, 5b, 5-list; 6 as 6a, 6b" \
        in " ".join(out.split())
    assert "mmat-2018" in out and "5 alternative sections" in out


def test_the_synthesis_file_carries_editions_and_consensus(review: Review,
                                                           tmp_path: Path) -> None:
    b, _ = _two_appraisals(review)
    lib, settings = review.library, review.settings
    record(lib, settings, b, {"12": {"answer": "no", "comment": "agreed"}}, "MC")
    stream = io.StringIO()
    export(lib, stream)
    data = json.loads(stream.getvalue())
    assert [(a["checklist"], a["edition"], a["year"]) for a in data["appraisals"]][:2] == [
        ("casp-cohort", "2018", 2018), ("casp-cohort", "2018", 2018)]
    assert [(c["question"], c["answer"], c["by"]) for c in data["appraisal_consensus"]] == [
        ("12", "no", "MC")]
    # an appraisal of an earlier edition (5a then in words) is taken as it was made
    data["appraisals"].append({**data["appraisals"][0], "edition": "2017",
                               "answers": {"5a": {"answer": "age", "comment": ""}}})
    path = tmp_path / "synthesis.json"
    path.write_text(json.dumps(data), "utf-8")
    copy = tmp_path / "copy.sqlite"
    source, target = sqlite3.connect(review.project.database_file), sqlite3.connect(copy)
    source.backup(target)
    source.close()
    target.close()
    other = Library.open(copy)
    try:
        with other.writing() as conn:
            for table in ("appraisals", "appraisal_consensus"):
                conn.exec_driver_sql(f"DROP TRIGGER {table}_no_delete")
                conn.exec_driver_sql(f"DELETE FROM {table}")
        import_file(other, settings, path)
        assert [(c.question, c.answer, c.comment, c.edition) for c in
                other.synthesis.consensus()] == [("12", "no", "agreed", "2018")]
        assert [(a.edition, a.year) for a in other.synthesis.appraisals()][-1] == ("2017", 2018)
        assert final(other, settings)[b].basis["12"] == "consensus"
        # the current edition's answers are checked: words where it asks yes / no are not
        data["appraisals"][-1]["edition"] = "2018"
        path.write_text(json.dumps(data), "utf-8")
        with pytest.raises(MnrError, match="appraisals entry 5: .*question 5a: 'age'"):
            import_file(other, settings, path)
    finally:
        other.close()
