"""National and online services straight from the YAML, for when the database cannot be reached.

The bot can still offer helplines such as Childline, Shout and NHS 111 (mental health option) during a
database outage. Order is the order of the YAML files (national.yml lists the most important first).
"""

from __future__ import annotations

from functools import lru_cache
from typing import List, Optional, Tuple

from directory import vocab
from directory.records import ServicePayload, ServiceRecord, read_services, service_payload


@lru_cache(maxsize=1)
def _national_records() -> Tuple[ServiceRecord, ...]:
    return tuple(r for r in read_services() if r.scope in (vocab.SCOPE_NATIONAL, vocab.SCOPE_ONLINE))


def payload(record: ServiceRecord) -> ServicePayload:
    """The contracts.md signposting item for a record (the same builder as matching.service_payload)."""
    return service_payload(record, record.first("phone"), record.first("website"))


def _usable(record: ServiceRecord, age: Optional[int], role: str) -> bool:
    """Same eligibility rules as matching: age inside the range, right audience, a direct way in."""
    if age is not None and (
        (record.age_min is not None and age < record.age_min)
        or (record.age_max is not None and age > record.age_max)
    ):
        return False
    if not set(vocab.AUDIENCES_FOR[role]) & set(record.audiences):
        return False
    if age is not None and age > vocab.MAX_AGE_MIN and record.age_max is None:
        # over 25: a local service with no upper age is a children's and young people's service
        if record.scope not in (vocab.SCOPE_NATIONAL, vocab.SCOPE_ONLINE):
            return False
    return role == "professional" or bool(vocab.DIRECT_ROUTES & set(record.how_to_refer))


def national_services(age: Optional[int] = None, role: Optional[str] = None) -> List[ServicePayload]:
    """Payload items for every national/online service this person can use (no database needed)."""
    role = role or "young_person"
    if role not in vocab.ROLES:
        raise ValueError(f"unknown role {role!r}")
    return [payload(r) for r in _national_records() if _usable(r, age, role)]
