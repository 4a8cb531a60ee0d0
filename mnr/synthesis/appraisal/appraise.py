"""Appraising included studies with a checklist: answers, comments and a commentary.

Each save is kept (per reviewer, the latest counts), like screening
decisions. The checklist is the reviewer's choice; mnr suggests the one the
work's tradition names (each study judged by its own tradition's standards),
else one that fits the extracted study design, else review.toml's default.
No score: CASP advises against one; counts of Yes / No / Can't tell are given.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TextIO

from mnr.errors import MnrError
from mnr.formats.writers import TableWriter
from mnr.library import Library
from mnr.library.models import Appraisal
from mnr.project import Settings
from mnr.synthesis.appraisal.checklists import (
    Checklist,
    available,
    normalise_answer,
    suggest,
    tally,
    validate_answers,
)
from mnr.synthesis.studies import studies


def checklists(settings: Settings) -> dict[str, Checklist]:
    """The built-in CASP checklists and the review's own (review.toml [appraisal])."""
    return available(settings.checklist_files)


def _answers(raw: Mapping[str, str | Mapping[str, str]]) -> dict[str, dict[str, str]]:
    """{number: "yes"} or {number: {"answer": ..., "comment": ...}} -> the stored form."""
    answers: dict[str, dict[str, str]] = {}
    for number, value in raw.items():
        if isinstance(value, str):
            answer, comment = value, ""
        else:
            answer, comment = value.get("answer", ""), value.get("comment", "")
        answers[str(number)] = {"answer": answer.strip(), "comment": comment.strip()}
    return answers


def save(library: Library, settings: Settings, work_id: int, reviewer: str, checklist_id: str,
         raw: Mapping[str, str | Mapping[str, str]], commentary: str | None = None) -> None:
    """Check the answers against the checklist, then store the appraisal."""
    known = checklists(settings)
    if checklist_id not in known:
        raise MnrError(f"there is no checklist {checklist_id!r}; known: "
                       f"{', '.join(sorted(known))}")
    if not reviewer.strip():
        raise MnrError("say who appraised it (--reviewer)")
    if work_id not in {w for s in studies(library, settings, assessed=True)
                       for w in s.report_ids}:
        raise MnrError(f"W{work_id} is not a study of this review (not at the last stage)")
    checklist = known[checklist_id]
    answers = _answers(raw)
    free = {q.number for q in checklist.items if q.answers == "free_text"}
    for number, given in answers.items():
        if number not in free and given["answer"]:
            given["answer"] = normalise_answer(given["answer"])
    validate_answers(checklist, {n: a["answer"] for n, a in answers.items() if a["answer"]})
    library.synthesis.save_appraisal(work_id, reviewer.strip(), checklist_id, answers,
                                     (commentary or "").strip() or None,
                                     edition=checklist.edition or None, year=checklist.year)


def current(library: Library) -> dict[int, dict[str, Appraisal]]:
    """work id -> reviewer -> their latest appraisal."""
    latest: dict[int, dict[str, Appraisal]] = {}
    for appraisal in library.synthesis.appraisals():
        latest.setdefault(appraisal.work_id, {})[appraisal.reviewer] = appraisal
    return latest


def suggested(library: Library, settings: Settings, work_id: int,
              tradition_checklists: Mapping[str, str | None],
              design: str | None) -> str | None:
    """The checklist to offer: the work's tradition's, else one fitting its design, else
    the review's default."""
    from mnr.synthesis.traditions import current_tags

    known = checklists(settings)
    for tradition in current_tags(library).get(work_id, {}).get("tradition", []):
        name = tradition_checklists.get(tradition)
        if name in known:
            return name
    fitting = suggest(design, known)
    if fitting is not None:
        return fitting.id
    return settings.default_checklist if settings.default_checklist in known else None


def export_csv(library: Library, settings: Settings, stream: TextIO) -> int:
    """One row per question answered (and one for the commentary), per reviewer and work,
    with the checklist edition each appraisal was made with; then, for works appraised by
    two or more people, the final answers (consensus where recorded, else what they agreed)
    under the reviewer "(consensus)". Returns the rows written."""
    from mnr.synthesis.appraisal.consensus import CONSENSUS, final

    known = checklists(settings)
    labels = {s.work_id: s.label for s in studies(library, settings, assessed=True)}
    writer = TableWriter(stream)
    writer.writerow(["study", "work", "reviewer", "checklist", "section", "question", "label",
                     "answer", "comment", "yes", "no", "cant_tell", "saved_at", "edition",
                     "basis"])
    rows = 0

    def write(work_id: int, reviewer: str, checklist_id: str, edition: str,
              answers: Mapping[str, Mapping[str, str]], commentary: str | None, at: str,
              basis: Mapping[str, str]) -> None:
        nonlocal rows
        checklist = known.get(checklist_id)
        counts = tally({n: a.get("answer", "") for n, a in answers.items()}, checklist)
        base = [labels.get(work_id, ""), f"W{work_id}", reviewer, checklist_id]
        ends = [counts.get("yes", 0), counts.get("no", 0), counts.get("cant_tell", 0), at,
                edition]
        items = list(checklist.items) if checklist else []
        numbers = {q.number for q in items}
        for question in items:
            given = answers.get(question.number, {})
            writer.writerow([*base, question.section, question.number, question.label,
                             given.get("answer", ""), given.get("comment", ""), *ends,
                             basis.get(question.number, "")])
            rows += 1
        for number, given in answers.items():  # answers to questions this edition lacks
            if number not in numbers:
                writer.writerow([*base, "", number, "(not in this edition of the checklist)",
                                 given.get("answer", ""), given.get("comment", ""), *ends,
                                 basis.get(number, "")])
                rows += 1
        if commentary:
            writer.writerow([*base, "", "commentary", "Commentary", "", commentary, *ends, ""])
            rows += 1

    for work_id, by_reviewer in current(library).items():
        for reviewer, appraisal in by_reviewer.items():
            write(work_id, reviewer, appraisal.checklist, appraisal.edition or "",
                  appraisal.answers, appraisal.commentary, appraisal.saved_at, {})
    for result in final(library, settings).values():
        if len(result.reviewers) > 1 or any(b == "consensus" for b in result.basis.values()):
            write(result.work_id, CONSENSUS, result.checklist, result.edition or "",
                  result.answers, None, result.saved_at, result.basis)
    return rows
