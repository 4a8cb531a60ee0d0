"""Ordered schema migrations, applied when a library is opened.

Each migration is applied once, in order, inside one transaction, and noted in
``schema_version``. Never edit a released migration: add the next one.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import Connection, inspect, select, text

from mnr.errors import MnrError
from mnr.library import schema


def _append_only(conn: Connection, table: str, said: str) -> None:
    """Make the database refuse to change or delete the rows of a table that is a log
    (``said``: what the refusal calls the rows, e.g. "records are"). On PostgreSQL the
    refusal holds for every role, the tables' owner included (a role's grants say the
    same for the roles ``mnr server setup`` makes)."""
    if conn.dialect.name == "sqlite":
        for event in ("UPDATE", "DELETE"):
            conn.execute(text(
                f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{said} never changed or deleted'); END"))
        return
    conn.execute(text("""
        CREATE OR REPLACE FUNCTION mnr_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'mnr: % never changed or deleted (table %)', TG_ARGV[0],
                TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
        END $$"""))
    conn.execute(text(
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION mnr_append_only('{said}')"))
    conn.execute(text(
        f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION mnr_append_only('{said}')"))


def _v1_initial(conn: Connection) -> None:
    """Searches, records and their verbatim sources."""
    for table in (schema.searches, schema.records, schema.record_sources):
        table.create(conn)
    # Records are never changed or removed: enforce it where the data lives.
    for name in ("records", "record_sources"):
        _append_only(conn, name, f"{name} are")


def _v2_works(conn: Connection) -> None:
    """Works, the records in each, and the log of deduplication passes and decisions."""
    for table in (schema.works, schema.record_works, schema.dedupe_runs, schema.dedupe_pairs,
                  schema.dedupe_decisions):
        table.create(conn)
    _append_only(conn, "dedupe_decisions", "decisions are")  # decisions are a log


def _v3_screening(conn: Connection) -> None:
    """The screening log (decisions, undos, resolutions, notes) and attached full texts."""
    for table in (schema.screening_log, schema.fulltexts):
        table.create(conn)
    _append_only(conn, "screening_log", "the screening log is")


_V4_TABLES = ("appraisals", "extractions", "work_tags", "traditions", "themes", "memos")


def _v4_synthesis(conn: Connection) -> None:
    """Appraisals, extractions, tags, traditions, findings themes and memos: all logs."""
    for name in _V4_TABLES:
        schema.metadata.tables[name].create(conn)
        _append_only(conn, name, f"{name} are")


def _v5_references(conn: Connection) -> None:
    """Reference lists imported for records whose exports carried none."""
    schema.reference_lists.create(conn)
    _append_only(conn, "reference_lists", "reference lists are")


def _v6_log_by_work(conn: Connection) -> None:
    """An index of the screening log by work, for counting (version 3 libraries lack it;
    newer ones got it with the table)."""
    for index in schema.screening_log.indexes:
        if index.name == "ix_screening_log_work":
            index.create(conn, checkfirst=True)


def _v7_work_merges(conn: Connection) -> None:
    """Which work took in the records of a work that a regrouping emptied."""
    schema.work_merges.create(conn)
    _append_only(conn, "work_merges", "work merges are")


def _v8_journal(conn: Connection) -> None:
    """The judgement lines applied, the judgement files read, records by position."""
    schema.journal.create(conn)
    schema.journal_files.create(conn)
    for index in schema.records.indexes:
        if index.name == "ix_records_position":
            index.create(conn, checkfirst=True)


def _v9_kept_lines(conn: Connection) -> None:
    """Judgement lines kept in the library (a server's), the journal append-only, and, on
    a server, the searches' own columns never changed (a withdrawal or a correction of
    what the librarian said is all that changes a search)."""
    if "line" not in {column["name"] for column in inspect(conn).get_columns("journal")}:
        conn.execute(text("ALTER TABLE journal ADD COLUMN line TEXT"))
    _append_only(conn, "journal", "judgement lines are")
    if conn.dialect.name == "sqlite":
        return
    kept = ("search_id", "source_kind", "file_name", "file_sha256", "file_bytes", "encoding",
            "format", "imported_at")
    changed = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in kept)
    conn.execute(text(f"""
        CREATE OR REPLACE FUNCTION mnr_search_kept() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'DELETE' OR {changed}
               OR (OLD.record_count != 0 AND NEW.record_count != OLD.record_count) THEN
                RAISE EXCEPTION 'mnr: searches are never deleted, nor their files changed'
                    USING ERRCODE = 'insufficient_privilege';
            END IF;
            RETURN NEW;
        END $$"""))
    conn.execute(text("CREATE TRIGGER searches_kept BEFORE UPDATE OR DELETE ON searches "
                      "FOR EACH ROW EXECUTE FUNCTION mnr_search_kept()"))
    conn.execute(text("CREATE TRIGGER searches_no_truncate BEFORE TRUNCATE ON searches "
                      "FOR EACH STATEMENT EXECUTE FUNCTION mnr_append_only('searches are')"))


def _v10_stops(conn: Connection) -> None:
    """The team's decisions to stop screening a stage by a stopping rule: a log."""
    schema.screening_stops.create(conn)
    _append_only(conn, "screening_stops", "stops are")


def _v11_studies_and_rounds(conn: Connection) -> None:
    """The log of reports linked to studies, and each search's review round and the
    earlier search it updates (an updated review)."""
    have = {column["name"] for column in inspect(conn).get_columns("searches")}
    if "review_round" not in have:
        conn.execute(text("ALTER TABLE searches ADD COLUMN review_round INTEGER NOT NULL "
                          "DEFAULT 1"))
    if "update_of" not in have:
        conn.execute(text("ALTER TABLE searches ADD COLUMN update_of INTEGER "
                          "REFERENCES searches (search_id)"))
    schema.study_links.create(conn, checkfirst=True)
    _append_only(conn, "study_links", "study links are")


def _v12_appraisal_editions(conn: Connection) -> None:
    """The checklist edition and year an appraisal was made with, and the log of consensus
    answers that appraisers agreed."""
    there = {c["name"] for c in inspect(conn).get_columns("appraisals")}
    for column, kind in (("edition", "TEXT"), ("year", "INTEGER")):
        if column not in there:
            conn.execute(text(f"ALTER TABLE appraisals ADD COLUMN {column} {kind}"))
    schema.appraisal_consensus.create(conn, checkfirst=True)
    _append_only(conn, "appraisal_consensus", "consensus answers are")


def _v13_removals(conn: Connection) -> None:
    """Works removed before screening (retracted, marked ineligible by automation tools,
    other reasons) and restored: a log."""
    schema.removals.create(conn, checkfirst=True)
    _append_only(conn, "removals", "removals are")


def _v14_meta_narrative(conn: Connection) -> None:
    """Typed memos, themes under a cross-tradition topic, and the log of links between a
    tradition's concepts and theories and the works that carry them."""
    for table, column, kind in (("memos", "memo_type", "VARCHAR(16)"),
                                ("themes", "topic", "TEXT")):
        if column not in {c["name"] for c in inspect(conn).get_columns(table)}:
            conn.execute(text(f"ALTER TABLE {table} ADD COLUMN {column} {kind}"))
    schema.concept_links.create(conn, checkfirst=True)
    _append_only(conn, "concept_links", "concept links are")


def _v15_raw_in_exports(conn: Connection) -> None:
    """Where a record's text stands in its kept export, instead of a second copy of it."""
    there = {c["name"] for c in inspect(conn).get_columns("record_sources")}
    for column in ("raw_start", "raw_end"):
        if column not in there:
            conn.execute(text(f"ALTER TABLE record_sources ADD COLUMN {column} INTEGER"))


MIGRATIONS: list[tuple[int, str, Callable[[Connection], None]]] = [
    (1, "searches, records and record sources", _v1_initial),
    (2, "works and deduplication", _v2_works),
    (3, "screening log and full texts", _v3_screening),
    (4, "appraisal, extraction, traditions, themes and memos", _v4_synthesis),
    (5, "reference lists", _v5_references),
    (6, "screening log index by work", _v6_log_by_work),
    (7, "works merged into others", _v7_work_merges),
    (8, "judgement lines applied and judgement files read", _v8_journal),
    (9, "judgement lines kept in the library; the journal append-only", _v9_kept_lines),
    (10, "decisions to stop screening by a stopping rule", _v10_stops),
    (11, "reports linked to studies; review rounds of searches", _v11_studies_and_rounds),
    (12, "appraisal editions and consensus answers", _v12_appraisal_editions),
    (13, "works removed before screening, and restored", _v13_removals),
    (14, "typed memos, theme topics, links of concepts and theories to works",
     _v14_meta_narrative),
    (15, "records' text read from their kept exports", _v15_raw_in_exports),
]

LATEST = MIGRATIONS[-1][0]


def current_version(conn: Connection) -> int:
    if not inspect(conn).has_table("schema_version"):
        return 0
    version = conn.execute(select(schema.schema_version.c.version).order_by(
        schema.schema_version.c.version.desc()).limit(1)).scalar()
    return int(version or 0)


def migrate(conn: Connection) -> None:
    """Bring the schema up to date; refuse a library written by a newer mnr."""
    if not inspect(conn).has_table("schema_version"):
        schema.schema_version.create(conn)
    version = current_version(conn)
    if version > LATEST:
        raise MnrError(
            f"this library has schema version {version}, newer than this mnr knows ({LATEST}); "
            "upgrade mnr"
        )
    for number, description, apply in MIGRATIONS:
        if number > version:
            apply(conn)
            conn.execute(
                schema.schema_version.insert().values(
                    version=number,
                    description=description,
                    applied_at=datetime.now(UTC).isoformat(timespec="seconds"),
                )
            )
