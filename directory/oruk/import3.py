"""Import a feed: Open Referral UK 3.0 (HSDS 3.0 with the UK profile), losslessly, or HSDS-UK 1.0.

Why it works this way:
- A 3.0 feed is checked against the official schema (directory.oruk.schemas); anything that is neither a
  valid 3.0 feed nor a valid 1.0 feed is refused whole, with a message naming the versions accepted and the
  first schema error (path and reason), and the database is not touched.
- Lossless: each 3.0 service is stored and published exactly as given (directory.oruk.publish), so an
  import followed by an export gives back every field, including ones the chat never uses.
- The chat needs more than the standard guarantees (a London borough or national/online reach, who it is
  for, what it helps with, when the facts were checked). Each service that yields that, through our own
  attributes or data/oruk.yml, also gets a record for matching, checked by directory.records like the YAML;
  the others are published but not offered in the chat, and the import says which and why.
- Our own 3.0 export reads back to the same records (key, provenance and taxonomy attributes), so export
  then import changes nothing for the chat either.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from directory.oruk import importer as v1
from directory.oruk import schemas, taxonomy
from directory.oruk.mapping import OrukMapping, load_mapping
from directory.oruk.publish import Published, clock, own
from directory.oruk.shapes import as_object, as_objects
from directory.oruk.v3 import EXTENSION
from directory.records import (
    SLUG,
    Checker,
    DirectoryDataError,
    ServiceRecord,
    _check_across,
    _check_record,
    _with_position,
)

ACCEPTED = (
    'Open Referral UK 3.0 (HSDS 3.0 with the UK profile: a page with "contents", a list of services '
    'or one service) or HSDS-UK 1.0 (ORUK v1: a page with "content" or a list of services)'
)
V1_ONLY_FIELDS = ("eligibilitys", "service_taxonomys", "regular_schedules", "physical_addresses")


@dataclass
class Feed:
    """A feed that may be loaded: its version, the records the chat can use, and every service to publish."""

    version: str  # "3.0" or "1.0"
    records: List[ServiceRecord]
    published: List[Published]
    not_in_chat: List[str] = field(default_factory=list)  # "id: why", published only
    skipped: List[str] = field(default_factory=list)  # 1.0 only: services the feed marks as not running


def _services_3(document: Any) -> Optional[List[Any]]:
    """The services of a 3.0-shaped document (page, list or one service), or None when it is not one."""
    if isinstance(document, dict) and isinstance(document.get("contents"), list):
        services: List[Any] = document["contents"]
        return services
    if isinstance(document, list):
        return document
    if isinstance(document, dict) and "content" not in document and "id" in document:
        return [document]
    return None


def _looks_v1(document: Any) -> bool:
    if isinstance(document, dict):
        return isinstance(document.get("content"), list)
    return isinstance(document, list) and any(
        isinstance(s, dict) and any(k in s for k in V1_ONLY_FIELDS) for s in document
    )


def _schema_errors(services: List[Any]) -> List[str]:
    """'service #n ('id'): path: reason' for every invalid service; duplicate ids too."""
    found, seen = [], set()
    for index, service in enumerate(services):
        label = f"service #{index + 1}" + (f" ({service.get('id')!r})" if isinstance(service, dict) else "")
        found += [f"{label}: {problem}" for problem in schemas.errors("service", service)]
        ident = service.get("id") if isinstance(service, dict) else None
        if isinstance(ident, str):
            if ident in seen:
                found.append(f"{label}: id: {ident!r} is used by an earlier service")
            seen.add(ident)
    return found


def _refuse(feed: str, problems: List[str], version_tried: str, count: int) -> DirectoryDataError:
    head = (
        f"{feed}: refused, nothing was loaded ({count} services refused). This importer accepts {ACCEPTED}. "
        f"First {version_tried} error: {problems[0] if problems else 'the document has no services'}"
    )
    error = DirectoryDataError(
        [head] + problems[:50] + ([f"... and {len(problems) - 50} more"] if len(problems) > 50 else [])
    )
    error.refused = count  # type: ignore[attr-defined]
    return error


def read_any(document: Any, feed: str = "feed.json") -> Feed:
    """Validate a parsed feed of either version; raise DirectoryDataError (with `.refused`) when it is neither."""
    if _looks_v1(document):
        try:
            old = v1.read_feed(document, feed)
        except DirectoryDataError as exc:
            count = len(document["content"]) if isinstance(document, dict) else len(document)
            raise _refuse(feed, exc.errors, "HSDS-UK 1.0", count) from exc
        return Feed("1.0", old.records, own(old.records), skipped=old.skipped)
    services = _services_3(document)
    if not services:
        raise _refuse(feed, [], "Open Referral UK 3.0", 0)
    problems = _schema_errors(services)
    if problems and isinstance(document, list):  # a bare list may still be 1.0 services
        try:
            old = v1.read_feed(document, feed)
            return Feed("1.0", old.records, own(old.records), skipped=old.skipped)
        except DirectoryDataError:
            pass
    if problems:
        raise _refuse(feed, problems, "Open Referral UK 3.0 schema", len(services))
    return _read_3(services, feed)


def read_any_file(path: Path) -> Feed:
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _refuse(Path(path).name, [f"cannot be read as JSON: {exc}"], "reading", 0) from exc
    return read_any(document, Path(path).name)


# ---- 3.0 service -> a record for the chat (when it has what the chat needs) ----


def _terms(service: Dict[str, Any]) -> List[Tuple[Optional[taxonomy.Term], Dict[str, Any]]]:
    result = []
    for attribute in as_objects(service.get("attributes")):
        term = as_object(attribute.get("taxonomy_term"))
        term_id = attribute.get("taxonomy_term_id") or term.get("id")
        result.append((taxonomy.lookup(term_id) if isinstance(term_id, str) else None, term))
    return result


def _areas(service: Dict[str, Any]) -> List[str]:
    areas = []
    for area in as_objects(service.get("service_areas")):
        for text in (area.get("service_area"), area.get("name")):
            if isinstance(text, str) and text.strip():
                resolved, _hint = v1.resolve_area(text)
                if resolved:
                    areas.append(resolved)
                    break
    if not areas:  # the boroughs of the addresses it is delivered at
        places = [p.get("location") for p in as_objects(service.get("service_at_locations"))]
        addresses = [a for p in places if isinstance(p, dict) for a in as_objects(p.get("addresses"))]
        legacy = {"service_at_locations": [{"location": {"physical_addresses": addresses}}]}
        areas = v1._areas(Checker("", "", []), legacy)
    return list(dict.fromkeys(areas))


def _contacts(service: Dict[str, Any], extension: Dict[str, Any]) -> List[Dict[str, Any]]:
    legacy = []
    for contact in as_objects(service.get("contacts")):
        phones = [
            {"number": p.get("number"), "type": p.get("type")} for p in as_objects(contact.get("phones"))
        ]
        legacy.append({"name": contact.get("name"), "email": contact.get("email"), "phones": phones})
    shaped = {"contacts": legacy, "email": service.get("email"), "url": service.get("url")}
    return v1._contacts(Checker("", "", []), shaped, extension)


def _hours(service: Dict[str, Any]) -> Tuple[Optional[str], bool]:
    schedules = [
        {**s, "opens_at": clock(s.get("opens_at")), "closes_at": clock(s.get("closes_at"))}
        for s in as_objects(service.get("schedules"))
    ]
    for schedule in schedules:  # the 1.0 reader compares HH:MM
        for key in ("opens_at", "closes_at"):
            schedule[key] = schedule[key][:5] if schedule[key] else None
    return v1._schedules(Checker("", "", []), {"regular_schedules": schedules})


def _whole(value: Any, down: bool) -> Any:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return int(value // 1) if down else int(-(-value // 1))


def _raw(service: Dict[str, Any], feed: str, mapping: OrukMapping) -> Dict[str, Any]:
    """The record fields the directory validator checks, from a 3.0 service."""
    extension = as_object(service.get(EXTENSION))
    terms = _terms(service)
    ours: Dict[str, List[str]] = {
        key: [t.code for t, _j in terms if t and t.key == key] for key in taxonomy.KEYS
    }
    sources = [j.get("name") for _t, j in terms if j.get("taxonomy_id") == taxonomy.taxonomy_id("source")]
    names: List[str] = [j["name"] for t, j in terms if t is None and isinstance(j.get("name"), str)]
    concerns = ours["concern"] or [c for c in map(mapping.concern_for, names) if c]
    audiences = ours["audience"] or [a for a in map(mapping.audience_for, names) if a]
    hours, is_24_7 = _hours(service)
    key = extension.get("key") if isinstance(extension.get("key"), str) else str(service["id"]).lower()
    organisation = as_object(service.get("organization"))
    raw: Dict[str, Any] = {
        "id": key,
        "name": service.get("name"),
        "summary": v1._summary(service.get("description")),
        "organisation": organisation.get("name"),
        "areas": _areas(service),
        "audiences": list(dict.fromkeys(audiences)),
        "concerns": list(dict.fromkeys(concerns)),
        "how_to_refer": ours["referral"],
        "contacts": _contacts(service, extension),
        "is_24_7": is_24_7,
        "last_verified": v1._date(service.get("assured_date")),
        "age_min": _whole(service.get("minimum_age"), down=True),
        "age_max": _whole(service.get("maximum_age"), down=False),
        "hours": hours,
        "notes": extension.get("notes"),
        "variant_of": extension.get("variant_of"),
    }
    if ours["confidence"] and sources:
        raw.update(confidence=ours["confidence"][0], source=sources[0])
    else:
        raw.update(
            confidence="medium",
            source=f"Open Referral UK 3.0 feed {feed}, service {service['id']}",
            notes=f"Imported from the Open Referral UK feed {feed}, not checked against the reference: "
            "check with the service.",
        )
    return {
        k: v
        for k, v in raw.items()
        if v is not None and not (k in ("age_min", "age_max", "hours") and v == "")
    }


def _why(raw: Dict[str, Any], service: Dict[str, Any], errors: List[str]) -> str:
    if service.get("status") != "active":
        return f"status is {service.get('status')!r}"
    if not raw.get("areas"):
        return "no London borough, London, National or Online in service_areas or addresses"
    if not raw.get("concerns"):
        return "no attribute says which worries it helps with"
    if not raw.get("audiences"):
        return "no attribute says who it is for"
    return errors[0].split(": ", 2)[-1] if errors else "not usable"


def _read_3(services: List[Dict[str, Any]], feed: str) -> Feed:
    mapping = load_mapping()
    candidates, not_in_chat, keys = [], [], set()
    for index, service in enumerate(services):
        raw = _raw(service, feed, mapping)
        errors: List[str] = []
        record = None
        if (
            service.get("status") == "active"
            and raw.get("areas")
            and raw.get("concerns")
            and raw.get("audiences")
        ):
            if not (isinstance(raw["id"], str) and SLUG.match(raw["id"])) or raw["id"] in keys:
                raw["id"] = str(service["id"]).lower()
            record = _check_record(feed, index, raw, errors)
        if record is None:
            not_in_chat.append(f"{service['id']}: {_why(raw, service, errors)}")
        else:
            keys.add(record.id)
            candidates.append((index, record))
    records = [record for _i, record in candidates]
    across: List[str] = []
    _check_across(records, across)
    bad = {message.split("'")[1] for message in across}  # variant_of pointing at a service the chat lacks
    kept = {index: record for index, record in candidates if record.id not in bad}
    not_in_chat += [
        f"{services[i]['id']}: variant_of is not another service in the chat"
        for i, r in candidates
        if r.id in bad
    ]
    records = [_with_position(record, position) for position, record in enumerate(kept.values())]
    by_index = dict(zip(kept, records, strict=True))
    published = [
        Published(service, by_index[i].id if i in by_index else None) for i, service in enumerate(services)
    ]
    return Feed("3.0", records, published, not_in_chat)
