"""The RIS reader against every real RIS export in ../shared, plus small inline cases.

Record and abstract counts are the golden values of exports/README.md; titles, years,
DOIs and ids were checked by eye in the files.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import rispy

from mnr.errors import FormatError
from mnr.formats import ris
from mnr.formats.decode import decode
from mnr.records import ParsedRecord
from tests.conftest import read_export

# file -> (records, records with an abstract), from exports/README.md
GOLDEN = {
    "asreview__ovid_psycinfo.ris": (6, 6),
    "asreview__proquest.ris": (6, 6),
    "asreview__scopus.ris": (6, 6),
    "citation-file-formatting___baseline_cinahl.ris": (9, 9),
    "citation-file-formatting___baseline_embase.ris": (10, 8),
    "citation-file-formatting___baseline_eric_ovid.ris": (10, 10),
    "citation-file-formatting___baseline_googlescholar.ris": (10, 0),
    "citation-file-formatting___baseline_openalex.ris": (9, 9),
    "citation-file-formatting___baseline_webofscience.ris": (10, 7),
    "citation-file-formatting___baseline_zotero.ris": (10, 8),
    "colrev__abi_inform_proquest_ris.ris": (2, 2),
    "colrev__psycinfo_ris.ris": (1, 1),
    "synthesisr__ASP_ris_example.ris": (4, 4),
    "synthesisr__Ovid_ris_example.ris": (4, 4),
}


def _read(exports: Path, name: str) -> list[ParsedRecord]:
    return list(ris.read(read_export(exports / "ris" / name)))


def _parse(text: str) -> list[ParsedRecord]:
    return list(ris.read(text))


def test_golden_table_covers_every_ris_file(exports: Path) -> None:
    assert sorted(p.name for p in (exports / "ris").glob("*.ris")) == sorted(GOLDEN)


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_counts_locators_and_fields(exports: Path, name: str) -> None:
    text = read_export(exports / "ris" / name)
    assert ris.sniff(text)
    records = list(ris.read(text))
    n_records, n_abstracts = GOLDEN[name]
    assert len(records) == n_records
    assert sum(1 for r in records if r.abstract) == n_abstracts
    lines = text.split("\n")
    for record in records:
        line_no = int(record.locator.removeprefix("line "))
        assert lines[line_no - 1].startswith("TY  - ")
        assert record.raw.startswith("TY  - ") and "\nER  -" in record.raw
        assert record.title and record.year  # every sample record has both
        assert not (record.abstract or "").startswith("Copyright of")
        json.dumps(record.fields)  # stored as JSON


def test_ovid_psycinfo(exports: Path) -> None:
    records = _read(exports, "asreview__ovid_psycinfo.ris")
    first = records[0]
    assert first.title == (
        "The influence of self-criticism on depression symptoms among ambulatory patients "
        "with inflammatory bowel disease."
    )
    assert (first.year, first.doi) == (2019, "10.1002/cpp.2398")
    assert first.pages is None  # SP "No" / EP "Specified"
    assert first.source_id == "2019-65183-001"  # Ovid ID, told by the "1." numbering
    # NL comes after ER: attached to the record, in fields and in raw
    assert first.fields["unknown_tag"]["NL"] == ["Clin Psychol Psychother"]
    assert first.raw.endswith("NL  - Clin Psychol Psychother")
    assert all("NL" in r.fields["unknown_tag"] for r in records)
    assert not any("Link to the Ovid" in r.raw for r in records)
    assert records[1].pages == "847-856"
    assert records[1].keywords[0] == "Body Image"  # "*Body Image": APA major-topic marker
    # repeated tags are kept, not dropped: publisher then country
    assert first.fields["publisher"] == ["John Wiley & Sons", "US"]


def test_proquest(exports: Path) -> None:
    first = _read(exports, "asreview__proquest.ris")[0]
    assert (first.title or "").startswith("Predictors of posttraumatic stress symptom trajectories")
    assert first.source_id == "2214991469"  # AN "2214991469; 51887"
    assert first.fields["accession_number"] == "2214991469; 51887"
    assert first.doi == "10.1002/jts.22387"  # DO "http://dx.doi.org/10.1002/jts.22387"
    assert first.issn == "0894-9867"  # SN "0894-9867, 0894-9867"
    assert first.source_database == "PTSDpubs"
    assert first.year == 2019 and len(first.authors) == 7


def test_scopus_references(exports: Path) -> None:
    records = _read(exports, "asreview__scopus.ris")
    assert [len(r.cited_refs) for r in records] == [186, 146, 82, 57, 144, 180]
    assert sum(len(r.cited_refs) for r in records) == 795
    first = records[0]
    assert first.cited_refs[0].startswith("Agostini, A., Ballotta, D., Righi, S.")
    assert not first.cited_refs[0].endswith(";")
    assert first.cited_refs[-1].endswith("(2009) Cochrane Database Syst. Rev.")
    # the References note is one note again, not one per reference line
    notes = first.fields["notes"]
    assert len(notes) == 7 and notes[0] == "Export Date: 18 November 2019"
    assert notes[-1].startswith("References: Agostini") and notes[-1].count("\n") == 185
    assert (first.year, first.doi) == (2020, "10.1016/j.psyneuen.2019.104501")
    assert first.pub_type == "Review"  # M3
    assert first.pages == "104501"  # C7 article number
    assert first.issn == "0306-4530"  # "03064530 (ISSN)"
    assert first.source_id == "2-s2.0-85074596690"  # EID from the UR
    assert first.source_database == "Scopus"
    assert records[1].pmid == "31421429"  # C2


def test_scopus_tag_glued_to_last_reference(exports: Path) -> None:
    # record 3 ends "...American Psychiatric PubUR  - https://www.scopus.com/...":
    # the reference list was cut off and the UR line glued onto it
    third = _read(exports, "asreview__scopus.ris")[2]
    assert third.cited_refs[-1].endswith("(DSM-5®) (2013), American Psychiatric Pub")
    assert third.url is not None and "eid=2-s2.0-85073159216" in third.url
    assert third.source_id == "2-s2.0-85073159216"


def test_ebsco_cinahl(exports: Path) -> None:
    records = _read(exports, "citation-file-formatting___baseline_cinahl.ris")
    first = records[0]
    assert first.title == (
        "Osteohistological insight into the growth dynamics of early dinosaurs and their "
        "contemporaries."
    )
    assert (first.abstract or "").startswith("Dinosauria debuted on Earth's stage")
    assert first.fields["abstract"][1].startswith("Copyright of PLoS ONE is the property")
    assert first.doi == "10.1371/journal.pone.0298242"  # L3
    assert first.source_id == "176404503"  # N1 "Accession Number: 176404503; ..."
    assert first.year == 2024 and first.pages == "1-60" and first.journal == "PLoS ONE"
    assert {r.fields["name_of_database"] for r in records} == {"aph"}
    assert {r.source_database for r in records} == {"Academic Search Premier"}  # EBSCO code
    assert first.pub_type == "Article"


def test_ebsco_asp(exports: Path) -> None:
    records = _read(exports, "synthesisr__ASP_ris_example.ris")
    assert {r.source_database for r in records} == {"Academic Search Premier"}
    assert (records[0].title or "").startswith("“Living on the edge”")
    assert records[0].doi == "10.1016/j.agee.2016.06.041"
    # three AB: English abstract, Chinese abstract, copyright line
    assert len(records[3].fields["abstract"]) == 3
    assert (records[3].abstract or "").startswith("Rice production is distributed broadly in China")


def test_embase(exports: Path) -> None:
    records = _read(exports, "citation-file-formatting___baseline_embase.ris")
    first = records[0]
    assert (first.title or "").startswith("Cellular structure of dinosaur scales")
    assert first.journal == "Nature Communications"  # JF, not JO "Nat. Commun."
    assert first.pmid == "38773066"  # C5
    assert first.source_id == "L2029880245"  # U2
    assert first.fields["name_of_database"] == ["Embase", "Medline"]
    assert first.source_database == "Embase"
    assert first.authors == ["Yang, Z.", "Jiang, B.", "Xu, J.", "McNamara, M.E."]
    second = records[1]  # a Medline-only record from Embase.com: DB "Medline"
    assert second.fields["name_of_database"] == "Medline"
    assert (second.source_database, second.pmid, second.source_id) == (
        "Embase",
        "38906957",
        "L644585435",
    )
    assert second.pub_type == "Erratum"


def test_eric_ovid(exports: Path) -> None:
    records = _read(exports, "citation-file-formatting___baseline_eric_ovid.ris")
    first = records[0]
    assert (first.title, first.year) == ("Creationism and the Dinosaur Boom.", 1989)
    assert first.pub_type == "Journal Articles, Reports - Descriptive"  # PT
    assert first.source_id == "EJ389705" and first.locator == "line 2"
    assert records[1].source_database == "ERIC"  # "ERIC <1992 to June 2024>"
    assert records[1].fields["name_of_database"] == "ERIC <1992 to June 2024>"
    book = records[8]
    assert book.title == "Deschooling Our Lives." and book.isbn == "0-86571-342-1"
    assert book.issn is None


def test_google_scholar(exports: Path) -> None:
    records = _read(exports, "citation-file-formatting___baseline_googlescholar.ris")
    first = records[0]
    assert first.title == "Did dinosaurs invent flowers? Dinosaur–angiosperm coevolution revisited"
    assert (first.year, first.journal, first.pages) == (2001, "Biological Reviews", "411-447")
    assert all(r.doi is None and r.url is None for r in records)


def test_openalex(exports: Path) -> None:
    first = _read(exports, "citation-file-formatting___baseline_openalex.ris")[0]
    assert first.doi == "10.1016/j.cretres.2023.105752"
    assert first.url == "https://doi.org/10.1016/j.cretres.2023.105752"
    assert first.year == 2024 and first.language == "en" and len(first.authors) == 5


def test_web_of_science_ris(exports: Path) -> None:
    records = _read(exports, "citation-file-formatting___baseline_webofscience.ris")
    first = records[0]
    assert (first.title or "").startswith("New Horned Dinosaurs from Utah")
    assert first.source_id == "WOS:000282053100002"
    assert first.source_database == "Web of Science"
    assert first.pages == "e12292"  # C7 article number
    assert (first.abstract or "").startswith("Background: During much of the Late Cretaceous")
    assert "Methodology/Principal Findings" in (first.abstract or "")  # continuation lines joined
    assert first.fields["unknown_tag"]["J9"] == ["PLOS ONE"]
    assert records[1].year == 1904 and records[1].doi == "10.2475/ajs.s4-17.102.423"
    assert (records[-1].title or "").startswith("The rise of feathered dinosaurs: Kulindadromeus")


def test_zotero(exports: Path) -> None:
    records = _read(exports, "citation-file-formatting___baseline_zotero.ris")
    assert records[0].fields["date"] == "2024///"
    assert all(r.year == 2024 for r in records)
    # DB is the Zotero item's archive/catalog field, not the database searched
    assert records[0].fields["name_of_database"] == "Embase"
    assert {r.source_database for r in records} == {None}
    assert records[0].doi == "10.1038/s41467-024-48400-3"


def test_proquest_abi_inform_mixed_line_endings(exports: Path) -> None:
    records = _read(exports, "colrev__abi_inform_proquest_ris.ris")
    thesis, article = records
    assert (thesis.title, thesis.pub_type) == ("Thesis title", "THES")
    assert thesis.authors == ["Smith, John"]  # A3 (advisor) is not an author
    assert thesis.isbn == "9798373627394" and thesis.issn is None
    assert thesis.fields["unknown_tag"]["PP"] == ["United States -- New York"]
    assert article.doi == "10.0001/1234567891" and article.source_id == "1234567891"


def test_apa_psycnet(exports: Path) -> None:
    (record,) = _read(exports, "colrev__psycinfo_ris.ris")
    assert record.locator == "line 5"  # after the 3-line provider header and a blank line
    assert record.source_database == "PsycINFO"  # "Database: PsycINFO" header
    assert record.fields["provider_header"]["Provider"] == "American Psychological Association"
    assert record.pmid == "33355555"  # "PMID  - " 4-letter tag
    assert record.fields["unknown_tag"] == {"PMID": ["33355555"]}
    assert record.fields["id"] == "2020-55555-005" and record.source_id == "2020-55555-005"
    assert record.doi == "10.1011/hea0004444" and record.issn == "1999-7777"
    assert record.keywords[:2] == ["Keyword one", "Keyword two"]
    assert (record.year, record.pages) == (2020, "1023-1095")


def test_ovid_cab(exports: Path) -> None:
    records = _read(exports, "synthesisr__Ovid_ris_example.ris")
    first = records[0]
    assert first.title == "Detection of retention trees on clearcuts, a 50-year perspective."
    assert first.doi == "10.4236/ojf.2020.101008"  # DO "http://dx.doi.org/..."
    assert first.source_id == "20203152553" and first.year == 2020
    assert not any("Link to the" in r.raw for r in records)


# --- sniffing ------------------------------------------------------------------------


def test_sniff_accepts_ris() -> None:
    assert ris.sniff("TY  - JOUR\nTI  - x\nER  - \n")
    assert ris.sniff("Provider: American Psychological Association\n\nTY  - JOUR\nER  -")


def test_sniff_rejects_wos_plaintext_with_ris_extension(exports: Path) -> None:
    assert not ris.sniff(read_export(exports / "wos_plaintext" / "rispy__example_wos.ris"))


def test_sniff_rejects_medline_and_ovid_tagged(exports: Path) -> None:
    medline = "PMID- 12345678\nOWN - NLM\nTI  - A title\nAU  - Smith J\nSO  - J Biol. 2001.\n"
    assert not ris.sniff(medline)
    for path in (exports / "medline_nbib").iterdir():
        assert not ris.sniff(read_export(path))
    for path in (exports / "ovid_tagged").iterdir():
        assert not ris.sniff(read_export(path))
    assert not ris.sniff("TI  - TY  - not at a line start\n")


# --- inline cases --------------------------------------------------------------------


def test_truncated_file_names_the_unterminated_record() -> None:
    text = "TY  - JOUR\nTI  - First\nER  - \n\nTY  - JOUR\nTI  - Cut off\nAB  - The abs"
    with pytest.raises(FormatError) as caught:
        _parse(text)
    assert caught.value.locator == "line 5"
    assert "truncated" in caught.value.message and "export" in caught.value.message


def test_not_ris_at_all() -> None:
    with pytest.raises(FormatError):
        _parse("just some text\n")


def test_record_without_title_is_kept() -> None:
    records = _parse("TY  - JOUR\nAU  - Smith, J\nPY  - 2001\nER  -\nTY  - JOUR\nTI  - B\nER  -")
    assert [r.title for r in records] == [None, "B"]
    assert records[0].authors == ["Smith, J"] and records[0].year == 2001
    assert records[1].locator == "line 5"


def test_crlf_and_trailing_space_on_er() -> None:
    data = b"TY  - JOUR\r\nTI  - A title\r\nPY  - 2020\r\nER  - \r\n\r\nTY  - BOOK\r\nER  - "
    text = decode(data).text
    records = _parse(text)
    assert [(r.title, r.year, r.pub_type) for r in records] == [
        ("A title", 2020, "JOUR"),
        (None, None, "BOOK"),
    ]
    assert records[0].raw == "TY  - JOUR\nTI  - A title\nPY  - 2020\nER  - "


def test_missing_er_before_next_record_ends_the_record_there() -> None:
    records = _parse("TY  - JOUR\nTI  - A\nTY  - JOUR\nTI  - B\nER  -\n")
    assert [r.title for r in records] == ["A", "B"]
    assert [r.locator for r in records] == ["line 1", "line 3"]


def test_unknown_tags_and_untagged_lines_are_kept() -> None:
    (record,) = _parse("TY  - JOUR\nZZ  - odd\nTI  - A title\ncontinued here\nX9  - more\nER  -")
    assert record.title == "A title continued here"
    assert record.fields["unknown_tag"] == {"ZZ": ["odd"], "X9": ["more"]}
    (record,) = _parse("TY  - JOUR\nstray line\nTI  - T\nER  -")
    assert record.fields["unknown_tag"] == {"_untagged": ["stray line"]}


def test_four_letter_tag_does_not_leak_into_previous_field() -> None:
    (record,) = _parse("TY  - JOUR\nAB  - An abstract.\nPMID  - 123\nISSN  - 1234-5678\nER  -")
    assert record.abstract == "An abstract."
    assert record.pmid == "123"
    assert record.fields["unknown_tag"] == {"PMID": ["123"], "ISSN": ["1234-5678"]}


def test_repeated_tag_with_continuation_line() -> None:
    # rispy with enforce_list_tags=False would crash joining a list with a string
    (record,) = _parse("TY  - JOUR\nAB  - One.\nAB  - Two\nand more.\nER  -")
    assert record.fields["abstract"] == ["One.", "Two and more."]
    assert record.abstract == "One."


def test_copyright_only_abstract_is_no_abstract() -> None:
    text = "TY  - JOUR\nAB  - Copyright of J is the property of P and its content may not be\nER  -"
    assert _parse(text)[0].abstract is None


def test_tag_after_er_attaches_to_record_but_other_text_is_skipped() -> None:
    text = "1.\nTY  - JOUR\nID  - 42\nER  -\nNL  - J Abbr\n\nLink to the Ovid Full Text: x\n\n2.\n"
    text += "TY  - JOUR\nID  - 43\nER  -\n"
    first, second = _parse(text)
    assert first.fields["unknown_tag"] == {"NL": ["J Abbr"]}
    assert first.raw == "TY  - JOUR\nID  - 42\nER  -\nNL  - J Abbr"
    assert (first.source_id, second.source_id) == ("42", "43")  # Ovid: ID is the accession
    assert "unknown_tag" not in second.fields and second.locator == "line 10"


def test_generic_id_is_not_a_source_id() -> None:
    # EndNote and others write a local record number in ID
    assert _parse("TY  - JOUR\nID  - 12\nTI  - T\nER  -")[0].source_id is None


def test_secondary_authors_only_when_no_primary() -> None:
    book = _parse("TY  - EDBOOK\nA2  - Editor, E\nT1  - B\nSN  - 978-0-12-345678-9\nER  -")[0]
    assert book.authors == ["Editor, E"] and book.isbn == "978-0-12-345678-9"
    chapter = _parse("TY  - CHAP\nAU  - Author, A\nA2  - Editor, E\nER  -")[0]
    assert chapter.authors == ["Author, A"]


def test_no_pagination_specified() -> None:
    ovid = _parse("TY  - JOUR\nSP  - No\nEP  - Specified\nER  -")[0]
    assert ovid.pages is None
    assert _parse("TY  - JOUR\nSP  - 5\nEP  - 9\nER  -")[0].pages == "5-9"


def test_scopus_reference_block_inline() -> None:
    text = (
        "TY  - JOUR\nN1  - Export Date: 1 May 2020\nN1  - References: Ref one (2001) J, 1;\n"
        "Ref two (2002) K, 2;\nRef three (2003) L, 3UR  - https://www.scopus.com/x?eid=2-s2.0-9\n"
        "DB  - Scopus\nC2  - 31421429\nER  -"
    )
    (record,) = _parse(text)
    assert record.cited_refs == [
        "Ref one (2001) J, 1",
        "Ref two (2002) K, 2",
        "Ref three (2003) L, 3",
    ]
    assert record.fields["notes"] == [
        "Export Date: 1 May 2020",
        "References: Ref one (2001) J, 1;\nRef two (2002) K, 2;\nRef three (2003) L, 3",
    ]
    assert record.source_id == "2-s2.0-9" and record.pmid == "31421429"


# Lines rispy's loop treats in its own ways: a stray line before any tag, a
# continuation of a list tag (UR, split on ";"), of a repeated single tag and of an
# unknown tag, a line after ER and before the next TY, and a record with no ER.
_TRICKY = (
    "TY  - JOUR\nstray\nAU  - Smith, J\nAU  - Roe, K\nUR  - http://a; http://b\nhttp://c; d\n"
    "AB  - One.\nAB  - Two\nand more.\nZZ  - odd\nstill odd\nTI  - T\nDB  - X\nDB  - Y\n"
    "ER  - \nbetween records\nTY  - BOOK\nT1  - B\n\nKW  - k1\nk2\nPY  - 2001\nER  -\n"
    "TY  - CHAP\nTI  - never ended\n"
)


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_inlined_parser_reads_as_rispy_does(exports: Path, name: str) -> None:
    """ris._Parser.parse_lines is rispy's loop inlined for speed: on every real export
    (read whole, so records follow one another) it gives exactly what rispy's own
    loop gives with the same settings."""
    lines = read_export(exports / "ris" / name).split("\n")
    parser = ris._Parser()
    assert parser.parse_lines(lines) == rispy.RisParser.parse_lines(parser, iter(lines))


def test_inlined_parser_reads_tricky_lines_as_rispy_does() -> None:
    lines = _TRICKY.split("\n")
    parser = ris._Parser()
    ours = parser.parse_lines(lines)
    assert ours == rispy.RisParser.parse_lines(parser, iter(lines))
    assert [record["type_of_reference"] for record in ours] == ["JOUR", "BOOK"]
    assert ours[0]["urls"] == ["http://a", "http://b", "http://c", "d"]
    assert ours[0]["abstract"] == ["One.", "Two and more."]
    assert ours[0]["unknown_tag"] == {None: ["stray"], "ZZ": ["odd", "still odd"]}
    assert ours[1]["keywords"] == ["k1", "k2"]


def test_pubmed_id_named_in_a_note_or_c3_but_not_in_references_or_across_notes() -> None:
    def pmid(tags: str) -> str | None:
        return _parse(f"TY  - JOUR\nTI  - T\n{tags}ER  -")[0].pmid

    assert pmid("N1  - Export date: 2020\nN1  - PMID: 31978945\n") == "31978945"
    assert pmid("C3  - PUBMED 38407106,EMBASE 643589775\n") == "38407106"
    assert pmid("N1  - pubmed id = 123 (checked)\n") == "123"
    assert pmid("N1  - References: Smith J (2001) PMID: 999;\n") is None  # a cited work's
    assert pmid("N1  - see PMID\nN1  - 123\n") is None  # a name in one note, digits in the next
    assert pmid("N1  - PMİD 7\n") == "7"  # a non-ASCII note is searched as before


def test_year_from_the_usual_shapes_and_the_rest() -> None:
    years = [_parse(f"TY  - JOUR\nPY  - {value}\nER  -")[0].year
             for value in ("2016", "2016//", "2016/05/01", "1499", "2200", "20161", "c2016")]
    assert years == [2016, 2016, 2016, None, None, None, 2016]
