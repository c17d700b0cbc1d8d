"""The SQL behind matching: prebuilt statements, reused with bound parameters.

1. `ranked`: reads only the derived `search_entry` rows of the person's borough plus National/Online
   (one primary-key range per area, clustered on SQLite). Concerns, referral routes and audiences are
   tested with integer bit masks, so there are no joins or GROUP BYs; the database sorts the candidates,
   keeps the top few and only then joins their service and organisation rows.
2. `link_rows`: the winners' areas, audiences, concerns, routes and contacts in one UNION ALL (no N+1).
3. `eligible_count`: how many services (one per family) pass the same filters as `ranked`, for paging.
Two round trips per match matter on PostgreSQL, where each statement is also planned afresh.
Building a SQLAlchemy statement costs more than running it, so each statement shape (role, urgency,
referral-only, age known, borough known, referral filter, fetch size) is built once and cached; values are bound.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Optional

from sqlalchemy import Integer, String, bindparam, case, distinct, func, literal, null, select, union_all
from sqlalchemy.sql import Select

from directory import vocab
from directory.models import (Contact, Organisation, ReferralRoute, SearchEntry, Service, ServiceArea,
                              ServiceAudience, ServiceConcern, SupersededArea)

AUDIENCES_FOR = {"young_person": ("young_person",), "parent": ("parent", "young_person"),
                 "professional": vocab.AUDIENCES}
DIRECT_MASK = vocab.bits(sorted(vocab.DIRECT_ROUTES), vocab.REFERRAL_ROUTES)
SELF_MASK = vocab.bits(sorted(vocab.SELF_ROUTES), vocab.REFERRAL_ROUTES)
PARENT_MASK = vocab.bits(["parent"], vocab.AUDIENCES)
REFERRAL_MASKS = {name: vocab.bits(sorted(routes), vocab.REFERRAL_ROUTES)
                  for name, routes in vocab.REFERRAL_FILTERS.items()}


def _has(column, mask) -> object:
    """column & mask != 0, for an int mask or a bound parameter."""
    return column.op("&")(mask) != 0


def _eligible(columns, role: str, referral_only: bool, with_age: bool, with_borough: bool,
              referral: Optional[str]) -> Select:
    """`columns` from the search rows that pass every eligibility rule (directory.matching); shared by
    `ranked` and `eligible_count` so the count always agrees with the list.

    Parameters: areas (list), wanted (concern bit mask), age (when with_age), borough (when with_borough).
    """
    entry = SearchEntry
    stmt = (select(*columns)
            .where(entry.area.in_(bindparam("areas", expanding=True)),
                   _has(entry.concern_bits, bindparam("wanted", type_=Integer)),
                   _has(entry.audience_bits, vocab.bits(AUDIENCES_FOR[role], vocab.AUDIENCES))))
    if with_age:
        age = bindparam("age", type_=Integer)
        stmt = stmt.where(entry.age_min.is_(None) | (entry.age_min <= age),
                          entry.age_max.is_(None) | (entry.age_max >= age))
    if with_borough:  # a national service gives way to its local variant in that borough
        superseded = select(SupersededArea.service_id).where(SupersededArea.area == bindparam("borough", type_=String))
        stmt = stmt.where(entry.service_id.not_in(superseded))
    if referral_only:
        stmt = stmt.where(entry.route_bits.op("&")(DIRECT_MASK) == 0)
    elif role != "professional" and referral != "professional":
        # asking for professional routes explicitly shows the referral-only services too
        stmt = stmt.where(_has(entry.route_bits, DIRECT_MASK))
    if referral is not None:
        stmt = stmt.where(_has(entry.route_bits, REFERRAL_MASKS[referral]))
    return stmt


@lru_cache(maxsize=64)
def eligible_count(role: str, referral_only: bool, with_age: bool, with_borough: bool,
                   referral: Optional[str] = None) -> Select:
    """The number of eligible services, counting a service and its local variants once (as matching
    shows one per family). Same parameters as `ranked` (exact and related are not needed)."""
    return _eligible([func.count(distinct(SearchEntry.family))], role, referral_only, with_age, with_borough,
                     referral)


@lru_cache(maxsize=256)
def ranked(role: str, urgent: bool, referral_only: bool, with_age: bool, with_borough: bool, fetch: int,
           referral: Optional[str] = None) -> Select:
    """The best `fetch` eligible services in rank order (rules: directory.matching), with the service columns
    a result needs: id, family, tier, name, summary, age_min, age_max, scope, hours, is_24_7, confidence,
    notes, last_verified, organisation.

    Parameters: areas (list), wanted, exact, related (concern bit masks), age (when with_age),
    borough (when with_borough). `referral` (self | parent | professional) keeps services with such a route.
    """
    entry = SearchEntry
    tier = case((_has(entry.concern_bits, bindparam("exact", type_=Integer)), 0),
                (_has(entry.concern_bits, bindparam("related", type_=Integer)), 1), else_=2)
    stmt = _eligible([entry.service_id, entry.family, tier.label("tier")], role, referral_only, with_age,
                     with_borough, referral)
    order = []  # (expression, descending)
    if urgent and not referral_only:
        order.append((case((entry.is_24_7.is_(True), 0), else_=1), False))
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
    top = (stmt.add_columns(*keys).order_by(*[e.desc() if d else e for e, d in order]).limit(fetch)
           .subquery("top"))
    outer_order = [top.c[f"k{i}"].desc() if desc else top.c[f"k{i}"] for i, (_e, desc) in enumerate(order)]
    # details for the few winners only: one join after the LIMIT, in the same round trip
    return (select(top.c.service_id.label("id"), top.c.family, top.c.tier, Service.name, Service.summary,
                   Service.age_min, Service.age_max, Service.scope, Service.hours, Service.is_24_7,
                   Service.confidence, Service.notes, Service.last_verified, Organisation.name.label("organisation"))
            .join(Service, Service.id == top.c.service_id)
            .join(Organisation, Organisation.id == Service.organisation_id)
            .order_by(*outer_order))


@lru_cache(maxsize=1)
def link_rows():
    """Areas, audiences, concerns, routes and contacts of several services in one query. Parameter: ids.

    Columns: service_id, what (area | audience | concern | route | contact), value, kind, label, position.
    """
    ids = bindparam("ids", expanding=True)
    no_text = null().cast(String)

    def simple(model, column, what: str):
        return select(model.service_id, literal(what, String).label("what"), column.label("value"),
                      no_text.label("kind"), no_text.label("label"), model.position).where(model.service_id.in_(ids))

    contacts = (select(Contact.service_id, literal("contact", String).label("what"), Contact.value.label("value"),
                       Contact.kind.label("kind"), Contact.label.label("label"), Contact.position)
                .where(Contact.service_id.in_(ids)))
    return union_all(simple(ServiceArea, ServiceArea.area, "area"),
                     simple(ServiceAudience, ServiceAudience.audience, "audience"),
                     simple(ServiceConcern, ServiceConcern.concern, "concern"),
                     simple(ReferralRoute, ReferralRoute.route, "route"), contacts)
