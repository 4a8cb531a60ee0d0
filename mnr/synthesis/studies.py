"""The studies of a review: its included works, labelled the way evidence tables cite them.

Appraisal, extraction and traditions are about the included works (outcome Y
at the last screening stage); appraisal may also start on works still being
assessed there. Labels read "Simpson et al. 2016", with a, b when one
author-year names two works.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

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

    @property
    def work_id(self) -> int:
        return self.work.work_id

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
    grouped: dict[int, list[StoredRecord]] = {}
    for record in library.records():
        if record.work_id in wanted:
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
        result.append(Study(work, label, work.work_id in included))
    return result


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
