"""Database connection helpers: one place that decides which database the directory talks to.

`DATABASE_URL` (from the environment or a local `.env`) picks PostgreSQL in deployment; without it the
directory uses a SQLite file next to this module (git-ignored), so tests and the CLI work out of the box.
"""
from __future__ import annotations

import os
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Iterator, Optional

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from directory.models import Base

DEFAULT_SQLITE_PATH = Path(__file__).parent / "directory.db"


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


def _enable_sqlite_foreign_keys(dbapi_connection, _record) -> None:
    """SQLite ignores foreign keys unless asked, and the loader relies on them to reject dangling rows."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def make_engine(url: Optional[str] = None, **kwargs) -> Engine:
    """A SQLAlchemy 2.0-style engine for the directory database (see database_url for the choice)."""
    resolved = database_url(url)
    if resolved.startswith("postgresql"):
        kwargs.setdefault("pool_pre_ping", True)
        kwargs.setdefault("connect_args", {"connect_timeout": 5})
    engine = create_engine(resolved, future=True, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _enable_sqlite_foreign_keys)
    return engine


@lru_cache(maxsize=4)
def _default_engine(url: Optional[str]) -> Engine:
    return make_engine(url)


def create_schema(engine: Optional[Engine] = None) -> None:
    """Create any missing directory tables (idempotent)."""
    Base.metadata.create_all(engine or _default_engine(None))


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
