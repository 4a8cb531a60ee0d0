"""A small screened review: six works, reviewers BH and MC, three stages."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from mnr.dedupe.passes import deduplicate
from mnr.library import Library
from mnr.project import Project, Settings
from tests.helpers import import_text, make_project, ris_text

TITLES = [
    "Care planning in community mental health teams: a qualitative study",
    "Recovery-oriented care coordination for adults with psychosis",
    "Inpatient ward rounds and discharge planning",
    "Personalised care plans in child and adolescent services",
    "Service user involvement in care programme approach reviews",
    "A randomised trial of case management",
]


@dataclass
class Review:
    project: Project
    library: Library

    @property
    def settings(self) -> Settings:
        return self.project.settings()

    def reviewers(self, line: str) -> None:
        """Replace the [screening] reviewers line of review.toml."""
        text = self.project.review_file.read_text("utf-8")
        lines = [line if row.startswith("reviewers =") else row for row in text.splitlines()]
        self.project.review_file.write_text("\n".join(lines) + "\n", "utf-8")

    def set(self, key: str, value: str) -> None:
        """Set a key of [screening] in review.toml."""
        text = self.project.review_file.read_text("utf-8")
        lines = [row for row in text.splitlines() if not row.startswith(f"{key} =")]
        at = lines.index("[screening]") + 1
        lines.insert(at, f"{key} = {value}")
        self.project.review_file.write_text("\n".join(lines) + "\n", "utf-8")


@pytest.fixture
def review(tmp_path: Path) -> Iterator[Review]:
    project = make_project(tmp_path)
    import_text(project, "search.ris", ris_text(list(TITLES)), "MEDLINE")
    library = Library.open(project.database_file)
    deduplicate(library)
    made = Review(project, library)
    made.reviewers('reviewers = ["BH", "MC"]')
    yield made
    library.close()
