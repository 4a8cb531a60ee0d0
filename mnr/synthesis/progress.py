"""How far the synthesis has got with the included studies: appraised, extracted, mapped.

What the home screen shows beside Appraisal, Extraction and Traditions; like every
count, derived from the logs each time it is asked for.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from mnr.library import Library
from mnr.project import Settings
from mnr.screening.state import load
from mnr.synthesis import extraction, traditions
from mnr.synthesis.appraisal import appraise


@dataclass(frozen=True, slots=True)
class SynthesisProgress:
    """Counts over the included works (outcome Y at the last screening stage)."""

    included: int
    appraised: int  # included works appraised by at least one reviewer
    appraised_by: dict[str, int]  # reviewer -> included works they appraised
    extracted: int  # included works with a saved extraction
    in_tradition: int  # included works tagged with at least one tradition
    traditions: int  # the review's traditions (review.toml's and those made in mnr)


def synthesis_progress(library: Library, settings: Settings,
                       included: Collection[int] | None = None) -> SynthesisProgress:
    """Appraisal, extraction and mapping of the included works (``included``: their ids,
    if the caller has already folded the screening log)."""
    wanted = set(load(library, settings).included() if included is None else included)
    appraised = {w: by for w, by in appraise.current(library).items() if w in wanted and by}
    by_reviewer: dict[str, int] = {}
    for reviewers in appraised.values():
        for reviewer in reviewers:
            by_reviewer[reviewer] = by_reviewer.get(reviewer, 0) + 1
    tags = traditions.current_tags(library)
    return SynthesisProgress(
        included=len(wanted), appraised=len(appraised), appraised_by=by_reviewer,
        extracted=sum(1 for w in extraction.current(library) if w in wanted),
        in_tradition=sum(1 for w in wanted if tags.get(w, {}).get("tradition")),
        traditions=len(traditions.traditions(library, settings)))
