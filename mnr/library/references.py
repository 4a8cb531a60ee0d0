"""Queries for cited references that came as their own files (``mnr references import``)."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import insert, select

from mnr.library import schema
from mnr.library.screening import now

if TYPE_CHECKING:
    from mnr.library.store import Library


@dataclass(frozen=True, slots=True)
class ReferenceList:
    """One imported reference list: the record (and so the work) it belongs to."""

    list_id: int
    record_id: int
    file_name: str
    file_sha256: str
    refs: list[str]
    imported_at: str


class ReferenceStore:
    """Reached as ``library.references``."""

    def __init__(self, library: Library) -> None:
        self._library = library

    def add(self, record_id: int, file_name: str, sha256: str, refs: Sequence[str],
            before_commit: Callable[[], object] | None = None) -> None:
        """Add a reference list; ``before_commit`` (logging it in the search log) runs
        holding the write lock, and if it fails nothing is added."""
        with self._library.writing() as conn:
            conn.execute(insert(schema.reference_lists).values(
                record_id=record_id, file_name=file_name, file_sha256=sha256,
                refs=json.dumps(list(refs), ensure_ascii=False), imported_at=now()))
            if before_commit is not None:
                before_commit()

    def lists(self) -> list[ReferenceList]:
        t = schema.reference_lists
        with self._library.engine.connect() as conn:
            rows = conn.execute(select(t).order_by(t.c.list_id))
            return [ReferenceList(r.list_id, r.record_id, r.file_name, r.file_sha256,
                                  json.loads(r.refs), r.imported_at) for r in rows]
