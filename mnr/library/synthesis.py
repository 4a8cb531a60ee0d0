"""Queries for what follows screening: appraisals, extractions, tags, traditions, themes, memos.

Every table is a log: saving appends a row, and the latest row counts, so an
appraisal or a tradition's wording can be traced through its drafts.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, insert, select

from mnr.library import schema
from mnr.library.models import Appraisal, Extraction, Memo, TagEntry, Theme
from mnr.library.screening import now

if TYPE_CHECKING:
    from mnr.library.store import Library


class SynthesisStore:
    """Reached as ``library.synthesis``."""

    def __init__(self, library: Library) -> None:
        self._library = library
        self._engine = library.engine

    def _add(self, table: Any, rows: Sequence[dict[str, Any]]) -> None:
        if rows:
            with self._library.writing() as conn:
                conn.execute(insert(table), list(rows))

    def _all(self, table: Any, order: Any) -> list[Any]:
        with self._engine.connect() as conn:
            return list(conn.execute(select(table).order_by(order)))

    # -- appraisals and extractions ---------------------------------------------------

    def save_appraisal(self, work_id: int, reviewer: str, checklist: str,
                       answers: dict[str, dict[str, str]], commentary: str | None,
                       at: str | None = None) -> None:
        self._add(schema.appraisals, [{
            "work_id": work_id, "reviewer": reviewer, "checklist": checklist,
            "answers": json.dumps(answers, ensure_ascii=False), "commentary": commentary,
            "saved_at": at or now()}])

    def appraisals(self) -> list[Appraisal]:
        a = schema.appraisals
        return [Appraisal(r.appraisal_id, r.work_id, r.reviewer, r.checklist,
                          json.loads(r.answers), r.commentary, r.saved_at)
                for r in self._all(a, a.c.appraisal_id)]

    def save_extraction(self, work_id: int, reviewer: str, fields: dict[str, str],
                        at: str | None = None) -> None:
        self._add(schema.extractions, [{
            "work_id": work_id, "reviewer": reviewer,
            "fields": json.dumps(fields, ensure_ascii=False), "saved_at": at or now()}])

    def extractions(self) -> list[Extraction]:
        e = schema.extractions
        return [Extraction(r.extraction_id, r.work_id, r.reviewer, json.loads(r.fields),
                           r.saved_at) for r in self._all(e, e.c.extraction_id)]

    # -- tags, traditions, themes, memos ----------------------------------------------

    def tag(self, entries: Sequence[tuple[int, str, str, str]], tagged_by: str | None,
            at: str | None = None) -> None:
        """Add or remove tags: (work id, kind, value, "add" or "remove") each."""
        stamp = at or now()
        self._add(schema.work_tags, [
            {"work_id": w, "kind": kind, "value": value, "action": action,
             "tagged_by": tagged_by, "tagged_at": stamp} for w, kind, value, action in entries])

    def tags(self) -> list[TagEntry]:
        t = schema.work_tags
        return [TagEntry(r.tag_id, r.work_id, r.kind, r.value, r.action, r.tagged_by,
                         r.tagged_at) for r in self._all(t, t.c.tag_id)]

    def save_tradition(self, name: str, fields: dict[str, Any], at: str | None = None) -> None:
        self._add(schema.traditions, [{"name": name, "fields": json.dumps(fields),
                                       "saved_at": at or now()}])

    def traditions(self) -> dict[str, dict[str, Any]]:
        """Traditions created in the TUI: name -> fields as last saved."""
        t = schema.traditions
        return {r.name: json.loads(r.fields) for r in self._all(t, t.c.tradition_id)}

    def save_theme(self, theme_key: int | None, tradition: str, statement: str,
                   polarity: str, works: Sequence[int], saved_by: str | None,
                   retired: bool = False, at: str | None = None) -> int:
        """Save a theme (a new one when ``theme_key`` is None); returns its key."""
        t = schema.themes
        with self._library.writing() as conn:
            if theme_key is None:
                theme_key = int(conn.execute(select(func.coalesce(func.max(t.c.theme_key), 0)))
                                .scalar_one()) + 1
            conn.execute(insert(t).values(
                theme_key=theme_key, tradition=tradition, statement=statement,
                polarity=polarity, works=json.dumps(list(works)), retired=int(retired),
                saved_by=saved_by, saved_at=at or now()))
        return theme_key

    def theme_drafts(self) -> list[Theme]:
        """Every saved version of every theme, in the order they were saved."""
        t = schema.themes
        return [Theme(r.theme_key, r.tradition, r.statement, r.polarity, json.loads(r.works),
                      bool(r.retired), r.saved_by, r.saved_at)
                for r in self._all(t, t.c.row_id)]

    def themes(self) -> list[Theme]:
        """Each theme as last saved, retired ones included, in order of first saving."""
        return list({theme.theme_key: theme for theme in self.theme_drafts()}.values())

    def add_memo(self, subject: str, about: str | None, author: str | None, text: str,
                 at: str | None = None) -> None:
        self._add(schema.memos, [{"subject": subject, "about": about, "author": author,
                                  "text": text, "written_at": at or now()}])

    def memos(self) -> list[Memo]:
        m = schema.memos
        return [Memo(r.memo_id, r.subject, r.about, r.author, r.text, r.written_at)
                for r in self._all(m, m.c.memo_id)]
