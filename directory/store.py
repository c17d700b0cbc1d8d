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


def _record(service: Service, organisation: str, links: Dict[str, list]) -> ServiceRecord:
    return ServiceRecord(
        id=service.id, name=service.name, summary=service.summary, organisation=organisation,
        areas=tuple(links["area"]), scope=service.scope, age_min=service.age_min, age_max=service.age_max,
        audiences=tuple(links["audience"]), concerns=tuple(links["concern"]), how_to_refer=tuple(links["route"]),
        contacts=tuple(links["contact"]), hours=service.hours, is_24_7=bool(service.is_24_7),
        confidence=service.confidence, notes=service.notes, source=service.source,
        last_verified=service.last_verified, variant_of=service.variant_of, source_file=service.source_file,
        position=service.position)


def read_records(session: Session, ids: Optional[Iterable[str]] = None, offset: int = 0,
                 limit: Optional[int] = None) -> List[ServiceRecord]:
    """Services as records: the given ids in that order (unknown ids are skipped), or else every service in
    load order, optionally one page of them (offset, limit)."""
    stmt = (select(Service, Organisation.name).join(Organisation, Organisation.id == Service.organisation_id))
    wanted = None if ids is None else list(dict.fromkeys(ids))
    if wanted is not None:
        if not wanted:
            return []
        rows = []
        for start in range(0, len(wanted), CHUNK):
            rows += session.execute(stmt.where(Service.id.in_(wanted[start:start + CHUNK]))).all()
        order = {service_id: i for i, service_id in enumerate(wanted)}
        rows.sort(key=lambda row: order[row[0].id])
    else:
        stmt = stmt.order_by(Service.position).offset(offset)
        rows = session.execute(stmt if limit is None else stmt.limit(limit)).all()
    links = _links(session, [row[0].id for row in rows])
    return [_record(service, organisation, links[service.id]) for service, organisation in rows]
