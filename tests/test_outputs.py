"""What mnr writes and prints, when record text is hostile (issue 15): no formula runs in a
spreadsheet, no escape sequence reaches the terminal, no Rich markup or emoji code eats
text, -o files are written whole or not at all, and BibTeX compiles."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from mnr.cli import main
from mnr.formats.writers import TableWriter, write_bibtex, write_csv, write_ris, write_xlsx
from mnr.records import StoredRecord
from mnr.synthesis import extraction

ESC = "\x1b"
EVIL_TITLE = f"Wipe {ESC}[2J care plans [corrected] {ESC}]0;pwned{ESC}\\ :x: done\x9b1m"
QUERY = '"care plan*"[tiab] AND "mental health"[mh]'
LABEL_AUTHOR = '=HYPERLINK("http://x.test")'


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), env={"MNR_REVIEWER": "R1"})


def ris(title: str, author: str, year: int, doi: str) -> str:
    return (f"TY  - JOUR\nAU  - {author}\nTI  - {title}\nPY  - {year}\nDO  - {doi}\n"
            "ER  - \n")


@pytest.fixture
def review(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A one-stage review with two records, one of them hostile, deduplicated."""
    monkeypatch.chdir(tmp_path)
    assert run("init", "review", "--title", "Care planning").exit_code == 0
    root = tmp_path / "review"
    toml = root / "review.toml"
    toml.write_text(toml.read_text()
                    .replace('stages = ["title", "abstract", "fulltext"]', 'stages = ["title"]')
                    .replace('reason_required = ["fulltext"]', 'reason_required = []'))
    monkeypatch.chdir(root)
    export = tmp_path / "a.ris"
    export.write_text(ris(EVIL_TITLE, LABEL_AUTHOR, 2010, "10.1000/ABC_Def") + "\n"
                      + ris("Plain & simple", "Smith, J.", 2010, "10.1000/xyz"))
    imported = run("import", str(export), "--database", f"=cmd{ESC}[31m", "--query", QUERY)
    assert imported.exit_code == 0, imported.output
    deduplicated = run("dedupe")
    assert deduplicated.exit_code == 0, deduplicated.output
    return root


def visible(result: Result) -> str:
    return result.stdout + result.stderr


# -- 7 and 8: what reaches the terminal ---------------------------------------------------

def test_no_escape_sequence_reaches_the_terminal_and_markup_is_text(review: Path) -> None:
    for args in (["searches"], ["status"], ["prisma"], ["export", "csv", "-o", "x.csv"]):
        result = run(*args)
        assert result.exit_code == 0, result.output
        shown = visible(result)
        assert ESC not in shown and "\x9b" not in shown, args
    searches = run("searches").stdout
    assert QUERY[:40] in searches.replace("\n", "")  # "[tiab]" is not read as markup
    assert "=cmd[31m" in searches


def test_titles_keep_their_brackets_and_emoji_codes() -> None:
    from mnr.cli.common import out

    with out.capture() as captured:
        out.print(EVIL_TITLE)
    assert "[corrected]" in captured.get() and ":x:" in captured.get()
    assert ESC not in captured.get() and "\x9b" not in captured.get()


def test_an_error_message_is_text() -> None:
    from mnr.cli.common import err, error_line

    with err.capture() as captured:
        err.print(error_line("no such tag [red]x[/red] :x:"))
    assert captured.get() == "error: no such tag [red]x[/red] :x:\n"


def test_the_clis_own_styling_still_shows() -> None:
    from mnr.cli.common import TextConsole, error_line

    stream = io.StringIO()
    console = TextConsole(force_terminal=True, color_system="standard", file=stream)
    console.print(error_line(f"bad [x] {ESC}[2J"))
    console.print("[bold]12[/] works", markup=True, highlight=False)
    console.print(EVIL_TITLE, style="bold", highlight=False)
    shown = stream.getvalue()
    assert "\x1b[31merror:\x1b[0m bad [x] [2J" in shown  # Rich's codes kept, the record's not
    assert "\x1b[1m12\x1b[0m works" in shown
    assert "\x1b[1mWipe [2J care plans [corrected]" in shown


def test_json_on_a_terminal_escapes_c1_controls(capsys: pytest.CaptureFixture[str]) -> None:
    from mnr.cli.common import print_json

    print_json({"title": EVIL_TITLE})
    printed = capsys.readouterr().out
    assert ESC not in printed and "\x9b" not in printed
    assert json.loads(printed)["title"] == EVIL_TITLE  # the same data


def test_csv_on_a_terminal_loses_its_controls(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from mnr.cli.common import stdout

    buffer = io.StringIO()
    monkeypatch.setattr(sys, "stdout", buffer)
    monkeypatch.setattr(buffer, "isatty", lambda: True, raising=False)
    stdout().write(EVIL_TITLE)
    assert ESC not in buffer.getvalue() and "care plans [corrected]" in buffer.getvalue()


def test_the_tui_shows_record_text_without_controls() -> None:
    from rich.console import Console
    from rich.style import Style
    from rich.text import Text

    from mnr.tui.widgets.work_detail import _printable, highlighted
    from mnr.tui.widgets.work_list import WorkList

    assert ESC not in highlighted(EVIL_TITLE, None, None).plain
    note = _printable(Text.assemble(("Note ", "bold"), EVIL_TITLE))
    assert note.plain.startswith("Note Wipe [2J care plans [corrected]")

    class Fake:
        describe = staticmethod(lambda work_id: Text(f"W{work_id} {EVIL_TITLE}"))

        class app:  # noqa: N801 - stands in for the widget's app
            console = Console()

    strip = WorkList._draw(Fake(), 1, 200, Style())  # type: ignore[arg-type]
    drawn = "".join(segment.text for segment in strip)
    assert ESC not in drawn and "\x9b" not in drawn and "[corrected]" in drawn


# -- 6: formula injection ------------------------------------------------------------------

@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_the_table_writer_neutralises_every_formula_start(start: str) -> None:
    stream = io.StringIO()
    TableWriter(stream).writerow([f"{start}1+1", 3, None, "plain"])
    row = next(csv.reader(io.StringIO(stream.getvalue(), newline="")))
    assert row == [f"'{start}1+1", "3", "", "plain"]


def test_every_tabular_export_neutralises(review: Path) -> None:
    assert run("decide", "W1", "y", "--stage", "title", "--note", "=1+2").exit_code == 0
    assert run("decide", "W2", "y", "--stage", "title").exit_code == 0
    assert run("extraction", "set", "W1", "--field", "Setting=@SUM(A1)").exit_code == 0

    decisions = run("decisions", "export").stdout
    assert "'=1+2" in decisions and ",=1+2" not in decisions

    prisma = run("prisma", "--format", "csv").stdout
    assert "'=cmd" in prisma and ",=cmd" not in prisma and '"=cmd' not in prisma

    table = run("extraction", "export").stdout
    rows = list(csv.reader(io.StringIO(table)))
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    assert any(cell.startswith("'=HYPERLINK") for row in rows for cell in row)
    assert any(cell == "'@SUM(A1)" for row in rows for cell in row)


def test_xlsx_cells_are_strings_never_formulas(review: Path) -> None:
    from openpyxl import load_workbook

    assert run("decide", "W1", "y", "--stage", "title").exit_code == 0
    assert run("extraction", "set", "W1", "--field", "Setting=a\x01b").exit_code == 0
    result = run("extraction", "export", "--format", "xlsx", "-o", "evidence.xlsx")
    assert result.exit_code == 0, result.output
    sheet = load_workbook("evidence.xlsx").active
    assert sheet is not None
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert all(cell.data_type != "f" for cell in cells)
    assert any(str(cell.value).startswith("=HYPERLINK") for cell in cells)
    assert "ab" in [cell.value for cell in cells]  # XLSX cannot hold \x01: dropped


# -- 11: -o ---------------------------------------------------------------------------------

@pytest.mark.parametrize("args", [
    ["export", "csv"], ["decisions", "export"], ["appraisal", "export"],
    ["synthesis", "export"], ["prisma", "--format", "csv"], ["prisma", "--format", "json"],
    ["prisma", "--format", "svg"], ["traditions", "table"], ["extraction", "export"],
    ["extraction", "export", "--format", "xlsx"], ["memo", "list", "--format", "md"],
    ["traditions", "timeline", "--table"],
])
def test_o_into_a_missing_folder_is_one_line(review: Path, args: list[str]) -> None:
    result = run(*args, "-o", "no/such/folder/out.file")
    assert result.exit_code != 0
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.stderr.strip().splitlines() == [
        "error: cannot write no/such/folder/out.file: the folder no/such/folder does not exist"]


def test_an_unknown_suffix_is_refused_naming_the_known(review: Path) -> None:
    result = run("prisma", "-o", "out.nosuch")
    assert result.exit_code != 0 and not Path("out.nosuch").exists()
    assert ".nosuch" in result.stderr and ".csv" in result.stderr and ".svg" in result.stderr
    assert run("prisma", "-o", "flow.csv").exit_code == 0 and Path("flow.csv").exists()


def test_a_failed_write_leaves_the_old_file_and_no_part(tmp_path: Path) -> None:
    target = tmp_path / "evidence.xlsx"
    target.write_bytes(b"old")
    with pytest.raises(ValueError):
        write_xlsx(target, ["Study"], [["fine"], [object()]])
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["evidence.xlsx"]
    extraction.write(["Study"], [["new"]], "csv", tmp_path / "table.csv")
    assert (tmp_path / "table.csv").read_text() == "Study\nnew\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["evidence.xlsx", "table.csv"]


# -- 16: BibTeX, and DOIs as the file spelled them ------------------------------------------

def record(record_id: int, title: str, authors: list[str], year: int | None,
           doi: str | None = None, raw: str | None = None) -> StoredRecord:
    return StoredRecord(
        record_id=record_id, search_id=1, database="CINAHL", position=record_id,
        locator=f"line {record_id}", source_id=None, source_database=None, title=title,
        authors=authors, year=year, journal=None, volume=None, issue=None, pages=None,
        doi=doi, pmid=None, issn=None, isbn=None, abstract=None, keywords=[], language=None,
        pub_type=None, url=None, cited_refs=[], raw=raw)


def test_bibtex_keys_are_author_year_and_unique() -> None:
    stream = io.StringIO()
    write_bibtex([record(1, "A", ["Müller, Hans"], 2010), record(2, "B", ["Müller, H."], 2010),
                  record(3, "C", ["Smith J"], 2011), record(4, "D", [], None)], stream)
    keys = [line.split("{", 1)[1].rstrip(",") for line in stream.getvalue().splitlines()
            if line.startswith("@")]
    assert keys == ["muller2010", "muller2010a", "smith2011", "anonnd"]
    assert "author = {Smith, J}" in stream.getvalue()  # not "J" Smith's first name
    assert "mnr record R1" in stream.getvalue()


def test_bibtex_escapes_what_latex_reads() -> None:
    stream = io.StringIO()
    write_bibtex([record(1, "R&D: 50% of #1 care_plans {unbalanced", ["A, B."], 2010,
                         doi="10.1000/a_b")], stream)
    title = next(line for line in stream.getvalue().splitlines() if "title" in line)
    assert r"R\&D: 50\% of \#1 care\_plans \textbraceleft{}unbalanced" in title
    assert "doi = {10.1000/a_b}" in stream.getvalue()  # \doi prints it verbatim


def test_dois_are_exported_as_the_file_spelled_them() -> None:
    stored = record(1, "T", ["A, B."], 2010, doi="10.1000/abc_def",
                    raw="DO  - https://doi.org/10.1000/ABC_Def\n")
    for writer in (write_bibtex, write_ris, write_csv):
        stream = io.StringIO()
        writer([stored], stream)
        assert "10.1000/ABC_Def" in stream.getvalue(), writer


def test_graph_files_are_well_formed_xml(tmp_path: Path) -> None:
    import xml.etree.ElementTree as ElementTree

    import networkx as nx

    from mnr.citations.export import write_graph
    from mnr.citations.network import Network, Node

    graph = nx.DiGraph()
    graph.add_node("W1")
    found = Network(graph, {"W1": Node("W1", f"Smith{ESC} 2010", 2010, EVIL_TITLE)}, [], 0)
    for kind in ("graphml", "gexf"):
        write_graph(found, tmp_path / f"net.{kind}", kind)
        ElementTree.parse(tmp_path / f"net.{kind}")  # an ESC makes the XML unreadable


def test_the_tuis_study_lists_and_pair_view_show_record_text_without_controls() -> None:
    """The appraisal and extraction forms, the traditions screen and the duplicate pair
    view show a title with escape sequences as text."""
    from mnr.records import StoredRecord
    from mnr.synthesis.studies import Study
    from mnr.tui.screens.study_form import study_heading
    from mnr.tui.widgets.pair_view import field_value
    from mnr.works import merge

    record = StoredRecord(
        record_id=1, search_id=1, database="MEDLINE", position=1, locator="line 1",
        source_id=None, source_database=None, title=EVIL_TITLE, authors=[f"Ro{ESC}[2Jse, D."],
        year=2003, journal=f"J {ESC}]0;x{ESC}\\Care", volume=None, issue=None, pages=None,
        doi=None, pmid=None, issn=None, isbn=None, abstract=None, keywords=[], language=None,
        pub_type=None, url=None, cited_refs=[], work_id=1)
    study = Study(merge(1, [record]), f"Rose{ESC}[2J 2003", True)
    shown = [study_heading(study).plain, field_value(record, "title"),
             field_value(record, "authors"), field_value(record, "journal")]
    for text in shown:
        assert ESC not in text and "\x9b" not in text, text
    assert "[corrected]" in shown[0] and "Rose" in shown[0]
