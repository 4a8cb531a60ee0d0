"""Web of Science plain text and tab-delimited: real samples, cross-format agreement,
and small inline cases."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mnr.errors import FormatError
from mnr.formats import detect, wos_tab, wos_text
from mnr.records import ParsedRecord
from tests.conftest import read_export

# file -> (records, with abstract, with cited references, cited references in all)
PLAIN = {
    "jabref__IsiImporterTestInspec.isi": (2, 2, 0, 0),
    "rispy__example_wos.ris": (2, 2, 2, 145),
    "synthesisr__WoS_ciw_example.ciw": (5, 5, 0, 0),
    "wosfile__wos_plaintext.txt": (50, 49, 50, 2911),
}
TAB = {"wosfile__wos_tab_delimited_win_utf8.txt": (50, 49, 50, 2911)}


def _plain(exports: Path, name: str) -> list[ParsedRecord]:
    return list(wos_text.read(read_export(exports / "wos_plaintext" / name)))


def _tab(exports: Path, name: str) -> list[ParsedRecord]:
    return list(wos_tab.read(read_export(exports / "wos_tabdelim" / name)))


def _check_counts(records: list[ParsedRecord], golden: tuple[int, int, int, int]) -> None:
    count, abstracts, with_refs, refs = golden
    assert len(records) == count
    assert sum(1 for r in records if r.abstract) == abstracts
    assert sum(1 for r in records if r.cited_refs) == with_refs
    assert sum(len(r.cited_refs) for r in records) == refs
    for record in records:
        json.dumps(record.fields)


def test_every_sample_is_covered(exports: Path) -> None:
    assert sorted(p.name for p in (exports / "wos_plaintext").iterdir()) == sorted(PLAIN)
    assert sorted(p.name for p in (exports / "wos_tabdelim").iterdir()) == sorted(TAB)


@pytest.mark.parametrize("name", sorted(PLAIN))
def test_plain_text_counts_match_the_readme(exports: Path, name: str) -> None:
    _check_counts(_plain(exports, name), PLAIN[name])


@pytest.mark.parametrize("name", sorted(TAB))
def test_tab_delimited_counts_match_the_readme(exports: Path, name: str) -> None:
    _check_counts(_tab(exports, name), TAB[name])


@pytest.mark.parametrize("name", sorted(PLAIN))
def test_plain_text_is_detected_from_content(exports: Path, name: str) -> None:
    # rispy__example_wos.ris has a .ris extension but is WoS plain text
    assert detect(read_export(exports / "wos_plaintext" / name)).NAME == "wos_text"


@pytest.mark.parametrize("name", sorted(TAB))
def test_tab_delimited_is_detected(exports: Path, name: str) -> None:
    assert detect(read_export(exports / "wos_tabdelim" / name)).NAME == "wos_tab"


def test_cited_reference_counts_agree_with_nr(exports: Path) -> None:
    for record in _plain(exports, "wosfile__wos_plaintext.txt"):
        assert len(record.cited_refs) == int(record.fields["NR"])


def test_wosfile_plain_text_values(exports: Path) -> None:
    records = _plain(exports, "wosfile__wos_plaintext.txt")
    first = records[0]
    assert first.locator == "line 3"  # after the FN (with a BOM and '™') and VR lines
    assert first.title == (
        "Knowledge networks as channels and conduits: The effects of spillovers in the "
        "Boston biotechnology community"
    )
    assert first.authors == ["Owen-Smith, J", "Powell, WW"]
    assert first.fields["AU"] == ["Owen-Smith, J", "Powell, WW"]
    assert (first.journal, first.volume, first.issue, first.pages) == (
        "ORGANIZATION SCIENCE",
        "15",
        "1",
        "5-21",
    )
    assert (first.year, first.doi, first.issn) == (2004, "10.1287/orsc.1030.0054", "1047-7039")
    assert first.source_id == "WOS:000220015600001"
    assert first.source_database == "Web of Science"
    assert first.pub_type == "Article"
    assert first.keywords[:5] == [
        "knowledge networks",
        "economic geography",
        "spillovers",
        "biotechnology",
        "patenting",
    ]
    assert first.cited_refs[0] == "Ahuja G, 2000, ADMIN SCI QUART, V45, P425, DOI 10.2307/2667105"
    assert first.raw.startswith("PT J\nAU Owen-Smith, J\n   Powell, WW\n")
    assert first.raw.endswith("\nUT WOS:000220015600001\nER")
    last = records[-1]
    assert (last.source_id, last.year, last.doi) == (
        "WOS:000231798300005",
        2005,
        "10.1007/s11192-005-0268-1",
    )
    assert records[5].abstract is None  # the one record without AB


def test_ciw_citation_count_tags_and_medline_uts(exports: Path) -> None:
    records = _plain(exports, "synthesisr__WoS_ciw_example.ciw")
    for tag in ("Z8", "ZB", "ZR", "ZS", "Z9", "TC"):
        assert records[0].fields[tag] == "0"
    assert records[0].pages == "UNSP 1722034"  # article number (AR), no BP/EP
    assert records[0].pub_type == "Journal"  # no DT: the PT code
    assert [r.source_database for r in records] == ["Web of Science"] * 3 + ["MEDLINE"] * 2
    assert records[4].source_id == "MEDLINE:31851837"
    assert records[4].pmid == "31851837"
    assert records[4].locator == "line 184"


def test_rispy_fixture(exports: Path) -> None:
    records = _plain(exports, "rispy__example_wos.ris")
    assert [len(r.cited_refs) for r in records] == [59, 86]
    assert [r.pmid for r in records] == ["15170338", "15170339"]
    assert records[0].doi == "10.1021/bi049798f"
    assert records[0].cited_refs[0] == (
        "ALLEN JP, 1986, P NATL ACAD SCI USA, V83, P8589, DOI 10.1073/pnas.83.22.8589"
    )


def test_inspec_legacy_export(exports: Path) -> None:
    records = _plain(exports, "jabref__IsiImporterTestInspec.isi")
    first = records[0]
    for tag in ("AN", "CO", "PS", "PV"):
        assert tag in first.fields
    assert first.source_id == "INSPEC:9027814"
    assert first.source_database == "Inspec"
    assert first.doi == "10.1063/1.2234275"  # from the Inspec identifiers in ID
    assert first.pages == "41103-1"
    assert first.title is not None and "BaB/sub 2/O/sub 4/" in first.title
    assert first.authors[0] == "Degl'Innocenti, R."
    assert records[1].pages == "5323-5331"


def test_plain_text_and_tab_delimited_agree(exports: Path) -> None:
    plain = _plain(exports, "wosfile__wos_plaintext.txt")
    tab = _tab(exports, "wosfile__wos_tab_delimited_win_utf8.txt")
    assert len(plain) == len(tab)
    for p, t in zip(plain, tab, strict=True):
        assert (p.source_id, p.doi, p.title, p.year) == (t.source_id, t.doi, t.title, t.year)
        assert (p.authors, p.journal, p.volume, p.issue, p.pages) == (
            t.authors,
            t.journal,
            t.volume,
            t.issue,
            t.pages,
        )
        assert (p.abstract, p.keywords, p.issn) == (t.abstract, t.keywords, t.issn)
        assert p.cited_refs == t.cited_refs


def test_tab_delimited_values(exports: Path) -> None:
    records = _tab(exports, "wosfile__wos_tab_delimited_win_utf8.txt")
    first = records[0]
    assert first.locator == "line 2"
    assert first.fields["AU"] == "Owen-Smith, J; Powell, WW"  # the column as given
    assert first.raw.startswith("J\tOwen-Smith, J; Powell, WW\t")
    assert records[-1].locator == "line 51"
    quoted = [r for r in records if r.abstract and '"Telescience' in r.abstract]
    assert len(quoted) == 1  # a bare quote inside a field does not upset the reader


def test_utf16_tab_delimited_export(exports: Path) -> None:
    from mnr.formats.decode import decode

    path = exports / "wos_tabdelim" / "wosfile__wos_tab_delimited_win_utf8.txt"
    text = decode(read_export(path).replace("\n", "\r\n").encode("utf-16")).text
    assert detect(text).NAME == "wos_tab"
    records = list(wos_tab.read(text))
    assert len(records) == 50
    assert sum(len(r.cited_refs) for r in records) == 2911


def test_plain_text_with_bom_read_directly() -> None:
    text = "\ufeffFN Thomson Reuters Web of Science\u2122\nVR 1.0\nPT J\nTI T\nER\n\nEF"
    assert wos_text.sniff(text)
    assert [r.title for r in wos_text.read(text)] == ["T"]


# --- small inline cases -------------------------------------------------------------


def _wos(*records: str, end: str = "EF\n") -> str:
    return "FN Clarivate Analytics Web of Science\nVR 1.0\n" + "".join(records) + end


REC = "PT J\nAU Smith, J\nTI A title\n   continued\nPY 2001\nUT WOS:{n}\nER\n\n"


def test_truncated_plain_text_names_the_record_line() -> None:
    text = _wos(REC.format(n=1), "PT J\nAU Doe, J\nTI Cut off mid-rec", end="")
    with pytest.raises(FormatError, match="truncated") as caught:
        list(wos_text.read(text))
    assert caught.value.locator == "line 11"


def test_missing_er_before_next_record() -> None:
    text = _wos("PT J\nTI First\n", REC.format(n=2))
    with pytest.raises(FormatError, match="no 'ER'") as caught:
        list(wos_text.read(text))
    assert caught.value.locator == "line 3"


def test_missing_ef_after_complete_records_is_accepted() -> None:
    assert len(list(wos_text.read(_wos(REC.format(n=1), end="")))) == 1


def test_no_title_record_is_kept_and_unknown_tags_too() -> None:
    text = _wos(REC.format(n=1), "PT J\nAU Doe, J\nQQ new tag\n   more\nUT WOS:2\nER\n")
    records = list(wos_text.read(text))
    assert [r.title for r in records] == ["A title continued", None]
    assert records[1].fields["QQ"] == "new tag more"
    assert records[1].locator == "line 11"


def test_plain_text_without_header_is_sniffed_and_read() -> None:
    text = REC.format(n=1) + "EF"
    assert wos_text.sniff(text)
    assert [r.source_id for r in wos_text.read(text)] == ["WOS:1"]


def test_concatenated_exports_are_read() -> None:
    text = _wos(REC.format(n=1)) + _wos(REC.format(n=2))
    assert [r.source_id for r in wos_text.read(text)] == ["WOS:1", "WOS:2"]


def test_plain_text_sniffer_leaves_ris_alone() -> None:
    assert not wos_text.sniff("TY  - JOUR\nAU  - Smith\nER  - \n")


TAB_HEADER = "PT\tAU\tTI\tCR\tPY\tUT\n"


def test_tab_rows_with_and_without_trailing_tab() -> None:
    text = TAB_HEADER + 'J\tA, B; C, D\tSay "hi"\tR1; R2\t2001\tWOS:1\t\nJ\t\t\t\t2002\tWOS:2\n'
    records = list(wos_tab.read(text))
    assert [r.authors for r in records] == [["A, B", "C, D"], []]
    assert records[0].title == 'Say "hi"'
    assert records[0].cited_refs == ["R1", "R2"]
    assert records[1].title is None  # kept without a title
    assert records[1].locator == "line 3"


def test_tab_truncated_last_row() -> None:
    text = TAB_HEADER + "J\tA, B\tT\t\t2001\tWOS:1\t\nJ\tA, B\tCut"
    with pytest.raises(FormatError, match="truncated") as caught:
        list(wos_tab.read(text))
    assert caught.value.locator == "line 3"


def test_tab_short_row_in_the_middle_is_not_called_truncated() -> None:
    text = TAB_HEADER + "J\tA\n" + "J\tA, B\tT\t\t2001\tWOS:1\t\n"
    with pytest.raises(FormatError) as caught:
        list(wos_tab.read(text))
    assert caught.value.locator == "line 2"
    assert "truncated" not in caught.value.detail


def test_tab_unknown_column_kept() -> None:
    text = "PT\tAU\tTI\tUT\tXX\nJ\tA, B\tT\tWOS:1\tnew\t\n"
    (record,) = wos_tab.read(text)
    assert record.fields["XX"] == "new"
    assert wos_tab.sniff(text)
    assert not wos_tab.sniff("Title\tAuthors\tYear\nA\tB\t2001\n")
