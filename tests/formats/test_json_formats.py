"""JSON readers: Crossref REST responses, CSL-JSON and Publish or Perish exports."""

from __future__ import annotations

import json
from pathlib import Path
from types import ModuleType

import pytest

from mnr.errors import FormatError
from mnr.formats import crossref_json, csl_json, pop_json
from mnr.records import ParsedRecord
from tests.conftest import read_export
from tests.formats.test_bibtex import detected_name

CROSSREF = "colrev__10.2196_22081.json"
POP = "colrev__google_scholar.json"
CSL = "zotero-better-bibtex__csl_ordering.csl.json"
# file -> (reader, records, records with an abstract, cited references), exports/README.md
GOLDEN: dict[str, tuple[ModuleType, int, int, int]] = {
    CROSSREF: (crossref_json, 1, 1, 61),
    POP: (pop_json, 7, 7, 0),
    CSL: (csl_json, 26, 0, 0),
}
READERS = (crossref_json, csl_json, pop_json)


def _read(reader: ModuleType, text: str) -> list[ParsedRecord]:
    return list(reader.read(text))


def _export(exports: Path, name: str) -> list[ParsedRecord]:
    return _read(GOLDEN[name][0], read_export(exports / "json" / name))


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_golden_counts(exports: Path, name: str) -> None:
    _, count, abstracts, refs = GOLDEN[name]
    records = _export(exports, name)
    assert len(records) == count
    assert sum(1 for r in records if r.abstract) == abstracts
    assert sum(len(r.cited_refs) for r in records) == refs
    for record in records:
        assert json.loads(record.raw) == record.fields
        json.dumps(record.fields)  # JSON-serialisable as the source gave it


def test_every_json_export_is_covered(exports: Path) -> None:
    assert {p.name for p in (exports / "json").iterdir()} == set(GOLDEN)


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_detection(exports: Path, name: str) -> None:
    assert detected_name(read_export(exports / "json" / name)) == GOLDEN[name][0].NAME


def test_sniffers_claim_only_their_own_export(exports: Path) -> None:
    for path in sorted(exports.rglob("*")):
        if path.is_file() and path.parent != exports:
            text = read_export(path)
            claimed = {reader.NAME for reader in READERS if reader.sniff(text)}
            expected = {GOLDEN[path.name][0].NAME} if path.name in GOLDEN else set()
            assert claimed == expected, path


# --- Crossref -----------------------------------------------------------------------


def test_crossref_work(exports: Path) -> None:
    (record,) = _export(exports, CROSSREF)
    assert record.title == (
        "Investigating Patients’ Intention to Continue Using Teleconsultation to Anticipate "
        "Postcrisis Momentum: Survey Study"
    )
    assert record.authors[:2] == ["Grenier Ouimet, Antoine", "Wagner, Gerit"]
    assert record.year == 2020
    assert record.journal == "Journal of Medical Internet Research"
    assert (record.volume, record.issue, record.pages) == ("22", "11", "e22081")
    assert record.doi == "10.2196/22081" and record.source_id == "10.2196/22081"
    assert record.issn == "1438-8871"
    assert (record.language, record.pub_type) == ("en", "journal-article")
    assert record.source_database == "Crossref"
    assert record.locator == "item 1"
    assert record.abstract is not None
    assert record.abstract.startswith("Background The COVID-19 crisis has drastically")
    assert "<jats" not in record.abstract and "P<.001" in record.abstract
    assert record.fields["reference-count"] == 61
    assert record.fields["is-referenced-by-count"] == 10
    assert len(record.fields["reference"]) == 61
    refs = record.cited_refs
    assert refs[0] == "DOI 10.1056/NEJMp2005835"
    assert refs[4] == "Magoon, V, 2020, Fam Pract Manag, V27, P5"
    assert sum(1 for ref in refs if "DOI 10." in ref) == 57


def test_crossref_work_list_and_reference_forms() -> None:
    items = [
        {
            "DOI": "10.1/A",
            "title": ["<i>Main</i> title"],
            "subtitle": ["a subtitle"],
            "author": [{"given": "Ann", "family": "Lee"}, {"name": "WHO Group"}],
            "published-print": {"date-parts": [[2019, 5]]},
            "reference": [
                {"key": "r1", "unstructured": "Smith J. A study. 2001.", "DOI": "10.2/x"},
                {
                    "key": "r2",
                    "author": "Roe",
                    "year": "1999",
                    "article-title": "Art",
                    "journal-title": "J Test",
                    "volume": "3",
                    "first-page": "7",
                },
                {"key": "r3"},
            ],
        },
        {"DOI": "10.1/B", "issued": {"date-parts": [[None]]}, "created": {"date-parts": [[2020]]}},
    ]
    text = json.dumps({"status": "ok", "message-type": "work-list", "message": {"items": items}})
    assert crossref_json.sniff(text)
    first, second = _read(crossref_json, text)
    assert first.title == "Main title: a subtitle"
    assert first.authors == ["Lee, Ann", "WHO Group"]
    assert first.year == 2019
    assert first.cited_refs == [
        "Smith J. A study. 2001., DOI 10.2/x",
        "Roe, 1999, Art, J Test, V3, P7",
    ]
    assert second.title is None and second.year == 2020 and second.locator == "item 2"


def test_crossref_sorted_keys_and_bare_work() -> None:
    message = {"DOI": "10.1/x", "title": ["T"], "abstract": "<jats:p>A&amp;B</jats:p>"}
    text = json.dumps(
        {"status": "ok", "message-type": "work", "message": message}, indent=1, sort_keys=True
    )
    assert crossref_json.sniff(text)  # message-type comes after the message here
    assert _read(crossref_json, text)[0].abstract == "A&B"
    bare = json.dumps({"DOI": "10.1/x", "indexed": {}, "title": ["Bare"]})
    assert crossref_json.sniff(bare)
    assert _read(crossref_json, bare)[0].title == "Bare"


def test_crossref_errors() -> None:
    with pytest.raises(FormatError, match="no records"):
        _read(crossref_json, '{"message-type": "work-list", "message": {"items": []}}')
    with pytest.raises(FormatError, match="not a work"):
        _read(crossref_json, '{"message-type": "member", "message": {}}')
    with pytest.raises(FormatError) as info:
        _read(crossref_json, '{"status": "ok",\n"message-type": "work",\n"message": {"DOI": "1')
    assert info.value.locator is not None and info.value.locator.startswith("line 3")


# --- CSL-JSON -----------------------------------------------------------------------


def test_csl_better_bibtex(exports: Path) -> None:
    records = _export(exports, CSL)
    by_key = {r.source_id: r for r in records}
    first = records[0]
    assert first.source_id == "brittain2004" and first.locator == "item 1"
    assert first.title == (
        "Perceptions of disability and their impact upon involvement in sport for people "
        "with disabilities at all levels"
    )
    assert first.authors == ["Brittain, Ian"]
    assert first.year == 2004  # date-parts [["2004"]]: a string year
    assert first.journal == "Journal of Sport and Social Issues"
    assert (first.volume, first.issue, first.pages) == ("28", "4", "429-452")
    # short DOI 10/fqd6hj: the full DOI comes from the doi.org URL; fields keep the short one
    assert first.doi == "10.1177/0193723504268729"
    assert first.fields["DOI"] == "10/fqd6hj"
    assert (first.issn, first.language, first.pub_type) == ("0193-7235", "en", "article-journal")
    assert first.source_database == "SAGE Journals"
    assert by_key["messner1988"].doi == "10.1123/ssj.5.3.197"  # from a publisher /doi/ URL
    assert by_key["fink2015"].doi == "10/gfzrww"  # no DOI in the URL: the short DOI is kept
    assert by_key["tannenbaum2019"].pmid == "30894351"
    assert by_key["tannenbaum2019"].pages == "l1120"
    assert by_key["courtofarbitrationforsport2019"].authors == ["Court of Arbitration for Sport"]
    assert by_key["duncan2002"].isbn == "978-0-203-01405-9"
    assert by_key["duncan2002"].journal == "MediaSport"
    assert by_key["cody2016"].authors == ["Cody, Kieran", "Jackson, Steven J."]
    assert sum(1 for r in records if r.doi) == 15
    assert sum(1 for r in records if r.doi and r.doi.startswith("10/")) == 2
    assert all(r.year for r in records)


def test_csl_edge_cases() -> None:
    items = [
        {
            "id": "a",
            "type": "book",
            "issued": {"raw": "circa 1999"},
            "keyword": "x; y",
            "author": [{"family": "Gogh", "given": "Vincent", "non-dropping-particle": "van"}],
        },
        {"id": "b", "type": "article", "title": "T", "keyword": "p, q", "DOI": "doi:10.5555/Z"},
    ]
    untitled, second = _read(csl_json, json.dumps(items))
    assert untitled.title is None and untitled.year == 1999
    assert untitled.authors == ["van Gogh, Vincent"]
    assert untitled.keywords == ["x", "y"]
    assert second.keywords == ["p", "q"] and second.doi == "10.5555/z"
    with pytest.raises(FormatError, match="item 2"):
        _read(csl_json, '[{"id": "a", "type": "book"}, 3]')


def test_csl_errors() -> None:
    assert csl_json.sniff("  [ ]")
    with pytest.raises(FormatError, match="no records"):
        _read(csl_json, "[]")
    with pytest.raises(FormatError) as info:
        _read(csl_json, '[\n  {"id": "a",\n   "type": "book",\n   "title": "Cut')
    assert info.value.locator is not None and info.value.locator.startswith("line 4")
    with pytest.raises(FormatError, match="must be a JSON array"):
        _read(csl_json, '{"id": "a"}')


def test_empty_array_detection_gives_no_records() -> None:
    name = detected_name("[]\n")
    assert name == "csl_json"
    with pytest.raises(FormatError, match="no records"):
        _read(csl_json, "[]\n")


# --- Publish or Perish --------------------------------------------------------------


def test_publish_or_perish_google_scholar(exports: Path) -> None:
    records = _export(exports, POP)
    first = records[0]
    assert first.title is not None and first.title.startswith(
        "How Trust Leads to Commitment on Microsourcing Platforms"
    )
    assert first.title.endswith("…")  # Scholar's cut-off snippet, kept as given
    assert first.authors == ["Guo, W", "Straub, D", "Zhang, P", "Cai, Z"]
    assert first.year == 2021 and first.journal == "MIS Quarterly"
    assert (first.volume, first.issue, first.pages) == (None, None, None)  # 0 placeholders
    assert first.source_id == "GS:10955542985646283611"
    assert first.source_database == "Google Scholar"
    assert first.fields["cites"] == 9 and first.fields["volume"] == 0
    assert first.url is not None and first.url.startswith("https://search.ebscohost.com/")
    assert first.abstract is not None and first.abstract.endswith("…")
    assert records[2].source_id is None  # the item without a uid
    assert records[2].source_database == "Google Scholar"
    assert records[5].authors == ["Janom, N", "Bakar, NHA", "Arshad, NH"]  # '...' dropped
    assert [r.doi for r in records if r.doi] == [
        "10.1007/s10796-013-9440-y",
        "10.1145/1125170.1125191",
    ]
    assert [r.year for r in records] == [2021, 2020, 2020, 2016, 2015, 2014, 2006]


def test_publish_or_perish_variants() -> None:
    items = [
        {
            "title": "T",
            "authors": "AB Smith, C Jones, ...",
            "year": 0,
            "cites": 1,
            "rank": 1,
            "volume": "7",
            "issue": 0,
            "startpage": 5,
            "endpage": 9,
            "source": "J",
        },
        {"authors": [], "cites": 0, "rank": 2, "ecc": 0},
    ]
    text = json.dumps(items)
    assert pop_json.sniff(text) and not csl_json.sniff(text)
    first, untitled = _read(pop_json, text)
    assert first.authors == ["Smith, AB", "Jones, C"]
    assert (first.year, first.volume, first.issue, first.pages) == (None, "7", None, "5-9")
    assert first.source_database is None  # nothing says Google Scholar
    assert untitled.title is None and untitled.locator == "item 2"
    with pytest.raises(FormatError, match="no records"):
        _read(pop_json, "[]")
