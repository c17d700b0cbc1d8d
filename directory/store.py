"""Read services back out of the database as the same ServiceRecord objects the YAML validator makes.

The API and the Open Referral UK export both build their JSON from ServiceRecord (directory.oruk.export),
so a service looks the same whether it came from YAML, from an imported feed or from the database.
A record is one row: the service columns, its organisation's name and the link values the loader stored
with it (directory.links), so a page of the directory is one statement; matching reads the same columns.
"""

from __future__ import annotations

from typing import Iterable, List, Optional, Sequence

from sqlalchemy import func, select
from sqlalchemy.engine import Row

from directory import links, queries
from directory.db import Reader
from directory.models import Organisation, Service
from directory.records import ServiceRecord

CHUNK = 400  # ids per query, far below SQLite's limit of 32 766 bound parameters


def count_all(session: Reader) -> int:
    """Every service in the directory."""
    return int(session.execute(select(func.count()).select_from(Service)).scalar_one())


def record(row: Row) -> ServiceRecord:
    """A ServiceRecord from a row with the columns of directory.queries.RECORD_COLUMNS."""
    return ServiceRecord(
        id=row.id,
        name=row.name,
        summary=row.summary,
        organisation=row.organisation,
        scope=row.scope,
        age_min=row.age_min,
        age_max=row.age_max,
        hours=row.hours,
        is_24_7=bool(row.is_24_7),
        confidence=row.confidence,
        notes=row.notes,
        source=row.source,
        last_verified=row.last_verified,
        variant_of=row.variant_of,
        source_file=row.source_file,
        position=row.position,
        **links.decode(row.links),
    )


def _rows(
    session: Reader, ids: Optional[Sequence[str]], offset: int = 0, limit: Optional[int] = None
) -> List[Row]:
    """Record rows (plain rows, no ORM objects: cheaper) for these ids in this order, or a page of all."""
    stmt = select(*queries.RECORD_COLUMNS).join(Organisation, Organisation.id == Service.organisation_id)
    if ids is None:
        stmt = stmt.order_by(Service.position).offset(offset)
        return list(session.execute(stmt if limit is None else stmt.limit(limit)).all())
    rows = []
    for start in range(0, len(ids), CHUNK):
        rows += session.execute(stmt.where(Service.id.in_(ids[start : start + CHUNK]))).all()
    order = {service_id: i for i, service_id in enumerate(ids)}
    return sorted(rows, key=lambda row: order[row.id])


def read_records(
    session: Reader, ids: Optional[Iterable[str]] = None, offset: int = 0, limit: Optional[int] = None
) -> List[ServiceRecord]:
    """Services as records: the given ids in that order (unknown ids are skipped), or else every service in
    load order, optionally one page of them (offset, limit)."""
    wanted = None if ids is None else list(dict.fromkeys(ids))
    if wanted == []:
        return []
    return [record(row) for row in _rows(session, wanted, offset, limit)]
