"""BibTeX reader: the real Scopus exports, WoS-style entries, LaTeX, and broken input."""

from __future__ import annotations

from pathlib import Path

import pytest

from mnr.errors import FormatError
from mnr.formats import bibtex
from mnr.records import ParsedRecord
from tests.conftest import read_export

# file -> (records, records with an abstract, cited references) from exports/README.md
GOLDEN = {
    "pybibx__scopus_m.bib": (24, 24, 0),
    "synthesisr__Scopus_bib_example.bib": (3, 3, 0),
}


def _read(text: str) -> list[ParsedRecord]:
    return list(bibtex.read(text))


def detected_name(text: str) -> str:
    """The name of the format detection picks for ``text``."""
    from mnr.formats import detect

    return detect(text).NAME


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_golden_counts(exports: Path, name: str) -> None:
    records = _read(read_export(exports / "bibtex" / name))
    expected_records, expected_abstracts, expected_refs = GOLDEN[name]
    assert len(records) == expected_records
    assert sum(1 for r in records if r.abstract) == expected_abstracts
    assert sum(len(r.cited_refs) for r in records) == expected_refs
    assert all(r.title and r.year and r.authors for r in records)


def test_every_bibtex_export_is_covered(exports: Path) -> None:
    assert {p.name for p in (exports / "bibtex").iterdir()} == set(GOLDEN)


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_detected_as_bibtex(exports: Path, name: str) -> None:
    assert detected_name(read_export(exports / "bibtex" / name)) == "bibtex"


def test_sniff_claims_only_bibtex_exports(exports: Path) -> None:
    for path in sorted(exports.rglob("*")):
        if path.is_file() and path.parent != exports:
            assert bibtex.sniff(read_export(path)) == (path.parent.name == "bibtex"), path


def test_scopus_2023_export(exports: Path) -> None:
    """BOM + 'Scopus / EXPORT DATE' preamble, tab indents, en dash pages, odd keys."""
    records = _read(read_export(exports / "bibtex" / "pybibx__scopus_m.bib"))
    first = records[0]
    assert first.locator == "line 4"  # after 'Scopus', 'EXPORT DATE: ...' and a blank line
    assert first.raw.startswith("@ARTICLE{Haseli202079,")
    assert first.raw.endswith("}")
    assert first.title == (
        "Base-criterion on multi-criteria decision-making method and its applications"
    )
    assert first.authors == ["Haseli, Gholamreza", "Sheikh, Reza", "Sana, Shib Sankar"]
    assert first.year == 2020
    assert first.journal == "International Journal of Management Science and Engineering Management"
    assert (first.volume, first.issue, first.pages) == ("15", "2", "79-88")
    assert first.fields["pages"] == "79 – 88"  # fields keep the source's value
    assert first.doi == "10.1080/17509653.2019.1633964"
    assert first.source_id == "2-s2.0-85083087417"
    assert first.source_database == "Scopus"
    assert first.pub_type == "article"
    assert first.language == "English"
    assert first.keywords[:2] == ["consistency ratio", "incomplete data"]
    assert first.fields["ID"] == "Haseli202079"

    # a citation key with a space and a period (bibtexparser 1.x dropped this entry)
    carmone = next(r for r in records if r.fields["ID"] == "Carmone Jr.1997538")
    assert carmone.authors[0] == "Carmone Jr., Frank J."
    assert carmone.year == 1997
    assert carmone.doi == "10.1016/s0377-2217(96)00250-0"
    assert carmone.fields["note"] == "Cited by: 136"

    conference = next(r for r in records if r.fields["ID"] == "Entani2019")
    assert conference.pub_type == "conference"
    assert records[-1].title == (
        "Estimation of missing judgments in AHP pairwise matrices using a neural "
        "network-based model"
    )
    assert sum(1 for r in records if r.doi) == 22
    assert [r.fields["ID"] for r in records if r.authors[0].startswith("Kułakowski")] == [
        "Kułakowski2019221",
        "Kułakowski2015529",
    ]


def test_scopus_duplicate_field_entry_is_recovered(exports: Path) -> None:
    """Entry 1 repeats 'funding_details': bibtexparser sets it aside, mnr keeps it."""
    records = _read(read_export(exports / "bibtex" / "synthesisr__Scopus_bib_example.bib"))
    assert [r.fields["ID"] for r in records] == ["Li2020", "Cao2020", "Tang2020"]
    assert [r.locator for r in records] == ["line 2", "line 28", "line 53"]
    li = records[0]
    funding = li.fields["funding_details"]
    assert isinstance(funding, list) and len(funding) == 2
    assert funding[0] == "University of TwenteUniversity of Twente"
    # the field name's "space" is a no-break space (U+00A0) in this file
    assert "funding_text\u00a01" in li.fields
    assert "funding_text\u00a01" in records[1].fields
    assert li.fields["note"] == "cited By 0"
    assert li.source_id == "2-s2.0-85079532227"
    assert li.doi == "10.1080/20964129.2020.1722034"
    assert li.url is not None and "doi=10.1080%2f20964129" in li.url  # '%' is not LaTeX here
    assert li.authors[:2] == ["Li, W.", "Dou, Z."] and len(li.authors) == 10
    assert li.pages is None and li.fields["art_number"] == "1722034"
    assert li.keywords[0] == "Environmental factors"
    assert records[2].authors == ["Tang, H.", "Geng, G.", "zhou, M."]
    assert records[2].journal == "Sensing and Imaging"


WOS_ENTRY = r"""@article{ WOS:000123,
Author = {Silva, J. and Souza, Maria},
Title = {{A paper on {GIS} in M\"{u}nchen}},
Journal = {ECOLOGY},
Year = {2024},
Volume = {5},
Number = {2},
Pages = {10-20},
DOI = {10.1111/AAA.111},
Keywords = {wetlands; soil fauna},
Keywords-Plus = {BIODIVERSITY; Soil Fauna},
Cited-References = {{[}Anonymous], 2011, J CELL BIOL.
   Acemoglu D, 2022, ECONOMETRICA, V90, P1973, DOI 10.3982/ECTA19815.
   Author B, 2018, AM ECON REV, V108, P1488, DOI 10.1257/AER.20160696.},
Number-of-Cited-References = {3},
Unique-ID = {WOS:000123},
}
"""


def test_web_of_science_bibtex() -> None:
    (record,) = _read(WOS_ENTRY)
    assert record.title == "A paper on GIS in München"
    assert record.authors == ["Silva, J.", "Souza, Maria"]
    assert record.cited_refs == [
        "[Anonymous], 2011, J CELL BIOL",
        "Acemoglu D, 2022, ECONOMETRICA, V90, P1973, DOI 10.3982/ECTA19815",
        "Author B, 2018, AM ECON REV, V108, P1488, DOI 10.1257/AER.20160696",
    ]
    assert record.source_id == "WOS:000123"
    assert record.source_database == "Web of Science"
    assert record.keywords == ["wetlands", "soil fauna", "BIODIVERSITY"]
    assert record.doi == "10.1111/aaa.111"
    assert record.fields["Number-of-Cited-References"] == "3"


def test_latex_is_decoded_only_where_mapped() -> None:
    text = r"""@string{jnl = "Journal of {LaTeX} Tests"}
@inproceedings{doe:2001,
  author = {M{\"u}ller, J{\"o}rg and Jane Q. Doe and {World Health Organization}},
  title = {Caf\'{e} {AHP} \& R\&D -- a study},
  booktitle = jnl,
  year = 2001,
  abstract = {Use rose by 50% in caf\'es; \emph{in vivo}.},
  url = {https://example.org/x?doi=10.1%2f2},
  keywords = {alpha, beta},
}
"""
    (record,) = _read(text)
    assert record.authors == ["Müller, Jörg", "Doe, Jane Q.", "World Health Organization"]
    assert record.title == "Café AHP & R&D – a study"
    assert record.journal == "Journal of LaTeX Tests"  # @string resolved, braces removed
    assert record.year == 2001
    assert record.abstract == "Use rose by 50% in cafés; in vivo."
    assert record.url == "https://example.org/x?doi=10.1%2f2"
    assert record.keywords == ["alpha", "beta"]
    assert record.fields["title"] == r"Caf\'{e} {AHP} \& R\&D -- a study"  # as in the file
    assert record.source_id == "doe:2001"  # no EID or Unique-ID: the citation key
    assert record.pub_type == "inproceedings"


def test_entry_without_title_and_duplicate_keys_are_kept() -> None:
    text = "@misc{same,\n  year = {2001}\n}\n\n@misc{same,\n  funding_text 1 = {Second}\n}\n"
    records = _read(text)
    assert [(r.title, r.year) for r in records] == [(None, 2001), (None, None)]
    assert [r.locator for r in records] == ["line 1", "line 5"]
    assert records[1].fields["funding_text 1"] == "Second"  # a field name with a space


def test_truncated_entry_is_an_error_with_its_line() -> None:
    text = "@article{good,\n title={Fine}\n}\n\n@article{broken2020,\n title={Never closed\n"
    with pytest.raises(FormatError) as info:
        _read(text)
    assert info.value.locator == "line 5"
    assert "broken2020" in info.value.message


def test_broken_entry_in_the_middle_fails_the_whole_file() -> None:
    text = (
        "@article{one,\n title={One}\n}\n"
        "@article{two,\n title {Two},\n year = 2001\n}\n"
        "@article{three,\n title={Three}\n}\n"
    )
    with pytest.raises(FormatError) as info:
        _read(text)
    assert info.value.locator == "line 4"
    assert "two" in info.value.message


@pytest.mark.parametrize("text", ["", "\n\n", "Scopus\nEXPORT DATE: 1 May 2020\n", "@comment{x}"])
def test_no_entries_is_an_error(text: str) -> None:
    with pytest.raises(FormatError, match="no BibTeX entries found"):
        _read(text)


def test_sniff() -> None:
    assert bibtex.sniff("Scopus\nEXPORT DATE: 08 July 2023\n\n@ARTICLE{x,\n title={t}}")
    assert bibtex.sniff("  @inproceedings (key,\n")
    assert not bibtex.sniff("@comment{only a comment}\n@string{a = {b}}\n")
    assert not bibtex.sniff("TY  - JOUR\nAB  - mail me @home{x}\nER  - \n")


def test_many_entries() -> None:
    entry = "@article{k{n},\n author = {A, B and C, D},\n title = {T {n}},\n year = {2001}\n}\n"
    text = "".join(entry.replace("{n}", str(n)) for n in range(3000))
    records = _read(text)
    assert len(records) == 3000
    assert records[-1].title == "T 2999" and records[-1].locator == "line 14996"
