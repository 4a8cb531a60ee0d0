"""The appraisal tables on both dialects: editions kept with appraisals, consensus answers
read back as saved, and the consensus table a log."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from mnr.errors import NotPermitted
from mnr.library import Library
from mnr.library.models import ConsensusAnswer
from tests.helpers import add_search

AT = "2024-03-01T10:00:00+00:00"


@pytest.fixture
def works(library: Library) -> Library:
    add_search(library, "MEDLINE", ["A", "B"])
    library.works.commit([[1], [2]])
    return library


def test_an_appraisal_keeps_its_edition_and_year(works: Library) -> None:
    store = works.synthesis
    store.save_appraisal(1, "BH", "casp-rct", {"4a": {"answer": "no", "comment": ""}}, None,
                         at=AT, edition="2020", year=2020)
    store.save_appraisal(2, "MC", "mine", {}, None, at=AT)  # a file without an edition
    first, second = store.appraisals()
    assert (first.edition, first.year) == ("2020", 2020)
    assert (second.edition, second.year) == (None, None)


def test_consensus_answers_read_back_in_order(works: Library) -> None:
    store = works.synthesis
    store.save_consensus(1, "casp-cohort", "2018", 2018,
                         [("5a", "no", "age — not adjusted"), ("12", "yes", None)], "BH", AT)
    store.save_consensus(1, "casp-cohort", "2018", 2018, [("5a", "cant_tell", None)], "MC")
    found = store.consensus()
    assert found[:2] == [
        ConsensusAnswer(1, 1, "casp-cohort", "2018", 2018, "5a", "no", "age — not adjusted",
                        "BH", AT),
        ConsensusAnswer(2, 1, "casp-cohort", "2018", 2018, "12", "yes", None, "BH", AT)]
    assert (found[2].consensus_id, found[2].answer, found[2].recorded_by) == (
        3, "cant_tell", "MC")
    assert found[2].saved_at > AT


def test_the_consensus_table_is_a_log(works: Library) -> None:
    works.synthesis.save_consensus(1, "casp-rct", "2020", 2020, [("1", "yes", None)], "BH")
    for statement in ("UPDATE appraisal_consensus SET answer = 'no'",
                      "DELETE FROM appraisal_consensus"):
        with pytest.raises((DatabaseError, NotPermitted),
                           match="consensus answers are never changed"):
            with works.engine.begin() as conn:
                conn.execute(text(statement))
