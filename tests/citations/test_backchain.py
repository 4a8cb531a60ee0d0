"""Back-chaining the included works' references, and the network commands through
`python -m mnr` on the small review of conftest.py."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import rispy

from mnr.citations.backchain import METHOD, candidates, import_candidates, seeds
from mnr.dedupe.passes import deduplicate
from mnr.errors import MnrError
from mnr.prisma.counts import count
from tests.citations.conftest import (
    FREEMAN,
    KAMADA_VANCOUVER,
    KAMADA_WOS,
    NEAR_MISS,
    Small,
    list_file,
    make_small,
)
from tests.cli.test_cli import mnr
from tests.helpers import snapshot

KAMADA = KAMADA_VANCOUVER.removeprefix("[3] ")
KAMADA_DOI = "10.1016/0020-0190(89)90102-6"


@pytest.fixture
def included(cited: Small) -> Small:
    """Clark, Davis, Evans and Fisher included; Adams and Baker excluded at the title."""
    cited.include("cdef")
    return cited


def test_candidates_are_the_included_works_missing_references(included: Small) -> None:
    found = candidates(included.library, included.settings)
    # Kamada, cited by Clark (Vancouver) and Davis (WoS), is one candidate, ranked first;
    # Adams and Baker are in the library (excluded, but not missing); Wasserman is cited
    # only by Baker, who is not included
    assert [(c.label, c.cited_by, c.raws) for c in found] == [
        ("Kamada 1989", ["Clark & Jones 2012", "Davis & Jones 2013"], [KAMADA, KAMADA_WOS]),
        ("Adams 2010", ["Fisher & Jones 2015"], [NEAR_MISS]),
        ("Freeman 1979", ["Fisher & Jones 2015"], [FREEMAN])]
    assert found[0].cited_by_ids == [included.work["c"], included.work["d"]]
    assert (found[0].ref.title, found[0].ref.doi) == (
        "An algorithm for drawing general undirected graphs", KAMADA_DOI)
    assert seeds(included.library, included.settings) == [
        "Clark & Jones 2012", "Davis & Jones 2013", "Evans & Jones 2014", "Fisher & Jones 2015"]


def test_import_candidates_as_citation_searching(included: Small) -> None:
    project, library, settings = included.project, included.library, included.settings
    result = import_candidates(project, library, settings, date="2024-05-01")
    name = "citation-searching-backchain-2024-05-01.ris"
    assert (result.search.file_name, result.search.record_count) == (name, 3)
    assert (result.search.database, result.search.other_method) == (
        METHOD, "citation-searching")  # the source's label, its category
    assert result.search.source_kind == "other"
    assert result.search.query is not None and "4 included studies" in result.search.query
    entries = rispy.loads((project.searches_dir / name).read_text("utf-8"))
    kamada = entries[0]
    assert (kamada["authors"], kamada["year"], kamada["title"], kamada["volume"],
            kamada["start_page"], kamada["doi"]) == (
        ["Kamada"], "1989", "An algorithm for drawing general undirected graphs", "31", "7",
        KAMADA_DOI)
    assert kamada["notes"] == [f"Cited as: {KAMADA}", f"Cited as: {KAMADA_WOS}",
                               "Cited by: Clark & Jones 2012; Davis & Jones 2013"]
    log = project.log_file.read_text("utf-8")
    block = log[log.rindex("[[search]]"):]
    assert f'file = "{name}"' in block and 'other_method = "citation-searching"' in block

    deduplicate(library)
    flow = count(library, settings)
    assert flow.other_results == {METHOD: 3}
    assert (flow.database_results, flow.duplicates, flow.records_screened) == (6, 0, 6)
    assert flow.gaps == []  # the near miss to Adams 2010 is not taken for Adams's paper
    assert [(s.stage, s.works, s.waiting) for s in flow.stages][0] == ("title", 9, 3)
    # a second run finds the same candidates, now in the library: nothing is left to add
    assert candidates(library, settings) == []


def test_min_cited(included: Small) -> None:
    result = import_candidates(included.project, included.library, included.settings, 2,
                               date="2024-05-01")
    assert result.search.record_count == 1
    assert result.search.query is not None and "cited by 2 or more" in result.search.query
    with pytest.raises(MnrError, match="with 3 or more citing works"):
        import_candidates(included.project, included.library, included.settings, 3)


@pytest.mark.parametrize("keys", ["", "e"])  # nothing included; Evans, all of whose are in
def test_nothing_to_import_writes_nothing(cited: Small, keys: str) -> None:
    cited.include(keys)
    assert candidates(cited.library, cited.settings) == []
    before = (snapshot(cited.project), sorted(cited.project.searches_dir.iterdir()))
    with pytest.raises(MnrError, match="no references of the included works are missing"):
        import_candidates(cited.project, cited.library, cited.settings, date="2024-05-01")
    assert (snapshot(cited.project), sorted(cited.project.searches_dir.iterdir())) == before


# -- the commands ------------------------------------------------------------------------

@pytest.fixture
def on_disk(tmp_path: Path) -> Small:
    """The small review on disk (library closed), Clark to Fisher included, the reference
    lists written beside it but not imported."""
    review = make_small(tmp_path)
    review.include("cdef")
    review.library.close()
    for key in "bcdef":
        list_file(tmp_path, key)
    return review


@pytest.fixture
def root(on_disk: Small) -> Path:
    return on_disk.project.root


def ok(cwd: Path, *args: str) -> str:
    result = mnr(cwd, *args)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_the_commands(on_disk: Small, root: Path, tmp_path: Path) -> None:
    for key in "bcdef":
        work = on_disk.node(key)
        result = mnr(root, "references", "import", str(tmp_path / f"refs-{key}.txt"),
                     "--work", work)
        assert result.returncode == 0, result.stderr
        assert f"references for {work}" in result.stderr
    assert (root / "searches" / "references" / "refs-c.txt").is_file()

    data = json.loads(ok(root, "network", "--json"))
    assert {"works", "cited_references", "matched_to_works", "by_source", "top",
            "tradition_matrix"} <= set(data)
    assert (data["works"], data["cited_references"], data["matched_to_works"]) == (6, 15, 10)
    assert data["by_source"] == [{"source": "Reference lists", "references": 15, "matched": 10}]
    assert (data["edges_between_works"], data["outside_publications"]) == (10, 1)
    assert [r["label"] for r in data["top"]][:2] == ["Adams 2010", "Baker 2011"]
    assert data["tradition_matrix"] == {}  # nothing tagged

    rows = list(csv.DictReader(io.StringIO(ok(root, "network", "seminal", "--format", "csv"))))
    assert [(r["label"], r["local_citations"], r["consistently_cited"]) for r in rows][:2] == [
        ("Adams 2010", "4", "True"), ("Baker 2011", "3", "False")]
    assert len(rows) == 5

    plot = mnr(root, "network", "plot", "-o", "h.png")
    assert plot.returncode == 0 and "Drew 7 papers" in plot.stderr
    assert (root / "h.png").read_bytes()[:4] == b"\x89PNG"

    found = json.loads(ok(root, "backchain", "--json"))
    assert [(c["label"], len(c["cited_by"])) for c in found] == [
        ("Kamada 1989", 2), ("Adams 2010", 1), ("Freeman 1979", 1)]
    assert found[0]["doi"] == KAMADA_DOI and found[0]["references"] == [KAMADA, KAMADA_WOS]


def test_command_errors_are_one_line_and_change_nothing(on_disk: Small, root: Path,
                                                        tmp_path: Path) -> None:
    clark = on_disk.node("c")
    ok_import = mnr(root, "references", "import", str(tmp_path / "refs-c.txt"), "--work", clark)
    assert ok_import.returncode == 0, ok_import.stderr
    before = (ok(root, "network", "--json"), (root / "searches" / "log.toml").read_text(),
              sorted((root / "searches").rglob("*")))
    for args, message in (
            (("references", "import", str(tmp_path / "refs-c.txt"), "--work", clark),
             f"already imported for {clark}"),
            (("references", "import", str(tmp_path / "refs-d.txt"), "--work", "W99"),
             "there is no work W99"),
            (("references", "import", str(tmp_path / "nope.txt"), "--work", clark),
             "no such file"),
            (("references", "import", str(tmp_path / "refs-d.txt"), "--work", "four"),
             "work ids look like W12")):
        result = mnr(root, *args)
        assert result.returncode != 0 and message in result.stderr, result.stderr
        assert len(result.stderr.strip().splitlines()) == 1 and result.stdout == ""
    assert (ok(root, "network", "--json"), (root / "searches" / "log.toml").read_text(),
            sorted((root / "searches").rglob("*"))) == before


def test_an_empty_network_is_not_drawn(root: Path) -> None:
    result = mnr(root, "network", "plot", "-o", "h.png")
    assert result.returncode != 0 and "no work in the library cites another" in result.stderr
    assert "Traceback" not in result.stderr and not (root / "h.png").exists()
