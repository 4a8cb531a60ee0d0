"""Building the library from the review folder, and keeping it up to date with it.

The folder holds the review: the search log and its exports (``searches/``)
and every human act in the judgement logs (``judgements/``, see mnr.journal).
The library is a cache of them. On every opening the lines it has not applied
(another reviewer's, brought by a ``git pull`` or a synced folder) are applied,
each once, in the order they were written. A full rebuild replays the search
log and the lines together, in the order they happened, so that the works get
the same numbers as in the library it replaces; it is also what happens when
lines arrive that must come before acts already applied (a pair decision, a
tag or a resolution made earlier than one of its kind applied here), or when
the folder lost lines the library had.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from mnr.errors import MnrError
from mnr.journal import Line, Seen, batch_of, stamp_of
from mnr.library import Library
from mnr.library.acts import AlreadyApplied
from mnr.library.models import LogEntry, NewEntry, Removal, Stop
from mnr.library.works import NewDecision

Sourced = tuple[str, Line]  # (the file it came from, the line)

# Acts whose consecutive lines are saved in one transaction when replayed (up to a
# number that keeps a rebuild's memory in bounds).
_TOGETHER = {"screen", "tag"}
_AT_MOST = 20_000


@dataclass(slots=True)
class Applied:
    """What applying lines did."""

    applied: int = 0
    waiting: list[Sourced] = field(default_factory=list)  # naming records not here yet
    problems: list[str] = field(default_factory=list)


class Replayer:
    """Applies judgement lines to a library, in the order given."""

    def __init__(self, library: Library, empty: bool = False) -> None:
        self.library = library
        self.result = Applied()
        # screening entries by identity, for finding lines that repeat one (``empty``: the
        # library held none when replaying began, so none need reading)
        self.entries: dict[Identity, list[int]] = {}
        self.read_works: set[int] | None = None if empty else set()
        # the records the lines being applied name: reference -> (record, its work now)
        self.records: dict[str, tuple[int, int | None]] = {}

    def apply(self, lines: Sequence[Sourced]) -> Applied:
        names = {name for _, line in lines for name in _names(line)}
        self.records = self.library.acts.records(names) if names else {}
        for group in _groups(lines):
            act = group[0][1]["act"]
            if act not in _HANDLERS:
                self.result.problems.append(
                    f"judgements/{group[0][0]}: line {group[0][1]['id']} is a {act!r}, which "
                    "this mnr does not know; upgrade mnr (the line is kept)")
                continue
            self._apply_group(group)
            if act in ("pair", "dedupe", "dedupe-undo"):  # works regrouped
                work_of = self.library.works.memberships()
                self.records = {name: (record_id, work_of.get(record_id))
                                for name, (record_id, _) in self.records.items()}
        return self.result

    def _apply_group(self, group: list[Sourced]) -> None:
        """Apply lines saved together; if one of them is not understood, the others still
        are (one at a time), and that one is reported."""
        ready: list[Sourced] = []
        for item in group:  # one pass: `item not in ready` was quadratic on a large group
            (ready if self._resolvable(item[1]) else self.result.waiting).append(item)
        if not ready:
            return
        try:
            _HANDLERS[ready[0][1]["act"]](self, ready)
        except AlreadyApplied:
            if len(ready) > 1:  # some of them: the others still are
                for item in ready:
                    self._apply_group([item])
            return
        except (KeyError, IndexError, TypeError, ValueError, AttributeError) as error:
            if len(ready) > 1:
                for item in ready:
                    self._apply_group([item])
                return
            source, line = ready[0]
            self.result.problems.append(
                f"judgements/{source}: line {line['id']} ({line['act']}) was not understood "
                f"({type(error).__name__}: {error}); skipped")
            return
        self.result.applied += len(ready)

    def _resolvable(self, line: Line) -> bool:
        return all(isinstance(name, str) and self.records.get(name, (0, None))[1] is not None
                   for name in _names(line))

    def work(self, name: Any) -> int:
        work_id = self.records[name][1]
        assert work_id is not None
        return work_id

    def record(self, name: str) -> int:
        return self.records[name][0]

    def rows(self, line_ids: Iterable[str | None]) -> dict[str, int]:
        return {line_id: row_id for line_id, (_, row_id)
                in self.library.acts.rows([i for i in line_ids if i]).items()}

    def save(self, group: Sequence[Sourced], save: Callable[..., object], *args: Any,
             **kwargs: Any) -> None:
        """Call ``save(*args, **kwargs)``, its acts noted as made by these lines."""
        with self.library.replaying([(line["id"], source, line) for source, line in group]):
            save(*args, **kwargs)


def _names(line: Line) -> list[str]:
    """The record references a line makes (what must be in the library to apply it)."""
    act = line["act"]
    if act == "theme":
        return [name for name in line.get("works", []) if isinstance(name, str)]
    if act == "memo":
        return [line["about"]] if line.get("subject") == "work" and line.get("about") else []
    if act == "study-link":  # the report, and the study's lead report (none to unlink)
        return [line["on"], *([line["study"]] if line.get("study") is not None else [])]
    on = line.get("on")
    if isinstance(on, list):
        return [name for name in on if isinstance(name, str)]
    return [on] if isinstance(on, str) else []


def _groups(lines: Sequence[Sourced]) -> Iterable[list[Sourced]]:
    """Lines saved together: one batch as written, or a run of screening decisions or tags
    (saved in one transaction, in order: the rows get the same ids as one at a time)."""
    group: list[Sourced] = []
    for item in lines:
        line = item[1]
        if group:
            last = group[-1][1]
            same = len(group) < _AT_MOST and line["act"] == last["act"] and (
                batch_of(line["id"]) == batch_of(last["id"]) or (
                    line["act"] in _TOGETHER and (line["act"] != "tag" or (
                        line.get("by"), line["at"]) == (last.get("by"), last["at"]))))
            if not same:
                yield group
                group = []
        group.append(item)
    if group:
        yield group


# -- one function per act -----------------------------------------------------------------

def _screen(replayer: Replayer, group: Sequence[Sourced]) -> None:
    group, copies = _without_copies(replayer, group)
    position = {line["id"]: index for index, (_, line) in enumerate(group)}
    earlier = replayer.rows(line.get("undoes") for _, line in group
                            if line.get("undoes") not in position)
    entries = []
    for _, line in group:
        undone = line.get("undoes")
        undoes = (-position[undone] - 1 if undone in position else earlier.get(undone)
                  if undone else None)
        if line["kind"] == "undo" and undoes is None:
            raise KeyError(f"undoes {undone!r}: no such line applied")
        entries.append(NewEntry(
            work_id=replayer.work(line["on"]), stage=line["stage"], reviewer=line.get("by") or "",
            kind=line["kind"], decision=line.get("decision"), reason=line.get("reason"),
            note=line.get("note"), undoes=undoes, decided_at=line["at"],
            origin=line.get("origin", "judgements")))
    stored: list[LogEntry] = []
    if entries:
        with replayer.library.replaying([(line["id"], source, line) for source, line in group]):
            stored = replayer.library.screening.append(entries)
    for entry in stored:
        if entry.kind != "undo":
            replayer.entries.setdefault(_identity(entry), []).append(entry.entry_id)
    replayer.library.acts.note_copies([
        (line["id"], source, "screening_log", stored[int(at)].entry_id if isinstance(at, str)
         else at) for source, line, at in copies])


Identity = tuple[object, ...]


def _identity(entry: LogEntry | NewEntry) -> Identity:
    """What makes two screening entries the same act (as `mnr decisions import` judges)."""
    return (entry.work_id, entry.stage, entry.reviewer, entry.kind, entry.decision,
            (entry.reason or "").strip() or None, (entry.note or "").strip() or None,
            entry.decided_at)


def _without_copies(replayer: Replayer, group: Sequence[Sourced]
                    ) -> tuple[list[Sourced], list[tuple[str, Line, int | str]]]:
    """The lines to apply, and the lines that repeat an entry the library has or one of
    the lines to apply (a colleague's decisions imported from their export, then their own
    lines pulled), each with that entry's id (or, as a string, the position of the line
    it repeats)."""
    works = {replayer.work(line["on"]) for _, line in group}
    if replayer.read_works is not None and works - replayer.read_works:
        for entry in replayer.library.screening.entries_of(works - replayer.read_works):
            if entry.kind != "undo":
                replayer.entries.setdefault(_identity(entry), []).append(entry.entry_id)
        replayer.read_works |= works
    keep: list[Sourced] = []
    copies: list[tuple[str, Line, int | str]] = []
    pending: dict[Identity, list[int]] = {}
    for source, line in group:
        if line["kind"] != "undo":
            identity = _identity(NewEntry(
                replayer.work(line["on"]), line["stage"], line.get("by") or "", line["kind"],
                line.get("decision"), line.get("reason"), line.get("note"),
                decided_at=line["at"]))
            if replayer.entries.get(identity):
                copies.append((source, line, replayer.entries[identity].pop(0)))
                continue
            if pending.get(identity):
                copies.append((source, line, str(pending[identity].pop(0))))
                continue
            pending.setdefault(identity, []).append(len(keep))
        keep.append((source, line))
    return keep, copies


# The deduplication pass is imported where a line needs it: it brings numpy and
# rapidfuzz, a third of a second at the start of every command (`mnr status` among them)
# that finds no such line to apply.

def _pair(replayer: Replayer, group: Sequence[Sourced]) -> None:
    from mnr.dedupe.passes import replay_decisions

    undone = replayer.rows(line.get("undoes") for _, line in group)
    decisions = [NewDecision(
        replayer.record(line["on"][0]), replayer.record(line["on"][1]), line["decision"],
        line.get("by") or "", line.get("note"), undone.get(line.get("undoes") or ""),
        at=line["at"]) for _, line in group]
    replayer.save(group, replay_decisions, replayer.library, decisions)


def _dedupe(replayer: Replayer, item: Sourced) -> None:
    from mnr.dedupe.passes import deduplicate

    replayer.save([item], deduplicate, replayer.library, at=item[1]["at"])


def _dedupe_undo(replayer: Replayer, item: Sourced) -> None:
    source, line = item
    run_id = replayer.rows([line.get("pass") or ""]).get(line.get("pass") or "")
    if run_id is None:
        replayer.result.problems.append(
            f"judgements/{source}: line {line['id']} undoes a deduplication pass this "
            "library never ran; skipped")
        return
    from mnr.dedupe.passes import undo_pass

    replayer.save([item], undo_pass, replayer.library, run_id)


def _fulltext(replayer: Replayer, item: Sourced) -> None:
    line = item[1]
    replayer.save([item], replayer.library.screening.attach_fulltext,
                  replayer.work(line["on"]), line["location"], line.get("by"), at=line["at"])


def _appraisal(replayer: Replayer, item: Sourced) -> None:
    line = item[1]
    replayer.save([item], replayer.library.synthesis.save_appraisal,
                  replayer.work(line["on"]), line.get("by") or "", line["checklist"],
                  line["answers"], line.get("commentary"), at=line["at"],
                  edition=line.get("edition"), year=line.get("year"))


def _consensus(replayer: Replayer, group: Sequence[Sourced]) -> None:
    """Consensus answers saved together: each run of lines on one work, with one checklist,
    by one person at one time, saved as it was."""
    def key(line: Line) -> tuple[Any, ...]:
        return (line["on"], line["checklist"], line.get("edition"), line.get("year"),
                line.get("by"), line["at"])

    start = 0
    while start < len(group):
        end = start + 1
        while end < len(group) and key(group[end][1]) == key(group[start][1]):
            end += 1
        run, first = group[start:end], group[start][1]
        replayer.save(run, replayer.library.synthesis.save_consensus,
                      replayer.work(first["on"]), first["checklist"], first.get("edition"),
                      first.get("year"), [(line["question"], line["answer"], line.get("comment"))
                                          for _, line in run], first.get("by"), at=first["at"])
        start = end


def _extraction(replayer: Replayer, item: Sourced) -> None:
    line = item[1]
    replayer.save([item], replayer.library.synthesis.save_extraction,
                  replayer.work(line["on"]), line.get("by") or "", line["fields"],
                  at=line["at"])


def _tag(replayer: Replayer, group: Sequence[Sourced]) -> None:
    first = group[0][1]
    entries = [(replayer.work(line["on"]), line["kind"], line["value"], line["action"])
               for _, line in group]
    replayer.save(group, replayer.library.synthesis.tag, entries, first.get("by"),
                  at=first["at"])


def _tradition(replayer: Replayer, item: Sourced) -> None:
    line = item[1]
    replayer.save([item], replayer.library.synthesis.save_tradition, line["name"],
                  line["fields"], at=line["at"])


def _theme(replayer: Replayer, item: Sourced) -> None:
    line = item[1]
    key = None
    if line.get("theme"):
        row_id = replayer.rows([line["theme"]]).get(line["theme"])
        key = replayer.library.synthesis.theme_key(row_id) if row_id else None
    replayer.save([item], replayer.library.synthesis.save_theme, key, line["tradition"],
                  line["statement"], line["polarity"],
                  [replayer.work(name) for name in line.get("works", [])], line.get("by"),
                  retired=bool(line.get("retired")), at=line["at"], topic=line.get("topic"))


def _memo(replayer: Replayer, item: Sourced) -> None:
    line = item[1]
    about = line.get("about")
    if line.get("subject") == "work" and about:
        about = str(replayer.work(about))
    replayer.save([item], replayer.library.synthesis.add_memo, line["subject"], about,
                  line.get("by"), line["text"], at=line["at"], memo_type=line.get("type"))


def _concept(replayer: Replayer, group: Sequence[Sourced]) -> None:
    """Links of concepts or theories to works, saved together (one batch: one person, one
    time)."""
    first = group[0][1]
    entries = [(line["tradition"], line["concept"], line["kind"], replayer.work(line["on"]),
                line["action"]) for _, line in group]
    replayer.save(group, replayer.library.synthesis.link_concepts, entries, first.get("by"),
                  at=first["at"])


def _study_link(replayer: Replayer, group: Sequence[Sourced]) -> None:
    """Reports linked to (or unlinked from) a study, saved together as written."""
    first = group[0][1]
    entries = [(replayer.work(line["on"]),
                replayer.work(line["study"]) if line.get("study") is not None else None)
               for _, line in group]
    for _, line in group:
        if line["action"] != ("link" if line.get("study") is not None else "unlink"):
            raise ValueError(f"a study link's action is {line['action']!r}")
    replayer.save(group, replayer.library.studies.link, entries, first.get("by"),
                  at=first["at"])


def _stop(replayer: Replayer, item: Sourced) -> None:
    line = item[1]
    replayer.save([item], replayer.library.screening.stop, Stop(
        line["stage"], line["rule"], float(line["recall"]), float(line["confidence"]),
        float(line["p"]), int(line["screened"]), int(line["total"]), int(line["found"]),
        line["model"], line.get("by") or "", line["at"], line.get("note")))


def _remove(replayer: Replayer, item: Sourced) -> None:
    line = item[1]
    replayer.save([item], replayer.library.screening.remove, Removal(
        replayer.work(line["on"]), line["action"], line.get("reason"), line.get("label"),
        line.get("by"), line["at"]))


def _each(handler: Callable[[Replayer, Sourced], None]
          ) -> Callable[[Replayer, Sequence[Sourced]], None]:
    def apply(replayer: Replayer, group: Sequence[Sourced]) -> None:
        for item in group:
            handler(replayer, item)
    return apply


_HANDLERS: dict[str, Callable[[Replayer, Sequence[Sourced]], None]] = {
    "screen": _screen, "pair": _pair, "tag": _tag, "dedupe": _each(_dedupe),
    "dedupe-undo": _each(_dedupe_undo), "fulltext": _each(_fulltext),
    "appraisal": _each(_appraisal), "appraisal-consensus": _consensus,
    "extraction": _each(_extraction),
    "tradition": _each(_tradition), "theme": _each(_theme), "memo": _each(_memo),
    "stop": _each(_stop), "concept": _concept, "study-link": _study_link,
    "remove": _each(_remove),
}


# -- bringing a library up to date ----------------------------------------------------

@dataclass(frozen=True, slots=True)
class CaughtUp:
    """What catching up with the judgement logs did, in words; ``rebuild``: the library
    holds acts the folder no longer has (a file removed or rewritten), so it must be
    rebuilt from the folder."""

    said: list[str]
    rebuild: str | None = None


def catch_up(library: Library) -> CaughtUp:
    """Apply the judgement lines the library has not applied yet (cheap when there are
    none: one look at the folder and one small query)."""
    journal = library.journal
    if journal is None:
        return CaughtUp([])
    seen = library.acts.seen()
    said: list[str] = []
    try:
        chunks, gone = journal.read_new(seen)
    except MnrError as error:
        return CaughtUp([f"the judgement logs were not read: {error.message}"])
    lost = [name for name in gone if library.acts.applied_from(name)]
    if lost:
        return CaughtUp(said, rebuild=f"judgements/{lost[0]} is gone")
    fresh: dict[str, Sourced] = {}  # by id: a line copied twice is applied once
    marks: dict[str, Seen] = {}
    for chunk in chunks:
        said.extend(chunk.problems)
        ids = {line["id"] for line in chunk.lines}
        if chunk.whole and chunk.name in seen:
            missing = library.acts.applied_from(chunk.name) - ids
            if missing:
                return CaughtUp(said, rebuild=f"judgements/{chunk.name} no longer has "
                                f"{len(missing):,} lines the library applied")
        known = library.acts.applied(ids)
        fresh.update((line["id"], (chunk.name, line)) for line in chunk.lines
                     if line["id"] not in known)
        marks[chunk.name] = chunk.seen
    if fresh:
        ordered = [fresh[line_id] for line_id in sorted(fresh)]
        late = _late(library, ordered)
        if late:
            return CaughtUp(said, rebuild=late)
        result = Replayer(library).apply(ordered)
        said.extend(result.problems)
        if result.applied:
            who = sorted({name.removesuffix(".jsonl") for name, _ in ordered})
            said.append(f"Applied {result.applied:,} new judgement lines from judgements/ "
                        f"({', '.join(who)})")
        if result.waiting:
            said.append(f"{len(result.waiting):,} judgement lines name records this library "
                        "does not have yet (an export not imported, or not deduplicated): "
                        "they are applied once it has them")
            for name in {name for name, _ in result.waiting}:
                marks.pop(name, None)  # read them again next time
    library.acts.mark_seen(marks, forget=gone)
    return CaughtUp(said)


# Acts whose effect depends on their order among others' acts (the latest wins, or works
# are regrouped), with the tables of the rows they make.
_STRUCTURE = ("dedupe_runs", "dedupe_undos", "dedupe_decisions")
_ORDERED = {"pair": _STRUCTURE, "dedupe": _STRUCTURE, "dedupe-undo": _STRUCTURE,
            "tag": ("work_tags",), "extraction": ("extractions",), "fulltext": ("fulltexts",),
            "appraisal-consensus": ("appraisal_consensus",),
            "theme": ("themes",), "tradition": ("traditions",), "memo": ("memos",),
            "remove": ("removals",),
            "concept": ("concept_links",), "study-link": ("study_links",)}


def _late(library: Library, lines: Sequence[Sourced]) -> str | None:
    """Why the library must be rebuilt to apply these new lines, if it must: one of them
    was made before a line already applied whose act it must follow (a merge decision
    and a later "keep apart", two people's tags on a work, a resolution). Screening
    decisions, notes and appraisals, which are each person's own, never are."""
    newest: dict[tuple[str, ...], str] = {}
    for source, line in lines:
        tables = _ORDERED.get(line["act"])
        resolution = line["act"] == "screen" and line.get("kind") == "resolution"
        if resolution:
            tables = ("resolutions",)
        if tables is None:
            continue
        if tables not in newest:
            newest[tables] = (library.acts.newest(["screening_log"], resolutions=True)
                              if resolution else library.acts.newest(tables))
        if line["id"] < newest[tables]:
            return (f"judgements/{source} brought a {line['act']} made before acts this "
                    "library had applied (lines arrive in any order)")
    return None


# -- building a library from the folder -------------------------------------------------

def rebuild(library: Library, steps: Sequence[tuple[str | None, Callable[[], object]]]
            ) -> Applied:
    """Build an empty library: the search log's steps (imports and withdrawals, each with
    the time it was logged if the log says, a step without one coming before every line)
    and every judgement line, in the order they happened."""
    journal = library.journal
    chunks = journal.read_new({})[0] if journal is not None else []
    unique = {line["id"]: (chunk.name, line) for chunk in reversed(chunks)
              for line in chunk.lines}  # a line copied twice is applied once
    lines = [unique[line_id] for line_id in sorted(unique)]
    ordered = sorted(enumerate(steps), key=lambda item: (
        stamp_of(item[1][0]) if item[1][0] else "", item[0]))
    replayer = Replayer(library, empty=True)
    replayer.result.problems.extend(problem for chunk in chunks for problem in chunk.problems)
    at = 0
    for _, (logged_at, step) in ordered:
        stamp = stamp_of(logged_at) if logged_at else ""
        until = at
        while until < len(lines) and stamp and lines[until][1]["id"] < stamp:
            until += 1
        replayer.apply(lines[at:until])
        at = until
        step()
    replayer.apply(lines[at:])
    # Lines that named records before their search came (one machine's clock behind
    # another's): tried again now that every search is in.
    waiting, replayer.result.waiting = replayer.result.waiting, []
    replayer.apply(waiting)
    unread = {name for name, _ in replayer.result.waiting}
    library.acts.mark_seen({chunk.name: chunk.seen for chunk in chunks
                            if chunk.name not in unread})
    return replayer.result
