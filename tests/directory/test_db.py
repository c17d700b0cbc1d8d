"""Read engines: what matching, the API's GETs and the action server read through (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from directory.db import make_read_engine, session_factory, session_scope
from directory.matching import MatchQuery, count_services, find_page, find_services, professional_routes
from directory.store import count_all, read_records

QUERY = MatchQuery(age=14, borough="Hackney", concerns=["anxiety"])


@pytest.fixture
def reader(loaded_engine):
    engine = make_read_engine(loaded_engine.url.render_as_string(hide_password=False))
    yield engine
    engine.dispose()


def _two_transaction_timestamps(session) -> list:
    return [session.execute(text("SELECT transaction_timestamp()")).scalar_one() for _ in range(2)]


def test_a_read_engine_sees_what_the_loader_wrote(reader, loaded_engine):
    with session_factory(reader)() as read, session_scope(loaded_engine) as written:
        assert find_services(read, QUERY, limit=10) == find_services(written, QUERY, limit=10) != []


def test_reads_take_a_plain_connection_as_well_as_a_session(reader):
    """The API and the action server read through connections (no ORM bookkeeping): same answers."""
    with reader.connect() as connection, session_factory(reader)() as session:
        for read in (
            lambda r: find_services(r, QUERY, limit=7, offset=2),
            lambda r: find_page(r, QUERY, 4, 4),
            lambda r: professional_routes(r, QUERY),
            lambda r: count_services(r, QUERY),
            lambda r: read_records(r, offset=3, limit=5),
            count_all,
        ):
            assert read(connection) == read(session)


def test_reads_on_postgresql_send_no_begin_or_commit(reader, loaded_engine):
    """Each statement of a read session is its own transaction (autocommit), so a match costs one round trip;
    sessions on the ordinary engine (the loader's) still wrap their statements in one transaction."""
    if reader.dialect.name != "postgresql":
        pytest.skip("SQLite's driver never begins a transaction for a SELECT")
    with session_factory(reader)() as session:
        first, second = _two_transaction_timestamps(session)
    assert first != second
    with session_scope(loaded_engine) as session:
        first, second = _two_transaction_timestamps(session)
    assert first == second


def test_a_read_engine_refuses_writes_on_postgresql(reader):
    """Writes through it would not be all-or-nothing, so the server refuses them."""
    if reader.dialect.name != "postgresql":
        pytest.skip("the read-only setting is PostgreSQL's")
    with reader.connect() as connection, pytest.raises(DBAPIError, match="read-only"):
        connection.execute(text("CREATE TABLE written_through_a_reader (id INTEGER)"))
