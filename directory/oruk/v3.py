"""ServiceRecord -> Open Referral UK 3.0 JSON (HSDS 3.0 with the UK profile), and the 3.0 page envelope.

Why each choice:
- ids are UUIDs (the profile requires `format: uuid`), UUIDv5 of our own keys (taxonomy.uuid_for), so the
  same entry has the same id after every reload and a link to it keeps working;
- concerns, audiences, age bands, referral routes, confidence and source are `attributes` pointing at our
  taxonomy terms (directory.oruk.taxonomy), so `taxonomy_term_id` filters work and provenance travels in a
  standard field; `assured_date` is last_verified (the date the facts were last checked);
- phones and emails use HSDS 3.0's contact.phones / contact.email (the UK profile's contact has neither,
  and HSDS objects are open); a text (SMS) number is a phone with `type: text` (HSDS 3.0 phone.type);
- what no standard field holds (our key, notes, variant_of, labelled websites) is one `x-directory` object,
  which consumers ignore and the importer reads back.
Nothing is invented: no addresses (so no service_at_locations), no structured times except 24/7.
"""

from __future__ import annotations

import math
import uuid
from typing import Any, Dict, List

from directory import vocab
from directory.oruk import taxonomy
from directory.oruk.export import ALL_DAYS, CLOSES_24_7, OPENS_24_7, web_url
from directory.records import ServiceRecord, slugify

EXTENSION = "x-directory"
VERSION = "HSDS-UK-3.0"
PROFILE = "https://github.com/OpenReferralUK/uk-profile/blob/main/docs/index.md"


def service_id(key: str) -> str:
    """The 3.0 id of one of our entries: UUIDv5 of its key (the slug the YAML and the chat use), or the key
    itself when it already is a UUID (a service imported from a 1.0 feed keeps its publisher's id)."""
    try:
        if str(uuid.UUID(key)) == key:
            return key
    except ValueError:
        pass
    return taxonomy.uuid_for(f"service:{key}")


def organisation_id(name: str) -> str:
    return taxonomy.uuid_for(f"organisation:{slugify(name)}")


def _set(target: Dict[str, Any], **values: Any) -> Dict[str, Any]:
    """Add only known values: an absent field means "not known" (never null, never made up)."""
    target.update((key, value) for key, value in values.items() if value is not None)
    return target


def attribute(owner: str, term: taxonomy.Term) -> Dict[str, Any]:
    return {
        "id": taxonomy.uuid_for(f"attribute:{owner}:{term.key}:{term.code}"),
        "link_id": owner,
        "link_type": "service",
        "taxonomy_term_id": term.id,
        "taxonomy_term": taxonomy.term_json(term),
    }


def _contacts(record: ServiceRecord, sid: str) -> List[Dict[str, Any]]:
    result = []
    for index, contact in enumerate(c for c in record.contacts if c.kind != "website"):
        cid = taxonomy.uuid_for(f"contact:{record.id}:{index}")
        item = _set({"id": cid, "service_id": sid}, name=contact.label)
        if contact.kind == "email":
            item["email"] = contact.value
        else:
            item["phones"] = [
                {
                    "id": taxonomy.uuid_for(f"phone:{record.id}:{index}"),
                    "contact_id": cid,
                    "number": contact.value,
                    "type": "text" if contact.kind == "text" else "voice",
                }
            ]
        result.append(item)
    return result


def _schedules(record: ServiceRecord, sid: str) -> List[Dict[str, Any]]:
    if record.hours is None and not record.is_24_7:
        return []
    schedule = _set(
        {"id": taxonomy.uuid_for(f"schedule:{record.id}:0"), "service_id": sid}, description=record.hours
    )
    if record.is_24_7:
        schedule.update(freq="WEEKLY", byday=ALL_DAYS, opens_at=OPENS_24_7, closes_at=CLOSES_24_7)
    return [schedule]


def _areas(record: ServiceRecord, sid: str) -> List[Dict[str, Any]]:
    names = [vocab.LONDON] if record.scope == vocab.SCOPE_LONDON else list(record.areas)
    return [
        {
            "id": taxonomy.uuid_for(f"service_area:{record.id}:{name}"),
            "service_id": sid,
            "name": name,
            "service_area": name,
        }
        for name in names
    ]


def _extension(record: ServiceRecord) -> Dict[str, Any]:
    extension = _set({"key": record.id}, notes=record.notes, variant_of=record.variant_of)
    websites = [c for c in record.contacts if c.kind == "website"]
    if len(websites) > 1 or any(c.label for c in websites):  # `url` holds one address and no label
        extension["websites"] = [_set({"value": c.value}, label=c.label) for c in websites]
    return extension


def service_terms(record: ServiceRecord) -> List[taxonomy.Term]:
    return taxonomy.service_terms(
        record.concerns,
        record.audiences,
        record.age_min,
        record.age_max,
        record.how_to_refer,
        record.confidence,
        record.source,
    )


def service_json(record: ServiceRecord) -> Dict[str, Any]:
    """The full nested 3.0 service (GET /services/{id}; valid against the UK compiled service.json)."""
    sid = service_id(record.id)
    website, org_id = record.first("website"), organisation_id(record.organisation)
    service = _set(
        {"id": sid, "organization_id": org_id, "name": record.name, "description": record.summary},
        url=web_url(website) if website else None,
        email=record.first("email"),
    )
    service["status"] = "active"
    _set(service, minimum_age=record.age_min, maximum_age=record.age_max)
    service["assured_date"] = record.last_verified.isoformat()
    service.update(
        {
            "organization": {"id": org_id, "name": record.organisation, "description": ""},  # we have none
            "service_areas": _areas(record, sid),
            "contacts": _contacts(record, sid),
            "schedules": _schedules(record, sid),
            "service_at_locations": [],  # the sources give no addresses; none are made up
            "attributes": [attribute(sid, term) for term in service_terms(record)],
            EXTENSION: _extension(record),
        }
    )
    return service


def list_item(document: Dict[str, Any]) -> Dict[str, Any]:
    """A service as an item of GET /services: its one-to-one fields only (HSDS compiled/service_list.json)."""
    return {key: value for key, value in document.items() if not isinstance(value, list)}


def page(contents: List[Any], total: int, page_number: int, per_page: int) -> Dict[str, Any]:
    """The 3.0 page envelope. `size` is the number of items on this page (as in the official example)."""
    pages = max(1, math.ceil(total / per_page))
    return {
        "total_items": total,
        "total_pages": pages,
        "page_number": page_number,
        "size": len(contents),
        "first_page": page_number == 1,
        "last_page": page_number >= pages,
        "empty": not contents,
        "contents": contents,
    }


def feed_json(documents: List[Dict[str, Any]]) -> Dict[str, Any]:
    """A whole directory as one 3.0 page of full services: the file `python -m directory export` writes."""
    return page(documents, len(documents), 1, max(1, len(documents)))


def base_json(openapi_url: str) -> Dict[str, str]:
    """GET / : which standard this API speaks."""
    return {"version": VERSION, "profile": PROFILE, "openapi_url": openapi_url}
