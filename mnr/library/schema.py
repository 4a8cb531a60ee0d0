"""The library's tables, as SQLAlchemy Core metadata (SQLite now, PostgreSQL later).

Records are immutable: an import adds rows, nothing updates or deletes them.
The verbatim text and the source's own fields live in ``record_sources`` so
that scans over the parsed fields (status, dedupe, screening) stay small.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

schema_version = Table(
    "schema_version",
    metadata,
    Column("version", Integer, primary_key=True),
    Column("description", Text, nullable=False),
    Column("applied_at", String(32), nullable=False),
)

searches = Table(
    "searches",
    metadata,
    Column("search_id", Integer, primary_key=True),
    Column("database", Text, nullable=False),  # "MEDLINE", or the method for other sources
    Column("platform", Text),  # "PubMed", "Ovid", "EBSCOhost"
    Column("search_date", String(10)),  # YYYY-MM-DD, as the librarian gave it
    Column("query", Text),
    Column("limits", Text),
    Column("notes", Text),
    Column("source_kind", String(16), nullable=False),  # "database", "register", "other"
    Column("other_method", Text),  # "Citation searching", "Websites", ...
    Column("file_name", Text, nullable=False),  # relative to searches/
    Column("file_sha256", String(64), nullable=False, unique=True),
    Column("file_bytes", Integer, nullable=False),
    Column("encoding", String(32), nullable=False),
    Column("format", String(32), nullable=False),
    Column("record_count", Integer, nullable=False),  # records the file held
    Column("imported_at", String(32), nullable=False),
    Column("withdrawn_at", String(32)),
    Column("withdrawn_reason", Text),
    # an updated review (schema version 11): the round the search belongs to (1: the
    # original searches) and the earlier search it re-runs, if it does
    Column("review_round", Integer, nullable=False, server_default="1"),
    Column("update_of", Integer, ForeignKey("searches.search_id")),
)

records = Table(
    "records",
    metadata,
    Column("record_id", Integer, primary_key=True),
    Column("search_id", Integer, ForeignKey("searches.search_id"), nullable=False),
    Column("position", Integer, nullable=False),  # 1-based order in the file
    Column("locator", Text, nullable=False),  # "line 12", "row 4"
    Column("source_id", Text),  # accession number, PMID, UT, EID, CSV id
    Column("source_database", Text),  # the database the record itself names
    Column("title", Text),
    Column("authors", Text, nullable=False),  # JSON list of names
    Column("year", Integer),
    Column("journal", Text),
    Column("volume", Text),
    Column("issue", Text),
    Column("pages", Text),
    Column("doi", Text),
    Column("pmid", Text),
    Column("issn", Text),
    Column("isbn", Text),
    Column("abstract", Text),
    Column("keywords", Text, nullable=False),  # JSON list
    Column("language", Text),
    Column("pub_type", Text),
    Column("url", Text),
    Column("cited_refs", Text, nullable=False),  # JSON list of raw reference strings
    Column("cited_ref_count", Integer, nullable=False),
    Index("ix_records_search", "search_id"),
    Index("ix_records_doi", "doi"),
)

# Untitled records are flagged, never dropped; this small index keeps counting them cheap.
# (A PostgreSQL port would add postgresql_where too: naming it here imports that dialect,
# a twentieth of a second at every start of the command line.)
Index(
    "ix_records_untitled",
    records.c.search_id,
    sqlite_where=records.c.title.is_(None),
)

record_sources = Table(
    "record_sources",
    metadata,
    Column("record_id", Integer, ForeignKey("records.record_id"), primary_key=True),
    Column("raw", Text, nullable=False),  # the record's text as it stood in the file
    # JSON of every tag/column the source gave, kept only where raw needs the file's
    # header to be read (CSV/TSV rows); NULL where raw alone says it all.
    Column("fields", Text),
    # where the kept export in searches/ holds the record's text verbatim (raw is then
    # ""): the decoded file's text[raw_start:raw_end] (schema version 15)
    Column("raw_start", Integer),
    Column("raw_end", Integer),
)

# -- deduplication (schema version 2) ---------------------------------------------------

works = Table(
    "works",
    metadata,
    Column("work_id", Integer, primary_key=True),
    Column("created_at", String(32), nullable=False),
)

# Which work each record belongs to now: rewritten by every dedupe pass, review
# decision and undo. Records themselves never change.
record_works = Table(
    "record_works",
    metadata,
    Column("record_id", Integer, ForeignKey("records.record_id"), primary_key=True),
    Column("work_id", Integer, ForeignKey("works.work_id"), nullable=False),
    Index("ix_record_works_work", "work_id"),
)

# One row per automatic pass; an undone pass stops counting but stays in the log.
dedupe_runs = Table(
    "dedupe_runs",
    metadata,
    Column("run_id", Integer, primary_key=True),
    Column("started_at", String(32), nullable=False),
    Column("records", Integer, nullable=False),
    Column("seconds", Integer, nullable=False),  # milliseconds would be spurious precision
    Column("undone_at", String(32)),
)

# The candidate pairs a pass found: "duplicate" pairs are merged, "review" pairs
# wait for a person, "related" pairs link a notice (erratum, reply...) to its paper.
# Kept per pass, so that undoing a pass restores the one before.
dedupe_pairs = Table(
    "dedupe_pairs",
    metadata,
    Column("pair_id", Integer, primary_key=True),
    Column("run_id", Integer, ForeignKey("dedupe_runs.run_id"), nullable=False),
    Column("record_a", Integer, ForeignKey("records.record_id"), nullable=False),
    Column("record_b", Integer, ForeignKey("records.record_id"), nullable=False),
    Column("score", Float, nullable=False),
    Column("verdict", String(16), nullable=False),  # "duplicate", "review" or "related"
    Column("reason", Text, nullable=False),
    Index("ix_dedupe_pairs_run", "run_id", "verdict"),
)

# What people decided about pairs: append-only. An undo is a row of its own
# naming the decision it undoes.
dedupe_decisions = Table(
    "dedupe_decisions",
    metadata,
    Column("decision_id", Integer, primary_key=True),
    Column("record_a", Integer, ForeignKey("records.record_id"), nullable=False),
    Column("record_b", Integer, ForeignKey("records.record_id"), nullable=False),
    Column("decision", String(8), nullable=False),  # "merge", "apart", "skip", "undo"
    Column("undoes", Integer, ForeignKey("dedupe_decisions.decision_id")),
    Column("reviewer", Text, nullable=False),
    Column("decided_at", String(32), nullable=False),
    Column("note", Text),
)

# -- screening (schema version 3) -------------------------------------------------------

# The screening log: every decision, undo, conflict resolution and note, appended and
# never changed. The current state of screening is derived from it.
screening_log = Table(
    "screening_log",
    metadata,
    Column("entry_id", Integer, primary_key=True),
    Column("work_id", Integer, ForeignKey("works.work_id"), nullable=False),
    Column("stage", String(32), nullable=False),
    Column("reviewer", Text, nullable=False),
    Column("kind", String(12), nullable=False),  # "decision", "resolution", "undo", "note"
    Column("decision", String(1)),  # "y", "n", "m"; NULL for undo and note
    Column("reason", Text),  # exclusion reason, or why a conflict was resolved so
    Column("note", Text),
    Column("undoes", Integer, ForeignKey("screening_log.entry_id")),
    Column("decided_at", String(32), nullable=False),
    Column("origin", Text, nullable=False),  # "tui", "cli", "import decisions.csv row 4"
    Index("ix_screening_log_stage", "stage", "work_id"),
)

# Each work's entries in log order with what counting needs, so that PRISMA's counts
# group 300,000 entries by work without sorting them (schema version 6).
Index(
    "ix_screening_log_work",
    screening_log.c.work_id, screening_log.c.entry_id, screening_log.c.stage,
    screening_log.c.kind, screening_log.c.reviewer, screening_log.c.decision,
    screening_log.c.reason,
)

# Full texts attached to works: a path under library/ or a URL; the latest one counts.
fulltexts = Table(
    "fulltexts",
    metadata,
    Column("fulltext_id", Integer, primary_key=True),
    Column("work_id", Integer, ForeignKey("works.work_id"), nullable=False),
    Column("location", Text, nullable=False),
    Column("attached_by", Text),
    Column("attached_at", String(32), nullable=False),
    Index("ix_fulltexts_work", "work_id"),
)

# -- appraisal, extraction, traditions (schema version 4) ---------------------------------
# All append-only: what a reviewer saves is a new row; the latest row counts.

appraisals = Table(
    "appraisals",
    metadata,
    Column("appraisal_id", Integer, primary_key=True),
    Column("work_id", Integer, ForeignKey("works.work_id"), nullable=False),
    Column("reviewer", Text, nullable=False),
    Column("checklist", Text, nullable=False),  # a checklist id, e.g. "casp-qualitative"
    Column("answers", Text, nullable=False),  # JSON: question number -> {answer, comment}
    Column("commentary", Text),  # on design, conduct and selective reporting
    Column("saved_at", String(32), nullable=False),
    # the checklist's edition and year when the appraisal was made (schema version 12);
    # NULL: made before mnr recorded them
    Column("edition", Text),
    Column("year", Integer),
    Index("ix_appraisals_work", "work_id"),
)

# Consensus answers (schema version 12): what two or more appraisers agreed, per question,
# after appraising independently; a log, the latest per work and question counts.
appraisal_consensus = Table(
    "appraisal_consensus",
    metadata,
    Column("consensus_id", Integer, primary_key=True),
    Column("work_id", Integer, ForeignKey("works.work_id"), nullable=False),
    Column("checklist", Text, nullable=False),
    Column("edition", Text),
    Column("year", Integer),
    Column("question", Text, nullable=False),  # the number answered, e.g. "5a"
    Column("answer", Text, nullable=False),
    Column("comment", Text),
    Column("recorded_by", Text),  # who recorded what the appraisers agreed
    Column("saved_at", String(32), nullable=False),
    Index("ix_appraisal_consensus_work", "work_id"),
)

extractions = Table(
    "extractions",
    metadata,
    Column("extraction_id", Integer, primary_key=True),
    Column("work_id", Integer, ForeignKey("works.work_id"), nullable=False),
    Column("reviewer", Text, nullable=False),
    Column("fields", Text, nullable=False),  # JSON: field name -> text
    Column("saved_at", String(32), nullable=False),
    Index("ix_extractions_work", "work_id"),
)

# Tags on works: a tradition (one or more), a method family, a country. "remove" rows
# take a tag back; the current tags are derived.
work_tags = Table(
    "work_tags",
    metadata,
    Column("tag_id", Integer, primary_key=True),
    Column("work_id", Integer, ForeignKey("works.work_id"), nullable=False),
    Column("kind", String(16), nullable=False),  # "tradition", "method", "country"
    Column("value", Text, nullable=False),
    Column("action", String(8), nullable=False),  # "add" or "remove"
    Column("tagged_by", Text),
    Column("tagged_at", String(32), nullable=False),
    Index("ix_work_tags_work", "work_id"),
)

# Traditions created in the TUI (those in review.toml are read from there).
traditions = Table(
    "traditions",
    metadata,
    Column("tradition_id", Integer, primary_key=True),
    Column("name", Text, nullable=False),
    Column("fields", Text, nullable=False),  # JSON: description, paradigm, methods, ...
    Column("saved_at", String(32), nullable=False),
)

# Findings themes: a statement, positive or negative, in a tradition, with the works
# that support it. A theme is replaced by saving it again under its theme key.
themes = Table(
    "themes",
    metadata,
    Column("row_id", Integer, primary_key=True),
    Column("theme_key", Integer, nullable=False),  # the same theme across its versions
    Column("tradition", Text, nullable=False),
    Column("statement", Text, nullable=False),
    Column("polarity", String(8), nullable=False),  # "positive" or "negative"
    Column("works", Text, nullable=False),  # JSON list of work ids
    Column("retired", Integer, nullable=False, default=0),
    Column("saved_by", Text),
    Column("saved_at", String(32), nullable=False),
    # the cross-tradition topic the theme speaks to (schema version 14): themes of several
    # traditions under one topic agree or conflict; NULL: the theme's own statement
    Column("topic", Text),
)

# Memos: dated notes on the review, a tradition or a work (the audit trail).
memos = Table(
    "memos",
    metadata,
    Column("memo_id", Integer, primary_key=True),
    Column("subject", String(16), nullable=False),  # "review", "tradition", "work"
    Column("about", Text),  # the tradition's name or the work id; NULL for the review
    Column("author", Text),
    Column("text", Text, nullable=False),
    Column("written_at", String(32), nullable=False),
    # "reflexive", "advisory-group", "decision"; NULL: a general memo (schema version 14)
    Column("memo_type", String(16)),
)

# Links between a tradition's key concept or theory (named in review.toml) and the works
# that carry it (schema version 14): a log of links made and taken back.
concept_links = Table(
    "concept_links",
    metadata,
    Column("link_id", Integer, primary_key=True),
    Column("tradition", Text, nullable=False),
    Column("concept", Text, nullable=False),
    Column("kind", String(8), nullable=False),  # "concept" or "theory"
    Column("work_id", Integer, ForeignKey("works.work_id"), nullable=False),
    Column("action", String(8), nullable=False),  # "add" or "remove"
    Column("linked_by", Text),
    Column("saved_at", String(32), nullable=False),
    Index("ix_concept_links_work", "work_id"),
)

# -- cited references (schema version 5) --------------------------------------------------

# Reference lists given for a record whose export had none (`mnr references import`): the
# record stands for its work, so the list follows the work through later dedupe passes.
reference_lists = Table(
    "reference_lists",
    metadata,
    Column("list_id", Integer, primary_key=True),
    Column("record_id", Integer, ForeignKey("records.record_id"), nullable=False),
    Column("file_name", Text, nullable=False),  # relative to searches/
    Column("file_sha256", String(64), nullable=False),
    Column("refs", Text, nullable=False),  # JSON list of reference strings
    Column("imported_at", String(32), nullable=False),
    Index("ix_reference_lists_record", "record_id"),
)

# -- works merged after screening began (schema version 7) --------------------------------

# When a regrouping leaves a work with none of its records, the work its records went to
# (most of them) is noted here, so that what reviewers logged about the vanished work
# counts for the one that absorbed it. Appended, never changed.
work_merges = Table(
    "work_merges",
    metadata,
    Column("merge_id", Integer, primary_key=True),
    Column("absorbed", Integer, ForeignKey("works.work_id"), nullable=False),
    Column("into", Integer, ForeignKey("works.work_id"), nullable=False),
    Column("merged_at", String(32), nullable=False),
)

# -- the judgement logs the library was built from (schema version 8) ---------------------

# Every judgement line of judgements/*.jsonl the library has applied, and the row it made
# (what an undo or a later version of a theme names): each line is applied once.
journal = Table(
    "journal",
    metadata,
    Column("line_id", String(48), primary_key=True),
    Column("source", Text, nullable=False),  # the file, e.g. "BH.jsonl"
    Column("row_table", String(32), nullable=False),
    Column("row_id", Integer, nullable=False),
    # the line itself, kept by a server's library (schema version 9): what ``mnr server
    # pull`` writes to a review folder; NULL in a library file (the folder has the line)
    Column("line", Text),
    Index("ix_journal_source", "source"),
    Index("ix_journal_row", "row_table", "row_id"),
)

# How much of each judgement file has been read: its size and its last bytes then.
journal_files = Table(
    "journal_files",
    metadata,
    Column("name", Text, primary_key=True),
    Column("size", Integer, nullable=False),
    Column("tail", Text, nullable=False),  # hex
)

# -- stopping screening by a rule (schema version 10) -----------------------------------

# The team's decision to stop screening a stage in relevance order, by a stopping rule:
# the works nobody has screened there count as marked ineligible by automation tools.
screening_stops = Table(
    "screening_stops",
    metadata,
    Column("stop_id", Integer, primary_key=True),
    Column("stage", String(32), nullable=False),
    Column("rule", Text, nullable=False),  # "hypergeometric"
    Column("recall", Float, nullable=False),  # the recall target
    Column("confidence", Float, nullable=False),
    Column("p", Float, nullable=False),  # the rule's p-value when the team stopped
    Column("screened", Integer, nullable=False),  # works with an outcome then
    Column("total", Integer, nullable=False),  # works at the stage then
    Column("found", Integer, nullable=False),  # of those, relevant (Y or M)
    Column("model", Text, nullable=False),  # the relevance model, as the methods cite it
    Column("reviewer", Text, nullable=False),  # who recorded the decision to stop
    Column("stopped_at", String(32), nullable=False),
    Column("note", Text),
)

# -- studies and their reports (schema version 11) --------------------------------------

# A report joining the study led by another work, or leaving it ("unlink"): a log, the
# latest row of each report counts. PRISMA counts studies and reports apart; appraisal,
# extraction and tradition tags belong to the study.
study_links = Table(
    "study_links",
    metadata,
    Column("link_id", Integer, primary_key=True),
    Column("report", Integer, ForeignKey("works.work_id"), nullable=False),
    Column("study", Integer, ForeignKey("works.work_id")),  # the lead report; NULL: unlink
    Column("action", String(8), nullable=False),  # "link" or "unlink"
    Column("linked_by", Text),
    Column("linked_at", String(32), nullable=False),
    Index("ix_study_links_report", "report"),
)

removals = Table(
    "removals",
    metadata,
    Column("removal_id", Integer, primary_key=True),
    Column("work_id", Integer, ForeignKey("works.work_id"), nullable=False),
    Column("action", String(8), nullable=False),  # "remove", or "restore": taken back
    # "retracted", "ineligible-by-automation" or "other" (NULL for a restore)
    Column("reason", String(32)),
    Column("label", Text),  # the reason in the person's words, e.g. "Duplicate erratum"
    Column("removed_by", Text),
    Column("removed_at", String(32), nullable=False),
)

# Judgement lines name records by export and position.
Index("ix_records_position", records.c.search_id, records.c.position)
