"""csv_table: the real vendor CSV samples (golden counts: exports/README.md) and inline cases."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mnr.errors import FormatError
from mnr.formats import csv_table
from mnr.records import ParsedRecord
from tests.conftest import read_export

# file -> (records, with abstract, with cited refs, cited refs in all)
GOLDEN = {
    "bibliometrix__scopus_sample.csv": (8, 8, 8, 381),
    "bibliometrix__lens_sample.csv": (8, 8, 8, 517),
    "bibliometrix__openalex_sample.csv": (8, 5, 0, 0),
    "citation-file-formatting___baseline_cochrane.csv": (3, 3, 0, 0),
    "citation-file-formatting___baseline_embase.csv": (10, 8, 0, 0),
}


def _read(exports: Path, name: str) -> tuple[str, list[ParsedRecord]]:
    text = read_export(exports / "csv" / name)
    return text, list(csv_table.read(text))


def _rows(text: str) -> list[ParsedRecord]:
    return list(csv_table.read(text))


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_golden_counts(exports: Path, name: str) -> None:
    text, records = _read(exports, name)
    assert csv_table.sniff(text)
    records_n, abstracts, with_refs, refs = GOLDEN[name]
    assert len(records) == records_n
    assert sum(1 for r in records if r.abstract) == abstracts
    assert sum(1 for r in records if r.cited_refs) == with_refs
    assert sum(len(r.cited_refs) for r in records) == refs
    assert all(r.title and r.source_id and r.source_database for r in records)
    assert len({r.source_id for r in records}) == records_n


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_raw_is_the_rows_verbatim_text(exports: Path, name: str) -> None:
    text, records = _read(exports, name)
    lines = text.split("\n")
    for record in records:
        match = re.fullmatch(r"row (\d+) \(line (\d+)\)", record.locator)
        assert match, record.locator
        start = int(match.group(2)) - 1
        assert "\n".join(lines[start : start + record.raw.count("\n") + 1]) == record.raw
        assert all(
            isinstance(v, str) and v.strip() for k, v in record.fields.items() if k[0] != "_"
        )


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_detected_as_csv_table(exports: Path, name: str) -> None:
    from mnr.formats import detect

    text = read_export(exports / "csv" / name)
    assert detect(text).NAME == "csv_table"


def test_scopus(exports: Path) -> None:
    _, records = _read(exports, "bibliometrix__scopus_sample.csv")
    first = records[0]
    assert first.source_id == "2-s2.0-105030721984"
    assert first.source_database == "Scopus"
    assert first.title is not None and first.title.startswith("Quantitative analysis of studies")
    assert first.year == 2026
    assert first.doi == "10.1177/20552076261415846"
    assert first.authors == ["Liu, Fengyuan", "Li, Chunyun", "Liu, Yong", "Li, Yufei"]
    assert first.journal == "Digital Health"
    assert first.issn == "2055-2076"
    assert first.pmid is None  # the bibliometrix fixture writes R's "NA"
    assert first.fields["PubMed ID"] == "NA"  # ... which fields keep as it was
    assert first.language == "English" and first.pub_type == "Article"
    assert first.keywords[:2] == ["Artificial intelligence", "bibliometrics"]
    assert first.cited_refs[:2] == [
        "The global epidemic of low back pain, Lancet Rheumatol, 5, (2023)",
        "Cheng M.; Xue Y.; Cui M., Global, regional, and national burden of low back pain: "
        "findings from the global burden of disease study 2021 and projections to 2050, "
        "Spine (Phila Pa 1976), 50, pp. E128-E139, (2025)",
    ]
    assert (records[1].pages, records[1].pmid, records[1].issue) == ("307-319", "41494690", "2")
    assert records[2].pages == "e46688"  # no page range: the article number
    # 1196 ';'-pieces rebuilt into 381 references, each ending in its (YYYY) group
    assert sum(len(r.fields["References"].split(";")) for r in records) == 1196
    assert all(re.search(r"\(\d{4}\)$", ref) for r in records for ref in r.cited_refs)


def test_lens(exports: Path) -> None:
    _, records = _read(exports, "bibliometrix__lens_sample.csv")
    first = records[0]
    assert (first.source_id, first.source_database) == ("000-360-106-493-122", "Lens")
    assert first.doi == "10.1007/s10669-020-09792-x"
    assert (first.pmid, first.year, first.pages) == ("33251087", 2020, "1-12")
    assert first.issn == "2194-5411"
    assert first.authors[:2] == ["Petar Radanliev", "David De Roure"]
    assert first.cited_refs[0] == "000-928-794-577-264"
    assert len(first.cited_refs) == 46
    assert records[1].pmid is None  # "NA"
    assert records[4].pages == "7030"  # start == end
    assert records[7].issn == "1886-516X"  # "1886516x"


def test_openalex(exports: Path) -> None:
    _, records = _read(exports, "bibliometrix__openalex_sample.csv")
    first = records[0]
    assert (first.source_id, first.source_database) == ("W2755950973", "OpenAlex")
    assert first.title == "bibliometrix : An R-tool for comprehensive science mapping analysis"
    assert first.doi == "10.1016/j.joi.2017.08.007"
    assert first.authors == ["Massimo Aria", "Corrado Cuccurullo"]
    assert (first.year, first.journal, first.issn) == (2017, "Journal of Informetrics", "1751-1577")
    assert first.abstract is None
    assert records[5].pmid == "35434524"  # from https://pubmed.ncbi.nlm.nih.gov/35434524


def test_cochrane(exports: Path) -> None:
    _, records = _read(exports, "citation-file-formatting___baseline_cochrane.csv")
    first = records[0]
    assert (first.source_id, first.source_database) == ("CN-00778158", "Cochrane CENTRAL")
    assert (first.pmid, first.year, first.journal) == ("21314913", 2011, "Trials")
    assert first.doi == "10.1186/1745-6215-12-39"
    assert first.authors == ["Bywater, T", "Hutchings, J", "Whitaker, C", "Evans, C", "Parry, L"]
    assert records[1].pages == "1279-1297"  # written with U+2010 hyphen


def test_embase_preamble_and_fields(exports: Path) -> None:
    text, records = _read(exports, "citation-file-formatting___baseline_embase.csv")
    assert csv_table.preamble_query(text) == "dinosaur:ti"
    first = records[0]
    assert first.locator == "row 1 (line 5)"  # the header is on line 4
    assert first.fields["_search_query"] == "dinosaur:ti"
    assert first.fields["_preamble"].startswith('"SEARCH QUERY","dinosaur:ti"\n---')
    assert "_preamble" not in records[1].fields
    assert (first.source_id, first.source_database) == ("L2029880245", "Embase")
    assert (first.pmid, first.doi) == ("38773066", "10.1038/s41467-024-48400-3")
    assert first.authors == ["Yang Z.", "Jiang B.", "Xu J.", "McNamara M.E."]
    assert len(first.keywords) == 25 and first.keywords[0] == "keratin"  # as Embase RIS KW
    assert records[1].pages == "14316" and records[1].abstract is None
    assert records[5].keywords[:2] == ["Allosaurus", "loricatan"]  # author keywords first
    assert csv_table.preamble_query("title,year\nA,2000\n") is None


# --- inline tables -------------------------------------------------------------------------

BIB_DEDUPE = (
    '"ID","ENTRYTYPE","author","year","title","journal","volume","number","pages","abstract",'
    '"doi","isbn","url"\n'
    '"id_0003268","article","Przyklenk K.Kloner R. A.",1993,"""Cardioprotection"" by '
    'ACE-inhibitors","Basic Res Cardiol","88 Suppl 1",,"139-54","Coronary artery occlusion\n'
    'results in ...","10.1007/BF00796378",,\n'
    '"id_0000001","article","Zuna, R E and Wang, S S",2006,"HPV in LSIL","Cancer",108,3,'
    '"288-297",,,,"https://example.org/x"\n'
)


def test_generic_bib_dedupe_layout() -> None:
    first, second = _rows(BIB_DEDUPE)
    assert first.source_id == "id_0003268" and first.source_database is None
    assert first.authors == ["Przyklenk K.", "Kloner R. A."]
    assert first.title == '"Cardioprotection" by ACE-inhibitors'
    assert (first.year, first.volume, first.pages) == (1993, "88 Suppl 1", "139-54")
    assert first.doi == "10.1007/bf00796378" and first.pub_type == "article"
    assert first.abstract == "Coronary artery occlusion results in ..."
    assert first.raw.count("\n") == 1  # the quoted newline is part of the row's raw text
    assert second.locator == "row 2 (line 4)"
    assert second.authors == ["Zuna, R E", "Wang, S S"]
    assert (second.issue, second.url) == ("3", "https://example.org/x")


def test_generic_id_column_and_names_any_case() -> None:
    text = (
        "Record ID,TITLE,Author(s),Publication Year,Journal,Start Page,End Page\n"
        "7,T,A B,2001,J,5,9\n"
    )
    (record,) = _rows(text)
    assert (record.source_id, record.title, record.year, record.pages) == ("7", "T", 2001, "5-9")
    assert record.fields == {
        "Record ID": "7", "TITLE": "T", "Author(s)": "A B", "Publication Year": "2001",
        "Journal": "J", "Start Page": "5", "End Page": "9",
    }  # fmt: skip


def test_tsv() -> None:
    text = "title\tauthors\tyear\tdoi\nA, comma title\tSmith J; Jones K\t2020\tdoi:10.1000/X\n"
    assert csv_table.sniff(text)
    (record,) = _rows(text)
    assert record.title == "A, comma title"
    assert record.authors == ["Smith J", "Jones K"]
    assert (record.year, record.doi) == (2020, "10.1000/x")


def test_semicolon_csv() -> None:
    text = 'Title;Authors;Year;Keywords\n"A; title";Smith J, Jones K.;2019;x, y\n'
    (record,) = _rows(text)
    assert record.title == "A; title"
    assert record.authors == ["Smith J", "Jones K."]
    assert record.keywords == ["x", "y"]


def test_quoted_newlines_keep_locators_right() -> None:
    text = 'title,abstract\n"One","line 2\nline 3\n\nline 5"\n\n"Two",x\n'
    first, second = _rows(text)
    assert first.locator == "row 1 (line 2)"
    assert first.raw == '"One","line 2\nline 3\n\nline 5"'
    assert second.locator == "row 2 (line 7)"  # after a blank line
    assert second.raw == '"Two",x'


def test_truncated_quoted_cell() -> None:
    text = 'title,abstract\n"One",ok\n"Two","this abstract is cut\nin the middle'
    with pytest.raises(FormatError, match=r"row 2 \(line 3\).*truncated") as error:
        _rows(text)
    assert error.value.locator == "row 2 (line 3)"


def test_extra_cells() -> None:
    assert _rows("title,year\nA,2000,\n")[0].year == 2000  # a trailing empty cell is fine
    with pytest.raises(FormatError, match=r"row 2 \(line 3\).*3 cells.*2 columns"):
        _rows("title,year\nA,2000\nB,2001,oops\n")


def test_short_rows_are_padded() -> None:
    (record,) = _rows("title,year,doi\nA\n")
    assert record.title == "A" and record.year is None


def test_unknown_header() -> None:
    with pytest.raises(FormatError, match=r"'foo', 'bar'.*mnr understands: title") as error:
        _rows("foo,bar\n1,2\n")
    assert error.value.locator == "line 1"
    with pytest.raises(FormatError, match="'PT', 'AU', 'ID', 'TI'"):
        _rows("PT\tAU\tID\tTI\nJ\tSmith\tKEYWORDS\tA title\n")  # WoS tags: only "ID" known
    with pytest.raises(FormatError, match="empty"):
        _rows("\n\n")


def test_empty_title_kept_and_empty_rows_skipped() -> None:
    records = _rows("title,year,doi\n,1999,10.1000/a\n,,\nB,2000,\n")
    found = [(r.title, r.year, r.doi) for r in records]
    assert found == [(None, 1999, "10.1000/a"), ("B", 2000, None)]
    assert records[1].locator == "row 3 (line 4)"


def test_sniff_is_strict() -> None:
    assert not csv_table.sniff("TY  - JOUR\nTI  - A title\nER  - \n")
    assert not csv_table.sniff("Just some prose, with commas, and words.\nMore prose.\n")
    assert not csv_table.sniff("doi,year\n10.1000/x,2000\n")  # no title-like column ...
    assert _rows("doi,year\n10.1000/x,2000\n")[0].doi == "10.1000/x"  # ... --format reads it
    assert not csv_table.sniff("")
    assert csv_table.sniff("\ufeffTitle,Year\nA,2000\n")


def test_large_cells_and_bom() -> None:
    big = "x" * 300_000  # beyond csv's 128 KB default field limit
    (record,) = _rows(f'\ufeffTitle,Abstract\nA,"{big}"\n')
    assert record.abstract == big and "Title" in record.fields


def test_repeated_header_is_skipped() -> None:
    text = "title,year\nA,2000\ntitle,year\nB,2001\n"
    assert [r.title for r in _rows(text)] == ["A", "B"]


def test_openalex_inverted_index() -> None:
    text = (
        "id,display_name,authorships.author.display_name,abstract_inverted_index\n"
        'https://openalex.org/W1,T,A|B,"{""world"": [1], ""hello"": [0]}"\n'
    )
    (record,) = _rows(text)
    assert (record.source_id, record.abstract, record.authors) == ("W1", "hello world", ["A", "B"])


def test_split_references() -> None:
    value = (
        "Cheng M.; Xue Y.; Cui M., Title, J, 5, (2023); Calin GA; Tseng M-L; Bui T-D, Other, "
        "(2020); World Health Organization; 000-928-794-577-264"
    )
    assert csv_table.split_references(value) == [
        "Cheng M.; Xue Y.; Cui M., Title, J, 5, (2023)",
        "Calin GA; Tseng M-L; Bui T-D, Other, (2020)",
        "World Health Organization",
        "000-928-794-577-264",
    ]


def test_split_authors() -> None:
    split = csv_table.split_authors
    assert split("Ziegler, T. R.", None) == ["Ziegler, T. R."]
    assert split("Yang Z., Jiang B.", None) == ["Yang Z.", "Jiang B."]
    assert split("Smith, J. and Doe, J.", None) == ["Smith, J.", "Doe, J."]
    assert split("Liu, Fengyuan (60410297700); Li, Chunyun (58862216200)", None) == [
        "Liu, Fengyuan",
        "Li, Chunyun",
    ]
    assert split("McNamara M.E.", None) == ["McNamara M.E."]
