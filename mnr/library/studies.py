"""Queries for studies and their reports, and for the rounds of an updated review.

A study is named by its lead report (a work); other works join it as its reports
(``study_links``, a log: each report's latest row counts). A review round is a
number on each search (1: the original searches); the works a round found are
those whose earliest active record came from that round's searches.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert, select, text

from mnr.journal import Line
from mnr.library import dialect, schema
from mnr.library.acts import WorkRef, note_acts
from mnr.library.models import StudyLink
from mnr.library.screening import now

if TYPE_CHECKING:
    from mnr.library.store import Library


def study_link_line(row: dict[str, Any]) -> Line:
    """The judgement line of one link (``study``: the lead report) or unlink."""
    return {"at": row["linked_at"], "by": row["linked_by"], "act": "study-link",
            "on": WorkRef(row["report"]),
            "study": WorkRef(row["study"]) if row["study"] is not None else None,
            "action": row["action"]}


@dataclass(frozen=True, slots=True)
class RoundCounts:
    """Records and works of one review round, per PRISMA column ("dbr": databases and
    registers; "other": other methods), over the active searches."""

    records: dict[str, int]  # records of the round's searches
    grouped: dict[str, int]  # of those, grouped into works (deduplicated)
    earlier: dict[str, int]  # of those, in works an earlier round had found
    new_works: dict[str, int]  # works first found in this round, by the column they count in


class StudyStore:
    """Reached as ``library.studies``."""

    def __init__(self, library: Library) -> None:
        self._library = library
        self._engine = library.engine

    # -- links --------------------------------------------------------------------------

    def link(self, entries: Sequence[tuple[int, int | None]], linked_by: str | None,
             at: str | None = None) -> None:
        """Link reports to studies, or unlink them: (report, lead report or None) each,
        saved together as acts (one judgement line each)."""
        if not entries:
            return
        stamp = at or now()
        rows = [{"report": report, "study": study, "action": "link" if study else "unlink",
                 "linked_by": linked_by, "linked_at": stamp} for report, study in entries]
        table = schema.study_links
        with self._library.writing(shared=True) as conn:
            ids = dialect.new_ids(conn, table.c.link_id, len(rows))
            conn.execute(insert(table), [{"link_id": row_id, **row}
                                         for row_id, row in zip(ids, rows, strict=True)])
            note_acts(self._library, conn, "study_links", ids,
                      lambda: [study_link_line(row) for row in rows])

    def links(self) -> list[StudyLink]:
        """Every link and unlink, in the order made, works followed through merges."""
        t = schema.study_links
        merged = self._library.screening.merged_into()
        with self._engine.connect() as conn:
            rows = list(conn.execute(select(t).order_by(t.c.link_id)))
        return [StudyLink(r.link_id, merged.get(r.report, r.report),
                          None if r.study is None else merged.get(r.study, r.study),
                          r.action, r.linked_by, r.linked_at) for r in rows]

    def study_of(self) -> dict[int, int]:
        """Each linked report's lead report, as the links now stand (a lead report is not
        a key: it is its own study)."""
        current: dict[int, int | None] = {}
        for link in self.links():
            current[link.report] = link.study
        return {report: study for report, study in current.items()
                if study is not None and study != report}

    # -- review rounds -------------------------------------------------------------------

    def work_rounds(self) -> dict[int, int]:
        """Each work's round: the earliest round of an active search with one of its
        records."""
        with self._engine.connect() as conn:
            return {int(work_id): int(first) for work_id, first in conn.execute(text("""
                SELECT rw.work_id, min(s.review_round)
                FROM record_works rw
                JOIN records r ON r.record_id = rw.record_id
                JOIN searches s ON s.search_id = r.search_id
                WHERE s.withdrawn_at IS NULL
                GROUP BY rw.work_id"""))}

    def round_counts(self, review_round: int) -> RoundCounts:
        """What the searches of one round found, against the rounds before it."""
        column = "CASE WHEN s.source_kind = 'other' THEN 'other' ELSE 'dbr' END"
        active = f"""
            SELECT r.record_id, rw.work_id, s.review_round AS rnd, {column} AS col
            FROM records r
            JOIN searches s ON s.search_id = r.search_id
            LEFT JOIN record_works rw ON rw.record_id = r.record_id
            WHERE s.withdrawn_at IS NULL"""
        # a work counts in the databases column of a round if a database or register
        # search of that round or an earlier one found it
        firsts = f"""
            SELECT a.work_id, min(a.rnd) AS first_round,
                   max(CASE WHEN a.col = 'dbr' AND a.rnd <= :round THEN 1 ELSE 0 END) AS dbr
            FROM ({active}) a WHERE a.work_id IS NOT NULL GROUP BY a.work_id"""
        records: dict[str, int] = {"dbr": 0, "other": 0}
        grouped, earlier = dict(records), dict(records)
        new_works = dict(records)
        with self._engine.connect() as conn:
            for col, work_id_null, first_round, n in conn.execute(text(f"""
                    SELECT a.col, CASE WHEN a.work_id IS NULL THEN 1 ELSE 0 END,
                           f.first_round, count(*)
                    FROM ({active}) a LEFT JOIN ({firsts}) f ON f.work_id = a.work_id
                    WHERE a.rnd = :round
                    GROUP BY 1, 2, 3"""), {"round": review_round}):
                records[col] += n
                if not work_id_null:
                    grouped[col] += n
                    if first_round is not None and first_round < review_round:
                        earlier[col] += n
            for dbr, n in conn.execute(text(f"""
                    SELECT f.dbr, count(*) FROM ({firsts}) f
                    WHERE f.first_round = :round GROUP BY 1"""), {"round": review_round}):
                new_works["dbr" if dbr else "other"] += n
        return RoundCounts(records, grouped, earlier, new_works)
