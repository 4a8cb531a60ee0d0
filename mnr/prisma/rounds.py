"""Updated reviews and linked reports in the PRISMA 2020 flow.

**Rounds.** Every search belongs to a review round (``mnr import --update-of S1``
puts a re-run in the round after S1's; round 1 is the original searches). A work
belongs to the round whose searches found it first. The flow of round k counts
only that round: records identified by its searches, per database; duplicates
are its records that did not make a new work (duplicates within the round and
records of works an earlier round had found); records screened are the works it
found first (only those are queued for screening), and so on down to the new
studies it included. The studies and reports included by the rounds before it
are the "previous version of the review". The flow of round 1 is the first
round's alone, as it was drawn before any update. With several rounds, ``mnr
prisma`` shows the latest (the update being reported); ``--round 1`` the first.
A round's date is the latest search date among its searches.

**Studies and reports.** Works linked as reports of one study (``mnr studies
link``) count once among the studies. A study is included when any of its
reports is; "reports of included studies" are its included reports and the
other works the team linked to it (a protocol screened out as "not research",
say): those are said in the flow's gaps, since they also count where they left
the flow. A study first included in an earlier round is a previous study; a
new report of it counts among the new reports.
"""

from __future__ import annotations

from dataclasses import dataclass

from mnr.errors import MnrError
from mnr.library import Library, Search
from mnr.project import Settings
from mnr.screening.state import load
from mnr.synthesis.studies import report_groups


@dataclass(frozen=True, slots=True)
class Round:
    """A review round: its number, its date and its searches."""

    number: int
    searches: list[Search]

    @property
    def date(self) -> str | None:
        """The latest date any of its searches was run (None if none says)."""
        return max((s.search_date for s in self.searches if s.search_date), default=None)


def rounds(library: Library) -> list[Round]:
    """The review's rounds with active searches, in order (round 1 first)."""
    by_number: dict[int, list[Search]] = {}
    for search in library.searches(include_withdrawn=False):
        by_number.setdefault(search.review_round, []).append(search)
    return [Round(number, found) for number, found in sorted(by_number.items())]


def chosen_round(found: list[Round], wanted: int | None) -> int | None:
    """The round to draw: the one asked for, else the latest when there are several;
    None for a review of one round (its flow is drawn as a new review's). An unknown
    round is refused, naming the rounds there are."""
    numbers = [r.number for r in found]
    if wanted is not None:
        if wanted not in numbers:
            known = ", ".join(str(n) for n in numbers) or "none (no searches yet)"
            raise MnrError(f"there is no review round {wanted}; the rounds are: {known}")
        return wanted if len(numbers) > 1 or wanted != 1 else None
    return numbers[-1] if len(numbers) > 1 else None


@dataclass(frozen=True, slots=True)
class Included:
    """Studies and reports included, split into those of earlier rounds (the previous
    version of the review) and the new ones."""

    previous_studies: int
    previous_reports: int
    new_studies: int
    new_reports: int
    linked_not_included: list[int]  # linked reports counted that were not included


def included(library: Library, settings: Settings, included_new: int,
             review_round: int | None = None, work_rounds: dict[int, int] | None = None
             ) -> Included:
    """Studies and reports included by the flow's round (``review_round``; None: the whole
    review, one round), given ``included_new``, the works the round included. Previous
    studies (those of earlier rounds) need ``work_rounds``. Cheap without links and
    without earlier rounds: nothing is read."""
    groups = report_groups(library)
    earlier: set[int] = set()
    if review_round is not None and review_round > 1:
        assert work_rounds is not None
        before = [w for w, r in work_rounds.items() if r < review_round]
        earlier = set(load(library, settings, before).included()) if before else set()
    if not groups:
        return Included(len(earlier), len(earlier), included_new, included_new, [])

    def in_scope(work_id: int) -> bool:
        return review_round is None or (work_rounds or {}).get(work_id, 0) <= review_round

    def is_earlier(work_id: int) -> bool:
        return review_round is not None and (work_rounds or {}).get(
            work_id, review_round) < review_round

    linked = [w for w in groups if in_scope(w)]
    yes = set(load(library, settings, linked).included()) if linked else set()
    previous_studies, previous_reports = len(earlier), len(earlier)
    new_studies, new_reports = included_new, included_new
    extra: list[int] = []
    for lead in sorted({reports[0] for reports in groups.values()}):
        reports = [w for w in groups[lead] if in_scope(w)]
        chosen = [w for w in reports if w in yes]
        if not chosen:
            continue
        old = [w for w in chosen if is_earlier(w)]
        new = [w for w in chosen if not is_earlier(w)]
        # the study once: among the previous studies if an earlier round included it
        if old:
            previous_studies -= len(old) - 1
            new_studies -= len(new)
        else:
            new_studies -= len(new) - 1
        for work_id in reports:
            if work_id not in yes:  # linked, not itself included: a report all the same
                extra.append(work_id)
                if is_earlier(work_id):
                    previous_reports += 1
                else:
                    new_reports += 1
    return Included(previous_studies, previous_reports, new_studies, new_reports, extra)


def linked_gap(extra: list[int]) -> str:
    """What the flow's gaps say of linked reports that were not included themselves."""
    named = ", ".join(f"W{w}" for w in extra)
    return (f"{len(extra):,} reports linked to included studies ({named}) were not included "
            "themselves: they count in 'reports of included studies' and also where they "
            "left the flow (`mnr studies` lists them)")
