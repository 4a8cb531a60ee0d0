"""Where the SQL of the two backends differs: SQLite (the embedded library file) and
PostgreSQL (a team's server). Every difference lives here, so the queries elsewhere in
the store read the same on both.

SQLite has one writer at a time (``BEGIN IMMEDIATE``), so ids taken as ``max + 1``
inside a write are safe there. On PostgreSQL many writers run at once: ids come from
the tables' sequences, and operations that need the library to themselves (an import,
a deduplication pass, a regrouping) take an advisory lock, which says who holds it.
"""

from __future__ import annotations

from itertools import chain
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    Select,
    Table,
    func,
    literal_column,
    select,
    text,
)
from sqlalchemy.exc import DBAPIError

SQLITE, POSTGRESQL = "sqlite", "postgresql"

# The advisory lock a write takes on PostgreSQL: exclusive for what needs the library
# to itself, shared for appends that others may make at the same moment.
WRITE_LOCK = 0x6D6E72  # "mnr"
SQLITE_MAX_VARIABLES = 32_766  # the default limit of SQLite 3.32 and later


def is_sqlite(conn: Connection | Engine) -> bool:
    return bool(conn.dialect.name == SQLITE)


def fetch_tuples(conn: Connection, query: Select[Any]) -> list[tuple[Any, ...]]:
    """All rows of ``query`` as plain tuples. On SQLite the query goes to the driver
    with its values inlined (the hot path of reading a 300,000-entry log: SQLAlchemy's
    row processing is skipped); elsewhere it is run as usual."""
    if is_sqlite(conn):
        compiled = query.compile(conn, compile_kwargs={"literal_binds": True})
        return list(conn.exec_driver_sql(str(compiled)).cursor.fetchall())  # type: ignore[union-attr]
    return [tuple(row) for row in conn.execute(query)]


def first_of_json_list(conn: Connection | Engine, column: Column[Any]) -> Any:
    """The first item of a JSON list stored as text (a record's first author)."""
    if is_sqlite(conn):
        return func.json_extract(column, "$[0]")
    return literal_column(f"(CAST({column.table.name}.{column.name} AS jsonb) ->> 0)")


def _sequence(column: Column[Any]) -> str:
    return f"{column.table.name}_{column.name}_seq"  # PostgreSQL's name for a serial's


def new_ids(conn: Connection, column: Column[Any], count: int) -> list[int]:
    """``count`` new ids for rows of ``column``'s table, in ascending order, inside a
    write: the next after the largest on SQLite (one writer at a time), the table's
    sequence on PostgreSQL (never the same id twice, whoever else is writing)."""
    if count <= 0:
        return []
    if is_sqlite(conn):
        first = int(conn.execute(select(func.coalesce(func.max(column), 0))).scalar_one()) + 1
        return list(range(first, first + count))
    return sorted(int(value) for value in conn.execute(
        text(f"SELECT nextval('{_sequence(column)}') FROM generate_series(1, :n)"),
        {"n": count}).scalars())


def move_sequence_past(conn: Connection, column: Column[Any], last: int) -> None:
    """After a block of ids taken from ``new_ids(..., 1)`` on by an import that holds the
    library to itself: the sequence goes on after ``last`` (SQLite needs nothing)."""
    if not is_sqlite(conn):
        conn.execute(text(f"SELECT setval('{_sequence(column)}', :last)"), {"last": last})


def refresh_statistics(engine: Engine, tables: tuple[str, ...]) -> None:
    """After a bulk load (an import, a pass): PostgreSQL's planner needs fresh statistics,
    or it takes a tiny table (the searches) for emptier than it is and reads 100,000
    records the slow way; autovacuum may not come round to it for a long time. SQLite
    plans without them."""
    if is_sqlite(engine):
        return
    with engine.connect() as conn:
        for table in tables:
            conn.execute(text(f"ANALYZE {table}"))
        conn.commit()


def ordered_concat(conn: Connection, expression: str, separator: str) -> str:
    """An aggregate joining ``expression`` over a group in log (entry id) order. SQLite's
    group_concat follows the order its rows are read in, so the query reads the log
    through its index by work (see ``log_by_work``); PostgreSQL says the order."""
    if is_sqlite(conn):
        return f"group_concat({expression}, {separator})"
    return f"string_agg({expression}, {separator} ORDER BY entry_id)"


def indexed_by(conn: Connection, index: str) -> str:
    """SQLite's ``INDEXED BY`` hint (which fixes the order group_concat sees rows in, and
    keeps the planner off a slower index); nothing on PostgreSQL, whose planner picks."""
    return f"INDEXED BY {index}" if is_sqlite(conn) else ""


def special_works(conn: Connection, up_to_round: int | None = None) -> str:
    """Works with a record from a withdrawn search or from other methods (few, usually):
    do they still exist (a record in an active search), and do they come from a database
    or register? Every other work exists and comes from one. Columns: work_id, active,
    dbr (1 or 0). ``up_to_round``: every work, as the searches of the review rounds up to
    that one saw it (an updated review's flow of an earlier round)."""
    if up_to_round is not None:
        within = f"s.withdrawn_at IS NULL AND s.review_round <= {int(up_to_round)}"
        return f"""
    SELECT rw.work_id,
           max(CASE WHEN {within} THEN 1 ELSE 0 END) AS active,
           max(CASE WHEN {within} AND s.source_kind != 'other' THEN 1 ELSE 0 END) AS dbr
    FROM record_works rw
    JOIN records r ON r.record_id = rw.record_id
    JOIN searches s ON s.search_id = r.search_id
    GROUP BY rw.work_id"""
    return f"""
    SELECT rw.work_id,
           max(CASE WHEN s.withdrawn_at IS NULL THEN 1 ELSE 0 END) AS active,
           max(CASE WHEN s.withdrawn_at IS NULL AND s.source_kind != 'other'
                    THEN 1 ELSE 0 END) AS dbr
    FROM record_works rw
    JOIN records r ON r.record_id = rw.record_id
    JOIN searches s ON s.search_id = r.search_id
    WHERE rw.work_id IN (
        SELECT aside.work_id FROM records r {indexed_by(conn, "ix_records_search")}
        JOIN record_works aside ON aside.record_id = r.record_id
        WHERE r.search_id IN (
            SELECT search_id FROM searches
            WHERE withdrawn_at IS NOT NULL OR source_kind = 'other'))
    GROUP BY rw.work_id"""


def id_list(ids: list[int]) -> str:
    """Integer ids written into SQL (``IN (...)``): no bound-parameter limit, on either
    backend. Only ever ints, which the caller made."""
    return ", ".join(str(int(value)) for value in ids) or "NULL"


# -- PostgreSQL's advisory lock --------------------------------------------------------

LOCK_WAIT = "30s"  # as long as SQLite's busy timeout: then the write is refused


class Busy(Exception):
    """The write lock is held by someone else (``holders``: who, in words)."""

    def __init__(self, holders: str) -> None:
        super().__init__(holders)
        self.holders = holders


def take_write_lock(conn: Connection, shared: bool, holding: str | None) -> None:
    """Take the advisory write lock for this transaction (PostgreSQL only): shared, for
    appends that many make at once, or exclusive. With ``holding`` (what the write is,
    e.g. "an import of medline.ris") the lock is tried and, if someone else holds it,
    refused at once (``Busy``); others wait up to ``LOCK_WAIT`` for it."""
    if is_sqlite(conn):
        return
    kind = "_shared" if shared else ""
    if holding is not None:
        conn.execute(text("SELECT set_config('application_name', :name, true)"),
                     {"name": f"mnr: {holding}"[:63]})
    if conn.execute(text(f"SELECT pg_try_advisory_xact_lock{kind}(:key)"),
                    {"key": WRITE_LOCK}).scalar_one():
        return
    if holding is not None:
        raise Busy(lock_holders(conn))
    conn.execute(text(f"SET LOCAL lock_timeout = '{LOCK_WAIT}'"))
    conn.execute(text(f"SELECT pg_advisory_xact_lock{kind}(:key)"), {"key": WRITE_LOCK})


def lock_holders(conn: Connection) -> str:
    """Who holds the advisory write lock now, in words: "bh (mnr: an import of
    medline.ris, since 10:02:11 UTC)"."""
    rows = conn.execute(text("""
        SELECT a.usename, a.application_name, a.xact_start
        FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
        WHERE l.locktype = 'advisory' AND l.granted AND l.objid = :key
          AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
          AND l.pid != pg_backend_pid()
        ORDER BY a.xact_start"""), {"key": WRITE_LOCK}).all()
    if not rows:
        return "another user (who has finished since)"
    said = []
    for user, application, since in rows:
        what = application or "a connection"
        when = f", since {since:%H:%M:%S %Z}" if since is not None else ""
        said.append(f"{user or 'another user'} ({what}{when})")
    return "; ".join(said)


class BulkInsert:
    """An INSERT compiled once for the connection's dialect, for many rows at a time.

    Bulk import is the hot path (100,000 records), and a deduplication pass writes a
    row per record too: rows go to the driver as tuples, skipping SQLAlchemy's per-row
    parameter processing. On SQLite, narrow rows (a work's id, a record's work) go in
    one multi-row statement a batch, which takes about two thirds of the time of the
    driver's ``executemany``; wide rows with long text (records with their abstracts)
    go one at a time, which is the faster of the two for them (``multirow=False``:
    0.8-0.9 s instead of 1.1-1.2 s for 100,000 records).
    """

    def __init__(self, conn: Connection, table: Table, columns: list[str],
                 multirow: bool = True) -> None:
        compiled = table.insert().compile(dialect=conn.dialect, column_keys=columns)
        self.sql = str(compiled)
        self.columns = columns
        self.positional = compiled.positional
        assert not self.positional or list(compiled.positiontup or []) == columns
        self.sqlite = is_sqlite(conn)
        self.multirow = multirow and self.sqlite and self.sql.endswith(")")
        self.copy = None if self.sqlite else (
            f"COPY {table.name} ({', '.join(columns)}) FROM STDIN")
        self.max_rows = SQLITE_MAX_VARIABLES // len(columns)
        self._multirow_sql: dict[int, str] = {}

    def _sql_for(self, rows: int) -> str:
        if rows not in self._multirow_sql:
            head, _, one_row = self.sql.rpartition(" VALUES ")
            self._multirow_sql[rows] = f"{head} VALUES " + ", ".join([one_row] * rows)
        return self._multirow_sql[rows]

    def run(self, conn: Connection, rows: list[tuple[Any, ...]]) -> None:
        """Insert the rows; a refusal by the driver is raised as SQLAlchemy's error (an
        ``IntegrityError`` for a broken key), as a statement through SQLAlchemy would be."""
        base = conn.dialect.loaded_dbapi.Error
        try:
            self._run(conn, rows)
        except base as error:
            raise DBAPIError.instance(self.sql, None, error, base) from error

    def _run(self, conn: Connection, rows: list[tuple[Any, ...]]) -> None:
        if self.copy:  # PostgreSQL: COPY, its own bulk path
            cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
            with cursor.copy(self.copy) as copy:
                for row in rows:
                    copy.write_row(row)
            return
        if not self.multirow and not (self.sqlite and self.positional):
            params: list[Any] = rows if self.positional else [
                dict(zip(self.columns, row, strict=True)) for row in rows]
            conn.exec_driver_sql(self.sql, params)
            return
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        if not self.multirow:  # the driver's own loop, without SQLAlchemy's around it
            cursor.executemany(self.sql, rows)
            return
        for start in range(0, len(rows), self.max_rows):
            chunk = rows[start:start + self.max_rows]
            cursor.execute(self._sql_for(len(chunk)), list(chain.from_iterable(chunk)))
