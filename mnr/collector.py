"""When Python's garbage collector runs: paused during bulk work over many records
(imports of 100,000 records, dedupe passes), put off to idle moments in screens that
hold them."""

from __future__ import annotations

import gc
import time
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while bulk work runs.

    Parsed records and matching features are acyclic, so reference counting
    frees them; the collector would only rescan millions of new objects (5% of
    an import's time, a third of a dedupe pass's).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def settle() -> None:
    """Move everything alive now out of the collector's sight (``gc.freeze``).

    A long-lived screen holds about a million objects read at start-up; without
    this, each full collection rescans them all (200 ms pauses between two
    keypresses at 100,000 works). Frozen objects are still freed when unused.
    """
    gc.collect(0)
    gc.freeze()


class IdleCollector:
    """Full garbage collections at moments the user is not waiting for the screen.

    A full collection scans every object made since start-up (20-40 ms on a
    100,000-work screening screen) and came every 15 keypresses or so, each
    time in the middle of one. While started, Python's own full collections
    are put off; :meth:`tick`, called on a timer, runs one once the user has
    been idle for ``idle_s`` seconds, or regardless once ``overdue`` times the
    usual number of younger collections has gone by (a reviewer who never pauses).
    """

    def __init__(self, idle_s: float = 1.0, overdue: int = 20) -> None:
        self.idle_s = idle_s
        self.overdue = overdue
        self.last_activity = time.monotonic()
        self._thresholds: tuple[int, int, int] | None = None

    def start(self) -> None:
        if self._thresholds is None:
            self._thresholds = gc.get_threshold()
            young, middle, _ = self._thresholds
            gc.set_threshold(young, middle, 1_000_000)  # full collections: by tick only

    def stop(self) -> None:
        if self._thresholds is not None:
            gc.set_threshold(*self._thresholds)
            self._thresholds = None

    def active(self) -> None:
        """The user did something: wait for the next quiet moment."""
        self.last_activity = time.monotonic()

    def tick(self) -> bool:
        """Collect if it is due and the user is idle (or it is overdue); True if it did."""
        if self._thresholds is None:
            return False
        pending = gc.get_count()[2]  # collections of the middle generation since the last full
        usual = self._thresholds[2]
        idle = time.monotonic() - self.last_activity >= self.idle_s
        if (pending >= usual and idle) or pending >= usual * self.overdue:
            gc.collect()
            return True
        return False
