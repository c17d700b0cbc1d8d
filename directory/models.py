"""Database tables for the service directory, shaped after Open Referral UK (HSDS).

HSDS ideas kept: organisation -> service; service areas; eligibility (ages and audience); a taxonomy of
concerns; contacts (phone, text, email, website); opening hours; provenance. Simplified on purpose:
- ages sit on the service row (HSDS has a 1:1 eligibility table; one join fewer keeps matching fast);
- areas, concerns, audiences and referral routes are one row per value in narrow link tables (the
  source of truth, indexed on (value, service_id));
- a derived `search_entry` table repeats, per area, what matching filters and ranks on (concerns, routes
  and audiences packed into integer bit masks), so a match reads one area's rows and nothing else;
- a derived `service.links` column repeats a service's link values as JSON (directory.links), so a match
  or a page of the directory is one statement with no joins to the link tables;
- opening hours are free text plus an is_24_7 flag: the seeds give no structured schedules.
Every service records where its facts came from (`source`), how sure we are (`confidence`, `notes`)
and when they were last checked (`last_verified`).
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Date, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import registry, relationship
from sqlalchemy.orm.decl_api import DeclarativeMeta

_registry = registry()


class Base(metaclass=DeclarativeMeta):  # type: ignore[metaclass]  # SQLAlchemy 1.4 ships no types
    """The declarative base, spelled out as a class (SQLAlchemy 1.4's form for type checkers) rather than
    made by declarative_base(), which returns a value mypy cannot use as a base class."""

    __abstract__ = True
    registry = _registry
    metadata = _registry.metadata
    __init__ = _registry.constructor


class Organisation(Base):
    """Who runs a service (an NHS trust, a charity, a council)."""

    __tablename__ = "organisation"

    id = Column(String(200), primary_key=True)
    name = Column(String(200), nullable=False)

    services = relationship("Service", back_populates="organisation")


class Service(Base):
    """Something a young person, parent or professional can use or be told about."""

    __tablename__ = "service"

    id = Column(String(80), primary_key=True)
    organisation_id = Column(String(200), ForeignKey("organisation.id"), nullable=False, index=True)
    name = Column(String(200), nullable=False)
    summary = Column(Text, nullable=False)
    age_min = Column(Integer, nullable=True)  # None: not stated (no lower limit applied)
    age_max = Column(Integer, nullable=True)  # None: not stated; 120 means all ages
    scope = Column(String(10), nullable=False, index=True)  # local | london | national | online
    variant_of = Column(String(80), nullable=True, index=True)  # local version of a national service
    hours = Column(Text, nullable=True)
    is_24_7 = Column(Boolean, nullable=False, default=False)
    confidence = Column(String(10), nullable=False)
    notes = Column(Text, nullable=True)
    source = Column(Text, nullable=False)
    source_file = Column(String(120), nullable=False)
    last_verified = Column(Date, nullable=False)
    position = Column(Integer, nullable=False)  # load order, a stable last tie-break
    links = Column(
        Text, nullable=False
    )  # derived: the link tables' values for this service (directory.links)

    organisation = relationship("Organisation", back_populates="services")
    areas = relationship("ServiceArea", cascade="all, delete-orphan", order_by="ServiceArea.position")
    audiences = relationship(
        "ServiceAudience", cascade="all, delete-orphan", order_by="ServiceAudience.position"
    )
    concerns = relationship(
        "ServiceConcern", cascade="all, delete-orphan", order_by="ServiceConcern.position"
    )
    routes = relationship("ReferralRoute", cascade="all, delete-orphan", order_by="ReferralRoute.position")
    contacts = relationship("Contact", cascade="all, delete-orphan", order_by="Contact.position")


class ServiceArea(Base):
    """A borough served (contracts.md spelling), or National / Online."""

    __tablename__ = "service_area"

    service_id = Column(String(80), ForeignKey("service.id", ondelete="CASCADE"), primary_key=True)
    area = Column(String(40), primary_key=True)
    position = Column(Integer, nullable=False)

    __table_args__ = (Index("ix_service_area_area", "area", "service_id"),)


class SearchEntry(Base):
    """Derived search index: one row per (area, service) with everything matching filters and ranks on.

    Written by the loader from the same records as the tables above, never edited by hand. Matching reads
    only this table (clustered by area on SQLite) to choose and order candidates, then fetches the few
    winners' details, so the cost grows with the services in one borough, not with the whole directory.
    """

    __tablename__ = "search_entry"

    area = Column(String(40), primary_key=True)
    service_id = Column(String(80), ForeignKey("service.id", ondelete="CASCADE"), primary_key=True)
    family = Column(String(80), nullable=False)  # variant_of, or the service's own id
    scope_rank = Column(Integer, nullable=False)  # 0 local, 1 London-wide, 2 national/online
    is_24_7 = Column(Boolean, nullable=False)
    age_min = Column(Integer, nullable=True)
    age_max = Column(Integer, nullable=True)
    age_span = Column(Integer, nullable=False)  # age_max - age_min with unstated ends as 120 and 0
    concern_bits = Column(Integer, nullable=False)
    route_bits = Column(Integer, nullable=False)
    audience_bits = Column(Integer, nullable=False)
    position = Column(Integer, nullable=False)

    __table_args__ = {"sqlite_with_rowid": False}


class SupersededArea(Base):
    """A borough where a national service is replaced by its local variant (derived by the loader).

    Kooth is offered nationally, but in Hackney the local contract (ages 11-19) decides: there the
    national entry is not offered at all, even when the local one does not fit the person.
    """

    __tablename__ = "superseded_area"

    service_id = Column(String(80), ForeignKey("service.id", ondelete="CASCADE"), primary_key=True)
    area = Column(String(40), primary_key=True)

    __table_args__ = (Index("ix_superseded_area_area", "area", "service_id"),)


class ServiceAudience(Base):
    """Who the service is for: young_person, parent or professional."""

    __tablename__ = "service_audience"

    service_id = Column(String(80), ForeignKey("service.id", ondelete="CASCADE"), primary_key=True)
    audience = Column(String(20), primary_key=True)
    position = Column(Integer, nullable=False)

    __table_args__ = (Index("ix_service_audience_audience", "audience", "service_id"),)


class ConcernTerm(Base):
    """The concern taxonomy (HSDS taxonomy_term), loaded from data/concerns.yml."""

    __tablename__ = "concern"

    code = Column(String(40), primary_key=True)
    label = Column(String(100), nullable=False)
    description = Column(Text, nullable=False)
    bit = Column(Integer, nullable=False)  # position in search_entry.concern_bits


class ServiceConcern(Base):
    """A concern a service helps with (HSDS service_taxonomy)."""

    __tablename__ = "service_concern"

    service_id = Column(String(80), ForeignKey("service.id", ondelete="CASCADE"), primary_key=True)
    concern = Column(String(40), ForeignKey("concern.code"), primary_key=True)
    position = Column(Integer, nullable=False)

    __table_args__ = (Index("ix_service_concern_concern", "concern", "service_id"),)


class ReferralRoute(Base):
    """How someone gets in: self, parent, drop_in, online, gp, professional or school."""

    __tablename__ = "referral_route"

    service_id = Column(String(80), ForeignKey("service.id", ondelete="CASCADE"), primary_key=True)
    route = Column(String(20), primary_key=True)
    position = Column(Integer, nullable=False)

    __table_args__ = (Index("ix_referral_route_route", "route", "service_id"),)


class Contact(Base):
    """One way to reach a service: phone, text (SMS), email or website, with an optional label."""

    __tablename__ = "contact"

    id = Column(Integer, primary_key=True, autoincrement=True)
    service_id = Column(String(80), ForeignKey("service.id", ondelete="CASCADE"), nullable=False, index=True)
    kind = Column(String(10), nullable=False)
    value = Column(String(200), nullable=False)
    label = Column(String(200), nullable=True)
    position = Column(Integer, nullable=False)


class PublishedService(Base):
    """A service as published in Open Referral UK 3.0: the whole JSON document, kept as given.

    Why a document and not more columns: an imported feed must come back out unchanged, including fields
    the chat never uses (locations, fees, languages ...), so the standard's JSON is the source of truth for
    publishing; the columns here are only what the 3.0 filters need. Our own entries' documents are built
    from their records at load time (directory.oruk.v3). `service_id` is our key: the matching row (when
    the chat can use the service) and the old id that still resolves to this one.
    """

    __tablename__ = "oruk_service"
    __table_args__ = {"sqlite_with_rowid": False}

    id = Column(String(36), primary_key=True)  # the 3.0 id, a UUID
    service_id = Column(String(80), nullable=True, unique=True)
    position = Column(Integer, nullable=False, unique=True)
    status = Column(String(20), nullable=False)
    search_text = Column(Text, nullable=False)  # lower-case name and description, for `search`
    minimum_age = Column(Float, nullable=True)
    maximum_age = Column(Float, nullable=True)


class PublishedDocument(Base):
    """The JSON of a published service, in its own table so that filtering and counting scan narrow rows
    (with the documents inline, a count over 10 000 services read every document's pages on SQLite)."""

    __tablename__ = "oruk_document"

    id = Column(String(36), ForeignKey("oruk_service.id", ondelete="CASCADE"), primary_key=True)
    item = Column(Text, nullable=False)  # JSON: the list item (one-to-one fields)
    document = Column(Text, nullable=False)  # JSON: the full nested service, as given


class PublishedAttribute(Base):
    """Derived: the taxonomy terms a published service carries (`taxonomy_term_id`, `taxonomy_id` filters)."""

    __tablename__ = "oruk_service_term"

    oruk_service_id = Column(String(36), ForeignKey("oruk_service.id", ondelete="CASCADE"), primary_key=True)
    term_id = Column(String(36), primary_key=True)
    taxonomy_id = Column(String(36), nullable=True, index=True)

    __table_args__ = (Index("ix_oruk_service_term_term", "term_id", "oruk_service_id"),)


class PublishedSchedule(Base):
    """Derived: one row per (schedule, day) of a published service (`day`, `start_time`, `end_time`)."""

    __tablename__ = "oruk_schedule"

    id = Column(Integer, primary_key=True, autoincrement=True)
    oruk_service_id = Column(
        String(36), ForeignKey("oruk_service.id", ondelete="CASCADE"), nullable=False, index=True
    )
    day = Column(String(2), nullable=True)  # MO .. SU; None when the schedule names no day
    opens_at = Column(String(8), nullable=True)  # HH:MM:SS
    closes_at = Column(String(8), nullable=True)


class PublishedTaxonomy(Base):
    """A taxonomy: ours (directory.oruk.taxonomy), or one an imported feed's terms name."""

    __tablename__ = "oruk_taxonomy"

    id = Column(String(36), primary_key=True)
    position = Column(Integer, nullable=False)
    document = Column(Text, nullable=False)


class PublishedTerm(Base):
    """A taxonomy term used by the directory, with its JSON as published."""

    __tablename__ = "oruk_taxonomy_term"

    id = Column(String(36), primary_key=True)
    taxonomy_id = Column(String(36), nullable=True, index=True)
    position = Column(Integer, nullable=False)
    document = Column(Text, nullable=False)


class PublishedServiceAtLocation(Base):
    """A service at a location from a published service (only imported feeds have them: no addresses are
    made up for our own entries). `postcode` is the address's postcode as written, upper case, no spaces."""

    __tablename__ = "oruk_service_at_location"

    id = Column(String(36), primary_key=True)
    oruk_service_id = Column(
        String(36), ForeignKey("oruk_service.id", ondelete="CASCADE"), nullable=False, index=True
    )
    position = Column(Integer, nullable=False)
    postcode = Column(String(12), nullable=True)
    latitude = Column(Float, nullable=True)
    longitude = Column(Float, nullable=True)
    document = Column(Text, nullable=False)  # the service_at_location object as in the service document


PUBLISHED_TABLES = (
    PublishedServiceAtLocation,
    PublishedSchedule,
    PublishedAttribute,
    PublishedDocument,
    PublishedService,
    PublishedTerm,
    PublishedTaxonomy,
)

# Children first when deleting, parents first when inserting.
TABLES_IN_DELETE_ORDER = PUBLISHED_TABLES + (
    SearchEntry,
    Contact,
    ReferralRoute,
    ServiceConcern,
    ServiceAudience,
    SupersededArea,
    ServiceArea,
    Service,
    Organisation,
    ConcernTerm,
)
