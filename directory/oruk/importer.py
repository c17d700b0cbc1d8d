"""Open Referral UK v1 feed -> validated ServiceRecords, all or nothing, with no database involved.

Each ORUK service is first checked for shape (lists, objects, number types), naming the ORUK field
("service 'x': eligibilitys[0].minimum_age must be a whole number"), then mapped to the same plain record the
YAML files hold and validated by directory.records, so a feed and a YAML file are held to exactly the same
rules; those messages name our field and the ORUK field it came from. Every error in the feed is reported
together and nothing is returned unless the whole feed is valid: the caller loads all of it or none.

Our own exports read back losslessly (x-directory and our taxonomy vocabularies); other publishers' feeds are
mapped through data/oruk.yml, with provenance set to "medium confidence, imported from <feed>: check with the
service" because nobody here has checked those facts against the reference.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from directory import places, vocab
from directory.concerns import concern_codes
from directory.matching import canonical_borough
from directory.oruk.export import ALL_DAYS, EXTENSION
from directory.oruk.mapping import OrukMapping, load_mapping, normalise
from directory.oruk.shapes import as_object
from directory.records import (
    SLUG,
    SUMMARY_MAX,
    Checker,
    DirectoryDataError,
    ServiceRecord,
    parse_documents,
    slugify,
)

INACTIVE = frozenset({"inactive", "defunct", "temporarily closed"})
CLOSES_ALL_DAY = frozenset({"23:59", "24:00"})
DAY_NAMES = {
    "MO": "Monday",
    "TU": "Tuesday",
    "WE": "Wednesday",
    "TH": "Thursday",
    "FR": "Friday",
    "SA": "Saturday",
    "SU": "Sunday",
}
_TIME = re.compile(r"^([01]\d|2[0-4]):[0-5]\d(:[0-5]\d)?$")
_BOROUGH_PREFIX = re.compile(
    r"^(?:the\s+)?(?:london\s+borough\s+of|royal\s+borough\s+of|city\s+of(?!\s+london\b))\s+", re.IGNORECASE
)
_FIELD_MESSAGE = re.compile(r"^(?P<head>.*?: service [^:]+: )(?P<field>[a-z_0-9]+)(?P<rest>.*)$", re.DOTALL)


@dataclass
class FeedImport:
    """A valid feed: its records, and the services left out because the feed marks them as not running."""

    records: List[ServiceRecord]
    skipped: List[str] = field(default_factory=list)


def _oruk_fields(mapping: OrukMapping) -> Dict[str, str]:
    """Our record field -> where it comes from in ORUK, appended to the validator's messages."""
    fields = {
        "id": "id",
        "name": "name",
        "summary": "description",
        "organisation": "organization.name",
        "areas": "service_areas[].service_area",
        "age_min": "eligibilitys[].minimum_age",
        "age_max": "eligibilitys[].maximum_age",
        "audiences": f"service_taxonomys ({mapping.vocabularies['audience']}) or eligibilitys[].eligibility",
        "concerns": "service_taxonomys[].taxonomy",
        "how_to_refer": f"service_taxonomys ({mapping.vocabularies['referral']}) or attending_access",
        "contacts": "contacts[].phones[].number, contacts[].email, email or url",
        "hours": "regular_schedules[].description",
        "is_24_7": "regular_schedules",
        "last_verified": "assured_date",
    }
    fields.update({name: f"{EXTENSION}.{name}" for name in ("source", "confidence", "notes", "variant_of")})
    return fields


def _annotate(message: str, fields: Dict[str, str]) -> str:
    match = _FIELD_MESSAGE.match(message)
    if not match or match["field"] not in fields:
        return message
    return f"{message} [ORUK: {fields[match['field']]}]"


def _unique(values: List[str]) -> List[str]:
    return list(dict.fromkeys(values))


def _objects(
    check: Checker, parent: Dict[str, Any], key: str, where: str = ""
) -> List[Tuple[int, Dict[str, Any]]]:
    """(index, object) for a list-of-objects field; a missing or null field is an empty list."""
    value = parent.get(key)
    if value is None:
        return []
    path = f"{where}{key}"
    if not isinstance(value, list):
        check.fail(path, f"must be a list, got {value!r}")
        return []
    items = []
    for index, item in enumerate(value):
        if isinstance(item, dict):
            items.append((index, item))
        else:
            check.fail(f"{path}[{index}]", f"must be an object, got {item!r}")
    return items


def _ident(check: Checker, value: Any, path: str = "id") -> Optional[str]:
    """Our ids are slugs: a feed's id is kept when it is one (UUIDs are) and otherwise slugified."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        check.fail(path, f"must be text, got {value!r}")
        return None
    text = str(value).strip()
    return text if SLUG.match(text) else (slugify(text) or text)


def resolve_area(text: str) -> Tuple[Optional[str], str]:
    """A service_area text as a borough (contracts.md spelling), London, National or Online; else (None, hint).

    Misspellings are not guessed on import (a wrong borough would show a service to the wrong children);
    the hint suggests the borough instead.
    """
    mapping = load_mapping()
    special = mapping.area_names.get(normalise(text))
    if special:
        return special, ""
    bare = _BOROUGH_PREFIX.sub("", " ".join(text.split()))
    borough = canonical_borough(bare)
    if borough:
        return borough, ""
    match = places.resolve_place(bare)
    if match is None or match.start != 0 or match.end != len(bare):  # not the whole text
        return None, ""
    if match.kind in (places.KIND_BOROUGH, places.KIND_ALIAS) and not match.fuzzy:
        return match.borough, ""
    if match.fuzzy and match.borough != places.OUTSIDE_LONDON:
        return None, f" (did you mean {match.borough}?)"
    return None, ""


def _areas(check: Checker, service: Dict[str, Any]) -> List[str]:
    areas: List[str] = []
    for index, entry in _objects(check, service, "service_areas"):
        path = f"service_areas[{index}].service_area"
        text = entry.get("service_area")
        if not isinstance(text, str) or not text.strip():
            check.fail(path, f"must be a place name, got {text!r}")
            continue
        area, hint = resolve_area(text)
        if area is None:
            check.fail(path, f"{text!r} is not a London borough, London, National or Online{hint}")
        else:
            areas.append(area)
    if not areas:  # no service areas: the boroughs of the places it is delivered at
        for index, place in _objects(check, service, "service_at_locations"):
            location = as_object(place.get("location"))
            for _i, address in _objects(
                check, location, "physical_addresses", f"service_at_locations[{index}].location."
            ):
                match = places.resolve_place(str(address.get("postal_code") or ""))
                if match and match.kind == places.KIND_POSTCODE and match.borough != places.OUTSIDE_LONDON:
                    areas.append(match.borough)
    return _unique(areas)


def _ages(check: Checker, service: Dict[str, Any]) -> Tuple[Optional[int], Optional[int], List[str]]:
    """The widest age range over all eligibilitys (a bound none of them states stays unstated), and the
    eligibility words (child, family ...) that say who it is for."""
    lows: List[int] = []
    highs: List[int] = []
    words: List[str] = []
    for index, entry in _objects(check, service, "eligibilitys"):
        for key, into in (("minimum_age", lows), ("maximum_age", highs)):
            value = entry.get(key)
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value != int(value):
                check.fail(f"eligibilitys[{index}].{key}", f"must be a whole number, got {value!r}")
                continue
            into.append(int(value))
        if isinstance(entry.get("eligibility"), str):
            words.append(entry["eligibility"])
    return (min(lows) if lows else None), (max(highs) if highs else None), words


def _taxonomy(check: Checker, service: Dict[str, Any], mapping: OrukMapping) -> Dict[str, List[str]]:
    """Codes from our own vocabularies, and concerns/audiences mapped from any other vocabulary's names."""
    kinds = {vocabulary: kind for kind, vocabulary in mapping.vocabularies.items()}
    allowed = {"concern": concern_codes(), "audience": vocab.AUDIENCES, "referral": vocab.REFERRAL_ROUTES}
    found: Dict[str, List[str]] = {
        "concern": [],
        "audience": [],
        "referral": [],
        "other_concern": [],
        "other_audience": [],
    }
    for index, entry in _objects(check, service, "service_taxonomys"):
        term = entry.get("taxonomy")
        if not isinstance(term, dict):
            check.fail(
                f"service_taxonomys[{index}].taxonomy", f"must be an object with id and name, got {term!r}"
            )
            continue
        term_id, name = term.get("id"), term.get("name")
        prefix, _sep, code = term_id.partition(":") if isinstance(term_id, str) else ("", "", "")
        vocabulary = term.get("vocabulary")
        kind = (kinds.get(vocabulary) if isinstance(vocabulary, str) else None) or kinds.get(prefix)
        if kind:
            if code not in allowed[kind]:
                check.fail(
                    f"service_taxonomys[{index}].taxonomy.id", f"{term_id!r} is not a known {kind} code"
                )
            else:
                found[kind].append(code)
        elif isinstance(name, str):
            concern, audience = mapping.concern_for(name), mapping.audience_for(name)
            found["other_concern"] += [concern] if concern else []
            found["other_audience"] += [audience] if audience else []
    return found


def _phone(number: str) -> str:
    """Digits and single spaces, as the directory writes numbers: "+44 (0)20 7946-0000" -> "020 7946 0000"."""
    text = re.sub(r"^\+44\s*(?:\(0\))?\s*", "0", number.strip())
    return " ".join(re.sub(r"[-().]", " ", text).split())


def _website(url: str) -> str:
    """An address as the directory writes it: no scheme, no trailing slash, host in lower case."""
    text = re.sub(r"^https?://", "", url.strip(), flags=re.IGNORECASE).rstrip("/")
    host, slash, path = text.partition("/")
    return host.lower() + slash + path


def _contacts(check: Checker, service: Dict[str, Any], extension: Dict[str, Any]) -> List[Dict[str, Any]]:
    contacts: List[Dict[str, Any]] = []

    def add(kind: str, value: str, label: Any = None) -> None:
        if any(c["type"] == kind and c["value"] == value for c in contacts):
            return
        contacts.append(
            {"type": kind, "value": value, **({"label": label} if isinstance(label, str) else {})}
        )

    for index, contact in _objects(check, service, "contacts"):
        label = contact.get("name")
        for j, phone in _objects(check, contact, "phones", f"contacts[{index}]."):
            number = phone.get("number")
            if not isinstance(number, str):
                check.fail(f"contacts[{index}].phones[{j}].number", f"must be text, got {number!r}")
                continue
            kind = "text" if normalise(str(phone.get("type") or "")) in ("text", "sms") else "phone"
            add(kind, _phone(number), label)
        email = contact.get("email")
        if email is not None:
            if isinstance(email, str):
                add("email", email.strip(), label)
            else:
                check.fail(f"contacts[{index}].email", f"must be text, got {email!r}")
    for key in ("email", "url"):
        if service.get(key) is not None and not isinstance(service.get(key), str):
            check.fail(key, f"must be text, got {service.get(key)!r}")
    if isinstance(service.get("email"), str):
        add("email", service["email"].strip())
    websites = extension.get("websites")
    if websites is not None:
        for index, site in enumerate(websites if isinstance(websites, list) else [websites]):
            if not isinstance(site, dict) or not isinstance(site.get("value"), str):
                check.fail(f"{EXTENSION}.websites[{index}]", f"must be an object with a value, got {site!r}")
                continue
            add("website", _website(site["value"]), site.get("label"))
    elif isinstance(service.get("url"), str):
        add("website", _website(service["url"]))
    return contacts


def _all_day_every_day(schedule: Dict[str, Any]) -> bool:
    days = {d.strip().upper() for d in str(schedule.get("byday") or "").split(",")}
    return (
        days == set(ALL_DAYS.split(","))
        and str(schedule.get("freq") or "WEEKLY").upper() == "WEEKLY"
        and schedule.get("opens_at") == "00:00"
        and schedule.get("closes_at") in CLOSES_ALL_DAY
    )


def _describe(schedule: Dict[str, Any]) -> Optional[str]:
    """Plain words for a structured weekly schedule with no description ("Monday, Tuesday 09:00 to 17:00")."""
    codes = [d.strip().upper() for d in str(schedule.get("byday") or "").split(",") if d.strip()]
    if not codes or any(c not in DAY_NAMES for c in codes):
        return None
    days = [DAY_NAMES[c] for c in codes]
    if not schedule.get("opens_at") or not schedule.get("closes_at"):
        return None
    return f"{', '.join(days)} {schedule['opens_at']} to {schedule['closes_at']}"


def _schedules(check: Checker, service: Dict[str, Any]) -> Tuple[Optional[str], bool]:
    """Hours text (descriptions, else structured weekly times in words) and whether it is open 24/7."""
    entries = [("regular_schedules", i, s) for i, s in _objects(check, service, "regular_schedules")]
    for index, place in _objects(check, service, "service_at_locations"):
        for key in ("regular_schedules", "regular_schedule"):
            entries += [
                (f"service_at_locations[{index}].{key}", i, s)
                for i, s in _objects(check, place, key, f"service_at_locations[{index}].")
            ]
    descriptions, described, is_24_7 = [], [], False
    for where, index, schedule in entries:
        bad = [
            key
            for key in ("opens_at", "closes_at")
            if schedule.get(key) is not None
            and not (isinstance(schedule[key], str) and _TIME.match(schedule[key]))
        ]
        for key in bad:
            check.fail(f"{where}[{index}].{key}", f"must be a time like 09:00, got {schedule[key]!r}")
        if schedule.get("byday") is not None and not isinstance(schedule["byday"], str):
            check.fail(f"{where}[{index}].byday", f"must be text like MO,TU, got {schedule['byday']!r}")
            continue
        description = schedule.get("description")
        if isinstance(description, str) and description.strip():
            descriptions.append(" ".join(description.split()))
        if _all_day_every_day(schedule):
            is_24_7 = True
        elif not bad:
            described += [text for text in [_describe(schedule)] if text]
    hours = "; ".join(descriptions) or "; ".join(described) or None
    return hours, is_24_7


def _summary(description: Any) -> Any:
    """Our one-line summary from the ORUK description: markup removed, and when it is long, as many whole
    sentences as fit in 180 characters (a sentence is never cut; if even the first is too long the
    validator says so)."""
    if not isinstance(description, str):
        return description
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", description)).split())
    if len(text) <= SUMMARY_MAX:
        return text
    kept = ""
    for sentence in re.split(r"(?<=[.!?])\s+", text):
        candidate = f"{kept} {sentence}".strip()
        if len(candidate) > SUMMARY_MAX:
            break
        kept = candidate
    return kept or text


def _date(value: Any) -> Any:
    """assured_date as YYYY-MM-DD: ISO dates or date-times, or dd/mm/yyyy as some ORUK feeds write it."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    if re.match(r"^\d{4}-\d{2}-\d{2}", text):
        return text[:10]
    match = re.match(r"^(\d{2})/(\d{2})/(\d{4})", text)
    if match:
        try:
            return dt.date(int(match[3]), int(match[2]), int(match[1])).isoformat()
        except ValueError:
            return text
    return text


def _provenance(extension: Dict[str, Any], feed: str, service_id: Any) -> Dict[str, Any]:
    if extension:
        return {
            key: extension.get(key)
            for key in ("source", "confidence", "notes", "variant_of")
            if extension.get(key) is not None or key in ("source", "confidence")
        }
    return {
        "source": f"Open Referral UK feed {feed}, service {service_id}",
        "confidence": "medium",
        "notes": f"Imported from the Open Referral UK feed {feed}, not checked against the reference: "
        "check with the service.",
    }


def _to_raw(
    service: Any, index: int, feed: str, errors: List[str], mapping: OrukMapping
) -> Optional[Dict[str, Any]]:
    """One ORUK service as a record dict for directory.records, or None after naming its shape errors."""
    if not isinstance(service, dict):
        errors.append(f"{feed}: service #{index + 1}: must be an object, got {service!r}")
        return None
    raw_id = service.get("id")
    check = Checker(feed, f"'{raw_id}'" if isinstance(raw_id, (str, int)) else f"#{index + 1}", errors)
    before = len(errors)
    ident = _ident(check, raw_id)
    organisation = service.get("organization")
    if isinstance(organisation, dict):
        organisation = organisation.get("name")
    elif organisation is not None and not isinstance(organisation, str):
        check.fail("organization", f"must be an object with a name, got {organisation!r}")
    extension = service.get(EXTENSION) or {}
    if not isinstance(extension, dict):
        check.fail(EXTENSION, f"must be an object, got {extension!r}")
        extension = {}
    areas = _areas(check, service)
    age_min, age_max, words = _ages(check, service)
    terms = _taxonomy(check, service, mapping)
    contacts = _contacts(check, service, extension)
    hours, is_24_7 = _schedules(check, service)
    if len(errors) > before:
        return None
    audiences = terms["audience"] or _unique(
        terms["other_audience"] + [a for a in map(mapping.audience_for, words) if a]
    )
    routes = terms["referral"]
    if not routes:  # no referral terms of ours: what ORUK's access and attendance values say, if anything
        routes = [
            route
            for key, table in (
                ("attending_access", mapping.attending_access),
                ("attending_type", mapping.attending_type),
            )
            for route in table.get(normalise(str(service.get(key) or "")), ())
        ]
    raw: Dict[str, Any] = {
        "id": ident,
        "name": service.get("name"),
        "summary": _summary(service.get("description")),
        "organisation": organisation,
        "areas": areas,
        "audiences": audiences,
        "concerns": _unique(terms["concern"] + terms["other_concern"]),
        "how_to_refer": _unique(routes),
        "contacts": contacts,
        "is_24_7": is_24_7,
        "last_verified": _date(service.get("assured_date")),
        **_provenance(extension, feed, raw_id),
    }
    if raw.get("variant_of") is not None:
        raw["variant_of"] = _ident(check, raw["variant_of"], f"{EXTENSION}.variant_of")
    for key, value in (("age_min", age_min), ("age_max", age_max), ("hours", hours)):
        if value is not None:
            raw[key] = value
    return raw


def _services(document: Any, feed: str, errors: List[str]) -> List[Any]:
    if isinstance(document, list):
        return document
    if isinstance(document, dict) and isinstance(document.get("content"), list):
        services: List[Any] = document["content"]
        return services
    errors.append(
        f'{feed}: must be an Open Referral UK page ({{"content": [services]}}) or a list of services'
    )
    return []


def read_feed(document: Any, feed: str = "feed.json") -> FeedImport:
    """Validate a parsed ORUK feed and return its records, or raise DirectoryDataError listing every problem."""
    mapping = load_mapping()
    errors: List[str] = []
    raws, skipped = [], []
    services = _services(document, feed, errors)
    for index, service in enumerate(services):
        if isinstance(service, dict) and normalise(str(service.get("status") or "")) in INACTIVE:
            skipped.append(str(service.get("id")))
            continue
        raw = _to_raw(service, index, feed, errors, mapping)
        if raw is not None:
            raws.append(raw)
    records: List[ServiceRecord] = []
    if raws or not errors:
        try:
            records = parse_documents({feed: {"services": raws}})
        except DirectoryDataError as exc:
            fields = _oruk_fields(mapping)
            errors += [_annotate(message, fields) for message in exc.errors]
    if not records and not errors:
        errors.append(f"{feed}: has no services")
    if errors:
        raise DirectoryDataError(_in_feed_order(errors, services))
    return FeedImport(records, skipped)


def _in_feed_order(errors: List[str], services: List[Any]) -> List[str]:
    """Shape errors and validator errors together, ordered by the service they are about (stable)."""
    order: Dict[str, int] = {}
    for index, service in enumerate(services):
        order.setdefault(f"#{index + 1}", index)
        if isinstance(service, dict) and isinstance(service.get("id"), (str, int)):
            order.setdefault(f"'{service['id']}'", index)
            order.setdefault(f"'{_ident(Checker('', '', []), service['id'])}'", index)

    def position(message: str) -> int:
        match = re.search(r": service ('[^']*'|#\d+): ", message)
        return order.get(match[1], len(services)) if match else -1

    return sorted(errors, key=position)


def read_feed_file(path: Path) -> FeedImport:
    """read_feed for a JSON file (named in messages by its file name)."""
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DirectoryDataError([f"{Path(path).name}: cannot be read as JSON: {exc}"]) from exc
    return read_feed(document, Path(path).name)
