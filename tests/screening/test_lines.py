"""The screening list's lines, read a stretch at a time: the same lines as reading them all."""

from __future__ import annotations

import pytest

from mnr.screening import lines as lines_module
from mnr.screening.lines import WorkLines
from tests.screening.conftest import TITLES, Review


def test_lines_are_read_a_stretch_at_a_time_and_match_reading_them_all(
        review: Review, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lines_module, "STRETCH", 2)
    store = review.library.screening
    everything = {line.work_id: line for line in store.work_lines()}
    assert len(everything) == len(TITLES)
    lines = WorkLines(store)
    assert list(lines) == sorted(everything) and len(lines) == len(TITLES)
    assert lines._lines == {}  # nothing read yet
    third = sorted(everything)[2]
    assert lines[third] == everything[third]
    assert set(lines._lines) == set(sorted(everything)[2:4])  # its stretch, no more
    assert dict(lines.items()) == everything
    with pytest.raises(KeyError):
        lines[max(everything) + 100]
    assert max(everything) + 100 not in lines


def test_scattered_works_are_read_in_one_go_and_a_search_reads_all(review: Review) -> None:
    store = review.library.screening
    everything = {line.work_id: line for line in store.work_lines()}
    lines = WorkLines(store)
    first, last = min(everything), max(everything)
    lines.read([first, last, last + 100])
    assert set(lines._lines) == {first, last}
    lines.read()
    assert lines._lines == everything
    assert store.work_lines(ids=[last, first]) == [everything[first], everything[last]]
    assert store.work_lines(between=(first, first)) == [everything[first]]
