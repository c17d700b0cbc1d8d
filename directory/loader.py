"""Load the YAML service data (or an Open Referral UK feed) into the database, all or nothing.

Every record is validated before the database is touched (see directory.records). The old content is
then deleted and the new content inserted inside ONE transaction, so readers see either the previous
directory or the new one, never a mix, and any failure leaves the previous content in place.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Set, Tuple

from sqlalchemy import delete, insert, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from directory import links, vocab
from directory.concerns import bit_order, load_concerns
from directory.db import create_schema, session_scope
from directory.models import (
    TABLES_IN_DELETE_ORDER,
    ConcernTerm,
    Contact,
    Organisation,
    PublishedDocument,
    ReferralRoute,
    SearchEntry,
    Service,
    ServiceArea,
    ServiceAudience,
    ServiceConcern,
    SupersededArea,
)
from directory.oruk import publish
from directory.oruk.import3 import Feed, read_any_file
from directory.records import SERVICES_DIR, ServiceRecord, read_services, slugify

log = logging.getLogger(__name__)


@dataclass
class LoadSummary:
    """What a load put in the database, for the CLI and for tests."""

    services: int = 0
    organisations: int = 0
    by_area: Dict[str, int] = field(default_factory=dict)  # "London" counts London-wide services once
    published: int = 0  # services in the 3.0 API and export (imported ones the chat cannot use too)
    added: int = 0  # compared with the directory before this load, by 3.0 id
    updated: int = 0
    unchanged: int = 0
    removed: int = 0


def _compare(session: Session, published: List[publish.Published], summary: LoadSummary) -> None:
    """Count added, updated, unchanged and removed services against what the database held before."""
    before = dict(session.execute(select(PublishedDocument.id, PublishedDocument.document)).all())
    for entry in published:
        old = before.pop(entry.document["id"], None)
        if old is None:
            summary.added += 1
        elif old == publish.dumps(entry.document):
            summary.unchanged += 1
        else:
            summary.updated += 1
    summary.removed = len(before)


def _service_row(record: ServiceRecord, organisation_id: str) -> Service:
    """One Service with its link rows, built from a validated record."""
    row: Service = Service(
        id=record.id,
        organisation_id=organisation_id,
        name=record.name,
        summary=record.summary,
        age_min=record.age_min,
        age_max=record.age_max,
        scope=record.scope,
        variant_of=record.variant_of,
        hours=record.hours,
        is_24_7=record.is_24_7,
        confidence=record.confidence,
        notes=record.notes,
        source=record.source,
        source_file=record.source_file,
        last_verified=record.last_verified,
        position=record.position,
        links=links.encode(record),
        areas=[ServiceArea(area=a, position=i) for i, a in enumerate(record.areas)],
        audiences=[ServiceAudience(audience=a, position=i) for i, a in enumerate(record.audiences)],
        concerns=[ServiceConcern(concern=c, position=i) for i, c in enumerate(record.concerns)],
        routes=[ReferralRoute(route=r, position=i) for i, r in enumerate(record.how_to_refer)],
        contacts=[
            Contact(kind=c.kind, value=c.value, label=c.label, position=i)
            for i, c in enumerate(record.contacts)
        ],
    )
    return row


def _search_entries(record: ServiceRecord) -> List[SearchEntry]:
    """The derived search rows for one service: one per area it serves."""
    low = record.age_min if record.age_min is not None else 0
    high = record.age_max if record.age_max is not None else vocab.ALL_AGES_MAX
    common = dict(
        service_id=record.id,
        family=record.variant_of or record.id,
        scope_rank=vocab.SCOPE_RANK[record.scope],
        is_24_7=record.is_24_7,
        age_min=record.age_min,
        age_max=record.age_max,
        age_span=high - low,
        concern_bits=vocab.bits(record.concerns, bit_order()),
        route_bits=vocab.bits(record.how_to_refer, vocab.REFERRAL_ROUTES),
        audience_bits=vocab.bits(record.audiences, vocab.AUDIENCES),
        position=record.position,
    )
    return [SearchEntry(area=area, **common) for area in record.areas]


def _clustered(entries: Iterable[SearchEntry]) -> List[SearchEntry]:
    """Search rows in primary-key order (area, service_id), the order they are inserted in.

    A match reads all rows of two or three areas. SQLite keeps this table in key order anyway (WITHOUT ROWID);
    PostgreSQL stores rows in insert order, so in service order one area's rows sat on hundreds of pages
    (one page per row) and the scan was most of a match's time. Inserted by area, they fill a few pages each.
    """
    return sorted(entries, key=lambda entry: (entry.area, entry.service_id))


def _superseded(records: Iterable[ServiceRecord]) -> Set[Tuple[str, str]]:
    """(national service id, borough) pairs where a local variant takes over."""
    return {
        (record.variant_of, area)
        for record in records
        if record.variant_of and record.scope == "local"
        for area in record.areas
    }


def replace_contents(
    session: Session, records: Iterable[ServiceRecord], published: Optional[List[publish.Published]] = None
) -> LoadSummary:
    """Delete everything and insert these records in the caller's transaction (no commit here).

    `published` are the 3.0 documents to serve (an imported 3.0 feed's, as given); by default our records'.
    """
    records = list(records)
    published = publish.own(records) if published is None else published
    summary = LoadSummary(published=len(published))
    _compare(session, published, summary)
    for table in TABLES_IN_DELETE_ORDER:
        session.execute(delete(table))
    order = bit_order()
    session.add_all(
        ConcernTerm(code=c.code, label=c.label, description=c.description, bit=order.index(c.code))
        for c in load_concerns().values()
    )
    session.flush()
    organisations: Dict[str, Organisation] = {}
    areas: Counter[str] = Counter()
    for record in records:
        org_id = slugify(record.organisation)
        if org_id not in organisations:
            organisations[org_id] = Organisation(id=org_id, name=record.organisation)
            session.add(organisations[org_id])
        session.add(_service_row(record, org_id))
        areas.update(["London"] if record.scope == "london" else record.areas)
        summary.services += 1
    session.flush()
    session.add_all(
        SupersededArea(service_id=service_id, area=area) for service_id, area in sorted(_superseded(records))
    )
    session.add_all(_clustered(entry for record in records for entry in _search_entries(record)))
    session.flush()
    for table, rows in publish.rows(published):  # parents first; executemany, no ORM objects
        if rows:
            session.execute(insert(table.__table__), rows)
    for table in TABLES_IN_DELETE_ORDER:  # fresh statistics so the planner uses the right indexes
        session.execute(text(f"ANALYZE {table.__tablename__}"))
    summary.organisations = len(organisations)
    summary.by_area = dict(sorted(areas.items()))
    return summary


def _vacuum(engine: Engine) -> None:
    """On PostgreSQL, after the load has committed: clear away the previous directory's rows at once.

    A load deletes every row and inserts new ones. Until VACUUM runs, each match's index scan still visits
    the old versions: 2 043 index entries for 843 live rows after a few reloads, and more with every reload
    while autovacuum waits for its next round (or is switched off, as on the development server). VACUUM
    cannot run inside the load's transaction, and a failure here leaves a complete, committed load.
    """
    if engine.dialect.name != "postgresql":
        return
    tables = ", ".join(table.__tablename__ for table in TABLES_IN_DELETE_ORDER)
    try:
        with engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT").execute(text(f"VACUUM {tables}"))
    except SQLAlchemyError as exc:
        log.warning("directory loaded, but VACUUM failed (%s); autovacuum will catch up", type(exc).__name__)


def load_records(
    engine: Engine, records: List[ServiceRecord], published: Optional[List[publish.Published]] = None
) -> LoadSummary:
    """Replace the directory with already-validated records in one transaction (then VACUUM, see _vacuum)."""
    create_schema(engine)
    with session_scope(engine) as session:
        summary = replace_contents(session, records, published)
    _vacuum(engine)
    log.info("directory loaded: %d services, %d organisations", summary.services, summary.organisations)
    return summary


def load_feed(engine: Engine, path: Path) -> Tuple[LoadSummary, Feed]:
    """Validate an Open Referral UK feed file (3.0, or 1.0), then replace the database content with it in one
    transaction (raises DirectoryDataError before the database is touched when the feed is not valid)."""
    feed = read_any_file(path)
    return load_records(engine, feed.records, feed.published), feed


def load_directory(engine: Engine, services_dir: Optional[Path] = None) -> LoadSummary:
    """Validate every YAML file, then replace the database content with it (raises DirectoryDataError)."""
    records = read_services(services_dir or SERVICES_DIR)
    return load_records(engine, records)
