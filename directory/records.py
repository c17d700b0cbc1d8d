"""Read and validate the service YAML files into plain records, with no database involved.

Both the loader (which writes them to the database) and the database-free fallback use this, so a bad
record is rejected the same way everywhere. Every error names the file, the record and the field, and
all errors are collected before anything is raised, so one run shows every problem.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Iterable, List, Mapping, Optional, Protocol, Sequence, Tuple, TypedDict

import yaml

from directory import places, vocab
from directory.concerns import concern_codes

SERVICES_DIR = Path(__file__).parent / "data" / "services"

REQUIRED = (
    "id",
    "name",
    "summary",
    "organisation",
    "areas",
    "audiences",
    "concerns",
    "how_to_refer",
    "is_24_7",
    "source",
    "last_verified",
    "confidence",
)
OPTIONAL = ("age_min", "age_max", "contacts", "hours", "notes", "variant_of", "only_for", "groups")
FILE_KEYS = ("defaults", "services")
SUMMARY_MAX = 180
ID_MAX, NAME_MAX, CONTACT_MAX = 80, 200, 200  # column sizes in directory.models (PostgreSQL enforces them)

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
PHONE = re.compile(r"^\d(?:[\d ]*\d)?$")  # digits and single spaces only: "0800 1111", "111"
EMAIL = re.compile(r"^[^@\s]+@[a-z0-9-]+(?:\.[a-z0-9-]+)+$")
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: ~10x faster
WEBSITE = re.compile(r"^(?:[a-z0-9-]+\.)+[a-z]{2,}(?:/\S*)?$")  # as the reference writes it, no scheme


class DirectoryDataError(ValueError):
    """The service data has problems; `errors` lists each one as 'file: service 'id': field problem'."""

    def __init__(self, errors: Sequence[str]):
        self.errors = list(errors)
        super().__init__("\n".join(self.errors))


@dataclass(frozen=True)
class ContactRecord:
    """One contact detail: kind is phone, text, email or website."""

    kind: str
    value: str
    label: Optional[str] = None


@dataclass(frozen=True)
class ServiceRecord:
    """A validated service, ready for the database or for the fallback."""

    id: str
    name: str
    summary: str
    organisation: str
    areas: Tuple[str, ...]
    scope: str
    age_min: Optional[int]
    age_max: Optional[int]
    audiences: Tuple[str, ...]
    concerns: Tuple[str, ...]
    how_to_refer: Tuple[str, ...]
    contacts: Tuple[ContactRecord, ...]
    hours: Optional[str]
    is_24_7: bool
    confidence: str
    notes: Optional[str]
    source: str
    last_verified: dt.date
    variant_of: Optional[str]
    source_file: str
    position: int  # index within its file while validating; overall load order afterwards

    def first(self, kind: str) -> Optional[str]:
        """The first contact value of a kind (the payload shows one phone and one website)."""
        return next((c.value for c in self.contacts if c.kind == kind), None)


class ServicePayload(TypedDict):
    """The signposting item of docs/contracts.md, with exactly these keys."""

    id: str
    name: str
    summary: str
    age_min: Optional[int]
    age_max: Optional[int]
    areas: List[str]
    concerns: List[str]
    how_to_refer: List[str]
    phone: Optional[str]
    website: Optional[str]
    hours: Optional[str]


class _Listed(Protocol):
    """What a signposting item is made from: a ServiceRecord or a matching.MatchResult."""

    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def summary(self) -> str: ...
    @property
    def age_min(self) -> Optional[int]: ...
    @property
    def age_max(self) -> Optional[int]: ...
    @property
    def areas(self) -> Tuple[str, ...]: ...
    @property
    def concerns(self) -> Tuple[str, ...]: ...
    @property
    def how_to_refer(self) -> Tuple[str, ...]: ...
    @property
    def hours(self) -> Optional[str]: ...


def service_payload(service: _Listed, phone: Optional[str], website: Optional[str]) -> ServicePayload:
    """The signposting item for a service, given the one phone number and web address it shows (the one
    builder for matching's results and the fallback's records)."""
    return {
        "id": service.id,
        "name": service.name,
        "summary": service.summary,
        "age_min": service.age_min,
        "age_max": service.age_max,
        "areas": list(service.areas),
        "concerns": list(service.concerns),
        "how_to_refer": list(service.how_to_refer),
        "phone": phone,
        "website": website,
        "hours": service.hours,
    }


def slugify(text: str) -> str:
    """A stable id from a name: 'Family Action' -> 'family-action'."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


class Checker:
    """Collects errors for one record so validation reads as a flat list of field checks."""

    def __init__(self, file: str, label: str, errors: List[str]):
        self.file, self.label, self.errors = file, label, errors

    def fail(self, field: str, problem: str) -> None:
        self.errors.append(f"{self.file}: service {self.label}: {field} {problem}")

    def text(self, raw: Mapping[str, Any], field: str, required: bool = True) -> Optional[str]:
        value = raw.get(field)
        if value is None:
            if required:
                self.fail(field, "is missing")
            return None
        if not isinstance(value, str) or not value.strip():
            self.fail(field, f"must be non-empty text, got {value!r}")
            return None
        return value.strip()

    def codes(
        self, raw: Mapping[str, Any], field: str, allowed: Iterable[str], allow_empty: bool = False
    ) -> Tuple[str, ...]:
        value = raw.get(field)
        if value is None:
            self.fail(field, "is missing")
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(field, f"must be a list of names, got {value!r}")
            return ()
        if not value and not allow_empty:
            self.fail(field, "must not be empty")
        allowed = set(allowed)
        unknown = [v for v in value if v not in allowed]
        if unknown:
            self.fail(field, f"has unknown values {unknown}")
        if len(set(value)) != len(value):
            self.fail(field, f"lists a value twice: {value}")
        return tuple(v for v in value if v in allowed)

    def age(self, raw: Mapping[str, Any], field: str, upper: int) -> Optional[int]:
        value = raw.get(field)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(field, f"must be a whole number, got {value!r}")
            return None
        if not 0 <= value <= upper:
            self.fail(field, f"{value} is outside 0..{upper}")
            return None
        return value


def _check_contacts(check: Checker, raw: Any) -> Tuple[ContactRecord, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        check.fail("contacts", f"must be a list, got {raw!r}")
        return ()
    result = []
    for index, item in enumerate(raw):
        where = f"contacts[{index}]"
        if not isinstance(item, dict) or set(item) - {"type", "value", "label"}:
            check.fail(where, f"must be a mapping with type, value and optional label, got {item!r}")
            continue
        kind, value, label = item.get("type"), item.get("value"), item.get("label")
        if kind not in vocab.CONTACT_TYPES:
            check.fail(where, f"type {kind!r} is not one of {list(vocab.CONTACT_TYPES)}")
            continue
        if not isinstance(value, str) or len(value) > CONTACT_MAX:
            check.fail(
                where,
                f"value must be text of at most {CONTACT_MAX} characters (quote numbers), got {value!r}",
            )
            continue
        pattern = {"phone": PHONE, "text": PHONE, "email": EMAIL, "website": WEBSITE}[kind]
        if not pattern.match(value):
            rule = "digits and spaces only" if kind in ("phone", "text") else f"a plain {kind}"
            check.fail(where, f"{kind} {value!r} must be {rule}")
            continue
        if label is not None and (not isinstance(label, str) or len(label) > CONTACT_MAX):
            check.fail(where, f"label must be text of at most {CONTACT_MAX} characters, got {label!r}")
            continue
        if kind == "text" and not label:
            # The bot shows a text contact by its label ("Text SHOUT to 85258"): a bare number says nothing
            # about what to send.
            check.fail(where, "a text contact needs a label saying what to send, e.g. 'Text SHOUT to 85258'")
            continue
        result.append(ContactRecord(kind, value, label))
    return tuple(result)


def _scope(check: Checker, areas: Tuple[str, ...]) -> Tuple[Tuple[str, ...], str]:
    """Expand the 'London' shorthand and decide whether the service is local, London-wide or national."""
    special = [a for a in areas if a in (vocab.NATIONAL, vocab.ONLINE, vocab.LONDON)]
    if special and len(areas) > 1:
        check.fail("areas", f"{special} cannot be combined with other areas: {list(areas)}")
    if vocab.NATIONAL in areas:
        return areas, vocab.SCOPE_NATIONAL
    if vocab.ONLINE in areas:
        return areas, vocab.SCOPE_ONLINE
    if vocab.LONDON in areas:
        return tuple(places.london_boroughs()), vocab.SCOPE_LONDON
    return areas, vocab.SCOPE_LOCAL


def _check_record(file: str, position: int, raw: Any, errors: List[str]) -> Optional[ServiceRecord]:
    if not isinstance(raw, dict):
        errors.append(f"{file}: service #{position + 1}: must be a mapping, got {raw!r}")
        return None
    ident = raw.get("id")
    check = Checker(file, f"'{ident}'" if isinstance(ident, str) else f"#{position + 1}", errors)
    before = len(errors)
    for key in sorted(set(raw) - set(REQUIRED) - set(OPTIONAL)):
        check.fail(key, "is not a known field")
    ident = check.text(raw, "id")
    if ident is not None and (not SLUG.match(ident) or len(ident) > ID_MAX):
        check.fail(
            "id", f"{ident!r} must be a lower-case slug like 'first-steps', at most {ID_MAX} characters"
        )
    name, summary = check.text(raw, "name"), check.text(raw, "summary")
    for field_name, value in (("name", name), ("organisation", raw.get("organisation"))):
        if isinstance(value, str) and len(value) > NAME_MAX:
            check.fail(field_name, f"must be at most {NAME_MAX} characters")
    if summary is not None and (len(summary) > SUMMARY_MAX or "\n" in summary):
        check.fail("summary", f"must be one line of at most {SUMMARY_MAX} characters")
    organisation = check.text(raw, "organisation")
    areas = check.codes(
        raw, "areas", set(places.london_boroughs()) | {vocab.NATIONAL, vocab.ONLINE, vocab.LONDON}
    )
    areas, scope = _scope(check, areas)
    age_min = check.age(raw, "age_min", vocab.MAX_AGE_MIN)
    age_max = check.age(raw, "age_max", vocab.ALL_AGES_MAX)
    if age_min is not None and age_max is not None and age_min > age_max:
        check.fail("age_min", f"{age_min} > age_max {age_max}")
    audiences = check.codes(raw, "audiences", vocab.AUDIENCES)
    concerns = check.codes(raw, "concerns", concern_codes())
    routes = check.codes(raw, "how_to_refer", vocab.REFERRAL_ROUTES, allow_empty=True)
    contacts = _check_contacts(check, raw.get("contacts"))
    hours = check.text(raw, "hours", required=False)
    is_24_7 = raw.get("is_24_7")
    if not isinstance(is_24_7, bool):
        check.fail("is_24_7", f"must be true or false, got {is_24_7!r}")
    confidence = raw.get("confidence")
    if confidence not in vocab.CONFIDENCE_LEVELS:
        check.fail(
            "confidence", f"{confidence!r} must be one of {list(vocab.CONFIDENCE_LEVELS)} (low is never used)"
        )
    notes = check.text(raw, "notes", required=False)
    if confidence == "medium" and (notes is None or "check" not in notes.lower()):
        check.fail("notes", "must tell people to check with the service when confidence is medium")
    source = check.text(raw, "source")
    verified = raw.get("last_verified")
    if isinstance(verified, str):
        try:
            verified = dt.date.fromisoformat(verified)
        except ValueError:
            pass
    if not isinstance(verified, dt.date) or isinstance(verified, dt.datetime):
        check.fail("last_verified", f"must be a date like 2026-11-25, got {verified!r}")
    variant_of = check.text(raw, "variant_of", required=False)
    for group_field in ("only_for", "groups"):  # checked here, read by needs_index
        if group_field in raw:
            check.codes(raw, group_field, vocab.NEEDS)
    if len(errors) > before:
        return None
    # Every check above failed (adding an error) where a value is missing or of the wrong type, so these
    # hold; stated for the type checker.
    assert ident and name and summary and organisation and source and confidence
    assert isinstance(is_24_7, bool) and isinstance(verified, dt.date)
    return ServiceRecord(
        id=ident,
        name=name,
        summary=summary,
        organisation=organisation,
        areas=areas,
        scope=scope,
        age_min=age_min,
        age_max=age_max,
        audiences=audiences,
        concerns=concerns,
        how_to_refer=routes,
        contacts=contacts,
        hours=hours,
        is_24_7=is_24_7,
        confidence=confidence,
        notes=notes,
        source=source,
        last_verified=verified,
        variant_of=variant_of,
        source_file=file,
        position=position,
    )


def parse_documents(documents: Mapping[str, Any]) -> List[ServiceRecord]:
    """Validate parsed YAML documents ({file name: content}) and return every record, or raise DirectoryDataError."""
    errors: List[str] = []
    records: List[ServiceRecord] = []
    for file, document in documents.items():
        if not isinstance(document, dict) or not isinstance(document.get("services"), list):
            errors.append(f"{file}: must be a mapping with a 'services' list")
            continue
        for key in sorted(set(document) - set(FILE_KEYS)):
            errors.append(f"{file}: top-level key '{key}' is not known (use {list(FILE_KEYS)})")
        defaults = document.get("defaults") or {}
        if not isinstance(defaults, dict):
            errors.append(f"{file}: defaults must be a mapping")
            defaults = {}
        for index, raw in enumerate(document["services"]):
            merged = {**defaults, **raw} if isinstance(raw, dict) else raw
            record = _check_record(file, index, merged, errors)
            if record is not None:
                records.append(record)
    _check_across(records, errors)
    if errors:
        raise DirectoryDataError(errors)
    return [_with_position(r, i) for i, r in enumerate(records)]


def _with_position(record: ServiceRecord, position: int) -> ServiceRecord:
    return (
        record if record.position == position else ServiceRecord(**{**record.__dict__, "position": position})
    )


def _check_across(records: List[ServiceRecord], errors: List[str]) -> None:
    """Checks that need every record: unique ids and variant_of pointing at a real, different service."""
    seen: Dict[str, str] = {}
    for record in records:
        if record.id in seen:
            errors.append(
                f"{record.source_file}: service '{record.id}': id is already used in {seen[record.id]}"
            )
        else:
            seen[record.id] = record.source_file
    for record in records:
        if record.variant_of is not None and (
            record.variant_of not in seen or record.variant_of == record.id
        ):
            errors.append(
                f"{record.source_file}: service '{record.id}': variant_of '{record.variant_of}' "
                "is not another service's id"
            )


def read_documents(services_dir: Path = SERVICES_DIR) -> Dict[str, Any]:
    """Parse every *.yml file in the services folder, in name order, keyed by file name."""
    documents: Dict[str, Any] = {}
    for path in sorted(services_dir.glob("*.yml")):
        with path.open(encoding="utf-8") as handle:
            try:
                documents[path.name] = yaml.load(handle, Loader=_YAML_LOADER)
            except yaml.YAMLError as exc:
                raise DirectoryDataError([f"{path.name}: is not valid YAML: {exc}"]) from exc
    if not documents:
        raise DirectoryDataError([f"{services_dir}: no *.yml service files found"])
    return documents


def read_services(services_dir: Path = SERVICES_DIR) -> List[ServiceRecord]:
    """Every validated service record from the YAML files (raises DirectoryDataError on any problem)."""
    return parse_documents(read_documents(services_dir))


@lru_cache(maxsize=1)
def needs_index() -> Dict[str, Tuple[Tuple[str, ...], Tuple[str, ...]]]:
    """{service id: (only_for, groups)} for every YAML service that names groups (vocab.NEEDS), read once per
    process. `only_for`: the service serves no one else (a care leavers' line); `groups`: it is meant
    especially for them. They live in the YAML only (not in the database or the Open Referral export) and
    are validated with the rest of the record by parse_documents."""
    documents = read_documents()
    parse_documents(documents)
    index = {}
    for document in documents.values():
        for raw in document["services"]:
            only_for, groups = tuple(raw.get("only_for") or ()), tuple(raw.get("groups") or ())
            if only_for or groups:
                index[raw["id"]] = (only_for, groups)
    return index
