"""Bad input in imports (issue 15): stray bytes, joined exports, junk rows, broken records,
hostile sizes and shapes. Each is read right where it can be, and otherwise refused with a
message naming the file and the line or record, leaving the library as it was."""

from __future__ import annotations

import codecs
import csv
import os
import sys
from pathlib import Path

import pytest

from mnr.errors import FormatError, MnrError
from mnr.formats import bibtex, csv_table, endnote_xml, medline, ovid_tagged, ris, wos_tab
from mnr.formats.decode import decode
from mnr.library import Library
from mnr.searches import ImportOptions, import_file
from tests.conftest import read_export
from tests.helpers import make_project, snapshot

DASHES = "microbiome–gut–brain"


# 1. one stray byte does not re-decode the whole file -------------------------------------

@pytest.mark.parametrize("name", [
    "ris/asreview__scopus.ris",
    "ris/citation-file-formatting___baseline_zotero.ris",
    "csv/bibliometrix__scopus_sample.csv",
    "csv/citation-file-formatting___baseline_embase.csv",
    "medline_nbib/synthesisr__PubMed_example.txt",
])
def test_a_stray_byte_is_replaced_where_it_is(exports: Path, name: str) -> None:
    data = (exports / name).read_bytes()
    clean = decode(data)
    cut = data.index(b"\n", len(data) // 2) + 1  # a line in the middle of the file
    line = data.count(b"\n", 0, cut) + 1
    stray = data[:cut] + b"caf\xe9 " + data[cut:]
    decoded = decode(stray)
    assert decoded.encoding == clean.encoding  # still UTF-8, not cp1252 or latin-1
    assert decoded.bad_lines == (line,)
    assert decoded.text.replace("caf\ufffd ", "", 1) == clean.text
    assert decoded.note is not None and f"line {line} " in decoded.note


def test_scopus_text_stays_undamaged_in_every_record(exports: Path) -> None:
    data = (exports / "ris/asreview__scopus.ris").read_bytes()
    assert DASHES.encode() in data
    stray = data.replace(b"\nER  -", b"\nN1  - stray \xe9 byte\nER  -", 1)
    records = list(ris.read(decode(stray).text))
    clean = list(ris.read(decode(data).text))
    assert len(records) == len(clean) == 6
    assert [r.title for r in records] == [r.title for r in clean]
    assert [r.abstract for r in records] == [r.abstract for r in clean]
    assert not any("â€" in (r.abstract or "") or "\x80" in (r.abstract or "") for r in records)


def test_a_bom_and_a_bad_byte_names_the_line_not_byte_0() -> None:
    text = "TY  - JOUR\nTI  - Caf\u00e9\nER  - \n".encode()
    data = codecs.BOM_UTF8 + text.replace(b"JOUR", b"JOUR\xff")
    decoded = decode(data)
    assert decoded.encoding == "utf-8-sig"
    assert decoded.bad_lines == (1,)
    assert decoded.text.startswith("TY  - JOUR\ufffd\nTI  - Café")


def test_genuine_latin1_and_cp1252_still_import() -> None:
    text = "TY  - JOUR\nTI  - Café society, “care” and Müller’s plan\nER  - \n"
    assert decode(text.encode("cp1252")).text == text
    assert decode(text.encode("cp1252")).bad_lines == ()
    # a legacy file that happens to hold one valid UTF-8 pair ("Ã©") is still legacy
    legacy = ("TI  - " + "é à ü " * 20 + "Ã©\n").encode("latin-1")
    assert decode(legacy).encoding in ("cp1252", "latin-1")


def test_a_truncated_utf16_file_keeps_its_text() -> None:
    data = "TY  - JOUR\nTI  - Café\nER  - \n".encode("utf-16")[:-1]
    decoded = decode(data)
    assert decoded.text.startswith("TY  - JOUR\nTI  - Café\nER  - ")
    assert decoded.bad_lines == (3,)


# 2. joined exports and junk rows in tables ------------------------------------------------

def test_two_embase_csv_exports_joined(exports: Path) -> None:
    text = read_export(exports / "csv/citation-file-formatting___baseline_embase.csv")
    records = list(csv_table.read(text + text))
    assert len(records) == 20
    assert all(r.title and r.source_id for r in records)
    assert "SEARCH QUERY" not in {r.title for r in records}
    other = text.replace('"dinosaur:ti"', '"pterosaur:ti"')  # the second query may differ
    assert len(list(csv_table.read(text + other))) == 20


def test_a_second_header_that_differs_is_refused(exports: Path) -> None:
    text = read_export(exports / "csv/citation-file-formatting___baseline_embase.csv")
    second = text.replace('"Title","Original Title"', '"Article Title","Original Title"')
    with pytest.raises(FormatError, match="preamble") as caught:
        list(csv_table.read(text + second))
    assert caught.value.locator is not None and "line 15" in caught.value.locator


def test_a_cut_off_second_export_is_refused(exports: Path) -> None:
    text = read_export(exports / "csv/citation-file-formatting___baseline_embase.csv")
    with pytest.raises(FormatError, match="truncated"):
        list(csv_table.read(text + text[:60]))


def test_two_wos_tab_exports_joined(exports: Path) -> None:
    text = read_export(exports / "wos_tabdelim/wosfile__wos_tab_delimited_win_utf8.txt")
    for joined in (text + text, text + "\ufeff" + text):
        records = list(wos_tab.read(joined))
        assert len(records) == 100
        assert "TI" not in {r.title for r in records}


@pytest.mark.parametrize("junk", ["garbage\n", "garbage,more garbage\n", "\n\n-----\n"])
def test_a_stray_line_in_a_csv_is_refused_naming_it(exports: Path, junk: str) -> None:
    text = read_export(exports / "csv/citation-file-formatting___baseline_cochrane.csv")
    lines = text.count("\n") + 1
    with pytest.raises(FormatError, match="stray line") as caught:
        list(csv_table.read(text + junk))
    assert caught.value.locator is not None
    assert f"(line {lines + junk[:-1].count(chr(10))})" in caught.value.locator


# 3. a blank line inside a MEDLINE record; @string macros ----------------------------------

def test_a_blank_line_inside_the_last_medline_record(exports: Path) -> None:
    text = read_export(exports / "medline_nbib/synthesisr__PubMed_example.txt")
    lines = text.split("\n")
    last = max(i for i, line in enumerate(lines) if line.startswith("PMID-"))
    clean = list(medline.read(text))
    for at in (last + 5, last + 12):
        records = list(medline.read("\n".join([*lines[:at], "", *lines[at:]])))
        assert len(records) == 3
        assert [r.title for r in records] == [r.title for r in clean]
        assert [r.pmid for r in records] == [r.pmid for r in clean]
    abstract = next(i for i in range(last, len(lines)) if lines[i].startswith("AB  -"))
    records = list(medline.read("\n".join([*lines[:abstract + 2], "", *lines[abstract + 2:]])))
    assert records[-1].abstract == clean[-1].abstract


def test_bibtex_string_macros_expand_all_the_way() -> None:
    text = """@string{s0 = "Brain"}
@string{s12 = s0 # { and gut}}
@string{s24 = s12 # ", " # s12}
@article{k1, title = s24, journal = {J. } # s0, year = 2001}
"""
    [record] = list(bibtex.read(text))
    assert record.title == "Brain and gut, Brain and gut"
    assert record.journal == "J. Brain"


def test_bibtex_macros_that_explode_are_refused() -> None:
    defs = "".join(f"@string{{s{n + 1} = s{n} # s{n}}}\n" for n in range(30))
    with pytest.raises(FormatError, match="expands") as caught:
        list(bibtex.read('@string{s0 = "ab"}\n' + defs + "@article{k, title = s30}\n"))
    assert caught.value.locator == "line 32"


def test_circular_bibtex_macros_stay_as_written() -> None:
    text = "@string{a = b}\n@string{b = a}\n@article{k, title = a, year = 2001}\n"
    [record] = list(bibtex.read(text))
    assert record.year == 2001


# 11. hostile shapes and sizes ------------------------------------------------------------

def test_endnote_xml_nested_very_deep_is_refused() -> None:
    depth = 200_000
    text = ("<xml><records><record><titles><title>" + "<a>" * depth + "x" + "</a>" * depth
            + "</title></titles></record></records></xml>")
    with pytest.raises(FormatError, match="nested") as caught:
        list(endnote_xml.read(text))
    assert caught.value.locator == "record 1"


def _import(tmp_path: Path, path: Path) -> MnrError:
    project = make_project(tmp_path)
    before = snapshot(project)
    library = Library.open(project.database_file)
    try:
        with pytest.raises(MnrError) as caught:
            import_file(project, library, path, ImportOptions(database="X"))
    finally:
        library.close()
    assert snapshot(project) == before
    assert not any(p.name != "log.toml" for p in project.searches_dir.iterdir())
    assert str(path) in caught.value.message
    return caught.value


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_is_refused_without_waiting(tmp_path: Path) -> None:
    fifo = tmp_path / "export.ris"
    os.mkfifo(fifo)
    error = _import(tmp_path, fifo)
    assert "not a regular file" in error.message


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero here")
def test_a_device_is_refused(tmp_path: Path) -> None:
    error = _import(tmp_path, Path("/dev/zero"))
    assert "not a regular file" in error.message


def test_a_file_past_the_size_limit_is_refused(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys.modules["mnr.searches"], "MAX_EXPORT_BYTES", 1000)
    big = tmp_path / "big.csv"
    big.write_text("title,year\n" + "A title,2001\n" * 200)
    error = _import(tmp_path, big)
    assert "MB" in error.message and "in parts" in error.message


def test_a_folder_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    assert "folder" in _import(tmp_path, folder).message


# 17. PubMed IDs in C3 and N1; Cochrane CENTRAL named by its RIS -----------------------------

COCHRANE_RIS = """Record #3 of 18
Provider: John Wiley & Sons, Ltd.
Content: text/plain; charset="UTF-8"

TY  -  JOUR
AN  -  CN-00778158
AU  -  Bywater, T
TI  -  The Incredible Years Therapeutic Dinosaur Programme to build social and emotional \
competence in Welsh primary schools: study protocol for a randomised controlled trial
JA  -  Trials
PY  -  2011
SP  -  39
C3  -  PUBMED 21314913
M3  -  Journal article
DO  -  10.1186/1745-6215-12-39
UR  -  https://www.cochranelibrary.com/central/doi/10.1002/central/CN-00778158/full
ER  - {sp}


Record #4 of 18
Provider: John Wiley & Sons, Ltd.
Content: text/plain; charset="UTF-8"

TY  -  JOUR
AN  -  CN-02677909
AU  -  Kim, JS
TI  -  Time to transfer: long-term effects of a sustained and spiraled content literacy \
intervention in the elementary grades
JA  -  Developmental psychology
PY  -  2024
C3  -  PUBMED 38407106,EMBASE 643589775
DO  -  10.1037/dev0001710
UR  -  https://www.cochranelibrary.com/central/doi/10.1002/central/CN-02677909/full
ER  - {sp}

""".format(sp=" ")  # the Cochrane Library's RIS (EndNote) export: 2 records of asreview's
# CC0 sample, "ER  -  " with its two trailing spaces


def test_cochrane_ris_gives_pmids_and_its_database(tmp_path: Path) -> None:
    records = list(ris.read(COCHRANE_RIS))
    assert [r.pmid for r in records] == ["21314913", "38407106"]
    assert [r.source_id for r in records] == ["CN-00778158", "CN-02677909"]
    assert {r.source_database for r in records} == {"Cochrane CENTRAL"}
    project = make_project(tmp_path)
    path = tmp_path / "central.ris"
    path.write_text(COCHRANE_RIS)
    library = Library.open(project.database_file)
    try:
        result = import_file(project, library, path, ImportOptions())  # no --database
    finally:
        library.close()
    assert result.search.database == "Cochrane CENTRAL"


def test_a_wiley_journal_ris_is_not_taken_for_central() -> None:
    text = ("Provider: John Wiley & Sons, Ltd\nContent:text/plain; charset=\"UTF-8\"\n\n"
            "TY  - JOUR\nTI  - Fullrmc\nJO  - Journal of Computational Chemistry\n"
            "DO  - 10.1002/jcc.24304\nER  - \n")
    [record] = list(ris.read(text))
    assert record.source_database is None


@pytest.mark.parametrize("note", [
    "PMID: 31978945", "PubMed ID: 31978945", "PMID 31978945",
    "Accession Number: 2021-12345-001. PMID: 31978945. Language: English.",  # EBSCO's blob
])
def test_a_pmid_in_a_note(note: str) -> None:
    [record] = list(ris.read(f"TY  - JOUR\nTI  - X\nN1  - {note}\nER  - \n"))
    assert record.pmid == "31978945"


# found by the fuzz test ----------------------------------------------------------------

@pytest.mark.parametrize("which", [0, 3])
def test_a_ris_record_whose_ty_line_is_damaged_is_not_skipped(exports: Path, which: int) -> None:
    text = read_export(exports / "ris/citation-file-formatting___baseline_cinahl.ris")
    lines = text.split("\n")
    at = [n for n, line in enumerate(lines) if line.startswith("TY  - ")][which]
    lines[at] = lines[at].replace("TY  - ", "TY  m ")  # one flipped bit
    with pytest.raises(FormatError, match="'TY  - '") as caught:
        list(ris.read("\n".join(lines)))
    assert caught.value.locator == f"line {at + 1}"


def test_a_csv_cut_at_a_cell_boundary_is_refused(exports: Path) -> None:
    text = read_export(exports / "csv/citation-file-formatting___baseline_embase.csv")
    last = list(csv_table.read(text))[-1].raw
    begin = text.rindex(last)
    at = begin
    while len(next(csv.reader([text[begin:at + 1]]))) < 20:  # 20 of the row's 49 cells
        at = text.index('","', at + 1)
    cut = text[: at + 1]
    with pytest.raises(FormatError, match="truncated") as caught:
        list(csv_table.read(cut))
    assert caught.value.locator == "row 10 (line 14)"
    assert len(list(csv_table.read(cut + "\n"))) == 10  # ends its line: a short row, kept


@pytest.mark.parametrize(("marker", "line"), [("<3001. >", 2), ("<3002. >", 76)])
def test_an_ovid_record_whose_marker_is_damaged_is_not_skipped(exports: Path, marker: str,
                                                              line: int) -> None:
    name = "ovid_tagged/commandline4expertsearchers__Embase_endnote_r3001-3002.cgi"
    text = read_export(exports / name)
    with pytest.raises(FormatError, match="marker") as caught:
        list(ovid_tagged.read(text.replace(marker, marker.replace(" >", "!>"))))
    assert caught.value.locator == f"line {line}"


def test_a_pmid_among_cited_references_is_not_the_records() -> None:
    text = "TY  - JOUR\nTI  - X\nN1  - References: Smith J, A trial, PMID: 123;\nER  - \n"
    [record] = list(ris.read(text))
    assert record.pmid is None
