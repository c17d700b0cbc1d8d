"""The SQL behind matching: prebuilt statements, reused with bound parameters.

1. `ranked`: reads only the derived `search_entry` rows of the person's borough plus National/Online
   (one primary-key range per area: clustered on SQLite, inserted area by area for PostgreSQL). Concerns,
   referral routes and audiences are tested with integer bit masks, so there are no joins or GROUP BYs; the
   database sorts the candidates, keeps the top few and only then joins their service and organisation rows,
   whose `links` column carries the link values (directory.links), so a match is one statement. With
   `with_total` the same statement also counts the eligible services (for an API page).
2. `eligible_count`: how many services (one per family) pass the same filters as `ranked`, for paging.
On PostgreSQL every statement is a round trip and is planned afresh (psycopg2 does not prepare), so one
statement per match matters more than its size. Building and compiling a SQLAlchemy statement costs several
times more than running it (6-11 ms the first time a process uses a shape), so there are few shapes (role,
referral filter, referral-only, total), each built once and cached; everything else is bound: the row
limit, the ages (the whole range when unknown), the borough (NULL when unknown) and the urgency sort key.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Optional, Sequence, Union

from sqlalchemy import Integer, String, bindparam, case, distinct, func, select
from sqlalchemy.sql import Select
from sqlalchemy.sql.expression import BindParameter, ColumnElement

from directory import vocab
from directory.models import Organisation, SearchEntry, Service, SupersededArea

DIRECT_MASK = vocab.bits(sorted(vocab.DIRECT_ROUTES), vocab.REFERRAL_ROUTES)
SELF_MASK = vocab.bits(sorted(vocab.SELF_ROUTES), vocab.REFERRAL_ROUTES)
PARENT_MASK = vocab.bits(["parent"], vocab.AUDIENCES)
REFERRAL_MASKS = {
    name: vocab.bits(sorted(routes), vocab.REFERRAL_ROUTES) for name, routes in vocab.REFERRAL_FILTERS.items()
}
# Everything a ServiceRecord needs, links included (directory.store.record reads these rows).
RECORD_COLUMNS = (
    Service.id,
    Service.name,
    Service.summary,
    Service.scope,
    Service.age_min,
    Service.age_max,
    Service.hours,
    Service.is_24_7,
    Service.confidence,
    Service.notes,
    Service.source,
    Service.last_verified,
    Service.variant_of,
    Service.source_file,
    Service.position,
    Service.links,
    Organisation.name.label("organisation"),
)


def _has(column: ColumnElement, mask: Union[int, BindParameter]) -> ColumnElement:
    """column & mask != 0, for an int mask or a bound parameter."""
    return column.op("&")(mask) != 0


def _eligible(
    columns: Sequence[ColumnElement], role: str, referral_only: bool, referral: Optional[str]
) -> Select:
    """`columns` from the search rows that pass every eligibility rule (directory.matching); shared by
    `ranked` and `eligible_count` so the count always agrees with the list.

    Parameters: areas (list), wanted (concern bit mask), age_low and age_high (the person's age twice, or
    0 and 120 when it is not known: every service's ages lie in that range), borough (None when not known:
    then no service is superseded), excluded (ids the person cannot use: only for a group they did not
    name; none by default), meant_for (ids meant for a group they named; none by default). Binding these instead of building a statement per case keeps the number
    of statement shapes small, and each new shape costs several milliseconds to build and compile once.
    """
    entry = SearchEntry
    superseded = select(SupersededArea.service_id).where(
        SupersededArea.area == bindparam("borough", type_=String)
    )
    stmt = select(*columns).where(
        entry.area.in_(bindparam("areas", expanding=True)),
        _has(entry.concern_bits, bindparam("wanted", type_=Integer)),
        _has(entry.audience_bits, vocab.bits(vocab.AUDIENCES_FOR[role], vocab.AUDIENCES)),
        entry.age_min.is_(None) | (entry.age_min <= bindparam("age_high", type_=Integer)),
        entry.age_max.is_(None) | (entry.age_max >= bindparam("age_low", type_=Integer)),
        # a national service gives way to its local variant in that borough
        entry.service_id.not_in(superseded),
        # services only for a group the person did not name (matching.excluded_for)
        entry.service_id.not_in(bindparam("excluded", expanding=True, value=[])),
        # over 25: only services that state an upper age, or national / online ones (directory.fallback too)
        (bindparam("age_low", type_=Integer) <= vocab.MAX_AGE_MIN)
        | entry.age_max.is_not(None)
        | (entry.scope_rank >= vocab.SCOPE_RANK[vocab.SCOPE_NATIONAL]),
    )
    # services meant for a group the person named (matching.meant_for) are offered even when the way in
    # is not published: the reason then says to ask the GP or school
    named = entry.service_id.in_(bindparam("meant_for", expanding=True, value=[]))
    if referral_only:
        stmt = stmt.where((entry.route_bits.op("&")(DIRECT_MASK) == 0) & ~named)
    elif role != "professional" and referral != "professional":
        # asking for professional routes explicitly shows the referral-only services too
        stmt = stmt.where(_has(entry.route_bits, DIRECT_MASK) | named)
    if referral is not None:
        stmt = stmt.where(_has(entry.route_bits, REFERRAL_MASKS[referral]))
    return stmt


@lru_cache(maxsize=32)
def eligible_count(role: str, referral_only: bool, referral: Optional[str] = None) -> Select:
    """The number of eligible services, counting a service and its local variants once (as matching
    shows one per family). Same parameters as `ranked` (exact, related and rank_24_7 are not needed)."""
    return _eligible([func.count(distinct(SearchEntry.family))], role, referral_only, referral)


@lru_cache(maxsize=64)
def ranked(
    role: str, referral_only: bool, referral: Optional[str] = None, with_total: bool = False
) -> Select:
    """The best `fetch` eligible services in rank order (rules: directory.matching), each with its family, its
    tier and the RECORD_COLUMNS (links included), so one statement answers a whole match.

    Parameters: those of `_eligible`, fetch (row limit), exact and related (concern bit masks), rank_24_7 (0
    when the concerns are urgent, so 24/7 services sort first; 1 otherwise, a key equal for all). `referral`
    (self | parent | professional) keeps services with such a route. `with_total` adds a `total` column:
    `eligible_count` of the same filters, on every row (no rows means no eligible service), so a page and its
    total come from the same statement and snapshot.
    """
    entry = SearchEntry
    tier = case(
        (_has(entry.concern_bits, bindparam("exact", type_=Integer)), 0),
        (_has(entry.concern_bits, bindparam("related", type_=Integer)), 1),
        else_=2,
    )
    stmt = _eligible([entry.service_id, entry.family, tier.label("tier")], role, referral_only, referral)
    order = []  # (expression, descending)
    if not referral_only:
        order.append((case((entry.is_24_7.is_(True), bindparam("rank_24_7", type_=Integer)), else_=1), False))
    order.append((case((tier <= 1, 0), else_=1), False))
    if role == "parent":
        order.append((case((_has(entry.audience_bits, PARENT_MASK), 0), else_=1), False))
    order += [(entry.scope_rank, False), (tier, False)]
    if referral_only:
        order.append((entry.age_span, True))
    else:
        if role == "young_person":
            order.append((case((_has(entry.route_bits, SELF_MASK), 0), else_=1), False))
        order.append((entry.age_span, False))
    order.append((entry.position, False))
    keys = [expression.label(f"k{i}") for i, (expression, _desc) in enumerate(order)]
    top = (
        stmt.add_columns(*keys)
        .order_by(*[e.desc() if d else e for e, d in order])
        .limit(bindparam("fetch", type_=Integer))
        .subquery("top")
    )
    outer_order = [top.c[f"k{i}"].desc() if desc else top.c[f"k{i}"] for i, (_e, desc) in enumerate(order)]
    columns = [top.c.family, top.c.tier, *RECORD_COLUMNS]
    if with_total:
        columns.append(eligible_count(role, referral_only, referral).scalar_subquery().label("total"))
    # details for the few winners only: one join after the LIMIT, in the same round trip
    return (
        select(*columns)
        .join(Service, Service.id == top.c.service_id)
        .join(Organisation, Organisation.id == Service.organisation_id)
        .order_by(*outer_order)
    )
