"""Query parameters of GET /services: parsed and checked before anything touches the database.

Every problem is a ParamError naming the parameter, which the API turns into a 400 JSON answer. Unknown
parameters are refused too: a typo such as `agee=14` would otherwise silently widen the results. Values are
never logged (they can hold a child's age and where they live).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import List, Mapping, Optional, Sequence, Tuple, overload

from directory import places, vocab
from directory.concerns import resolve_concern
from directory.matching import MatchQuery, normalise_borough

#: Query parameters: a multidict such as aiohttp's request.query (a name may repeat; read with getall) or a
#: plain mapping of one value a name.
Query = Mapping[str, str]

DEFAULT_PER_PAGE, MAX_PER_PAGE, MAX_PAGE = 10, 50, 10_000
PERSON_PARAMS = ("age", "borough", "postcode", "concern", "audience", "referral")
V1_PARAMS = PERSON_PARAMS + ("page", "per_page")
# Open Referral UK 3.0, named and ordered exactly as uk-profile-3.0/openapi.json (a test compares them).
PAGE_PARAMS = ("page", "per_page")
STANDARD_PARAMS = (
    "search",
    "page",
    "per_page",
    "taxonomy_term_id",
    "taxonomy_id",
    "minimum_age",
    "maximum_age",
    "start_time",
    "end_time",
    "day",
)
SAL_PARAMS = STANDARD_PARAMS + ("postcode", "proximity")
FILTER_PARAMS = tuple(name for name in STANDARD_PARAMS if name not in PAGE_PARAMS)
# GET /services also takes the person parameters (the chat's matching, an extension); not mixed with filters.
KNOWN_PARAMS = STANDARD_PARAMS + tuple(name for name in PERSON_PARAMS)
_WHOLE = re.compile(r"^\d{1,6}$")
_NUMBER = re.compile(r"^\d{1,3}(?:\.\d{1,3})?$")
_UK_POSTCODE = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]?(?:\d[A-Z]{2})?$")
_CLOCK = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?$")
DAY_CODES = {
    "MO": "monday",
    "TU": "tuesday",
    "WE": "wednesday",
    "TH": "thursday",
    "FR": "friday",
    "SA": "saturday",
    "SU": "sunday",
}


class ParamError(ValueError):
    """A bad query parameter: `parameter` is its name, the message says what is wrong in plain words."""

    def __init__(self, parameter: str, message: str):
        super().__init__(message)
        self.parameter = parameter
        self.message = message


@dataclass(frozen=True)
class Filters:
    """The Open Referral UK 3.0 filters of GET /services and /service_at_locations, checked; all AND-ed.

    Meanings from the profile's openapi.json: `search` full text (here every word must appear in the name or
    description, case ignored); `minimum_age` services whose minimum age is at least the value, `maximum_age`
    whose maximum age is at most the value (a service that states no such age is not returned); `day`,
    `start_time` (opens at or after) and `end_time` (closes at or before) must all hold for one schedule.
    """

    search: Tuple[str, ...] = ()
    taxonomy_term_id: Optional[str] = None
    taxonomy_id: Optional[str] = None
    minimum_age: Optional[float] = None
    maximum_age: Optional[float] = None
    start_time: Optional[str] = None  # HH:MM:SS
    end_time: Optional[str] = None
    day: Optional[str] = None  # MO .. SU
    postcode: Optional[str] = None  # service_at_locations only: normalised, e.g. "E81DY"
    borough: Optional[str] = None  # where that postcode is
    proximity: Optional[float] = None  # metres


@dataclass(frozen=True)
class ServiceQuery:
    """A checked GET /services request. `match` is None when no person filter was given: then the API lists
    the directory in load order with the 3.0 `filters`; otherwise it ranks by matching."""

    match: Optional[MatchQuery]
    page: int
    per_page: int
    filters: Filters = Filters()

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


def _one(query: Query, name: str) -> Optional[str]:
    values: Sequence[str] = (
        query.getall(name, []) if hasattr(query, "getall") else ([query[name]] if name in query else [])
    )
    if len(values) > 1:
        raise ParamError(name, f"give {name} once")
    return values[0].strip() if values else None


@overload
def _whole(name: str, text: Optional[str], low: int, high: int, default: int) -> int: ...
@overload
def _whole(name: str, text: Optional[str], low: int, high: int, default: None = None) -> Optional[int]: ...
def _whole(
    name: str, text: Optional[str], low: int, high: int, default: Optional[int] = None
) -> Optional[int]:
    if text is None:
        return default
    if not _WHOLE.match(text) or not low <= int(text) <= high:
        raise ParamError(name, f"{name} must be a whole number from {low} to {high}, got {text!r}")
    return int(text)


def _borough(query: Query) -> Optional[str]:
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


def _concerns(query: Query) -> List[str]:
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


def _choice(query: Query, name: str, allowed: Sequence[str]) -> Optional[str]:
    value = _one(query, name)
    if value is not None and value not in allowed:
        raise ParamError(name, f"{name} must be one of {', '.join(allowed)}, got {value!r}")
    return value


def _known(query: Query, known: Sequence[str]) -> None:
    for name in query:
        if name not in known:
            raise ParamError(name, f"unknown query parameter {name!r}; known: {', '.join(known)}")


def paging(query: Query, known: Sequence[str] = PAGE_PARAMS) -> Tuple[int, int]:
    """page and per_page (from 1; per_page at most 50), after refusing any parameter not in `known`."""
    _known(query, known)
    return (
        _whole("page", _one(query, "page"), 1, MAX_PAGE, 1),
        _whole("per_page", _one(query, "per_page"), 1, MAX_PER_PAGE, DEFAULT_PER_PAGE),
    )


def _number(query: Query, name: str) -> Optional[float]:
    text = _one(query, name)
    if text is None:
        return None
    if not _NUMBER.match(text) or float(text) > vocab.ALL_AGES_MAX:
        raise ParamError(name, f"{name} must be an age in years from 0 to {vocab.ALL_AGES_MAX}, got {text!r}")
    return float(text)


def _clock(query: Query, name: str) -> Optional[str]:
    text = _one(query, name)
    if text is None:
        return None
    match = _CLOCK.match(text)
    if not match:
        raise ParamError(name, f"{name} must be a time like 09:00 or 17:30:00, got {text!r}")
    return f"{match[1]}:{match[2]}:{match[3] or '00'}"


def _day(query: Query) -> Optional[str]:
    text = _one(query, "day")
    if text is None:
        return None
    code = (
        text.upper()
        if text.upper() in DAY_CODES
        else next((c for c, name in DAY_CODES.items() if name == text.lower()), None)
    )
    if code is None:
        raise ParamError("day", f"day must be MO, TU, WE, TH, FR, SA or SU (or the day's name), got {text!r}")
    return code


def _text(query: Query, name: str, longest: int = 200) -> Optional[str]:
    text = _one(query, name)
    if text is not None and (not text or len(text) > longest):
        raise ParamError(name, f"{name} must be 1 to {longest} characters")
    return text


def _postcode(query: Query) -> Tuple[Optional[str], Optional[str], Optional[float]]:
    postcode, proximity = _one(query, "postcode"), _one(query, "proximity")
    if proximity is not None:
        if postcode is None:
            raise ParamError("proximity", "proximity is a distance from a postcode: give postcode too")
        raise ParamError(
            "proximity",
            "proximity is not supported: this directory has no postcode coordinates "
            "(postcode alone filters by service area)",
        )
    if postcode is None:
        return None, None, None
    compact = "".join(postcode.upper().split())
    if not _UK_POSTCODE.match(compact):
        raise ParamError(
            "postcode", f"{postcode!r} is not a UK postcode or postcode district like E8 1DY or E8"
        )
    match = places.resolve_place(postcode)
    borough = (
        match.borough if match is not None and match.kind == places.KIND_POSTCODE else vocab.OUTSIDE_LONDON
    )
    return compact, borough, None


def parse_filters(query: Query, known: Sequence[str] = STANDARD_PARAMS) -> Filters:
    """The 3.0 filters (unknown names are checked by the caller)."""
    search = _text(query, "search")
    low, high = _number(query, "minimum_age"), _number(query, "maximum_age")
    start, end = _clock(query, "start_time"), _clock(query, "end_time")
    postcode, borough, proximity = _postcode(query) if "postcode" in known else (None, None, None)
    return Filters(
        search=tuple(search.lower().split()) if search else (),
        taxonomy_term_id=_text(query, "taxonomy_term_id"),
        taxonomy_id=_text(query, "taxonomy_id"),
        minimum_age=low,
        maximum_age=high,
        start_time=start,
        end_time=end,
        day=_day(query),
        postcode=postcode,
        borough=borough,
        proximity=proximity,
    )


def parse_sal_query(query: Query) -> Tuple[int, int, Filters]:
    """GET /service_at_locations: the /services filters plus postcode and proximity."""
    page, per_page = paging(query, SAL_PARAMS)
    return page, per_page, parse_filters(query, SAL_PARAMS)


def parse_service_query(query: Query) -> ServiceQuery:
    """Check GET /services parameters (a multidict such as aiohttp's request.query): the 3.0 filters, or the
    person parameters of the chat's matching (an extension; the two cannot be mixed)."""
    _known(query, KNOWN_PARAMS)
    person = [name for name in PERSON_PARAMS if name in query]
    standard = [name for name in FILTER_PARAMS if name in query]
    if person and standard:
        raise ParamError(
            standard[0],
            f"{standard[0]} cannot be combined with the person parameters "
            f"({', '.join(person)}): use one or the other",
        )
    page, per_page = paging(query, KNOWN_PARAMS)
    if not person:
        return ServiceQuery(None, page, per_page, parse_filters(query))
    return _person_query(query, page, per_page)


def parse_v1_query(query: Query) -> ServiceQuery:
    """Check GET /v1/services parameters (the ORUK v1 API: person parameters, page, per_page)."""
    _known(query, V1_PARAMS)
    page, per_page = paging(query, V1_PARAMS)
    if not any(name in query for name in PERSON_PARAMS):
        return ServiceQuery(None, page, per_page)
    return _person_query(query, page, per_page)


def _person_query(query: Query, page: int, per_page: int) -> ServiceQuery:
    age = _whole("age", _one(query, "age"), 0, vocab.ALL_AGES_MAX)
    borough = _borough(query)
    concerns = _concerns(query)
    audience = _choice(query, "audience", vocab.ROLES)
    referral = _choice(query, "referral", tuple(vocab.REFERRAL_FILTERS))
    return ServiceQuery(
        MatchQuery(age=age, borough=borough, concerns=tuple(concerns), role=audience, referral=referral),
        page,
        per_page,
    )
