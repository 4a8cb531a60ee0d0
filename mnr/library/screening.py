"""Queries for screening: the append-only log, the list of works, attached full texts.

The log is the truth: entries are only ever added. What a reviewer sees (the
current decision, conflicts, progress) is derived from it by mnr.screening.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Collection, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, func, insert, select, text

from mnr.journal import Line
from mnr.library import dialect, schema
from mnr.library.acts import WorkRef, note_acts
from mnr.library.models import (
    Fulltext,
    History,
    LiveEntry,
    LogEntry,
    NewEntry,
    Removal,
    Stop,
    WorkLine,
)

if TYPE_CHECKING:
    from mnr.library.store import Library


def now() -> str:
    """The time stamp of log entries: UTC, to the microsecond (entries are ordered by id)."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


_LOG = schema.screening_log
_LOG_COLUMNS = [_LOG.c.entry_id, _LOG.c.work_id, _LOG.c.stage, _LOG.c.reviewer, _LOG.c.kind,
                _LOG.c.decision, _LOG.c.reason, _LOG.c.note, _LOG.c.undoes, _LOG.c.decided_at,
                _LOG.c.origin]


def _line_score(row: Any) -> tuple[bool, bool, bool, bool]:
    """Which of a work's records the list shows: titled, with journal, authors, year.
    (``row``: work id, title, year, first author, journal, database.)"""
    return (row[1] is not None, row[4] is not None, bool(row[3]), row[2] is not None)


class ScreeningStore:
    """The library's screening log, reached as ``library.screening``."""

    def __init__(self, library: Library) -> None:
        self._library = library
        self._engine = library.engine

    def append(self, entries: Sequence[NewEntry]) -> list[LogEntry]:
        """Add entries in one transaction; returns them as stored, in order.

        An undo may name an entry of the same batch, not yet stored, by its
        position: ``undoes = -1`` for the first entry, ``-2`` for the second.
        """
        if not entries:
            return []
        stamp = now()
        # Appends by several reviewers at once go side by side (a shared write).
        with self._library.writing(shared=True) as conn:
            ids = dialect.new_ids(conn, _LOG.c.entry_id, len(entries))
            rows: list[dict[str, Any]] = [
                    {"work_id": e.work_id, "stage": e.stage, "reviewer": e.reviewer,
                     "kind": e.kind, "decision": e.decision, "reason": clean_reason(e.reason),
                     "note": e.note,
                     "undoes": ids[-e.undoes - 1] if e.undoes is not None and e.undoes < 0
                     else e.undoes,
                     "decided_at": e.decided_at or stamp, "origin": e.origin}
                    for e in entries]
            if len(rows) == 1:
                conn.execute(insert(_LOG).values(entry_id=ids[0], **rows[0]))
            else:
                conn.execute(insert(_LOG), [{"entry_id": entry_id, **row}
                                            for entry_id, row in zip(ids, rows, strict=True)])
            note_acts(self._library, conn, "screening_log", ids,
                      lambda: _screening_lines(conn, rows, ids))
        return [LogEntry(entry_id=entry_id, **row) for entry_id, row in zip(ids, rows, strict=True)]

    def log(self, stage: str | None = None, after: int = 0) -> list[LogEntry]:
        """The log in order, for one stage or all, from entry ``after + 1`` on."""
        query = select(*_LOG_COLUMNS).where(_LOG.c.entry_id > after).order_by(_LOG.c.entry_id)
        if stage is not None:
            query = query.where(_LOG.c.stage == stage)
        with self._engine.connect() as conn:  # plain tuples: the whole log is read at start
            rows = dialect.fetch_tuples(conn, query)
        return list(map(LogEntry._make, rows))

    def entries_of(self, work_ids: Collection[int]) -> list[LogEntry]:
        """The entries about these works, in log order."""
        found: list[LogEntry] = []
        ordered = sorted(work_ids)
        with self._engine.connect() as conn:
            for at in range(0, len(ordered), _IDS_AT_ONCE):
                found.extend(LogEntry._make(row) for row in conn.execute(
                    select(*_LOG_COLUMNS).where(_LOG.c.work_id.in_(
                        ordered[at:at + _IDS_AT_ONCE]))))
        return sorted(found)

    def last_entry_id(self) -> int:
        with self._engine.connect() as conn:
            return int(conn.execute(select(func.coalesce(func.max(_LOG.c.entry_id), 0)))
                       .scalar_one())

    def work_lines(self, between: tuple[int, int] | None = None,
                   ids: Collection[int] | None = None) -> list[WorkLine]:
        """The works of the active searches, in work order, as the screening list shows
        them: all, those with ids ``between`` two (both included), or those ``ids``.

        Read as plain tuples, the first author picked out by SQLite: at 100,000
        works, reading them all takes a large part of a second.
        """
        if ids is not None and len(ids) > _IDS_AT_ONCE:
            ordered = sorted(ids)
            return [line for at in range(0, len(ordered), _IDS_AT_ONCE)
                    for line in self.work_lines(ids=ordered[at:at + _IDS_AT_ONCE])]
        r, s, rw = schema.records, schema.searches, schema.record_works
        first_author = dialect.first_of_json_list(self._engine, r.c.authors)
        query = (
            select(rw.c.work_id, r.c.title, r.c.year, first_author, r.c.journal, s.c.database)
            .select_from(rw.join(r, r.c.record_id == rw.c.record_id)
                         .join(s, s.c.search_id == r.c.search_id))
            .where(s.c.withdrawn_at.is_(None))
            .order_by(rw.c.work_id, r.c.record_id)
        )
        if between is not None:
            query = query.where(rw.c.work_id.between(*between))
        if ids is not None:
            query = query.where(rw.c.work_id.in_(sorted(ids)))
        lines: list[WorkLine] = []
        with self._engine.connect() as conn:
            rows = dialect.fetch_tuples(conn, query)
        current: int | None = None
        best: Any = None
        databases: dict[str, None] = {}
        for row in rows:
            if row[0] != current:
                if best is not None:
                    lines.append(_work_line(best, databases))
                current, best, databases = row[0], row, {}
            elif _line_score(row) > _line_score(best):
                best = row
            databases[row[5]] = None
        if best is not None:
            lines.append(_work_line(best, databases))
        return lines

    def work_texts(self) -> dict[int, str]:
        """Each work of the active searches as the relevance model reads it: the title,
        abstract and keywords of its record with the longest abstract."""
        r, s, rw = schema.records, schema.searches, schema.record_works
        query = (select(rw.c.work_id, r.c.title, r.c.abstract, r.c.keywords)
                 .select_from(rw.join(r, r.c.record_id == rw.c.record_id)
                              .join(s, s.c.search_id == r.c.search_id))
                 .where(s.c.withdrawn_at.is_(None)))
        best: dict[int, tuple[int, str]] = {}
        with self._engine.connect() as conn:
            for work_id, title, abstract, keywords in conn.execute(query):
                length = len(abstract or "")
                if work_id not in best or length > best[work_id][0]:
                    words = " ".join(json.loads(keywords)) if keywords != "[]" else ""
                    best[work_id] = (length, f"{title or ''} {abstract or ''} {words}")
        return {work_id: text for work_id, (_, text) in best.items()}

    def merged_into(self) -> dict[int, int]:
        """Works a regrouping emptied -> the work that has their records now (through
        any later merges): what was logged about the first counts for the second."""
        m = schema.work_merges
        with self._engine.connect() as conn:
            into = dict(conn.execute(select(m.c.absorbed, m.c["into"]).order_by(m.c.merge_id))
                        .all())
        resolved: dict[int, int] = {}
        for absorbed in into:
            target, seen = into[absorbed], {absorbed}
            while target in into and target not in seen:  # a chain of merges
                seen.add(target)
                target = into[target]
            resolved[absorbed] = target
        return resolved

    def work_ids(self, removed: bool = False) -> set[int]:
        """The works that exist now (with at least one record of an active search), but
        those removed before screening (``removed``: those too)."""
        r, s, rw = schema.records, schema.searches, schema.record_works
        query = (select(rw.c.work_id).distinct()
                 .select_from(rw.join(r, r.c.record_id == rw.c.record_id)
                              .join(s, s.c.search_id == r.c.search_id))
                 .where(s.c.withdrawn_at.is_(None)))
        with self._engine.connect() as conn:
            found = set(conn.execute(query).scalars())
        return found if removed else found - set(self.removed())

    def histories(self, first_round: int | None = None) -> list[History]:
        """Every existing work's screening history, grouped: each distinct history once,
        with how many works share it (``first_round``: only of the works that review
        round found first, for an updated review's flow).

        SQLite does the grouping (a 100,000-work review has a few hundred distinct
        histories), so PRISMA's counts need not read 300,000 entries into Python.
        Undone entries and the undos themselves are left out; an undo counts only
        within its own stage, as when the log is folded entry by entry. Each work's
        entries are concatenated in log order, from the log's index by work. The
        reason of a resolution to Y or M is left out too: it is often free text,
        which would make each resolved work's history its own, and only the reason
        of an exclusion is counted.
        """
        merged_into = self.merged_into()
        involved = sorted(set(merged_into) | set(merged_into.values()))
        # works that took in another's records: their histories are put together below
        apart = f"AND work_id NOT IN ({dialect.id_list(involved)})" if involved else ""
        # the works the round found first: their earliest active record is of its searches
        of_round = f"""AND {{}} IN (
            SELECT rw.work_id FROM record_works rw
            JOIN records r ON r.record_id = rw.record_id
            JOIN searches s ON s.search_id = r.search_id
            WHERE s.withdrawn_at IS NULL GROUP BY rw.work_id
            HAVING min(s.review_round) = {int(first_round)})""" if first_round else "{}"
        # works removed before screening: never screened, counted apart (removals)
        removed = sorted(self.removed())
        gone = f"AND {{}} NOT IN ({dialect.id_list(removed)})" if removed else "{}"
        piece = f" || '{_FIELD}' || ".join(
            ["stage", "kind", "reviewer", "coalesce(decision, '')",
             f"coalesce({_COUNTED_REASON}, '')"])
        with self._engine.connect() as conn:
            query = text(f"""
                WITH
                -- Works with a record from a withdrawn search or from other methods (few,
                -- usually): do they still exist, and do they come from a database? Every
                -- other work exists and comes from a database or register search.
                special AS ({dialect.special_works(conn, first_round)}),
                -- Each work's live entries, in log order.
                histories AS (
                    SELECT work_id, {dialect.ordered_concat(conn, piece, "'" + _ENTRY + "'")}
                        AS history
                    FROM screening_log {dialect.indexed_by(conn, "ix_screening_log_work")}
                    WHERE {_LIVE} {apart}
                    GROUP BY work_id)
                SELECT coalesce(sp.dbr, 1), h.history, count(*)
                FROM histories h LEFT JOIN special sp ON sp.work_id = h.work_id
                WHERE coalesce(sp.active, 1) = 1
                  AND EXISTS (SELECT 1 FROM record_works rw WHERE rw.work_id = h.work_id)
                  {gone.format("h.work_id") if removed else ""}
                  {of_round.format("h.work_id") if first_round else ""}
                GROUP BY 1, 2
                UNION ALL  -- and every existing work, with or without a history
                SELECT coalesce(sp.dbr, 1), CAST(NULL AS TEXT), count(*)
                FROM (SELECT work_id FROM record_works GROUP BY work_id) w
                LEFT JOIN special sp ON sp.work_id = w.work_id
                WHERE coalesce(sp.active, 1) = 1
                  {gone.format("w.work_id") if removed else ""}
                  {of_round.format("w.work_id") if first_round else ""}
                GROUP BY 1""")
            rows = conn.execute(query).all()
        found = [History(bool(dbr), _entries(history), int(works))
                 for dbr, history, works in rows if history is not None]
        if involved:
            found += self._merged_histories(merged_into, involved, first_round)
        untouched = Counter({bool(dbr): int(works) for dbr, history, works in rows
                             if history is None})  # every work, so far
        for history in found:
            untouched[history.from_databases] -= history.works
        return found + [History(dbr, (), works) for dbr, works in untouched.items() if works]

    def _merged_histories(self, merged_into: dict[int, int], involved: list[int],
                          first_round: int | None = None) -> list[History]:
        """The histories of works that took in others' records, put together in log
        order from their own entries and those of the works they took in."""
        ids = dialect.id_list(involved)
        query = text(f"""
            SELECT l.work_id, l.stage, l.kind, l.reviewer, l.decision, {_COUNTED_REASON}
            FROM screening_log l
            WHERE {_LIVE} AND l.work_id IN ({ids})
            ORDER BY l.entry_id""")
        with self._engine.connect() as conn:
            columns = text(f"""
                WITH special AS ({dialect.special_works(conn, first_round)})
                SELECT w.work_id, coalesce(sp.active, 1), coalesce(sp.dbr, 1)
                FROM (SELECT DISTINCT work_id FROM record_works WHERE work_id IN ({ids})) w
                LEFT JOIN special sp ON sp.work_id = w.work_id""")
            rows = conn.execute(query).all()
            column = {work_id: bool(dbr) for work_id, active, dbr in conn.execute(columns)
                      if active}
        entries: dict[int, list[LiveEntry]] = {}
        for work_id, stage, kind, reviewer, decision, reason in rows:
            entries.setdefault(merged_into.get(work_id, work_id), []).append(
                LiveEntry(stage, kind, reviewer, decision, reason))
        if first_round:
            rounds = self._library.studies.work_rounds()
            column = {w: dbr for w, dbr in column.items() if rounds.get(w) == first_round}
        removed = self.removed()
        shared = Counter((column[work_id], tuple(live)) for work_id, live in entries.items()
                         if work_id in column and work_id not in removed)
        return [History(dbr, live, works) for (dbr, live), works in shared.items()]

    def records_of_work(self, work_id: int) -> list[int]:
        rw = schema.record_works
        with self._engine.connect() as conn:
            return list(conn.execute(select(rw.c.record_id).where(rw.c.work_id == work_id)
                                     .order_by(rw.c.record_id)).scalars())

    # -- stopping by a rule -----------------------------------------------------------

    def stop(self, stop: Stop) -> Stop:
        """Record the team's decision to stop screening a stage (an act: a judgement line)."""
        row = {key: getattr(stop, key) for key in Stop.__slots__}  # type: ignore[attr-defined]
        with self._library.writing() as conn:
            row_id = conn.execute(insert(schema.screening_stops).values(**row)
                                  ).inserted_primary_key[0]  # type: ignore[index]
            note_acts(self._library, conn, "screening_stops", [row_id],
                      lambda: [stop_line(row)])
        return stop

    def stops(self) -> list[Stop]:
        """Every decision to stop, in the order made."""
        t = schema.screening_stops
        columns = [t.c[key] for key in Stop.__slots__]  # type: ignore[attr-defined]
        with self._engine.connect() as conn:
            return [Stop(*row) for row in conn.execute(select(*columns).order_by(t.c.stop_id))]

    # -- removals before screening ------------------------------------------------------

    def remove(self, removal: Removal) -> Removal:
        """Log a work's removal before screening, or its restoring (an act: a judgement
        line)."""
        row: dict[str, Any] = {
            "work_id": removal.work_id, "action": removal.action, "reason": removal.reason,
            "label": removal.label, "removed_by": removal.removed_by,
            "removed_at": removal.removed_at or now()}
        with self._library.writing() as conn:
            row_id = conn.execute(insert(schema.removals).values(**row)
                                  ).inserted_primary_key[0]  # type: ignore[index]
            note_acts(self._library, conn, "removals", [row_id], lambda: [removal_line(row)])
        return Removal(**row)

    def removals(self) -> list[Removal]:
        """Every removal and restoring, in the order made (of works a regrouping emptied,
        counted for the work that took in their records)."""
        t = schema.removals
        merged_into = self.merged_into()
        with self._engine.connect() as conn:
            rows = conn.execute(select(t.c.work_id, t.c.action, t.c.reason, t.c.label,
                                       t.c.removed_by, t.c.removed_at)
                                .order_by(t.c.removal_id)).all()
        return [Removal(merged_into.get(work_id, work_id), *rest) for work_id, *rest in rows]

    def removed(self) -> dict[int, Removal]:
        """The works removed before screening now (the latest act on each is a removal)."""
        latest = {removal.work_id: removal for removal in self.removals()}
        return {work_id: removal for work_id, removal in latest.items()
                if removal.action == "remove"}

    def from_databases(self, work_ids: Collection[int]) -> dict[int, bool]:
        """Of these works, those that exist now -> whether a database or register search
        found them (PRISMA's left column) rather than other methods only."""
        r, s, rw = schema.records, schema.searches, schema.record_works
        found: dict[int, bool] = {}
        ordered = sorted(work_ids)
        with self._engine.connect() as conn:
            for at in range(0, len(ordered), _IDS_AT_ONCE):
                for work_id, kind in conn.execute(
                        select(rw.c.work_id, s.c.source_kind)
                        .select_from(rw.join(r, r.c.record_id == rw.c.record_id)
                                     .join(s, s.c.search_id == r.c.search_id))
                        .where(s.c.withdrawn_at.is_(None),
                               rw.c.work_id.in_(ordered[at:at + _IDS_AT_ONCE]))):
                    found[work_id] = found.get(work_id, False) or kind != "other"
        return found

    # -- full texts -------------------------------------------------------------------

    def attach_fulltext(self, work_id: int, location: str, attached_by: str | None,
                        at: str | None = None) -> Fulltext:
        stamp = at or now()
        with self._library.writing() as conn:
            row_id = conn.execute(insert(schema.fulltexts).values(
                work_id=work_id, location=location, attached_by=attached_by,
                attached_at=stamp)).inserted_primary_key[0]  # type: ignore[index]
            note_acts(self._library, conn, "fulltexts", [row_id], lambda: [fulltext_line({
                "attached_at": stamp, "attached_by": attached_by, "work_id": work_id,
                "location": location})])
        return Fulltext(work_id, location, attached_by, stamp)

    def fulltexts(self) -> dict[int, Fulltext]:
        """The latest full text attached to each work."""
        f = schema.fulltexts
        query = select(f.c.work_id, f.c.location, f.c.attached_by, f.c.attached_at).order_by(
            f.c.fulltext_id)
        merged_into = self.merged_into()
        with self._engine.connect() as conn:
            attached = [Fulltext(merged_into.get(work_id, work_id), *rest)
                        for work_id, *rest in conn.execute(query)]
        return {fulltext.work_id: fulltext for fulltext in attached}


_IDS_AT_ONCE = 500  # works named in one query


def _screening_lines(conn: Connection, rows: list[dict[str, Any]], ids: Sequence[int]
                     ) -> list[Line]:
    """Judgement lines for screening log rows (stored as ``ids``); an undo names the line
    of what it undoes ("#2": the third line written with it)."""
    undone = {row["undoes"] for row in rows if row["undoes"] is not None}
    j = schema.journal
    line_of = dict(conn.execute(select(j.c.row_id, j.c.line_id).where(
        j.c.row_table == "screening_log", j.c.row_id.in_(sorted(undone)))).all()
    ) if undone else {}
    batch = {entry_id: index for index, entry_id in enumerate(ids)}
    return [screening_line(row, None if row["undoes"] is None else
                           f"#{batch[row['undoes']]}" if row["undoes"] in batch
                           else line_of.get(row["undoes"])) for row in rows]


def screening_line(row: Any, undoes: str | None) -> Line:
    """A screening log row as a judgement line (``undoes``: the line of what it undoes)."""
    line: Line = {"at": row["decided_at"], "by": row["reviewer"], "act": "screen",
                  "on": WorkRef(row["work_id"]), "stage": row["stage"], "kind": row["kind"]}
    for key in ("decision", "reason", "note"):
        if row[key] is not None:
            line[key] = row[key]
    if undoes is not None:
        line["undoes"] = undoes
    line["origin"] = row["origin"]
    return line


def stop_line(row: Any) -> Line:
    """A decision to stop screening by a rule, as a judgement line."""
    line: Line = {"at": row["stopped_at"], "by": row["reviewer"], "act": "stop"}
    for key in ("stage", "rule", "recall", "confidence", "p", "screened", "total", "found",
                "model", "note"):
        if row[key] is not None:
            line[key] = row[key]
    return line


def removal_line(row: Any) -> Line:
    """A removal before screening (or a restoring), as a judgement line."""
    line: Line = {"at": row["removed_at"], "by": row["removed_by"], "act": "remove",
                  "on": WorkRef(row["work_id"]), "action": row["action"]}
    for key in ("reason", "label"):
        if row[key] is not None:
            line[key] = row[key]
    return line


def fulltext_line(row: Any) -> Line:
    return {"at": row["attached_at"], "by": row["attached_by"], "act": "fulltext",
            "on": WorkRef(row["work_id"]), "location": row["location"]}


# SQL shared by the two queries of histories(): the works that may be outside the
# databases column or gone, the entries that still count, and the reason counted.
_LIVE = """kind IN ('decision', 'resolution')
    AND (entry_id, stage) NOT IN (
        SELECT undoes, stage FROM screening_log WHERE kind = 'undo' AND undoes IS NOT NULL)"""
_COUNTED_REASON = ("CASE WHEN kind = 'resolution' AND coalesce(decision, '') != 'n' THEN NULL "
                   "ELSE reason END")
_FIELD, _ENTRY = "\x1f", "\x1e"  # ASCII unit and record separators


def clean_reason(reason: str | None) -> str | None:
    """A reason without the separators ``histories`` joins entries with (a pasted
    reason could hold them; nobody means them): as ``append`` stores it."""
    if reason is None or (_FIELD not in reason and _ENTRY not in reason):
        return reason
    return reason.replace(_FIELD, " ").replace(_ENTRY, " ").strip() or None


def _entries(history: str | None) -> tuple[LiveEntry, ...]:
    """A history as ``histories`` concatenated it, back into entries."""
    if not history:
        return ()
    entries = []
    for piece in history.split(_ENTRY):
        stage, kind, reviewer, decision, reason = piece.split(_FIELD)
        entries.append(LiveEntry(stage, kind, reviewer, decision or None, reason or None))
    return tuple(entries)


def _work_line(row: Any, databases: dict[str, None]) -> WorkLine:
    author = row[3] or ""
    return WorkLine(work_id=row[0], title=row[1] or "(no title)", year=row[2],
                    first_author=author, journal=row[4] or "", databases=tuple(databases))
