"""The garbage collector's timing: full collections put off to idle moments, then restored."""

from __future__ import annotations

import gc

from mnr.collector import IdleCollector


def test_full_collections_wait_for_an_idle_moment_and_thresholds_come_back() -> None:
    before = gc.get_threshold()
    collector = IdleCollector(idle_s=60.0, overdue=3)
    collector.start()
    try:
        assert gc.get_threshold()[:2] == before[:2] and gc.get_threshold()[2] > 1000
        for _ in range(before[2]):
            gc.collect(1)  # each counts towards the next full collection
        collector.active()
        assert gc.get_count()[2] >= before[2]
        assert not collector.tick()  # due, but the reviewer is pressing keys
        collector.last_activity -= 61
        assert collector.tick()  # idle: collected
        assert gc.get_count()[2] == 0 and not collector.tick()
        collector.active()
        for _ in range(before[2] * 3):
            gc.collect(1)
        assert collector.tick()  # overdue: collected although the reviewer never stops
    finally:
        collector.stop()
    assert gc.get_threshold() == before
    assert not collector.tick()  # stopped: does nothing
