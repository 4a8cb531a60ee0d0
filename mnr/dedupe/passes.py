"""Running deduplication on a library: automatic passes, people's decisions, undo.

Every change is computed the same way: the pairs of the current automatic
pass, plus what people decided (merge or keep apart, the latest decision on a
pair winning, undone decisions ignored), clustered into groups and written as
works in one transaction. Nothing here deletes a record or a decision.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from mnr.collector import paused_gc
from mnr.dedupe.cluster import cluster
from mnr.dedupe.match import doi_key, find_pairs
from mnr.dedupe.queue import (
    Constraint,
    effective_decisions,
    key,
)
from mnr.errors import MnrError
from mnr.library import Library
from mnr.library.models import CandidatePair, PairDecision
from mnr.library.works import NewDecision
from mnr.normalise import normalise_doi


@dataclass(frozen=True, slots=True)
class PassResult:
    records: int
    duplicate_pairs: int
    review_pairs: int
    seconds: float
    changed: bool = True  # False: the same pairs and works as the current pass (not logged)
    related_pairs: int = 0  # notices (errata, replies...) logged with their paper


def _groups(dois: dict[int, str | None], pairs: Sequence[CandidatePair],
            standing: dict[Constraint, str]) -> list[list[int]]:
    """Accepted pairs (strongest first inside ``cluster``) and human decisions, with DOIs
    so that records with different DOIs are never chained together (``dois``: every
    active record -> its DOI as exported, compared as ``doi_key`` compares them). A
    related report (an erratum, a reply: see ``rules``) is logged with its paper but
    not merged into its work: the labelled benchmarks mostly count it apart."""
    duplicates = [(p.record_a, p.record_b, p.score) for p in pairs
                  if p.verdict == "duplicate" and standing.get(key(p.record_a, p.record_b))
                  != "apart"]
    merges = [pair for pair, decision in standing.items() if decision == "merge"]
    apart = [pair for pair, decision in standing.items() if decision == "apart"]
    families = {record_id: family for record_id, doi in dois.items()
                if (family := doi_key(normalise_doi(doi))) is not None}
    return cluster(list(dois), duplicates, merges=merges, keep_apart=apart, dois=families)


def deduplicate(library: Library, at: str | None = None) -> PassResult:
    """An automatic pass over every active record; earlier human decisions still hold.
    (``at``: when the pass ran, for a pass replayed from the judgement logs.)"""
    with paused_gc():  # reading, matching and writing 100,000 records make no cycles
        return _deduplicate(library, at)


def _deduplicate(library: Library, at: str | None) -> PassResult:
    fields = library.works.match_fields()
    started = time.perf_counter()
    pairs = find_pairs(fields)
    found = [CandidatePair(p.record_a, p.record_b, p.score, p.verdict, p.reason) for p in pairs]
    standing = effective_decisions(library.works.decisions())
    groups = _groups({f.record_id: f.doi for f in fields}, found, standing)
    # A pass that would find what the current one found changes nothing: it is not logged
    # (running `mnr dedupe` again writes no judgement line). A replayed pass always is.
    changed = at is not None or not _as_now(library, found, groups)
    if changed:
        library.works.commit(groups, pairs=found, records=len(fields),
                             seconds=time.perf_counter() - started, at=at)
    seconds = time.perf_counter() - started  # works written included
    return PassResult(
        records=len(fields),
        duplicate_pairs=sum(1 for p in found if p.verdict == "duplicate"),
        review_pairs=sum(1 for p in found if p.verdict == "review"),
        seconds=seconds,
        changed=changed,
        related_pairs=sum(1 for p in found if p.verdict == "related"),
    )


def _as_now(library: Library, pairs: Sequence[CandidatePair],
            groups: Sequence[Sequence[int]]) -> bool:
    """Whether these pairs and groups are those of the current pass and works."""
    def key(pair: CandidatePair) -> tuple[int, int, float, str, str]:
        return (pair.record_a, pair.record_b, pair.score, pair.verdict, pair.reason)

    if sorted(map(key, pairs)) != sorted(map(key, library.works.current_pairs())):
        return False
    works: dict[int, set[int]] = {}
    for record_id, work_id in library.works.memberships().items():
        works.setdefault(work_id, set()).add(record_id)
    return {frozenset(members) for members in works.values()} == {
        frozenset(group) for group in groups}


def _regroup(library: Library, decisions: Sequence[NewDecision] = (),
             undo_run: int | None = None, check: bool = True) -> None:
    """Write decisions (or an undone pass) and the grouping that follows from them; a merge
    that the grouping cannot honour is refused (unless ``check`` is False: a decision
    replayed from the judgement logs is kept, as it was made)."""
    store = library.works
    log = store.decisions()
    next_id = (log[-1].decision_id if log else 0) + 1
    pending = [PairDecision(next_id + i, d.record_a, d.record_b, d.decision, d.undoes,
                            d.reviewer, "", d.note) for i, d in enumerate(decisions)]
    standing = effective_decisions([*log, *pending])
    # once a pass is undone, the pass before it is current again
    pairs = store.current_pairs(excluding=undo_run)
    groups = _groups(store.dois(), pairs, standing)
    group_of = {record: index for index, group in enumerate(groups) for record in group}
    for decision in decisions if check else ():
        if decision.decision == "merge" and (
                group_of.get(decision.record_a) != group_of.get(decision.record_b)):
            raise MnrError(
                f"R{decision.record_a} and R{decision.record_b} cannot be merged: that would "
                "join records someone kept apart, or works with different DOIs; nothing "
                "was changed")
    store.commit(groups, decisions=decisions, undo_run=undo_run)


def decide(library: Library, record_a: int, record_b: int, decision: str, reviewer: str,
           note: str | None = None) -> None:
    """Record a person's decision on a pair ("merge", "apart" or "skip") and regroup."""
    if decision not in ("merge", "apart", "skip"):
        raise MnrError(f"a pair decision is merge, apart or skip, not {decision!r}")
    a, b = key(record_a, record_b)
    _regroup(library, [NewDecision(a, b, decision, reviewer, note)])


def undo_decision(library: Library, reviewer: str) -> PairDecision | None:
    """Undo this reviewer's latest decision that is not undone yet (appends an undo)."""
    log = library.works.decisions()
    undone = {d.undoes for d in log if d.decision == "undo"}
    for decision in reversed(log):
        if (decision.reviewer == reviewer and decision.decision != "undo"
                and decision.decision_id not in undone):
            _regroup(library, [NewDecision(decision.record_a, decision.record_b, "undo",
                                           reviewer, undoes=decision.decision_id)])
            return decision
    return None


def replay_decisions(library: Library, decisions: Sequence[NewDecision]) -> None:
    """Apply pair decisions replayed from the judgement logs, as they were made."""
    _regroup(library, decisions, check=False)


def undo_pass(library: Library, run_id: int | None = None) -> int:
    """Undo the latest automatic pass (or the pass ``run_id``, replayed from the judgement
    logs): works go back to the pass before (or to one record each); people's decisions
    still hold. Returns the undone pass's id."""
    run_id = run_id if run_id is not None else library.works.current_run()
    if run_id is None:
        raise MnrError("there is no deduplication pass to undo; `mnr dedupe` runs one")
    _regroup(library, undo_run=run_id)
    return run_id


def split_work(library: Library, work_id: int, reviewer: str) -> list[int]:
    """Split a work back into its records: every pair in it is kept apart from now on."""
    members = sorted(r for r, w in library.works.memberships().items() if w == work_id)
    if len(members) < 2:
        raise MnrError(f"W{work_id} is not a work of several records; nothing to split")
    decisions = [NewDecision(a, b, "apart", reviewer, "split")
                 for i, a in enumerate(members) for b in members[i + 1:]]
    _regroup(library, decisions)
    return members
