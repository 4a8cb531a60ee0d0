"""Appraising included studies: answers checked against the checklist, kept per reviewer."""

from __future__ import annotations

import csv
import io
import subprocess
import sys

import pytest

from mnr.errors import MnrError
from mnr.library import Library
from mnr.project import Project
from mnr.synthesis.appraisal.appraise import current, export_csv, save, suggested
from mnr.synthesis.traditions import tag
from tests.prisma.test_counts import _screen, review  # noqa: F401  (the fixture)

TRADITION = """
[[tradition]]
name = "Needs assessment"
checklist = "casp-rct"
"""


def test_answers_are_checked_stored_and_exported(review: tuple[Project, Library]) -> None:  # noqa: F811
    project, library = review
    work_of = _screen(project, library)
    settings = project.settings()
    d = work_of["d"]  # included
    save(library, settings, d, "BH", "casp-qualitative",
         {"1": "y", "2": {"answer": "can't tell", "comment": "no rationale given"},
          "10": {"answer": "Useful for CMHTs", "comment": ""}}, "Small sample, one site.")
    with pytest.raises(MnrError, match="there is no checklist 'casp-nope'"):
        save(library, settings, d, "BH", "casp-nope", {})
    with pytest.raises(Exception, match="99"):
        save(library, settings, d, "BH", "casp-qualitative", {"99": "yes"})
    with pytest.raises(Exception, match="maybe"):
        save(library, settings, d, "BH", "casp-qualitative", {"3": "maybe"})
    with pytest.raises(MnrError, match="not a study of this review"):
        save(library, settings, work_of["g"], "BH", "casp-qualitative", {"1": "yes"})
    saved = current(library)[d]["BH"]
    assert saved.answers["1"] == {"answer": "yes", "comment": ""}
    assert saved.answers["2"] == {"answer": "cant_tell", "comment": "no rationale given"}
    assert saved.commentary == "Small sample, one site."
    save(library, settings, d, "BH", "casp-qualitative", {"1": "no"})  # a second thought
    assert current(library)[d]["BH"].answers == {"1": {"answer": "no", "comment": ""}}
    assert len(library.synthesis.appraisals()) == 2  # the first is kept in the log

    stream = io.StringIO()
    rows = export_csv(library, settings, stream)
    table = list(csv.DictReader(io.StringIO(stream.getvalue())))
    assert rows == len(table) == 10  # every question of casp-qualitative, no commentary now
    first = table[0]
    assert (first["study"], first["work"], first["question"], first["answer"], first["no"]) == (
        "Grundy 2015", f"W{d}", "1", "no", "1")


def test_the_suggested_checklist(review: tuple[Project, Library]) -> None:  # noqa: F811
    project, library = review
    project.review_file.write_text(project.review_file.read_text() + TRADITION, "utf-8")
    work_of = _screen(project, library)
    settings = project.settings()
    d = work_of["d"]
    assert suggested(library, settings, d, {"Needs assessment": "casp-rct"},
                     "qualitative interviews") == "casp-qualitative"
    tag(library, settings, d, "tradition", "Needs assessment", "BH")
    assert suggested(library, settings, d, {"Needs assessment": "casp-rct"}, None) == "casp-rct"
    assert suggested(library, settings, work_of["e"], {}, None) is None


def test_appraisal_from_the_cli(review: tuple[Project, Library]) -> None:  # noqa: F811
    project, library = review
    work_of = _screen(project, library)
    library.close()

    def mnr(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "mnr", *args], cwd=project.root,
                              capture_output=True, text=True, timeout=120)

    work = f"W{work_of['e']}"
    done = mnr("appraisal", "set", work, "--checklist", "casp-qualitative", "--answer", "1=yes",
               "--answer", "4=cant_tell:recruitment unclear", "--reviewer", "MC")
    assert done.returncode == 0, done.stderr
    exported = mnr("appraisal", "export")
    assert exported.returncode == 0 and "recruitment unclear" in exported.stdout
    refused = mnr("appraisal", "set", work, "--checklist", "casp-qualitative", "--answer",
                  "yes", "--reviewer", "MC")
    assert refused.returncode != 0 and "N=ANSWER" in refused.stderr
