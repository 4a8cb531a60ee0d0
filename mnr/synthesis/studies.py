"""The studies of a review: its included works, labelled the way evidence tables cite them.

Appraisal, extraction and traditions are about the included works (outcome Y
at the last screening stage); appraisal may also start on works still being
assessed there. Labels read "Simpson et al. 2016", with a, b when one
author-year names two works.

Works the team linked as reports of one study (``mnr studies link``) are one
study: it is included when any of its reports is, listed once, under the first
of its reports in order (the lead report, then the others as linked). Its
judgements (appraisal, extraction, tradition tags) are those made on any of its
reports, the lead report's first: ``first_per_study`` and ``tags_per_study``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from mnr.library import Library
from mnr.project import Settings
from mnr.records import StoredRecord, label_number
from mnr.screening.state import load
from mnr.works import Work, merge


@dataclass(frozen=True, slots=True)
class Study:
    """An included (or assessed) work with its citation label."""

    work: Work
    label: str  # "Simpson et al. 2016"
    included: bool
    # every report of the study (lead report first, then as linked), this work among them;
    # empty: the work is a study of its own
    reports: tuple[int, ...] = ()

    @property
    def work_id(self) -> int:
        return self.work.work_id

    @property
    def report_ids(self) -> tuple[int, ...]:
        """The works that report the study, the lead report first."""
        return self.reports or (self.work.work_id,)

    @property
    def year(self) -> int | None:
        return self.work.merged.year

    @property
    def title(self) -> str:
        return self.work.merged.title or "(no title)"


def _surname(name: str) -> str:
    """"Simpson, Alan", "Alan Simpson" and "Simpson A" (initials last) all give "Simpson"."""
    if "," in name:
        return name.split(",")[0].strip() or name
    words = name.split()
    if len(words) >= 2 and words[-1].replace(".", "").isupper() and len(words[-1]) <= 4:
        return " ".join(words[:-1])
    return words[-1] if words else name


def author_year(work: Work) -> str:
    authors = work.merged.authors
    year = work.merged.year or "n.d."
    if not authors:
        return f"Anon. {year}"
    if len(authors) == 1:
        return f"{_surname(authors[0])} {year}"
    if len(authors) == 2:
        return f"{_surname(authors[0])} & {_surname(authors[1])} {year}"
    return f"{_surname(authors[0])} et al. {year}"


def studies(library: Library, settings: Settings, assessed: bool = False) -> list[Study]:
    """The included works (with ``assessed``, every work at the last stage), ordered by
    year and label; labels made unique with a, b, ..."""
    screening = load(library, settings)
    included = set(screening.included())
    wanted = set(screening.stages[-1].work_ids) if assessed else included
    if not wanted:
        return []
    groups = report_groups(library)
    # each study once, under the first of its reports that is wanted
    shown: dict[int, tuple[int, ...]] = {}
    for work_id in sorted(wanted):
        reports = groups.get(work_id, (work_id,))
        first = next(report for report in reports if report in wanted)
        shown[first] = reports if len(reports) > 1 else ()
    grouped: dict[int, list[StoredRecord]] = {}
    for record in library.records():
        if record.work_id in shown:
            grouped.setdefault(record.work_id, []).append(record)
    works = [merge(work_id, records) for work_id, records in grouped.items()]
    works.sort(key=lambda w: (w.merged.year or 0, author_year(w), w.work_id))
    labels = [author_year(w) for w in works]
    repeated = Counter(labels)
    used: Counter[str] = Counter()
    result = []
    for work, label in zip(works, labels, strict=True):
        if repeated[label] > 1:
            used[label] += 1
            label = f"{label}{chr(ord('a') + used[label] - 1)}"
        reports = shown[work.work_id]
        result.append(Study(work, label, bool(included.intersection(reports or
                                                                     (work.work_id,))),
                            reports))
    return result


def report_groups(library: Library) -> dict[int, tuple[int, ...]]:
    """Each work linked to a study (the lead report too) -> the study's reports, the lead
    report first, then the others in the order they were linked."""
    members: dict[int, list[int]] = {}
    for report, lead in library.studies.study_of().items():
        members.setdefault(lead, [lead]).append(report)
    order = {link.report: link.link_id for link in library.studies.links()}
    groups: dict[int, tuple[int, ...]] = {}
    for lead, reports in members.items():
        ordered = (lead, *sorted(reports[1:], key=lambda w: (order.get(w, 0), w)))
        groups.update((work_id, ordered) for work_id in ordered)
    return groups


T = TypeVar("T")


def first_per_study(by_work: Mapping[int, T], listed: Sequence[Study]) -> dict[int, T]:
    """Per study (by its ``work_id``): the judgement of its first report that has one,
    the lead report first. Other works' judgements are left out."""
    found: dict[int, T] = {}
    for study in listed:
        for report in study.report_ids:
            if report in by_work:
                found[study.work_id] = by_work[report]
                break
    return found


def tags_per_study(tags: Mapping[int, Mapping[str, list[str]]], listed: Sequence[Study]
                   ) -> dict[int, dict[str, list[str]]]:
    """Per study (by its ``work_id``): the tags of all its reports, each value once, the
    lead report's first."""
    found: dict[int, dict[str, list[str]]] = {}
    for study in listed:
        kinds: dict[str, list[str]] = {}
        for report in study.report_ids:
            for kind, values in tags.get(report, {}).items():
                kept = kinds.setdefault(kind, [])
                kept.extend(value for value in values if value not in kept)
        if kinds:
            found[study.work_id] = kinds
    return found


def parse_works(library: Library, listed: Sequence[Study], text: str
                ) -> tuple[list[int], list[str]]:
    """Work ids from "Simpson et al. 2016, W12, 7" (labels of the ``listed`` studies, any
    case, or work numbers), each once in the order typed; and the parts that name no work
    of the review."""
    labels = {study.label.lower(): study.work_id for study in listed}
    known = library.screening.work_ids()
    works: list[int] = []
    unknown: list[str] = []
    for token in (part.strip() for part in text.split(",")):
        if not token:
            continue
        work_id = labels.get(token.lower(), label_number(token, "W"))
        if work_id is None or work_id not in known:
            unknown.append(token)
        elif work_id not in works:
            works.append(work_id)
    return works, unknown


def tags_of_studies(tags: Mapping[int, Mapping[str, list[str]]],
                    groups: Mapping[int, tuple[int, ...]]) -> dict[int, dict[str, list[str]]]:
    """``tags`` with each linked work given its whole study's tags (those of all its
    reports, each value once, the lead report's first): for summaries that look works up
    one study at a time (``groups``: from ``report_groups``)."""
    found = {work_id: {kind: list(values) for kind, values in kinds.items()}
             for work_id, kinds in tags.items()}
    for work_id, reports in groups.items():
        kinds: dict[str, list[str]] = {}
        for report in reports:
            for kind, values in tags.get(report, {}).items():
                kept = kinds.setdefault(kind, [])
                kept.extend(value for value in values if value not in kept)
        if kinds:
            found[work_id] = kinds
    return found


def study_keys(work_ids: Sequence[int] | set[int],
               groups: Mapping[int, tuple[int, ...]]) -> dict[int, int]:
    """Each work -> the first of its study's reports among ``work_ids`` (the lead report
    first): the one work a study is counted under."""
    wanted = set(work_ids)
    return {work_id: next(r for r in groups.get(work_id, (work_id,)) if r in wanted)
            for work_id in wanted}
