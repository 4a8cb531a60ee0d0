"""The throw-away PostgreSQL server of tests/pg_server.py, through SQLAlchemy and psycopg 3."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import create_engine, text

if TYPE_CHECKING:
    from tests.pg_server import LocalServer


def test_fresh_database_stores_and_returns_rows(pg_url: str) -> None:
    engine = create_engine(pg_url)
    try:
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE work (id serial PRIMARY KEY, title text NOT NULL)"))
            conn.execute(
                text("INSERT INTO work (title) VALUES (:a), (:b)"),
                {"a": "Storylines of research", "b": "Éthique et méta-récits"},
            )
        with engine.connect() as conn:
            titles = conn.execute(text("SELECT title FROM work ORDER BY id")).scalars().all()
            assert conn.dialect.driver == "psycopg"
    finally:
        engine.dispose()
    assert titles == ["Storylines of research", "Éthique et méta-récits"]


def test_each_test_database_is_separate(pg_server: LocalServer, pg_url: str) -> None:
    other = pg_server.create_database()
    first, second = create_engine(pg_url), create_engine(pg_server.url(other))
    try:
        with first.begin() as conn:
            conn.execute(text("CREATE TABLE only_here (n int)"))
            conn.execute(text("INSERT INTO only_here VALUES (1)"))
            current = conn.execute(text("SELECT current_database()")).scalar_one()
        with second.connect() as conn:
            assert conn.execute(text("SELECT current_database()")).scalar_one() == other
            assert current != other
            found = conn.execute(text("SELECT to_regclass('only_here')")).scalar_one()
        assert found is None
    finally:
        first.dispose()
        second.dispose()
        pg_server.drop_database(other)
