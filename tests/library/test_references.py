"""ReferenceStore: reference lists given for records whose exports had none."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from mnr.errors import NotPermitted
from mnr.library import Library
from tests.helpers import add_search


def test_lists_read_back_in_order_with_their_references(library: Library) -> None:
    add_search(library, "MEDLINE", ["A", "B"])
    refs = ["Smith J. Care planning. BMJ 2001;322:1–4.", "Jones K. Recovery. 2010."]
    library.references.add(2, "references/b.txt", "b" * 64, refs)
    library.references.add(1, "references/a.ris", "a" * 64, [])
    first, second = library.references.lists()
    assert (first.list_id, first.record_id, first.file_name, first.file_sha256, first.refs) == (
        1, 2, "references/b.txt", "b" * 64, refs)
    assert (second.list_id, second.record_id, second.refs) == (2, 1, [])
    assert first.imported_at


def test_a_list_belongs_to_a_record_of_the_library(library: Library) -> None:
    with pytest.raises(DatabaseError):  # the foreign key: there is no R1
        library.references.add(1, "references/a.txt", "a" * 64, ["Smith 2001"])
    assert library.references.lists() == []


def test_reference_lists_are_never_changed(library: Library) -> None:
    add_search(library, "MEDLINE", ["A"])
    library.references.add(1, "references/a.txt", "a" * 64, ["Smith 2001"])
    for statement in ("UPDATE reference_lists SET refs = '[]'", "DELETE FROM reference_lists"):
        with pytest.raises((DatabaseError, NotPermitted), match="reference lists are never"):
            with library.engine.begin() as conn:
                conn.execute(text(statement))
    assert library.references.lists()[0].refs == ["Smith 2001"]
