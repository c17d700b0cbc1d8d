"""Match a young person or parent (age, borough, concerns, role) to services they can actually use.

Who sees what (a service that fails any rule never appears):
- Age: when the age is known it must be inside the service's age range (an unstated bound is open).
  For parents the age is their child's, and parent services store the child's ages.
- Area: the service covers the person's borough, or is National / Online. "Outside London", "Not given",
  None or an unknown name only get National / Online services.
- Young person (also when the role is unknown, the safest reading): services for young people that they
  can get into without a professional (route self, online, drop_in or parent). Parent-only services and
  services reached only through a professional, GP or school are never options; `professional_routes`
  returns the latter separately for an "ask your GP or school about ..." line.
- Parent: services for parents plus young people's services the family can reach directly (self, parent,
  online, drop_in): a parent can pass those on. Professional-only services go to `professional_routes`.
- Professional: every service in the area and age range, including referral-only and professional-facing
  ones, because a professional can refer.
- Groups and adults: a service `only_for` a group (care leavers, autistic young people) is shown only to
  someone who said they belong to it (excluded_for); over 25, only services that state an upper age or are
  national / online. Services meant for a group the person named (`only_for` or `groups`) come first.
- Concerns: services tagged with a requested concern (exact), a related concern (data/concerns.yml), or
  "general". An empty list or ["general"] asks for general services only. Free text ("panic", "not eating")
  becomes a code through the synonyms in data/concerns.yml (directory.concerns.resolve_concern), never code.
- Referral filter (optional, the API's `referral`): self keeps services you can get into yourself (self,
  online, drop-in), parent those a parent can contact for their child, professional those a GP, school or
  other professional can refer to; asking for professional routes also shows referral-only services.
- A national service with a local variant (`variant_of`, e.g. Kooth) is replaced by the local variant
  in that borough, and dropped there when the local variant does not fit (e.g. age): local contracts win.

Ranking (first difference wins):
1. urgent concerns (those with `urgent: true` in data/concerns.yml; today only self_harm): services open
   24/7 first. Opening hours are free text, so "open now" can only mean "open 24/7";
2. exact or related concern before general-only services (so national specialists beat local generalists);
3. for parents, services meant for parents before young people's services (a parents' helpline is more
   use to a worried parent than a youth club, even if the youth club is local);
4. local, then London-wide, then national / online;
5. exact concern, then related, then general;
6. for young people, self / online / drop-in before "a parent can refer";
7. tighter age range first (an unstated range counts as 0-120); then file order.
`professional_routes` ranks the same way but prefers wider age ranges, so the front-door service (CAMHS)
comes before niche teams (an inpatient unit).

Every result carries a plain reason (directory.wording, data/reasons.yml): where, which ages, the easiest
way in for this person, and "open 24/7" when it is; plus `concern_match` (exact | related | general) and
`locality`, the two facts the ranking turned on.

Paging: `find_services(..., limit, offset)` returns one page of the same ranked list and `count_services`
the size of the whole list (one per family, as shown), so an API can page without re-ranking differently;
`find_page` returns a page, its full records and that total from one statement (what GET /services uses).

Speed: one statement per call whatever the directory size (find_page adds the total to the same statement):
a ranked pass over the derived search_entry rows of the person's areas (bit masks, no joins) that joins
only the winners' service rows after the LIMIT, links included (directory.links). Read through a connection
from directory.db.make_read_engine, that is one round trip on PostgreSQL (no BEGIN or COMMIT). The
statements are prebuilt in directory.queries, one per role and referral filter; everything else is bound.
bench_directory, 10 000 services, 2026-11-26, load average 2.2-2.7: p99 1.2 ms on SQLite, 2.4-2.8 ms on PostgreSQL.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Dict, FrozenSet, List, Optional, Sequence, Set, Tuple

from sqlalchemy.engine import Row

from directory import places, queries, records, store, vocab
from directory.concerns import EXACT, GENERAL_TIER, RELATED, bit_order, expand, is_urgent
from directory.db import Reader
from directory.records import ContactRecord, ServicePayload, ServiceRecord
from directory.wording import build_reason

log = logging.getLogger(__name__)

#: The keys of the signposting item (docs/contracts.md), in order: those of records.ServicePayload.
PAYLOAD_KEYS: Tuple[str, ...] = tuple(ServicePayload.__annotations__)
CONCERN_MATCH = {0: "exact", 1: "related", 2: "general"}


@dataclass(frozen=True)
class MatchQuery:
    """What we know about the person: age (for parents, the child's), borough, concern codes, role."""

    age: Optional[int] = None
    borough: Optional[str] = None
    concerns: Sequence[str] = ()
    role: Optional[str] = None
    referral: Optional[str] = None  # None, or a key of vocab.REFERRAL_FILTERS: self | parent | professional
    needs: Sequence[str] = ()  # groups the person volunteered (vocab.NEEDS): see fits_needs


@dataclass(frozen=True)
class MatchResult:
    """One matched service as plain data (safe to use after the session closes)."""

    id: str
    name: str
    summary: str
    organisation: str
    areas: Tuple[str, ...]
    concerns: Tuple[str, ...]
    how_to_refer: Tuple[str, ...]
    audiences: Tuple[str, ...]
    age_min: Optional[int]
    age_max: Optional[int]
    phone: Optional[str]
    website: Optional[str]
    email: Optional[str]
    hours: Optional[str]
    is_24_7: bool
    locality: str  # local | london | national | online
    concern_match: str  # exact | related | general
    reason: str
    confidence: str
    notes: Optional[str]
    last_verified: str  # ISO date
    contacts: Tuple[ContactRecord, ...] = field(default=())


@dataclass(frozen=True)
class MatchPage:
    """One page of matches: results with their full records (same order) and, from find_page, the total."""

    results: List[MatchResult]
    records: List[ServiceRecord]
    total: Optional[int]


@dataclass(frozen=True)
class _Plan:
    role: str
    age: Optional[int]
    borough: Optional[str]
    tiers: Dict[str, int]
    urgent: bool
    referral: Optional[str]
    needs: FrozenSet[str] = frozenset()


def canonical_borough(text: Optional[str]) -> Optional[str]:
    """The contracts.md spelling of a borough typed in any case, or None (Outside London, Not given, unknown)."""
    if not text:
        return None
    wanted = " ".join(text.split()).casefold()
    return next((b for b in places.london_boroughs() if b.casefold() == wanted), None)


def normalise_borough(text: Optional[str]) -> Optional[str]:
    """A borough name, "Outside London" or "Not given" from whatever was typed ("hackney", "E8", "Dalston",
    "Camdem"), through the spellings, neighbourhoods and postcodes in directory.places; None if unknown."""
    if not text:
        return None
    for special in (vocab.OUTSIDE_LONDON, vocab.NOT_GIVEN):
        if text.strip().casefold() == special.casefold():
            return special
    exact = canonical_borough(text)
    if exact:
        return exact
    match = places.resolve_place(text)
    return match.borough if match else None


def _plan(query: MatchQuery) -> _Plan:
    role = query.role or "young_person"
    if role not in vocab.ROLES:
        raise ValueError(f"unknown role {query.role!r}; use one of {vocab.ROLES}")
    age = query.age
    if age is not None:
        if isinstance(age, bool) or not isinstance(age, (int, float)) or not 0 <= age <= vocab.ALL_AGES_MAX:
            raise ValueError(f"age must be a number from 0 to {vocab.ALL_AGES_MAX}, got {age!r}")
        age = int(age)
    if query.referral is not None and query.referral not in vocab.REFERRAL_FILTERS:
        raise ValueError(f"unknown referral {query.referral!r}; use one of {tuple(vocab.REFERRAL_FILTERS)}")
    concerns = list(query.concerns or ())
    return _Plan(
        role=role,
        age=age,
        borough=canonical_borough(query.borough),
        tiers=expand(concerns),
        urgent=is_urgent(concerns),
        referral=query.referral,
        needs=frozenset(n for n in query.needs or () if n in vocab.NEEDS),
    )


def _params(plan: _Plan) -> Dict[str, Any]:
    """Bound values for queries.ranked: concern sets become bit masks, an unknown age the whole 0-120 range,
    an unknown borough None (nothing superseded), urgency the 24/7 sort key (queries._eligible says why)."""
    order = bit_order()

    def pick(tiers: Tuple[int, ...]) -> int:
        return vocab.bits([code for code, tier in plan.tiers.items() if tier in tiers], order)

    return {
        "areas": [vocab.NATIONAL, vocab.ONLINE] + ([plan.borough] if plan.borough else []),
        "wanted": pick((EXACT, RELATED, GENERAL_TIER)),
        "exact": pick((EXACT,)),
        "related": pick((RELATED,)),
        "age_low": 0 if plan.age is None else plan.age,
        "age_high": vocab.ALL_AGES_MAX if plan.age is None else plan.age,
        "borough": plan.borough,
        "rank_24_7": 0 if plan.urgent else 1,
        "excluded": excluded_for(plan.needs),
        "meant_for": meant_for(plan.needs),
    }


def _ranked_rows(
    session: Reader, plan: _Plan, fetch: int, referral_only: bool, with_total: bool = False
) -> List[Row]:
    """Eligible services with every record column, best first, and the total when asked: one statement."""
    stmt = queries.ranked(plan.role, referral_only, plan.referral, with_total)
    return list(session.execute(stmt, {**_params(plan), "fetch": fetch}).all())


def excluded_for(needs: FrozenSet[str]) -> List[str]:
    """Ids of services only for a group (`only_for`, e.g. care leavers) none of whose groups the person named:
    they are never shown to them (queries._eligible leaves them out, so counts agree)."""
    return sorted(
        sid
        for sid, (only_for, _) in records.needs_index().items()
        if only_for and not needs.intersection(only_for)
    )


def meant_for(needs: FrozenSet[str]) -> List[str]:
    """Ids of services meant for a group the person named (`only_for` or `groups`): they come first, and are
    offered even when their way in is not published (the reason says to ask the GP or school)."""
    return sorted(
        sid
        for sid, (only_for, groups) in records.needs_index().items()
        if needs.intersection(only_for + groups)
    )


def _meant_for_them(service_id: str, plan: _Plan) -> bool:
    only_for, groups = records.needs_index().get(service_id, ((), ()))
    return bool(plan.needs.intersection(only_for + groups))


def _pick(rows: List[Row], limit: int, plan: Optional[_Plan] = None) -> List[Row]:
    """One service per family (a service and its local variants), best first, cut to limit. Services meant
    for a group the person named come first (the SQL order is kept otherwise)."""
    if plan is not None and plan.needs:
        rows = sorted(rows, key=lambda r: not _meant_for_them(r.id, plan))
    picked: List[Row] = []
    seen: Set[str] = set()
    for row in rows:
        if row.family in seen or row.id in seen:
            continue
        seen.update((row.family, row.id))
        picked.append(row)
        if len(picked) == limit:
            break
    return picked


def _to_result(record: ServiceRecord, tier: int, plan: _Plan) -> MatchResult:
    return MatchResult(
        id=record.id,
        name=record.name,
        summary=record.summary,
        organisation=record.organisation,
        areas=record.areas,
        concerns=record.concerns,
        how_to_refer=record.how_to_refer,
        audiences=record.audiences,
        age_min=record.age_min,
        age_max=record.age_max,
        phone=record.first("phone"),
        website=record.first("website"),
        email=record.first("email"),
        hours=record.hours,
        is_24_7=record.is_24_7,
        locality=record.scope,
        concern_match=CONCERN_MATCH[tier],
        reason=build_reason(
            role=plan.role,
            scope=record.scope,
            borough=plan.borough,
            areas=record.areas,
            age_min=record.age_min,
            age_max=record.age_max,
            routes=record.how_to_refer,
            audiences=record.audiences,
            is_24_7=record.is_24_7,
        ),
        confidence=record.confidence,
        notes=record.notes,
        last_verified=record.last_verified.isoformat(),
        contacts=record.contacts,
    )


def _fetch(limit: int) -> int:
    """Rows to rank in SQL: room for duplicates of one family (at least 20, in steps of 20)."""
    if limit < 1:
        raise ValueError("limit must be at least 1")
    return max(20, -(-limit * 4 // 20) * 20)


def _page(session: Reader, query: MatchQuery, limit: int, offset: int, with_total: bool) -> MatchPage:
    if offset < 0:
        raise ValueError("offset must not be negative")
    plan = _plan(query)
    fetch = _fetch(offset + limit) * (3 if plan.needs else 1)
    rows = _ranked_rows(session, plan, fetch, referral_only=False, with_total=with_total)
    picked = _pick(rows, offset + limit, plan)[offset:]
    records = [store.record(row) for row in picked]
    log.debug("find_services: %d candidates, %d results", len(rows), len(records))
    return MatchPage(
        results=[_to_result(record, row.tier, plan) for record, row in zip(records, picked, strict=False)],
        records=records,
        total=(rows[0].total if rows else 0) if with_total else None,
    )


def find_services(session: Reader, query: MatchQuery, limit: int = 5, offset: int = 0) -> List[MatchResult]:
    """Services this person can use, best first (see the module docstring for the rules and ranking).

    `offset` skips that many of the best ones (paging). Raises ValueError for an unknown role, concern code
    or referral filter, an impossible age, or a negative offset.
    """
    return _page(session, query, limit, offset, with_total=False).results


def find_page(session: Reader, query: MatchQuery, limit: int, offset: int = 0) -> MatchPage:
    """One page of find_services with the full records (for the ORUK JSON) and count_services' total, from
    one statement: the API's whole database work for GET /services. Raises ValueError as find_services."""
    return _page(session, query, limit, offset, with_total=True)


def count_services(session: Reader, query: MatchQuery) -> int:
    """How many services find_services can list for this person in all (one per family, as it shows them)."""
    plan = _plan(query)
    stmt = queries.eligible_count(plan.role, False, plan.referral)
    return int(session.execute(stmt, _params(plan)).scalar_one())


def professional_routes(session: Reader, query: MatchQuery, limit: int = 3) -> List[MatchResult]:
    """Services that fit but need a GP, school or other professional to get in: "ask your GP or school about ...".

    Empty for professionals, who already get these from find_services.
    """
    plan = _plan(query)
    if plan.role == "professional":
        return []
    rows = _ranked_rows(session, plan, _fetch(limit), referral_only=True)
    return [_to_result(store.record(row), row.tier, plan) for row in _pick(rows, limit, plan)]


def service_payload(result: MatchResult) -> ServicePayload:
    """The signposting payload item from docs/contracts.md, with exactly these keys."""
    return records.service_payload(result, result.phone, result.website)
