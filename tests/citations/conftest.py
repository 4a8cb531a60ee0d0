"""A small review whose citation network is known by hand.

Six papers by six first authors (each with Jones K. second), 2010 to 2015; the reference
lists below make these citations between them, in four styles:

    Baker 2011  -> Adams 2010 (by DOI alone)
    Clark 2012  -> Adams, Baker (Vancouver), Kamada 1989 (outside)
    Davis 2013  -> Adams, Baker (Web of Science), Kamada 1989 (with its DOI)
    Evans 2014  -> Adams, Clark, Davis (Web of Science)
    Fisher 2015 -> Baker (Vancouver), Davis; Adams 2010 page 500 (another paper), Freeman 1979

Baker also cites Wasserman 1994 (outside, once). Adams's record says "Cited By: 42".
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from mnr.citations.reference_lists import import_list
from mnr.dedupe.passes import deduplicate
from mnr.library import Library
from mnr.project import Project, Settings, init_project
from mnr.screening import decide as actions
from mnr.screening.state import load
from mnr.searches import ImportOptions, import_file
from mnr.searches import export_text as kept_exports
from tests.helpers import make_project

PSYCHIATRY, USERS = "Psychiatry", "Service users"

PROTOCOL = f"""\
[review]
title = "Care coordination: a citation network"

[screening]
stages = ["title", "fulltext"]
reviewers = ["BH"]
reviewers_per_work = 1
exclusion_reasons = ["Not research"]

[[tradition]]
name = "{PSYCHIATRY}"
description = "Care coordination as clinical practice."

[[tradition]]
name = "{USERS}"
description = "Care coordination as the people it is for see it."
"""

# key: (first author, year, title, journal, volume, first page, DOI)
PAPERS: dict[str, tuple[str, int, str, str, str, str, str | None]] = {
    "a": ("Adams, R.", 2010, "Care coordination in community mental health teams",
          "Journal of Mental Health", "19", "100", "10.1000/adams.2010"),
    "b": ("Baker, S.", 2011, "Recovery-oriented care planning with service users",
          "Psychiatric Services", "62", "200", None),
    "c": ("Clark, T.", 2012, "Shared decision making in care programme approach reviews",
          "BMC Psychiatry", "12", "33", "10.1000/clark.2012"),
    "d": ("Davis, M.", 2013, "Risk assessment and the written care plan",
          "British Journal of Psychiatry", "202", "45", None),
    "e": ("Evans, K.", 2014, "Personal budgets and personalised care plans", "Health Policy",
          "115", "300", "10.1000/evans.2014"),
    "f": ("Fisher, L.", 2015, "Nurses as care coordinators: an ethnography",
          "Journal of Advanced Nursing", "71", "12", None),
}

KAMADA_VANCOUVER = ("[3] Kamada T, Kawai S. An algorithm for drawing general undirected graphs. "
                    "Inf Process Lett. 1989;31:7-15.")
KAMADA_WOS = "KAMADA T, 1989, INFORM PROCESS LETT, V31, P7, DOI 10.1016/0020-0190(89)90102-6"
NEAR_MISS = "Adams R, 2010, J MENT HEALTH, V19, P500"  # Adams 2010, but another paper
FREEMAN = "Freeman LC, 1979, SOC NETWORKS, V1, P215"
LISTS: dict[str, list[str]] = {
    "b": ["1. Adams R. Some other words. Another journal. 2010. "
          "https://doi.org/10.1000/adams.2010",
          "2. Wasserman S, 1994, SOCIAL NETWORK ANAL"],
    "c": ["1. Adams R, Jones K. Care coordination in community mental health teams. "
          "J Ment Health. 2010;19:100-10.",
          "[2] Baker S, Jones K. Recovery-oriented care planning with service users. "
          "Psychiatr Serv. 2011;62:200-10.",
          KAMADA_VANCOUVER],
    "d": ["ADAMS R, 2010, J MENT HEALTH, V19, P100", "BAKER S, 2011, PSYCHIATR SERV, V62, P200",
          KAMADA_WOS],
    "e": ["Adams R, 2010, J MENT HEALTH, V19, P100, DOI 10.1000/adams.2010",
          "Clark T, 2012, BMC PSYCHIATRY, V12, P33", "Davis M, 2013, BRIT J PSYCHIAT, V202, P45"],
    "f": ["Baker S, Jones K. Recovery-oriented care planning with service users. "
          "Psychiatr Serv. 2011;62:200-10.",
          "Davis M, 2013, BRIT J PSYCHIAT, V202, P45", NEAR_MISS, FREEMAN],
}
TRADITIONS = {"a": [PSYCHIATRY], "b": [PSYCHIATRY], "c": [USERS], "d": [USERS],
              "e": [PSYCHIATRY, USERS]}  # Fisher untagged


def ris(keys: str) -> str:
    """The papers as a RIS export."""
    blocks = []
    for key in keys:
        author, year, title, journal, volume, page, doi = PAPERS[key]
        lines = ["TY  - JOUR", f"AU  - {author}", "AU  - Jones, K.", f"TI  - {title}",
                 f"PY  - {year}", f"JO  - {journal}", f"VL  - {volume}", f"SP  - {page}",
                 f"EP  - {int(page) + 9}"]
        lines += [f"DO  - {doi}"] if doi else []
        lines += ["N1  - Cited By: 42"] if key == "a" else []
        blocks.append("\n".join([*lines, "ER  - "]))
    return "\n\n".join(blocks) + "\n"


def list_file(folder: Path, key: str) -> Path:
    """The reference list of paper ``key``, written as a librarian would save it."""
    path = folder / f"refs-{key}.txt"
    path.write_text("\n".join(LISTS[key]) + "\n", "utf-8")
    return path


@dataclass
class Small:
    project: Project
    library: Library
    work: dict[str, int]  # paper key -> work id

    @property
    def settings(self) -> Settings:
        return self.project.settings()

    def node(self, key: str) -> str:
        return f"W{self.work[key]}"

    def import_lists(self, keys: str = "bcdef") -> None:
        for key in keys:
            import_list(self.project, self.library, list_file(self.project.root.parent, key),
                        self.work[key])

    def include(self, keys: str) -> None:
        """Screen ``keys`` Y at both stages and the other papers N at the title stage."""
        title = load(self.library, self.settings).stage("title")
        for key, work_id in self.work.items():
            decision = "y" if key in keys else "n"
            actions.decide(self.library, title, work_id, "BH", decision,
                           None if decision == "y" else "Not research")
        fulltext = load(self.library, self.settings).stage("fulltext")
        for key in keys:
            actions.decide(self.library, fulltext, self.work[key], "BH", "y")


Paper = tuple[str, int, str, str, str, str, str | None]


def make_small(tmp_path: Path, papers: dict[str, Paper] = PAPERS, protocol: str = PROTOCOL,
               export_text: str | None = None) -> Small:
    """The papers imported (as ``export_text``, by default ``ris``) and deduplicated; no
    reference lists yet."""
    project = init_project(tmp_path / "review", "Care coordination: a citation network")
    project.review_file.write_text(protocol, "utf-8")
    library = Library.open(project.database_file)
    library.export_text = kept_exports(project)
    export = tmp_path / "medline.ris"
    export.write_text(export_text or ris("abcdef"), "utf-8")
    import_file(project, library, export, ImportOptions(database="MEDLINE"))
    deduplicate(library)
    by_title = {paper[2]: key for key, paper in papers.items()}
    work = {by_title[r.title]: r.work_id for r in library.records()
            if r.title is not None and r.work_id is not None}
    assert sorted(work) == sorted(papers)
    return Small(project, library, work)


@pytest.fixture
def small(tmp_path: Path) -> Iterator[Small]:
    review = make_small(tmp_path)
    yield review
    review.library.close()


@pytest.fixture
def cited(small: Small) -> Small:
    """The small review with every reference list imported."""
    small.import_lists()
    return small


@pytest.fixture
def wos_sample(exports: Path, tmp_path: Path) -> Iterator[Library]:
    """The real Web of Science plain-text sample (50 records, 2,911 cited references),
    imported and deduplicated."""
    project = make_project(tmp_path)
    library = Library.open(project.database_file)
    library.export_text = kept_exports(project)
    import_file(project, library, exports / "wos_plaintext" / "wosfile__wos_plaintext.txt",
                ImportOptions())
    deduplicate(library)
    yield library
    library.close()
