"""The screening log as CSV: export, import, and refusing bad rows before storing any."""

from __future__ import annotations

import io
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from mnr.dedupe.passes import deduplicate
from mnr.library import Library
from mnr.project import Project, Settings, init_project, load_settings
from mnr.screening import decide, state
from mnr.screening.decide import ScreeningError
from mnr.screening.exchange import COLUMNS, export_log, import_decisions
from tests.helpers import import_text, ris_text

TITLES: list[str | None] = [
    "Care planning in community teams", "Recovery-oriented care coordination",
    "Ward rounds and discharge planning", "Personalised care plans",
    "Service user involvement in reviews"]
REVIEW_TOML = """\
[review]
title = "Exchange test"

[screening]
stages = ["title", "abstract", "fulltext"]
reviewers = ["BH", "MC"]
"""
HEADER = "work,stage,reviewer,decision,reason\n"


def build(folder: Path) -> tuple[Library, Settings]:
    """Five works W1-W5: R1-R5 from MEDLINE, R6 and R7 (CINAHL) are R1 and R2 again."""
    project = init_project(folder, "Exchange test")
    project.review_file.write_text(REVIEW_TOML, "utf-8")
    import_text(project, "medline.ris", ris_text(TITLES), "MEDLINE")
    import_text(project, "cinahl.ris", ris_text(TITLES[:2]), "CINAHL")
    library = Library.open(project.database_file)
    deduplicate(library)
    return library, load_settings(project.review_file)


@pytest.fixture
def lib(tmp_path: Path) -> Iterator[tuple[Library, Settings]]:
    library, settings = build(tmp_path / "one")
    yield library, settings
    library.close()


def write(tmp_path: Path, text: str, name: str = "decisions.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return path


def outcomes(library: Library, settings: Settings) -> dict[str, dict[int, str]]:
    screening = state.load(library, settings)
    return {s.name: {w: s.outcome(w) for w in s.work_ids} for s in screening.stages}


def screen_a_little(library: Library, settings: Settings) -> None:
    """Decisions at every stage, an undo, a resolved conflict and a note."""
    title = state.load(library, settings).stage("title")
    for work, bh, mc in [(1, "y", "y"), (2, "y", "n"), (3, "n", "n"), (5, "m", "y")]:
        decide.decide(library, title, work, "BH", bh)
        decide.decide(library, title, work, "MC", mc, note="on the fence" if work == 5 else None)
    decide.decide(library, title, 4, "BH", "y")
    decide.undo_last(library, title, "BH")
    decide.decide(library, title, 4, "BH", "n", reason="Wrong setting")
    decide.resolve(library, title, 2, "BH", "y", reason="discussed")
    decide.add_note(library, title, 3, "MC", "an editorial,\n\"really\", with a comma")
    abstract = state.load(library, settings).stage("abstract")
    for work in (1, 2, 5):
        for reviewer in ("BH", "MC"):
            decide.decide(library, abstract, work, reviewer, "n" if work == 5 else "y")
    fulltext = state.load(library, settings).stage("fulltext")
    decide.decide(library, fulltext, 1, "BH", "y")
    decide.decide(library, fulltext, 1, "MC", "y")
    decide.decide(library, fulltext, 2, "BH", "n", reason="Wrong population")


def test_round_trip_gives_the_same_outcomes(lib: tuple[Library, Settings],
                                            tmp_path: Path) -> None:
    library, settings = lib
    screen_a_little(library, settings)
    stream = io.StringIO()
    count = export_log(library, stream)
    entries = library.screening.log()
    assert count == len(entries) == 22
    lines = stream.getvalue().splitlines()
    assert lines[0] == ",".join(COLUMNS)
    assert lines[1].startswith("E1,W1,,title,BH,decision,y,")
    assert any(",undo,,,,E" in line for line in lines)

    other, _ = build(tmp_path / "two")
    try:
        summary = import_decisions(other, settings, write(tmp_path, stream.getvalue()))
        assert summary.rows == 22
        assert summary.by_kind == {"decision": 19, "undo": 1, "resolution": 1, "note": 1}
        assert summary.by_stage == {"title": 13, "abstract": 6, "fulltext": 3}
        assert outcomes(other, settings) == outcomes(library, settings)
        assert outcomes(other, settings)["fulltext"] == {1: "y", 2: "pending"}
        copied = other.screening.log()
        keep = ("entry_id", "work_id", "stage", "reviewer", "kind", "decision", "reason",
                "note", "undoes", "decided_at")
        assert ([[getattr(e, k) for k in keep] for e in copied]
                == [[getattr(e, k) for k in keep] for e in entries])
        assert copied[0].origin == "import decisions.csv row 2"
    finally:
        other.close()


def test_import_by_record_id_uses_the_records_work(lib: tuple[Library, Settings],
                                                   tmp_path: Path) -> None:
    library, settings = lib
    path = write(tmp_path, "Record,Stage,Reviewer,Decision\nR6,title,BH,y\n7,title,MC,n\n"
                           "R3,title,BH,m\n")
    import_decisions(library, settings, path)
    assert [(e.work_id, e.decision) for e in library.screening.log()] == [
        (1, "y"), (2, "n"), (3, "m")]


def test_decision_words_are_mapped(lib: tuple[Library, Settings], tmp_path: Path) -> None:
    library, settings = lib
    rows = ["1,title,BH,Yes", "2,title,BH,NO", "3,title,BH,maybe", "4,title,BH,Include",
            "5,title,BH,exclude", "1,title,MC,Y", "2,title,MC,m"]
    import_decisions(library, settings, write(tmp_path, HEADER + "\n".join(rows) + "\n"))
    assert [e.decision for e in library.screening.log()] == ["y", "n", "m", "y", "n", "y", "m"]


def test_time_is_kept_in_iso_form(lib: tuple[Library, Settings], tmp_path: Path) -> None:
    library, settings = lib
    text = ("work,stage,reviewer,decision,time\nW1,title,BH,y,2024-03-01\n"
            "W2,title,BH,y,2024-03-01 09:30\nW3,title,BH,y,2024-03-01T09:30:00Z\n"
            "W4,title,BH,y,2024-03-01T09:30:00.250+01:00\nW5,title,BH,y,\n")
    import_decisions(library, settings, write(tmp_path, text))
    times = [e.decided_at for e in library.screening.log()]
    assert times[:4] == ["2024-03-01", "2024-03-01T09:30:00", "2024-03-01T09:30:00+00:00",
                         "2024-03-01T09:30:00.250000+01:00"]
    assert times[4].startswith("20")  # no time given: stamped when stored


def test_bom_semicolons_and_blank_rows(lib: tuple[Library, Settings], tmp_path: Path) -> None:
    library, settings = lib
    path = tmp_path / "excel.csv"
    path.write_text("Work;Stage;Reviewer;Decision;Title\nW1;title;BH;y;Care planning\n;;;;\n"
                    "W2;title;BH;n;\n", "utf-8-sig")
    summary = import_decisions(library, settings, path)
    assert summary.rows == 2 and summary.by_kind == {"decision": 2}


def test_rows_depend_on_rows_above_them(lib: tuple[Library, Settings], tmp_path: Path) -> None:
    library, settings = lib
    text = ("entry,kind,work,stage,reviewer,decision,reason,undoes\n"
            "a1,,1,title,BH,y,,\na2,,1,title,MC,n,,\n"  # a conflict ...
            "a3,resolution,1,title,BH,y,,\n"  # ... resolved: W1 reaches the abstract stage
            "a4,,1,abstract,BH,y,,\na5,,1,abstract,MC,y,,\n"
            "a6,,2,title,BH,y,,\na7,,2,title,MC,y,,\n"  # W2 reaches abstract after rows of it
            "a8,,2,abstract,BH,y,,\na9,,2,abstract,MC,y,,\n"
            "b1,,1,fulltext,BH,n,Wrong population,\n"
            "b2,undo,1,title,BH,,,A3\n")  # W1 leaves abstract and fulltext again
    import_decisions(library, settings, write(tmp_path, text))
    result = outcomes(library, settings)
    assert result["title"][1] == "conflict" and result["abstract"] == {2: "y"}
    assert library.screening.log()[-1].undoes == 3


def exported(library: Library) -> str:
    stream = io.StringIO()
    export_log(library, stream)
    return stream.getvalue()


def mnr(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mnr", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=120)


VIEWS = [("agreement", "--json"), ("conflicts", "--json"), ("prisma", "--format", "json")]


def test_the_same_file_twice_imports_nothing_the_second_time(lib: tuple[Library, Settings],
                                                             tmp_path: Path) -> None:
    library, settings = lib
    screen_a_little(library, settings)
    path = write(tmp_path, exported(library))
    other, _ = build(tmp_path / "two")
    other.close()
    root = tmp_path / "two"
    first = mnr(root, "decisions", "import", str(path))
    assert first.returncode == 0, first.stderr
    assert "Imported 22 new rows" in first.stderr and "already" not in first.stderr
    views = [mnr(root, *args) for args in VIEWS]
    assert all(view.returncode == 0 and view.stdout for view in views)
    second = mnr(root, "decisions", "import", str(path))
    assert second.returncode == 0, second.stderr
    assert "Nothing new in" in second.stderr
    assert "22 rows were in the log already, skipped." in " ".join(second.stderr.split())
    assert [mnr(root, *args).stdout for args in VIEWS] == [view.stdout for view in views]
    again = Library.open(root / "library" / "library.sqlite")
    try:
        assert len(again.screening.log()) == 22
        summary = import_decisions(again, settings, path)
        assert (summary.rows, summary.present, summary.by_kind) == (0, 22, {})
    finally:
        again.close()


def test_only_new_rows_are_stored_and_an_undo_finds_its_entry(lib: tuple[Library, Settings],
                                                              tmp_path: Path) -> None:
    library, settings = lib
    title = state.load(library, settings).stage("title")
    decide.decide(library, title, 1, "BH", "y")
    decide.decide(library, title, 2, "BH", "n", reason=" Wrong setting ")
    other, _ = build(tmp_path / "two")
    try:
        decide.decide(other, state.load(other, settings).stage("title"), 3, "MC", "y")
        early = import_decisions(other, settings, write(tmp_path, exported(library), "a.csv"))
        assert (early.rows, early.present) == (2, 0)
        decide.undo_last(library, title, "BH")  # E2 here, E3 in the other library
        decide.decide(library, title, 2, "BH", "y")
        later = import_decisions(other, settings, write(tmp_path, exported(library), "b.csv"))
        assert (later.rows, later.present) == (2, 2)
        assert later.by_kind == {"undo": 1, "decision": 1}
        log = other.screening.log()
        assert [(e.entry_id, e.kind, e.undoes) for e in log[3:]] == [
            (4, "undo", 3), (5, "decision", None)]
        assert outcomes(other, settings)["title"] == {**outcomes(library, settings)["title"],
                                                      3: "pending"}
        twice = write(tmp_path, exported(library) + exported(library).split("\n", 1)[1], "c.csv")
        with pytest.raises(ScreeningError, match="row 6: the entry E1 appears twice"):
            import_decisions(other, settings, twice)
        assert other.screening.log() == log
    finally:
        other.close()


ERRORS = [
    (HEADER + "W1,title,BH,y,\nW99,title,BH,y,\n", "row 3: there is no work W99"),
    ("record,stage,reviewer,decision\nR1,title,BH,y\nR999,title,BH,y\n",
     "row 3: there is no record R999"),
    (HEADER + "W1,title,BH,y,\nW1,title,ZZ,y,\n",
     "row 3: 'ZZ' is not a reviewer of this review; review.toml lists BH, MC"),
    (HEADER + 'W1,title,BH,y,"two\nlines"\nW2,title,ZZ,y,\n', "row 3: 'ZZ'"),  # rows, not lines
    (HEADER + "W1,screening,BH,y,\n", "row 2: there is no stage 'screening'"),
    (HEADER + "W1,title,BH,y,\n\nW2,title,BH,perhaps,\n", "row 4: 'perhaps' is not a decision"),
    (HEADER + "W1,title,BH,,\n", "row 2: the decision is empty"),
    (HEADER + "W1,abstract,BH,y,\n", "row 2: W1 is not at the abstract stage"),
    (HEADER + "W1,title,BH,y,\nW1,title,MC,y,\nW1,abstract,BH,y,\nW1,abstract,MC,y,\n"
     "W1,fulltext,BH,n,\n", "row 6: W1: an exclusion at the fulltext stage needs a reason"),
    ("kind,work,stage,reviewer,decision\nresolution,W1,title,BH,y\n",
     "row 2: W1 has no conflict to resolve"),
    ("entry,kind,work,stage,reviewer,decision,undoes\nE1,,W1,title,BH,y,\n"
     "E2,undo,W1,title,BH,,E7\n", "row 3: an undo must name in `undoes` the entry of a row"),
    ("entry,kind,work,stage,reviewer,decision,undoes\nE1,,W1,title,BH,y,\n"
     "E2,undo,W2,title,BH,,E1\n", "row 3: E1 is about W1 at the title stage"),
    ("work,stage,reviewer,decision,time\nW1,title,BH,y,yesterday\n",
     "row 2: 'yesterday' is not an ISO 8601 date"),
    ("work,stage,reviewer,decision\nW1,title,BH,y,extra\n", "row 2: more cells than"),
    ("", "decisions.csv is empty"),
    (HEADER + "\n\n", "decisions.csv has no rows below its header"),
    ("work,reviewer,decision\nW1,BH,y\n", "the header has no stage column"),
]


@pytest.mark.parametrize(("text", "message"), ERRORS)
def test_a_bad_row_is_named_and_nothing_is_stored(lib: tuple[Library, Settings], tmp_path: Path,
                                                  text: str, message: str) -> None:
    library, settings = lib
    decide.decide(library, state.load(library, settings).stage("title"), 5, "BH", "y")
    before = library.screening.log()
    with pytest.raises(ScreeningError) as raised:
        import_decisions(library, settings, write(tmp_path, text))
    assert raised.value.message.startswith("decisions.csv")
    assert message in raised.value.message
    assert library.screening.log() == before


def test_a_record_without_a_work_yet(lib: tuple[Library, Settings], tmp_path: Path) -> None:
    library, settings = lib
    later = ris_text(["A later paper"], "10.9/x")
    import_text(Project((tmp_path / "one").resolve()), "later.ris", later, "PsycINFO")
    with pytest.raises(ScreeningError, match="row 2: R8 has no work yet"):
        import_decisions(library, settings,
                         write(tmp_path, "record,stage,reviewer,decision\nR8,title,BH,y\n"))
    assert library.screening.log() == []


def test_a_file_that_is_not_utf8(lib: tuple[Library, Settings], tmp_path: Path) -> None:
    library, settings = lib
    path = tmp_path / "latin1.csv"
    path.write_bytes("work,stage,reviewer,decision,note\nW1,title,BH,y,café\n".encode("latin-1"))
    with pytest.raises(ScreeningError, match="latin1.csv: not UTF-8 text"):
        import_decisions(library, settings, path)
