"""A reviewer's screen picks up another reviewer's decision even when it commits after a
later one (on a server, ids come from a sequence: the lower id may commit last)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from mnr.library import Library
from mnr.library.dialect import WRITE_LOCK
from mnr.project import Settings
from mnr.screening.session import ScreeningSession
from tests.helpers import add_search


def test_a_decision_committed_after_a_later_one_is_still_seen(pg_url: str,
                                                                tmp_path: Path) -> None:
    library = Library.connect(pg_url)
    try:
        add_search(library, "MEDLINE", ["A", "B", "C"])
        library.works.commit([[1], [2], [3]])
        settings = Settings(title="t", reviewers=["BH", "MC", "AB"], reviewers_per_work=2,
                            blind=False)
        watcher = ScreeningSession(library, settings, "AB", "title")
        slow = library.engine.connect()
        transaction = slow.begin()
        # MC's decision takes its id first, and is still being written ...
        slow.execute(text("SELECT pg_advisory_xact_lock_shared(:key)"), {"key": WRITE_LOCK})
        early = slow.execute(text("SELECT nextval('screening_log_entry_id_seq')")).scalar_one()
        slow.execute(text(
            "INSERT INTO screening_log (entry_id, work_id, stage, reviewer, kind, decision, "
            "decided_at, origin) VALUES (:id, 2, 'title', 'MC', 'decision', 'n', "
            "'2026-01-01T00:00:00', 'test')"), {"id": early})
        # ... while BH's, with the next id, commits at once
        bh = ScreeningSession(library, settings, "BH", "title")
        later = bh.decide(1, "y")
        assert later.entry_id == early + 1
        assert watcher.poll() == [1]
        assert watcher.gaps and early in watcher.gaps  # looked for again at each poll
        transaction.commit()
        slow.close()
        assert watcher.poll() == [2]  # not missed: the gap was read again
        assert not watcher.gaps
        assert watcher.stage.works[2].decision_of("MC").decision == "n"  # type: ignore[union-attr]
        assert watcher.poll() == []
    finally:
        library.close()
