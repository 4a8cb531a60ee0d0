"""Appraisals, extractions, tags, traditions, themes and memos as one JSON file.

``mnr synthesis export`` writes everything done after screening; ``import``
reads it back into another copy of the review (each act it saves is written to
the judgement logs like any other). Works are named by their lowest record id
("R12"), which does not depend on how works were numbered.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from mnr.errors import MnrError
from mnr.library import Library
from mnr.project import Settings
from mnr.synthesis.appraisal.checklists import Checklist, available, validate_answers
from mnr.synthesis.traditions import (
    CONCEPT_KINDS,
    GENERAL,
    KINDS,
    MEMO_TYPES,
    METHODS,
    POLARITIES,
    SUBJECTS,
)

if TYPE_CHECKING:
    from mnr.library.synthesis import SynthesisStore



def _record_of_work(library: Library) -> dict[int, str]:
    first: dict[int, int] = {}
    for record_id, work_id in library.works.memberships().items():
        first[work_id] = min(record_id, first.get(work_id, record_id))
    return {work: f"R{record}" for work, record in first.items()}


def export(library: Library, stream: TextIO, settings: Settings | None = None) -> int:
    """Write the file; returns how many entries (acts) it holds. With ``settings``, a
    ``views`` section follows for readers (import ignores it): per tradition its
    storyline, study count and concepts and theories with their works and years, the
    themes across traditions, and the memos by type."""
    names = _record_of_work(library)
    store = library.synthesis
    data: dict[str, list[dict[str, Any]]] = {
        "traditions": [{"name": name, **fields}
                       for name, fields in store.traditions().items()],
        "tags": [{"work": names[t.work_id], "kind": t.kind, "value": t.value,
                  "action": t.action, "by": t.tagged_by, "at": t.tagged_at}
                 for t in store.tags() if t.work_id in names],
        "appraisals": [{"work": names[a.work_id], "reviewer": a.reviewer,
                        "checklist": a.checklist, "answers": a.answers,
                        "commentary": a.commentary, "at": a.saved_at,
                        "edition": a.edition, "year": a.year}
                       for a in store.appraisals() if a.work_id in names],
        "appraisal_consensus": [{"work": names[c.work_id], "checklist": c.checklist,
                                 "edition": c.edition, "year": c.year,
                                 "question": c.question, "answer": c.answer,
                                 "comment": c.comment, "by": c.recorded_by, "at": c.saved_at}
                                for c in store.consensus() if c.work_id in names],
        "extractions": [{"work": names[e.work_id], "reviewer": e.reviewer,
                         "fields": e.fields, "at": e.saved_at}
                        for e in store.extractions() if e.work_id in names],
        "themes": [{"key": t.theme_key, "tradition": t.tradition, "statement": t.statement,
                    "polarity": t.polarity, "works": [names[w] for w in t.works if w in names],
                    "retired": t.retired, "by": t.saved_by, "at": t.saved_at,
                    **({"topic": t.topic} if t.topic else {})}
                   for t in store.theme_drafts()],  # every draft: the audit trail
        "memos": [{"subject": m.subject,
                   "about": names.get(int(m.about), m.about) if m.subject == "work" and m.about
                   else m.about, "author": m.author, "text": m.text, "at": m.written_at,
                   "type": m.memo_type or GENERAL}
                  for m in store.memos()],
        "concept_links": [{"work": names[c.work_id], "tradition": c.tradition,
                           "concept": c.concept, "kind": c.kind, "action": c.action,
                           "by": c.linked_by, "at": c.saved_at}
                          for c in store.concept_links() if c.work_id in names],
    }
    count = sum(len(v) for v in data.values())
    written: dict[str, Any] = dict(data)
    if settings is not None:
        written["views"] = _views(library, settings)
    json.dump(written, stream, ensure_ascii=False, indent=1)
    stream.write("\n")
    return count


def _views(library: Library, settings: Settings) -> dict[str, Any]:
    """What the acts add up to, for a reader of the file (derived, never imported)."""
    from mnr.synthesis.traditions_report import (
        memos_by_type,
        themes_matrix,
        tradition_summaries,
    )

    return {
        "traditions": [{k: v for k, v in summary.items()
                        if k in ("tradition", "description", "paradigm", "storyline",
                                 "studies", "works", "labels", "first_year", "last_year",
                                 "concepts", "theories")}
                       for summary in tradition_summaries(library, settings)],
        "themes_matrix": themes_matrix(library, settings),
        "memos_by_type": {kind: len(found) for kind, found in memos_by_type(library).items()},
    }


class _Reader:
    """Checks one section's entries, naming the file, section and entry at fault."""

    def __init__(self, path: Path, works: dict[int, int]) -> None:
        self.path, self.works = path, works

    def fail(self, where: str, problem: str) -> MnrError:
        return MnrError(f"{self.path}, {where}: {problem}; nothing was imported")

    def work(self, where: str, label: Any) -> int:
        text = str(label or "")
        if not (text.upper().startswith("R") and text[1:].isdigit()):
            raise self.fail(where, f"{label!r} is not a record id like R12")
        work = self.works.get(int(text[1:]))
        if work is None:
            raise self.fail(where, f"record {text} is not in this library (or not grouped "
                                   "into a work: run `mnr dedupe`)")
        return work

    def text(self, where: str, entry: dict[str, Any], key: str, allowed: Any = None) -> str:
        value = entry.get(key)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(where, f"`{key}` is missing")
        if allowed is not None and value not in allowed:
            raise self.fail(where, f"`{key}` is {value!r}, not one of {', '.join(allowed)}")
        return value


def import_file(library: Library, settings: Settings, path: Path) -> int:
    """Check the whole file, then store it; returns the entries imported."""
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise MnrError(f"{path}: not a readable synthesis file ({error})") from None
    if not isinstance(data, dict):
        raise MnrError(f"{path}: expected a JSON object with sections like \"tags\"")
    read = _Reader(path, library.works.memberships())
    checklists = available(settings.checklist_files)
    known = {t.name for t in settings.traditions}
    known |= {str(t.get("name")) for t in data.get("traditions", [])}
    store = library.synthesis
    jobs = [  # each section checked whole, in this order, before anything is stored
        *_tradition_jobs(read, store, data.get("traditions", [])),
        *_tag_jobs(read, store, data.get("tags", []), known),
        *_appraisal_jobs(read, store, data.get("appraisals", []), checklists),
        *_consensus_jobs(read, store, data.get("appraisal_consensus", []), checklists),
        *_extraction_jobs(read, store, data.get("extractions", []), settings.extraction_fields),
        *_theme_jobs(read, store, data.get("themes", []), known),
        *_memo_jobs(read, store, data.get("memos", []), known),
        *_concept_jobs(read, store, data.get("concept_links", []), known),
    ]
    for job in jobs:  # everything was checked: store
        job()
    return len(jobs)


# Each section's entries, checked, as the calls that will store them.
_Job = Callable[..., object]  # called with no arguments (its defaults bind the entry)


def _tradition_jobs(read: _Reader, store: SynthesisStore, entries: list[Any]) -> list[_Job]:
    """Traditions: a name and the fields that describe it."""
    jobs: list[_Job] = []
    for n, t in enumerate(entries, 1):
        name = read.text(f"traditions entry {n}", t, "name")
        fields = {k: v for k, v in t.items() if k != "name"}
        jobs.append(lambda name=name, fields=fields: store.save_tradition(name, fields))
    return jobs


def _tag_jobs(read: _Reader, store: SynthesisStore, entries: list[Any], known: set[str]
              ) -> list[_Job]:  # fmt: skip
    """Tags added to or removed from a work; a tradition or method tag names a known one."""
    jobs: list[_Job] = []
    for n, t in enumerate(entries, 1):
        where = f"tags entry {n}"
        work, kind = read.work(where, t.get("work")), read.text(where, t, "kind", KINDS)
        value = read.text(where, t, "value")
        if kind == "tradition" and value not in known:
            raise read.fail(where, f"there is no tradition {value!r}")
        if kind == "method" and value not in METHODS:
            raise read.fail(where, f"method {value!r} is not one of {', '.join(METHODS)}")
        action = read.text(where, t, "action", ("add", "remove"))
        jobs.append(lambda e=(work, kind, value, action), t=t: store.tag(
            [e], t.get("by"), t.get("at")))
    return jobs


def _appraisal_jobs(read: _Reader, store: SynthesisStore, entries: list[Any],
                    checklists: dict[str, Checklist]) -> list[_Job]:
    """Appraisals: a reviewer's answers to one of the review's checklists."""
    jobs: list[_Job] = []
    for n, a in enumerate(entries, 1):
        where = f"appraisals entry {n}"
        work = read.work(where, a.get("work"))
        reviewer, checklist = read.text(where, a, "reviewer"), read.text(where, a, "checklist")
        if not isinstance(a.get("answers"), dict):
            raise read.fail(where, "`answers` must map question numbers to answers")
        if checklist not in checklists:
            raise read.fail(where, f"there is no checklist {checklist!r}")
        edition, year = _edition(read, where, a)
        if (edition or "") == checklists[checklist].edition:  # another edition's: as made
            try:
                validate_answers(checklists[checklist], {
                    str(n): v.get("answer", "") for n, v in a["answers"].items()
                    if isinstance(v, dict) and v.get("answer")})
            except MnrError as error:
                raise read.fail(where, error.message) from None
        jobs.append(lambda w=work, r=reviewer, c=checklist, a=a, e=edition, y=year:
                    store.save_appraisal(w, r, c, a["answers"], a.get("commentary"),
                                         a.get("at"), edition=e, year=y))
    return jobs


def _edition(read: _Reader, where: str, entry: dict[str, Any]) -> tuple[str | None, int | None]:
    """The checklist edition and year an appraisal or consensus answer names (or None)."""
    edition, year = entry.get("edition"), entry.get("year")
    if edition is not None and not isinstance(edition, str):
        raise read.fail(where, "`edition` must be text")
    if year is not None and (isinstance(year, bool) or not isinstance(year, int)):
        raise read.fail(where, "`year` must be a number")
    return edition, year


def _consensus_jobs(read: _Reader, store: SynthesisStore, entries: list[Any],
                    checklists: dict[str, Checklist]) -> list[_Job]:
    """Consensus answers: what a work's appraisers agreed, one question each."""
    jobs: list[_Job] = []
    for n, c in enumerate(entries, 1):
        where = f"appraisal_consensus entry {n}"
        work = read.work(where, c.get("work"))
        checklist = read.text(where, c, "checklist")
        question, answer = read.text(where, c, "question"), read.text(where, c, "answer")
        if checklist not in checklists:
            raise read.fail(where, f"there is no checklist {checklist!r}")
        edition, year = _edition(read, where, c)
        if (edition or "") == checklists[checklist].edition:
            try:
                validate_answers(checklists[checklist], {question: answer})
            except MnrError as error:
                raise read.fail(where, error.message) from None
        jobs.append(lambda w=work, k=checklist, e=edition, y=year, c=c: store.save_consensus(
            w, k, e, y, [(c["question"], c["answer"], c.get("comment"))], c.get("by"),
            c.get("at")))
    return jobs


def _extraction_jobs(read: _Reader, store: SynthesisStore, entries: list[Any],
                     template: list[str]) -> list[_Job]:
    """Extractions: a reviewer's text for fields of the review's extraction template."""
    jobs: list[_Job] = []
    for n, e in enumerate(entries, 1):
        where = f"extractions entry {n}"
        work, reviewer = read.work(where, e.get("work")), read.text(where, e, "reviewer")
        fields = e.get("fields")
        if not isinstance(fields, dict):
            raise read.fail(where, "`fields` must map field names to text")
        unknown = set(fields) - set(template)
        if unknown:
            raise read.fail(where, f"{', '.join(sorted(unknown))} not in the extraction "
                                   "template (review.toml [extraction] fields)")
        jobs.append(lambda w=work, r=reviewer, f=fields, e=e: store.save_extraction(
            w, r, f, e.get("at")))
    return jobs


def _theme_jobs(read: _Reader, store: SynthesisStore, entries: list[Any], known: set[str]
                ) -> list[_Job]:  # fmt: skip
    """Theme drafts in order: the drafts of one theme share its key in the file, and each
    is saved as a new draft of the theme the first one created."""
    jobs: list[_Job] = []
    keys: dict[Any, int | None] = {}
    for n, t in enumerate(entries, 1):
        where = f"themes entry {n}"
        tradition = read.text(where, t, "tradition")
        if tradition not in known:
            raise read.fail(where, f"there is no tradition {tradition!r}")
        statement = read.text(where, t, "statement")
        polarity = read.text(where, t, "polarity", POLARITIES)
        works = [read.work(where, label) for label in t.get("works", [])]
        topic = t.get("topic")
        if topic is not None and not isinstance(topic, str):
            raise read.fail(where, "`topic` must be text")
        jobs.append(lambda t=t, tr=tradition, st=statement, po=polarity, wo=works, to=topic:
                    keys.__setitem__(t.get("key"), store.save_theme(
                        keys.get(t.get("key")), tr, st, po, wo, t.get("by"),
                        bool(t.get("retired")), t.get("at"), topic=to or None)))
    return jobs


def _memo_jobs(read: _Reader, store: SynthesisStore, entries: list[Any], known: set[str]
               ) -> list[_Job]:  # fmt: skip
    """Memos about the review, a work or a tradition."""
    jobs: list[_Job] = []
    for n, m in enumerate(entries, 1):
        where = f"memos entry {n}"
        subject, text = read.text(where, m, "subject", SUBJECTS), read.text(where, m, "text")
        about = m.get("about")
        if subject == "work":
            about = str(read.work(where, about))
        elif subject == "tradition" and about not in known:
            raise read.fail(where, f"there is no tradition {about!r}")
        kind = m.get("type") or GENERAL
        if kind not in (*MEMO_TYPES, GENERAL):
            raise read.fail(where, f"`type` is {kind!r}, not one of "
                                   f"{', '.join((*MEMO_TYPES, GENERAL))}")
        jobs.append(lambda s=subject, ab=about, m=m, tx=text, k=kind: store.add_memo(
            s, ab if s != "review" else None, m.get("author"), tx, m.get("at"),
            memo_type=None if k == GENERAL else k))
    return jobs


def _concept_jobs(read: _Reader, store: SynthesisStore, entries: list[Any],
                  known: set[str]) -> list[_Job]:
    """Links of a tradition's concepts and theories to works, made or taken back."""
    jobs: list[_Job] = []
    for n, c in enumerate(entries, 1):
        where = f"concept_links entry {n}"
        work = read.work(where, c.get("work"))
        tradition = read.text(where, c, "tradition")
        if tradition not in known:
            raise read.fail(where, f"there is no tradition {tradition!r}")
        concept = read.text(where, c, "concept")
        kind = read.text(where, c, "kind", CONCEPT_KINDS)
        action = read.text(where, c, "action", ("add", "remove"))
        jobs.append(lambda e=(tradition, concept, kind, work, action), c=c:
                    store.link_concepts([e], c.get("by"), c.get("at")))
    return jobs
