"""How far the synthesis has got with the included studies: appraised, extracted, mapped.

What the home screen shows beside Appraisal, Extraction and Traditions; like every
count, derived from the logs each time it is asked for. An appraisal is complete when
every yes / no / can't tell question has an answer (free-text ones may stay empty); a
saved appraisal with such questions left open is partial, and not counted as appraised.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from mnr.library import Library
from mnr.library.models import Appraisal
from mnr.project import Settings
from mnr.screening.state import load
from mnr.synthesis import extraction, traditions
from mnr.synthesis.appraisal import appraise
from mnr.synthesis.appraisal.checklists import Checklist
from mnr.synthesis.studies import report_groups, study_keys


@dataclass(frozen=True, slots=True)
class SynthesisProgress:
    """Counts over the included works (outcome Y at the last screening stage)."""

    included: int
    appraised: int  # included works appraised by at least one reviewer
    appraised_by: dict[str, int]  # reviewer -> included works they appraised
    extracted: int  # included works with a saved extraction
    in_tradition: int  # included works tagged with at least one tradition
    traditions: int  # the review's traditions (review.toml's and those made in mnr)
    complete: int  # included works with at least one complete appraisal
    complete_by: dict[str, int]  # reviewer -> included works they appraised completely

    @property
    def partial(self) -> int:
        """Included works appraised, but with questions left open by everyone."""
        return self.appraised - self.complete


def unanswered(appraisal: Appraisal, checklist: Checklist | None) -> int:
    """How many yes / no / can't tell questions the appraisal leaves open (0: complete). An
    appraisal with a checklist review.toml no longer lists counts as complete."""
    if checklist is None:
        return 0
    answered = {n for n, a in appraisal.answers.items() if a.get("answer", "").strip()}
    return sum(1 for q in checklist.to_answer(answered) if q.number not in answered)


def synthesis_progress(library: Library, settings: Settings,
                       included: Collection[int] | None = None) -> SynthesisProgress:
    """Appraisal, extraction and mapping of the included works (``included``: their ids,
    if the caller has already folded the screening log)."""
    works = set(load(library, settings).included() if included is None else included)
    # a study of several reports counts once, with the judgements made on any of them
    groups = report_groups(library)
    key = study_keys(works, groups)
    wanted = set(key.values())
    saved = appraise.current(library)
    appraised: dict[int, dict[str, Appraisal]] = {}
    for study in wanted:  # each reviewer's appraisal of its first report they appraised
        by: dict[str, Appraisal] = {}
        for report in groups.get(study, (study,)):
            for reviewer, appraisal in saved.get(report, {}).items():
                by.setdefault(reviewer, appraisal)
        if by:
            appraised[study] = by
    known = appraise.checklists(settings)
    by_reviewer: dict[str, int] = {}
    complete_by: dict[str, int] = {}
    complete = 0
    for reviewers in appraised.values():
        done = [r for r, a in reviewers.items() if not unanswered(a, known.get(a.checklist))]
        complete += bool(done)
        for reviewer in reviewers:
            by_reviewer[reviewer] = by_reviewer.get(reviewer, 0) + 1
        for reviewer in done:
            complete_by[reviewer] = complete_by.get(reviewer, 0) + 1
    tags = traditions.current_tags(library)
    extracted = extraction.current(library)
    return SynthesisProgress(
        included=len(wanted), appraised=len(appraised), appraised_by=by_reviewer,
        extracted=sum(1 for study in wanted if any(
            report in extracted for report in groups.get(study, (study,)))),
        in_tradition=sum(1 for study in wanted if any(
            tags.get(report, {}).get("tradition") for report in groups.get(study, (study,)))),
        traditions=len(traditions.traditions(library, settings)),
        complete=complete, complete_by=complete_by)
