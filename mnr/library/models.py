"""Typed objects the library hands to the rest of mnr (no SQL outside this package)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple


@dataclass(frozen=True, slots=True)
class NewSearch:
    """What an import knows about a search before its records are stored."""

    database: str
    file_name: str
    file_sha256: str
    file_bytes: int
    encoding: str
    format: str
    source_kind: str = "database"  # "database", "register" or "other"
    other_method: str | None = None
    platform: str | None = None
    search_date: str | None = None
    query: str | None = None
    limits: str | None = None
    notes: str | None = None
    review_round: int = 1  # 1: the original searches; 2: the first update, ...
    update_of: int | None = None  # the earlier search this one re-runs


@dataclass(frozen=True, slots=True)
class Search:
    """A search as stored: one imported export file and what the librarian said of it."""

    search_id: int
    database: str
    platform: str | None
    search_date: str | None
    query: str | None
    limits: str | None
    notes: str | None
    source_kind: str
    other_method: str | None
    file_name: str
    file_sha256: str
    file_bytes: int
    encoding: str
    format: str
    record_count: int
    imported_at: str
    withdrawn_at: str | None
    withdrawn_reason: str | None
    review_round: int = 1  # the review round it belongs to (1: the original searches)
    update_of: int | None = None  # the earlier search it re-runs, in an updated review

    @property
    def label(self) -> str:
        return f"S{self.search_id}"

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    def as_dict(self) -> dict[str, Any]:
        return {"search": self.label, **{k: getattr(self, k) for k in self.__slots__}}


@dataclass(frozen=True, slots=True)
class DatabaseCount:
    database: str
    searches: int
    records: int
    untitled: int


@dataclass(frozen=True, slots=True)
class Status:
    """Counts over the library, derived on demand (never stored)."""

    searches: int
    withdrawn_searches: int
    records: int
    untitled: int
    by_database: list[DatabaseCount]

    def as_dict(self) -> dict[str, Any]:
        return {
            "searches": self.searches,
            "withdrawn_searches": self.withdrawn_searches,
            "records": self.records,
            "untitled_records": self.untitled,
            "by_database": [
                {"database": d.database, "searches": d.searches, "records": d.records,
                 "untitled_records": d.untitled}
                for d in self.by_database
            ],
        }


@dataclass(frozen=True, slots=True)
class MatchFields:
    """The fields of an active record that deduplication compares."""

    record_id: int
    database: str
    title: str | None
    authors: list[str]
    year: int | None
    journal: str | None
    volume: str | None
    issue: str | None
    pages: str | None
    doi: str | None
    pmid: str | None
    issn: str | None
    isbn: str | None
    pub_type: str | None


@dataclass(frozen=True, slots=True)
class CandidatePair:
    """A pair an automatic pass found: merged ("duplicate"), left for a person ("review"),
    or a notice logged with its paper ("related": an erratum, a reply, a retraction)."""

    record_a: int
    record_b: int
    score: float
    verdict: str
    reason: str


@dataclass(frozen=True, slots=True)
class PairDecision:
    """One entry of the append-only log of what people decided about pairs."""

    decision_id: int
    record_a: int
    record_b: int
    decision: str  # "merge", "apart", "skip" or "undo"
    undoes: int | None
    reviewer: str
    decided_at: str
    note: str | None


class LogEntry(NamedTuple):
    """One entry of the screening log: a decision, an undo, a resolution or a note.

    A named tuple, not a dataclass: a review's whole log (hundreds of thousands of
    entries) is read at every start, and tuples are made several times faster."""

    entry_id: int
    work_id: int
    stage: str
    reviewer: str
    kind: str  # "decision", "resolution", "undo" or "note"
    decision: str | None  # "y", "n" or "m"
    reason: str | None
    note: str | None
    undoes: int | None
    decided_at: str
    origin: str


@dataclass(frozen=True, slots=True)
class NewEntry:
    """A log entry before it is stored (the library gives it its id and, if unset, time)."""

    work_id: int
    stage: str
    reviewer: str
    kind: str
    decision: str | None = None
    reason: str | None = None
    note: str | None = None
    undoes: int | None = None
    decided_at: str | None = None
    origin: str = "cli"


class LiveEntry(NamedTuple):
    """A decision or resolution of the log that no undo took back, as counting sees it."""

    stage: str
    kind: str  # "decision" or "resolution"
    reviewer: str
    decision: str | None
    reason: str | None


class History(NamedTuple):
    """A screening history shared by ``works`` works: their live entries in log order,
    and whether they came from a database or register search (PRISMA's left column)."""

    from_databases: bool
    entries: tuple[LiveEntry, ...]
    works: int


@dataclass(frozen=True, slots=True)
class WorkLine:
    """What the screening list shows of a work (from its most complete-looking record)."""

    work_id: int
    title: str
    year: int | None
    first_author: str
    journal: str
    databases: tuple[str, ...]

    @property
    def label(self) -> str:
        return f"W{self.work_id}"


@dataclass(frozen=True, slots=True)
class Fulltext:
    work_id: int
    location: str
    attached_by: str | None
    attached_at: str


@dataclass(frozen=True, slots=True)
class Stop:
    """The team's decision to stop screening a stage by a stopping rule."""

    stage: str
    rule: str
    recall: float
    confidence: float
    p: float
    screened: int
    total: int
    found: int
    model: str
    reviewer: str
    stopped_at: str
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Appraisal:
    """One saved appraisal of a work by a reviewer (the latest per reviewer counts)."""

    appraisal_id: int
    work_id: int
    reviewer: str
    checklist: str
    answers: dict[str, dict[str, str]]  # question number -> {"answer": ..., "comment": ...}
    commentary: str | None
    saved_at: str
    edition: str | None = None  # the checklist's edition it was made with (None: not kept)
    year: int | None = None


@dataclass(frozen=True, slots=True)
class ConsensusAnswer:
    """An answer to one question of a work's appraisal that its appraisers agreed (the
    latest per work and question counts)."""

    consensus_id: int
    work_id: int
    checklist: str
    edition: str | None
    year: int | None
    question: str
    answer: str
    comment: str | None
    recorded_by: str | None
    saved_at: str


@dataclass(frozen=True, slots=True)
class Extraction:
    extraction_id: int
    work_id: int
    reviewer: str
    fields: dict[str, str]
    saved_at: str


@dataclass(frozen=True, slots=True)
class TagEntry:
    tag_id: int
    work_id: int
    kind: str  # "tradition", "method", "country"
    value: str
    action: str  # "add" or "remove"
    tagged_by: str | None
    tagged_at: str


@dataclass(frozen=True, slots=True)
class Theme:
    """A findings theme as last saved."""

    theme_key: int
    tradition: str
    statement: str
    polarity: str  # "positive" or "negative"
    works: list[int]
    retired: bool
    saved_by: str | None
    saved_at: str
    topic: str | None = None  # the cross-tradition topic; None: its own statement


@dataclass(frozen=True, slots=True)
class Memo:
    memo_id: int
    subject: str  # "review", "tradition", "work"
    about: str | None
    author: str | None
    text: str
    written_at: str
    memo_type: str | None = None  # "reflexive", "advisory-group", "decision"; None: general


@dataclass(frozen=True, slots=True)
class ConceptLink:
    """A link made (or taken back) between a tradition's concept or theory and a work."""

    link_id: int
    tradition: str
    concept: str
    kind: str  # "concept" or "theory"
    work_id: int
    action: str  # "add" or "remove"
    linked_by: str | None
    saved_at: str


@dataclass(frozen=True, slots=True)
class StudyLink:
    """A report joining the study led by another work (``study``), or leaving its study
    (``study`` None, action "unlink")."""

    link_id: int
    report: int
    study: int | None
    action: str  # "link" or "unlink"
    linked_by: str | None
    linked_at: str


@dataclass(frozen=True, slots=True)
class Removal:
    """A work removed before screening (``action`` "remove"), or put back ("restore")."""

    work_id: int
    action: str
    reason: str | None  # "retracted", "ineligible-by-automation", "other"
    label: str | None  # the reason in the person's words
    removed_by: str | None
    removed_at: str
