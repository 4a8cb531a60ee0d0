"""A work's merged view: the most complete record, filled in from its duplicates.

Records stay as they were imported; this view is derived whenever it is
asked for. The preferred record is the most complete one; from the others a
work takes what its preferred record lacks or has in a poorer form: the DOI,
the longest abstract, the fullest page range, the longest author list.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from mnr.formats.writers import Found, Item
from mnr.library import Library
from mnr.records import StoredRecord

_COUNTED = ("title", "year", "journal", "volume", "issue", "pages", "doi", "pmid", "issn",
            "abstract")


@dataclass(frozen=True, slots=True)
class Work:
    """One publication: its records, the preferred one, and the merged view."""

    work_id: int
    records: list[StoredRecord]
    preferred: StoredRecord
    merged: StoredRecord  # the preferred record with gaps filled from the others

    @property
    def label(self) -> str:
        return f"W{self.work_id}"

    @property
    def databases(self) -> list[str]:
        return sorted({r.database for r in self.records})


def completeness(record: StoredRecord) -> tuple[int, int, int]:
    """How complete a record is: fields present, then authors, then abstract length."""
    present = sum(1 for name in _COUNTED if getattr(record, name))
    return present, len(record.authors), len(record.abstract or "")


def _page_quality(pages: str | None) -> tuple[int, int]:
    """A range beats a single page; then more digits ("590-595" beats "590-5")."""
    if not pages:
        return (0, 0)
    return (1 if "-" in pages else 0, sum(ch.isdigit() for ch in pages))


def merge(work_id: int, records: list[StoredRecord]) -> Work:
    """The merged view of one work's records."""
    preferred = max(records, key=lambda r: (completeness(r), -r.record_id))

    def first(name: str) -> Any:
        value = getattr(preferred, name)
        if value:
            return value
        return next((getattr(r, name) for r in records if getattr(r, name)), value)

    dois = Counter(r.doi for r in records if r.doi)
    merged = dataclasses.replace(
        preferred,
        title=first("title"),
        # the most names, then the fullest ("Coffey, Michael" over "Coffey M")
        authors=max((r.authors for r in records), key=lambda a: (len(a), sum(map(len, a)))),
        year=first("year"),
        journal=max((r.journal for r in records if r.journal), key=len, default=None),
        volume=first("volume"),
        issue=first("issue"),
        pages=max((r.pages for r in records), key=_page_quality),
        doi=preferred.doi or (dois.most_common(1)[0][0] if dois else None),
        pmid=first("pmid"),
        issn=first("issn"),
        isbn=first("isbn"),
        abstract=max((r.abstract for r in records if r.abstract), key=len, default=None),
        keywords=list(dict.fromkeys(k for r in records for k in r.keywords)),
        language=first("language"),
        url=first("url"),
        database="; ".join(sorted({r.database for r in records})),
        work_id=work_id,
    )
    return Work(work_id=work_id, records=records, preferred=preferred, merged=merged)


def works(library: Library, with_source: bool = False) -> Iterator[Work]:
    """Every work of the active searches, in order of its first record (``with_source``:
    with each record's text as its file gave it, which exports need)."""
    grouped: dict[int, list[StoredRecord]] = {}
    for record in library.records(with_source=with_source):
        if record.work_id is not None:
            grouped.setdefault(record.work_id, []).append(record)
    for work_id, records in grouped.items():
        yield merge(work_id, records)


def merged_records(items: Iterable[Work]) -> Iterator[Found]:
    """The works as one merged record each, with the databases that found them, for the
    writers."""
    for work in items:
        yield Found(work.merged, work.databases, [r.label for r in work.records])


@dataclass(frozen=True, slots=True)
class Export:
    """What ``mnr export`` writes, and whether some records are left out of the works."""

    records: Iterable[Item]
    not_deduplicated: bool  # records imported since the last deduplication (no work yet)


def to_export(library: Library, merged: bool, include_withdrawn: bool = False,
              work_ids: Collection[int] | None = None) -> Export:
    """Every record (of the active searches, or of all), or one merged record per work;
    with ``work_ids``, of those works only (a selection: ``mnr export --included``)."""
    # with the records' text: the writers give DOIs as the files spelled them
    if not merged:
        records: Iterable[StoredRecord] = library.records(
            include_withdrawn=include_withdrawn, with_source=True)
        if work_ids is not None:
            wanted = set(work_ids)
            records = (r for r in records if r.work_id in wanted)
        return Export(records, False)
    chosen: Iterable[Work] = works(library, with_source=True)
    if work_ids is not None:
        wanted = set(work_ids)
        chosen = (work for work in chosen if work.work_id in wanted)
    return Export(merged_records(chosen), library.works.counts().unassigned > 0)
