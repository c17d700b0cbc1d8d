"""Read services back out of the database as the same ServiceRecord objects the YAML validator makes.

The API and the Open Referral UK export both build their JSON from ServiceRecord (directory.oruk.export),
so a service looks the same whether it came from YAML, from an imported feed or from the database.
Link rows come from the same UNION query matching uses (directory.queries.link_rows), in chunks so a
10 000-service export stays under SQLite's limit on bound parameters.
"""
from __future__ import annotations

from typing import Dict, Iterable, List, Optional, Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from directory import queries
from directory.models import Organisation, Service
from directory.records import ContactRecord, ServiceRecord

_COLUMNS = (Service.id, Service.name, Service.summary, Service.scope, Service.age_min, Service.age_max,
            Service.hours, Service.is_24_7, Service.confidence, Service.notes, Service.source,
            Service.last_verified, Service.variant_of, Service.source_file, Service.position,
            Organisation.name.label("organisation"))

CHUNK = 400  # ids per link query: 5 UNION branches x 400 stays far below SQLite's 32 766 parameters


def count_all(session: Session) -> int:
    """Every service in the directory."""
    return int(session.execute(select(func.count()).select_from(Service)).scalar_one())


def _links(session: Session, ids: Sequence[str]) -> Dict[str, Dict[str, list]]:
    links: Dict[str, Dict[str, list]] = {i: {"area": [], "audience": [], "concern": [], "route": [], "contact": []}
                                         for i in ids}
    for start in range(0, len(ids), CHUNK):
        chunk = list(ids[start:start + CHUNK])
        rows = session.execute(queries.link_rows(), {"ids": chunk}).all()
        for service_id, what, value, kind, label, _position in sorted(rows, key=lambda r: (r[0], r[1], r[5])):
            links[service_id][what].append(ContactRecord(kind, value, label) if what == "contact" else value)
    return links


def _record(row, links: Dict[str, Sequence]) -> ServiceRecord:
    return ServiceRecord(
        id=row.id, name=row.name, summary=row.summary, organisation=row.organisation,
        areas=tuple(links["area"]), scope=row.scope, age_min=row.age_min, age_max=row.age_max,
        audiences=tuple(links["audience"]), concerns=tuple(links["concern"]), how_to_refer=tuple(links["route"]),
        contacts=tuple(links["contact"]), hours=row.hours, is_24_7=bool(row.is_24_7), confidence=row.confidence,
        notes=row.notes, source=row.source, last_verified=row.last_verified, variant_of=row.variant_of,
        source_file=row.source_file, position=row.position)


def _rows(session: Session, ids: Optional[Sequence[str]], offset: int = 0, limit: Optional[int] = None) -> list:
    """Service columns (plain rows, no ORM objects: cheaper) for these ids in this order, or a page of all."""
    stmt = select(*_COLUMNS).join(Organisation, Organisation.id == Service.organisation_id)
    if ids is None:
        stmt = stmt.order_by(Service.position).offset(offset)
        return session.execute(stmt if limit is None else stmt.limit(limit)).all()
    rows = []
    for start in range(0, len(ids), CHUNK):
        rows += session.execute(stmt.where(Service.id.in_(ids[start:start + CHUNK]))).all()
    order = {service_id: i for i, service_id in enumerate(ids)}
    return sorted(rows, key=lambda row: order[row.id])


def read_records(session: Session, ids: Optional[Iterable[str]] = None, offset: int = 0,
                 limit: Optional[int] = None) -> List[ServiceRecord]:
    """Services as records: the given ids in that order (unknown ids are skipped), or else every service in
    load order, optionally one page of them (offset, limit)."""
    wanted = None if ids is None else list(dict.fromkeys(ids))
    if wanted == []:
        return []
    rows = _rows(session, wanted, offset, limit)
    links = _links(session, [row.id for row in rows])
    return [_record(row, links[row.id]) for row in rows]


def records_for(session: Session, results: Sequence) -> List[ServiceRecord]:
    """Records for matching results (directory.matching.MatchResult), in their order: the link values come
    from the results themselves, so this costs one light query instead of fetching them again."""
    rows = {row.id: row for row in _rows(session, [r.id for r in results])} if results else {}
    return [_record(rows[r.id], {"area": r.areas, "audience": r.audiences, "concern": r.concerns,
                                 "route": r.how_to_refer, "contact": r.contacts})
            for r in results if r.id in rows]
