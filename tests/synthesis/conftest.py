"""A small screened review with three traditions in review.toml and seven included studies.

Included studies in studies() order (year, then label), so their reference numbers are:
[1] Slade 1999 (Australia), [2] Burns 2001 (USA), [3] Grundy & Bee 2003 (UK),
[4] Goodwin 2005 (England), [5] Kelly 2012 (Canada), [6] Coffey 2013 (no country),
[7] Simpson et al. 2016 (UK). Paper x is excluded at the title stage.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from mnr.dedupe.passes import deduplicate
from mnr.library import Library
from mnr.project import Project, Settings, init_project
from mnr.screening import decide as actions
from mnr.screening.state import load
from mnr.searches import ImportOptions, import_file
from mnr.synthesis.traditions import add_memo, save_theme, tag
from tests.helpers import works_by_doi

PSYCHIATRY, USERS, POLICY = "Psychiatry", "Service user perspectives", "Policy and organisation"

PROTOCOL = f"""\
[review]
title = "Care planning: a meta-narrative review"

[screening]
stages = ["title", "fulltext"]
reviewers = ["BH", "MC"]
reviewers_per_work = 1
exclusion_reasons = ["Inpatient sample"]

[extraction]
fields = ["Setting", "Country", "Findings"]

[[tradition]]
name = "{PSYCHIATRY}"
description = "Care planning as clinical practice: assessment, risk and treatment."
methods = ["quantitative"]

[[tradition]]
name = "{USERS}"
description = "Care planning as experienced by the people it is for."

[[tradition]]
name = "{POLICY}"
description = "Care planning as policy: the care programme approach and its audits."
"""

# key: (title, authors, year, journal, country, traditions, method)
PAPERS: dict[str, tuple[str, list[str], int, str, str | None, list[str], str | None]] = {
    "a": ("Care programme approach reviews in community teams",
          ["Simpson, A.", "Hannigan, B.", "Coffey, M."], 2016, "BMC Psychiatry", "UK",
          [PSYCHIATRY], "qualitative"),
    "b": ("Recovery-oriented care coordination", ["Slade, M."], 1999,
          "Australian Journal of Psychiatry", "Australia", [USERS], "quantitative"),
    "c": ("Care plans and service user involvement", ["Grundy, A.", "Bee, P."], 2003,
          "Journal of Mental Health", "UK", [USERS], "qualitative"),
    "d": ("Case management in the United States", ["Burns, T."], 2001, "Psychiatric Services",
          "USA", [PSYCHIATRY], "quantitative"),
    "e": ("Care coordination policy in England", ["Goodwin, N."], 2005, "Health Policy",
          "england", [POLICY], "mixed"),
    "f": ("Personal budgets and care plans", ["Coffey, M."], 2013, "Journal of Social Work",
          None, [POLICY, USERS], "qualitative"),
    "g": ("Shared decision making in community psychiatry", ["Kelly, S."], 2012,
          "Canadian Journal of Psychiatry", "Canada", [], None),
    "x": ("Inpatient ward rounds and discharge planning", ["Bowers, L."], 2010,
          "Journal of Psychiatric Nursing", "UK", [], None),
}
ORDER = ["b", "d", "c", "e", "g", "f", "a"]  # the included studies, as studies() orders them


def ris(keys: str) -> str:
    blocks = []
    for key in keys:
        title, authors, year, journal, *_ = PAPERS[key]
        blocks.append("\n".join(["TY  - JOUR", *(f"AU  - {a}" for a in authors),
                                 f"TI  - {title}", f"PY  - {year}", f"JO  - {journal}",
                                 f"DO  - 10.1000/{key}", "ER  - "]))
    return "\n\n".join(blocks) + "\n"


@dataclass
class Review:
    project: Project
    library: Library
    work: dict[str, int]  # paper key -> work id

    @property
    def settings(self) -> Settings:
        return self.project.settings()

    @property
    def root(self) -> Path:
        return self.project.root

    def tag_all(self) -> None:
        """Every paper's traditions, method and country as PAPERS says."""
        for key, (*_, country, names, method) in PAPERS.items():
            if key == "x":
                continue
            for name in names:
                tag(self.library, self.settings, self.work[key], "tradition", name, "BH")
            if method:
                tag(self.library, self.settings, self.work[key], "method", method, "BH")
            if country:
                tag(self.library, self.settings, self.work[key], "country", country, "BH")


@pytest.fixture
def review(tmp_path: Path) -> Iterator[Review]:
    project = init_project(tmp_path / "review", "Care planning: a meta-narrative review")
    project.review_file.write_text(PROTOCOL, "utf-8")
    library = Library.open(project.database_file)
    export = tmp_path / "medline.ris"
    export.write_text(ris("abcdefgx"), "utf-8")
    import_file(project, library, export, ImportOptions(database="MEDLINE"))
    deduplicate(library)
    work = works_by_doi(library)
    settings = project.settings()
    title = load(library, settings).stage("title")
    for key, work_id in work.items():
        actions.decide(library, title, work_id, "BH", "n" if key == "x" else "y")
    fulltext = load(library, settings).stage("fulltext")
    for key, work_id in work.items():
        if key != "x":
            actions.decide(library, fulltext, work_id, "BH", "y")
    yield Review(project, library, work)
    library.close()


@pytest.fixture
def tagged(review: Review) -> Review:
    """The review with every paper tagged, four themes and three memos."""
    review.tag_all()
    lib, settings, w = review.library, review.settings, review.work
    save_theme(lib, settings, USERS, "Users valued being involved", "positive",
               [w["f"], w["b"], w["c"]], "BH")
    save_theme(lib, settings, USERS, "Plans were written but not shared", "negative",
               [w["c"]], "BH")
    save_theme(lib, settings, PSYCHIATRY, "Risk assessment | dominated plans", "negative",
               [w["a"], w["d"], w["x"]], "MC")
    save_theme(lib, settings, PSYCHIATRY, "A retired theme", "positive", [w["a"]], "MC",
               retired=True)
    lib.synthesis.add_memo("review", None, "BH", "First draft of the traditions.",
                           at="2024-03-01T09:00:00+00:00")
    add_memo(lib, settings, "tradition", USERS, "MC", "Users and carers: one tradition?")
    add_memo(lib, settings, "work", str(w["a"]), None, "Check the\nsecond paper.")
    return review
