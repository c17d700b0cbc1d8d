"""Published 3.0 documents -> the rows of the oruk_* tables (directory.models), in the load's transaction.

Why: the 3.0 API must answer a page, a filter or one record with one cheap statement, so the loader stores
each service's full JSON and list item as text (sent as they are) and derives, from the document itself,
the few columns the standard's filters need (terms, schedule days and times, ages, search text).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Optional, Tuple

from directory.models import (
    PublishedAttribute,
    PublishedDocument,
    PublishedSchedule,
    PublishedService,
    PublishedServiceAtLocation,
    PublishedTaxonomy,
    PublishedTerm,
)
from directory.oruk import taxonomy, v3
from directory.oruk.shapes import as_object, as_objects

DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_TIME = re.compile(r"^([01]\d|2[0-4]):([0-5]\d)(?::([0-5]\d))?")


@dataclass(frozen=True)
class Published:
    """One service as published: its 3.0 document, and our key when the chat can use it (else None)."""

    document: Dict[str, Any]
    key: Optional[str] = None


def dumps(document: Any) -> str:
    """The stored text of a document: key order kept, so what was given is what goes out."""
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))


def clock(value: Any) -> Optional[str]:
    """'9:00', '09:00' or '09:00:00' as 'HH:MM:SS' (how times are compared), or None."""
    if not isinstance(value, str):
        return None
    match = _TIME.match(value.strip().zfill(5) if len(value.strip()) == 4 else value.strip())
    return f"{match[1]}:{match[2]}:{match[3] or '00'}" if match else None


def _terms(document: Dict[str, Any]) -> Iterable[Tuple[str, Optional[str], Optional[Dict[str, Any]]]]:
    """(term id, taxonomy id, term JSON) for each attribute of the service."""
    for attribute in as_objects(document.get("attributes")):
        term = attribute.get("taxonomy_term") if isinstance(attribute.get("taxonomy_term"), dict) else None
        term_id = attribute.get("taxonomy_term_id") or (term or {}).get("id")
        if not isinstance(term_id, str):
            continue
        known = taxonomy.lookup(term_id)
        taxonomy_id = (term or {}).get("taxonomy_id") or (taxonomy.taxonomy_id(known.key) if known else None)
        yield term_id, taxonomy_id if isinstance(taxonomy_id, str) else None, term


def _schedules(service_id: str, document: Dict[str, Any]) -> List[Dict[str, Any]]:
    rows = []
    for schedule in as_objects(document.get("schedules")):
        days = [d.strip().upper() for d in str(schedule.get("byday") or "").split(",") if d.strip()]
        opens, closes = clock(schedule.get("opens_at")), clock(schedule.get("closes_at"))
        weekdays: List[Optional[str]] = [
            d[-2:] for d in days if d[-2:] in DAYS
        ]  # "1MO" (first Monday): Monday
        for day in weekdays or [None]:
            rows.append(dict(oruk_service_id=service_id, day=day, opens_at=opens, closes_at=closes))
    return rows


def _number(value: Any) -> Optional[float]:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _locations(service_id: str, document: Dict[str, Any], start: int) -> List[Dict[str, Any]]:
    rows = []
    for offset, place in enumerate(
        p for p in as_objects(document.get("service_at_locations")) if isinstance(p.get("id"), str)
    ):
        location = as_object(place.get("location"))
        postcode = next(
            (str(a["postal_code"]) for a in as_objects(location.get("addresses")) if a.get("postal_code")),
            None,
        )
        rows.append(
            dict(
                id=place["id"],
                oruk_service_id=service_id,
                position=start + offset,
                postcode="".join(postcode.upper().split())[:12] if postcode else None,
                latitude=_number(location.get("latitude")),
                longitude=_number(location.get("longitude")),
                document=dumps(place),
            )
        )
    return rows


def rows(published: List[Published]) -> List[Tuple[Any, List[Dict[str, Any]]]]:
    """Every oruk_* row for these services as (table, rows) in insert order (parents first), for executemany:
    building ORM objects for 10 000 services and their 100 000 terms took most of a load."""
    services: List[Dict[str, Any]] = []
    documents: List[Dict[str, Any]] = []
    attributes: List[Dict[str, Any]] = []
    schedules: List[Dict[str, Any]] = []
    locations: List[Dict[str, Any]] = []
    terms: Dict[str, Tuple[Optional[str], Dict[str, Any]]] = {
        term.id: (taxonomy.taxonomy_id(term.key), taxonomy.term_json(term)) for term in taxonomy.fixed_terms()
    }
    for position, entry in enumerate(published):
        document = entry.document
        sid = document["id"]
        text = " ".join(str(document.get(key) or "") for key in ("name", "alternate_name", "description"))
        services.append(
            dict(
                id=sid,
                service_id=entry.key,
                position=position,
                status=str(document.get("status")),
                search_text=" ".join(text.lower().split()),
                minimum_age=_number(document.get("minimum_age")),
                maximum_age=_number(document.get("maximum_age")),
            )
        )
        documents.append(dict(id=sid, item=dumps(v3.list_item(document)), document=dumps(document)))
        seen = set()
        for term_id, taxonomy_id, term in _terms(document):
            if term_id not in seen:
                seen.add(term_id)
                attributes.append(dict(oruk_service_id=sid, term_id=term_id, taxonomy_id=taxonomy_id))
            if term is not None and term_id not in terms:
                terms[term_id] = (taxonomy_id, term)
        schedules += _schedules(sid, document)
        locations += _locations(sid, document, len(locations))
    ours = [
        dict(id=taxonomy.taxonomy_id(key), position=i, document=dumps(taxonomy.taxonomy_json(key)))
        for i, key in enumerate(taxonomy.KEYS)
    ]
    term_rows = [
        dict(id=term_id, taxonomy_id=taxonomy_id, position=i, document=dumps(term))
        for i, (term_id, (taxonomy_id, term)) in enumerate(terms.items())
    ]
    return [
        (PublishedService, services),
        (PublishedDocument, documents),
        (PublishedTaxonomy, ours),
        (PublishedTerm, term_rows),
        (PublishedAttribute, attributes),
        (PublishedSchedule, schedules),
        (PublishedServiceAtLocation, locations),
    ]


def own(records: Iterable[Any]) -> List[Published]:
    """Our own records as published services (documents built by directory.oruk.v3)."""
    return [Published(v3.service_json(record), record.id) for record in records]
