"""Ovid field-tagged and labelled exports: real samples and small inline cases."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mnr.errors import FormatError
from mnr.formats import detect, ovid_labelled, ovid_tagged
from mnr.records import ParsedRecord
from tests.conftest import read_export

TAGGED = "commandline4expertsearchers__Embase_endnote_r3001-3002.cgi"
LABELLED = "jabref__OvidImporterTest4.txt"
# file -> (format, records, with abstract, with cited references, cited references in all)
GOLDEN = {
    TAGGED: ("ovid_tagged", 2, 2, 0, 0),
    LABELLED: ("ovid_labelled", 1, 1, 1, 108),
}


def _read(exports: Path, name: str) -> list[ParsedRecord]:
    reader = ovid_tagged if GOLDEN[name][0] == "ovid_tagged" else ovid_labelled
    return list(reader.read(read_export(exports / "ovid_tagged" / name)))


def test_every_sample_is_covered(exports: Path) -> None:
    assert sorted(p.name for p in (exports / "ovid_tagged").iterdir()) == sorted(GOLDEN)


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_counts_match_the_readme(exports: Path, name: str) -> None:
    records = _read(exports, name)
    _, count, abstracts, with_refs, refs = GOLDEN[name]
    assert len(records) == count
    assert sum(1 for r in records if r.abstract) == abstracts
    assert sum(1 for r in records if r.cited_refs) == with_refs
    assert sum(len(r.cited_refs) for r in records) == refs
    for record in records:
        json.dumps(record.fields)


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_detected(exports: Path, name: str) -> None:
    assert detect(read_export(exports / "ovid_tagged" / name)).NAME == GOLDEN[name][0]


def test_embase_complete_reference(exports: Path) -> None:
    first, second = _read(exports, TAGGED)
    assert (first.locator, second.locator) == ("line 1", "line 75")
    assert first.raw.startswith("<3001. >\nVN  - Ovid Technologies\n")
    assert first.raw.endswith("CR  - Copyright 2018 Elsevier B.V., All rights reserved.")
    assert first.title == (
        "Quality of life in patients with primary ciliary dyskinesia: A systematic review."
    )
    assert first.authors == ["Behan L.", "Rubbo B.", "Lucas J.S.", "Galvin A.D."]
    assert (first.source_id, second.source_id) == ("621381829", "621381823")
    assert first.source_database == "Embase"
    assert first.doi == "10.1186/s12919-018-0099-8"  # from the DO URL
    assert first.fields["DO"] == "http://dx.doi.org/10.1186/s12919-018-0099-8"
    assert (first.journal, first.volume, first.issue, first.pages, first.year) == (
        "BMC Proceedings",
        "12",
        "Supplement 3",
        None,
        2018,
    )
    assert first.issn == "1753-6561"
    assert (first.language, first.pub_type) == ("English", "Conference Abstract")
    # CR is the copyright line in Ovid, not cited references
    assert first.cited_refs == []
    assert first.fields["CR"] == "Copyright 2018 Elsevier B.V., All rights reserved."
    # '*' marks major MH terms: dropped in keywords, kept in fields
    assert "Kartagener syndrome" in first.keywords
    assert "*Kartagener syndrome" in first.fields["MH"]
    # one affiliation per continuation line
    assert first.fields["IN"].split("\n")[1].startswith("(Behan, Galvin) School of Applied")
    # abstract paragraphs on unindented lines belong to AB
    assert first.abstract is not None
    assert "Method(s): We searched MEDLINE" in first.abstract
    assert first.abstract.endswith("need investigation.")


def test_labelled_display_format(exports: Path) -> None:
    (record,) = _read(exports, LABELLED)
    assert record.locator == "line 1"
    assert record.source_id == "01445406-201509000-00006"
    assert record.title == (
        "Cloud water interception and element deposition differ largely between Norway "
        "spruce stands along an elevation transect in Harz Mountains, Germany."
    )
    assert record.fields["Title"].endswith(".[Article]")
    assert record.authors == [
        "Kohler, Lars",
        "Leuschner, Christoph",
        "Hauck, Markus",
        "Hertel, Dietrich",
    ]
    assert (record.journal, record.volume, record.issue, record.pages, record.year) == (
        "Ecohydrology",
        "8",
        "6",
        "1048-1064",
        2015,
    )
    assert (record.doi, record.issn) == ("10.1002/eco.1563", "1936-0584")
    assert (record.language, record.pub_type) == ("English", "Research Articles")
    assert record.keywords[0] == "alpine treeline"
    assert record.keywords[-1] == "throughfall"
    assert record.cited_refs[0].startswith("Aber JD, Nadelhoffer KJ")
    assert record.cited_refs[-1].startswith("Zimmermann L, Zimmermann F. 2002.")
    assert record.raw.startswith("<8>\nScore\n")
    assert record.raw.endswith("DOI Number\n  10.1002/eco.1563")


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            "Ecohydrology.   8(6):1048-1064, September 2015.",
            ("Ecohydrology", "8", "6", "1048-1064", 2015),
        ),
        (
            "Science of the Total Environment. 598:188-197, 2017 Nov 15.",
            ("Science of the Total Environment", "598", None, "188-197", 2017),
        ),
        (
            "Lancet. 392 (10159) (pp 1736-1788), 2018. Date of Publication: 10 Nov 2018.",
            ("Lancet", "392", "10159", "1736-1788", 2018),
        ),
        ("BMJ Open. 9 (3) (pp e024586), 2019.", ("BMJ Open", "9", "3", "e024586", 2019)),
        (
            "Proc. Natl. Acad. Sci. 12(3):1-2, 2015.",
            ("Proc. Natl. Acad. Sci", "12", "3", "1-2", 2015),
        ),
    ],
)
def test_source_citations(source: str, expected: tuple[object, ...]) -> None:
    parts = ovid_tagged.parse_source(source)
    assert tuple(parts.get(k) for k in ("journal", "volume", "issue", "pages", "year")) == expected


def test_source_without_details() -> None:
    assert ovid_tagged.parse_source("Journal of Orthopaedic Trauma. ") == {
        "journal": "Journal of Orthopaedic Trauma",
        "year": None,
    }


# --- small inline cases: field-tagged -----------------------------------------------


def _tagged(n: int, title: str = "TI  - A title\n") -> str:
    return (
        f"<{n}. >\nVN  - Ovid Technologies\nDB  - Embase\nUI  - {n}\n{title}YR  - 2018\n"
        "CR  - Copyright\n\n"
    )


def test_tagged_truncated_last_record() -> None:
    text = _tagged(1) + _tagged(2) + _tagged(3) + "<4. >\nVN  - Ovid Technologies\nTI  - Cu"
    with pytest.raises(FormatError, match="truncated") as caught:
        list(ovid_tagged.read(text))
    assert caught.value.locator == "line 25"


def test_tagged_bare_marker_at_the_end() -> None:
    with pytest.raises(FormatError, match="truncated") as caught:
        list(ovid_tagged.read(_tagged(1) + "<2. >\n"))
    assert caught.value.locator == "line 9"


def test_tagged_two_records_are_not_judged() -> None:
    # one earlier record is too few to know how records end
    text = _tagged(1) + "<2. >\nVN  - Ovid Technologies\nTI  - Cu"
    assert len(list(ovid_tagged.read(text))) == 2


def test_tagged_no_title_and_unknown_tag_kept() -> None:
    text = _tagged(1) + _tagged(2, title="ZQ  - brand new\n      wrapped\n")
    records = list(ovid_tagged.read(text))
    assert records[1].title is None
    assert records[1].fields["ZQ"] == "brand new\nwrapped"


def test_tagged_header_before_first_record_is_skipped() -> None:
    text = "Database: Embase <1974 to 2020>\nSearch Strategy:\n1 asthma.mp. (3)\n\n" + _tagged(1)
    (record,) = ovid_tagged.read(text)
    assert record.locator == "line 5"
    assert ovid_tagged.sniff(text)


def test_tagged_needs_markers() -> None:
    with pytest.raises(FormatError, match="not an Ovid export"):
        list(ovid_tagged.read("TY  - JOUR\nTI  - x\nER  - \n"))
    assert not ovid_tagged.sniff("1.\nTY  - JOUR\nDB  - Ovid\nER  - \n")


# --- small inline cases: labelled ---------------------------------------------------


def _labelled(n: int, title: str = "Title\n  A title\n") -> str:
    return (
        f"<{n}>\nAccession Number\n  {n}.\n{title}Source\n  J. 1(2):3-4, 2001.\n"
        "References\n  Ref one.\n\n  Ref two.\nISSN\n  1234-5678\n\n"
    )


def test_labelled_ends_on_a_label_without_value() -> None:
    text = _labelled(1) + "<2>\nAccession Number\n  2.\nAbstract\n"
    with pytest.raises(FormatError, match="truncated") as caught:
        list(ovid_labelled.read(text))
    assert caught.value.locator == "line 18"


def test_labelled_truncated_by_closing_label() -> None:
    text = _labelled(1) + _labelled(2) + _labelled(3) + "<4>\nAccession Number\n  4.\nTitle\n  Cu"
    with pytest.raises(FormatError, match="truncated"):
        list(ovid_labelled.read(text))


def test_labelled_no_title_and_unknown_label_kept() -> None:
    text = _labelled(1) + _labelled(2, title="Brand New Label\n  something\n")
    records = list(ovid_labelled.read(text))
    assert [r.title for r in records] == ["A title", None]
    assert records[1].fields["Brand New Label"] == "something"
    assert records[0].cited_refs == ["Ref one.", "Ref two."]
    assert records[1].locator == "line 15"
    assert (records[0].volume, records[0].issue, records[0].pages) == ("1", "2", "3-4")


def test_labelled_sniffer_is_specific() -> None:
    assert ovid_labelled.sniff(_labelled(1))
    assert not ovid_labelled.sniff(_tagged(1))
    assert not ovid_tagged.sniff(_labelled(1))
