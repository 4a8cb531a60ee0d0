"""Cited references: counts per source (exports/README.md) and parts read by hand."""

from __future__ import annotations

from pathlib import Path

import pytest

from mnr.citations.parse import CitedRef, parse, parse_many
from mnr.formats import detect
from tests.conftest import read_export

# file -> (reader, records, cited references): the README's "Files with cited-reference lists"
GOLDEN = {
    "wos_plaintext/wosfile__wos_plaintext.txt": ("wos_text", 50, 2911),
    "wos_tabdelim/wosfile__wos_tab_delimited_win_utf8.txt": ("wos_tab", 50, 2911),
    "wos_plaintext/rispy__example_wos.ris": ("wos_text", 2, 145),
    "ris/asreview__scopus.ris": ("ris", 6, 795),
    "csv/bibliometrix__scopus_sample.csv": ("csv_table", 8, 381),
    "json/colrev__10.2196_22081.json": ("crossref_json", 1, 61),
    "ovid_tagged/jabref__OvidImporterTest4.txt": ("ovid_labelled", 1, 108),
}


def _refs(exports: Path, name: str) -> list[str]:
    text = read_export(exports / name)
    reader = detect(text)
    records = list(reader.read(text))
    assert (reader.NAME, len(records)) == GOLDEN[name][:2]
    assert all(record.cited_refs for record in records)
    return [ref for record in records for ref in record.cited_refs]


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_reference_counts_per_source(exports: Path, name: str) -> None:
    raws = _refs(exports, name)
    assert len(raws) == GOLDEN[name][2]
    refs = parse_many(raws)
    assert [r.raw for r in refs] == raws
    # most references give at least a first author or a DOI, and a year or a DOI
    known = sum(1 for r in refs if (r.first_author or r.doi) and (r.year or r.doi))
    assert known / len(refs) > 0.95


def test_the_two_wos_layouts_parse_alike(exports: Path) -> None:
    plain = parse_many(_refs(exports, "wos_plaintext/wosfile__wos_plaintext.txt"))
    tab = parse_many(_refs(exports, "wos_tabdelim/wosfile__wos_tab_delimited_win_utf8.txt"))
    assert plain == tab


def _fields(ref: CitedRef) -> tuple[object, ...]:
    return (ref.first_author, ref.year, ref.title, ref.source, ref.volume, ref.first_page,
            ref.doi)


# Read by hand in the files (line numbers of the sample exports).
KNOWN = {
    # wos_plaintext line 24, the first CR of the first record
    "Ahuja G, 2000, ADMIN SCI QUART, V45, P425, DOI 10.2307/2667105":
        ("ahuja", 2000, None, "ADMIN SCI QUART", "45", "425", "10.2307/2667105"),
    # line 818: a book, its title cut to 20 letters in the source
    "Borg I., 1996, MODERN MULTIDIMENSIO":
        ("borg", 1996, None, "MODERN MULTIDIMENSIO", None, None, None),
    # line 1173: unpublished, no year
    "LIU Y, WATER RESOURCE UNPUB": ("liu", None, None, "WATER RESOURCE UNPUB", None, None, None),
    # rispy__example_wos.ris: a DOI with a '+'
    "Meadows KA, 1998, BIOCHEMISTRY-US, V37, P3411, DOI 10.1021/bi972269+":
        ("meadows", 1998, None, "BIOCHEMISTRY-US", "37", "3411", "10.1021/bi972269+"),
    # asreview__scopus.ris line 37: the first reference of the first record
    "Agostini, A., Ballotta, D., Righi, S., Moretti, M., Bertani, A., Scarcelli, A., Sartini, "
    "A., Benuzzi, F., Stress and brain functional changes in patients with Crohn's disease: a "
    "functional magnetic resonance imaging study (2017) Neurogastroenterol. Motil., 29, "
    "pp. 1-10":
        ("agostini", 2017, "Stress and brain functional changes in patients with Crohn's "
         "disease: a functional magnetic resonance imaging study", "Neurogastroenterol. Motil",
         "29", "1", None),
    # line 861: volume (issue)
    "Martinez, I., Wallace, G., Zhang, C., Legge, R., Benson, A.K., Carr, T.P., Moriyama, E.N., "
    "Walter, J., Diet-induced metabolic improvements in a hamster model of hypercholesterolemia "
    "are strongly linked to alterations of the gut microbiota (2009) Appl Environ Microbiol, "
    "75 (12), pp. 4175-4184":
        ("martinez", 2009, "Diet-induced metabolic improvements in a hamster model of "
         "hypercholesterolemia are strongly linked to alterations of the gut microbiota",
         "Appl Environ Microbiol", "75", "4175", None),
    # bibliometrix__scopus_sample.csv: commas in the title, brackets in the source
    "Cheng M.; Xue Y.; Cui M., Global, regional, and national burden of low back pain: findings "
    "from the global burden of disease study 2021 and projections to 2050, Spine (Phila Pa "
    "1976), 50, pp. E128-E139, (2025)":
        ("cheng", 2025, "Global, regional, and national burden of low back pain: findings from "
         "the global burden of disease study 2021 and projections to 2050",
         "Spine (Phila Pa 1976)", "50", "E128", None),
    # no authors
    "The global epidemic of low back pain, Lancet Rheumatol, 5, (2023)":
        (None, 2023, "The global epidemic of low back pain", "Lancet Rheumatol", "5", None,
         None),
    # volume, issue, pages
    "Morand E.F.; Furie R.; Tanaka Y., Trial of anifrolumab in active systemic lupus "
    "erythematosus, N Engl J Med, 382, 3, pp. 211-221, (2020)":
        ("morand", 2020, "Trial of anifrolumab in active systemic lupus erythematosus",
         "N Engl J Med", "382", "211", None),
    # colrev__10.2196_22081.json: ref1 (a DOI alone), ref5 and ref51 (parts joined)
    "DOI 10.1056/NEJMp2005835": (None, None, None, None, None, None, "10.1056/nejmp2005835"),
    "Magoon, V, 2020, Fam Pract Manag, V27, P5":
        ("magoon", 2020, None, "Fam Pract Manag", "27", "5", None),
    "Cohen, J, 1988, Statistical Power Analysis for the Behavioral Sciences":
        ("cohen", 1988, None, "Statistical Power Analysis for the Behavioral Sciences", None,
         None, None),
    # jabref__OvidImporterTest4.txt lines 19 and 191
    "Aber JD, Nadelhoffer KJ, Streudler P, Melillo JM. 1989. Nitrogen saturation in northern "
    "forest ecosystems. Bioscience 39: 378-386.":
        ("aber", 1989, "Nitrogen saturation in northern forest ecosystems", "Bioscience", "39",
         "378", None),
    "Scholl MA, Giambelluca TW, Gingerich SB, Nullet MA, Loope LL. 2007. Cloud water in "
    "windward and leeward mountain forests: the stable isotope signature of orographic cloud "
    "water. Water Resources Research 43. DOI: 10.1029/2007WR006011.":
        ("scholl", 2007, "Cloud water in windward and leeward mountain forests: the stable "
         "isotope signature of orographic cloud water", None, None, None,
         "10.1029/2007wr006011"),
}


@pytest.mark.parametrize("raw", sorted(KNOWN))
def test_known_references(raw: str) -> None:
    assert _fields(parse(raw)) == KNOWN[raw]


def test_known_references_are_in_the_exports(exports: Path) -> None:
    raws = {ref for name in GOLDEN for ref in _refs(exports, name)}
    assert set(KNOWN) <= raws


@pytest.mark.parametrize(("raw", "expected"), [
    ("Smith J, Jones K. A trial of exercise. Lancet. 2001;357(3):45-67.",
     ("smith", 2001, "A trial of exercise", "Lancet", "357", "45", None)),
    ("Smith, J., & Jones, K. (2001). A trial of exercise. Journal of Stuff, 12(3), 45-67. "
     "https://doi.org/10.1000/XYZ",
     ("smith", 2001, "A trial of exercise", "Journal of Stuff", "12", "45", "10.1000/xyz")),
    ("[Anonymous], 2011, J CELL BIOL", (None, 2011, None, "J CELL BIOL", None, None, None)),
    ("Karp Peter D, 2002, Bioinformatics, V18 Suppl 1, pS225",
     ("karp", 2002, None, "Bioinformatics", "18 Suppl 1", "S225", None)),
    ("van Eck NJ, 2010, SCIENTOMETRICS, V84, P523, DOI 10.1007/s11192-009-0146-3",
     ("vaneck", 2010, None, "SCIENTOMETRICS", "84", "523", "10.1007/s11192-009-0146-3")),
    ("Smith, 2019, A study of things, J Things, V3, P10, DOI 10.1000/abc",
     ("smith", 2019, "A study of things", "J Things", "3", "10", "10.1000/abc")),
    ("Xiong B.; Yang C., Sarcopenia after TIPS, Acad Radiol, 30, Suppl 1, pp. S246-S255, (2023)",
     ("xiong", 2023, "Sarcopenia after TIPS", "Acad Radiol", "30", "S246", None)),
])
def test_other_styles(raw: str, expected: tuple[object, ...]) -> None:
    assert _fields(parse(raw)) == expected


@pytest.mark.parametrize("junk", [
    "", "   ", "12345", ";;;,,,", "(2001)", "DOI", "V12, P3", "pp. , , (", "\x00\ufffd",
    "a" * 5000, ", " * 2000, "(1999) (2000) (2001)", "Smith, (2001), , , pp.",
    "10.1000/abc", "é" * 300 + ". 2001. " + "x" * 300,
])
def test_junk_never_raises(junk: str) -> None:
    ref = parse(junk)
    assert ref.raw == junk
    assert ref.year is None or 1500 <= ref.year <= 2099


def test_parse_many_parses_a_string_once() -> None:
    refs = parse_many(["Ahuja G, 2000, ADMIN SCI QUART, V45, P425"] * 3 + ["CATIA"])
    assert refs[0] is refs[1] is refs[2]
    assert refs[3].year is None and refs[3].source is None
