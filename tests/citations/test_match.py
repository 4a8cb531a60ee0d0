"""Matching cited references to works: DOI, Web of Science style, title; near misses;
the real Web of Science sample's within-corpus citations, checked by hand."""

from __future__ import annotations

from pathlib import Path

import pytest

from mnr.citations.external import group_unmatched
from mnr.citations.match import Match, WorkIndex, WorkKey, shares
from mnr.citations.parse import parse, parse_many
from mnr.dedupe.passes import deduplicate
from mnr.formats import detect
from mnr.library import Library
from mnr.searches import ImportOptions, import_file
from tests.conftest import read_export
from tests.helpers import make_project

JASA = "Journal of the American Statistical Association"
WORKS = [
    WorkKey.of(1, authors=["Smith, John"], year=2001, journal=JASA, volume="96",
               pages="1348-1360", title="A randomised trial of exercise for depression in "
               "older adults", dois=["10.1198/016214501753382363"]),
    # the same author, year and journal: another paper
    WorkKey.of(2, authors=["Smith, J."], year=2001, journal=JASA, volume="96",
               pages="1400-1410", title="Depression screening in primary care: a cohort study"),
    WorkKey.of(3, authors=["Agostini, Alessandro"], year=2017,
               journal="Neurogastroenterology and Motility", volume="29", title=(
                   "Stress and brain functional changes in patients with Crohn's disease: "
                   "a functional magnetic resonance imaging study")),
    WorkKey.of(4, authors=["Agostini, A."], year=2017, journal="Neuroimage", title=(
        "Brain structural changes in patients with ulcerative colitis: a diffusion "
        "tensor imaging study")),
    WorkKey.of(5, authors=["Borg, Ingwer", "Groenen, Patrick"], year=1996,
               title="Modern Multidimensional Scaling: Theory and Applications"),
    WorkKey.of(6, authors=["Kessler, R. C."], year=2005, journal="Arch Gen Psychiatry",
               title="Lifetime prevalence of mental disorders in the national comorbidity "
               "survey replication, part 1"),
    WorkKey.of(7, authors=["Kessler, R. C."], year=2005, journal="Arch Gen Psychiatry",
               title="Lifetime prevalence of mental disorders in the national comorbidity "
               "survey replication, part 2"),
    WorkKey.of(8, authors=["Patel, Vikram"], year=2010, journal="Lancet",
               title="Depression in adolescents: a review of treatments in primary care"),
]


@pytest.fixture(scope="module")
def index() -> WorkIndex:
    return WorkIndex(WORKS)


def _match(index: WorkIndex, raw: str) -> tuple[int | None, str | None]:
    found = index.match(parse(raw))
    return found.work_id, found.how


@pytest.mark.parametrize("raw", [
    "Smith J, 2001, J AM STAT ASSOC, V96, P1348, DOI 10.1198/016214501753382363",
    "DOI 10.1198/016214501753382363",  # Crossref: the DOI alone
    "Smyth J. A trial. Some journal. 2003. https://doi.org/10.1198/016214501753382363",
])
def test_doi(index: WorkIndex, raw: str) -> None:
    assert _match(index, raw) == (1, "doi")


@pytest.mark.parametrize(("raw", "work"), [
    ("SMITH J, 2001, J AM STAT ASSOC, V96, P1348", 1),  # no DOI
    ("SMITH J, 2001, J AM STAT ASSOC, V96, P1400", 2),
    ("Smith J, 2001, J AM STAT ASSOC, V96", None),  # two papers in that volume: ambiguous
    ("Smith J, 2001, J AM STAT ASSOC, P1400", 2),  # one of volume and page, journal agreeing
    ("Smith J, 2001, AM STAT, V96, P1348", 1),  # journal not recognised: volume and page
    ("SMITH J, 2002, J AM STAT ASSOC, V96, P1348", 1),  # year one off, all else agreeing
    ("SMTIH J, 2001, J AM STAT ASSOC, V96, P1348", 1),  # misspelt, volume and page agreeing
    ("Smith, J., A trial (2001) J. Am. Stat. Assoc., 96, pp. 1348-1360", 1),  # Scopus parts
    ("Borg I., 1996, MODERN MULTIDIMENSIO", 5),  # a book, its title cut short
])
def test_wos_style(index: WorkIndex, raw: str, work: int | None) -> None:
    assert _match(index, raw) == (work, "citation" if work else None)


@pytest.mark.parametrize(("raw", "work"), [
    # Scopus RIS without volume or pages
    ("Agostini, A., Ballotta, D., Stress and brain functional changes in patients with "
     "Crohn's disease: a functional magnetic resonance imaging study (2017) "
     "Neurogastroenterol. Motil.", 3),
    # a typo, the year one off, the journal abbreviated (Scopus CSV)
    ("Agostini A.; Ballotta D., Stress and brain functional changes in patients with Crohns "
     "disease: a functional magnetic resonance imagingstudy, Neurogastroenterol Motil, (2018)",
     3),
    # no authors: the year's titles are searched
    ("Stress and brain functional changes in patients with Crohn's disease: a functional "
     "magnetic resonance imaging study, Neurogastroenterol Motil, (2017)", 3),
    ("Kessler R.C., Lifetime prevalence of mental disorders in the National Comorbidity Survey "
     "Replication, Part 2, Arch Gen Psychiatry, (2005)", 7),
    # Ovid free text
    ("Patel V. 2010. Depression in adolescents: a review of treatments in primary care. "
     "Lancet.", 8),
])
def test_title_style(index: WorkIndex, raw: str, work: int) -> None:
    assert _match(index, raw) == (work, "title")


@pytest.mark.parametrize("raw", [
    # same author and year (and journal): another volume, another page, no evidence
    "SMITH J, 2001, J AM STAT ASSOC, V96, P1500",
    "SMITH J, 2001, J AM STAT ASSOC, V97, P1348",
    "SMITH J, 2001, J AM STAT ASSOC",
    "SMITH J, 2001, LANCET, V96",
    # everything agrees but a DOI naming another paper
    "SMITH J, 2001, J AM STAT ASSOC, V96, P1348, DOI 10.1000/another",
    # another author, or two years off
    "JONES K, 2001, J AM STAT ASSOC, V96, P1348",
    "SMITH J, 2003, J AM STAT ASSOC, V96, P1348",
    # the year off by one needs volume, page and journal
    "SMITH J, 2002, J AM STAT ASSOC, V96",
    # same author and year, a similar title of another paper
    "Agostini, A., Brain functional changes in patients with ulcerative colitis: a functional "
    "magnetic resonance imaging study on emotional processing (2017) Inflamm. Bowel Dis.",
    "Agostini A., Brain structural changes in patients with Crohn's disease: a diffusion "
    "tensor imaging study, Neuroimage, (2017)",
    "Patel V. 2010. Depression in adults: a review of treatments in primary care. Lancet.",
    # part 3 is neither part 1 nor part 2
    "Kessler R.C., Lifetime prevalence of mental disorders in the National Comorbidity Survey "
    "Replication, Part 3, Arch Gen Psychiatry, (2005)",
    # the same title by another first author
    "Jones, K., Stress and brain functional changes in patients with Crohn's disease: a "
    "functional magnetic resonance imaging study (2017) Neurogastroenterol. Motil.",
    # a volume and page that agree under a title that does not
    "Smith J.; Jones K., Sleep and memory in adolescents, J Am Stat Assoc, 96, (2001)",
])
def test_near_misses_do_not_match(index: WorkIndex, raw: str) -> None:
    assert _match(index, raw) == (None, None)


def test_match_all_and_shares(index: WorkIndex) -> None:
    refs = parse_many(["SMITH J, 2001, J AM STAT ASSOC, V96, P1348"] * 2
                      + ["DOI 10.1198/016214501753382363", "JONES K, 2001, LANCET, V1, P1"])
    matches = index.match_all(refs)
    assert matches == [index.match(r) for r in refs]
    assert matches[0] == Match(1, "citation") and matches[2] == Match(1, "doi")
    assert shares(matches) == {"matched": 0.75, "doi": 0.25, "citation": 0.5, "title": 0.0}


def test_unmatched_references_to_one_paper_are_grouped(index: WorkIndex) -> None:
    raws = [
        "FREEMAN LC, 1979, SOC NETWORKS, V1, P215, DOI 10.1016/0378-8733(78)90021-7",
        "Freeman LC, 1979, SOC NETWORKS, V1, P215",  # no DOI: joined by the page
        "Freeman, L.C., Centrality in social networks conceptual clarification (1979) "
        "Soc. Networks, 1 (3), pp. 215-239",  # Scopus: joined by the page too
        "Freeman, L.C., Centrality in social networks: conceptual clarification (1979) "
        "Social Networks",  # no volume or page: joined by the title
        "FREEMAN LC, 1979, SOCIAL NETWORKS",  # the journal alone: the one group it names
        "FREEMAN LC, 1977, SOCIOMETRY, V40, P35",  # another paper
        "SMITH J, 2001, J AM STAT ASSOC, V96, P1348",  # matched: not external
    ]
    refs = parse_many(raws)
    nodes = group_unmatched(refs, index.match_all(refs), citing=[10, 11, 11, 12, 13, 10, 14])
    assert [(n.key, n.members, n.citing) for n in nodes] == [
        ("doi:10.1016/0378-8733(78)90021-7", [0, 1, 2, 3, 4], 4),
        ("page:freeman|1977|35", [5], 1),
    ]
    assert nodes[0].ref.raw == raws[2]  # the fullest reference stands for the group
    assert [n.citing for n in group_unmatched(refs, index.match_all(refs))] == [5, 1]


def test_a_journal_alone_does_not_choose_between_two_papers(index: WorkIndex) -> None:
    raws = ["FREEMAN LC, 1979, SOC NETWORKS, V1, P215", "FREEMAN LC, 1979, SOC NETWORKS, V1, P99",
            "FREEMAN LC, 1979, SOC NETWORKS", "Freeman L, 1979, SOCIAL NETWORKS"]
    refs = parse_many(raws)
    nodes = group_unmatched(refs, index.match_all(refs))
    assert sorted(n.members for n in nodes) == [[0], [1], [2, 3]]


# -- the real Web of Science sample ------------------------------------------------------

# Within-corpus citations found in wosfile__wos_plaintext.txt and checked by hand:
# (citing first author and year, cited reference as written, cited record's DOI)
WOS_EDGES = {
    ("Croft, David", 2011, "Schaefer CF, 2009, NUCLEIC ACIDS RES, V37, pD674, DOI "
     "10.1093/nar/gkn653", "10.1093/nar/gkn653"),
    ("Borner, K", 2005, "BORNER K, 2003, VISUALIZING KNOWLEDG, P179", "10.1002/aris.1440370106"),
    ("Yang, Chaowei", 2010, "Yang C, 2009, INT J GEOGR INF SCI, V23, P553, DOI "
     "10.1080/13658810902733682", "10.1080/13658810902733682"),
    ("Ortega, Jose Luis", 2008, "ORTEGA JL, 2008, SCIENTOMETRICS, V74",
     "10.1007/s11192-008-0218-9"),
    ("van Eck, Nees Jan", 2010, "Borner K, 2003, ANNU REV INFORM SCI, V37, P179, DOI "
     "10.1002/aris.1440370106", "10.1002/aris.1440370106"),
    ("Leydesdorff, Loet", 2011, "Chen CM, 2006, J AM SOC INF SCI TEC, V57, P359, DOI "
     "10.1002/asi.20317", "10.1002/asi.20317"),
    ("Leydesdorff, Loet", 2011, "Leydesdorff L, 2010, J AM SOC INF SCI TEC, V61, P1622, DOI "
     "10.1002/asi.21347", "10.1002/asi.21347"),
    ("Basole, Rahul C.", 2009, "Owen-Smith J, 2004, ORGAN SCI, V15, P5, DOI "
     "10.1287/orsc.1030.0054", "10.1287/orsc.1030.0054"),
}


def test_wos_sample_within_corpus_citations(wos_sample: Library) -> None:
    index = WorkIndex.from_library(wos_sample)
    records = list(wos_sample.records())
    assert len(records) == len(index.keys) == 50
    doi_of = {r.work_id: r.doi for r in records}
    refs, edges = [], set()
    for record in records:
        for ref, found in zip(parsed := parse_many(record.cited_refs),
                              index.match_all(parsed), strict=True):
            refs.append(found)
            if found.work_id is not None:
                assert found.work_id != record.work_id  # no self-loops in this sample
                edges.add((record.authors[0], record.year, ref.raw, doi_of[found.work_id]))
                print(f"{record.label} {record.authors[0]} {record.year} -> "
                      f"W{found.work_id} [{found.how}] {ref.raw}")
    assert len(refs) == 2911
    assert edges == WOS_EDGES
    assert shares(refs)["doi"] * 2911 == pytest.approx(6)
    assert shares(refs)["citation"] * 2911 == pytest.approx(2)


def test_wos_sample_external_nodes(exports: Path) -> None:
    text = read_export(exports / "wos_plaintext" / "wosfile__wos_plaintext.txt")
    records = list(detect(text).read(text))
    refs = [ref for r in records for ref in parse_many(r.cited_refs)]
    citing = [at for at, r in enumerate(records) for _ in r.cited_refs]
    nodes = group_unmatched(refs, [Match(None, None)] * len(refs), citing)
    top = nodes[0]  # Kamada and Kawai's layout, cited by nine of the fifty records
    assert (top.key, top.citing) == ("doi:10.1016/0020-0190(89)90102-6", 9)
    assert {refs[i].raw for i in top.members} == {
        "KAMADA T, 1989, INFORM PROCESS LETT, V31, P7, DOI 10.1016/0020-0190(89)90102-6",
        "KAMADA T, 1989, INFORM PROCESSING LE, P7", "KAMADA T, 1989, INFORM PROCESSING LE"}
    assert sum(1 for n in nodes if n.citing >= 2) > 100


GOLDEN_SOURCES = {  # file (and database) -> cited references
    "wos_plaintext/wosfile__wos_plaintext.txt": 2911,
    "ris/asreview__scopus.ris": 795,
    "csv/bibliometrix__scopus_sample.csv": 381,
    "json/colrev__10.2196_22081.json": 61,
    "ovid_tagged/jabref__OvidImporterTest4.txt": 108,
}


def test_shares_per_source_in_one_library(exports: Path, tmp_path: Path) -> None:
    """Every source that carries references, in one library: what each matches."""
    project = make_project(tmp_path)
    library = Library.open(project.database_file)
    try:
        for name in GOLDEN_SOURCES:
            import_file(project, library, exports / name, ImportOptions(database=name))
        deduplicate(library)
        index = WorkIndex.from_library(library)
        records = list(library.records())
    finally:
        library.close()
    matched: dict[str, list[Match]] = {}
    for record in records:
        matched.setdefault(record.database, []).extend(
            index.match_all(parse_many(record.cited_refs)))
    for name, found in matched.items():
        print(f"{name}: {len(found)} references, {shares(found)}")
    counts = {name: sum(1 for m in found if m.work_id is not None)
              for name, found in matched.items()}
    assert {n: len(f) for n, f in matched.items()} == GOLDEN_SOURCES
    assert counts == {name: 8 if name.startswith("wos") else 0 for name in GOLDEN_SOURCES} | {
        "csv/bibliometrix__scopus_sample.csv": 1}
    # the one edge across sources: a Scopus reference to a Web of Science record
    chen = next(r for r in records if r.doi == "10.1002/asi.20317")
    [ref] = [ref for r in records if r.database.startswith("csv/")
             for ref in r.cited_refs if ref.startswith("Chen C., Citespace II")]
    assert index.match(parse(ref)) == (chen.work_id, "citation")
