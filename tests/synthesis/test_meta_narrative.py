"""The meta-narrative views: concepts and theories linked to works (acts, journalled and
replayed), storylines and study counts in every output, the themes across traditions
(agree, conflict, unique), typed memos, and the concept timeline."""

from __future__ import annotations

import csv
import io
import json
import shutil

import pytest

from mnr.errors import MnrError
from mnr.library import Library
from mnr.review import open_review
from mnr.synthesis.file import export, import_file
from mnr.synthesis.traditions import (
    add_memo,
    current_concept_links,
    link_concept,
    memos,
    save_theme,
)
from mnr.synthesis.traditions_report import (
    concept_entries,
    concepts_table,
    draw_concept_timeline,
    findings_table,
    matrix_table,
    memos_markdown,
    themes_matrix,
    tradition_summaries,
)
from tests.synthesis.conftest import POLICY, PROTOCOL, PSYCHIATRY, USERS, Review

# The protocol with storylines, concepts and theories (one concept name in two traditions).
CONCEPTS = {
    PSYCHIATRY: ('storyline = "From risk to recovery."\n'
                 'concepts = ["risk assessment", "recovery"]\ntheories = ["Biomedical model"]'),
    USERS: ('storyline = "Users asked whether they were involved."\n'
            'concepts = ["user involvement", "recovery"]\ntheories = ["Empowerment"]'),
}


def with_concepts(review: Review) -> Review:
    text = PROTOCOL
    for name, extra in CONCEPTS.items():
        text = text.replace(f'name = "{name}"\n', f'name = "{name}"\n{extra}\n')
    review.project.review_file.write_text(text, "utf-8")
    return review


@pytest.fixture
def linked(tagged: Review) -> Review:
    """The tagged review with concepts linked: user involvement to Grundy & Bee 2003 and
    Coffey 2013, then Slade 1999; Empowerment to Slade 1999; recovery (of the users)."""
    review = with_concepts(tagged)
    lib, settings, w = review.library, review.settings, review.work
    link_concept(lib, settings, "User Involvement", [w["c"], w["f"]], "BH")
    link_concept(lib, settings, "user involvement", [w["b"], w["c"]], "MC")  # c: already
    link_concept(lib, settings, "empowerment", [w["b"]], "MC")
    link_concept(lib, settings, "recovery", [w["f"]], "BH", tradition=USERS)
    return review


def test_concept_links_are_acts_made_and_taken_back(linked: Review) -> None:
    lib, settings, w = linked.library, linked.settings, linked.work
    links = current_concept_links(lib)
    assert links[(USERS, "user involvement")] == [w["c"], w["f"], w["b"]]
    assert links[(USERS, "Empowerment")] == [w["b"]]
    kinds = [(c.concept, c.kind, c.action, c.linked_by) for c in lib.synthesis.concept_links()]
    assert ("Empowerment", "theory", "add", "MC") in kinds
    assert len(kinds) == 5  # linking c a second time wrote nothing
    found = link_concept(lib, settings, "user involvement", [w["f"]], "BH", remove=True)
    assert found == (USERS, "user involvement", "concept", [w["c"], w["b"]])
    assert lib.synthesis.concept_links()[-1].action == "remove"


def test_concepts_are_checked(linked: Review) -> None:
    lib, settings, w = linked.library, linked.settings, linked.work
    with pytest.raises(MnrError, match="several traditions.*--tradition"):
        link_concept(lib, settings, "recovery", [w["a"]], "BH")
    with pytest.raises(MnrError, match="not a concept or theory of any tradition"):
        link_concept(lib, settings, "stigma", [w["a"]], "BH")
    with pytest.raises(MnrError, match="not a concept or theory of tradition"):
        link_concept(lib, settings, "empowerment", [w["a"]], "BH", tradition=PSYCHIATRY)
    with pytest.raises(MnrError, match="no such works: W999"):
        link_concept(lib, settings, "empowerment", [999], "BH")
    with pytest.raises(MnrError, match="not linked to W"):
        link_concept(lib, settings, "empowerment", [w["a"]], "BH", remove=True)


def _state(lib: Library) -> tuple[object, ...]:
    return (current_concept_links(lib), [(c.concept, c.action) for c in
                                         lib.synthesis.concept_links()],
            [(m.text, m.memo_type) for m in memos(lib)],
            [(t.statement, t.topic) for t in lib.synthesis.themes()])


def test_links_memo_types_and_topics_are_journalled_and_replayed(linked: Review) -> None:
    """Acts written to the judgement logs carry the links, memo types and theme topics,
    and the library rebuilt from the logs has them all (the fixture's acts, made with no
    review folder, are adopted into the logs first)."""
    linked.library.close()
    opened = open_review(linked.project)
    lib, settings, w = opened.library, linked.settings, linked.work
    try:
        add_memo(lib, settings, "review", None, "BH", "Nurses reading nursing", "reflexive")
        save_theme(lib, settings, POLICY, "Audits found plans", "positive", [w["e"]], "BH",
                   topic="plans written")
        link_concept(lib, settings, "empowerment", [w["c"], w["f"]], "BH")
        link_concept(lib, settings, "empowerment", [w["b"]], "MC", remove=True)
        before = _state(lib)
    finally:
        lib.close()
    lines = [json.loads(raw) for path in sorted((linked.root / "judgements").glob("*.jsonl"))
             for raw in path.read_text("utf-8").splitlines()]
    concept_lines = [line for line in lines if line["act"] == "concept"]
    assert len(concept_lines) == 8
    last = max(concept_lines, key=lambda line: line["id"])
    assert (last["tradition"], last["concept"], last["kind"], last["action"], last["by"]) == (
        USERS, "Empowerment", "theory", "remove", "MC")
    assert isinstance(last["on"], str) and ":" in last["on"]  # a record's name, not an id
    memo_types = {line["text"]: line.get("type") for line in lines if line["act"] == "memo"}
    assert memo_types["Nurses reading nursing"] == "reflexive"
    assert memo_types["First draft of the traditions."] is None  # general: no "type"
    assert [line.get("topic") for line in lines if line["act"] == "theme"
            if line["statement"] == "Audits found plans"] == ["plans written"]
    shutil.rmtree(linked.root / "library")
    rebuilt = open_review(linked.project).library
    try:
        assert _state(rebuilt) == before
    finally:
        rebuilt.close()
    linked.library = Library.open(linked.project.database_file)  # for the fixture's close


def test_summaries_carry_storyline_concepts_and_study_counts(linked: Review) -> None:
    summaries = {s["tradition"]: s for s in tradition_summaries(linked.library,
                                                                linked.settings)}
    users = summaries[USERS]
    assert users["storyline"] == "Users asked whether they were involved."
    assert users["studies"] == 3
    involvement = users["concepts"][0]
    assert involvement["name"] == "user involvement"
    assert [(x["label"], x["year"]) for x in involvement["works"]] == [
        ("Slade 1999", 1999), ("Grundy & Bee 2003", 2003), ("Coffey 2013", 2013)]
    assert (involvement["first_year"], involvement["last_year"], involvement["studies"]) == (
        1999, 2013, 3)
    assert [t["name"] for t in users["theories"]] == ["Empowerment"]
    psychiatry = summaries[PSYCHIATRY]
    assert [c["name"] for c in psychiatry["concepts"]] == ["risk assessment", "recovery"]
    assert psychiatry["concepts"][0]["works"] == []
    assert summaries["(untagged)"]["concepts"] == []


def test_the_concepts_table_in_markdown_and_csv(linked: Review) -> None:
    text = concepts_table(linked.library, linked.settings, "md")
    users = text[text.index(f"### {USERS}"):text.index(f"### {POLICY}")]
    assert "**Storyline.** Users asked whether they were involved." in users
    assert "**Included studies:** 3 (1999-2013)." in users
    assert ("| user involvement | concept | 3 | Slade 1999; Grundy & Bee 2003; Coffey 2013 "
            "[1, 3, 6] |") in users
    assert "| Empowerment | theory | 1 | Slade 1999 [1] |" in users
    rows = list(csv.DictReader(io.StringIO(concepts_table(linked.library, linked.settings,
                                                          "csv"))))
    involvement = next(r for r in rows if r["name"] == "user involvement")
    assert involvement == {"tradition": USERS, "studies": "3",
                           "storyline": "Users asked whether they were involved.",
                           "kind": "concept", "name": "user involvement",
                           "works": "Slade 1999; Grundy & Bee 2003; Coffey 2013",
                           "years": "1999; 2003; 2013", "references": "[1, 3, 6]"}
    policy = [r for r in rows if r["tradition"] == POLICY]
    assert len(policy) == 1 and policy[0]["kind"] == "" and policy[0]["studies"] == "2"
    findings = findings_table(linked.library, linked.settings, "md")
    assert "**Storyline.** From risk to recovery." in findings
    assert "| Empowerment | theory | 1 |" in findings


def test_themes_across_traditions_agree_conflict_or_are_unique(tagged: Review) -> None:
    lib, settings, w = tagged.library, tagged.settings, tagged.work
    # the fixture's themes: two of users (no topic), one of psychiatry (no topic)
    save_theme(lib, settings, USERS, "Plans were written with users", "positive", [w["c"]],
               "BH", topic="Care plans")
    save_theme(lib, settings, POLICY, "Audits found written plans", "positive", [w["e"]],
               "BH", topic="care plans")  # the same topic, in any case
    save_theme(lib, settings, PSYCHIATRY, "Plans were rarely shared", "negative", [w["a"]],
               "MC", topic="Sharing")
    save_theme(lib, settings, USERS, "Users saw their plans", "positive", [w["b"]], "BH",
               topic="sharing")
    rows = {r["topic"]: r for r in themes_matrix(lib, settings)}
    assert rows["Care plans"]["verdict"] == "agree"
    assert [c["tradition"] for c in rows["Care plans"]["traditions"]] == [USERS, POLICY]
    assert rows["Sharing"]["verdict"] == "conflict"
    assert {c["tradition"]: c["stance"] for c in rows["Sharing"]["traditions"]} == {
        PSYCHIATRY: "negative", USERS: "positive"}
    assert rows["Users valued being involved"]["verdict"] == "unique"
    assert rows["Users valued being involved"]["traditions"][0]["labels"] == [
        "Coffey 2013", "Slade 1999", "Grundy & Bee 2003"]
    assert "A retired theme" not in rows
    # one tradition with both polarities on a topic is mixed, and the topic a conflict
    save_theme(lib, settings, USERS, "Some never saw them", "negative", [w["c"]], "MC",
               topic="care plans")
    again = {r["topic"]: r for r in themes_matrix(lib, settings)}
    assert again["Care plans"]["verdict"] == "conflict"
    assert again["Care plans"]["traditions"][0]["stance"] == "mixed"

    text = matrix_table(lib, settings, "md")
    assert f"| Theme | {PSYCHIATRY} | {USERS} | {POLICY} | Across traditions |" in text
    sharing = next(line for line in text.splitlines() if line.startswith("| Sharing |"))
    assert sharing == ("| Sharing | − Plans were rarely shared [7] | + Users saw their plans "
                       "[1] |  | conflict (2 traditions) |")
    assert (f"| Users valued being involved |  | + [1, 3, 6] |  | unique to {USERS} |"
            in text)  # a theme with no topic names its row: its cell shows its sign
    rows_csv = list(csv.DictReader(io.StringIO(matrix_table(lib, settings, "csv"))))
    care = [r for r in rows_csv if r["topic"] == "Care plans"]
    assert [(r["tradition"], r["stance"], r["verdict"], r["traditions"]) for r in care] == [
        (USERS, "mixed", "conflict", "2"), (POLICY, "positive", "conflict", "2")]
    assert care[0]["statements"] == "Plans were written with users; Some never saw them"
    assert care[1]["references"] == "[4]"


def test_typed_memos_listed_by_type(tagged: Review) -> None:
    lib, settings = tagged.library, tagged.settings
    add_memo(lib, settings, "review", None, "BH", "We are nurses; we read as nurses",
             "reflexive")
    add_memo(lib, settings, "tradition", USERS, "MC", "Panel: carers are a tradition",
             "advisory-group")
    add_memo(lib, settings, "review", None, "MC", "Merged traditions 2 and 4", "decision")
    add_memo(lib, settings, "review", None, "MC", "Plain note", "general")
    assert [m.memo_type for m in memos(lib)] == [None, None, None, "reflexive",
                                                 "advisory-group", "decision", None]
    assert [m.text for m in memos(lib, "general")][-1] == "Plain note"
    assert [m.text for m in memos(lib, "reflexive")] == ["We are nurses; we read as nurses"]
    text = memos_markdown(lib, settings)
    headings = [line for line in text.splitlines() if line.startswith("### ")]
    assert headings == ["### Reflexive memos (1)", "### Advisory group meetings (1)",
                        "### Decisions (1)", "### General memos (4)"]
    assert "Panel: carers" not in memos_markdown(lib, settings, "decision")
    with pytest.raises(MnrError, match="memo's type is one of reflexive"):
        add_memo(lib, settings, "review", None, "BH", "text", "diary")


def test_the_synthesis_export_carries_the_views_and_reads_back(linked: Review,
                                                              tmp_path: object) -> None:
    lib, settings, w = linked.library, linked.settings, linked.work
    add_memo(lib, settings, "review", None, "BH", "Our stance", "advisory-group")
    save_theme(lib, settings, POLICY, "Audits found plans", "positive", [w["e"]], "BH",
               topic="Plans")
    stream = io.StringIO()
    export(lib, stream, settings)
    data = json.loads(stream.getvalue())
    assert [m["type"] for m in data["memos"]][-1] == "advisory-group"
    assert data["themes"][-1]["topic"] == "Plans"
    assert len(data["concept_links"]) == 5
    views = {t["tradition"]: t for t in data["views"]["traditions"]}
    assert views[USERS]["storyline"] == "Users asked whether they were involved."
    assert views[USERS]["studies"] == 3
    assert [x["year"] for x in views[USERS]["concepts"][0]["works"]] == [1999, 2003, 2013]
    assert data["views"]["memos_by_type"] == {"advisory-group": 1, "general": 3}
    assert {r["verdict"] for r in data["views"]["themes_matrix"]} == {"unique"}
    # read back into a fresh copy of the library: the same links, types and topics
    path = linked.root / "synthesis.json"
    path.write_text(stream.getvalue(), "utf-8")
    before = (current_concept_links(lib), [m.memo_type for m in memos(lib)])
    copy = linked.root / "copy.sqlite"
    with lib.engine.connect() as conn:  # everything in the file, none in its WAL
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copy(linked.project.database_file, copy)
    other = Library.open(copy)
    try:
        with other.engine.begin() as conn:  # a copy with no synthesis yet
            for table in ("concept_links", "memos", "themes", "work_tags", "traditions"):
                conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_no_delete")
                conn.exec_driver_sql(f"DELETE FROM {table}")
        import_file(other, settings, path)
        assert (current_concept_links(other), [m.memo_type for m in memos(other)]) == before
    finally:
        other.close()
    bad = json.loads(stream.getvalue())
    bad["concept_links"][0]["kind"] = "idea"
    path.write_text(json.dumps(bad), "utf-8")
    with pytest.raises(MnrError, match="concept_links entry 1: `kind` is 'idea'"):
        import_file(lib, settings, path)


def test_the_concept_timeline_figure(linked: Review) -> None:
    stream = io.BytesIO()
    draw_concept_timeline(linked.library, linked.settings, stream, "svg")
    text = stream.getvalue().decode("utf-8")
    for name in (USERS, "user involvement (3)", "Empowerment (1)", "recovery (1)"):
        assert name in text, name
    assert "risk assessment" not in text  # linked to no work: not drawn
    png = io.BytesIO()
    draw_concept_timeline(linked.library, linked.settings, png, "png")
    assert png.getvalue().startswith(b"\x89PNG")


def test_no_concept_timeline_without_links(tagged: Review) -> None:
    with pytest.raises(MnrError, match="no concept or theory is linked"):
        draw_concept_timeline(with_concepts(tagged).library, tagged.settings, io.BytesIO(),
                              "png")
    assert all(not e["works"] for e in concept_entries(tagged.library, tagged.settings))


def test_the_traditions_screen_shows_concepts_with_their_works(linked: Review) -> None:
    """The TUI's tradition pane lists each concept and theory with the works linked to it;
    a study's pane names the concepts it carries; a memo shows its type."""
    from rich.console import Console

    from mnr.synthesis.studies import studies
    from mnr.synthesis.traditions import current_tags, themes, traditions
    from mnr.tui.widgets.tradition_detail import TraditionMap

    lib, settings, w = linked.library, linked.settings, linked.work
    add_memo(lib, settings, "tradition", USERS, "MC", "Panel met", "advisory-group")
    found = traditions(lib, settings)
    shown = TraditionMap(studies(lib, settings), found, current_tags(lib), themes(lib),
                         memos(lib), current_concept_links(lib))

    def text(renderable: object) -> str:
        console = Console(width=200, record=True)
        console.print(renderable)
        return console.export_text()

    users = text(shown.tradition_text(next(t for t in found if t.name == USERS)))
    assert "user involvement  [Slade 1999; Grundy & Bee 2003; Coffey 2013]" in " ".join(
        users.split("\n"))
    assert "Empowerment  [Slade 1999]" in users
    assert "risk assessment" not in users and "(advisory-group): Panel met" in users
    slade = text(shown.study_text(next(s for s in shown.studies if s.work_id == w["b"])))
    assert f"Carries: user involvement ({USERS}); Empowerment ({USERS})" in slade


def test_the_commands_as_a_user_runs_them(tagged: Review) -> None:
    """`mnr traditions concept / concepts / matrix / timeline --concepts` and typed memos,
    in a review folder, with their messages and refusals."""
    import contextlib

    from click.testing import CliRunner

    from mnr.cli import main

    review = with_concepts(tagged)
    review.library.close()
    w = review.work

    def run(*args: str, code: int = 0) -> tuple[str, str]:
        with contextlib.chdir(review.root):
            result = CliRunner().invoke(main, list(args), env={"MNR_REVIEWER": "BH"})
        assert result.exit_code == code, (args, result.output, result.stderr)
        assert "Traceback" not in result.output
        return result.stdout, result.stderr

    _, said = run("traditions", "concept", "user involvement", f"W{w['c']}", f"W{w['b']}")
    assert said.splitlines()[-1] == (  # (first, the fixture's acts were adopted)
        f"Linked W{w['c']}, W{w['b']} to the concept 'user involvement' of '{USERS}'; it is "
        f"carried by W{w['c']}, W{w['b']} now.")
    _, said = run("traditions", "concept", "recovery", f"W{w['a']}", code=1)
    assert "several traditions" in said and "--tradition" in said
    run("traditions", "concept", "recovery", f"W{w['a']}", "--tradition", PSYCHIATRY)
    concepts = json.loads(run("traditions", "concepts", "--json")[0])
    recovery = next(c for c in concepts if c["tradition"] == PSYCHIATRY
                    and c["name"] == "recovery")
    assert [(x["label"], x["year"]) for x in recovery["works"]] == [
        ("Simpson et al. 2016", 2016)]
    summaries = json.loads(run("traditions", "--json")[0])
    assert next(s for s in summaries if s["tradition"] == USERS)["concepts"][0]["studies"] == 2
    run("traditions", "theme", "add", POLICY, "Audits found plans", "--positive", "--works",
        f"W{w['e']}", "--topic", "Users valued being involved")
    rows = list(csv.DictReader(io.StringIO(run("traditions", "matrix", "--format", "csv")[0])))
    involved = [r for r in rows if r["topic"] == "Users valued being involved"]
    assert {(r["tradition"], r["verdict"]) for r in involved} == {
        (USERS, "agree"), (POLICY, "agree")}
    _, said = run("memo", "add", "We came to this as nurses", "--type", "advisory-group")
    assert said.strip() == "Added an advisory-group memo on the review."
    listed = json.loads(run("memo", "list", "--format", "json", "--type", "advisory-group")[0])
    assert [(m["type"], m["text"]) for m in listed] == [
        ("advisory-group", "We came to this as nurses")]
    run("memo", "add", "x", "--type", "diary", code=2)
    _, said = run("traditions", "timeline", "--concepts", "-o", "concepts.png")
    assert "Drew the concept timeline to concepts.png" in said
    assert (review.root / "concepts.png").read_bytes().startswith(b"\x89PNG")
    review.library = Library.open(review.project.database_file)  # for the fixture's close
