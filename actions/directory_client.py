"""Ask the service directory without ever stalling the action server.

Matching is synchronous SQLAlchemy, so it runs in a worker thread with a time limit: one slow database
must not hold up every other conversation on the action server's event loop. When the database cannot be
reached in time the answer falls back to the national and online services read straight from YAML, and the
next request tries the database again, so the bot recovers by itself when the database comes back.
"""

from __future__ import annotations

import asyncio
import logging
import os
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Dict, List, Optional

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from directory import fallback, store
from directory.db import make_read_engine
from directory.matching import MatchQuery, find_services, professional_routes, service_payload
from directory.records import ServicePayload, ServiceRecord, read_services

log = logging.getLogger(__name__)

SEARCH_TIMEOUT_S = float(os.environ.get("DIRECTORY_TIMEOUT_S", "3"))
MAX_RESULTS = 5


@dataclass
class ServiceLine:
    """What the reply says about one service, plus its payload item for the widget."""

    payload: ServicePayload
    reason: str = ""
    sms: Optional[str] = None


@dataclass
class SearchAnswer:
    services: List[ServiceLine] = field(default_factory=list)
    referral_only: List[str] = field(default_factory=list)
    degraded: bool = False  # True when the directory database could not be used


@lru_cache(maxsize=1)
def _engine() -> Engine:
    """One engine (and connection pool) per action server process, created on first use. The action server
    only reads, so it is a read engine: no transaction round trips around a match on PostgreSQL."""
    return make_read_engine()


def _sms_label(result: Any) -> Optional[str]:
    texts = [c for c in getattr(result, "contacts", ()) if c.kind == "text"]
    return (texts[0].label or texts[0].value) if texts else None


def _search_database(query: MatchQuery) -> SearchAnswer:
    with _engine().connect() as connection:
        results = find_services(connection, query, limit=MAX_RESULTS)
        referral_only = professional_routes(connection, query) if query.role != "professional" else []
    return SearchAnswer(
        services=[ServiceLine(service_payload(r), r.reason, _sms_label(r)) for r in results],
        referral_only=[r.name for r in referral_only],
    )


def _fallback(query: MatchQuery) -> SearchAnswer:
    items = fallback.national_services(age=query.age, role=query.role)[:MAX_RESULTS]
    return SearchAnswer(services=[ServiceLine(item) for item in items], degraded=True)


async def search(query: MatchQuery) -> SearchAnswer:
    """Matched services, or national/online ones from YAML when the database is down or slow."""
    try:
        return await asyncio.wait_for(asyncio.to_thread(_search_database, query), SEARCH_TIMEOUT_S)
    except (asyncio.TimeoutError, SQLAlchemyError, OSError) as error:
        log.error("directory unavailable (%s); answering with national services", type(error).__name__)
        return _fallback(query)


@lru_cache(maxsize=1)
def _yaml_records() -> Dict[str, ServiceRecord]:
    return {record.id: record for record in read_services()}


def _read_database(ids: List[str]) -> List[ServiceRecord]:
    with _engine().connect() as connection:
        return store.read_records(connection, ids)


async def records(ids: List[str]) -> List[ServiceRecord]:
    """Full records of these services (unknown ids skipped), from the database or, when it is down or slow,
    from the YAML the database was loaded from."""
    try:
        found = await asyncio.wait_for(asyncio.to_thread(_read_database, ids), SEARCH_TIMEOUT_S)
    except (asyncio.TimeoutError, SQLAlchemyError, OSError) as error:
        log.error("directory unavailable (%s); reading services from YAML", type(error).__name__)
        found = []
    known = {record.id for record in found}
    return found + [_yaml_records()[i] for i in ids if i not in known and i in _yaml_records()]


def families() -> Dict[str, str]:
    """Service id -> the family it belongs to (variant_of, or itself): "Kooth" means the local Kooth."""
    return {record.id: record.variant_of or record.id for record in _yaml_records().values()}
