"""SynthesisStore: appraisals, extractions, tags, traditions, themes and memos, each a
log whose rows are read back as saved (the latest counting where a reader asks)."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from mnr.errors import NotPermitted
from mnr.library import Library
from mnr.library.models import Appraisal, Extraction, Memo, TagEntry, Theme
from tests.helpers import add_search

AT = "2024-03-01T10:00:00+00:00"


@pytest.fixture
def works(library: Library) -> Library:
    add_search(library, "MEDLINE", ["A", "B", "C"])
    library.works.commit([[1], [2], [3]])
    return library


def test_appraisals_and_extractions_read_back_as_saved(works: Library) -> None:
    store = works.synthesis
    answers = {"1": {"answer": "yes", "comment": "Clear aims — stated twice"},
               "2": {"answer": "can't tell", "comment": ""}}
    store.save_appraisal(1, "BH", "casp-qualitative", answers, "Small sample", at=AT)
    store.save_appraisal(1, "BH", "casp-qualitative", {"1": {"answer": "no"}}, None)
    store.save_extraction(2, "MC", {"Setting": "Wales, UK", "Participants": "12 nurses"}, AT)
    first, second = store.appraisals()
    assert first == Appraisal(1, 1, "BH", "casp-qualitative", answers, "Small sample", AT)
    assert (second.appraisal_id, second.answers, second.commentary) == (
        2, {"1": {"answer": "no"}}, None)
    assert second.saved_at > AT  # stamped now when no time is given
    assert store.extractions() == [
        Extraction(1, 2, "MC", {"Setting": "Wales, UK", "Participants": "12 nurses"}, AT)]


def test_tags_are_added_and_removed_as_entries(works: Library) -> None:
    store = works.synthesis
    store.tag([(1, "tradition", "Nursing", "add"), (2, "country", "UK", "add")], "BH", AT)
    store.tag([(1, "tradition", "Nursing", "remove")], None, AT)
    assert store.tags() == [
        TagEntry(1, 1, "tradition", "Nursing", "add", "BH", AT),
        TagEntry(2, 2, "country", "UK", "add", "BH", AT),
        TagEntry(3, 1, "tradition", "Nursing", "remove", None, AT),
    ]
    store.tag([], "BH")  # nothing to add: nothing written
    assert len(store.tags()) == 3


def test_a_tradition_reads_as_last_saved(works: Library) -> None:
    store = works.synthesis
    store.save_tradition("Nursing", {"description": "First draft"})
    store.save_tradition("Psychiatry", {"description": "Medical", "methods": ["quantitative"]})
    store.save_tradition("Nursing", {"description": "Care as relationship", "paradigm": "x"})
    assert store.traditions() == {
        "Nursing": {"description": "Care as relationship", "paradigm": "x"},
        "Psychiatry": {"description": "Medical", "methods": ["quantitative"]},
    }


def test_a_theme_keeps_its_key_through_its_drafts(works: Library) -> None:
    store = works.synthesis
    first = store.save_theme(None, "Nursing", "Plans were shared", "positive", [1], "BH", at=AT)
    other = store.save_theme(None, "Psychiatry", "Risk dominated", "negative", [2, 3], "MC",
                             at=AT)
    assert (first, other) == (1, 2)
    assert store.save_theme(first, "Nursing", "Plans were rarely shared", "negative", [1, 3],
                            "MC", at=AT) == first
    store.save_theme(other, "Psychiatry", "Risk dominated", "negative", [2, 3], "MC",
                     retired=True, at=AT)
    assert store.themes() == [  # in order of first saving, each as last saved
        Theme(1, "Nursing", "Plans were rarely shared", "negative", [1, 3], False, "MC", AT),
        Theme(2, "Psychiatry", "Risk dominated", "negative", [2, 3], True, "MC", AT),
    ]
    assert [(t.theme_key, t.statement) for t in store.theme_drafts()] == [
        (1, "Plans were shared"), (2, "Risk dominated"), (1, "Plans were rarely shared"),
        (2, "Risk dominated")]


def test_memos_keep_their_subject_and_author(works: Library) -> None:
    store = works.synthesis
    store.add_memo("review", None, "BH", "Scope narrowed to adults", AT)
    store.add_memo("work", "2", None, "Ask the authors for the protocol", AT)
    assert store.memos() == [Memo(1, "review", None, "BH", "Scope narrowed to adults", AT),
                             Memo(2, "work", "2", None, "Ask the authors for the protocol", AT)]


@pytest.mark.parametrize(("table", "column"), [
    ("appraisals", "saved_at"), ("extractions", "saved_at"), ("work_tags", "tagged_at"),
    ("traditions", "saved_at"), ("themes", "saved_at"), ("memos", "written_at")])
def test_every_synthesis_table_is_a_log(works: Library, table: str, column: str) -> None:
    store = works.synthesis
    store.save_appraisal(1, "BH", "casp-qualitative", {}, None)
    store.save_extraction(1, "BH", {})
    store.tag([(1, "country", "UK", "add")], "BH")
    store.save_tradition("Nursing", {})
    store.save_theme(None, "Nursing", "S", "positive", [1], "BH")
    store.add_memo("review", None, "BH", "M")
    for statement in (f"UPDATE {table} SET {column} = 'x'", f"DELETE FROM {table}"):
        with pytest.raises((DatabaseError, NotPermitted), match=f"{table} are never changed"):
            with works.engine.begin() as conn:
                conn.execute(text(statement))


def test_concept_links_memo_types_and_theme_topics_read_back(works: Library) -> None:
    """The meta-narrative additions (schema version 14) on each backend: links of concepts
    to works as a log, a memo's type, a theme's topic; the links' table is a log too."""
    from mnr.library.models import ConceptLink

    store = works.synthesis
    store.link_concepts([("Nursing", "recovery", "concept", 1, "add"),
                         ("Nursing", "Empowerment", "theory", 2, "add")], "BH", AT)
    store.link_concepts([("Nursing", "recovery", "concept", 1, "remove")], None, AT)
    assert store.concept_links() == [
        ConceptLink(1, "Nursing", "recovery", "concept", 1, "add", "BH", AT),
        ConceptLink(2, "Nursing", "Empowerment", "theory", 2, "add", "BH", AT),
        ConceptLink(3, "Nursing", "recovery", "concept", 1, "remove", None, AT)]
    store.add_memo("review", None, "BH", "As nurses, we", AT, memo_type="reflexive")
    store.add_memo("review", None, "BH", "A note", AT)
    assert [m.memo_type for m in store.memos()] == ["reflexive", None]
    store.save_theme(None, "Nursing", "Plans were shared", "positive", [1], "BH", at=AT,
                     topic="sharing")
    assert [t.topic for t in store.themes()] == ["sharing"]
    for statement in ("UPDATE concept_links SET action = 'add'", "DELETE FROM concept_links"):
        with pytest.raises((DatabaseError, NotPermitted), match="concept links are never"):
            with works.engine.begin() as conn:
                conn.execute(text(statement))
