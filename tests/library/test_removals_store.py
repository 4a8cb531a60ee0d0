"""The store's log of removals before screening, on both backends: the latest act on a
work wins, removed works leave the works to screen and the grouped histories, and the
log is never changed."""

from __future__ import annotations

import pytest
from sqlalchemy import update
from sqlalchemy.exc import DBAPIError

from mnr.dedupe.passes import deduplicate
from mnr.errors import NotPermitted
from mnr.library import Library, schema
from mnr.library.models import Removal
from tests.helpers import add_search


def test_removals_on_both_backends(library: Library) -> None:
    add_search(library, "MEDLINE", ["Care planning", "Recovery", "Ward rounds"])
    add_search(library, "Hand searching", ["A policy history"], source_kind="other")
    deduplicate(library)
    works = sorted(library.screening.work_ids())
    assert len(works) == 4
    first, second, _, by_hand = works
    assert library.screening.from_databases(works) == {
        first: True, second: True, works[2]: True, by_hand: False}
    library.screening.remove(Removal(first, "remove", "retracted", None, "BH",
                                     "2024-05-01T10:00:00+00:00"))
    library.screening.remove(Removal(second, "remove", "other", 'Erratum, "notice"', None,
                                     "2024-05-01T10:01:00+00:00"))
    library.screening.remove(Removal(second, "restore", None, None, "MC",
                                     "2024-05-01T10:02:00+00:00"))
    assert list(library.screening.removed()) == [first]
    assert library.screening.removed()[first].reason == "retracted"
    assert [r.action for r in library.screening.removals()] == ["remove", "remove", "restore"]
    assert library.screening.work_ids() == set(works) - {first}
    assert library.screening.work_ids(removed=True) == set(works)
    histories = library.screening.histories()
    assert sum(h.works for h in histories if h.from_databases) == 2
    assert sum(h.works for h in histories if not h.from_databases) == 1
    with pytest.raises((DBAPIError, NotPermitted)), library.engine.begin() as conn:
        conn.execute(update(schema.removals).values(reason="other"))
