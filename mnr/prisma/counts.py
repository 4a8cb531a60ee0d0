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

from mnr.library import Library
from mnr.prisma.rounds import chosen_round, included, linked_gap, rounds
from mnr.project import Settings
from mnr.screening.remove import box_of
from mnr.screening.state import CONFLICT, PENDING, UNRESOLVED_MAYBE
from mnr.screening.tally import AUTOMATION, DBR, OTHER, StageTally, tally
from mnr.searches import OTHER_METHODS, other_source

# The data names of the PRISMA2020 R package's template (inst/extdata/PRISMA.csv), in
# its row order, 2024's meta-analysis rows included: the keys of ``mnr prisma --json``.
TEMPLATE_KEYS = (
    "previous_studies", "previous_reports", "database_results", "database_specific_results",
    "register_results", "register_specific_results", "website_results",
    "organisation_results", "citations_results", "duplicates", "excluded_automatic",
    "excluded_other", "records_screened", "records_excluded", "dbr_sought_reports",
    "dbr_notretrieved_reports", "other_sought_reports", "other_notretrieved_reports",
    "dbr_assessed", "dbr_excluded", "other_assessed", "other_excluded", "new_studies",
    "new_reports", "total_studies", "total_reports", "total_studies_ma", "total_reports_ma")

# the template's row for each other-method category ("other" has none)
CATEGORY_ROWS = {"websites": "website_results", "organisations": "organisation_results",
                  "citation-searching": "citations_results"}


@dataclass(frozen=True, slots=True)
class StageFlow:
    """One screening stage: works that reached it and their outcomes so far."""

    stage: str
    works: int
    included: int
    excluded: int
    maybe: int
    waiting: int  # no outcome yet: decisions missing, conflicts, maybes to resolve
    automation: int = 0  # not screened: the team stopped here by the stopping rule


@dataclass(slots=True)
class Flow:
    """Every box of the PRISMA 2020 diagram, plus what explains any gap."""

    database_results: int = 0
    database_specific_results: dict[str, int] = field(default_factory=dict)
    register_results: int = 0
    register_specific_results: dict[str, int] = field(default_factory=dict)
    other_results: dict[str, int] = field(default_factory=dict)  # as drawn: name -> records
    # the template's three rows of other methods, by each search's category (``other``:
    # no row of its own; see other_sources)
    website_results: int = 0
    organisation_results: int = 0
    citations_results: int = 0
    # every other-method search by category and label: (category, label) -> records
    other_sources: dict[tuple[str, str], int] = field(default_factory=dict)
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
    # the review round drawn (an updated review's flow); None: a review of one round
    review_round: int | None = None
    round_date: str | None = None  # its latest search date
    # studies and reports in a meta-analysis (the template's 2024 rows): mnr does not
    # record which studies are pooled, so None (NA in the template)
    total_studies_ma: int | None = None
    total_reports_ma: int | None = None
    stages: list[StageFlow] = field(default_factory=list)
    gaps: list[str] = field(default_factory=list)

    @property
    def other_methods(self) -> bool:
        return bool(self.other_results)

    def as_dict(self) -> dict[str, Any]:
        """The flow keyed by the PRISMA2020 template's data names, in its row order, then
        what mnr adds: each other-method source with its category and label
        (``other_specific_results``), the stages, the gaps."""
        data = asdict(self)
        del data["other_results"], data["other_sources"]  # drawn forms of the rows below
        keyed = {name: data.pop(name) for name in TEMPLATE_KEYS if name in data}
        keyed["other_specific_results"] = [
            {"method": category, "label": label, "records": n}
            for (category, label), n in self.other_sources.items()]
        return keyed | data


def count(library: Library, settings: Settings, review_round: int | None = None) -> Flow:
    """The flow of the review as it stands; with several review rounds, the flow of one
    (``review_round``; default the latest: see rounds.py)."""
    flow = Flow()
    searches = library.searches(include_withdrawn=False)
    found = rounds(library)
    flow.review_round = chosen_round(found, review_round)
    if flow.review_round is not None:  # an updated review: this round's searches only
        searches = [s for s in searches if s.review_round == flow.review_round]
        flow.round_date = next(r.date for r in found if r.number == flow.review_round)
    for search in searches:
        n = search.record_count
        if search.source_kind == "database":
            flow.database_results += n
            specific = flow.database_specific_results
        elif search.source_kind == "register":
            flow.register_results += n
            specific = flow.register_specific_results
        else:
            specific = flow.other_results
        key = search.database
        if search.source_kind == "other":
            category, label = other_source(search.other_method, search.database)
            source = (category, label)
            flow.other_sources[source] = flow.other_sources.get(source, 0) + n
            if category in CATEGORY_ROWS:
                setattr(flow, CATEGORY_ROWS[category],
                        getattr(flow, CATEGORY_ROWS[category]) + n)
            # drawn per category as PRISMA 2020 words it; an "other" source by its label
            key = label if category == "other" else OTHER_METHODS[category]
        specific[key] = specific.get(key, 0) + n

    if flow.review_round is not None:
        _round_flow(library, settings, flow, flow.review_round)
        return flow
    stages = tally(library, settings)
    counts = library.works.counts()  # what `mnr status` and the home screen show too
    dbr_records = counts.database_records
    other_records = counts.records - counts.unassigned - dbr_records
    other_works = stages[0].works[OTHER]
    flow.duplicates = counts.duplicates_removed
    flow.records_screened = counts.database_works

    identified = flow.database_results + flow.register_results
    if identified != dbr_records:
        flow.gaps.append(_agree(identified - dbr_records, _NOT_DEDUPLICATED))
    if other_records - other_works:
        flow.gaps.append(_agree(other_records - other_works, (
            "{n} record{s} found by other methods {were} {duplicates} (of each other, or of "
            "database records, which count in the databases column)")))
    missing = sum(flow.other_results.values()) - other_records
    if missing:
        flow.gaps.append(_agree(missing, "{n} record{s} from other methods {are} not "
                                         "deduplicated yet"))
    _removed(flow, library)
    _screening_boxes(flow, settings, stages)
    _studies(flow, library, settings)
    return flow


# Words of a note that agree with its count: "{n} record{s} {were} ..." reads "1 record
# was ..." or "2 records were ...".
_AGREEING = {"s": ("", "s"), "are": ("is", "are"), "were": ("was", "were"),
             "have": ("has", "have"), "they": ("it", "they"), "works": ("a work", "works"),
             "duplicates": ("a duplicate", "duplicates")}
_NOT_DEDUPLICATED = ("{n} record{s} from databases and registers {are} not deduplicated yet "
                     "(run `mnr dedupe`), so {they} {are} not in 'records screened'")


def _agreeing(count: int) -> dict[str, str]:
    return {"n": f"{count:,}"} | {word: forms[count != 1] for word, forms in _AGREEING.items()}


def _agree(count: int, note: str, **values: str) -> str:
    """``note`` with ``{n}`` the count and its words agreeing with it (``_AGREEING``);
    ``values`` fill its other fields (a stage's name is text, never a template)."""
    return note.format_map(_agreeing(count) | values)


def _round_flow(library: Library, settings: Settings, flow: Flow, review_round: int) -> None:
    """The boxes below identification for one round of an updated review (rounds.py)."""
    found = library.studies.round_counts(review_round)
    stages = tally(library, settings, first_round=review_round)
    flow.duplicates = found.grouped[DBR] - found.new_works[DBR]
    flow.records_screened = found.new_works[DBR]
    identified = flow.database_results + flow.register_results
    if identified != found.grouped[DBR]:
        flow.gaps.append(_agree(identified - found.grouped[DBR], _NOT_DEDUPLICATED))
    if found.earlier[DBR]:
        flow.gaps.append(f"of the {flow.duplicates:,} duplicate records, " + _agree(
            found.earlier[DBR], "{n} {are} of {works} an earlier round found ({they} {are} "
            "not screened again)") + f"; the others are duplicates within round {review_round}")
    other_works = stages[0].works[OTHER]
    if found.grouped[OTHER] - other_works:
        flow.gaps.append(_agree(found.grouped[OTHER] - other_works, (
            "{n} record{s} found by other methods {were} {duplicates} (of each other, of "
            "database records, or of works an earlier round found)")))
    if found.records[OTHER] - found.grouped[OTHER]:
        flow.gaps.append(_agree(found.records[OTHER] - found.grouped[OTHER],
                                "{n} record{s} from other methods {are} not deduplicated yet"))
    _removed(flow, library, review_round)
    _screening_boxes(flow, settings, stages)
    _studies(flow, library, settings, review_round)


def _studies(flow: Flow, library: Library, settings: Settings,
             review_round: int | None = None) -> None:
    """Studies and reports included (a study of several reports once), previous and new."""
    made = included(library, settings, flow.new_reports, review_round,
                    library.studies.work_rounds() if review_round else None)
    flow.previous_studies, flow.previous_reports = made.previous_studies, made.previous_reports
    flow.new_studies, flow.new_reports = made.new_studies, made.new_reports
    flow.total_studies = flow.previous_studies + flow.new_studies
    flow.total_reports = flow.previous_reports + flow.new_reports
    if made.linked_not_included:
        flow.gaps.append(linked_gap(made.linked_not_included))


def _removed(flow: Flow, library: Library, review_round: int | None = None) -> None:
    """Works removed before screening (mnr remove), each in the box of its reason, and out
    of 'records screened' (the screening stages never see them); of one round's works
    only, for an updated review's round."""
    removed = library.screening.removed()
    if review_round is not None:
        first = library.studies.work_rounds()
        removed = {w: r for w, r in removed.items() if first.get(w) == review_round}
    columns = library.screening.from_databases(removed)
    other = 0
    for work_id, removal in removed.items():
        if work_id not in columns:  # its searches were all withdrawn: counted nowhere
            continue
        if not columns[work_id]:
            other += 1
            continue
        box = box_of(removal.reason)
        setattr(flow, box, getattr(flow, box) + 1)
        flow.records_screened -= 1
    if other:
        flow.gaps.append(_agree(other, (
            "{n} record{s} found by other methods only {were} removed before screening (mnr "
            "remove): PRISMA has no box for this in the other-methods column")))


def _screening_boxes(flow: Flow, settings: Settings, stages: list[StageTally]) -> None:
    """Records excluded at the screening stages; reports sought, not retrieved, assessed and
    excluded at the last stage; studies included."""
    screen_stages = stages[:-1] if len(stages) > 1 else stages
    report_stage = stages[-1] if len(stages) > 1 else None
    for stage in stages:
        outcomes = stage.all_outcomes()
        flow.stages.append(StageFlow(
            stage.name, stage.works.total(), outcomes["y"], outcomes["n"], outcomes["m"],
            outcomes[PENDING] + outcomes[CONFLICT] + outcomes[UNRESOLVED_MAYBE],
            outcomes[AUTOMATION]))
    for index, stage in enumerate(screen_stages):
        outcomes = stage.outcomes[DBR]
        automation = outcomes[AUTOMATION]
        if automation and index == 0:  # never screened: removed before screening
            flow.excluded_automatic += automation
            flow.records_screened -= automation
        elif automation:
            flow.records_excluded += automation
            flow.gaps.append(_agree(automation, (
                "{n} record{s} at the {stage} stage {were} not screened: the team stopped "
                "there by the stopping rule; {they} {are} counted in 'records excluded'"),
                stage=stage.name))
        flow.records_excluded += outcomes["n"]
        waiting = stage.works[DBR] - outcomes["n"] - automation - stage.forward[DBR]
        if waiting:
            flow.gaps.append(_agree(waiting, (
                "{n} record{s} at the {stage} stage {are} waiting for a decision ({which}), "
                "so 'records screened' minus 'records excluded' is more than 'reports "
                "sought'"), stage=stage.name, which=_waiting(outcomes, maybe_waits=False)))
        if stage.outcomes[OTHER]["n"]:
            flow.gaps.append(_agree(stage.outcomes[OTHER]["n"], (
                "{n} record{s} found by other methods {were} excluded at the {stage} stage "
                "(PRISMA has no box for this in the other-methods column)"), stage=stage.name))
    if report_stage is None:
        return
    not_retrieved = settings.not_retrieved_reason
    for column in (DBR, OTHER):
        sought = report_stage.works[column]
        reasons = Counter(report_stage.reasons[column])
        lost = reasons.pop(not_retrieved, 0) if not_retrieved else 0
        reasons = _in_protocol_order(reasons, settings.exclusion_reasons)
        if column == DBR:
            flow.dbr_sought_reports, flow.dbr_notretrieved_reports = sought, lost
            flow.dbr_assessed, flow.dbr_excluded = sought - lost, dict(reasons)
        else:
            flow.other_sought_reports, flow.other_notretrieved_reports = sought, lost
            flow.other_assessed, flow.other_excluded = sought - lost, dict(reasons)
        outcomes = report_stage.outcomes[column]
        waiting = sought - outcomes["n"] - outcomes["y"]
        if waiting:
            where = "databases and registers" if column == DBR else "other methods"
            flow.gaps.append(_agree(waiting, (
                "{n} report{s} ({where}) assessed at the {stage} stage {have} no final "
                "decision yet ({which}), so {they} {are} neither excluded nor included"),
                where=where, stage=report_stage.name, which=_waiting(outcomes)))
    flow.new_studies = flow.new_reports = stages[-1].all_outcomes()["y"]
    flow.total_studies = flow.previous_studies + flow.new_studies
    flow.total_reports = flow.previous_reports + flow.new_reports


def _in_protocol_order(reasons: Counter[str], protocol: list[str]) -> Counter[str]:
    """The protocol's reasons in its order, then any others, most frequent first."""
    rank = {reason: i for i, reason in enumerate(protocol)}
    return Counter(dict(sorted(reasons.items(), key=lambda item: (
        rank.get(item[0], len(rank)), -item[1], item[0]))))


def _waiting(outcomes: Counter[str], maybe_waits: bool = True) -> str:
    """What the works waiting at a stage are waiting for. A maybe goes on to the next
    screening stage (when it does not, it is a maybe to resolve), but at the last stage
    it is neither included nor excluded."""
    parts = [(outcomes[PENDING], "undecided"), (outcomes[CONFLICT], "in conflict"),
             (outcomes[UNRESOLVED_MAYBE], "maybe, to resolve"),
             (outcomes["m"] if maybe_waits else 0, "maybe")]
    return ", ".join(f"{n:,} {label}" for n, label in parts if n)
