"""The labels people see and type: a letter and a number, typed back either way."""

from __future__ import annotations

import pytest

from mnr.records import label_number


@pytest.mark.parametrize(("label", "prefix", "number"), [
    ("W12", "W", 12),
    ("w12", "W", 12),
    ("12", "W", 12),
    (" W12\n", "W", 12),  # pasted with the spaces around it
    ("S3", "S", 3),
    ("r7", "R", 7),
    ("E5", "E", 5),
    ("W007", "W", 7),
])
def test_a_label_gives_its_number(label: str, prefix: str, number: int) -> None:
    assert label_number(label, prefix) == number


@pytest.mark.parametrize(("label", "prefix"), [
    ("X3", "W"),
    ("S3", "W"),  # another kind's letter
    ("W", "W"),
    ("", "W"),
    ("WW12", "W"),
    ("W 12", "W"),
    ("W-1", "W"),
    ("W1.5", "W"),
    ("W12a", "W"),
    ("+12", "W"),
])
def test_anything_else_is_not_a_label(label: str, prefix: str) -> None:
    assert label_number(label, prefix) is None


def test_a_superscript_digit_is_not_a_label() -> None:
    assert label_number("W²", "W") is None
