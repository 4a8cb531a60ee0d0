"""MEDLINE/PubMed and ERIC NBIB: the real samples (README counts) and small inline cases."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mnr.errors import FormatError
from mnr.formats import detect, medline
from mnr.records import ParsedRecord
from tests.conftest import read_export

# file -> (records, records with an abstract, records with cited references)
GOLDEN = {
    "colrev__eric_nbib.nbib": (1, 1, 0),
    "jabref__NbibImporterTest.nbib": (1, 1, 0),
    "synthesisr__PubMed_example.txt": (3, 3, 0),
}


def _read(exports: Path, name: str) -> list[ParsedRecord]:
    return list(medline.read(read_export(exports / "medline_nbib" / name)))


def test_every_sample_is_covered(exports: Path) -> None:
    assert sorted(p.name for p in (exports / "medline_nbib").iterdir()) == sorted(GOLDEN)


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_counts_match_the_readme(exports: Path, name: str) -> None:
    records = _read(exports, name)
    count, abstracts, with_refs = GOLDEN[name]
    assert len(records) == count
    assert sum(1 for r in records if r.abstract) == abstracts
    assert sum(1 for r in records if r.cited_refs) == with_refs
    for record in records:
        json.dumps(record.fields)  # fields must be JSON-serialisable
        assert record.raw.strip() == record.raw


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_detected_as_medline(exports: Path, name: str) -> None:
    assert detect(read_export(exports / "medline_nbib" / name)).NAME == "medline"


def test_pubmed_example(exports: Path) -> None:
    records = _read(exports, "synthesisr__PubMed_example.txt")
    assert [r.locator for r in records] == ["line 1", "line 92", "line 190"]
    assert [r.pmid for r in records] == ["28441597", "30868313", "29967742"]
    assert [r.source_id for r in records] == ["28441597", "30868313", "29967742"]
    assert [r.doi for r in records] == [
        "10.1016/j.scitotenv.2017.04.075",
        "10.1007/s00267-019-01153-y",
        "10.7717/peerj.5082",
    ]
    assert [r.year for r in records] == [2017, 2019, 2018]
    first = records[0]
    assert first.title == (
        "Differences in nitrate and phosphorus export between wooded and grassed riparian "
        "zones from farmland to receiving waterways under varying rainfall conditions."
    )
    assert first.authors[:2] == ["Neilen, Amanda D", "Chen, Chengrong R"]  # FAU, not AU
    assert len(first.authors) == 5
    assert first.fields["AU"][:2] == ["Neilen AD", "Chen CR"]  # AU kept in fields
    assert first.journal == "The Science of the total environment"
    assert (first.volume, first.issue, first.pages) == ("598", None, "188-197")
    assert first.issn == "0048-9697"  # the linking ISSN, no print one given
    assert first.language == "eng"
    assert first.pub_type == "Journal Article"
    assert first.source_database == "PubMed"  # STAT PubMed-not-MEDLINE
    assert records[1].source_database == "MEDLINE"  # STAT MEDLINE
    assert first.fields["LID"] == [
        "S0048-9697(17)30912-9 [pii]",
        "10.1016/j.scitotenv.2017.04.075 [doi]",
    ]
    assert "Buffer strips" in first.keywords
    assert first.raw.startswith("PMID- 28441597\n")
    assert first.raw.endswith("      Epub 2017 Apr 22.")
    # wrapped values (81 continuation lines in the file) are kept in raw, joined in fields
    assert sum(r.raw.count("\n      ") for r in records) == 81
    assert first.abstract is not None and "\n" not in first.abstract
    assert first.abstract.startswith("Agricultural activities in catchments can cause")
    assert records[2].raw.endswith("eCollection 2018.")  # no final newline in the file


def test_eric_variant(exports: Path) -> None:
    (record,) = _read(exports, "colrev__eric_nbib.nbib")
    assert record.locator == "line 2"  # the file starts with an empty line
    assert record.source_id == "EJ1131633"
    assert record.pmid is None
    assert record.source_database == "ERIC"
    assert record.title == "Paper title"
    assert record.authors == ["Smith, Tom", "Hunter, Shawn"]
    assert record.issn == "1234-4567"  # 'ISSN - ISSN-1234-4567'
    assert record.fields["ISSN"] == "ISSN-1234-4567"
    assert record.doi == "10.1000/123456789"
    assert record.url == "http://eric.ed.gov/?id=EJ1131633"
    assert (record.volume, record.issue, record.pages, record.year) == ("10", "1", "1-9", 2000)
    assert record.keywords == ["Keyword 1", "Keyword 2"]
    assert record.fields["PT"] == ["Journal Articles", "Reports - Research"]
    assert record.pub_type == "Journal Articles"


def test_eric_source_line_fills_gaps() -> None:
    text = "\nOWN - ERIC\nTI  - T\nSO  - v10 n2 p1-10 2000\nOID - EJ1\n"
    (record,) = medline.read(text)
    assert (record.volume, record.issue, record.pages, record.year) == ("10", "2", "1-10", 2000)


def test_kitchen_sink_keeps_rare_tags(exports: Path) -> None:
    (record,) = _read(exports, "jabref__NbibImporterTest.nbib")
    for tag in (
        "OAB",
        "OABL",
        "CN",
        "GN",
        "IR",
        "FIR",
        "IRAD",
        "EN",
        "TT",
        "SFM",
        "VTI",
        "CTI",
        "NM",
        "PUBM",
        "ISBN",
        "SI",
        "OCI",
        "GS",
    ):
        assert tag in record.fields, tag
    assert record.fields["OAB"] == "abstract informations"  # trailing space dropped
    assert record.isbn == "978-3-86680-192-9"
    assert record.authors == [
        "Shruthi, Basavaradhya Sahukar",
        "Vinodhkumar, Palani",
        "Selvamani",
        "corporater",  # CN, a collective author
    ]
    assert record.doi == "10.4103/2277-9175.180636"
    assert record.pmid == "27169098"
    assert record.fields["AD"][0].endswith(
        "Vishnu Dental College, Vishnupur, Bhimavarm, Andhra Pradesh, India."
    )


def test_detect_does_not_take_ris_for_medline() -> None:
    assert not medline.sniff("TY  - JOUR\nAU  - Smith J\nTI  - A title\nER  - \n")


# --- small inline cases -------------------------------------------------------------

RECORD = "PMID- {pmid}\nOWN - NLM\nTI  - Title {pmid}\nAU  - Smith J\nSO  - J. 2001;1:1.\n"


def test_truncated_file_is_reported_with_its_line() -> None:
    text = RECORD.format(pmid=1) + "\n" + RECORD.format(pmid=2) + "\nPMID- 3\nOWN - NLM\nTI  - Cut"
    with pytest.raises(FormatError, match="truncated") as caught:
        list(medline.read(text))
    assert caught.value.locator == "line 13"


def test_single_record_cannot_be_judged_truncated() -> None:
    # with no earlier record ending in SO there is nothing to compare with
    assert len(list(medline.read("PMID- 3\nOWN - NLM\nTI  - Cut"))) == 1


def test_no_title_record_is_kept() -> None:
    text = RECORD.format(pmid=1) + "\nPMID- 2\nOWN - NLM\nAU  - Doe J\nSO  - J. 2002.\n"
    records = list(medline.read(text))
    assert len(records) == 2
    assert records[1].title is None
    assert records[1].authors == ["Doe J"]  # AU without FAU is kept
    assert records[1].locator == "line 7"


def test_unknown_and_repeated_tags_are_kept() -> None:
    text = "PMID- 1\nZZZ - something new\n      continued\nPHST- a\nPHST- b\nSO  - x\n"
    (record,) = medline.read(text)
    assert record.fields["ZZZ"] == "something new continued"
    assert record.fields["PHST"] == ["a", "b"]


def test_records_without_blank_line_between_are_split_on_pmid() -> None:
    text = RECORD.format(pmid=1) + RECORD.format(pmid=2)
    records = list(medline.read(text))
    assert [r.pmid for r in records] == ["1", "2"]
    assert [r.locator for r in records] == ["line 1", "line 6"]
    assert records[0].raw == RECORD.format(pmid=1).rstrip("\n")


def test_fau_pairs_with_following_au_only() -> None:
    text = "PMID- 1\nFAU - Smith, John\nAU  - Smith J\nAU  - Doe J\nFAU - Roe, Ann\nAU  - Roe A\n"
    (record,) = medline.read(text)
    assert record.authors == ["Smith, John", "Doe J", "Roe, Ann"]


def test_stray_line_names_its_line() -> None:
    with pytest.raises(FormatError) as caught:
        list(medline.read("PMID- 1\n\nnot a tag line\n"))
    assert caught.value.locator == "line 3"
