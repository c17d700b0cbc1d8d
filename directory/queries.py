"""The SQL behind matching, built once per shape and reused with bound parameters.

Building a SQLAlchemy statement costs milliseconds of Python; running a prepared one against indexed
tables costs well under one. So each statement shape (role, urgency, referral-only, age known, fetch
size) is built once and cached, and every value (areas, concerns, ages, ids) is a bound parameter.
Details for the winners come from two queries (service rows, then all their link rows in one UNION),
not from per-service lazy loads.
"""
from __future__ import annotations

from functools import lru_cache

from sqlalchemy import Integer, String, bindparam, case, func, literal, null, select, union_all
from sqlalchemy.sql import Select

from directory import vocab
from directory.models import (Contact, Organisation, ReferralRoute, Service, ServiceArea, ServiceAudience,
                              ServiceConcern)

SCOPE_RANK = {vocab.SCOPE_LOCAL: 0, vocab.SCOPE_LONDON: 1, vocab.SCOPE_NATIONAL: 2, vocab.SCOPE_ONLINE: 2}
SELF_RANK = {"self": 0, "online": 0, "drop_in": 0, "parent": 1}
AUDIENCES_FOR = {"young_person": ("young_person",), "parent": ("parent", "young_person")}


def _expanding(name: str):
    return bindparam(name, expanding=True)


@lru_cache(maxsize=128)
def ranked(role: str, urgent: bool, referral_only: bool, with_age: bool, fetch: int) -> Select:
    """(id, scope, family, tier) of eligible services in rank order (see directory.matching for the rules).

    Parameters: areas, wanted, exact, related (lists) and age (int, when with_age).
    """
    tier = func.min(case((ServiceConcern.concern.in_(_expanding("exact")), 0),
                         (ServiceConcern.concern.in_(_expanding("related")), 1), else_=2)).label("tier")
    ct = (select(ServiceConcern.service_id.label("sid"), tier)
          .where(ServiceConcern.concern.in_(_expanding("wanted")))
          .group_by(ServiceConcern.service_id).subquery("ct"))
    stmt = (select(Service.id, Service.scope, func.coalesce(Service.variant_of, Service.id), ct.c.tier)
            .join(ct, ct.c.sid == Service.id)
            .where(Service.id.in_(select(ServiceArea.service_id).where(ServiceArea.area.in_(_expanding("areas"))))))
    if with_age:
        age = bindparam("age", type_=Integer)
        stmt = stmt.where((Service.age_min.is_(None)) | (Service.age_min <= age),
                          (Service.age_max.is_(None)) | (Service.age_max >= age))
    if role in AUDIENCES_FOR:
        stmt = stmt.where(Service.id.in_(select(ServiceAudience.service_id)
                                         .where(ServiceAudience.audience.in_(AUDIENCES_FOR[role]))))
    direct_routes = sorted(vocab.DIRECT_ROUTES)
    order = []
    if urgent and not referral_only:
        order.append(case((Service.is_24_7.is_(True), 0), else_=1))
    order.append(case((ct.c.tier <= 1, 0), else_=1))
    if role == "parent":
        parents = select(ServiceAudience.service_id).where(ServiceAudience.audience == "parent")
        order.append(case((Service.id.in_(parents), 0), else_=1))
    order += [case(SCOPE_RANK, value=Service.scope, else_=2), ct.c.tier]
    span = func.coalesce(Service.age_max, vocab.ALL_AGES_MAX) - func.coalesce(Service.age_min, 0)
    if referral_only:
        direct = select(ReferralRoute.service_id).where(ReferralRoute.route.in_(direct_routes))
        stmt = stmt.where(Service.id.not_in(direct))
        order.append(span.desc())
    elif role in AUDIENCES_FOR:
        rr = (select(ReferralRoute.service_id.label("sid"),
                     func.min(case(SELF_RANK, value=ReferralRoute.route, else_=2)).label("route_rank"))
              .where(ReferralRoute.route.in_(direct_routes))
              .group_by(ReferralRoute.service_id).subquery("rr"))
        stmt = stmt.join(rr, rr.c.sid == Service.id)
        if role == "young_person":
            order.append(rr.c.route_rank)
        order.append(span)
    else:
        order.append(span)
    return stmt.order_by(*order, Service.position).limit(fetch)


@lru_cache(maxsize=1)
def local_variants() -> Select:
    """Families (variant_of) that have a local variant in a borough. Parameters: borough, families."""
    return (select(Service.variant_of).join(ServiceArea, ServiceArea.service_id == Service.id)
            .where(ServiceArea.area == bindparam("borough", type_=String), Service.scope == vocab.SCOPE_LOCAL,
                   Service.variant_of.in_(_expanding("families"))).distinct())


@lru_cache(maxsize=1)
def service_rows() -> Select:
    """The service columns a result needs, with the organisation name. Parameter: ids."""
    return (select(Service.id, Service.name, Service.summary, Service.age_min, Service.age_max, Service.scope,
                   Service.hours, Service.is_24_7, Service.confidence, Service.notes, Service.last_verified,
                   Organisation.name.label("organisation"))
            .join(Organisation, Organisation.id == Service.organisation_id)
            .where(Service.id.in_(_expanding("ids"))))


@lru_cache(maxsize=1)
def link_rows():
    """Areas, audiences, concerns, routes and contacts of several services in one query. Parameter: ids.

    Columns: service_id, what (area | audience | concern | route | contact), value, kind, label, position.
    """
    ids = _expanding("ids")

    def simple(model, column, what: str):
        return select(model.service_id, literal(what, String).label("what"), column.label("value"),
                      null().cast(String).label("kind"), null().cast(String).label("label"),
                      model.position).where(model.service_id.in_(ids))

    parts = [simple(ServiceArea, ServiceArea.area, "area"),
             simple(ServiceAudience, ServiceAudience.audience, "audience"),
             simple(ServiceConcern, ServiceConcern.concern, "concern"),
             simple(ReferralRoute, ReferralRoute.route, "route"),
             select(Contact.service_id, literal("contact", String).label("what"), Contact.value.label("value"),
                    Contact.kind.label("kind"), Contact.label.label("label"), Contact.position)
             .where(Contact.service_id.in_(ids))]
    return union_all(*parts)
