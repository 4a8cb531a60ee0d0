"""Queries for what follows screening: appraisals, extractions, tags, traditions, themes, memos.

Every table is a log: saving appends a row, and the latest row counts, so an
appraisal or a tradition's wording can be traced through its drafts.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, insert, select

from mnr.journal import Line
from mnr.library import dialect, schema
from mnr.library.acts import JUDGEMENT_KEYS, WorkRef, note_acts
from mnr.library.models import (
    Appraisal,
    ConceptLink,
    ConsensusAnswer,
    Extraction,
    Memo,
    TagEntry,
    Theme,
)
from mnr.library.screening import now

if TYPE_CHECKING:
    from mnr.library.store import Library


def appraisal_line(row: dict[str, Any]) -> Line:
    line: Line = {"at": row["saved_at"], "by": row["reviewer"], "act": "appraisal",
                  "on": WorkRef(row["work_id"]), "checklist": row["checklist"],
                  "answers": json.loads(row["answers"]), "commentary": row["commentary"]}
    if row.get("edition") is not None or row.get("year") is not None:
        line["edition"], line["year"] = row.get("edition"), row.get("year")
    return line


def consensus_line(row: dict[str, Any]) -> Line:
    return {"at": row["saved_at"], "by": row["recorded_by"], "act": "appraisal-consensus",
            "on": WorkRef(row["work_id"]), "checklist": row["checklist"],
            "edition": row["edition"], "year": row["year"], "question": row["question"],
            "answer": row["answer"], "comment": row["comment"]}


def extraction_line(row: dict[str, Any]) -> Line:
    return {"at": row["saved_at"], "by": row["reviewer"], "act": "extraction",
            "on": WorkRef(row["work_id"]), "fields": json.loads(row["fields"])}


def tag_line(row: dict[str, Any]) -> Line:
    return {"at": row["tagged_at"], "by": row["tagged_by"], "act": "tag",
            "on": WorkRef(row["work_id"]), "kind": row["kind"], "value": row["value"],
            "action": row["action"]}


def tradition_line(row: dict[str, Any]) -> Line:
    return {"at": row["saved_at"], "by": None, "act": "tradition", "name": row["name"],
            "fields": json.loads(row["fields"])}


def memo_line(row: dict[str, Any]) -> Line:
    about = row["about"]
    line: Line = {"at": row["written_at"], "by": row["author"], "act": "memo",
                  "subject": row["subject"], "about": WorkRef(int(about))
                  if row["subject"] == "work" and about and about.isdigit() else about,
                  "text": row["text"]}
    if row.get("memo_type"):  # a general memo's line stays as it always was
        line["type"] = row["memo_type"]
    return line


def concept_line(row: dict[str, Any]) -> Line:
    return {"at": row["saved_at"], "by": row["linked_by"], "act": "concept",
            "on": WorkRef(row["work_id"]), "tradition": row["tradition"],
            "concept": row["concept"], "kind": row["kind"], "action": row["action"]}


def theme_line(row: dict[str, Any], first: str | None) -> Line:
    """A theme's version; ``first``: the line of its first version (None for that one)."""
    line: Line = {"at": row["saved_at"], "by": row["saved_by"], "act": "theme",
                  "tradition": row["tradition"], "statement": row["statement"],
                  "polarity": row["polarity"],
                  "works": [WorkRef(w) for w in json.loads(row["works"])],
                  "retired": bool(row["retired"])}
    if row.get("topic"):
        line["topic"] = row["topic"]
    if first is not None:
        line["theme"] = first
    return line


LINES: dict[str, Callable[[dict[str, Any]], Line]] = {
    "appraisals": appraisal_line, "appraisal_consensus": consensus_line,
    "extractions": extraction_line, "work_tags": tag_line,
    "traditions": tradition_line, "memos": memo_line, "concept_links": concept_line,
}


class SynthesisStore:
    """Reached as ``library.synthesis``."""

    def __init__(self, library: Library) -> None:
        self._library = library
        self._engine = library.engine

    def _add(self, table: Any, rows: Sequence[dict[str, Any]]) -> list[int]:
        """Append rows, noting them as acts (written to the judgement logs)."""
        if not rows:
            return []
        key = table.c[JUDGEMENT_KEYS[table.name]]
        make = LINES[table.name]
        with self._library.writing(shared=True) as conn:
            ids = dialect.new_ids(conn, key, len(rows))
            conn.execute(insert(table), [{key.name: row_id, **row}
                                         for row_id, row in zip(ids, rows, strict=True)])
            note_acts(self._library, conn, table.name, ids, lambda: [make(r) for r in rows])
        return ids

    def _all(self, table: Any, order: Any) -> list[Any]:
        with self._engine.connect() as conn:
            return list(conn.execute(select(table).order_by(order)))

    # -- appraisals and extractions ---------------------------------------------------

    def save_appraisal(self, work_id: int, reviewer: str, checklist: str,
                       answers: dict[str, dict[str, str]], commentary: str | None,
                       at: str | None = None, edition: str | None = None,
                       year: int | None = None) -> None:
        self._add(schema.appraisals, [{
            "work_id": work_id, "reviewer": reviewer, "checklist": checklist,
            "answers": json.dumps(answers, ensure_ascii=False), "commentary": commentary,
            "saved_at": at or now(), "edition": edition, "year": year}])

    def appraisals(self) -> list[Appraisal]:
        a = schema.appraisals
        return [Appraisal(r.appraisal_id, r.work_id, r.reviewer, r.checklist,
                          json.loads(r.answers), r.commentary, r.saved_at, r.edition, r.year)
                for r in self._all(a, a.c.appraisal_id)]

    def save_consensus(self, work_id: int, checklist: str, edition: str | None,
                       year: int | None, answers: Sequence[tuple[str, str, str | None]],
                       recorded_by: str | None, at: str | None = None) -> None:
        """Consensus answers to questions of a work's appraisal: (number, answer, comment)
        each, saved together (one line each)."""
        stamp = at or now()
        self._add(schema.appraisal_consensus, [
            {"work_id": work_id, "checklist": checklist, "edition": edition, "year": year,
             "question": number, "answer": answer, "comment": comment,
             "recorded_by": recorded_by, "saved_at": stamp}
            for number, answer, comment in answers])

    def consensus(self) -> list[ConsensusAnswer]:
        c = schema.appraisal_consensus
        return [ConsensusAnswer(r.consensus_id, r.work_id, r.checklist, r.edition, r.year,
                                r.question, r.answer, r.comment, r.recorded_by, r.saved_at)
                for r in self._all(c, c.c.consensus_id)]

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
                   retired: bool = False, at: str | None = None,
                   topic: str | None = None) -> int:
        """Save a theme (a new one when ``theme_key`` is None); returns its key."""
        t, j = schema.themes, schema.journal
        stamp = at or now()
        with self._library.writing() as conn:
            first: Any = None  # the line of the theme's first version, if it has one
            if theme_key is None:
                theme_key = int(conn.execute(select(func.coalesce(func.max(t.c.theme_key), 0)))
                                .scalar_one()) + 1
            else:
                first = conn.execute(select(j.c.line_id).join(
                    t, (j.c.row_table == "themes") & (j.c.row_id == t.c.row_id))
                    .where(t.c.theme_key == theme_key).order_by(t.c.row_id).limit(1)).scalar()
            row = {"theme_key": theme_key, "tradition": tradition, "statement": statement,
                   "polarity": polarity, "works": json.dumps(list(works)),
                   "retired": int(retired), "saved_by": saved_by, "saved_at": stamp,
                   "topic": topic}
            row_id = conn.execute(insert(t).values(**row)).inserted_primary_key[0]  # type: ignore[index]
            note_acts(self._library, conn, "themes", [row_id], lambda: [theme_line(row, first)])
        return theme_key

    def theme_key(self, row_id: int) -> int | None:
        """The key of the theme a saved version (by its row) belongs to."""
        t = schema.themes
        with self._engine.connect() as conn:
            return conn.execute(select(t.c.theme_key).where(t.c.row_id == row_id)).scalar()

    def theme_drafts(self) -> list[Theme]:
        """Every saved version of every theme, in the order they were saved."""
        t = schema.themes
        return [Theme(r.theme_key, r.tradition, r.statement, r.polarity, json.loads(r.works),
                      bool(r.retired), r.saved_by, r.saved_at, r.topic)
                for r in self._all(t, t.c.row_id)]

    def themes(self) -> list[Theme]:
        """Each theme as last saved, retired ones included, in order of first saving."""
        return list({theme.theme_key: theme for theme in self.theme_drafts()}.values())

    def add_memo(self, subject: str, about: str | None, author: str | None, text: str,
                 at: str | None = None, memo_type: str | None = None) -> None:
        self._add(schema.memos, [{"subject": subject, "about": about, "author": author,
                                  "text": text, "written_at": at or now(),
                                  "memo_type": memo_type}])

    def memos(self) -> list[Memo]:
        m = schema.memos
        return [Memo(r.memo_id, r.subject, r.about, r.author, r.text, r.written_at,
                     r.memo_type) for r in self._all(m, m.c.memo_id)]

    def link_concepts(self, entries: Sequence[tuple[str, str, str, int, str]],
                      linked_by: str | None, at: str | None = None) -> None:
        """Link concepts or theories to works, or take links back: (tradition, concept,
        "concept" or "theory", work id, "add" or "remove") each."""
        stamp = at or now()
        self._add(schema.concept_links, [
            {"tradition": tradition, "concept": concept, "kind": kind, "work_id": work_id,
             "action": action, "linked_by": linked_by, "saved_at": stamp}
            for tradition, concept, kind, work_id, action in entries])

    def concept_links(self) -> list[ConceptLink]:
        c = schema.concept_links
        return [ConceptLink(r.link_id, r.tradition, r.concept, r.kind, r.work_id, r.action,
                            r.linked_by, r.saved_at) for r in self._all(c, c.c.link_id)]
