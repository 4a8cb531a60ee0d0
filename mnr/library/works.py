"""Queries for works and deduplication: passes, candidate pairs, decisions, memberships.

A work is a group of records (one publication). Which work a record belongs to
is a mapping rewritten whenever the grouping changes; the records, the passes,
their pairs and people's decisions are kept as a log, so any grouping can be
recomputed and undone.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, delete, func, insert, select, text, update

from mnr.journal import Line
from mnr.library import dialect, schema
from mnr.library.acts import RecordRef, line_of, note_acts
from mnr.library.models import CandidatePair, MatchFields, PairDecision

if TYPE_CHECKING:
    from mnr.library.store import Library


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True, slots=True)
class NewDecision:
    record_a: int
    record_b: int
    decision: str  # "merge", "apart", "skip" or "undo"
    reviewer: str
    note: str | None = None
    undoes: int | None = None
    at: str | None = None  # when it was decided, if not now (a decision replayed)


@dataclass(frozen=True, slots=True)
class WorkCounts:
    """Records and works of the active searches, derived on demand.

    Two counts are easily confused. Records merged into works counts every
    record that deduplication folded into another, whatever its search.
    PRISMA 2020's "duplicate records removed" counts only the databases and
    registers column: records found by other methods are counted in their own
    column, so a citation-searching record that duplicates a database record is
    not a duplicate *removed before screening*.
    """

    records: int
    works: int
    unassigned: int  # imported since the last pass
    database_records: int  # records of database and register searches grouped into works
    database_works: int  # works with at least one such record (PRISMA: records screened)

    @property
    def records_merged(self) -> int:
        """Records folded into another record's work, in every column."""
        return self.records - self.unassigned - self.works

    @property
    def duplicates_removed(self) -> int:
        """PRISMA's "duplicate records removed" (databases and registers)."""
        return self.database_records - self.database_works


class WorkStore:
    """The library's works, reached as ``library.works``."""

    def __init__(self, library: Library) -> None:
        self._library = library
        self._engine = library.engine

    # -- what a pass reads ------------------------------------------------------------

    def match_fields(self) -> list[MatchFields]:
        """Every record of the active (not withdrawn) searches, in import order."""
        r, s = schema.records, schema.searches
        query = (
            select(r.c.record_id, s.c.database, r.c.title, r.c.authors, r.c.year, r.c.journal,
                   r.c.volume, r.c.issue, r.c.pages, r.c.doi, r.c.pmid, r.c.issn, r.c.isbn,
                   r.c.pub_type)
            .select_from(r.join(s, r.c.search_id == s.c.search_id))
            .where(s.c.withdrawn_at.is_(None))
            .order_by(r.c.record_id)
        )
        with self._engine.connect() as conn:
            rows = conn.execute(query).all()
        # tuples rather than mappings, and the author lists decoded at once: a third faster
        return [MatchFields(record_id=record_id, database=database, title=title, authors=names,
                            year=year, journal=journal, volume=volume, issue=issue, pages=pages,
                            doi=doi, pmid=pmid, issn=issn, isbn=isbn, pub_type=pub_type)
                for (record_id, database, title, _, year, journal, volume, issue, pages, doi,
                     pmid, issn, isbn, pub_type), names
                in zip(rows, _json_lists([row[3] for row in rows]), strict=True)]

    def dois(self) -> dict[int, str | None]:
        """Every record of the active searches -> its DOI as exported (None without one), in
        import order: what regrouping after a person's decision needs, read cheaply."""
        r, s = schema.records, schema.searches
        query = (select(r.c.record_id, r.c.doi)
                 .select_from(r.join(s, r.c.search_id == s.c.search_id))
                 .where(s.c.withdrawn_at.is_(None)).order_by(r.c.record_id))
        with self._engine.connect() as conn:
            return dict(conn.execute(query).all())

    def current_pairs(self, excluding: int | None = None, verdict: str | None = None
                      ) -> list[CandidatePair]:
        """The pairs of the latest pass that has not been undone (nor is ``excluding``);
        with ``verdict``, only those ("duplicate" or "review")."""
        p = schema.dedupe_pairs
        run_id = self.current_run(excluding)
        if run_id is None:
            return []
        query = (select(p.c.record_a, p.c.record_b, p.c.score, p.c.verdict, p.c.reason)
                 .where(p.c.run_id == run_id).order_by(p.c.pair_id))
        if verdict is not None:
            query = query.where(p.c.verdict == verdict)
        with self._engine.connect() as conn:
            return [CandidatePair(*row) for row in conn.execute(query)]

    def current_run(self, excluding: int | None = None) -> int | None:
        runs = schema.dedupe_runs
        query = select(func.max(runs.c.run_id)).where(runs.c.undone_at.is_(None))
        if excluding is not None:
            query = query.where(runs.c.run_id != excluding)
        with self._engine.connect() as conn:
            value = conn.execute(query).scalar()
        return int(value) if value is not None else None

    def decisions(self) -> list[PairDecision]:
        d = schema.dedupe_decisions
        query = select(d.c.decision_id, d.c.record_a, d.c.record_b, d.c.decision, d.c.undoes,
                       d.c.reviewer, d.c.decided_at, d.c.note).order_by(d.c.decision_id)
        with self._engine.connect() as conn:
            return [PairDecision(*row) for row in conn.execute(query)]

    def memberships(self) -> dict[int, int]:
        """record id -> work id, for every record that has been grouped."""
        rw = schema.record_works
        with self._engine.connect() as conn:
            return dict(conn.execute(select(rw.c.record_id, rw.c.work_id)).all())  # type: ignore[arg-type]

    # -- counts -----------------------------------------------------------------------

    def counts(self) -> WorkCounts:
        """Records, works and duplicates over the active searches.

        Two cheap queries: the records of active searches with their grouping, and the
        works (all of them, less those whose records are all in withdrawn searches;
        those from databases, less those found only by other methods), looking
        closely only at works touched by a withdrawn or other-methods search.
        """
        r, s, rw = schema.records, schema.searches, schema.record_works
        joined = (r.join(s, r.c.search_id == s.c.search_id)
                  .outerjoin(rw, rw.c.record_id == r.c.record_id))
        grouped_from_databases = (s.c.source_kind != "other") & rw.c.work_id.is_not(None)
        records_query = (select(func.count(), func.count(rw.c.work_id),
                                func.count().filter(grouped_from_databases))
                         .select_from(joined).where(s.c.withdrawn_at.is_(None)))
        with self._engine.connect() as conn:
            special = dialect.special_works(conn)
        works_query = text(f"""
            WITH special AS ({special}),
            every AS (SELECT count(DISTINCT work_id) AS n FROM record_works)
            SELECT every.n - (SELECT count(*) FROM special WHERE active = 0),
                   every.n - (SELECT count(*) FROM special WHERE dbr = 0)
            FROM every""")
        with self._engine.connect() as conn:
            records, grouped, database_records = (int(n) for n in
                                                  conn.execute(records_query).one())
            works, database_works = (int(n) for n in conn.execute(works_query).one())
        return WorkCounts(records=records, works=works, unassigned=records - grouped,
                          database_records=database_records, database_works=database_works)

    def overlaps(self) -> dict[tuple[str, str], int]:
        """Works holding records from two databases, per pair of databases."""
        r, s, rw = schema.records, schema.searches, schema.record_works
        query = (select(rw.c.work_id, s.c.database).distinct()
                 .select_from(rw.join(r, r.c.record_id == rw.c.record_id)
                              .join(s, r.c.search_id == s.c.search_id))
                 .where(s.c.withdrawn_at.is_(None)))
        databases: dict[int, set[str]] = {}
        with self._engine.connect() as conn:
            for work_id, database in conn.execute(query):
                databases.setdefault(work_id, set()).add(database)
        overlaps: Counter[tuple[str, str]] = Counter()
        for names in databases.values():
            ordered = sorted(names)
            for i, first in enumerate(ordered):
                for second in ordered[i + 1:]:
                    overlaps[(first, second)] += 1
        return dict(overlaps)

    # -- what a pass, a decision or an undo writes ------------------------------------

    def commit(self, groups: Sequence[Sequence[int]], *,
               pairs: Sequence[CandidatePair] | None = None, records: int = 0,
               seconds: float = 0.0, decisions: Sequence[NewDecision] = (),
               undo_run: int | None = None, at: str | None = None) -> int | None:
        """In one transaction: log a pass (with its pairs), decisions or an undone pass,
        and regroup the records into works. Returns the new pass's id, if any. Each is
        an act written to the judgement logs (``at``: when a replayed pass ran).

        A group keeps the work id most of its records had, so that a work's id
        (and what reviewers decided about it) survives regrouping; groups with
        no earlier work get new ids.
        """
        run_id = None
        with self._library.writing(holding="a deduplication pass" if pairs is not None
                                   else None) as conn:
            if pairs is not None:
                stamp = at or _now()
                run_id = _log_pass(conn, pairs, records, seconds, stamp)
                note_acts(self._library, conn, "dedupe_runs", [run_id], lambda: [{
                    "at": stamp, "by": None, "act": "dedupe", "records": records}])
            if undo_run is not None:
                stamp = _now()
                conn.execute(update(schema.dedupe_runs)
                             .where(schema.dedupe_runs.c.run_id == undo_run)
                             .values(undone_at=stamp))
                note_acts(self._library, conn, UNDONE_PASSES, [undo_run], lambda: [{
                    "at": stamp, "by": None, "act": "dedupe-undo",
                    "pass": line_of(conn, "dedupe_runs", undo_run)}])
            if decisions:
                _log_decisions(self._library, conn, decisions)
            _regroup(conn, groups)
        if pairs is not None:
            dialect.refresh_statistics(self._engine, ("works", "record_works", "dedupe_pairs"))
        return int(run_id) if run_id is not None else None


def _json_lists(texts: list[str]) -> list[list[str]]:
    """Each JSON text decoded: in one call as a JSON array of them all (one C pass instead
    of 100,000 calls), or one by one should the texts not make exactly one array item
    each."""
    values = json.loads("[" + ",".join(texts) + "]") if texts else []
    if len(values) != len(texts):
        return [json.loads(text) for text in texts]
    return values  # type: ignore[no-any-return]


_AT_ONCE = 500  # record ids per DELETE ... IN (...)
UNDONE_PASSES = "dedupe_undos"  # how the journal names the undoing of a pass (its run id)


def _log_decisions(library: Library, conn: Connection, decisions: Sequence[NewDecision]
                   ) -> None:
    d = schema.dedupe_decisions
    ids = dialect.new_ids(conn, d.c.decision_id, len(decisions))
    rows: list[dict[str, Any]] = [
        {"decision_id": ids[i], "record_a": n.record_a, "record_b": n.record_b,
         "decision": n.decision, "undoes": n.undoes, "reviewer": n.reviewer,
         "decided_at": n.at or _now(), "note": n.note} for i, n in enumerate(decisions)]
    conn.execute(insert(d), rows)

    def lines() -> list[Line]:
        return [decision_line(row, None if row["undoes"] is None
                              else line_of(conn, "dedupe_decisions", row["undoes"]))
                for row in rows]

    note_acts(library, conn, "dedupe_decisions", [row["decision_id"] for row in rows], lines)


def decision_line(row: Any, undoes: str | None) -> Line:
    """A pair decision as a judgement line (``undoes``: the line of what it undoes)."""
    line: Line = {"at": row["decided_at"], "by": row["reviewer"], "act": "pair",
                  "on": [RecordRef(row["record_a"]), RecordRef(row["record_b"])],
                  "decision": row["decision"]}
    if row["note"] is not None:
        line["note"] = row["note"]
    if undoes is not None:
        line["undoes"] = undoes
    return line


def pass_lines(row: Any, line_of_pass: str | None) -> list[Line]:
    """A pass as a judgement line, and its undoing as another if it was undone
    (``line_of_pass``: the first one's id, once it has one)."""
    lines: list[Line] = [{"at": row["started_at"], "by": None, "act": "dedupe",
                          "records": row["records"]}]
    if row["undone_at"] is not None:
        lines.append({"at": row["undone_at"], "by": None, "act": "dedupe-undo",
                      "pass": line_of_pass})
    return lines


def _log_pass(conn: Connection, pairs: Sequence[CandidatePair], records: int,
              seconds: float, at: str) -> int:
    """Log an automatic pass and the pairs it found; returns the pass's id."""
    run_id: int = conn.execute(insert(schema.dedupe_runs).values(
        started_at=at, records=records, seconds=round(seconds))
    ).inserted_primary_key[0]  # type: ignore[index]
    if pairs:
        dialect.BulkInsert(conn, schema.dedupe_pairs, _PAIR_COLUMNS).run(conn, [
            (run_id, p.record_a, p.record_b, p.score, p.verdict, p.reason) for p in pairs])
    return run_id


_PAIR_COLUMNS = ["run_id", "record_a", "record_b", "score", "verdict", "reason"]


def _regroup(conn: Connection, groups: Sequence[Sequence[int]]) -> None:
    """Rewrite which work each record belongs to, creating the works that are new and
    logging the works that another absorbed."""
    rw = schema.record_works
    previous: dict[int, int] = dict(conn.execute(select(rw.c.record_id, rw.c.work_id)).all())
    next_work = int(conn.execute(select(func.max(schema.works.c.work_id))).scalar() or 0) + 1
    rows, new_works = _work_rows(groups, previous, next_work)
    if new_works:  # a first pass makes tens of thousands: tuples straight to the driver
        created = _now()
        dialect.BulkInsert(conn, schema.works, ["work_id", "created_at"]).run(
            conn, [(w, created) for w in new_works])
    merges = _absorbed(previous, rows)
    if merges:
        merged_at = _now()
        conn.execute(insert(schema.work_merges), [
            {"absorbed": absorbed, "into": into, "merged_at": merged_at}
            for absorbed, into in merges.items()])
    # Only the records whose work changed are written: a person's decision moves a few.
    now = {row["record_id"]: row["work_id"] for row in rows}
    gone = [record for record, work in previous.items() if now.get(record) != work]
    for at in range(0, len(gone), _AT_ONCE):
        conn.execute(delete(rw).where(rw.c.record_id.in_(gone[at:at + _AT_ONCE])))
    changed = [(row["record_id"], row["work_id"]) for row in rows
               if previous.get(row["record_id"]) != row["work_id"]]
    if changed:
        dialect.BulkInsert(conn, rw, ["record_id", "work_id"]).run(conn, changed)


def _work_rows(groups: Sequence[Sequence[int]], previous: dict[int, int], next_work: int
               ) -> tuple[list[dict[str, int]], list[int]]:  # fmt: skip
    """Each group's work: the earlier work most of its records had (the lower id on a tie)
    that no group before it took, or else a new one numbered from ``next_work``. Returns
    the record -> work rows and the new works' ids."""
    taken: set[int] = set()
    new_works: list[int] = []
    rows: list[dict[str, int]] = []
    for group in sorted(groups, key=min):
        had = [previous[r] for r in group if r in previous] if previous else []
        if len(had) <= 1:  # the commonest cases, without counting
            work_id = had[0] if had and had[0] not in taken else None
        else:
            ranked = sorted(Counter(had).items(), key=lambda item: (-item[1], item[0]))
            work_id = next((w for w, _ in ranked if w not in taken), None)
        if work_id is None:
            work_id = next_work
            next_work += 1
            new_works.append(work_id)
        taken.add(work_id)
        rows.extend({"record_id": r, "work_id": work_id} for r in group)
    return rows, new_works


def _absorbed(previous: dict[int, int], rows: list[dict[str, int]]) -> dict[int, int]:
    """Works left with none of their records by a regrouping -> the work that took most
    of them (the lower id on a tie); a work whose records all left the library is none."""
    now = {row["record_id"]: row["work_id"] for row in rows}
    kept = set(now.values())
    went: dict[int, Counter[int]] = {}
    for record_id, work_id in previous.items():
        if work_id not in kept and record_id in now:
            went.setdefault(work_id, Counter())[now[record_id]] += 1
    return {absorbed: min(into, key=lambda w: (-into[w], w)) for absorbed, into in went.items()}
