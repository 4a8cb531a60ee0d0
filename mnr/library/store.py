"""The library: open (and migrate) the database, store imports, answer queries.

This package is the only place that speaks SQL. Writes happen in explicit
transactions: an import lands whole or not at all, even on Ctrl-C.
"""

from __future__ import annotations

import errno
import json
import os
import queue
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NoReturn

import orjson
from sqlalchemy import (
    URL,
    Connection,
    Engine,
    create_engine,
    event,
    func,
    make_url,
    select,
    text,
    update,
)
from sqlalchemy.exc import (
    ArgumentError,
    DatabaseError,
    DBAPIError,
    IntegrityError,
    OperationalError,
)

from mnr.errors import ImportRefused, LibraryDamaged, LibraryUnavailable, NotPermitted
from mnr.journal import Journal, Line, file_name, new_ids
from mnr.library import dialect, schema
from mnr.library.acts import JUDGEMENT_KEYS, ActStore, resolve_refs, unjournalled
from mnr.library.migrations import LATEST, current_version, migrate
from mnr.library.models import DatabaseCount, NewSearch, Search, Status
from mnr.library.references import ReferenceStore
from mnr.library.screening import (
    ScreeningStore,
    fulltext_line,
    removal_line,
    screening_line,
    stop_line,
)
from mnr.library.studies import StudyStore, study_link_line
from mnr.library.synthesis import LINES, SynthesisStore, theme_line
from mnr.library.works import UNDONE_PASSES, WorkStore, decision_line, pass_lines
from mnr.records import ParsedRecord, StoredRecord

BUSY_TIMEOUT_MS = 30_000
# The page size of a new library (an existing one keeps its own). Records and their
# verbatim text are 2-6 kB a row: in SQLite's default 4 kB pages most take a page each
# with a third of it empty, and an import writes (and checkpoints) every page on its own.
# In 16 kB pages a library of 100,000 records (bench/import_bench.py) is 15% smaller and
# storing them takes about half the CPU time (3.1 s instead of 5.8 s, mostly the writes
# and the checkpoint at commit).
PAGE_SIZE = 16_384


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _wal_mode(cursor: Any) -> None:
    """Switch to WAL. SQLite answers "locked" at once, without waiting, when another
    process is creating or recovering the same file; that passes in moments."""
    for attempt in range(100):
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or attempt == 99:
                raise
            time.sleep(0.05)


# SQLite's primary result codes that mnr explains in its own words
_READONLY, _IOERR, _CORRUPT, _FULL, _CANTOPEN, _NOTADB = 8, 10, 11, 13, 14, 26

# On opening, ``PRAGMA quick_check`` reads the whole file: measured on a 133,000-record,
# 106,000-work library (764 MB), 0.55 s with the file in the page cache and 12 s from a
# cold disk. Libraries up to this size are checked at every opening (about 45 ms warm);
# larger ones are not, and rely on SQLite refusing a damaged page when it is touched,
# which the store reports as damage just the same.
QUICK_CHECK_MAX_BYTES = 64 * 2**20


def _writable(path: Path) -> bool:
    return os.access(path, os.W_OK)


def read_only(path: Path) -> bool:
    """Whether the library at ``path`` cannot be written (its file, or library/, is
    read-only). As root, permissions do not stop writes, and this says False."""
    return path.exists() and not (_writable(path) and _writable(path.parent))


def unavailable(path: Path | str, error: BaseException) -> LibraryUnavailable:
    """mnr's own error for one of SQLite's: what happened to the library at ``path``, in
    words, and what to do. The faces never see the backend's errors."""
    code = getattr(error, "sqlite_errorcode", None)
    code = None if code is None else code & 0xFF
    if code in (_CORRUPT, _NOTADB):
        return LibraryDamaged(
            f"{path}: the library is damaged ({error}); nothing was changed. It is a cache "
            "of the review folder: move it away (e.g. mv library/library.sqlite "
            "library/damaged.sqlite) and mnr will rebuild it from the review folder")
    if code == _FULL or getattr(error, "errno", None) == errno.ENOSPC:
        return LibraryUnavailable(f"{path}: the disk is full ({error}); nothing was changed. "
                                  "Free some space and try again")
    if code == _READONLY:
        return LibraryUnavailable(
            f"{path}: the library is read-only ({error}); nothing was changed. This command "
            "writes to it: make library/ and the file writable (status, export and prisma "
            "work on a read-only library)")
    if code == _CANTOPEN:
        folder = Path(path).parent
        if folder.is_dir() and not _writable(folder):
            return LibraryUnavailable(f"{path}: could not be opened ({error}): {folder} is "
                                      "read-only; make it writable")
        return LibraryUnavailable(f"{path}: could not be opened ({error})")
    if code == _IOERR:
        return LibraryUnavailable(f"{path}: the disk refused to read or write the library "
                                  f"({error}); nothing was changed")
    return LibraryUnavailable(f"the library could not be read or written just now ({error}); "
                              "try again")


def _sqlite_engine(path: Path, read_only: bool = False) -> Engine:
    if read_only:
        # Read-only: a WAL library's -shm file cannot be made in a read-only folder, so
        # there the file is read as immutable (nobody can write it there either).
        mode = "immutable=1" if not (_writable(path.parent)
                                     or Path(f"{path}-shm").exists()) else "mode=ro"
        engine = create_engine(f"sqlite:///file:{path}?{mode}&uri=true")
    else:
        engine = create_engine(f"sqlite:///{path}")

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        # mnr, not the sqlite3 module, says when transactions begin (see _begin), so that
        # schema changes are transactional and writers take the write lock up front.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")  # a second writer waits
        if not read_only:
            cursor.execute(f"PRAGMA page_size={PAGE_SIZE}")  # before WAL makes the file
            _wal_mode(cursor)  # readers never wait for a writer
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "handle_error")
    def _unavailable(context: Any) -> None:
        # The rest of mnr sees its own error, never the backend's: a library busy too long,
        # a disk that refused or is full, a read-only or damaged file. (Integrity errors
        # stay: they are mnr's own mistakes, such as a change to the append-only log.)
        error = context.sqlalchemy_exception
        if isinstance(error, OperationalError) or type(error) is DatabaseError:
            original = context.original_exception
            raise unavailable(path, original) from original

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        # A write transaction takes the lock at BEGIN (waiting up to the busy timeout)
        # rather than failing later, when a read turns into a write.
        immediate = conn.get_execution_options().get(_WRITE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def server_url(url: str) -> URL:
    """A PostgreSQL URL as given (``postgresql://host/db``), for psycopg 3. A password
    may be in it, but is better kept out of files: ``~/.pgpass`` and ``PGPASSWORD``
    work as for any PostgreSQL client."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise LibraryUnavailable(f"{shown(url)}: not a database URL (postgresql://host/"
                                 "database)") from None
    if parsed.get_backend_name() not in ("postgresql", "postgres"):
        raise LibraryUnavailable(f"{shown(url)}: mnr's library is a PostgreSQL server "
                                 "(postgresql://host/database) or the embedded file")
    return parsed.set(drivername="postgresql+psycopg")


def shown(url: str | URL) -> str:
    """A URL as it may be printed: never its password."""
    try:
        parsed = make_url(url)
        if parsed.drivername.startswith("postgresql+"):  # as people write it
            parsed = parsed.set(drivername="postgresql")
        if "password" in parsed.query:  # libpq takes one there too
            parsed = parsed.update_query_dict({"password": "***"})
        return parsed.render_as_string(hide_password=True)
    except ArgumentError:
        return "the library URL"


# PostgreSQL's error classes that mnr explains in its own words
_PG_REFUSED = ("42501",)  # insufficient privilege: a grant, or mnr's own check of initials
_PG_LOCK_WAIT = "55P03"


def _postgres_engine(url: URL) -> Engine:
    try:
        import psycopg  # noqa: F401  (the optional driver: say how to get it)
    except ModuleNotFoundError:
        raise LibraryUnavailable("a library on a PostgreSQL server needs psycopg: "
                                 "pip install 'mnr[postgres]'") from None
    where = shown(url)
    engine = create_engine(url, pool_size=2, connect_args={
        "application_name": "mnr", "connect_timeout": 10})

    @event.listens_for(engine, "handle_error")
    def _unavailable(context: Any) -> None:
        original = context.original_exception
        state = getattr(original, "sqlstate", None)
        if state in _PG_REFUSED:
            said = str(original).strip().splitlines()[0]
            raise NotPermitted(f"{where}: the server refused ({said}); nothing was "
                               "written") from original
        if state == _PG_LOCK_WAIT:
            try:
                with engine.connect() as other:
                    holders = dialect.lock_holders(other)
            except Exception:  # noqa: BLE001 - the refusal matters, not who
                holders = "another user"
            raise LibraryUnavailable(f"{where}: the library was busy for more than "
                                     f"{dialect.LOCK_WAIT}, held by {holders}; nothing was "
                                     "changed, try again") from original
        error = context.sqlalchemy_exception
        if isinstance(error, OperationalError) or type(error) is DatabaseError:
            said = str(original).strip().splitlines()[0] if str(original).strip() else (
                type(original).__name__)
            raise LibraryUnavailable(f"{where}: the library server could not be used just "
                                     f"now ({said})") from original

    return engine


_WRITE = "mnr_write"


def _check_version(conn: Connection, path: Path) -> None:
    """A read-only library is used as it is: it must need no migration."""
    version = current_version(conn)
    if version > LATEST:
        raise LibraryUnavailable(f"{path}: this library has schema version {version}, newer "
                                 f"than this mnr knows ({LATEST}); upgrade mnr")
    if version == 0:
        raise LibraryUnavailable(f"{path}: the library is read-only and empty; make library/ "
                                 "writable so that mnr can build it from the review folder")
    if version < LATEST:
        raise LibraryUnavailable(
            f"{path}: the library is read-only and was made by an older mnr (schema version "
            f"{version}, this mnr's is {LATEST}); make library/ and the file writable so "
            "that it can be upgraded")


_RECORD_COLUMNS = [
    "record_id", "search_id", "position", "locator", "source_id", "source_database", "title",
    "authors", "year", "journal", "volume", "issue", "pages", "doi", "pmid", "issn", "isbn",
    "abstract", "keywords", "language", "pub_type", "url", "cited_refs", "cited_ref_count",
]
_SOURCE_COLUMNS = ["record_id", "raw", "fields", "raw_start", "raw_end"]
# the decoded text of a search's export, as kept in searches/ (given to the Library by
# whoever knows the review folder: the store reads no files and decodes none)
ExportText = Callable[[Search], str]


def _encode(value: Any) -> str:
    # orjson: about five times faster than json on the fields of 100,000 records
    return orjson.dumps(value, default=str).decode()


def _json_list(values: list[str]) -> str:
    return _encode(values) if values else "[]"


class RecordSink:
    """Receives the records of one import inside its transaction.

    On SQLite each batch is stored as it comes, in the importer's own thread, a row
    at a time. A writer thread beside the parser gained only when a second core was
    free, and it had to send a batch as one multi-row statement (row by row, it would
    wait for the GIL at every row), which is slower for these wide rows: on 100,000
    records (bench/import_bench.py) storing them here takes about 5% less CPU time,
    about the same wall time on an idle machine, and less with another job running.

    On PostgreSQL a writer thread sends one batch to the server while the importer
    parses the next, so that the server's work and the network overlap the parsing;
    only that thread uses the connection until ``close``, and any error in it is
    raised again in the importer's thread.
    """

    def __init__(self, conn: Connection, search_id: int, keep_fields: bool) -> None:
        self._conn = conn
        self._search_id = search_id
        self._keep_fields = keep_fields
        self.count = 0
        # The search row was written first, so this transaction holds the write lock
        # (on PostgreSQL, the exclusive advisory lock): the block of ids from here on
        # cannot be taken by anyone else; ``close`` moves the sequence past it.
        self._first_id = self._next_id = dialect.new_ids(conn, schema.records.c.record_id, 1)[0]
        self._records = dialect.BulkInsert(conn, schema.records, _RECORD_COLUMNS,
                                           multirow=False)
        self._sources = dialect.BulkInsert(conn, schema.record_sources, _SOURCE_COLUMNS)
        self._queue: queue.Queue[tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]] | None] = (
            queue.Queue(maxsize=2))
        self._error: BaseException | None = None
        self._writer: threading.Thread | None = None
        if not dialect.is_sqlite(conn):
            self._writer = threading.Thread(target=self._write, name="mnr-record-writer",
                                            daemon=True)
            self._writer.start()

    def _store(self, record_rows: list[tuple[Any, ...]],
               source_rows: list[tuple[Any, ...]]) -> None:
        self._records.run(self._conn, record_rows)
        self._sources.run(self._conn, source_rows)

    def _write(self) -> None:
        while (item := self._queue.get()) is not None:
            if self._error is None:
                try:
                    self._store(*item)
                except BaseException as error:  # handed to the importer's thread
                    self._error = error

    def _raise_pending(self) -> None:
        if self._error is not None:
            self._raise(self._error)

    def _raise(self, raised: BaseException) -> NoReturn:
        """Raise a failed write as mnr's own error: the library unavailable, the file named."""
        # the driver's own error, written past SQLAlchemy, which wraps it
        error = raised.orig if isinstance(raised, DBAPIError) else raised
        if isinstance(error, sqlite3.Error):
            raise unavailable(str(self._conn.engine.url.database), error) from error
        if type(error).__module__.startswith("psycopg"):
            raise LibraryUnavailable(f"{shown(self._conn.engine.url)}: the records could "
                                     f"not be stored ({error}); nothing was imported"
                                     ) from error
        raise raised

    def add(self, batch: Sequence[ParsedRecord]) -> None:
        self._raise_pending()
        record_rows, source_rows = [], []
        search_id = self._search_id
        for parsed in batch:
            record_id = self._next_id
            self._next_id += 1
            self.count += 1
            record_rows.append((
                record_id, search_id, self.count, parsed.locator, parsed.source_id,
                parsed.source_database, parsed.title or None, _json_list(parsed.authors),
                parsed.year, parsed.journal, parsed.volume, parsed.issue, parsed.pages,
                parsed.doi, parsed.pmid, parsed.issn, parsed.isbn, parsed.abstract,
                _json_list(parsed.keywords), parsed.language, parsed.pub_type, parsed.url,
                _json_list(parsed.cited_refs), len(parsed.cited_refs),
            ))
            span = parsed.span
            source_rows.append((record_id, "" if span else parsed.raw,
                                _encode(parsed.fields) if self._keep_fields else None,
                                *(span or (None, None))))
        if not record_rows:
            return
        if self._writer is None:
            try:
                self._store(record_rows, source_rows)
            except DBAPIError as error:  # said as the writer thread's errors are
                self._raise(error)
        else:
            self._queue.put((record_rows, source_rows))

    def close(self) -> None:
        """Wait for the writer to store what it was given; raise its error, if any."""
        if self._writer is not None:
            self._queue.put(None)
            self._writer.join()
        self._raise_pending()
        if self._next_id > self._first_id:
            dialect.move_sequence_past(self._conn, schema.records.c.record_id,
                                       self._next_id - 1)


def _search(row: Any) -> Search:
    return Search(**{key: row._mapping[key] for key in Search.__slots__})  # type: ignore[attr-defined]


class Library:
    """One review's library database."""

    def __init__(self, engine: Engine, read_only: bool = False) -> None:
        self.engine = engine
        self.read_only = read_only  # opened for reading only: its file cannot be written
        self.journal: Journal | None = None  # where acts are written; None: nowhere
        # a server's library keeps each act's judgement line itself (``mnr server pull``
        # writes them to a review folder); a library file is a cache of the folder's
        self.keeps_lines = not dialect.is_sqlite(engine)
        self.role = ""  # on a server: the role connected as
        # while replaying: the (line id, file, line) of the lines the next acts come from
        self.replaying_lines: list[tuple[str, str, Line]] | None = None
        # the text of a search's kept export, for the records whose text is read from it
        self.export_text: ExportText | None = None

    @contextmanager
    def replaying(self, lines: Sequence[tuple[str, str, Line]]) -> Iterator[None]:
        """Save acts that come from existing judgement lines (id, file, line), in order:
        they are noted as applied, not written again."""
        self.replaying_lines = list(lines)
        try:
            yield
            if self.replaying_lines:
                raise RuntimeError(f"{len(self.replaying_lines)} judgement lines made no row")
        finally:
            self.replaying_lines = None

    @contextmanager
    def writing(self, shared: bool = False, holding: str | None = None
                ) -> Iterator[Connection]:
        """A write transaction (library use only). On SQLite it holds the write lock from
        its start. On PostgreSQL it holds the advisory write lock: ``shared`` for appends
        that many reviewers make at once, exclusive otherwise; ``holding`` (what this
        write is, e.g. "an import of medline.ris") refuses at once, naming who holds the
        lock, rather than wait."""
        if self.read_only and not dialect.is_sqlite(self.engine):
            raise NotPermitted(f"{self.where}: connected as {self.role}, which may read this "
                               "library but not write to it; nothing was written (a reviewer "
                               "writes as their own role)")
        with self.engine.connect() as conn:
            conn.execution_options(**{_WRITE: True})
            with conn.begin():
                try:
                    dialect.take_write_lock(conn, shared, holding)
                except dialect.Busy as busy:
                    raise LibraryUnavailable(
                        f"{shown(self.engine.url)}: {holding} needs the library to itself, "
                        f"and it is in use by {busy.holders}; nothing was changed, try "
                        "again when that is done") from None
                yield conn

    @classmethod
    def open(cls, path: Path) -> Library:
        """Open (creating if needed) the library at ``path`` and apply pending migrations;
        a library that cannot be written (see ``read_only``) is opened for reading only.
        A damaged file, or one that is not a library, is refused and never replaced (it
        may be someone's file); a small library is checked whole (``quick_check``)."""
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise LibraryUnavailable(f"{path.parent}: could not be made "
                                     f"({error.strerror or error})") from None
        reading = read_only(path)
        library = cls(_sqlite_engine(path, reading), reading)
        try:
            if reading:
                with library.engine.connect() as conn:
                    _check_version(conn, path)
            else:
                with library.writing() as conn:
                    migrate(conn)
            library.quick_check(path)
        except LibraryUnavailable as error:
            library.close()
            cause = error.__cause__ or error
            if "not a database" in str(cause):  # never replaced: it may be someone's file
                raise LibraryDamaged(
                    f"{path}: is not an mnr library ({cause}); nothing was changed. Move it "
                    "away and mnr will rebuild the library from the review folder") from None
            if str(path) in error.message:
                raise
            raise LibraryUnavailable(f"{path}: the library could not be opened ({cause})"
                                     ) from None
        except BaseException:
            library.close()
            raise
        return library

    @classmethod
    def connect(cls, url: str) -> Library:
        """Open the library on a PostgreSQL server (creating its tables on first use, which
        needs a role that may create them); a role that may not write is read-only."""
        library = cls(_postgres_engine(server_url(url)))
        try:
            with library.engine.connect() as conn:
                version = current_version(conn)
            if version != LATEST:  # one first use (or upgrade) at a time makes the tables
                with library.writing() as conn:
                    migrate(conn)
            with library.engine.connect() as conn:
                library.role, may_write = conn.execute(text(
                    "SELECT current_user, has_table_privilege('screening_log', 'INSERT')")).one()
                library.read_only = not may_write
        except BaseException:
            library.close()
            raise
        return library

    def opener(self) -> tuple[str, str]:
        """How another process opens this library: ("file", path) or ("server", URL, its
        password included: for a child process, never for printing)."""
        url = self.engine.url
        if dialect.is_sqlite(self.engine):
            path = str(url.database)
            return ("file", str(Path(path.removeprefix("file:").split("?")[0]).resolve()))
        return ("server", url.render_as_string(hide_password=False))

    @classmethod
    def reopen(cls, opener: tuple[str, str]) -> Library:
        """The library ``opener`` names (see ``opener``), in this process."""
        kind, where = opener
        return cls.open(Path(where)) if kind == "file" else cls.connect(where)

    @property
    def where(self) -> str:
        """The library, as it may be printed (a server's URL without its password)."""
        url = self.engine.url
        return str(url.database) if dialect.is_sqlite(self.engine) else shown(url)

    def quick_check(self, path: Path, limit: int | None = None) -> None:
        """Refuse a damaged library (SQLite's ``quick_check``), if it is no larger than
        ``limit`` bytes (default ``QUICK_CHECK_MAX_BYTES``, which says what it costs)."""
        try:
            size = path.stat().st_size
        except OSError:
            return
        if size > (QUICK_CHECK_MAX_BYTES if limit is None else limit):
            return
        with self.engine.connect() as conn:
            found = [row[0] for row in conn.exec_driver_sql("PRAGMA quick_check(3)")]
        if found != ["ok"]:
            said = "; ".join(" ".join(item.split()) for item in found)  # one line: some span two
            raise LibraryDamaged(
                f"{path}: the library is damaged ({said}); nothing was changed. "
                "It is a cache of the review folder: move it away (e.g. mv "
                "library/library.sqlite library/damaged.sqlite) and mnr will rebuild it "
                "from the review folder")

    def close(self) -> None:
        self.engine.dispose()

    @property
    def works(self) -> WorkStore:
        """Works and deduplication: the queries of ``mnr dedupe``."""
        return WorkStore(self)

    @property
    def screening(self) -> ScreeningStore:
        """The screening log and full texts: the queries of ``mnr screen`` and friends."""
        return ScreeningStore(self)

    @property
    def synthesis(self) -> SynthesisStore:
        """Appraisals, extractions, tags, traditions, themes and memos."""
        return SynthesisStore(self)

    @property
    def studies(self) -> StudyStore:
        """Reports linked to studies; the rounds of an updated review."""
        return StudyStore(self)

    @property
    def acts(self) -> ActStore:
        """The judgement lines applied and the judgement files read."""
        return ActStore(self)

    @property
    def references(self) -> ReferenceStore:
        """Reference lists imported for records whose exports had none."""
        return ReferenceStore(self)

    # -- searches ---------------------------------------------------------------------

    def searches(self, include_withdrawn: bool = True) -> list[Search]:
        query = select(schema.searches).order_by(schema.searches.c.search_id)
        if not include_withdrawn:
            query = query.where(schema.searches.c.withdrawn_at.is_(None))
        with self.engine.connect() as conn:
            return [_search(row) for row in conn.execute(query)]

    def search(self, search_id: int) -> Search | None:
        query = select(schema.searches).where(schema.searches.c.search_id == search_id)
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        return _search(row) if row else None

    def search_by_sha256(self, sha256: str) -> Search | None:
        query = select(schema.searches).where(schema.searches.c.file_sha256 == sha256)
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        return _search(row) if row else None

    @contextmanager
    def importing(self, new: NewSearch, keep_fields: bool = False) -> Iterator[RecordSink]:
        """One transaction for a whole import: commit on success, roll back on any exception
        (KeyboardInterrupt included), so the library is never left half-imported. On a
        server, an import needs the library to itself: another user's import or pass
        makes it refuse at once, saying whose.

        ``keep_fields`` stores each record's field map beside its raw text, for
        formats whose raw records cannot be read without the file's header."""
        with self.writing(holding=f"an import of {new.file_name}") as conn:
            values = {key: getattr(new, key) for key in NewSearch.__slots__}  # type: ignore[attr-defined]
            try:
                inserted = conn.execute(
                    schema.searches.insert().values(**values, record_count=0, imported_at=_now())
                ).inserted_primary_key
            except IntegrityError:  # the same file, imported by someone else a moment ago
                raise ImportRefused(f"{new.file_name}: this file was already imported; "
                                    "nothing was changed") from None
            assert inserted is not None
            search_id = int(inserted[0])
            sink = RecordSink(conn, search_id, keep_fields)
            try:
                yield sink
            finally:
                sink.close()  # before commit or rollback touch the connection
            conn.execute(
                update(schema.searches)
                .where(schema.searches.c.search_id == search_id)
                .values(record_count=sink.count)
            )
        dialect.refresh_statistics(self.engine, ("searches", "records", "record_sources"))

    def withdraw_search(self, search_id: int, reason: str,
                        before_commit: Callable[[], object] | None = None,
                        at: str | None = None) -> Search:
        """Mark a search as imported by mistake; its records stay stored but stop counting.

        ``before_commit`` runs last inside the transaction, holding the write lock (the
        search log is written there): if it fails, nothing is withdrawn. A search already
        withdrawn keeps its first withdrawal (and ``before_commit`` is not run). ``at``:
        when it was withdrawn, for a withdrawal replayed from the search log."""
        with self.writing() as conn:
            changed = conn.execute(
                update(schema.searches)
                .where(schema.searches.c.search_id == search_id,
                       schema.searches.c.withdrawn_at.is_(None))
                .values(withdrawn_at=at or _now(), withdrawn_reason=reason)
            ).rowcount
            if changed and before_commit is not None:
                before_commit()
        found = self.search(search_id)
        assert found is not None
        return found

    EDITABLE = ("database", "platform", "search_date", "query", "limits", "notes")

    def edit_search(self, search_id: int, values: dict[str, str],
                    before_commit: Callable[[], object] | None = None) -> Search:
        """Correct what the librarian said of a search (``values``: some of ``EDITABLE``).
        ``before_commit`` runs last inside the transaction, holding the write lock (the
        search log is written there): if it fails, nothing is changed."""
        unknown = set(values) - set(self.EDITABLE)
        if unknown:
            raise ValueError(f"not editable: {', '.join(sorted(unknown))}")
        with self.writing() as conn:
            conn.execute(update(schema.searches)
                         .where(schema.searches.c.search_id == search_id).values(**values))
            if before_commit is not None:
                before_commit()
        found = self.search(search_id)
        assert found is not None
        return found

    def reinstate_search(self, search_id: int, reason: str) -> bool:
        """Take back a withdrawal made for ``reason`` (mnr's own, when the search log did
        not list the search for a while); True if it did. A withdrawal a person asked
        for is never taken back here."""
        with self.writing() as conn:
            changed = conn.execute(
                update(schema.searches)
                .where(schema.searches.c.search_id == search_id,
                       schema.searches.c.withdrawn_reason == reason)
                .values(withdrawn_at=None, withdrawn_reason=None)
            ).rowcount
        return bool(changed)

    # -- counts -----------------------------------------------------------------------

    def logged_stages(self) -> list[str]:
        """The stages the screening log has entries for. Cheap on a long log: the stages
        are found through their index one at a time (a lookup each), not by a scan."""
        log = schema.screening_log
        found: list[str] = []
        with self.engine.connect() as conn:
            while (stage := conn.execute(
                    select(func.min(log.c.stage)).where(log.c.stage > found[-1])
                    if found else select(func.min(log.c.stage))).scalar()) is not None:
                found.append(stage)
        return found

    def stage_entries(self, stage: str) -> int:
        """How many entries the screening log has at ``stage``."""
        log = schema.screening_log
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(log)
                                    .where(log.c.stage == stage)).scalar() or 0)

    # -- acts made before there were judgement logs -----------------------------------

    def adopt(self) -> int:
        """Write judgement lines for the acts this library holds that no line stands for
        (it was made before there were judgement logs), in the order they were made, so
        that the review folder holds everything. Returns how many lines were written."""
        journal = self.journal
        if journal is None:
            return 0
        with self.writing() as conn:
            missing = unjournalled(conn)
            if not missing:
                return 0
            items = _adoptable(conn, missing)
            items.sort(key=lambda item: (item[0], item[1]))
            stamp = new_ids(1)[0].split("-", 1)[0]
            j = schema.journal
            by_row: dict[tuple[str, int], str] = {
                (table, row_id): line_id for line_id, table, row_id in conn.execute(
                    select(j.c.line_id, j.c.row_table, j.c.row_id))}

            def line_of(table: str, row_id: int | None) -> str | None:
                return None if row_id is None else by_row.get((table, row_id))

            lines: list[Line] = []
            notes: list[dict[str, Any]] = []
            batch, index = -1, 0
            previous: Any = None
            for _, _, kind, row_id, row, together in items:
                table = UNDONE_PASSES if row.get("undo") else kind
                if together is None or together != previous:
                    batch, index = batch + 1, 0
                else:
                    index += 1
                previous = together
                line_id = new_ids(index + 1, stamp, f"{batch:06x}")[index]
                line = {"id": line_id, **_adopted_line(conn, kind, row, line_of)}
                by_row.setdefault((table, row_id), line_id)
                lines.append(line)
                notes.append({"line_id": line_id, "source": file_name(line.get("by")),
                              "row_table": table, "row_id": row_id})
            resolve_refs(conn, lines)
            journal.append(lines)
            conn.execute(schema.journal.insert(), notes)
        return len(lines)

    def status(self) -> Status:
        """Searches and records per database; withdrawn searches are left out of the counts."""
        records = schema.records
        with self.engine.connect() as conn:
            per_search: dict[int, int] = dict(conn.execute(
                select(records.c.search_id, func.count()).group_by(records.c.search_id)
            ).all())
            untitled: dict[int, int] = dict(conn.execute(
                select(records.c.search_id, func.count())
                .where(records.c.title.is_(None))
                .group_by(records.c.search_id)
            ).all())
        all_searches = self.searches()
        active = [s for s in all_searches if not s.withdrawn]
        by_database: dict[str, list[int]] = {}
        for search in active:
            counts = by_database.setdefault(search.database, [0, 0, 0])
            counts[0] += 1
            counts[1] += per_search.get(search.search_id, 0)
            counts[2] += untitled.get(search.search_id, 0)
        return Status(
            searches=len(active),
            withdrawn_searches=len(all_searches) - len(active),
            records=sum(c[1] for c in by_database.values()),
            untitled=sum(c[2] for c in by_database.values()),
            by_database=[DatabaseCount(db, *counts) for db, counts in by_database.items()],
        )

    # -- records ----------------------------------------------------------------------

    def _export_text(self, search_id: int) -> str:
        """The decoded text of a search's kept export, which its records' text is cut from."""
        search = self.search(search_id)
        if self.export_text is None or search is None:
            raise LibraryUnavailable(
                f"the records of search {search_id} are read from its export in searches/, "
                "and this library was opened without the review folder")
        return self.export_text(search)

    def records(self, include_withdrawn: bool = False, with_source: bool = False,
                search_id: int | None = None,
                record_ids: Sequence[int] | None = None) -> Iterator[StoredRecord]:
        """Records in import order, with their search's database and current work."""
        r, s, rw = schema.records, schema.searches, schema.record_works
        columns = [*r.c, s.c.database, rw.c.work_id]
        joined = r.join(s, r.c.search_id == s.c.search_id).outerjoin(
            rw, rw.c.record_id == r.c.record_id)
        sources = schema.record_sources
        if with_source:
            columns += [sources.c.raw, sources.c.fields, sources.c.raw_start, sources.c.raw_end]
            joined = joined.join(sources, sources.c.record_id == r.c.record_id)
        query = select(*columns).select_from(joined).order_by(r.c.record_id)
        if not include_withdrawn:
            query = query.where(s.c.withdrawn_at.is_(None))
        if search_id is not None:
            query = query.where(r.c.search_id == search_id)
        if record_ids is not None:
            query = query.where(r.c.record_id.in_(list(record_ids)))
        texts: dict[int, str] = {}  # the kept exports read so far, by search
        with self.engine.connect() as conn:
            for row in conn.execute(query):
                m = row._mapping
                raw = m["raw"] if with_source else None
                if with_source and m["raw_start"] is not None:
                    text = texts.get(m["search_id"])
                    if text is None:
                        text = texts[m["search_id"]] = self._export_text(m["search_id"])
                    raw = text[m["raw_start"]:m["raw_end"]]
                yield StoredRecord(
                    record_id=m["record_id"], search_id=m["search_id"], database=m["database"],
                    position=m["position"], locator=m["locator"], source_id=m["source_id"],
                    source_database=m["source_database"], title=m["title"],
                    authors=json.loads(m["authors"]), year=m["year"], journal=m["journal"],
                    volume=m["volume"], issue=m["issue"], pages=m["pages"], doi=m["doi"],
                    pmid=m["pmid"], issn=m["issn"], isbn=m["isbn"], abstract=m["abstract"],
                    keywords=json.loads(m["keywords"]), language=m["language"],
                    pub_type=m["pub_type"], url=m["url"], cited_refs=json.loads(m["cited_refs"]),
                    work_id=m["work_id"],
                    raw=raw,
                    fields=json.loads(m["fields"]) if with_source and m["fields"] else {},
                )


Adoptable = tuple[str, int, str, int, Any, Any]  # time, order, table, row id, row, batch


def _adoptable(conn: Connection, missing: dict[str, list[int]]) -> list[Adoptable]:
    """Each unjournalled row as (time, row id, table, row id, the row, what it was saved
    with); a pass that was undone comes twice, the second time as its undoing."""
    items: list[Adoptable] = []
    for table, ids in missing.items():
        undos = table == UNDONE_PASSES
        t = schema.dedupe_runs if undos else schema.metadata.tables[table]
        key = t.c[JUDGEMENT_KEYS.get(table, "run_id")]
        for found in conn.execute(select(t).where(key.in_(ids))):
            row = dict(found._mapping)
            row_id = row[key.name]
            if undos:
                items.append((row["undone_at"], row_id, "dedupe_runs", row_id,
                              {**row, "undo": True}, None))
                continue
            at = next(row[c] for c in ("decided_at", "started_at", "attached_at", "saved_at",
                                       "tagged_at", "written_at", "stopped_at", "linked_at",
                                       "removed_at")
                      if c in row)
            together = ((at, row["reviewer"], row["note"]) if table == "dedupe_decisions"
                        else (at, row["tagged_by"]) if table == "work_tags" else None)
            items.append((at, row_id, table, row_id, row, together))
    return items


def _adopted_line(conn: Connection, table: str, row: dict[str, Any],
                  line_of: Callable[[str, int | None], str | None]) -> Line:
    """An unjournalled row as a judgement line (``line_of``: the line of an earlier row)."""
    if table == "screening_log":
        return screening_line(row, line_of(table, row["undoes"]))
    if table == "dedupe_decisions":
        return decision_line(row, line_of(table, row["undoes"]))
    if table == "dedupe_runs":
        made = pass_lines(row, line_of("dedupe_runs", row["run_id"]))
        return made[1] if row.get("undo") else made[0]
    if table == "fulltexts":
        return fulltext_line(row)
    if table == "screening_stops":
        return stop_line(row)
    if table == "removals":
        return removal_line(row)
    if table == "study_links":
        return study_link_line(row)
    if table == "themes":
        t = schema.themes
        first = conn.execute(select(func.min(t.c.row_id)).where(
            t.c.theme_key == row["theme_key"])).scalar()
        return theme_line(row, None if first == row["row_id"] else line_of(table, first))
    return LINES[table](row)
