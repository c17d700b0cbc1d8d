"""Reads for the Open Referral UK 3.0 API: pages and records as the stored JSON text, filters in SQL.

Why text: the loader stored each document and list item exactly as they are published (directory.oruk.
publish), so a page is a count, one ordered statement, and the texts joined into the envelope; nothing is
parsed or rebuilt per request. Every filter is a WHERE clause, so they combine with AND as the spec asks.
"""

from __future__ import annotations

import json
from typing import Dict, Iterable, List, Optional, Sequence, Tuple, Type, Union

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.sql.expression import ColumnElement

from directory import vocab
from directory.api_params import Filters
from directory.db import Reader
from directory.models import (
    PublishedAttribute,
    PublishedDocument,
    PublishedSchedule,
    PublishedService,
    PublishedServiceAtLocation,
    PublishedTaxonomy,
    PublishedTerm,
    ServiceArea,
)
from directory.oruk import v3

#: The tables whose rows are whole JSON documents, read by id or a page at a time.
Published = Type[Union[PublishedTaxonomy, PublishedTerm, PublishedServiceAtLocation]]


def _like(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def conditions(filters: Filters) -> List[ColumnElement]:
    """WHERE clauses on oruk_service for the 3.0 filters (empty list: no filter)."""
    where = [PublishedService.search_text.like(_like(word), escape="\\") for word in filters.search]
    if filters.taxonomy_term_id is not None:  # IN, not EXISTS: SQLite then starts from the term's index
        where.append(
            PublishedService.id.in_(
                select(PublishedAttribute.oruk_service_id).where(
                    PublishedAttribute.term_id == filters.taxonomy_term_id
                )
            )
        )
    if filters.taxonomy_id is not None:
        where.append(
            PublishedService.id.in_(
                select(PublishedAttribute.oruk_service_id).where(
                    PublishedAttribute.taxonomy_id == filters.taxonomy_id
                )
            )
        )
    if filters.minimum_age is not None:
        where.append(PublishedService.minimum_age >= filters.minimum_age)
    if filters.maximum_age is not None:
        where.append(PublishedService.maximum_age <= filters.maximum_age)
    timing = []
    if filters.day is not None:
        timing.append(PublishedSchedule.day == filters.day)
    if filters.start_time is not None:
        timing.append(PublishedSchedule.opens_at >= filters.start_time)
    if filters.end_time is not None:
        timing.append(PublishedSchedule.closes_at <= filters.end_time)
    if timing:  # all on one schedule: "open on Mondays from 09:00" is one opening, not two
        where.append(exists().where(PublishedSchedule.oruk_service_id == PublishedService.id, *timing))
    return where


def services_page(connection: Reader, filters: Filters, page: int, per_page: int) -> Tuple[int, List[str]]:
    """(total, list-item JSON texts of this page) in load order."""
    where = conditions(filters)
    total = connection.execute(select(func.count()).select_from(PublishedService).where(*where)).scalar_one()
    ids = (
        select(PublishedService.id, PublishedService.position)
        .where(*where)
        .order_by(PublishedService.position)
        .offset((page - 1) * per_page)
        .limit(per_page)
        .subquery()
    )
    stmt = select(PublishedDocument.item).join(ids, ids.c.id == PublishedDocument.id).order_by(ids.c.position)
    return int(total), list(connection.execute(stmt).scalars())


def service_document(connection: Reader, ident: str) -> Tuple[Optional[str], Optional[str]]:
    """(document text, None) for a 3.0 id; (None, its 3.0 id) for an old id (our key); (None, None) if unknown."""
    text = connection.execute(
        select(PublishedDocument.document).where(PublishedDocument.id == ident)
    ).scalar()
    if text is not None:
        return text, None
    return None, connection.execute(
        select(PublishedService.id).where(PublishedService.service_id == ident)
    ).scalar()


def items_for_keys(connection: Reader, keys: Sequence[str]) -> Dict[str, str]:
    """Our key -> list-item JSON text, for the services a match returned."""
    if not keys:
        return {}
    stmt = (
        select(PublishedService.service_id, PublishedDocument.item)
        .join(PublishedDocument, PublishedDocument.id == PublishedService.id)
        .where(PublishedService.service_id.in_(keys))
    )
    return dict(connection.execute(stmt).all())


def all_documents(connection: Reader) -> List[str]:
    """Every published service's full JSON text, in load order (the 3.0 export)."""
    stmt = (
        select(PublishedDocument.document)
        .join(PublishedService, PublishedService.id == PublishedDocument.id)
        .order_by(PublishedService.position)
    )
    return list(connection.execute(stmt).scalars())


def _page_of(
    connection: Reader, table: Published, page: int, per_page: int, *where: ColumnElement
) -> Tuple[int, List[str]]:
    total = connection.execute(select(func.count()).select_from(table).where(*where)).scalar_one()
    stmt = (
        select(table.document)
        .where(*where)
        .order_by(table.position)
        .offset((page - 1) * per_page)
        .limit(per_page)
    )
    return int(total), list(connection.execute(stmt).scalars())


def taxonomies_page(connection: Reader, page: int, per_page: int) -> Tuple[int, List[str]]:
    return _page_of(connection, PublishedTaxonomy, page, per_page)


def terms_page(connection: Reader, page: int, per_page: int) -> Tuple[int, List[str]]:
    return _page_of(connection, PublishedTerm, page, per_page)


def one(connection: Reader, table: Published, ident: str) -> Optional[str]:
    """The JSON text of one taxonomy, term or service at location, or None."""
    document: Optional[str] = connection.execute(select(table.document).where(table.id == ident)).scalar()
    return document


def _covers(filters: Filters) -> List[ColumnElement]:
    """service_at_locations whose service's area holds the postcode: its borough, London-wide, national or
    online (our areas), or, for services the chat does not use, an address in the same postcode district."""
    if filters.postcode is None:
        return []
    areas = [vocab.NATIONAL, vocab.ONLINE] + (
        [filters.borough] if filters.borough != vocab.OUTSIDE_LONDON else []
    )
    in_area = exists().where(
        ServiceArea.service_id == PublishedService.service_id, ServiceArea.area.in_(areas)
    )
    district = filters.postcode[:-3] if len(filters.postcode) > 4 else filters.postcode
    same_district = or_(
        PublishedServiceAtLocation.postcode == district,
        and_(
            func.length(PublishedServiceAtLocation.postcode) > 4,
            func.substr(
                PublishedServiceAtLocation.postcode, 1, func.length(PublishedServiceAtLocation.postcode) - 3
            )
            == district,
        ),
    )
    return [or_(in_area, same_district)]


def locations_page(connection: Reader, filters: Filters, page: int, per_page: int) -> Tuple[int, List[str]]:
    """(total, JSON texts) of service_at_location list items: the location's one-to-one fields and the
    service's list item, as the UK service_at_location_list example has them."""
    where = (
        [PublishedServiceAtLocation.oruk_service_id == PublishedService.id]
        + conditions(filters)
        + _covers(filters)
    )
    total = connection.execute(
        select(func.count())
        .select_from(PublishedServiceAtLocation)
        .join(PublishedService, PublishedService.id == PublishedServiceAtLocation.oruk_service_id)
        .where(*where)
    ).scalar_one()
    stmt = (
        select(PublishedServiceAtLocation.document, PublishedDocument.item)
        .join(PublishedService, PublishedService.id == PublishedServiceAtLocation.oruk_service_id)
        .join(PublishedDocument, PublishedDocument.id == PublishedService.id)
        .where(*where)
        .order_by(PublishedServiceAtLocation.position)
        .offset((page - 1) * per_page)
        .limit(per_page)
    )
    return int(total), [location_item(document, item) for document, item in connection.execute(stmt).all()]


def location_item(document: str, service_item: str) -> str:
    place = json.loads(document)
    if isinstance(place.get("location"), dict):
        place["location"] = v3.list_item(place["location"])
    item = v3.list_item(place)
    item["service"] = json.loads(service_item)
    return json.dumps(item, ensure_ascii=False, separators=(",", ":"))


def page_text(items: Iterable[str], total: int, page: int, per_page: int) -> str:
    """The 3.0 page envelope around already-encoded items (no decoding and re-encoding of each item)."""
    items = list(items)
    envelope = v3.page([], total, page, per_page)
    envelope.update(size=len(items), empty=not items)
    head = json.dumps(envelope, separators=(",", ":"))
    return head[: -len("[]}")] + "[" + ",".join(items) + "]}"
