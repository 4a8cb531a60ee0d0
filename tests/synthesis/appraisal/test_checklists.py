"""Checklists as data: the built-in CASP summaries, a review's own files, suggest, tally."""

from __future__ import annotations

from pathlib import Path

import pytest

from mnr.errors import ProjectError
from mnr.synthesis.appraisal.checklists import (
    ANSWERS,
    available,
    builtin,
    load_file,
    normalise_answer,
    suggest,
    tally,
    validate_answers,
)

IDS = {"casp-qualitative", "casp-rct", "casp-cohort", "casp-case-control",
       "casp-systematic-review", "casp-economic-evaluation", "casp-diagnostic",
       "casp-clinical-prediction-rule", "casp-cross-sectional"}

JBI = """\
id = "jbi-qualitative"
name = "JBI Qualitative Research"
source = "JBI"
designs = ["qualitative"]

[[section]]
title = "Congruity"

[[section.question]]
number = 1
label = "Philosophy and methodology congruent?"
screening = true

[[section.question]]
number = "2"
label = "Notes"
answers = "free_text"
"""


def write(tmp_path: Path, text: str, name: str = "mine.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_nine_casp_checklists_are_built_in() -> None:
    assert set(builtin()) == IDS


@pytest.mark.parametrize("ident", sorted(IDS))
def test_each_builtin_is_well_formed(ident: str) -> None:
    checklist = builtin()[ident]
    assert checklist.id == ident and checklist.origin == "built-in"
    assert checklist.name and checklist.designs
    assert "casp-uk.net" in checklist.attribution and "CC BY-NC-SA" in checklist.attribution
    assert "review.toml" in checklist.attribution
    assert checklist.source.startswith("Critical Appraisal Skills Programme")
    assert len(checklist.sections) >= 3 and all(checklist.sections)
    assert checklist.screening, "at least one screening question"
    assert checklist.questions[0].screening
    numbers = [q.number for q in checklist.questions]
    assert len(numbers) == len(set(numbers))
    for question in checklist.questions:
        assert question.label.strip() and len(question.label) < 80, question
        assert question.answers in ("yes_no_cant_tell", "free_text")
    # screening questions come first, all together
    flags = [q.screening for q in checklist.questions]
    assert flags == sorted(flags, reverse=True)


def test_structure_of_some_checklists() -> None:
    known = builtin()
    qualitative = known["casp-qualitative"]
    assert len(qualitative.questions) == 10
    assert [q.number for q in qualitative.screening] == ["1", "2"]
    assert qualitative.question("10").answers == "free_text"
    rct = known["casp-rct"]
    assert [q.number for q in rct.screening] == ["1", "2", "3"]
    assert {"4a", "4b", "4c"} <= set(rct.numbers)
    cohort = known["casp-cohort"]
    assert cohort.question("7").answers == "free_text"
    assert cohort.question("7").section == "Section B: What are the results?"
    assert [q.number for q in cohort.in_section(cohort.sections[-1])] == ["10", "11", "12"]
    assert [q.number for q in known["casp-clinical-prediction-rule"].screening] == ["1", "2", "3"]


def test_builtin_returns_a_fresh_dict() -> None:
    builtin().pop("casp-rct")
    assert "casp-rct" in builtin()


@pytest.mark.parametrize(("design", "expected"), [
    ("qualitative interviews", "casp-qualitative"),
    ("Focus groups with nurses", "casp-qualitative"),
    ("cluster randomised trial", "casp-rct"),
    ("Randomized controlled trials", "casp-rct"),
    ("RCT", "casp-rct"),
    ("cross-sectional survey", "casp-cross-sectional"),
    ("cohort study", "casp-cohort"),
    ("retrospective cohort", "casp-cohort"),
    ("nested case-control study within a cohort", "casp-case-control"),
    ("systematic review of cohort studies", "casp-systematic-review"),
    ("Meta-analysis", "casp-systematic-review"),
    ("cost-effectiveness analysis alongside a trial", "casp-economic-evaluation"),
    ("diagnostic accuracy study", "casp-diagnostic"),
    ("derivation and validation of a clinical prediction rule", "casp-clinical-prediction-rule"),
])
def test_suggest_picks_the_checklist_for_a_design(design: str, expected: str) -> None:
    found = suggest(design, builtin())
    assert found is not None and found.id == expected


@pytest.mark.parametrize("design", [None, "", "mixed methods", "non-randomised trial",
                                    "quasi-randomized study", "case series"])
def test_suggest_returns_none_when_nothing_fits(design: str | None) -> None:
    assert suggest(design, builtin()) is None


def test_load_file_reads_a_users_checklist(tmp_path: Path) -> None:
    checklist = load_file(write(tmp_path, JBI))
    assert checklist.id == "jbi-qualitative" and checklist.origin.endswith("mine.toml")
    first, second = checklist.questions
    assert (first.number, first.answers, first.screening, first.section) == \
        ("1", "yes_no_cant_tell", True, "Congruity")
    assert second.answers == "free_text" and not second.screening and second.hint == ""


@pytest.mark.parametrize(("text", "problem"), [
    (JBI.replace('id = "jbi-qualitative"\n', ""), "no id"),
    (JBI.replace('label = "Notes"\n', ""), "no label"),
    (JBI.replace('label = "Notes"\n', 'label = "  "\n'), "no label"),
    (JBI.replace('"free_text"', '"likert"'), "unknown answers type 'likert'"),
    (JBI.replace('number = "2"', 'number = "1"'), "duplicate question number 1"),
    (JBI.replace('number = "2"\n', ""), "no number"),
    (JBI.replace("screening = true", 'screening = "yes"'), "screening must be true or false"),
    (JBI.replace('["qualitative"]', '"qualitative"'), "designs must be a list"),
    ('id = "x"\n', "no [[section]]"),
    ('id = "x"\n[[section]]\ntitle = "A"\n', "section 1 has no [[section.question]]"),
    ("id = \n", "not valid TOML"),
])
def test_load_file_names_the_file_and_the_problem(tmp_path: Path, text: str,
                                                  problem: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ProjectError) as caught:
        load_file(path)
    assert str(path) in caught.value.message and problem in caught.value.message


def test_load_file_missing(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match="not found"):
        load_file(tmp_path / "absent.toml")


def test_a_users_file_adds_to_and_replaces_builtins(tmp_path: Path) -> None:
    official = JBI.replace('id = "jbi-qualitative"', 'id = "casp-qualitative"')
    known = available([write(tmp_path, JBI), write(tmp_path, official, "official.toml")])
    assert set(known) == IDS | {"jbi-qualitative"}
    assert known["casp-qualitative"].name == "JBI Qualitative Research"
    assert known["casp-qualitative"].origin.endswith("official.toml")
    assert builtin()["casp-qualitative"].origin == "built-in"
    assert available([]) == builtin()


def test_two_user_files_with_one_id_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match="already used"):
        available([write(tmp_path, JBI), write(tmp_path, JBI, "again.toml")])


def test_suggest_uses_user_designs(tmp_path: Path) -> None:
    mmat = JBI.replace('id = "jbi-qualitative"', 'id = "mmat"').replace(
        '["qualitative"]', '["mixed methods"]')
    known = available([write(tmp_path, mmat)])
    found = suggest("a mixed-methods evaluation", known)
    assert found is not None and found.id == "mmat"


@pytest.mark.parametrize(("given", "expected"), [
    ("yes", "yes"), ("Y", "yes"), (" No ", "no"), ("n", "no"), ("?", "cant_tell"),
    ("cant_tell", "cant_tell"), ("Can't tell", "cant_tell"), ("can’t tell", "cant_tell"),
    ("CANT TELL", "cant_tell"),
])
def test_normalise_answer(given: str, expected: str) -> None:
    assert normalise_answer(given) == expected


def test_normalise_answer_refuses_others() -> None:
    with pytest.raises(ProjectError, match="'maybe' is not an answer"):
        normalise_answer("maybe")


def test_tally_counts_without_a_score() -> None:
    answers = {"1": "yes", "2": "Y", "3": "no", "4": "?", "5": "can't tell", "6": "",
               "10": "Useful for policy makers"}
    assert tally(answers) == {"yes": 2, "no": 1, "cant_tell": 2}
    assert tuple(tally({})) == ANSWERS and set(tally({}).values()) == {0}


def test_tally_skips_free_text_questions_of_a_checklist() -> None:
    qualitative = builtin()["casp-qualitative"]
    assert tally({"1": "yes", "10": "yes"}, qualitative) == {"yes": 1, "no": 0, "cant_tell": 0}


def test_validate_answers_accepts_good_answers() -> None:
    cohort = builtin()["casp-cohort"]
    validate_answers(cohort, {"1": "yes", "2": "n", "5a": "age, smoking", "5b": "?",
                              "7": "HR 1.4", "9": "can't tell"})


def test_validate_answers_refuses_unknown_numbers_and_bad_values() -> None:
    cohort = builtin()["casp-cohort"]
    with pytest.raises(ProjectError) as caught:
        validate_answers(cohort, {"13": "yes", "5b": "maybe", "1": "yes"})
    message = caught.value.message
    assert "casp-cohort" in message and "no question '13'" in message
    assert "question 5b" in message and "'maybe'" in message
    assert "question 1:" not in message
