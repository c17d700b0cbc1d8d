"""Query parameters of GET /services: parsed and checked before anything touches the database.

Every problem is a ParamError naming the parameter, which the API turns into a 400 JSON answer. Unknown
parameters are refused too: a typo such as `agee=14` would otherwise silently widen the results. Values are
never logged (they can hold a child's age and where they live).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import List, Mapping, Optional, Sequence

from directory import places, vocab
from directory.concerns import resolve_concern
from directory.matching import MatchQuery, normalise_borough

DEFAULT_PER_PAGE, MAX_PER_PAGE, MAX_PAGE = 10, 50, 10_000
PERSON_PARAMS = ("age", "borough", "postcode", "concern", "audience", "referral")
KNOWN_PARAMS = PERSON_PARAMS + ("page", "per_page")
_WHOLE = re.compile(r"^\d{1,6}$")


class ParamError(ValueError):
    """A bad query parameter: `parameter` is its name, the message says what is wrong in plain words."""

    def __init__(self, parameter: str, message: str):
        super().__init__(message)
        self.parameter = parameter
        self.message = message


@dataclass(frozen=True)
class ServiceQuery:
    """A checked GET /services request. `match` is None when no person filter was given: then the API lists
    the whole directory in load order (the Open Referral UK feed view); otherwise it ranks by matching."""

    match: Optional[MatchQuery]
    page: int
    per_page: int

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


def _one(query: Mapping, name: str) -> Optional[str]:
    values: Sequence[str] = (
        query.getall(name, []) if hasattr(query, "getall") else ([query[name]] if name in query else [])
    )
    if len(values) > 1:
        raise ParamError(name, f"give {name} once")
    return values[0].strip() if values else None


def _whole(
    name: str, text: Optional[str], low: int, high: int, default: Optional[int] = None
) -> Optional[int]:
    if text is None:
        return default
    if not _WHOLE.match(text) or not low <= int(text) <= high:
        raise ParamError(name, f"{name} must be a whole number from {low} to {high}, got {text!r}")
    return int(text)


def _borough(query: Mapping) -> Optional[str]:
    borough, postcode = _one(query, "borough"), _one(query, "postcode")
    if borough is not None and postcode is not None:
        raise ParamError("postcode", "give borough or postcode, not both")
    if postcode is not None:
        match = places.resolve_place(postcode)
        if match is None or match.kind != places.KIND_POSTCODE:
            raise ParamError(
                "postcode", f"{postcode!r} is not a postcode or a London postcode district like E8"
            )
        return match.borough
    if borough is not None:
        resolved = normalise_borough(borough)
        if resolved is None:
            raise ParamError(
                "borough",
                f"{borough!r} is not a London borough, a place in London, a postcode, "
                f"{vocab.OUTSIDE_LONDON!r} or {vocab.NOT_GIVEN!r}",
            )
        return resolved
    return None


def _concerns(query: Mapping) -> List[str]:
    values = query.getall("concern", []) if hasattr(query, "getall") else [query.get("concern", "")]
    codes: List[str] = []
    for text in (part.strip() for value in values for part in value.split(",")):
        code = resolve_concern(text)
        if code is None:
            raise ParamError(
                "concern",
                f"{text!r} is not a concern code or a word we know for one "
                "(see data/concerns.yml), e.g. anxiety, panic, not eating",
            )
        codes.append(code)
    return list(dict.fromkeys(codes))


def _choice(query: Mapping, name: str, allowed: Sequence[str]) -> Optional[str]:
    value = _one(query, name)
    if value is not None and value not in allowed:
        raise ParamError(name, f"{name} must be one of {', '.join(allowed)}, got {value!r}")
    return value


def parse_service_query(query: Mapping) -> ServiceQuery:
    """Check GET /services parameters (a multidict such as aiohttp's request.query)."""
    for name in query:
        if name not in KNOWN_PARAMS:
            raise ParamError(name, f"unknown query parameter {name!r}; known: {', '.join(KNOWN_PARAMS)}")
    page = _whole("page", _one(query, "page"), 1, MAX_PAGE, 1)
    per_page = _whole("per_page", _one(query, "per_page"), 1, MAX_PER_PAGE, DEFAULT_PER_PAGE)
    age = _whole("age", _one(query, "age"), 0, vocab.ALL_AGES_MAX)
    borough = _borough(query)
    concerns = _concerns(query)
    audience = _choice(query, "audience", vocab.ROLES)
    referral = _choice(query, "referral", tuple(vocab.REFERRAL_FILTERS))
    if not any(name in query for name in PERSON_PARAMS):
        return ServiceQuery(None, page, per_page)
    return ServiceQuery(
        MatchQuery(age=age, borough=borough, concerns=tuple(concerns), role=audience, referral=referral),
        page,
        per_page,
    )
