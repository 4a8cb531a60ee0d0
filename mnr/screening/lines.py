"""The screening list's lines (title, year, first author, journal, databases), read as needed.

At 100,000 works, reading every work's line took half of the screening
screen's start-up, while a screen shows forty rows. :class:`WorkLines` knows
which works exist from the start and reads their lines a stretch of
consecutive works at a time, as rows come into view; a search over all
titles reads the rest in one go.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Iterator, Mapping

from mnr.library.models import WorkLine
from mnr.library.screening import ScreeningStore

STRETCH = 256  # works read at once as the list scrolls


class WorkLines(Mapping[int, WorkLine]):
    """work id -> its line, for every work of the active searches."""

    def __init__(self, store: ScreeningStore) -> None:
        self._store = store
        self._lines: dict[int, WorkLine] = {}
        self._ids = sorted(store.work_ids())
        self._known = set(self._ids)
        self._complete = False

    def __getitem__(self, work_id: int) -> WorkLine:
        line = self._lines.get(work_id)
        if line is None:
            if work_id not in self._known:
                raise KeyError(work_id)
            at = bisect_left(self._ids, work_id)
            stretch = self._ids[at:at + STRETCH]
            self._take(self._store.work_lines(between=(stretch[0], stretch[-1])))
            line = self._lines.get(work_id) or self._vanished(work_id)
        return line

    def __iter__(self) -> Iterator[int]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, work_id: object) -> bool:
        return work_id in self._known

    def read(self, work_ids: Iterable[int] | None = None) -> None:
        """Read these works' lines now (all works' if None) in as few queries as possible,
        e.g. before a search over every title or a list of scattered conflicts."""
        if self._complete:
            return
        if work_ids is None:
            self._take(self._store.work_lines())
            self._complete = True
            return
        missing = {w for w in work_ids if w in self._known and w not in self._lines}
        if missing:
            self._take(self._store.work_lines(ids=missing))

    def _take(self, lines: Iterable[WorkLine]) -> None:
        for line in lines:
            self._lines.setdefault(line.work_id, line)

    def _vanished(self, work_id: int) -> WorkLine:
        """A work whose records left it after the list was made (another process's
        dedupe): shown, not fatal."""
        line = self._lines[work_id] = WorkLine(work_id, "(no records now)", None, "", "", ())
        return line
