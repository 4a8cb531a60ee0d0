"""A library on a PostgreSQL server shared by a team: one login role per reviewer, who may
write judgements only under their own initials, and a read-only role for authors.

The server enforces it, not mnr: grants say what each role may touch (the logs are
insert-only for every role, and triggers refuse changes to them even to their owner),
and a trigger on each table of signed acts refuses a row signed with initials other
than the role's own. The role that owns the tables (the one that ran setup) may
write for anyone: it loads a review folder's judgements (``mnr server push``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import Connection, text

from mnr.errors import MnrError
from mnr.library import dialect

if TYPE_CHECKING:
    from mnr.library.store import Library

# The tables whose rows a person signs, with the column that names them.
SIGNED = {
    "screening_log": "reviewer", "dedupe_decisions": "reviewer", "fulltexts": "attached_by",
    "appraisals": "reviewer", "appraisal_consensus": "recorded_by", "extractions": "reviewer",
    "work_tags": "tagged_by",
    "themes": "saved_by", "memos": "author", "journal": "source",
    "screening_stops": "reviewer", "concept_links": "linked_by",
    "study_links": "linked_by", "removals": "removed_by",
}
# What a reviewer's role may change in place: the grouping of records into works, how far
# judgement files were read, a pass's undoing, and a search's withdrawal or the
# librarian's words about it (a trigger keeps the search's file and records as they were).
UPDATABLE = {
    "record_works": "UPDATE, DELETE", "journal_files": "UPDATE, DELETE",
    "dedupe_runs": "UPDATE (undone_at)",
    "searches": "UPDATE (record_count, withdrawn_at, withdrawn_reason, database, platform, "
                "search_date, query, limits, notes)",
}
_ROLE = re.compile(r"[a-z_][a-z0-9_]{0,62}")


@dataclass(frozen=True, slots=True)
class Role:
    name: str
    initials: str | None  # None: the read-only role
    made: bool  # False: it existed already (its grants were brought up to date)


def role_name(prefix: str, initials: str) -> str:
    """A reviewer's role: the prefix and their initials, lower case ("care_bh")."""
    name = re.sub(r"[^a-z0-9_]", "_", f"{prefix}_{initials}".lower())
    if not _ROLE.fullmatch(name):
        raise MnrError(f"{name!r} cannot name a PostgreSQL role; choose another --prefix")
    return name


def set_up(library: Library, prefix: str, reviewers: Sequence[str]) -> list[Role]:
    """Make (or bring up to date) one login role per reviewer and a read-only role
    ``<prefix>_read``, with their grants and the check of initials. Run by the role that
    owns the library's tables; safe to run again (after adding a reviewer, say)."""
    if dialect.is_sqlite(library.engine):
        raise MnrError("roles are for a library on a PostgreSQL server ([library] url)")
    wanted: list[tuple[str, str | None]] = [(role_name(prefix, i), i) for i in reviewers]
    wanted.append((role_name(prefix, "read"), None))
    made: list[Role] = []
    with library.writing() as conn:
        conn.execute(text("""
            CREATE TABLE IF NOT EXISTS mnr_roles (
                role_name TEXT PRIMARY KEY, initials TEXT)"""))
        _check_of_initials(conn)
        database = conn.execute(text("SELECT current_database()")).scalar_one()
        for name, initials in wanted:
            exists = conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :name"),
                                  {"name": name}).first() is not None
            if not exists:
                conn.execute(text(f'CREATE ROLE "{name}" LOGIN'))
            conn.execute(text(f'GRANT CONNECT ON DATABASE "{database}" TO "{name}"'))
            conn.execute(text(f'GRANT USAGE ON SCHEMA public TO "{name}"'))
            conn.execute(text(f'GRANT SELECT ON ALL TABLES IN SCHEMA public TO "{name}"'))
            conn.execute(text(f'GRANT pg_read_all_stats TO "{name}"'))  # who holds a lock
            conn.execute(text("DELETE FROM mnr_roles WHERE role_name = :name"), {"name": name})
            conn.execute(text("INSERT INTO mnr_roles VALUES (:name, :initials)"),
                         {"name": name, "initials": initials})
            if initials is not None:
                _grant_writes(conn, name)
            made.append(Role(name, initials, not exists))
    return made


def _grant_writes(conn: Connection, role: str) -> None:
    tables = [name for (name,) in conn.execute(text(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"))]
    for table in tables:
        if table in ("schema_version", "mnr_roles"):
            continue
        conn.execute(text(f'GRANT INSERT ON "{table}" TO "{role}"'))
        if table in UPDATABLE:
            conn.execute(text(f'GRANT {UPDATABLE[table]} ON "{table}" TO "{role}"'))
    # UPDATE: an import moves the records' sequence past the block of ids it took (setval)
    conn.execute(text(
        f'GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO "{role}"'))


def _check_of_initials(conn: Connection) -> None:
    """A trigger on each table of signed acts: a reviewer's role may sign only with its
    own initials (a line only into its own judgement file, or the team's)."""
    conn.execute(text("""
        CREATE OR REPLACE FUNCTION mnr_signed() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
            mine TEXT;
            who TEXT;
        BEGIN
            SELECT initials INTO mine FROM mnr_roles WHERE role_name = current_user;
            IF NOT FOUND THEN
                RETURN NEW;  -- the tables' owner: it loads a folder's judgements
            END IF;
            who := to_jsonb(NEW) ->> TG_ARGV[0];
            IF TG_TABLE_NAME = 'journal' THEN
                IF who IS DISTINCT FROM mine || '.jsonl' AND who IS DISTINCT FROM 'team.jsonl'
                THEN
                    RAISE EXCEPTION 'mnr: % writes judgement lines as %, not into %',
                        current_user, coalesce(mine, 'nobody'), who
                        USING ERRCODE = 'insufficient_privilege';
                END IF;
            ELSIF who IS NOT NULL AND who IS DISTINCT FROM mine THEN
                RAISE EXCEPTION 'mnr: % may record judgements only as %, not as %',
                    current_user, coalesce(mine, 'nobody (a read-only role)'), who
                    USING ERRCODE = 'insufficient_privilege';
            END IF;
            RETURN NEW;
        END $$"""))
    for table, column in SIGNED.items():
        conn.execute(text(f"DROP TRIGGER IF EXISTS {table}_signed ON {table}"))
        conn.execute(text(f"CREATE TRIGGER {table}_signed BEFORE INSERT ON {table} "
                          f"FOR EACH ROW EXECUTE FUNCTION mnr_signed('{column}')"))


def holds_anything(library: Library) -> bool:
    """Whether the library holds any search or judgement (a push needs an empty one)."""
    with library.engine.connect() as conn:
        return any(conn.execute(text(f"SELECT EXISTS (SELECT 1 FROM {table})")).scalar_one()
                   for table in ("searches", "journal"))
