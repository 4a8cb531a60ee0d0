"""Two or more appraisers: where they disagree, the consensus they record, the final answers.

Appraisers work independently: each saves their own appraisal (the latest per person
counts). ``compare`` lists, per work and question, the yes / no / can't tell answers that
differ (or the checklists, if they used different ones). What they then agree is logged as
consensus answers of its own (one judgement line per question, like any other act); the
final appraisal of a work takes, question by question, the latest consensus answer, else
the answer every appraiser who answered gave, and leaves a question still in dispute open.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from mnr.errors import MnrError
from mnr.library import Library
from mnr.library.models import Appraisal, ConsensusAnswer
from mnr.project import Settings
from mnr.synthesis.appraisal.appraise import checklists, current
from mnr.synthesis.appraisal.checklists import (
    Checklist,
    normalise_answer,
    validate_answers,
)
from mnr.synthesis.studies import first_per_study, studies

CONSENSUS = "(consensus)"  # the "reviewer" of the final answers in exports
BASES = ("consensus", "agreed", "one appraiser", "disputed", "in words")


@dataclass(frozen=True, slots=True)
class Disagreement:
    """One question of one work that appraisers answered differently. ``question`` is
    "checklist" when they used different checklists (``answers`` then names them)."""

    work_id: int
    study: str
    checklist: str
    question: str
    label: str
    answers: dict[str, str]  # reviewer -> answer
    consensus: str | None  # the consensus answer recorded, if any

    def as_dict(self) -> dict[str, object]:
        return {"work": f"W{self.work_id}", "study": self.study, "checklist": self.checklist,
                "question": self.question, "label": self.label, "answers": self.answers,
                "consensus": self.consensus}


@dataclass(frozen=True, slots=True)
class Comparison:
    """Appraisals compared: works appraised by two or more people, questions that two or
    more of them answered, how many got the same answer, and the disagreements."""

    works: int
    questions: int
    agreed: int
    disagreements: list[Disagreement]

    @property
    def settled(self) -> int:
        return sum(1 for d in self.disagreements if d.consensus is not None)


@dataclass(frozen=True, slots=True)
class FinalAppraisal:
    """A work's appraisal as it stands: per question, the answer and what it rests on
    (``basis``: one of BASES); a disputed question has no answer."""

    work_id: int
    checklist: str
    edition: str | None
    year: int | None
    reviewers: tuple[str, ...]
    answers: dict[str, dict[str, str]]
    basis: dict[str, str]
    saved_at: str
    checklist_disputed: bool = False
    commentaries: dict[str, str] = field(default_factory=dict)

    @property
    def disputed(self) -> list[str]:
        return [n for n, b in self.basis.items() if b == "disputed"]


def _latest_consensus(library: Library) -> dict[int, dict[str, ConsensusAnswer]]:
    """work -> question -> its latest consensus answer (every checklist's)."""
    latest: dict[int, dict[str, ConsensusAnswer]] = {}
    for entry in library.synthesis.consensus():
        latest.setdefault(entry.work_id, {})[f"{entry.checklist}\t{entry.question}"] = entry
    return latest


def _closed(checklist: Checklist | None, number: str) -> bool:
    """A yes / no / can't tell question (of a checklist no longer known: assume so)."""
    if checklist is None:
        return True
    try:
        return checklist.question(number).answers != "free_text"
    except MnrError:
        return True


def _answer(value: str, closed: bool) -> str:
    value = value.strip()
    if closed and value:
        try:
            return normalise_answer(value)
        except MnrError:
            return value
    return value


def compare(library: Library, settings: Settings,
            works: Collection[int] | None = None) -> Comparison:
    """Compare the current appraisals of every work (or of ``works``) that two or more
    people appraised: yes / no / can't tell answers only (free text is not compared)."""
    known = checklists(settings)
    labels = {s.work_id: s.label for s in studies(library, settings, assessed=True)}
    agreed_on = _latest_consensus(library)
    compared = questions = agreed = 0
    found: list[Disagreement] = []
    for work_id, by_reviewer in sorted(current(library).items()):
        if (works is not None and work_id not in works) or len(by_reviewer) < 2:
            continue
        compared += 1
        settled = agreed_on.get(work_id, {})
        used = {r: a.checklist for r, a in sorted(by_reviewer.items())}
        if len(set(used.values())) > 1:
            chosen = max(settled.values(), key=lambda c: c.consensus_id).checklist \
                if settled else None
            found.append(Disagreement(work_id, labels.get(work_id, ""), "", "checklist",
                                      "Checklist used", used, chosen))
            continue
        checklist_id = next(iter(used.values()))
        checklist = known.get(checklist_id)
        numbers = list(checklist.numbers) if checklist else sorted(
            {n for a in by_reviewer.values() for n in a.answers})
        for number in numbers:
            if not _closed(checklist, number):
                continue
            given = {r: _answer(a.answers.get(number, {}).get("answer", ""), True)
                     for r, a in sorted(by_reviewer.items())}
            given = {r: v for r, v in given.items() if v}
            if len(given) < 2:
                continue
            questions += 1
            if len(set(given.values())) == 1:
                agreed += 1
                continue
            entry = settled.get(f"{checklist_id}\t{number}")
            label = checklist.question(number).label if checklist else ""
            found.append(Disagreement(work_id, labels.get(work_id, ""), checklist_id, number,
                                      label, given, entry.answer if entry else None))
    return Comparison(compared, questions, agreed, found)


def _final_of(work_id: int, by_reviewer: Mapping[str, Appraisal],
              settled: Mapping[str, ConsensusAnswer], known: Mapping[str, Checklist]
              ) -> FinalAppraisal:
    used = {a.checklist for a in by_reviewer.values()}
    latest = max(by_reviewer.values(), key=lambda a: (a.saved_at, a.appraisal_id)) \
        if by_reviewer else None
    if settled:
        checklist_id = max(settled.values(), key=lambda c: c.consensus_id).checklist
    elif len(used) == 1 or latest is None:
        checklist_id = next(iter(used)) if used else ""
    else:
        checklist_id = latest.checklist
    checklist = known.get(checklist_id)
    mine = {r: a for r, a in sorted(by_reviewer.items()) if a.checklist == checklist_id}
    agreed = {key.split("\t", 1)[1]: entry for key, entry in settled.items()
              if entry.checklist == checklist_id}
    numbers = list(checklist.numbers) if checklist else []
    for number in [*(n for a in mine.values() for n in a.answers), *agreed]:
        if number not in numbers:
            numbers.append(number)
    answers: dict[str, dict[str, str]] = {}
    basis: dict[str, str] = {}
    for number in numbers:
        closed = _closed(checklist, number)
        if number in agreed:
            entry = agreed[number]
            answers[number] = {"answer": entry.answer, "comment": entry.comment or ""}
            basis[number] = "consensus"
            continue
        given = {r: _answer(a.answers.get(number, {}).get("answer", ""), closed)
                 for r, a in mine.items()}
        given = {r: v for r, v in given.items() if v}
        comments = {r: c for r, a in mine.items()
                    if (c := a.answers.get(number, {}).get("comment", "").strip())}
        if not given and not comments:
            continue
        if not closed:  # each appraiser's words, named when they differ
            answers[number] = {"answer": next(iter(given.values()), "") if len(set(
                given.values())) <= 1 else "; ".join(f"{r}: {v}" for r, v in given.items()),
                "comment": ""}
            basis[number] = "in words"
            continue
        comment = "; ".join(f"{r}: {c}" for r, c in comments.items()) if len(mine) > 1 \
            else next(iter(comments.values()), "")
        if len(set(given.values())) > 1:
            answers[number] = {"answer": "", "comment": comment}
            basis[number] = "disputed"
        elif given:
            answers[number] = {"answer": next(iter(given.values())), "comment": comment}
            basis[number] = "agreed" if len(given) > 1 else "one appraiser"
    edition, year = None, None
    if agreed:
        newest = max(agreed.values(), key=lambda c: c.consensus_id)
        edition, year = newest.edition, newest.year
    elif mine:
        newest_mine = max(mine.values(), key=lambda a: (a.saved_at, a.appraisal_id))
        edition, year = newest_mine.edition, newest_mine.year
    times = [a.saved_at for a in by_reviewer.values()] + [c.saved_at for c in agreed.values()]
    return FinalAppraisal(work_id, checklist_id, edition, year, tuple(sorted(by_reviewer)),
                          answers, basis, max(times) if times else "",
                          checklist_disputed=len(used) > 1 and not agreed,
                          commentaries={r: a.commentary for r, a in mine.items()
                                        if a.commentary})


def final(library: Library, settings: Settings) -> dict[int, FinalAppraisal]:
    """Every appraised work's final appraisal: consensus answers where recorded, else
    what its appraisers agreed (or the one appraiser's answers)."""
    known = checklists(settings)
    agreed_on = _latest_consensus(library)
    appraised = current(library)
    return {work_id: _final_of(work_id, appraised.get(work_id, {}),
                               agreed_on.get(work_id, {}), known)
            for work_id in sorted(set(appraised) | set(agreed_on))}


def record(library: Library, settings: Settings, work_id: int,
           raw: Mapping[str, Mapping[str, str]], recorded_by: str,
           checklist_id: str | None = None) -> Checklist:
    """Log the answers two or more appraisers of a work agreed, per question
    (``raw``: number -> {"answer", "comment"}); returns the checklist they answer."""
    if not recorded_by.strip():
        raise MnrError("say who records the consensus (--reviewer)")
    by_reviewer = current(library).get(work_id, {})
    if len(by_reviewer) < 2:
        who = ", ".join(sorted(by_reviewer)) or "nobody"
        raise MnrError(f"W{work_id} is appraised by {who}: a consensus settles the answers "
                       "of two or more appraisers who appraised it independently")
    used = sorted({a.checklist for a in by_reviewer.values()})
    if checklist_id is None:
        if len(used) > 1:
            raise MnrError(f"the appraisers of W{work_id} used different checklists "
                           f"({', '.join(used)}): say which one they agreed on (--checklist)")
        checklist_id = used[0]
    if checklist_id not in used:
        raise MnrError(f"no appraiser of W{work_id} used the checklist {checklist_id!r} "
                       f"(they used {', '.join(used)})")
    known = checklists(settings)
    if checklist_id not in known:
        raise MnrError(f"the checklist {checklist_id!r} is no longer listed in review.toml")
    checklist = known[checklist_id]
    if not raw:
        raise MnrError("give at least one agreed answer, as N=ANSWER")
    entries: list[tuple[str, str, str | None]] = []
    for number, given in raw.items():
        answer = given.get("answer", "").strip()
        if not answer:
            raise MnrError(f"question {number}: give the answer agreed")
        if _closed(checklist, number):
            answer = normalise_answer(answer)
        entries.append((str(number), answer, given.get("comment", "").strip() or None))
    validate_answers(checklist, {n: a for n, a, _ in entries})
    library.synthesis.save_consensus(work_id, checklist.id, checklist.edition or None,
                                     checklist.year, entries, recorded_by.strip())
    return checklist


def summary(library: Library, settings: Settings) -> list[dict[str, Any]]:
    """Per appraised study (in the studies' order): the checklist and edition, who
    appraised it, counts of the final Yes / No / Can't tell answers, how many rest on a
    consensus, and the questions still in dispute. What reports and tables read."""
    from mnr.synthesis.appraisal.checklists import tally

    known = checklists(settings)
    listed = studies(library, settings, assessed=True)
    order = {s.work_id: (index, s.label) for index, s in enumerate(listed)}
    rows: list[dict[str, Any]] = []
    results = final(library, settings)
    # a study of several reports once, appraised through its lead report first
    reports = {w for s in listed for w in s.report_ids}
    results = {**{w: r for w, r in results.items() if w not in reports},
               **first_per_study(results, listed)}
    for work_id in sorted(results, key=lambda w: (order.get(w, (len(order), ""))[0], w)):
        result = results[work_id]
        checklist = known.get(result.checklist)
        counts = tally({n: a["answer"] for n, a in result.answers.items()}, checklist)
        version = checklist.version if checklist else result.checklist
        if checklist and (result.edition or "") != checklist.edition:
            version = (f"{checklist.tool or checklist.name}, {result.edition}"
                       if result.edition else f"{checklist.tool or checklist.name} (saved "
                       f"before mnr kept editions; now {checklist.edition})")
        rows.append({
            "work": f"W{work_id}", "study": order.get(work_id, (0, ""))[1],
            "checklist": result.checklist, "version": version, "edition": result.edition,
            "year": result.year, "appraisers": list(result.reviewers), "counts": counts,
            "consensus": sum(1 for b in result.basis.values() if b == "consensus"),
            "disputed": result.disputed, "checklist_disputed": result.checklist_disputed,
            "answers": {n: {**a, "basis": result.basis.get(n, "")}
                        for n, a in result.answers.items()}})
    return rows
