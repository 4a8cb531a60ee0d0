"""Checklists as data: the built-in CASP and MMAT summaries, a review's own files, suggest,
tally; the CASP structure checked against the official checklists' numbering and answers."""

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

CASP_UK = {"casp-qualitative", "casp-rct", "casp-cohort", "casp-case-control",
           "casp-systematic-review", "casp-economic-evaluation", "casp-diagnostic",
           "casp-clinical-prediction-rule"}
IDS = CASP_UK | {"casp-cross-sectional", "mmat-2018"}

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


def test_the_casp_mmat_and_adapted_checklists_are_built_in() -> None:
    assert set(builtin()) == IDS


@pytest.mark.parametrize("ident", sorted(IDS))
def test_each_builtin_is_well_formed(ident: str) -> None:
    checklist = builtin()[ident]
    assert checklist.id == ident and checklist.origin == "built-in"
    assert checklist.name and checklist.designs and checklist.tool and checklist.edition
    assert "review.toml" in checklist.attribution and checklist.attribution.strip()
    assert len(checklist.sections) >= 3 and all(checklist.sections)
    assert checklist.screening, "at least one screening question"
    assert checklist.questions[0].screening
    numbers = [q.number for q in checklist.questions] + list(checklist.numbers)
    assert len(set(checklist.numbers)) == len(checklist.numbers)
    assert len(set(numbers)) == len(checklist.questions) + len(checklist.items) - sum(
        1 for q in checklist.questions if not q.items)  # a part never shares a number
    for question in (*checklist.questions, *checklist.items):
        assert question.label.strip() and len(question.label) < 80, question
    for item in checklist.items:
        assert item.answers in ("yes_no_cant_tell", "free_text")
    for question in checklist.questions:
        if question.items:  # answered through its parts, which point back to it
            assert question.answers == "" and all(i.parent == question.number
                                                  for i in question.items)
    # screening questions come first, all together
    flags = [q.screening for q in checklist.questions]
    assert flags == sorted(flags, reverse=True)


@pytest.mark.parametrize("ident", sorted(CASP_UK))
def test_casp_uk_checklists_cite_casp_with_their_edition(ident: str) -> None:
    checklist = builtin()[ident]
    assert checklist.source.startswith("Critical Appraisal Skills Programme")
    assert "casp-uk.net" in checklist.attribution and "CC BY-NC-SA" in checklist.attribution
    assert checklist.year in (2018, 2020) and checklist.edition == str(checklist.year)
    assert f"Critical Appraisal Skills Programme ({checklist.year}). {checklist.tool}" in \
        " ".join(checklist.attribution.split())
    assert checklist.version == f"{checklist.tool}, {checklist.year}"


# The official CASP checklists (CASP UK, 2018 editions; the RCT's 2020 edition): how many
# questions, the sections, the screening questions, the parts of split questions, and the
# answers asked in words (every other item is Yes / Can't tell / No). "5-list" and "6-list"
# are the official forms' "List:" boxes for confounders, kept in words beside the parts.
OFFICIAL = {
    "casp-cohort": (12, 3, ["1", "2"], {"5": ["5a", "5b", "5-list"], "6": ["6a", "6b"]},
                    {"5-list", "7", "8"}, 2018),
    "casp-case-control": (11, 3, ["1", "2"], {"6": ["6a", "6-list", "6b"]},
                          {"6-list", "7", "8"}, 2018),
    "casp-rct": (11, 4, ["1", "2", "3"], {"4": ["4a", "4b", "4c"]}, set(), 2020),
    "casp-qualitative": (10, 3, ["1", "2"], {}, {"10"}, 2018),
    "casp-systematic-review": (10, 3, ["1", "2"], {}, {"6", "7"}, 2018),
}


@pytest.mark.parametrize("ident", sorted(OFFICIAL))
def test_casp_question_counts_and_answer_types_follow_the_official_checklists(
        ident: str) -> None:
    count, sections, screening, parts, in_words, year = OFFICIAL[ident]
    checklist = builtin()[ident]
    assert [q.number for q in checklist.questions] == [str(n) for n in range(1, count + 1)]
    assert len(checklist.sections) == sections and checklist.year == year
    assert [q.number for q in checklist.screening] == screening
    assert {q.number: [i.number for i in q.items] for q in checklist.questions
            if q.items} == parts
    assert {q.number for q in checklist.items if q.answers == "free_text"} == in_words
    for item in checklist.items:
        if item.number not in in_words:
            assert item.answers == "yes_no_cant_tell", item


def test_the_fixed_casp_questions() -> None:
    known = builtin()
    cohort, case_control, rct = known["casp-cohort"], known["casp-case-control"], \
        known["casp-rct"]
    # cohort 5a (all confounders identified?) and 12 (implications) are Yes / Can't tell / No
    assert cohort.question("5a").answers == cohort.question("12").answers == "yes_no_cant_tell"
    assert cohort.question("5a").parent == "5" and cohort.question("5").items[0].number == "5a"
    # case-control 6a asks one thing; the list of confounders is a part of its own, in words
    assert "confounder" not in case_control.question("6a").label.lower()
    assert "confounder" not in case_control.question("6a").hint.lower()
    assert case_control.question("6-list").answers == "free_text"
    assert case_control.question("6b").answers == "yes_no_cant_tell"
    assert rct.sections[-1].startswith("Section D") and len(rct.items) == 13
    assert [q.number for q in rct.in_section(rct.sections[1])] == ["4", "5", "6"]
    assert rct.numbers[3:6] == ("4a", "4b", "4c")


def test_the_cross_sectional_checklist_says_it_is_an_adaptation() -> None:
    adapted = builtin()["casp-cross-sectional"]
    assert "not a CASP UK tool" in adapted.name
    assert "does not publish" in adapted.attribution and "adaptation" in adapted.attribution
    assert "Milton Keynes Primary Care Trust, 2002" in " ".join(adapted.attribution.split())
    assert not adapted.source.startswith("Critical Appraisal Skills Programme")
    assert (adapted.edition, adapted.year) == ("2002 adaptation", 2002)
    assert len(adapted.questions) == 11 and [q.number for q in adapted.screening] == ["1", "2"]


def test_mmat_2018_structure() -> None:
    mmat = builtin()["mmat-2018"]
    assert (mmat.tool, mmat.edition, mmat.year) == (
        "Mixed Methods Appraisal Tool (MMAT)", "version 2018", 2018)
    assert "Hong QN" in mmat.attribution and "Pluye P" in mmat.attribution
    assert "Education for Information 2018;34(4):285-291" in " ".join(mmat.attribution.split())
    assert [q.number for q in mmat.screening] == ["S1", "S2"]
    assert mmat.sections[0].startswith("Screening") and mmat.sections[0] not in mmat.pick
    assert len(mmat.pick) == 5 and mmat.pick == mmat.sections[1:]
    for category, title in enumerate(mmat.pick, 1):
        assert [q.number for q in mmat.in_section(title)] == [
            f"{category}.{n}" for n in range(1, 6)]
    assert [t.split(". ", 1)[1] for t in mmat.pick] == [
        "Qualitative studies", "Quantitative randomised controlled trials",
        "Quantitative non-randomised studies", "Quantitative descriptive studies",
        "Mixed methods studies"]
    assert len(mmat.questions) == 27 and all(q.answers == "yes_no_cant_tell"
                                             for q in mmat.items)
    # complete: the screening questions and the categories entered (else the first)
    assert [q.number for q in mmat.to_answer({"S1"})] == ["S1", "S2", *(
        f"1.{n}" for n in range(1, 6))]
    wanted = [q.number for q in mmat.to_answer({"S1", "3.2", "5.1"})]
    assert wanted == ["S1", "S2", *(f"3.{n}" for n in range(1, 6)),
                      *(f"5.{n}" for n in range(1, 6))]
    found = suggest("mixed-methods evaluation", builtin())
    assert found is not None and found.id == "mmat-2018"


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
    ("mixed methods", "mmat-2018"), ("non-randomised trial", "mmat-2018"),
    ("quasi-randomized study", "mmat-2018"), ("case series", "mmat-2018"),
])
def test_suggest_picks_the_checklist_for_a_design(design: str, expected: str) -> None:
    found = suggest(design, builtin())
    assert found is not None and found.id == expected


@pytest.mark.parametrize("design", [None, "", "case report", "editorial",
                                    "narrative review"])
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
    realist = JBI.replace('id = "jbi-qualitative"', 'id = "rameses"').replace(
        '["qualitative"]', '["realist evaluation"]')
    known = available([write(tmp_path, realist)])
    found = suggest("a realist evaluation", known)
    assert found is not None and found.id == "rameses"


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
    validate_answers(cohort, {"1": "yes", "2": "n", "5a": "y", "5-list": "age, smoking",
                              "5b": "?", "7": "HR 1.4", "9": "can't tell", "12": "no"})


def test_validate_answers_refuses_words_where_casp_asks_yes_or_no() -> None:
    cohort = builtin()["casp-cohort"]
    with pytest.raises(ProjectError, match="question 5a: 'age, smoking'"):
        validate_answers(cohort, {"5a": "age, smoking"})
    with pytest.raises(ProjectError, match="no question '5'"):  # answered through its parts
        validate_answers(cohort, {"5": "yes"})


def test_validate_answers_refuses_unknown_numbers_and_bad_values() -> None:
    cohort = builtin()["casp-cohort"]
    with pytest.raises(ProjectError) as caught:
        validate_answers(cohort, {"13": "yes", "5b": "maybe", "1": "yes"})
    message = caught.value.message
    assert "casp-cohort" in message and "no question '13'" in message
    assert "question 5b" in message and "'maybe'" in message
    assert "question 1:" not in message


PARTS = JBI + """
[[section.question]]
number = "3"
label = "Blinding"
hint = "in parts"

[[section.question.item]]
number = "3a"
label = "Participants blinded?"

[[section.question.item]]
number = "3b"
label = "Why not?"
answers = "free_text"
"""


def test_a_users_file_may_split_questions_into_parts(tmp_path: Path) -> None:
    checklist = load_file(write(tmp_path, PARTS))
    assert [q.number for q in checklist.questions] == ["1", "2", "3"]
    assert checklist.numbers == ("1", "2", "3a", "3b")
    third = checklist.question("3")
    assert third.answers == "" and [i.answers for i in third.items] == [
        "yes_no_cant_tell", "free_text"]
    assert checklist.question("3b").parent == "3" and checklist.question("3b").section == \
        "Congruity"
    assert tally({"3a": "yes", "3b": "yes"}, checklist)["yes"] == 1
    assert checklist.edition == "" and checklist.year is None
    dated = load_file(write(tmp_path, 'edition = 2019\nyear = 2019\n' + JBI, "dated.toml"))
    assert (dated.edition, dated.year, dated.version) == ("2019", 2019, "JBI Qualitative "
                                                                       "Research, 2019")


@pytest.mark.parametrize(("text", "problem"), [
    (PARTS.replace('hint = "in parts"', 'answers = "yes_no_cant_tell"'),
     "a question answered in parts has no answers of its own"),
    (PARTS.replace('number = "3b"', 'number = "3a"'), "duplicate question number 3a"),
    (PARTS.replace('number = "3b"', 'number = "1"'), "duplicate question number 1"),
    (PARTS + '\n[[section.question.item.item]]\nnumber = "3c"\nlabel = "x"\n',
     "one level deep"),
    ('year = "2018"\n' + JBI, "year must be a number"),
    ("edition = [1]\n" + JBI, "edition must be text"),
])
def test_parts_and_editions_are_checked(tmp_path: Path, text: str, problem: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ProjectError) as caught:
        load_file(path)
    assert str(path) in caught.value.message and problem in caught.value.message
