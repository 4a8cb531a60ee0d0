"""`mnr chase`: forward and backward citation chasing through OpenAlex, offline.

The JSON files in tests/citations/openalex/ follow the shape of OpenAlex's documented
responses (a work object for /works/doi:..., ``{"meta": {..., "next_cursor"}, "results":
[...]}`` for lists), cut down to the fields mnr selects. They were written by hand, not
recorded live: the test machine is offline. ``FakeFetcher`` serves them keyed by URL.

The review: Adams 2010 and Baker 2011 (DOIs OpenAlex knows), Clark 2012 (no DOI) and
Davis 2013 (a DOI OpenAlex answers 404 to) included; Evans 2014 and Fisher 2015
excluded. In OpenAlex, Adams cites Kamada 1989 and Freeman 1978; Baker cites Adams,
Kamada and Ito 2010; Baker, Evans, Ito, García and Fisher cite Adams (three pages);
García cites Baker. So Kamada and Freeman (backward), García (forward) and Ito (both)
are candidates; Adams and Baker (seeds), Evans (by DOI) and Fisher (by volume and page:
the library has no DOI for it) are left out.
"""

from __future__ import annotations

import email.message
import io
import json
import os
import subprocess
import sys
import urllib.error
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import rispy

from mnr.citations.chase import METHOD, Chase, chase, cited_ref, import_chase, resolve
from mnr.citations.match import WorkIndex
from mnr.citations.openalex import (
    CachedFetcher,
    HttpFetcher,
    OpenAlexWork,
    abstract,
    citing_url,
    family_first,
    ids_url,
    work_url,
)
from mnr.dedupe.passes import deduplicate
from mnr.errors import MnrError
from mnr.prisma.counts import count
from tests.citations.conftest import Small, make_small
from tests.helpers import snapshot

DATA = Path(__file__).parent / "openalex"
ADAMS, BAKER, KAMADA, FREEMAN, ITO = ("W2010000001", "W2011000002", "W1989000010",
                                      "W1979000011", "W2010000023")

PROTOCOL = """\
[review]
title = "Care coordination: citation chasing"

[screening]
stages = ["title", "fulltext"]
reviewers = ["BH"]
reviewers_per_work = 1
exclusion_reasons = ["Not research"]
"""

# key: (author, year, title, journal, volume, first page, DOI); a-d included, e-f excluded
PAPERS: dict[str, tuple[str, int, str, str, str, str, str | None]] = {
    "a": ("Adams, R.", 2010, "Care coordination in community mental health teams",
          "Journal of Mental Health", "19", "100", "10.1000/adams.2010"),
    "b": ("Baker, S.", 2011, "Recovery-oriented care planning with service users",
          "Psychiatric Services", "62", "200", "10.1000/baker.2011"),
    "c": ("Clark, T.", 2012, "Shared decision making in care programme approach reviews",
          "BMC Psychiatry", "12", "33", None),
    "d": ("Davis, M.", 2013, "Risk assessment and the written care plan",
          "British Journal of Psychiatry", "202", "45", "10.1000/davis.2013"),
    "e": ("Evans, K.", 2014, "Personal budgets and personalised care plans", "Health Policy",
          "115", "300", "10.1000/evans.2014"),
    "f": ("Fisher, L.", 2015, "Nurses as care coordinators: an ethnography",
          "Journal of Advanced Nursing", "71", "12", None),
}


def _load(name: str) -> Any:
    return json.loads((DATA / name).read_text("utf-8"))


def responses() -> dict[str, Any]:
    """Every URL a full chase of the review asks for, and OpenAlex's answer."""
    first, second = _load("citing-adams-1.json"), _load("citing-adams-2.json")
    return {
        work_url("10.1000/adams.2010"): _load("work-adams.json"),
        work_url("10.1000/baker.2011"): _load("work-baker.json"),
        work_url("10.1000/davis.2013"): None,  # 404: not in OpenAlex
        citing_url(ADAMS): first,
        citing_url(ADAMS, first["meta"]["next_cursor"]): second,
        citing_url(ADAMS, second["meta"]["next_cursor"]): _load("citing-adams-3.json"),
        citing_url(BAKER): _load("citing-baker-1.json"),
        ids_url([FREEMAN, KAMADA]): _load("references-adams.json"),
        ids_url([KAMADA, ADAMS, ITO]): _load("references-baker.json"),
    }


class FakeFetcher:
    """OpenAlex's answers from the files; an unexpected URL fails the test."""

    def __init__(self) -> None:
        self.responses = responses()
        self.urls: list[str] = []

    def __call__(self, url: str) -> Any:
        self.urls.append(url)
        assert url in self.responses, f"unexpected request: {url}"
        return self.responses[url]


def no_fetch(url: str) -> Any:
    raise AssertionError(f"a request was made: {url}")


def make_review(tmp_path: Path) -> Small:
    """The six papers imported and deduplicated; a-d included, e-f excluded at the title."""
    blocks = []
    for author, year, title, journal, volume, page, doi in PAPERS.values():
        lines = ["TY  - JOUR", f"AU  - {author}", f"TI  - {title}", f"PY  - {year}",
                 f"JO  - {journal}", f"VL  - {volume}", f"SP  - {page}"]
        blocks.append("\n".join(lines + ([f"DO  - {doi}"] if doi else []) + ["ER  - "]))
    review = make_small(tmp_path, PAPERS, PROTOCOL, "\n\n".join(blocks) + "\n")
    review.include("abcd")
    return review


@pytest.fixture
def review(tmp_path: Path) -> Iterator[Small]:
    made = make_review(tmp_path)
    yield made
    made.library.close()


def rows(found: Chase) -> list[tuple[str, str, list[str], list[str]]]:
    return [(c.label, c.direction, c.cites, c.cited_by) for c in found.candidates]


def test_included_dois_resolve_to_openalex_works(review: Small) -> None:
    fetch = FakeFetcher()
    seeds = resolve(review.library, review.settings, fetch)
    assert [(s.label, s.doi, s.work.id if s.work else None) for s in seeds] == [
        ("Adams 2010", "10.1000/adams.2010", ADAMS), ("Baker 2011", "10.1000/baker.2011", BAKER),
        ("Clark 2012", None, None), ("Davis 2013", "10.1000/davis.2013", None)]
    assert seeds[1].work is not None and seeds[1].work.references == [ADAMS, KAMADA, ITO]
    assert fetch.urls == [work_url("10.1000/adams.2010"), work_url("10.1000/baker.2011"),
                          work_url("10.1000/davis.2013")]  # Clark has no DOI to look up


def test_forward_and_backward_candidates(review: Small) -> None:
    fetch = FakeFetcher()
    found = chase(review.library, review.settings, fetch)
    # one candidate a work, however many seeds and directions found it; most linked first
    assert rows(found) == [
        ("García & López 2020", "forward", ["Adams 2010", "Baker 2011"], []),
        ("Ito et al. 2010", "both", ["Adams 2010"], ["Baker 2011"]),
        ("Kamada & Kawai 1989", "backward", [], ["Adams 2010", "Baker 2011"]),
        ("Freeman 1978", "backward", [], ["Adams 2010"])]
    assert found.in_library == 4  # Adams, Baker, Evans, Fisher
    assert sorted(fetch.urls) == sorted(fetch.responses)  # all three pages of Adams's citers
    garcia = found.candidates[0].work
    assert (garcia.doi, garcia.journal, garcia.volume, garcia.issue, garcia.first_page,
            garcia.last_page) == ("10.1000/garcia.2020",
                                  "International Journal of Mental Health Nursing", "29", "5",
                                  "800", "812")
    assert garcia.abstract == ("We mapped studies of care coordination. Care plans were "
                               "rarely shared.")


def test_one_direction_at_a_time(review: Small) -> None:
    fetch = FakeFetcher()
    forward = chase(review.library, review.settings, fetch, backward=False)
    assert [(c.label, c.direction) for c in forward.candidates] == [
        ("García & López 2020", "forward"), ("Ito et al. 2010", "forward")]
    assert not any("filter=openalex:" in url for url in fetch.urls)
    fetch = FakeFetcher()
    backward = chase(review.library, review.settings, fetch, forward=False)
    assert [(c.label, c.cited_by) for c in backward.candidates] == [
        ("Kamada & Kawai 1989", ["Adams 2010", "Baker 2011"]),
        ("Freeman 1978", ["Adams 2010"]), ("Ito et al. 2010", ["Baker 2011"])]
    assert not any("filter=cites:" in url for url in fetch.urls)


def test_works_already_in_the_library_are_left_out(review: Small) -> None:
    index = WorkIndex.from_library(review.library)
    page = _load("citing-adams-1.json")["results"] + _load("citing-adams-2.json")["results"]
    found = {w.title: index.match(cited_ref(w)) for w in map(OpenAlexWork.of, page)}
    evans, fisher = PAPERS["e"][2], PAPERS["f"][2]
    assert found[evans] == (review.work["e"], "doi")  # excluded, but in the library
    assert found[fisher] == (review.work["f"], "citation")  # no DOI in the library
    labels = {c.label for c in chase(review.library, review.settings, FakeFetcher()).candidates}
    assert not labels & {"Evans 2014", "Fisher 2015", "Baker 2011", "Adams 2010"}


def test_the_cache_makes_a_rerun_ask_nothing(review: Small, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = CachedFetcher(FakeFetcher(), cache)
    found = chase(review.library, review.settings, first)
    assert first.hits == 0 and len(list(cache.glob("*.json"))) == len(responses())
    # Kamada's batch of references differs between Adams and Baker: no URL asked twice
    again = CachedFetcher(no_fetch, cache)
    assert chase(review.library, review.settings, again) == found
    assert (again.misses, again.hits) == (0, first.misses)
    assert json.loads(first.path(work_url("10.1000/davis.2013")).read_text()) is None  # 404s too
    refreshed = CachedFetcher(FakeFetcher(), cache, refresh=True)
    assert chase(review.library, review.settings, refreshed) == found
    assert refreshed.hits == 0


def test_import_as_a_citation_searching_search(review: Small) -> None:
    project, library, settings = review.project, review.library, review.settings
    assert count(library, settings).other_results == {}
    found = chase(library, settings, FakeFetcher())
    result = import_chase(project, library, found, date="2024-05-01")
    name = "citation-searching-openalex-forward-backward-2024-05-01.ris"
    search = result.search
    assert (search.file_name, search.record_count, search.search_date) == (name, 4, "2024-05-01")
    assert (search.database, search.other_method, search.platform) == (
        METHOD, "citation-searching", "OpenAlex")  # the category, the source's label
    assert search.source_kind == "other"
    assert search.query == (
        "Forward and backward citation chasing in OpenAlex from 2 included studies "
        "(Adams 2010; Baker 2011), found by DOI: the works citing them and the works they "
        "cite, less those matching a work in the library.")
    entries = rispy.loads((project.searches_dir / name).read_text("utf-8"))
    garcia, ito = entries[0], entries[1]
    assert {k: garcia[k] for k in ("type_of_reference", "authors", "title", "year",
                                   "secondary_title", "volume", "number", "start_page",
                                   "end_page", "doi", "notes", "urls")} == {
        "type_of_reference": "JOUR", "authors": ["García, María", "López, Ana"],
        "title": "Care coordination after the care programme approach: a scoping review",
        "year": "2020", "secondary_title": "International Journal of Mental Health Nursing",
        "volume": "29", "number": "5", "start_page": "800", "end_page": "812",
        "doi": "10.1000/garcia.2020",
        "notes": ["Found by forward chasing from: Adams 2010; Baker 2011"],
        "urls": ["https://openalex.org/W2020000021"]}
    assert garcia["abstract"].startswith("We mapped studies")
    assert ito["notes"] == ["Found by forward chasing from: Adams 2010",
                            "Found by backward chasing from: Baker 2011"]
    assert "doi" not in ito and ito["type_of_reference"] == "GEN"
    log = project.log_file.read_text("utf-8")
    block = log[log.rindex("[[search]]"):]
    assert f'file = "{name}"' in block and 'other_method = "citation-searching"' in block

    deduplicate(library)
    flow = count(library, settings)
    assert flow.other_results == {METHOD: 4}
    assert flow.database_results == 6


class Response(io.BytesIO):
    """What urlopen gives: a readable context manager."""


def http_error(url: str, code: int, retry_after: str | None = None) -> urllib.error.HTTPError:
    headers = email.message.Message()
    if retry_after is not None:
        headers["Retry-After"] = retry_after
    return urllib.error.HTTPError(url, code, "error", headers, None)


def test_the_http_fetcher_is_polite_and_retries() -> None:
    asked: list[Any] = []
    answers: list[Any] = [http_error("u", 429, "3"), http_error("u", 503),
                          Response(b'{"id": "https://openalex.org/W1"}'), http_error("u", 404)]
    slept: list[float] = []

    def opener(request: Any, timeout: float) -> Any:
        asked.append(request)
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    fetch = HttpFetcher("me@example.org", opener=opener, sleep=slept.append,
                        clock=lambda: 100.0)
    assert fetch(work_url("10.1000/x")) == {"id": "https://openalex.org/W1"}
    assert fetch(work_url("10.1000/y")) is None  # 404
    assert asked[0].full_url == work_url("10.1000/x") + "&mailto=me%40example.org"
    assert asked[0].get_header("User-agent") == "mnr/0.1.0 (mailto:me@example.org)"
    # Retry-After, then backoff, each after the wait that keeps to five requests a second
    assert slept == [3.0, pytest.approx(0.2), 2.0, pytest.approx(0.2), pytest.approx(0.2)]

    refusing = HttpFetcher("me@example.org", attempts=2, sleep=slept.append,
                           opener=lambda request, timeout: (_ for _ in ()).throw(
                               http_error("u", 429)))
    with pytest.raises(MnrError, match="HTTP 429"):
        refusing(citing_url(ADAMS))


def test_no_network_is_a_clear_error_and_writes_nothing(review: Small) -> None:
    def offline(request: Any, timeout: float) -> Any:
        raise urllib.error.URLError("[Errno -3] Temporary failure in name resolution")

    before = snapshot(review.project)
    files = sorted(review.project.searches_dir.iterdir())
    cache = review.project.library_dir / "cache" / "openalex"
    fetch = CachedFetcher(HttpFetcher("me@example.org", opener=offline), cache)
    with pytest.raises(MnrError) as raised:
        found = chase(review.library, review.settings, fetch)
        import_chase(review.project, review.library, found)
    assert raised.value.message == (
        "could not reach OpenAlex ([Errno -3] Temporary failure in name resolution); "
        "everything else in mnr works offline")
    assert snapshot(review.project) == before
    assert sorted(review.project.searches_dir.iterdir()) == files and not cache.exists()


def test_abstract_and_names_from_openalex() -> None:
    assert abstract({"b": [1, 3], "a": [0], "c": [2]}) == "a b c b"
    assert abstract(None) is None and abstract({}) is None
    assert [family_first(n) for n in ("Linton C. Freeman", "Ludwig van Beethoven",
                                      "Martin Luther King Jr.", "Plato", "Smith, J.")] == [
        "Freeman, Linton C.", "van Beethoven, Ludwig", "King, Martin Luther, Jr.", "Plato",
        "Smith, J."]


def mnr(cwd: Path, *args: str, mailto: bool = True) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("MNR_MAILTO", "OPENALEX_API_KEY")}
    env |= {"MNR_MAILTO": "me@example.org"} if mailto else {}
    return subprocess.run([sys.executable, "-m", "mnr", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=120, env=env)


def test_the_command_from_the_cache(tmp_path: Path) -> None:
    made = make_review(tmp_path)
    try:  # answers cached as a first, online run would leave them
        chase(made.library, made.settings,
              CachedFetcher(FakeFetcher(), made.project.library_dir / "cache" / "openalex"))
    finally:
        made.library.close()
    root = made.project.root

    refused = mnr(root, "chase", mailto=False)
    assert refused.returncode == 1 and "--mailto" in refused.stderr and not refused.stdout
    assert mnr(root, "chase", "--no-forward", "--no-backward").returncode == 2

    listed = mnr(root, "chase", "--json")
    assert listed.returncode == 0, listed.stderr
    data = json.loads(listed.stdout)
    assert [c["label"] for c in data["candidates"]] == [
        "García & López 2020", "Ito et al. 2010", "Kamada & Kawai 1989", "Freeman 1978"]
    assert data["in_library"] == 4 and data["seeds"][3] == {
        "study": "Davis 2013", "doi": "10.1000/davis.2013", "openalex": None}
    assert "0 requests to OpenAlex, 9 answers from the cache" in listed.stderr

    table = mnr(root, "chase")
    assert "García & López 2020" in table.stdout and "cited by Adams 2010" in table.stdout
    assert "4 candidates; 4 works found are in the library already" in table.stderr
    assert "no DOI: Clark 2012; DOI not in OpenAlex: Davis 2013" in table.stderr

    imported = mnr(root, "chase", "--import", "--date", "2024-05-01")
    assert imported.returncode == 0, imported.stderr
    assert "Imported S2 Citation searching: 4 records" in imported.stderr
    assert "Deduplicated" in imported.stderr
    flow = json.loads(mnr(root, "prisma", "--format", "json").stdout)
    assert flow["citations_results"] == 4  # the template's row of citation searching
