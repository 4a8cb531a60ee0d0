"""PRISMA 2020 flow numbers, derived from the library: never typed, never stored.

Names follow the PRISMA2020 R package's data template. Two columns: works
with at least one record from a database or register search ("dbr"), and
works found only by other methods (citation searching, websites,
organisations). The last screening stage is where reports are sought and
assessed; the stages before it are "records screened". Where the arithmetic
does not close, ``gaps`` says why in words (works still waiting for a
decision, records not deduplicated yet).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

from mnr.bulk import paused_gc
from mnr.library import Library, Search
from mnr.project import Settings
from mnr.screening.state import CONFLICT, PENDING, UNRESOLVED_MAYBE, Screening, Stage, load


@dataclass(frozen=True, slots=True)
class StageFlow:
    """One screening stage: works that reached it and their outcomes so far."""

    stage: str
    works: int
    included: int
    excluded: int
    maybe: int
    waiting: int  # no outcome yet: decisions missing, conflicts, maybes to resolve


@dataclass(slots=True)
class Flow:
    """Every box of the PRISMA 2020 diagram, plus what explains any gap."""

    database_results: int = 0
    database_specific_results: dict[str, int] = field(default_factory=dict)
    register_results: int = 0
    register_specific_results: dict[str, int] = field(default_factory=dict)
    other_results: dict[str, int] = field(default_factory=dict)  # method -> records
    duplicates: int = 0
    excluded_automatic: int = 0
    excluded_other: int = 0
    records_screened: int = 0
    records_excluded: int = 0
    dbr_sought_reports: int = 0
    dbr_notretrieved_reports: int = 0
    dbr_assessed: int = 0
    dbr_excluded: dict[str, int] = field(default_factory=dict)
    other_sought_reports: int = 0
    other_notretrieved_reports: int = 0
    other_assessed: int = 0
    other_excluded: dict[str, int] = field(default_factory=dict)
    previous_studies: int = 0
    previous_reports: int = 0
    new_studies: int = 0
    new_reports: int = 0
    total_studies: int = 0
    total_reports: int = 0
    stages: list[StageFlow] = field(default_factory=list)
    gaps: list[str] = field(default_factory=list)

    @property
    def other_methods(self) -> bool:
        return bool(self.other_results)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _column(search: Search) -> str:
    return "other" if search.source_kind == "other" else "dbr"


def _outcomes(stage: Stage, work_ids: list[int]) -> Counter[str]:
    return Counter(stage.outcome(w) for w in work_ids)


def count(library: Library, settings: Settings, screening: Screening | None = None) -> Flow:
    """The flow of the review as it stands."""
    with paused_gc():  # counting makes a million short-lived objects, none in a cycle
        return _count(library, settings, screening)


def _count(library: Library, settings: Settings, screening: Screening | None) -> Flow:
    flow = Flow()
    searches = {s.search_id: s for s in library.searches(include_withdrawn=False)}
    for search in searches.values():
        n = search.record_count
        if search.source_kind == "database":
            flow.database_results += n
            specific = flow.database_specific_results
        elif search.source_kind == "register":
            flow.register_results += n
            specific = flow.register_specific_results
        else:
            specific = flow.other_results
        key = (search.other_method or search.database) if search.source_kind == "other" else (
            search.database)
        specific[key] = specific.get(key, 0) + n

    store = library.screening
    column = {w: "dbr" if dbr else "other" for w, dbr in store.works_from_databases().items()}
    grouped = store.grouped_records()
    dbr_records = sum(grouped.get(s, 0) for s in searches if _column(searches[s]) == "dbr")
    other_records = sum(grouped.get(s, 0) for s in searches if _column(searches[s]) == "other")
    dbr_works = [w for w in sorted(column) if column[w] == "dbr"]
    other_works = [w for w in sorted(column) if column[w] == "other"]
    flow.duplicates = dbr_records - len(dbr_works)
    flow.records_screened = len(dbr_works)

    identified = flow.database_results + flow.register_results
    if identified != dbr_records:
        flow.gaps.append(f"{identified - dbr_records:,} records from databases and registers "
                         "are not deduplicated yet (run `mnr dedupe`), so they are not in "
                         "'records screened'")
    if other_records - len(other_works):
        flow.gaps.append(f"{other_records - len(other_works):,} records found by other methods "
                         "were duplicates (of each other, or of database records, which "
                         "count in the databases column)")
    missing = sum(flow.other_results.values()) - other_records
    if missing:
        flow.gaps.append(f"{missing:,} records from other methods are not deduplicated yet")

    screening = screening or load(library, settings, column, counting=True)
    _screening_boxes(flow, settings, screening, dbr_works, other_works)
    return flow


def _screening_boxes(flow: Flow, settings: Settings, screening: Screening,
                     dbr_works: list[int], other_works: list[int]) -> None:
    """Records excluded at the screening stages; reports sought, not retrieved, assessed and
    excluded at the last stage; studies included."""
    stages = screening.stages
    screen_stages = stages[:-1] if len(stages) > 1 else stages
    report_stage = stages[-1] if len(stages) > 1 else None
    dbr, other = set(dbr_works), set(other_works)
    for stage in stages:
        outcomes = stage.outcomes()
        flow.stages.append(StageFlow(
            stage.name, len(stage.work_ids), outcomes["y"], outcomes["n"], outcomes["m"],
            outcomes[PENDING] + outcomes[CONFLICT] + outcomes[UNRESOLVED_MAYBE]))
    for stage in screen_stages:
        works = [w for w in stage.work_ids if w in dbr]
        outcomes = _outcomes(stage, works)
        flow.records_excluded += outcomes["n"]
        waiting = len(works) - outcomes["n"] - sum(1 for w in works if stage.goes_forward(w))
        if waiting:
            flow.gaps.append(f"{waiting:,} records at the {stage.name} stage are waiting for "
                             f"a decision ({_waiting(outcomes)}), so 'records screened' minus "
                             "'records excluded' is more than 'reports sought'")
        other_out = _outcomes(stage, [w for w in stage.work_ids if w in other])
        if other_out["n"]:
            flow.gaps.append(f"{other_out['n']:,} records found by other methods were "
                             f"excluded at the {stage.name} stage (PRISMA has no box for this "
                             "in the other-methods column)")
    if report_stage is None:
        return
    not_retrieved = settings.not_retrieved_reason
    for column, members in (("dbr", dbr), ("other", other)):
        at_stage = [w for w in report_stage.work_ids if w in members]
        excluded = [w for w in at_stage if report_stage.outcome(w) == "n"]
        lost = [w for w in excluded if report_stage.reason(w) == not_retrieved]
        reasons = report_stage.exclusion_reasons(w for w in excluded if w not in set(lost))
        if column == "dbr":
            flow.dbr_sought_reports, flow.dbr_notretrieved_reports = len(at_stage), len(lost)
            flow.dbr_assessed, flow.dbr_excluded = len(at_stage) - len(lost), dict(reasons)
        else:
            flow.other_sought_reports, flow.other_notretrieved_reports = len(at_stage), len(lost)
            flow.other_assessed, flow.other_excluded = len(at_stage) - len(lost), dict(reasons)
        outcomes = _outcomes(report_stage, at_stage)
        waiting = len(at_stage) - outcomes["n"] - outcomes["y"]
        if waiting:
            where = "databases and registers" if column == "dbr" else "other methods"
            flow.gaps.append(f"{waiting:,} reports ({where}) assessed at the "
                             f"{report_stage.name} stage have no final decision yet "
                             f"({_waiting(outcomes)}), so they are neither excluded nor "
                             "included")
    flow.new_studies = flow.new_reports = len(screening.included())
    flow.total_studies = flow.previous_studies + flow.new_studies
    flow.total_reports = flow.previous_reports + flow.new_reports


def _waiting(outcomes: Counter[str]) -> str:
    parts = [(outcomes[PENDING], "undecided"), (outcomes[CONFLICT], "in conflict"),
             (outcomes[UNRESOLVED_MAYBE], "maybe, to resolve"), (outcomes["m"], "maybe")]
    return ", ".join(f"{n:,} {label}" for n, label in parts if n)
