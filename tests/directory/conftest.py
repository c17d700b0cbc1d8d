"""Fixtures for the directory tests: the same tests run on SQLite and on a real PostgreSQL.

PostgreSQL tests use throwaway databases (directory_test_<random>_*) created and dropped per test session,
because database `test` is shared with other parts. They skip, saying why, only if the server is unreachable.
"""

from __future__ import annotations

import os
import uuid
from typing import Dict, Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from directory.db import make_engine
from directory.loader import load_directory
from directory.models import Base

PG_ADMIN_URL = os.environ.get("DIRECTORY_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def pg_databases() -> Iterator[Dict[str, str]]:
    """Two fresh PostgreSQL databases: 'ro' holds the real data, 'rw' is reset by each test."""
    try:
        admin = make_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # any connection failure means "unreachable" here
        pytest.skip(f"PostgreSQL at {PG_ADMIN_URL} is unreachable: {exc.__class__.__name__}")
    prefix = f"directory_test_{uuid.uuid4().hex[:10]}"
    names = {"ro": f"{prefix}_ro", "rw": f"{prefix}_rw"}
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    with admin.connect() as conn:
        for name in names.values():
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield {key: f"{base}/{name}" for key, name in names.items()}
    finally:
        with admin.connect() as conn:
            for name in names.values():
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _engine_for(backend: str, request, purpose: str, tmp_dir) -> Engine:
    if backend == "sqlite":
        return make_engine(f"sqlite:///{tmp_dir / f'directory_{purpose}.db'}")
    return make_engine(request.getfixturevalue("pg_databases")[purpose])


@pytest.fixture(scope="session", params=BACKENDS)
def loaded_engine(request, tmp_path_factory) -> Iterator[Engine]:
    """The real seed data loaded once per backend; tests must not change it."""
    engine = _engine_for(request.param, request, "ro", tmp_path_factory.mktemp("ro"))
    load_directory(engine)
    yield engine
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def empty_engine(request, tmp_path) -> Iterator[Engine]:
    """A directory database with empty tables, fresh for each test."""
    engine = _engine_for(request.param, request, "rw", tmp_path)
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    yield engine
    Base.metadata.drop_all(engine)
    engine.dispose()


def good_service(drop: tuple = (), **overrides) -> dict:
    """A valid service record as written in YAML; tests change (or drop) one field to make it bad."""
    record = {
        "id": "first-steps",
        "name": "First Steps",
        "summary": "Short-term psychology support.",
        "organisation": "Homerton University Hospital NHS Foundation Trust",
        "areas": ["City of London", "Hackney"],
        "age_min": 0,
        "age_max": 18,
        "audiences": ["young_person", "parent"],
        "concerns": ["anxiety", "general"],
        "how_to_refer": ["self", "professional"],
        "is_24_7": False,
        "confidence": "high",
        "source": "seed-services.md 1E E2",
        "last_verified": "2026-11-25",
    }
    record.update(overrides)
    return {key: value for key, value in record.items() if key not in drop}


def write_services(folder, files: Dict[str, list]) -> None:
    """Write {file name: [service dicts]} as YAML service files into folder."""
    import yaml

    folder.mkdir(parents=True, exist_ok=True)
    for name, services in files.items():
        (folder / name).write_text(yaml.safe_dump({"services": services}, sort_keys=False), encoding="utf-8")


@pytest.fixture
def service_factory():
    return good_service


@pytest.fixture
def services_writer():
    return write_services
