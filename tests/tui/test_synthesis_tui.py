"""The Appraisal, Extraction and Traditions screens, driven with Textual's Pilot.

Each test builds a real review (five works; three included, one assessed at the full-text
stage and excluded, one excluded at the title stage; two traditions in review.toml),
opens a screen from the home screen, presses the keys a reviewer presses, and checks
what the library stored by reading it back with a fresh Library.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Select, Static, TextArea

from mnr.dedupe.passes import deduplicate
from mnr.library import Library
from mnr.project import Project, init_project
from mnr.screening import decide as actions
from mnr.screening.state import load
from mnr.searches import ImportOptions, import_file
from mnr.synthesis import extraction
from mnr.synthesis.appraisal import appraise
from mnr.synthesis.traditions import current_tags, memos, tag, themes
from mnr.tui.app import MnrApp
from mnr.tui.screens.appraisal import AppraisalScreen
from mnr.tui.screens.extraction import ExtractionScreen
from mnr.tui.screens.home import HomeScreen
from mnr.tui.screens.prompts import ChoicePicker, TextPrompt
from mnr.tui.screens.traditions import TraditionsScreen
from mnr.tui.widgets.checklist import AnswerBox, QuestionRow
from tests.helpers import works_by_doi
from tests.tui.pilot import S, from_home, home_steps, shown, typed

SIZE = (150, 50)
USERS, POLICY = "Service user perspectives", "Policy and organisation"

PROTOCOL = f"""\
[review]
title = "Care planning (synthesis screens test)"

[screening]
stages = ["title", "fulltext"]
reviewers = ["BH", "MC"]
reviewers_per_work = 1
exclusion_reasons = ["Inpatient sample"]

[extraction]
fields = ["Setting", "Country", "Study design", "Findings"]

[[tradition]]
name = "{USERS}"
description = "Care planning as experienced by the people it is for."
storyline = "Users were seldom involved, and said so."
checklist = "casp-qualitative"

[[tradition]]
name = "{POLICY}"
description = "Care planning as policy: the care programme approach and its audits."
checklist = "casp-cross-sectional"
"""

# key: (title, authors, year); studies() orders the last stage's works by year
PAPERS = {
    "a": ("Care programme approach reviews in community teams",
          ["Simpson, A.", "Hannigan, B.", "Coffey, M."], 2016),
    "b": ("Recovery-oriented care coordination", ["Slade, M."], 1999),
    "c": ("Care plans and service user involvement", ["Grundy, A.", "Bee, P."], 2003),
    "d": ("Inpatient ward rounds and discharge planning", ["Bowers, L."], 2010),
    "x": ("A history of asylums", ["Porter, R."], 1987),
}
INCLUDED = ["b", "c", "a"]  # Slade 1999, Grundy & Bee 2003, Simpson et al. 2016
ASSESSED = ["b", "c", "d", "a"]  # with Bowers 2010, excluded at the full-text stage


def ris(keys: str) -> str:
    blocks = []
    for key in keys:
        title, authors, year = PAPERS[key]
        blocks.append("\n".join(["TY  - JOUR", *(f"AU  - {a}" for a in authors),
                                 f"TI  - {title}", f"PY  - {year}", "JO  - Journal of Tests",
                                 f"DO  - 10.1000/{key}", "ER  - "]))
    return "\n\n".join(blocks) + "\n"


@dataclass
class Review:
    project: Project
    work: dict[str, int]  # paper key -> work id

    def read(self, what: Callable[[Library], Any]) -> Any:
        """Read the library afresh, as another process would."""
        library = Library.open(self.project.database_file)
        try:
            return what(library)
        finally:
            library.close()


@pytest.fixture
def review(tmp_path: Path) -> Iterator[Review]:
    project = init_project(tmp_path / "review", "Care planning")
    project.review_file.write_text(PROTOCOL, "utf-8")
    library = Library.open(project.database_file)
    try:
        export = tmp_path / "medline.ris"
        export.write_text(ris("abcdx"), "utf-8")
        import_file(project, library, export, ImportOptions(database="MEDLINE"))
        deduplicate(library)
        work = works_by_doi(library)
        settings = project.settings()
        title = load(library, settings).stage("title")
        for key, work_id in work.items():
            actions.decide(library, title, work_id, "BH", "n" if key == "x" else "y",
                           "Inpatient sample" if key == "x" else None)
        fulltext = load(library, settings).stage("fulltext")
        for key in ASSESSED:
            actions.decide(library, fulltext, work[key], "BH", "n" if key == "d" else "y",
                           "Inpatient sample" if key == "d" else None)
        # Slade 1999 is in the users' tradition, so its checklist is suggested for it
        tag(library, settings, work["b"], "tradition", USERS, "MC")
    finally:
        library.close()
    yield Review(project, work)


# -- driving the app --------------------------------------------------------------------

async def open_from_home(pilot: Pilot[None], app: MnrApp, step: str, kind: type[S]) -> S:
    home = await shown(pilot, HomeScreen)
    listing = home.query_one("#steps", OptionList)
    listing.highlighted = list(home_steps(app)).index(step)
    await pilot.press("enter")
    screen = await shown(pilot, kind)
    for _ in range(100):  # the form of the first study is filled after mounting
        await pilot.pause()
        if getattr(screen, "shown", None) is not None or not getattr(screen, "studies", [1]):
            break
    return screen


def plain(static: Static) -> str:
    """What a Static shows, as plain text."""
    console = Console(width=200, record=True, color_system=None)
    console.print(static.content)
    return console.export_text()


def focused(app: MnrApp) -> Any:
    return app.focused


def question_of(app: MnrApp) -> str | None:
    """The number of the question whose answer box has the focus."""
    widget = app.focused
    return widget.question.number if isinstance(widget, AnswerBox) else None


# -- home ---------------------------------------------------------------------------------


def test_home_lists_appraisal_extraction_and_traditions_before_prisma(review: Review) -> None:
    async def steps(pilot: Pilot[None], app: MnrApp) -> None:
        listed = home_steps(app)
        ids = list(listed)
        assert ids[ids.index("included"):] == ["included", "appraisal", "extraction",
                                               "traditions", "prisma"]
        assert "0 of 3 included appraised · you 0" in listed["appraisal"]
        assert "0 of 3 included extracted" in listed["extraction"]
        assert "2 traditions · 1 of 3 included in one" in listed["traditions"]

    from_home(review.project, steps, SIZE)


# -- appraisal ----------------------------------------------------------------------------


def test_an_appraisal_is_answered_with_the_keyboard_saved_and_shown_again(
        review: Review) -> None:
    b = review.work["b"]

    async def steps(pilot: Pilot[None], app: MnrApp) -> None:
        screen = await open_from_home(pilot, app, "appraisal", AppraisalScreen)
        listing = screen.query_one("#studies", OptionList)
        assert [listing.get_option_at_index(i).id for i in range(listing.option_count)] == [
            str(review.work[k]) for k in ASSESSED]
        assert "not included" in str(listing.get_option_at_index(2).prompt)
        assert screen.shown == b and listing.has_focus
        # Slade 1999 is in the users' tradition, whose checklist is CASP qualitative
        assert screen.query_one("#checklist", Select).value == "casp-qualitative"
        assert "tradition" in str(screen.query_one("#suggestion", Static).content)
        await pilot.press("enter")  # into the form: the first question
        assert question_of(app) == "1"
        await pilot.press("y", "n", "c")  # each answer moves on to the next question
        assert question_of(app) == "4"
        await pilot.press("up", "tab")  # back to 3, into its comment
        assert isinstance(focused(app), Input)
        await typed(pilot, "no reflexivity")
        await pilot.press("enter")  # the comment done: on to question 4
        assert question_of(app) == "4"
        await pilot.press("end")  # the commentary
        assert isinstance(focused(app), TextArea)
        await typed(pilot, "Credible, thin on analysis.")
        await pilot.press("ctrl+s")
        await pilot.pause()
        # 3 of 9 questions answered: appraised in part, not counted as appraised
        assert str(listing.get_option_at_index(0).prompt).startswith("◐")
        assert "6 questions not answered" in plain(screen.query_one("#saved", Static))
        await pilot.press("escape", "escape")  # to the list, then home (nothing unsaved)
        await shown(pilot, HomeScreen)
        assert ("0 of 3 included appraised (1 more in part) · you 0 (+1 in part)"
                in home_steps(app)["appraisal"])

        # opened again, the form shows what was saved
        again = await open_from_home(pilot, app, "appraisal", AppraisalScreen)
        assert again is not screen and again.shown == b
        answers = {row.question.number: row.state()[1:] for row in again.rows}
        assert answers["1"] == ("yes", "") and answers["2"] == ("no", "")
        assert answers["3"] == ("cant_tell", "no reflexivity")
        assert all(answers[n] == ("", "") for n in answers if n not in ("1", "2", "3"))
        assert again.query_one("#commentary", TextArea).text == "Credible, thin on analysis."
        assert "Saved by you" in str(again.query_one("#saved", Static).content)
        assert not again.dirty

    from_home(review.project, steps, SIZE)
    saved = review.read(appraise.current)
    assert list(saved) == [b] and list(saved[b]) == ["BH"]
    appraisal = saved[b]["BH"]
    assert appraisal.checklist == "casp-qualitative"
    assert appraisal.answers == {"1": {"answer": "yes", "comment": ""},
                                 "2": {"answer": "no", "comment": ""},
                                 "3": {"answer": "cant_tell", "comment": "no reflexivity"}}
    assert appraisal.commentary == "Credible, thin on analysis."


def test_enter_after_an_answer_confirms_it_and_types_nothing_into_a_comment(
        review: Review) -> None:
    b = review.work["b"]

    async def steps(pilot: Pilot[None], app: MnrApp) -> None:
        screen = await open_from_home(pilot, app, "appraisal", AppraisalScreen)
        await pilot.press("enter")  # into the form: question 1
        # a new reviewer confirms each answer with Enter: the answers land in order
        await pilot.press("y", "enter", "n", "enter", "c", "enter")
        assert question_of(app) == "4"
        assert [row.state() for row in screen.rows[:4]] == [
            ("1", "yes", ""), ("2", "no", ""), ("3", "cant_tell", ""), ("4", "", "")]
        await pilot.press("enter")  # not right after an answer: on to the next question
        assert question_of(app) == "5"
        await pilot.press("y", "y")
        assert question_of(app) == "7"
        await pilot.press("ctrl+s")
        await pilot.pause()

    from_home(review.project, steps, SIZE)
    answers = review.read(appraise.current)[b]["BH"].answers
    assert {n: a["answer"] for n, a in answers.items()} == {
        "1": "yes", "2": "no", "3": "cant_tell", "5": "yes", "6": "yes"}
    assert all(a["comment"] == "" for a in answers.values())


def test_only_a_complete_appraisal_is_ticked_and_counted_as_appraised(review: Review) -> None:
    b, c = review.work["b"], review.work["c"]
    review.read(lambda lib: appraise.save(  # MC: every yes / no / can't tell question
        lib, review.project.settings(), c, "MC", "casp-qualitative",
        {str(n): "yes" for n in range(1, 10)}))

    async def steps(pilot: Pilot[None], app: MnrApp) -> None:
        assert ("1 of 3 included appraised · you 0"
                in home_steps(app)["appraisal"])
        screen = await open_from_home(pilot, app, "appraisal", AppraisalScreen)
        listing = screen.query_one("#studies", OptionList)
        await pilot.press("enter", "y", "y", "y", "ctrl+s")  # 3 of 9: in part
        await pilot.pause()
        assert str(listing.get_option_at_index(0).prompt).startswith("◐")
        assert "0 of 3 included appraised by you (1 in part" in plain(
            screen.query_one("#title", Static))
        assert "in part: 6 questions not answered" in plain(screen.query_one("#saved", Static))
        await pilot.press(*["c"] * 6, "ctrl+s")  # the other six: complete
        await pilot.pause()
        assert str(listing.get_option_at_index(0).prompt).startswith("✓")
        assert "1 of 3 included appraised by you" in plain(screen.query_one("#title", Static))
        await pilot.press("escape", "escape")
        await shown(pilot, HomeScreen)
        assert "2 of 3 included appraised · you 1" in home_steps(app)["appraisal"]

    from_home(review.project, steps, SIZE)
    assert len(review.read(appraise.current)[b]["BH"].answers) == 9


def test_unsaved_answers_follow_the_study_and_escape_twice_leaves_them(review: Review) -> None:
    b, c = review.work["b"], review.work["c"]

    async def steps(pilot: Pilot[None], app: MnrApp) -> None:
        screen = await open_from_home(pilot, app, "appraisal", AppraisalScreen)
        await pilot.press("enter", "y", "y")
        assert screen.dirty
        await pilot.press("escape", "down")  # to the list, then the next study
        await pilot.pause()
        assert screen.shown == c and not screen.dirty
        listing = screen.query_one("#studies", OptionList)
        assert str(listing.get_option_at_index(0).prompt).startswith("*")  # a draft
        # Grundy & Bee 2003: no tradition, no design, no default: no checklist suggested
        assert screen.query_one("#checklist", Select).value == Select.NULL
        assert screen.rows == []
        await pilot.press("up")
        await pilot.pause()
        assert screen.shown == b
        assert [row.state()[1] for row in screen.rows[:3]] == ["yes", "yes", ""]
        await pilot.press("escape")  # warned: not saved
        assert isinstance(app.screen, AppraisalScreen)
        await pilot.press("escape")  # leaves without saving
        await shown(pilot, HomeScreen)

    from_home(review.project, steps, SIZE)
    assert review.read(appraise.current) == {}


def test_another_checklist_with_parts_and_free_text_questions(review: Review) -> None:
    """CASP cohort: question 5 and 6 are headings over their parts (5a, 5b, the list of
    confounders in words; 6a, 6b), the form names the edition, y / n / c skip the part
    answered in words."""
    a = review.work["a"]

    async def steps(pilot: Pilot[None], app: MnrApp) -> None:
        screen = await open_from_home(pilot, app, "appraisal", AppraisalScreen)
        await pilot.press("end")
        await pilot.pause()
        assert screen.shown == a
        screen.query_one("#checklist", Select).value = "casp-cohort"
        for _ in range(50):
            await pilot.pause()
            if screen.built == "casp-cohort":
                break
        numbers = [row.question.number for row in screen.rows]
        assert numbers[:9] == ["1", "2", "3", "4", "5a", "5b", "5-list", "6a", "6b"]
        assert "5" not in numbers and "6" not in numbers  # headings, not answered
        stems = [plain(widget) for widget in screen.query(".stem").results(Static)]
        assert len(stems) == 2 and "Confounding" in stems[0] and "in 3 parts" in stems[0]
        parts = [row.question.number for row in screen.query(".sub-item")
                 .results(QuestionRow)]
        assert parts == ["5a", "5b", "5-list", "6a", "6b"]
        assert "CASP Cohort Study Checklist, 2018" in plain(screen.query_one(".edition",
                                                                             Static))
        screen.focus_question(numbers.index("4"))
        await pilot.press("y")
        assert question_of(app) == "5a"  # 5a is yes / no / can't tell now
        await pilot.press("c", "y")  # 5-list is in words: y goes on to 6a, typing nothing
        assert question_of(app) == "6a"
        await pilot.press("up")  # up reaches the free-text part
        assert isinstance(focused(app), Input)
        await typed(pilot, "age and sex")
        await pilot.press("down")
        assert question_of(app) == "6a"
        await pilot.press("n", "ctrl+s")
        await pilot.pause()
        assert not screen.dirty

    from_home(review.project, steps, SIZE)
    appraisal = review.read(appraise.current)[a]["BH"]
    assert appraisal.checklist == "casp-cohort"
    assert (appraisal.edition, appraisal.year) == ("2018", 2018)
    assert appraisal.answers == {"4": {"answer": "yes", "comment": ""},
                                 "5a": {"answer": "cant_tell", "comment": ""},
                                 "5b": {"answer": "yes", "comment": ""},
                                 "5-list": {"answer": "age and sex", "comment": ""},
                                 "6a": {"answer": "no", "comment": ""}}
    assert appraisal.commentary is None


def test_an_appraisal_of_an_earlier_edition_opens_readably_beside_a_colleagues(
        review: Review) -> None:
    """BH's cohort appraisal saved before editions were kept, with 5a in words (as the old
    summary asked) and a question the checklist no longer has: the words move to 5a's
    comment and the commentary, nothing is lost; MC's appraisal disagrees on question 1."""
    b = review.work["b"]
    review.read(lambda lib: lib.synthesis.save_appraisal(
        b, "BH", "casp-cohort", {"1": {"answer": "yes", "comment": ""},
                                 "5a": {"answer": "age and sex", "comment": "not adjusted"},
                                 "99": {"answer": "yes", "comment": "gone"}}, "Thin."))
    review.read(lambda lib: appraise.save(lib, review.project.settings(), b, "MC",
                                          "casp-cohort", {"1": "no"}))

    async def steps(pilot: Pilot[None], app: MnrApp) -> None:
        screen = await open_from_home(pilot, app, "appraisal", AppraisalScreen)
        assert screen.shown == b and screen.built == "casp-cohort"
        rows = {row.question.number: row.state() for row in screen.rows}
        assert rows["1"] == ("1", "yes", "")
        assert rows["5a"] == ("5a", "", "age and sex · not adjusted")
        note = plain(screen.query_one("#saved", Static))
        assert "Saved before mnr kept checklist editions" in note
        assert "CASP Cohort Study Checklist, 2018" in note
        assert "1 disagreement between appraisers, 0 settled" in note
        commentary = screen.query_one("#commentary", TextArea).text
        assert commentary.startswith("Thin.") and "99: yes gone" in commentary

    from_home(review.project, steps, SIZE)


def test_mmat_shows_its_categories_as_alternatives(review: Review) -> None:
    async def steps(pilot: Pilot[None], app: MnrApp) -> None:
        screen = await open_from_home(pilot, app, "appraisal", AppraisalScreen)
        screen.query_one("#checklist", Select).value = "mmat-2018"
        for _ in range(50):
            await pilot.pause()
            if screen.built == "mmat-2018":
                break
        sections = [plain(w) for w in screen.query(".section").results(Static)]
        assert len(sections) == 6 and "Screening" in sections[0]
        assert all("answer if it fits the study's design" in t for t in sections[1:])
        assert "answer if it fits" not in sections[0]
        assert [row.question.number for row in screen.rows][:3] == ["S1", "S2", "1.1"]
        assert "Mixed Methods Appraisal Tool (MMAT), version 2018" in plain(
            screen.query_one(".edition", Static))

    from_home(review.project, steps, SIZE)


def test_saving_an_empty_appraisal_is_refused_with_a_notice(review: Review) -> None:
    async def steps(pilot: Pilot[None], app: MnrApp) -> None:
        await open_from_home(pilot, app, "appraisal", AppraisalScreen)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert any("Nothing to save" in n.message for n in app._notifications)

    from_home(review.project, steps, SIZE)
    assert review.read(appraise.current) == {}


# -- extraction ---------------------------------------------------------------------------


def test_an_extraction_form_is_filled_by_typing_and_saved(review: Review) -> None:
    c = review.work["c"]

    async def steps(pilot: Pilot[None], app: MnrApp) -> None:
        screen = await open_from_home(pilot, app, "extraction", ExtractionScreen)
        await pilot.press("down")
        await pilot.pause()
        assert screen.shown == c
        await pilot.press("enter")  # into the form: the first field
        assert focused(app) is screen.query_one("#field-0", TextArea)
        await typed(pilot, "Two community teams")
        await pilot.press("tab")
        await typed(pilot, "England")
        await pilot.press("tab")
        await typed(pilot, "qualitative interviews")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert str(screen.query_one("#studies", OptionList).get_option_at_index(1).prompt
                   ).startswith("✓")
        await pilot.press("escape", "escape")
        await shown(pilot, HomeScreen)
        assert "1 of 3 included extracted" in home_steps(app)["extraction"]
        # the design extracted now suggests a checklist for the appraisal
        appraisal = await open_from_home(pilot, app, "appraisal", AppraisalScreen)
        await pilot.press("down")
        await pilot.pause()
        assert appraisal.shown == c
        assert appraisal.query_one("#checklist", Select).value == "casp-qualitative"
        assert "design" in str(appraisal.query_one("#suggestion", Static).content)

    from_home(review.project, steps, SIZE)
    saved = review.read(extraction.current)
    assert list(saved) == [c]
    assert saved[c].reviewer == "BH"
    assert saved[c].fields == {"Setting": "Two community teams", "Country": "England",
                               "Study design": "qualitative interviews", "Findings": ""}


def test_the_extraction_form_shows_your_own_extraction_not_the_other_extractors(
        review: Review) -> None:
    b = review.work["b"]

    def save(library: Library) -> None:
        settings = review.project.settings()
        extraction.save(library, settings, b, "MC",
                        {"Setting": "Hospital", "Findings": "Users\nnot involved"})
        extraction.save(library, settings, b, "BH", {"Setting": "Community teams"})
        extraction.save(library, settings, review.work["c"], "MC", {"Setting": "Hospital"})

    review.read(save)

    async def steps(pilot: Pilot[None], app: MnrApp) -> None:
        screen = await open_from_home(pilot, app, "extraction", ExtractionScreen)
        await screen.load_form(next(s for s in screen.studies if s.work_id == b), None)
        assert screen.form_state() == ("Community teams", "", "", "")
        said = str(screen.query_one("#saved", Static).content)
        assert "Last saved by you" in said and "also extracted by MC" in said
        await screen.load_form(next(s for s in screen.studies
                                    if s.work_id == review.work["c"]), None)
        assert screen.form_state() == ("", "", "", "")  # MC's values are not shown to BH
        assert "Not extracted by you yet" in str(screen.query_one("#saved", Static).content)

    from_home(review.project, steps, SIZE)


# -- traditions ---------------------------------------------------------------------------


def test_a_study_is_tagged_and_given_a_memo_with_the_keyboard(review: Review) -> None:
    b = review.work["b"]

    async def steps(pilot: Pilot[None], app: MnrApp) -> None:
        screen = await open_from_home(pilot, app, "traditions", TraditionsScreen)
        studies = screen.query_one("#studies", OptionList)
        assert [studies.get_option_at_index(i).id for i in range(studies.option_count)] == [
            str(review.work[k]) for k in INCLUDED]  # included only
        assert studies.has_focus and screen.study is not None and screen.study.work_id == b
        await pilot.press("t")
        picker = await shown(pilot, ChoicePicker)
        assert [value for value, _ in picker.choices] == [USERS, POLICY]
        await pilot.press("2")
        await shown(pilot, TraditionsScreen)
        await pilot.press("c")
        await shown(pilot, TextPrompt)
        await typed(pilot, "Australia")
        await pilot.press("enter")
        await shown(pilot, TraditionsScreen)
        await pilot.press("m")
        await shown(pilot, ChoicePicker)
        await pilot.press("2")  # qualitative
        await shown(pilot, TraditionsScreen)
        await pilot.press("a")
        await shown(pilot, TextPrompt)
        await typed(pilot, "Check the sampling.")
        await pilot.press("enter")
        await shown(pilot, TraditionsScreen)
        assert "[1,2] qualitative Australia" in str(studies.get_option_at_index(0).prompt)
        about = plain(screen.query_one("#about", Static))
        assert "Country: Australia" in about and "Check the sampling." in about
        assert f"1 {USERS}; 2 {POLICY}" in about

    from_home(review.project, steps, SIZE)
    tags = review.read(current_tags)
    assert tags[b] == {"tradition": [USERS, POLICY], "country": ["Australia"],
                       "method": ["qualitative"]}
    kept = review.read(memos)
    assert [(m.subject, m.about, m.author, m.text) for m in kept] == [
        ("work", str(b), "BH", "Check the sampling.")]


def test_k_links_the_study_to_a_concept_of_its_tradition_and_takes_it_back(
        review: Review) -> None:
    from mnr.synthesis.traditions import current_concept_links

    b = review.work["b"]
    protocol = review.project.review_file.read_text("utf-8").replace(
        'storyline = "Users were seldom involved, and said so."',
        'storyline = "Users were seldom involved, and said so."\n'
        'concepts = ["empowerment", "ownership of the care plan"]\n'
        'theories = ["Power and professional dominance"]')
    review.project.review_file.write_text(protocol, "utf-8")
    review.read(lambda library: tag(library, review.project.settings(), b, "tradition",
                                    USERS, "BH"))

    async def steps(pilot: Pilot[None], app: MnrApp) -> None:
        screen = await open_from_home(pilot, app, "traditions", TraditionsScreen)
        assert screen.study is not None and screen.study.work_id == b
        for turn in range(2):  # link, then take the link back
            await pilot.press("k")
            picker = await shown(pilot, ChoicePicker)
            assert [label.lstrip("✓ ") for _, label in picker.choices] == [
                f"empowerment (concept, {USERS})",
                f"ownership of the care plan (concept, {USERS})",
                f"Power and professional dominance (theory, {USERS})"]
            await pilot.press("2")
            await shown(pilot, TraditionsScreen)
            if turn == 0:
                links = review.read(current_concept_links)
                assert links[(USERS, "ownership of the care plan")] == [b]

    from_home(review.project, steps, SIZE)
    assert review.read(current_concept_links).get((USERS, "ownership of the care plan"),
                                                  []) == []


def test_picking_a_tradition_again_takes_the_study_out(review: Review) -> None:
    b = review.work["b"]

    async def steps(pilot: Pilot[None], app: MnrApp) -> None:
        await open_from_home(pilot, app, "traditions", TraditionsScreen)
        await pilot.press("t")
        picker = await shown(pilot, ChoicePicker)
        assert picker.choices[0] == (USERS, f"✓ {USERS}")
        await pilot.press("1")
        await shown(pilot, TraditionsScreen)

    from_home(review.project, steps, SIZE)
    assert review.read(current_tags).get(b, {}).get("tradition") is None


def test_a_findings_theme_with_the_highlighted_study_and_another(review: Review) -> None:
    b, c = review.work["b"], review.work["c"]

    async def steps(pilot: Pilot[None], app: MnrApp) -> None:
        screen = await open_from_home(pilot, app, "traditions", TraditionsScreen)
        await pilot.press("f")
        picker = await shown(pilot, ChoicePicker)
        assert picker.highlight == 0  # the study's own tradition
        await pilot.press("enter")
        await shown(pilot, TextPrompt)
        await typed(pilot, "Users felt heard")
        await pilot.press("enter")
        await shown(pilot, ChoicePicker)
        await pilot.press("1")  # positive
        prompt = await shown(pilot, TextPrompt)
        assert prompt.value == "Slade 1999"
        await pilot.press("end")
        await typed(pilot, ", Nobody 2020")
        await pilot.press("enter")  # not a study: asked again, with what was typed
        prompt = await shown(pilot, TextPrompt)
        assert prompt.value == "Slade 1999, Nobody 2020"
        await pilot.press("end", *["backspace"] * len("Nobody 2020"))
        await typed(pilot, f"W{c}")
        await pilot.press("enter")
        await shown(pilot, TraditionsScreen)
        assert screen.parse_works("slade 1999, W9999") == ([b], ["W9999"])

    from_home(review.project, steps, SIZE)
    kept = review.read(themes)
    assert [(t.tradition, t.statement, t.polarity, t.works, t.saved_by) for t in kept] == [
        (USERS, "Users felt heard", "positive", [b, c], "BH")]
