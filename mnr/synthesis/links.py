"""Linking the reports of one study (``mnr studies link W12 W40``): a protocol, the main
paper and a later follow-up are three works but one study.

A study is named by its lead report; every other report links to the lead
directly (linking a work that leads a study of its own brings its reports
along), so that a study is always one lead and its reports. Each link and
unlink is an act, journalled like a tag.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from mnr.errors import MnrError
from mnr.library import Library
from mnr.normalise import title_flags
from mnr.project import Settings
from mnr.records import StoredRecord
from mnr.screening.state import load
from mnr.synthesis.studies import author_year, report_groups
from mnr.works import Work, merge


def _check_works(library: Library, work_ids: Sequence[int]) -> None:
    known = library.screening.work_ids()
    missing = [f"W{w}" for w in work_ids if w not in known]
    if missing:
        raise MnrError(f"{', '.join(missing)}: no such work in this review (`mnr screen` "
                       "and `mnr studies` show the works' numbers); nothing was linked")


def link(library: Library, study: int, reports: Sequence[int], by: str | None
         ) -> list[tuple[int, int]]:
    """Link each of ``reports`` to the study of ``study`` (its lead report, if ``study``
    is itself a linked report); a report that leads a study of its own brings its
    reports along. Returns the (report, lead) links made; none if all were there."""
    if not reports:
        raise MnrError("name the study's work, then the reports that join it: "
                       "mnr studies link W12 W40")
    return link_all(library, [(study, reports)], by)


def link_all(library: Library, requests: Sequence[tuple[int, Sequence[int]]],
             by: str | None) -> list[tuple[int, int]]:
    """``link`` for several studies at once (each request: a study and its reports): the
    works and links read once, every link saved together, or none if one is refused."""
    _check_works(library, [w for study, reports in requests for w in (study, *reports)])
    study_of = library.studies.study_of()
    made: list[tuple[int, int]] = []
    for study, reports in requests:
        lead = study_of.get(study, study)
        for report in reports:
            if report == lead:
                raise MnrError(f"W{report} leads the study of W{study}: name another work "
                               "to link to it")
            if study_of.get(report) == lead:
                continue  # linked already
            moving = [report, *sorted(w for w, s in study_of.items() if s == report)]
            made += [(work_id, lead) for work_id in moving if (work_id, lead) not in made]
            study_of.update((work_id, lead) for work_id in moving)  # for the next request
    if made:
        library.studies.link(made, by)
    return made


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A related report deduplication found, not linked yet: the notice's work (an
    erratum, a reply, a retraction notice, a reprint) as a report of its paper's study."""

    report: int  # the notice's work
    study: int  # the work of the paper it names
    reason: str  # as the dedupe pass gave it: "related report (erratum): title 1.00, ..."
    report_title: str
    study_title: str


def suggested_links(library: Library) -> list[Suggestion]:
    """The current dedupe pass's related pairs whose works are not one study yet, each
    notice once (with the first paper it names), in work order."""
    pairs = library.works.current_pairs(verdict="related")
    if not pairs:
        return []
    ids = sorted({x for p in pairs for x in (p.record_a, p.record_b)})
    records = {r.record_id: r for r in library.records(record_ids=ids)}
    study_of = library.studies.study_of()
    found: dict[int, Suggestion] = {}
    for pair in pairs:
        a, b = records.get(pair.record_a), records.get(pair.record_b)
        if a is None or b is None or a.work_id is None or b.work_id is None:
            continue  # a record of a withdrawn search
        notice, paper = (a, b) if title_flags(a.title) and not title_flags(b.title) else (b, a)
        report, study = notice.work_id, paper.work_id
        assert report is not None and study is not None
        if study_of.get(report, report) == study_of.get(study, study) or report in found:
            continue
        found[report] = Suggestion(report, study, pair.reason, notice.title or "",
                                   paper.title or "")
    return [found[w] for w in sorted(found)]


def unlink(library: Library, report: int, by: str | None) -> None:
    """Take ``report`` out of its study: it is a study of its own again."""
    _check_works(library, [report])
    study_of = library.studies.study_of()
    if report not in study_of:
        others = sorted(w for w, s in study_of.items() if s == report)
        if others:
            raise MnrError(f"W{report} leads the study its reports "
                           f"{', '.join(f'W{w}' for w in others)} are linked to: unlink "
                           "those first (or link it to another study); nothing was changed")
        raise MnrError(f"W{report} is not linked to a study; nothing was changed")
    library.studies.link([(report, None)], by)


@dataclass(frozen=True, slots=True)
class Report:
    """One report of a study, as ``mnr studies`` lists it."""

    work: Work
    stage: str  # the last screening stage it reached ("" before screening)
    outcome: str  # its outcome there: "y", "n", "m", or what it waits for

    included: bool = False  # Y at the last stage

    @property
    def work_id(self) -> int:
        return self.work.work_id


@dataclass(frozen=True, slots=True)
class StudyReports:
    """A study and its reports, the lead report first."""

    reports: list[Report]

    @property
    def lead(self) -> Report:
        return self.reports[0]

    @property
    def included(self) -> bool:
        return any(report.included for report in self.reports)

    def as_dict(self) -> dict[str, Any]:
        return {"study": f"W{self.lead.work_id}", "label": author_year(self.lead.work),
                "included": self.included,
                "reports": [{"work": f"W{r.work_id}", "lead": r is self.lead,
                             "title": r.work.merged.title, "year": r.work.merged.year,
                             "stage": r.stage or None, "outcome": r.outcome or None,
                             "included": r.included} for r in self.reports]}


def linked_studies(library: Library, settings: Settings) -> list[StudyReports]:
    """Every study with more than one report, in the order of their lead reports."""
    groups = report_groups(library)
    if not groups:
        return []
    screening = load(library, settings, groups)
    reached: dict[int, tuple[str, str]] = {}  # work -> its last stage, its outcome there
    for stage in screening.stages:
        for work_id in set(stage.work_ids) & set(groups):
            reached[work_id] = (stage.name, stage.outcome(work_id))
    included = set(screening.included())
    records: dict[int, list[StoredRecord]] = {}
    for record in library.records():
        if record.work_id in groups:
            records.setdefault(record.work_id, []).append(record)
    leads = sorted({reports[0] for reports in groups.values()})
    return [StudyReports([Report(merge(w, records.get(w, [])), *reached.get(w, ("", "")),
                                 w in included) for w in groups[lead]]) for lead in leads]


def study_notes(library: Library) -> dict[int, str]:
    """What the screening screen says of each work linked with others as one study's
    reports ("Report of study W12", "Study W12, with its reports W40, W41"): an erratum
    or a protocol is screened as a work of its own, but shown with its study."""
    study_of = library.studies.study_of()
    reports: dict[int, list[int]] = {}
    for report, lead in sorted(study_of.items()):
        reports.setdefault(lead, []).append(report)
    notes = {report: f"Report of study W{lead}"
             for report, lead in study_of.items()}
    notes.update({lead: f"Study W{lead}, with its reports {', '.join(f'W{w}' for w in others)}"
                  for lead, others in reports.items()})
    return notes
