"""The library: open (and migrate) the database, store imports, answer queries.

This package is the only place that speaks SQL. Writes happen in explicit
transactions: an import lands whole or not at all, even on Ctrl-C.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, func, select, update
from sqlalchemy.exc import OperationalError

from mnr.errors import MnrError
from mnr.formats.base import ParsedRecord
from mnr.library import schema
from mnr.library.migrations import migrate
from mnr.library.models import DatabaseCount, NewSearch, Search, Status, StoredRecord

BUSY_TIMEOUT_MS = 30_000


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def _sqlite_engine(path: Path) -> Engine:
    engine = create_engine(f"sqlite:///{path}")

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")  # readers never wait for a writer
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")  # a second writer waits
        cursor.close()

    return engine


class RecordSink:
    """Receives the records of one import inside its transaction."""

    def __init__(self, conn: Connection, search_id: int) -> None:
        self._conn = conn
        self._search_id = search_id
        self.count = 0
        # The search row was written first, so this transaction holds the write lock
        # and the ids below cannot be taken by anyone else.
        self._next_id = int(conn.execute(select(func.max(schema.records.c.record_id))).scalar()
                            or 0) + 1

    def add(self, batch: Sequence[ParsedRecord]) -> None:
        record_rows, source_rows = [], []
        for parsed in batch:
            record_id = self._next_id
            self._next_id += 1
            self.count += 1
            record_rows.append({
                "record_id": record_id,
                "search_id": self._search_id,
                "position": self.count,
                "locator": parsed.locator,
                "source_id": parsed.source_id,
                "source_database": parsed.source_database,
                "title": parsed.title or None,
                "authors": _json(parsed.authors),
                "year": parsed.year,
                "journal": parsed.journal,
                "volume": parsed.volume,
                "issue": parsed.issue,
                "pages": parsed.pages,
                "doi": parsed.doi,
                "pmid": parsed.pmid,
                "issn": parsed.issn,
                "isbn": parsed.isbn,
                "abstract": parsed.abstract,
                "keywords": _json(parsed.keywords),
                "language": parsed.language,
                "pub_type": parsed.pub_type,
                "url": parsed.url,
                "cited_refs": _json(parsed.cited_refs),
                "cited_ref_count": len(parsed.cited_refs),
            })
            source_rows.append({"record_id": record_id, "raw": parsed.raw,
                                "fields": _json(parsed.fields)})
        if record_rows:
            self._conn.execute(schema.records.insert(), record_rows)
            self._conn.execute(schema.record_sources.insert(), source_rows)


def _search(row: Any) -> Search:
    return Search(**{key: row._mapping[key] for key in Search.__slots__})  # type: ignore[attr-defined]


class Library:
    """One review's library database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def open(cls, path: Path) -> Library:
        """Open (creating if needed) the library at ``path`` and apply pending migrations."""
        path.parent.mkdir(parents=True, exist_ok=True)
        library = cls(_sqlite_engine(path))
        try:
            with library.engine.begin() as conn:
                migrate(conn)
        except OperationalError as error:
            library.close()
            raise MnrError(f"{path}: the library could not be opened ({error.orig})") from None
        return library

    def close(self) -> None:
        self.engine.dispose()

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
    def importing(self, new: NewSearch) -> Iterator[RecordSink]:
        """One transaction for a whole import: commit on success, roll back on any exception
        (KeyboardInterrupt included), so the library is never left half-imported."""
        with self.engine.begin() as conn:
            values = {key: getattr(new, key) for key in NewSearch.__slots__}  # type: ignore[attr-defined]
            inserted = conn.execute(
                schema.searches.insert().values(**values, record_count=0, imported_at=_now())
            ).inserted_primary_key
            assert inserted is not None
            search_id = int(inserted[0])
            sink = RecordSink(conn, search_id)
            yield sink
            conn.execute(
                update(schema.searches)
                .where(schema.searches.c.search_id == search_id)
                .values(record_count=sink.count)
            )

    def withdraw_search(self, search_id: int, reason: str) -> Search:
        """Mark a search as imported by mistake; its records stay stored but stop counting."""
        with self.engine.begin() as conn:
            conn.execute(
                update(schema.searches)
                .where(schema.searches.c.search_id == search_id)
                .values(withdrawn_at=_now(), withdrawn_reason=reason)
            )
        found = self.search(search_id)
        assert found is not None
        return found

    # -- counts -----------------------------------------------------------------------

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

    def records(self, include_withdrawn: bool = False, with_source: bool = False,
                search_id: int | None = None) -> Iterator[StoredRecord]:
        """Records in import order, with their search's database."""
        r, s = schema.records, schema.searches
        columns = [*r.c, s.c.database]
        joined = r.join(s, r.c.search_id == s.c.search_id)
        if with_source:
            columns += [schema.record_sources.c.raw, schema.record_sources.c.fields]
            joined = joined.join(schema.record_sources,
                                 schema.record_sources.c.record_id == r.c.record_id)
        query = select(*columns).select_from(joined).order_by(r.c.record_id)
        if not include_withdrawn:
            query = query.where(s.c.withdrawn_at.is_(None))
        if search_id is not None:
            query = query.where(r.c.search_id == search_id)
        with self.engine.connect() as conn:
            for row in conn.execute(query):
                m = row._mapping
                yield StoredRecord(
                    record_id=m["record_id"], search_id=m["search_id"], database=m["database"],
                    position=m["position"], locator=m["locator"], source_id=m["source_id"],
                    source_database=m["source_database"], title=m["title"],
                    authors=json.loads(m["authors"]), year=m["year"], journal=m["journal"],
                    volume=m["volume"], issue=m["issue"], pages=m["pages"], doi=m["doi"],
                    pmid=m["pmid"], issn=m["issn"], isbn=m["isbn"], abstract=m["abstract"],
                    keywords=json.loads(m["keywords"]), language=m["language"],
                    pub_type=m["pub_type"], url=m["url"], cited_refs=json.loads(m["cited_refs"]),
                    raw=m["raw"] if with_source else None,
                    fields=json.loads(m["fields"]) if with_source else {},
                )
