"""Database connection helpers: one place that decides which database the directory talks to.

`DATABASE_URL` (from the environment or a local `.env`) picks PostgreSQL in deployment; without it the
directory uses a SQLite file next to this module (git-ignored), so tests and the CLI work out of the box.
"""

from __future__ import annotations

import logging
import os
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator, List, Optional, Union

from sqlalchemy import create_engine, event, inspect
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

from directory.models import Base

DEFAULT_SQLITE_PATH = Path(__file__).parent / "directory.db"
# What the read functions (matching, store) take: they only call execute(). A Connection from a read engine
# is the cheap choice for a one-off read: a Session adds about 0.15 ms of ORM bookkeeping per call.
Reader = Union[Session, Connection]
PG_CONNECT_ARGS = {"connect_timeout": 5}
READ_ONLY_CONNECT_ARGS = {**PG_CONNECT_ARGS, "options": "-c default_transaction_read_only=on"}
log = logging.getLogger(__name__)


def database_url(url: Optional[str] = None) -> str:
    """The URL to use: the argument, else DATABASE_URL (environment or .env), else the SQLite file."""
    if url:
        return url
    try:
        from dotenv import load_dotenv
    except ImportError:  # python-dotenv is optional at run time
        pass
    else:
        load_dotenv(override=False)
    return os.environ.get("DATABASE_URL") or f"sqlite:///{DEFAULT_SQLITE_PATH}"


def _enable_sqlite_foreign_keys(dbapi_connection: Any, _record: Any) -> None:
    """SQLite ignores foreign keys unless asked, and the loader relies on them to reject dangling rows."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def make_engine(url: Optional[str] = None, **kwargs: Any) -> Engine:
    """A SQLAlchemy 2.0-style engine for the directory database (see database_url for the choice)."""
    resolved = database_url(url)
    if resolved.startswith("postgresql"):
        # no pool_pre_ping: it costs a round trip per session; a dropped connection fails one call, the
        # pool is then refreshed, and the bot has directory.fallback for that call.
        kwargs.setdefault("connect_args", dict(PG_CONNECT_ARGS))
    if resolved.startswith("sqlite") and ":memory:" not in resolved and resolved != "sqlite://":
        # SQLAlchemy 1.4 opens a new SQLite connection per session by default (NullPool); reusing
        # connections saves a connect and a PRAGMA on every query (the pool hands each to one thread at a time).
        kwargs.setdefault("poolclass", QueuePool)
        kwargs.setdefault("connect_args", {"check_same_thread": False})
    engine = create_engine(resolved, future=True, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _enable_sqlite_foreign_keys)
    return engine


def make_read_engine(url: Optional[str] = None, **kwargs: Any) -> Engine:
    """An engine for reads only (matching, GET requests): its own pool, never used to write.

    On PostgreSQL its connections run in autocommit mode: psycopg2 otherwise sends BEGIN before a session's
    first statement and the session ends with COMMIT or ROLLBACK, two round trips around a one-statement
    match. Nothing is lost: at READ COMMITTED each statement took its own snapshot inside a transaction too.
    The server also refuses writes on these connections (default_transaction_read_only, set when connecting,
    no extra round trip), because a write here would not be all-or-nothing. On SQLite this is make_engine:
    its driver never begins a transaction for a SELECT, so there is nothing to save.
    """
    resolved = database_url(url)
    if resolved.startswith("postgresql"):
        kwargs.setdefault("isolation_level", "AUTOCOMMIT")
        kwargs["connect_args"] = {**READ_ONLY_CONNECT_ARGS, **kwargs.get("connect_args", {})}
    return make_engine(resolved, **kwargs)


@lru_cache(maxsize=4)
def _default_engine(url: Optional[str]) -> Engine:
    return make_engine(url)


def _outdated_tables(engine: Engine) -> List[str]:
    """Directory tables that exist but whose columns differ from the models."""
    inspector = inspect(engine)
    existing = set(inspector.get_table_names())
    return [
        table.name
        for table in Base.metadata.sorted_tables
        if table.name in existing
        and {c.name for c in table.columns} != {c["name"] for c in inspector.get_columns(table.name)}
    ]


def create_schema(engine: Optional[Engine] = None) -> None:
    """Create missing directory tables (idempotent).

    There is no migration tool: the directory is rebuilt from YAML on every load, so when a table is
    whose columns differ from the models, all directory tables are dropped and recreated (empty).
    """
    engine = engine or _default_engine(None)
    outdated = _outdated_tables(engine)
    if outdated:
        log.warning(
            "directory schema is out of date (%s): recreating the directory tables", ", ".join(outdated)
        )
        Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)


def session_factory(engine: Engine) -> sessionmaker:
    """Sessions that keep loaded values usable after commit (results outlive the session)."""
    return sessionmaker(bind=engine, future=True, expire_on_commit=False)


@contextmanager
def session_scope(engine: Optional[Engine] = None) -> Iterator[Session]:
    """A session that commits on success, rolls back on any error and always closes.

    Without an engine it uses one shared engine for DATABASE_URL, created on first use (not at import).
    """
    session = session_factory(engine or _default_engine(None))()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
