"""Appraisal checklists as data: the built-in CASP and MMAT summaries and a review's own files.

A checklist file is TOML: ``id``, ``name``, ``tool`` (the instrument's own title),
``edition`` and ``year`` (which version of it), ``source``, ``attribution``, ``designs``,
then ``[[section]]`` tables (``title``; ``pick = true`` for one of several alternative
sections, such as MMAT's categories, of which an appraiser answers those that fit the
study) holding ``[[section.question]]`` entries (``number``, ``label``, ``answers`` =
"yes_no_cant_tell" or "free_text", ``screening``, ``hint``). A question the tool splits
into parts (CASP cohort 5a and 5b) holds them as ``[[section.question.item]]`` entries of
the same shape: the question counts once, as the tool counts it, and its parts are answered.
The built-in labels are mnr's own short summaries; CASP's wording is CC BY-NC-SA, so a review
that wants it (or JBI...) names its own file in review.toml. There is no score: CASP and
MMAT advise against one, so ``tally`` only counts Yes / No / Can't tell.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from mnr.errors import ProjectError

ANSWERS = ("yes", "no", "cant_tell")
ANSWER_TYPES = ("yes_no_cant_tell", "free_text")
_SPELLINGS = {"yes": "yes", "y": "yes", "no": "no", "n": "no", "cant tell": "cant_tell",
              "can't tell": "cant_tell", "cannot tell": "cant_tell", "?": "cant_tell",
              "unclear": "cant_tell"}


@dataclass(frozen=True, slots=True)
class Question:
    """One question: number ("1", "4a"), short label, ``answers`` ("yes_no_cant_tell" or
    "free_text"; "" for a question answered through its parts), whether it is a screening
    question (is it worth continuing?), a hint and its section's title. ``items``: the
    parts it is answered in (4a, 4b, 4c), each a Question whose ``parent`` is this one's
    number."""

    number: str
    label: str
    answers: str
    screening: bool
    hint: str
    section: str
    parent: str = ""
    items: tuple[Question, ...] = ()

    @property
    def answerable(self) -> tuple[Question, ...]:
        """What is answered for this question: its parts, or itself."""
        return self.items or (self,)


@dataclass(frozen=True, slots=True)
class Checklist:
    """A checklist's questions in order (as the tool numbers and counts them); ``origin`` is
    "built-in" or the file it came from; ``pick``: the alternative sections."""

    id: str
    name: str
    source: str
    attribution: str
    designs: tuple[str, ...]
    questions: tuple[Question, ...]
    origin: str = ""
    tool: str = ""
    edition: str = ""
    year: int | None = None
    pick: tuple[str, ...] = ()

    @property
    def sections(self) -> tuple[str, ...]:
        """Section titles in order."""
        return tuple(dict.fromkeys(q.section for q in self.questions))

    @property
    def items(self) -> tuple[Question, ...]:
        """What is answered, in order: each question, or its parts."""
        return tuple(item for q in self.questions for item in q.answerable)

    @property
    def numbers(self) -> tuple[str, ...]:
        """The numbers answers are given under (a question's parts: "5a", "5b")."""
        return tuple(q.number for q in self.items)

    @property
    def screening(self) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if q.screening)

    @property
    def version(self) -> str:
        """The tool and its edition in words: "CASP Cohort Study Checklist, 2018"."""
        return ", ".join(part for part in (self.tool or self.name, self.edition) if part)

    def in_section(self, title: str) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if q.section == title)

    def question(self, number: str) -> Question:
        """The question or part numbered ``number``; ProjectError if there is none."""
        for question in self.questions:
            for found in (question, *question.items):
                if found.number == number:
                    return found
        raise ProjectError(f"checklist {self.id} has no question {number!r} "
                           f"(its questions: {', '.join(self.numbers)})")

    def to_answer(self, answered: Collection[str]) -> tuple[Question, ...]:
        """The yes / no / can't tell items an appraisal must answer to be complete, given
        the numbers it answered: every one outside the alternative sections, and those of
        the alternative sections it entered (if it entered none, the first of them: one must
        be chosen)."""
        entered = {q.section for q in self.items if q.number in answered}
        if self.pick and not entered & set(self.pick):
            entered.add(self.pick[0])
        return tuple(q for q in self.items if q.answers != "free_text"
                     and (q.section not in self.pick or q.section in entered))


def _parse(data: Mapping[str, Any], where: str, origin: str) -> Checklist:
    """A checklist from parsed TOML; ProjectError naming ``where`` and the problem."""

    def fail(problem: str) -> ProjectError:
        return ProjectError(f"{where}: {problem}")

    def text(table: Mapping[str, Any], key: str, at: str, default: str = "") -> str:
        value = table.get(key, default)
        if not isinstance(value, str):
            raise fail(f"{at}{key} must be text in quotes")
        return value.strip()

    ident = text(data, "id", "")
    if not ident:
        raise fail('no id (put id = "..." at the top)')
    designs = data.get("designs", [])
    if not isinstance(designs, list) or not all(isinstance(d, str) for d in designs):
        raise fail('designs must be a list of text, e.g. ["qualitative"]')
    year = data.get("year")
    if year is not None and (isinstance(year, bool) or not isinstance(year, int)):
        raise fail("year must be a number, e.g. year = 2018")
    edition = data.get("edition", "")
    if isinstance(edition, int) and not isinstance(edition, bool):
        edition = str(edition)
    if not isinstance(edition, str):
        raise fail('edition must be text, e.g. edition = "2018"')
    sections = data.get("section")
    if not isinstance(sections, list) or not sections:
        raise fail("no [[section]] tables with questions")
    seen: set[str] = set()

    def entry_of(entry: Any, at: str, title: str, parent: str) -> Question:
        if not isinstance(entry, dict):
            raise fail(f"{at}not a table")
        raw = entry.get("number")
        number = "" if isinstance(raw, bool) or not isinstance(raw, str | int) else str(raw)
        if not (number := number.strip()):
            raise fail(f"{at}no number")
        at = f"{at.split(', question')[0]}, question {number}: "
        if number in seen:
            raise fail(f"{at}duplicate question number {number}")
        seen.add(number)
        label = text(entry, "label", at)
        if not label:
            raise fail(f"{at}no label")
        screening = entry.get("screening", False)
        if not isinstance(screening, bool):
            raise fail(f"{at}screening must be true or false")
        parts = entry.get("item", [])
        if not isinstance(parts, list) or (parts and parent):
            raise fail(f"{at}item must be [[section.question.item]] tables, one level deep")
        items = tuple(entry_of(part, f"{at[:-2]}, part {p_index}: ", title, number)
                      for p_index, part in enumerate(parts, 1))
        answers = text(entry, "answers", at, "" if items else "yes_no_cant_tell")
        if items and answers:
            raise fail(f"{at}a question answered in parts has no answers of its own "
                       "(give each [[section.question.item]] its answers)")
        if not items and answers not in ANSWER_TYPES:
            raise fail(f"{at}unknown answers type {answers!r} "
                       f"(use {' or '.join(ANSWER_TYPES)})")
        return Question(number, label, answers, screening, text(entry, "hint", at), title,
                        parent, items)

    questions: list[Question] = []
    pick: list[str] = []
    for s_index, section in enumerate(sections, 1):
        if not isinstance(section, dict):
            raise fail(f"section {s_index} is not a table")
        title = text(section, "title", f"section {s_index}: ")
        if not isinstance(section.get("pick", False), bool):
            raise fail(f"section {s_index}: pick must be true or false")
        if section.get("pick", False):
            pick.append(title)
        entries = section.get("question")
        if not isinstance(entries, list) or not entries:
            raise fail(f"section {s_index} has no [[section.question]] entries")
        questions.extend(entry_of(entry, f"section {s_index}, question {q_index}: ", title, "")
                         for q_index, entry in enumerate(entries, 1))
    return Checklist(ident, text(data, "name", "") or ident, text(data, "source", ""),
                     text(data, "attribution", ""), tuple(d.strip() for d in designs),
                     tuple(questions), origin, text(data, "tool", ""), edition.strip(),
                     year, tuple(pick))


def load_file(path: Path) -> Checklist:
    """A review's own checklist file (same TOML format as the built-in ones)."""
    try:
        content = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ProjectError(f"{path}: checklist file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ProjectError(f"{path}: cannot read the checklist file ({exc})") from None
    try:
        data = tomllib.loads(content)
    except tomllib.TOMLDecodeError as exc:
        raise ProjectError(f"{path}: not valid TOML ({exc})") from None
    return _parse(data, str(path), str(path))


@cache
def _builtin() -> tuple[Checklist, ...]:
    folder = resources.files("mnr.synthesis.appraisal").joinpath("checklists")
    found = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            data = tomllib.loads(entry.read_text(encoding="utf-8"))
            found.append(_parse(data, f"built-in checklist {entry.name}", "built-in"))
    return tuple(found)


def builtin() -> dict[str, Checklist]:
    """The checklists shipped with mnr (CASP, in mnr's own words), by id."""
    return {checklist.id: checklist for checklist in _builtin()}


def available(extra_files: Sequence[Path] = ()) -> dict[str, Checklist]:
    """Built-in checklists plus a review's own files; a file's id replaces a built-in one."""
    known = builtin()
    read_from: dict[str, Path] = {}
    for path in extra_files:
        checklist = load_file(Path(path))
        if checklist.id in read_from:
            raise ProjectError(f"{path}: checklist id {checklist.id!r} is already used by "
                               f"{read_from[checklist.id]}")
        read_from[checklist.id] = Path(path)
        known[checklist.id] = checklist
    return known


def _words(text: str) -> str:
    """Lower case, punctuation as spaces, "randomized" as "randomised", "non-x" as "nonx"."""
    text = re.sub(r"[^a-z0-9]+", " ", text.lower().replace("randomiz", "randomis"))
    return " ".join(re.sub(r"\b(non|quasi) ", r"\1", text).split())


def suggest(design: str | None,
            checklists: Mapping[str, Checklist] | None = None) -> Checklist | None:
    """The checklist whose ``designs`` keywords fit a study design text, or None.

    The keyword found earliest in the text wins (the main design is usually named first:
    "systematic review of cohort studies"); at the same place, the longer keyword.
    """
    text = _words(design or "")
    if not text:
        return None
    best: tuple[int, int] | None = None
    chosen: Checklist | None = None
    for checklist in (builtin() if checklists is None else checklists).values():
        for keyword in checklist.designs:
            key = _words(keyword)
            found = re.search(rf"\b{re.escape(key)}s?\b", text) if key else None
            if found:
                rank = (found.start(), -len(key))
                if best is None or rank < best:
                    best, chosen = rank, checklist
    return chosen


def _spelling(value: str) -> str:
    return " ".join(value.strip().lower().replace("’", "'").replace("_", " ").split())


def normalise_answer(value: str) -> str:
    """"yes", "no" or "cant_tell" from y / n / ? / can't tell...; ProjectError otherwise."""
    answer = _SPELLINGS.get(_spelling(value))
    if answer is None:
        raise ProjectError(f"{value!r} is not an answer: use yes, no or cant_tell (y, n, ?)")
    return answer


def validate_answers(checklist: Checklist, answers: Mapping[str, str]) -> None:
    """ProjectError listing unknown question numbers and answers a question does not allow."""
    by_number = {q.number: q for q in checklist.items}
    problems = []
    for number, value in answers.items():
        question = by_number.get(str(number))
        if question is None:
            problems.append(f"no question {number!r} (it has {', '.join(by_number)})")
        elif question.answers != "free_text" and _spelling(str(value)) not in _SPELLINGS:
            problems.append(f"question {number}: {value!r} is not yes, no or cant_tell "
                            "(or y, n, ?)")
    if problems:
        raise ProjectError(f"checklist {checklist.id}: " + "; ".join(problems))


def tally(answers: Mapping[str, str], checklist: Checklist | None = None) -> dict[str, int]:
    """Counts of yes / no / cant_tell (never a score). Free-text answers are skipped: those of
    the checklist's free-text questions, and any value that is not a yes/no/can't tell."""
    free = {q.number for q in checklist.items if q.answers == "free_text"} \
        if checklist else set()
    counts = dict.fromkeys(ANSWERS, 0)
    for number, value in answers.items():
        answer = None if number in free else _SPELLINGS.get(_spelling(str(value)))
        if answer is not None:
            counts[answer] += 1
    return counts
