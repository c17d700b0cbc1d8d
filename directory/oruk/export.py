"""ServiceRecord -> Open Referral UK v1 JSON: one service object, and the paged list the ORUK API returns.

Standard fields carry everything they can (assured_date, eligibilitys, service_areas, contacts/phones,
regular_schedules, service_taxonomys, url, email); the provenance ORUK has no field for (source,
confidence, notes, variant_of) goes in one extension object, "x-directory", which ORUK consumers ignore and
our importer reads back, so export then import loses nothing (tests/directory/test_oruk.py).
"""

from __future__ import annotations

import math
import uuid
from functools import lru_cache
from typing import Any, Dict, Iterable, List, Optional

from directory import vocab
from directory.concerns import load_concerns
from directory.oruk.mapping import load_mapping
from directory.records import ServiceRecord, slugify

EXTENSION = "x-directory"
ALL_DAYS = "MO,TU,WE,TH,FR,SA,SU"
OPENS_24_7, CLOSES_24_7 = "00:00", "23:59"
_ORG_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://openreferraluk.org/camhs-hub/organisation")


@lru_cache(maxsize=4096)
def organisation_id(name: str) -> str:
    """ORUK v1 wants a UUID for organisations: a stable one derived from our organisation slug."""
    return str(uuid.uuid5(_ORG_NAMESPACE, slugify(name)))


def web_url(value: str) -> str:
    """Our web addresses are written without a scheme (as the reference writes them); ORUK wants one."""
    return value if "://" in value else f"https://{value}"


def _set(target: Dict[str, Any], **values: Any) -> Dict[str, Any]:
    """Add the fields that are known: ORUK validators type-check present fields, and an absent field means
    "not known" (null would need every consumer to expect it)."""
    target.update((key, value) for key, value in values.items() if value is not None)
    return target


def _taxonomy(service_id: str, index: int, vocabulary: str, code: str, name: str) -> Dict[str, Any]:
    return {
        "id": f"{service_id}:taxonomy:{index}",
        "taxonomy": {"id": f"{vocabulary}:{code}", "name": name, "vocabulary": vocabulary},
    }


def _taxonomies(record: ServiceRecord) -> List[Dict[str, Any]]:
    mapping, concerns = load_mapping(), load_concerns()
    terms = (
        [(mapping.vocabularies["concern"], code, concerns[code].label) for code in record.concerns]
        + [
            (mapping.vocabularies["audience"], code, mapping.audience_labels[code])
            for code in record.audiences
        ]
        + [
            (mapping.vocabularies["referral"], code, mapping.referral_labels[code])
            for code in record.how_to_refer
        ]
    )
    return [_taxonomy(record.id, i, *term) for i, term in enumerate(terms)]


def _contacts(record: ServiceRecord) -> List[Dict[str, Any]]:
    """Phones, text numbers and emails as ORUK contacts, in their order; the label is the contact's name."""
    result = []
    for i, contact in enumerate(c for c in record.contacts if c.kind != "website"):
        item = _set({"id": f"{record.id}:contact:{i}"}, name=contact.label)
        if contact.kind == "email":
            item["email"] = contact.value  # HSDS 1.1 contact.email
            item["phones"] = []
        else:
            item["phones"] = [
                {
                    "id": f"{record.id}:phone:{i}",
                    "number": contact.value,
                    "type": "text" if contact.kind == "text" else "voice",
                }
            ]  # HSDS 1.1 phone.type
        result.append(item)
    return result


def _schedules(record: ServiceRecord) -> List[Dict[str, Any]]:
    """Free-text hours as the schedule description; 24/7 also as a structured every-day, all-day schedule."""
    if record.hours is None and not record.is_24_7:
        return []
    schedule = _set({"id": f"{record.id}:schedule:0"}, description=record.hours)
    if record.is_24_7:
        schedule.update(freq="WEEKLY", byday=ALL_DAYS, opens_at=OPENS_24_7, closes_at=CLOSES_24_7)
    return [schedule]


def _eligibilitys(record: ServiceRecord) -> List[Dict[str, Any]]:
    """Ages as one eligibility; an unstated bound is left out (not 0), so "not stated" survives a round trip."""
    if record.age_min is None and record.age_max is None:
        return []
    item: Dict[str, Any] = {"id": f"{record.id}:eligibility:0"}
    if record.age_min is not None:
        item["minimum_age"] = record.age_min
    if record.age_max is not None:
        item["maximum_age"] = record.age_max
    return [item]


def _areas(record: ServiceRecord) -> List[str]:
    """A London-wide service is written as the one area "London" (not 33 boroughs) so it stays London-wide."""
    return [vocab.LONDON] if record.scope == vocab.SCOPE_LONDON else list(record.areas)


def _attending_access(record: ServiceRecord) -> Optional[str]:
    """ORUK's single access value, for consumers only (the referral taxonomy says it exactly)."""
    routes = set(record.how_to_refer)
    if "drop_in" in routes:
        return "drop-in"
    if routes and not routes & vocab.DIRECT_ROUTES:
        return "referral"
    return None


def _extension(record: ServiceRecord) -> Dict[str, Any]:
    websites = [c for c in record.contacts if c.kind == "website"]
    extension = _set(
        {"source": record.source, "confidence": record.confidence},
        notes=record.notes,
        variant_of=record.variant_of,
    )
    if len(websites) > 1 or any(c.label for c in websites):  # `url` holds one address and no label
        extension["websites"] = [{"value": c.value, "label": c.label} for c in websites]
    return extension


def service_json(record: ServiceRecord) -> Dict[str, Any]:
    """One service in the ORUK v1 service_details shape (what GET /services/{id} returns)."""
    website = record.first("website")
    service = _set(
        {"id": record.id, "name": record.name, "description": record.summary},
        url=web_url(website) if website else None,
        email=record.first("email"),
    )
    service.update(status="active", assured_date=record.last_verified.isoformat())
    _set(service, attending_access=_attending_access(record))
    service.update(
        {
            "organization": {
                "id": organisation_id(record.organisation),
                "name": record.organisation,
                "description": "",
            },
            "eligibilitys": _eligibilitys(record),
            "service_areas": [
                {"id": f"{record.id}:area:{i}", "service_area": area} for i, area in enumerate(_areas(record))
            ],
            "service_taxonomys": _taxonomies(record),
            "contacts": _contacts(record),
            "regular_schedules": _schedules(record),
            "service_at_locations": [],  # the sources give no addresses; nothing is made up
            EXTENSION: _extension(record),
        }
    )
    return service


def page_json(content: List[Dict[str, Any]], total: int, page: int, per_page: int) -> Dict[str, Any]:
    """The ORUK v1 page wrapper (totalElements, totalPages, number, size, first, last, empty, content).
    Pages are numbered from 1, as ORUK's `page` parameter is."""
    pages = max(1, math.ceil(total / per_page)) if per_page else 1
    return {
        "totalElements": total,
        "totalPages": pages,
        "number": page,
        "size": per_page,
        "first": page == 1,
        "last": page >= pages,
        "empty": not content,
        "content": content,
    }


def feed_json(records: Iterable[ServiceRecord]) -> Dict[str, Any]:
    """A whole directory as one ORUK page: the file `python -m directory export` writes."""
    content = [service_json(record) for record in records]
    return page_json(content, len(content), 1, max(1, len(content)))
