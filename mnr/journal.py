"""The judgement logs: every human act on a review, one JSON line each, in the review folder.

``judgements/`` holds one file per person (``BH.jsonl``), so that two people
never append to the same file and git or a synced folder never has to merge
two writers' lines. Acts no one signed (an automatic deduplication pass, a
tradition saved in the TUI) go to ``team.jsonl``. A line is never changed or
removed: an undo is a line of its own naming the line it takes back.

Every line carries an ``id`` that sorts in the order lines were written
(``<UTC time>-<nonce>-<index>``; lines written together share the part before
the index), ``at`` (the act's own time, as the library stores it), ``by`` (who,
or null), ``act`` (what kind of act), and the act's own keys. Works are named by
one of their records, as ``<first 16 hex digits of the export's SHA-256>:<the
record's position in the export>``, which holds on every machine and after any
later deduplication pass. The library (``library/``) is built from these lines
and the search log, and remembers which lines it has applied, so that each line
is applied once, whatever order the files arrive in.
"""

from __future__ import annotations

import json
import os
import re
import secrets
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from mnr.errors import MnrError

JUDGEMENTS_DIR = "judgements"
SUFFIX = ".jsonl"
TEAM = "team"  # the file of acts no person signed
GITATTRIBUTES = """\
# Judgement logs only ever grow at the end: should two copies of one person's file
# meet in a merge, git keeps the lines of both (each is applied once, by its id).
*.jsonl merge=union
"""
_PERSON = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
_TAIL = 64  # bytes remembered from the end of what was read, to see a file rewritten

Line = dict[str, Any]


def file_name(person: str | None) -> str:
    """The log file a person's acts go to: their initials, or the team's file."""
    if person and _PERSON.fullmatch(person) and person.lower() != TEAM:
        return person + SUFFIX
    return TEAM + SUFFIX


def new_ids(count: int, stamp: str | None = None, nonce: str | None = None) -> list[str]:
    """Ids for lines written together: they sort after every id made before them (to the
    microsecond, on one clock) and in the order given."""
    stamp = stamp or datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    nonce = nonce or secrets.token_hex(3)
    return [f"{stamp}-{nonce}-{index:05d}" for index in range(count)]


def batch_of(line_id: str) -> str:
    """The part of an id that the lines written with it share."""
    return line_id.rsplit("-", 1)[0]


def stamp_of(time: str) -> str:
    """An ISO time (as the search log keeps it) as the time part of a line id, for
    putting searches and lines in one order."""
    try:
        moment = datetime.fromisoformat(time)
    except ValueError:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%S%fZ")


@dataclass(frozen=True, slots=True)
class Seen:
    """How much of a log file the library has read: its size then, and its last bytes."""

    size: int
    tail: str  # hex


@dataclass(frozen=True, slots=True)
class Chunk:
    """New lines of one file, and what to remember once they are applied."""

    name: str
    lines: list[Line]
    seen: Seen
    whole: bool  # read from the start: the file is not what was read before
    problems: list[str]  # lines skipped, in words


class Journal:
    """The judgement logs of one review folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path(self, name: str) -> Path:
        return self.folder / name

    def append(self, lines: Sequence[Line]) -> dict[str, tuple[Seen, Seen]]:
        """Append lines, each to the file of its ``by``, flushed to disk before returning.
        Returns, per file written, what it looked like before and after."""
        by_file: dict[str, list[Line]] = {}
        for line in lines:
            by_file.setdefault(file_name(line.get("by")), []).append(line)
        self.prepare()
        written: dict[str, tuple[Seen, Seen]] = {}
        for name, group in by_file.items():
            data = "".join(encode(line) + "\n" for line in group).encode("utf-8")
            path = self.path(name)
            try:
                descriptor = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
                try:
                    before = _seen(descriptor)
                    if before.size and not bytes.fromhex(before.tail).endswith(b"\n"):
                        data = b"\n" + data  # a line cut short by a crash stays on its own
                    written[name] = (before, before)
                    view = memoryview(data)
                    while view:
                        view = view[os.write(descriptor, view):]
                    os.fsync(descriptor)
                    written[name] = (before, _seen(descriptor))
                finally:
                    os.close(descriptor)
            except OSError as error:
                self._take_back(written)
                raise MnrError(f"{path}: could not be written ({error.strerror or error}); "
                               "nothing was saved") from None
        return written

    def _take_back(self, written: dict[str, tuple[Seen, Seen]]) -> None:
        """Cut the files this append wrote (to other people's files, before one failed)
        back to where they were: the act is saved in all of them or none."""
        for name, (before, _) in written.items():
            try:
                os.truncate(self.path(name), before.size)
            except OSError:
                pass  # what stays is applied at the next opening, as after a crash

    def prepare(self) -> None:
        """The folder, with the .gitattributes that lets git merge two copies of a file."""
        try:
            self.folder.mkdir(exist_ok=True)
            attributes = self.folder / ".gitattributes"
            if not attributes.exists():
                attributes.write_text(GITATTRIBUTES, encoding="utf-8")
        except OSError as error:
            raise MnrError(f"{self.folder}: could not be created ({error.strerror or error}); "
                           "nothing was saved") from None

    def files(self) -> dict[str, os.stat_result]:
        """The log files there are now, with their sizes."""
        try:
            entries = list(os.scandir(self.folder))
        except FileNotFoundError:
            return {}
        except OSError as error:
            raise MnrError(f"{self.folder}: could not be read ({error.strerror or error})"
                           ) from None
        return {entry.name: entry.stat() for entry in entries
                if entry.name.endswith(SUFFIX) and entry.is_file()}

    def read_new(self, seen: Mapping[str, Seen]) -> tuple[list[Chunk], list[str]]:
        """The lines not read yet: of each file, those after what ``seen`` says was read,
        or all of it if the file is no longer what was read (shorter, or its bytes there
        changed). Also the files read before that are gone."""
        chunks = []
        present = self.files()
        for name, stat in sorted(present.items()):
            before = seen.get(name)
            if before is not None and before.size == stat.st_size:
                continue
            chunks.append(self._read(name, before))
        return chunks, sorted(set(seen) - set(present))

    def _read(self, name: str, before: Seen | None) -> Chunk:
        path = self.path(name)
        try:
            with path.open("rb") as handle:
                offset = 0
                if before is not None and before.size <= os.fstat(handle.fileno()).st_size:
                    start = max(0, before.size - _TAIL)
                    handle.seek(start)
                    if handle.read(before.size - start).hex() == before.tail:
                        offset = before.size
                handle.seek(offset)
                data = handle.read()
        except OSError as error:
            raise MnrError(f"{path}: could not be read ({error.strerror or error})") from None
        end = data.rfind(b"\n") + 1  # a last line still being written waits for next time
        size = offset + end
        tail = (data[max(0, end - _TAIL):end] if end >= _TAIL or offset == 0
                else _last_bytes(path, size))
        problems: list[str] = []
        lines = list(parse(data[:end], path, offset, problems))
        return Chunk(name, lines, Seen(size, tail.hex()), whole=offset == 0, problems=problems)


def encode(line: Line) -> str:
    return json.dumps(line, ensure_ascii=False, separators=(",", ":"))


_REQUIRED = ("id", "at", "act")


def parse(data: bytes, path: Path, offset: int = 0, problems: list[str] | None = None
          ) -> Iterator[Line]:
    """The lines of a log file (``data`` read from byte ``offset``). A line that is not a
    judgement (one cut short by a crash, a merge's conflict marker) is skipped and said in
    ``problems``, naming its file and line: the lines around it still count."""
    for index, raw in enumerate(data.split(b"\n")):
        if not raw.strip():
            continue
        try:
            line = json.loads(raw)
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            problem = f"not a judgement line ({error})"
        else:
            if isinstance(line, dict) and all(isinstance(line.get(key), str)
                                              for key in _REQUIRED):
                yield line
                continue
            problem = "a judgement line needs id, at and act"
        if problems is not None:
            number = index + 1 + (_count_lines(path, offset) if offset else 0)
            problems.append(f"{path.parent.name}/{path.name}, line {number}: {problem}; "
                            "skipped (the lines around it were read)")


def _seen(descriptor: int) -> Seen:
    size = os.fstat(descriptor).st_size
    start = max(0, size - _TAIL)
    return Seen(size, os.pread(descriptor, size - start, start).hex())


def _last_bytes(path: Path, size: int) -> bytes:
    with path.open("rb") as handle:
        start = max(0, size - _TAIL)
        handle.seek(start)
        return handle.read(size - start)


def _count_lines(path: Path, size: int) -> int:
    with path.open("rb") as handle:
        return handle.read(size).count(b"\n")
