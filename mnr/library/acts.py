"""The library's side of the judgement logs: which lines it has applied, how far it has
read each file, and the stable names of works and records that lines carry.

Every store method that saves a human act calls ``note_acts`` inside its
transaction: the lines are written to the review folder first (flushed to
disk), then the rows commit. When the library is being built or brought up to
date from the folder, the lines already exist: ``Library.replaying`` hands their
ids to the same methods, which then note them instead of writing them again.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, func, insert, select, update

from mnr.journal import Line, Seen, encode, file_name, new_ids
from mnr.library import schema

if TYPE_CHECKING:
    from mnr.library.store import Library

_AT_ONCE = 500  # ids per IN (...)


class AlreadyApplied(Exception):
    """A line being replayed was applied meanwhile by another process (two commands
    catching up at once): the transaction is given up, the line is not applied twice."""


class WorkRef(int):
    """A work id in a line being made: written as the reference of one of its records."""


class RecordRef(int):
    """A record id in a line being made: written as its export's SHA-256 and position."""


def note_acts(library: Library, conn: Connection, table: str, row_ids: Sequence[int],
              make_lines: Callable[[], list[Line]]) -> None:
    """Note that these rows of ``table`` are acts: while replaying, under the lines' ids;
    otherwise write their lines (``make_lines``, refs still as WorkRef/RecordRef) to the
    judgement logs first. A library opened without a review folder writes none."""
    replaying = library.replaying_lines
    keep = library.keeps_lines
    if replaying is not None:
        taken, replaying[:] = replaying[:len(row_ids)], replaying[len(row_ids):]
        j = schema.journal
        if conn.execute(select(j.c.line_id).where(
                j.c.line_id.in_([line_id for line_id, _, _ in taken])).limit(1)).first():
            raise AlreadyApplied  # by another process, since this one read the lines
        rows = [{"line_id": line_id, "source": source, "row_table": table, "row_id": row_id,
                 "line": encode(line) if keep else None}
                for (line_id, source, line), row_id in zip(taken, row_ids, strict=True)]
    else:
        journal = library.journal
        if (journal is None and not keep) or not row_ids:
            return
        made = make_lines()
        resolve_refs(conn, made)
        lines = [{"id": line_id, **line} for line_id, line in zip(new_ids(len(made)), made,
                                                                 strict=True)]
        for line in lines:  # "#2": the third line written with this one
            if isinstance(undone := line.get("undoes"), str) and undone.startswith("#"):
                line["undoes"] = lines[int(undone[1:])]["id"]
        if journal is not None:
            _advance(conn, journal.append(lines))
        rows = [{"line_id": line["id"], "source": file_name(line.get("by")), "row_table": table,
                 "row_id": row_id, "line": encode(line) if keep else None}
                for line, row_id in zip(lines, row_ids, strict=True)]
    if rows:
        conn.execute(insert(schema.journal), rows)


def _advance(conn: Connection, written: dict[str, tuple[Seen, Seen]]) -> None:
    """Remember a file as read up to its end after our own write, if it was read up to
    where we began (else lines of others wait in it, and the next catch-up reads them)."""
    f = schema.journal_files
    for name, (before, after) in written.items():
        known = conn.execute(select(f.c.size, f.c.tail).where(f.c.name == name)).first()
        if known is None and before.size == 0:
            conn.execute(insert(f).values(name=name, size=after.size, tail=after.tail))
        elif known is not None and (known.size, known.tail) == (before.size, before.tail):
            conn.execute(update(f).where(f.c.name == name)
                         .values(size=after.size, tail=after.tail))


def resolve_refs(conn: Connection, lines: list[Line]) -> None:
    """Replace WorkRef and RecordRef values (alone or in lists) by record references."""
    works: set[int] = set()
    records: set[int] = set()

    def collect(value: Any) -> None:
        if isinstance(value, WorkRef):
            works.add(int(value))
        elif isinstance(value, RecordRef):
            records.add(int(value))
        elif isinstance(value, list):
            for item in value:
                collect(item)

    for line in lines:
        for value in line.values():
            collect(value)
    anchors, names = _anchor_records(conn, works)
    if wanted := records - set(names):
        names.update(_record_names(conn, wanted))

    def replace(value: Any) -> Any:
        if isinstance(value, WorkRef):
            return names[anchors[int(value)]]
        if isinstance(value, RecordRef):
            return names[int(value)]
        if isinstance(value, list):
            return [replace(item) for item in value]
        return value

    for line in lines:
        for key, value in line.items():
            line[key] = replace(value)


def _anchor_records(conn: Connection, work_ids: Collection[int]
                    ) -> tuple[dict[int, int], dict[int, str]]:
    """Each work's first record (following merges for a work that was absorbed), and
    those records' names: one query for works that have records (a decision's case)."""
    r, s, rw, m = schema.records, schema.searches, schema.record_works, schema.work_merges
    anchors: dict[int, int] = {}
    names: dict[int, str] = {}
    for chunk in _chunks(sorted(work_ids)):
        for work_id, record_id, sha256, position in conn.execute(
                select(rw.c.work_id, r.c.record_id, s.c.file_sha256, r.c.position)
                .join(r, r.c.record_id == rw.c.record_id)
                .join(s, s.c.search_id == r.c.search_id)
                .where(rw.c.work_id.in_(chunk)).order_by(rw.c.work_id, r.c.record_id)):
            if work_id not in anchors:
                anchors[work_id] = record_id
                names[record_id] = record_name(sha256, position)
    missing = set(work_ids) - set(anchors)
    if missing:
        merged = dict(conn.execute(select(m.c.absorbed, m.c.into)).all())
        for work_id in missing:
            into, hops = work_id, 0
            while into in merged and hops < 1000:
                into, hops = merged[into], hops + 1
            found, named = _anchor_records(conn, [into]) if into != work_id else ({}, {})
            if into not in found:
                raise LookupError(f"W{work_id} has no records: it cannot be named in a "
                                  "judgement log")
            anchors[work_id] = found[into]
            names.update(named)
    return anchors, names


def _record_names(conn: Connection, record_ids: Collection[int]) -> dict[int, str]:
    r, s = schema.records, schema.searches
    names: dict[int, str] = {}
    for chunk in _chunks(sorted(record_ids)):
        for record_id, sha256, position in conn.execute(
                select(r.c.record_id, s.c.file_sha256, r.c.position)
                .join(s, s.c.search_id == r.c.search_id).where(r.c.record_id.in_(chunk))):
            names[record_id] = record_name(sha256, position)
    return names


def line_of(conn: Connection, table: str, row_id: int) -> str | None:
    """The (first) line that made a row of ``table``: what an undo names."""
    j = schema.journal
    return conn.execute(select(j.c.line_id).where(j.c.row_table == table, j.c.row_id == row_id)
                        .order_by(j.c.line_id).limit(1)).scalar()


def record_name(sha256: str, position: int) -> str:
    """How a judgement line names a record: its export's SHA-256 (16 hex digits) and its
    position in the export."""
    return f"{sha256[:16]}:{position}"


def _chunks(values: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for at in range(0, len(values), _AT_ONCE):
        yield values[at:at + _AT_ONCE]


class ActStore:
    """Reached as ``library.acts``: what has been applied, and names resolved."""

    def __init__(self, library: Library) -> None:
        self._library = library
        self._engine = library.engine

    def seen(self) -> dict[str, Seen]:
        f = schema.journal_files
        with self._engine.connect() as conn:
            return {name: Seen(size, tail) for name, size, tail
                    in conn.execute(select(f.c.name, f.c.size, f.c.tail))}

    def mark_seen(self, seen: dict[str, Seen], forget: Collection[str] = ()) -> None:
        f = schema.journal_files
        with self._engine.begin() as conn:
            for name in forget:
                conn.execute(f.delete().where(f.c.name == name))
            for name, value in seen.items():
                if conn.execute(update(f).where(f.c.name == name)
                                .values(size=value.size, tail=value.tail)).rowcount == 0:
                    conn.execute(insert(f).values(name=name, size=value.size, tail=value.tail))

    def note_copies(self, copies: Sequence[tuple[str, str, str, int]]) -> None:
        """Note lines (id, file, table, row id) that repeat an act the library has (under
        another line): applied, as that row."""
        if not copies:
            return
        j = schema.journal
        with self._library.writing() as conn:
            there = set(conn.execute(select(j.c.line_id).where(
                j.c.line_id.in_([copy[0] for copy in copies]))).scalars())
            rows = [{"line_id": line_id, "source": source, "row_table": table, "row_id": row}
                    for line_id, source, table, row in copies if line_id not in there]
            if rows:  # (those there: noted by another process meanwhile)
                conn.execute(insert(j), rows)

    def applied(self, line_ids: Collection[str]) -> set[str]:
        """Which of these lines the library has applied."""
        j = schema.journal
        found: set[str] = set()
        with self._engine.connect() as conn:
            for chunk in _chunks(sorted(line_ids)):
                found.update(conn.execute(select(j.c.line_id).where(j.c.line_id.in_(chunk)))
                             .scalars())
        return found

    def kept_lines(self) -> list[tuple[str, str]]:
        """The judgement lines a server's library keeps, (line id, the line as JSON), in
        the order they were written: what ``mnr server pull`` writes to a folder."""
        j = schema.journal
        with self._engine.connect() as conn:
            return [(line_id, line) for line_id, line in conn.execute(
                select(j.c.line_id, j.c.line).where(j.c.line.is_not(None))
                .order_by(j.c.line_id))]

    def applied_from(self, source: str) -> set[str]:
        j = schema.journal
        with self._engine.connect() as conn:
            return set(conn.execute(select(j.c.line_id).where(j.c.source == source)).scalars())

    def sources(self) -> set[str]:
        j = schema.journal
        with self._engine.connect() as conn:
            return set(conn.execute(select(j.c.source).distinct()).scalars())

    def rows(self, line_ids: Collection[str]) -> dict[str, tuple[str, int]]:
        """The row each of these applied lines made: line id -> (table, row id)."""
        j = schema.journal
        rows: dict[str, tuple[str, int]] = {}
        with self._engine.connect() as conn:
            for chunk in _chunks(sorted(line_ids)):
                rows.update((line_id, (table, row_id)) for line_id, table, row_id in conn.execute(
                    select(j.c.line_id, j.c.row_table, j.c.row_id)
                    .where(j.c.line_id.in_(chunk))))
        return rows

    def newest(self, tables: Collection[str] | None = None, resolutions: bool = False) -> str:
        """The id of the latest line applied (of rows of these tables; or the latest
        conflict resolution): lines sort in the order they were written."""
        j, log = schema.journal, schema.screening_log
        query = select(func.max(j.c.line_id))
        if tables is not None:
            query = query.where(j.c.row_table.in_(sorted(tables)))
        if resolutions:
            query = query.join(log, (j.c.row_table == "screening_log")
                               & (j.c.row_id == log.c.entry_id)).where(
                log.c.kind == "resolution")
        with self._engine.connect() as conn:
            return conn.execute(query).scalar() or ""

    def records(self, names: Collection[str]) -> dict[str, tuple[int, int | None]]:
        """Record references -> (record id, its work now, None before deduplication);
        references to exports the library lacks are left out."""
        r, s, rw = schema.records, schema.searches, schema.record_works
        wanted: dict[str, list[tuple[str, int]]] = {}
        for name in names:
            prefix, _, position = name.partition(":")
            if position.isdigit():
                wanted.setdefault(prefix, []).append((name, int(position)))
        found: dict[str, tuple[int, int | None]] = {}
        with self._engine.connect() as conn:
            searches = {sha256[:16]: search_id for search_id, sha256 in
                        conn.execute(select(s.c.search_id, s.c.file_sha256))}
            for prefix, items in wanted.items():
                search_id = searches.get(prefix)
                if search_id is None:
                    continue
                by_position = {position: name for name, position in items}
                for chunk in _chunks(sorted(by_position)):
                    for position, record_id, work_id in conn.execute(
                            select(r.c.position, r.c.record_id, rw.c.work_id)
                            .outerjoin(rw, rw.c.record_id == r.c.record_id)
                            .where(r.c.search_id == search_id, r.c.position.in_(chunk))):
                        found[by_position[position]] = (record_id, work_id)
        return found



# The tables whose rows are acts, with their id column.
JUDGEMENT_KEYS = {
    "screening_log": "entry_id", "dedupe_decisions": "decision_id", "fulltexts": "fulltext_id",
    "appraisals": "appraisal_id", "appraisal_consensus": "consensus_id",
    "extractions": "extraction_id", "work_tags": "tag_id",
    "traditions": "tradition_id", "themes": "row_id", "memos": "memo_id",
    "dedupe_runs": "run_id", "screening_stops": "stop_id", "concept_links": "link_id",
    "removals": "removal_id",
    "study_links": "link_id",
}


def unjournalled(conn: Connection) -> dict[str, list[int]]:
    """Rows of acts that no line stands for (a library made before judgement logs, or
    written without one), by table; undone passes under "dedupe_undos". Cheap when there
    are none: the rows and the lines of each table are counted first."""
    j = schema.journal
    noted: dict[str, int] = dict(conn.execute(
        select(j.c.row_table, func.count()).group_by(j.c.row_table)).all())
    missing: dict[str, list[int]] = {}
    runs = schema.dedupe_runs
    for table, key in [*JUDGEMENT_KEYS.items(), ("dedupe_undos", "run_id")]:
        t = runs if table == "dedupe_undos" else schema.metadata.tables[table]
        column = t.c[key]
        rows = select(column).where(runs.c.undone_at.is_not(None)) if t is runs and (
            table == "dedupe_undos") else select(column)
        if conn.execute(select(func.count()).select_from(rows.subquery())).scalar_one() == (
                noted.get(table, 0)):
            continue
        ids = list(conn.execute(rows.where(~select(j.c.line_id).where(
            j.c.row_table == table, j.c.row_id == column).exists()).order_by(column)).scalars())
        if ids:
            missing[table] = ids
    return missing
