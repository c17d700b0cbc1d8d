"""Loader: every bad record is rejected with file, record and field named, and nothing is half-loaded.

Runs on SQLite and on PostgreSQL (see conftest.py).
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

import directory.loader as loader
from directory.db import session_scope
from directory.loader import load_directory
from directory.models import Contact, Organisation, Service, ServiceArea, ServiceConcern
from directory.records import DirectoryDataError


def _count(engine, model=Service) -> int:
    with session_scope(engine) as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


def _ids(engine) -> set:
    with session_scope(engine) as session:
        return set(session.execute(select(Service.id)).scalars())


def test_real_seed_data_loads(empty_engine):
    summary = load_directory(empty_engine)
    assert summary.services == _count(empty_engine) >= 80
    assert summary.by_area["Hackney"] >= 20 and summary.by_area["Westminster"] >= 25
    assert _count(empty_engine, Organisation) == summary.organisations
    with session_scope(empty_engine) as session:
        cnwl = session.get(Service, "cnwl-24-7-line")
        assert [c.value for c in cnwl.contacts if c.kind == "phone"] == ["0800 0234 650"]
        good_thinking_areas = session.execute(
            select(func.count()).select_from(ServiceArea).where(ServiceArea.service_id == "good-thinking")
        ).scalar_one()
        assert good_thinking_areas == 33  # "London" expanded to every borough


def test_reload_replaces_previous_content(empty_engine, tmp_path, service_factory, services_writer):
    load_directory(empty_engine)
    services_writer(tmp_path, {"small.yml": [service_factory(id="only-one")]})
    summary = load_directory(empty_engine, tmp_path)
    assert summary.services == 1 and _ids(empty_engine) == {"only-one"}
    assert _count(empty_engine, Contact) == 0  # children of old services are gone too


BAD_RECORDS = [
    # (overrides, drop, expected message fragment after "bad.yml: service 'first-steps': ")
    ({"age_min": 19, "age_max": 18}, (), "age_min 19 > age_max 18"),
    ({"age_min": 30}, (), "age_min 30 is outside 0..25"),
    ({"age_max": 130}, (), "age_max 130 is outside 0..120"),
    ({"age_min": "ten"}, (), "age_min must be a whole number"),
    ({"age_max": True}, (), "age_max must be a whole number"),
    ({}, ("name",), "name is missing"),
    ({}, ("source",), "source is missing"),
    ({}, ("how_to_refer",), "how_to_refer is missing"),
    ({"summary": ""}, (), "summary must be non-empty text"),
    ({"summary": "x" * 181}, (), "summary must be one line"),
    ({"areas": ["Hackney", "Gotham"]}, (), "areas has unknown values ['Gotham']"),
    ({"areas": ["hackney"]}, (), "areas has unknown values ['hackney']"),
    ({"areas": []}, (), "areas must not be empty"),
    ({"areas": ["National", "Hackney"]}, (), "areas ['National'] cannot be combined"),
    ({"concerns": ["anxiety", "worry"]}, (), "concerns has unknown values ['worry']"),
    ({"concerns": ["anxiety", "anxiety"]}, (), "concerns lists a value twice"),
    ({"how_to_refer": ["self", "email"]}, (), "how_to_refer has unknown values ['email']"),
    ({"audiences": ["teacher"]}, (), "audiences has unknown values ['teacher']"),
    (
        {"contacts": [{"type": "phone", "value": "+44 800 1111"}]},
        (),
        "contacts[0] phone '+44 800 1111' must be digits and spaces only",
    ),
    ({"contacts": [{"type": "phone", "value": "0800-1111"}]}, (), "must be digits and spaces only"),
    ({"contacts": [{"type": "phone", "value": 8001111}]}, (), "contacts[0] value must be text"),
    ({"name": "N" * 201}, (), "name must be at most 200 characters"),
    ({"id": "a" * 81}, (), "must be a lower-case slug like 'first-steps', at most 80"),
    ({"contacts": [{"type": "fax", "value": "0800 1111"}]}, (), "contacts[0] type 'fax'"),
    ({"contacts": [{"type": "text", "value": "85258"}]}, (), "a text contact needs a label"),
    ({"contacts": [{"type": "website", "value": "https://kooth.com"}]}, (), "must be a plain website"),
    ({"contacts": [{"type": "email", "value": "not-an-email"}]}, (), "must be a plain email"),
    ({"is_24_7": "yes"}, (), "is_24_7 must be true or false"),
    ({"confidence": "low"}, (), "confidence 'low' must be one of"),
    ({"confidence": "medium"}, (), "notes must tell people to check with the service"),
    ({"last_verified": "last week"}, (), "last_verified must be a date"),
    ({"id": "First Steps"}, (), "id 'First Steps' must be a lower-case slug"),
    ({"colour": "blue"}, (), "colour is not a known field"),
    ({"variant_of": "no-such-service"}, (), "variant_of 'no-such-service' is not another service's id"),
]


@pytest.fixture
def previous_content(empty_engine, tmp_path, service_factory, services_writer) -> set:
    """A small directory already in the database; a failed load must leave exactly this."""
    services_writer(tmp_path / "previous", {"old.yml": [service_factory(id=f"old-{i}") for i in range(3)]})
    load_directory(empty_engine, tmp_path / "previous")
    return _ids(empty_engine)


@pytest.mark.parametrize("overrides, drop, expected", BAD_RECORDS, ids=[m for _o, _d, m in BAD_RECORDS])
def test_bad_record_is_rejected_and_previous_content_stays(
    empty_engine, previous_content, tmp_path, service_factory, services_writer, overrides, drop, expected
):
    before_ids, before_links = _ids(empty_engine), _count(empty_engine, ServiceConcern)
    assert before_ids == {"old-0", "old-1", "old-2"} and before_links == 6
    bad = service_factory(drop=drop, **overrides)
    services_writer(tmp_path, {"bad.yml": [service_factory(id="fine-service"), bad]})
    with pytest.raises(DirectoryDataError) as error:
        load_directory(empty_engine, tmp_path)
    label = f"'{overrides['id']}'" if "id" in overrides else "'first-steps'"
    messages = [m for m in error.value.errors if m.startswith(f"bad.yml: service {label}: ")]
    assert messages and any(expected in m for m in messages), error.value.errors
    assert _ids(empty_engine) == before_ids and _count(empty_engine, ServiceConcern) == before_links


def test_the_brief_example_message_is_exact(tmp_path, service_factory, services_writer, empty_engine):
    services_writer(tmp_path, {"city_hackney.yml": [service_factory(age_min=19, age_max=18)]})
    with pytest.raises(DirectoryDataError) as error:
        load_directory(empty_engine, tmp_path)
    assert error.value.errors == ["city_hackney.yml: service 'first-steps': age_min 19 > age_max 18"]


def test_duplicate_ids_across_files_are_rejected(empty_engine, tmp_path, service_factory, services_writer):
    services_writer(tmp_path, {"a.yml": [service_factory()], "b.yml": [service_factory()]})
    with pytest.raises(DirectoryDataError) as error:
        load_directory(empty_engine, tmp_path)
    assert error.value.errors == ["b.yml: service 'first-steps': id is already used in a.yml"]
    assert _count(empty_engine) == 0


def test_all_errors_are_reported_together(empty_engine, tmp_path, service_factory, services_writer):
    services_writer(
        tmp_path,
        {"bad.yml": [service_factory(id="one", age_min=40), service_factory(id="two", concerns=["nope"])]},
    )
    with pytest.raises(DirectoryDataError) as error:
        load_directory(empty_engine, tmp_path)
    assert [m.split(":")[1].strip() for m in error.value.errors] == ["service 'one'", "service 'two'"]


def test_a_record_that_is_not_a_mapping_is_named_by_position(
    empty_engine, tmp_path, service_factory, services_writer
):
    services_writer(tmp_path, {"bad.yml": [service_factory(), "just text"]})
    with pytest.raises(DirectoryDataError) as error:
        load_directory(empty_engine, tmp_path)
    assert error.value.errors[0].startswith("bad.yml: service #2: must be a mapping")


def test_database_failure_midway_rolls_back_everything(
    empty_engine, tmp_path, service_factory, services_writer, monkeypatch
):
    load_directory(empty_engine)
    before = _ids(empty_engine)
    services_writer(tmp_path, {"new.yml": [service_factory(id=f"service-{i}") for i in range(10)]})
    real_row, calls = loader._service_row, []

    def failing_row(record, organisation_id):
        calls.append(record.id)
        if len(calls) == 6:
            raise RuntimeError("database went away")
        return real_row(record, organisation_id)

    monkeypatch.setattr(loader, "_service_row", failing_row)
    with pytest.raises(RuntimeError):
        load_directory(empty_engine, tmp_path)
    assert len(calls) == 6  # old rows were already deleted and 5 new ones added in the transaction
    assert _ids(empty_engine) == before


def test_integrity_error_from_the_database_rolls_back(
    empty_engine, tmp_path, service_factory, services_writer, monkeypatch
):
    """A row the database itself refuses (unknown concern code breaks the foreign key) changes nothing."""
    load_directory(empty_engine)
    before = _ids(empty_engine)
    services_writer(tmp_path, {"new.yml": [service_factory(id="a"), service_factory(id="b")]})
    real_row = loader._service_row

    def sneak_bad_concern(record, organisation_id):
        row = real_row(record, organisation_id)
        if record.id == "b":
            row.concerns[0].concern = "not_in_concern_table"
        return row

    monkeypatch.setattr(loader, "_service_row", sneak_bad_concern)
    with pytest.raises(Exception) as error:
        load_directory(empty_engine, tmp_path)
    assert "IntegrityError" in type(error.value).__name__
    assert _ids(empty_engine) == before


def test_derived_search_rows_agree_with_the_link_tables(empty_engine):
    """search_entry repeats facts for speed; it must say exactly what the readable tables say."""
    from directory import vocab
    from directory.concerns import bit_order
    from directory.models import ReferralRoute, SearchEntry, ServiceAudience, SupersededArea

    load_directory(empty_engine)

    def decode(mask, universe):
        return {value for i, value in enumerate(universe) if mask & (1 << i)}

    with session_scope(empty_engine) as session:
        entries = session.execute(select(SearchEntry)).scalars().all()
        areas = {(a.service_id, a.area) for a in session.execute(select(ServiceArea)).scalars()}
        assert {(e.service_id, e.area) for e in entries} == areas
        concerns, routes, audiences = {}, {}, {}
        for model, column, into in (
            (ServiceConcern, "concern", concerns),
            (ReferralRoute, "route", routes),
            (ServiceAudience, "audience", audiences),
        ):
            for row in session.execute(select(model)).scalars():
                into.setdefault(row.service_id, set()).add(getattr(row, column))
        services = {s.id: s for s in session.execute(select(Service)).scalars()}
        for entry in entries:
            service = services[entry.service_id]
            assert decode(entry.concern_bits, bit_order()) == concerns[entry.service_id]
            assert decode(entry.route_bits, vocab.REFERRAL_ROUTES) == routes.get(entry.service_id, set())
            assert decode(entry.audience_bits, vocab.AUDIENCES) == audiences[entry.service_id]
            assert (entry.age_min, entry.age_max, entry.is_24_7) == (
                service.age_min,
                service.age_max,
                service.is_24_7,
            )
            assert entry.scope_rank == vocab.SCOPE_RANK[service.scope]
        superseded = {(s.service_id, s.area) for s in session.execute(select(SupersededArea)).scalars()}
    assert ("kooth", "Hackney") in superseded and ("kooth", "Westminster") in superseded
    assert {service_id for service_id, _area in superseded} == {"kooth"}


def test_stored_links_agree_with_the_link_tables(empty_engine):
    """service.links repeats the link tables for one-statement reads; it must say exactly what they say, in order."""
    from directory import links
    from directory.models import ReferralRoute, ServiceAudience

    load_directory(empty_engine)
    expected = {}
    with session_scope(empty_engine) as session:
        for model, column, field in (
            (ServiceArea, "area", "areas"),
            (ServiceAudience, "audience", "audiences"),
            (ServiceConcern, "concern", "concerns"),
            (ReferralRoute, "route", "how_to_refer"),
        ):
            for row in session.execute(select(model).order_by(model.service_id, model.position)).scalars():
                expected.setdefault(row.service_id, {}).setdefault(field, []).append(getattr(row, column))
        for row in session.execute(select(Contact).order_by(Contact.service_id, Contact.position)).scalars():
            expected[row.service_id].setdefault("contacts", []).append((row.kind, row.value, row.label))
        stored = dict(session.execute(select(Service.id, Service.links)).all())
    assert stored.keys() == expected.keys()
    for service_id, text in stored.items():
        values = links.decode(text)
        assert {
            "areas": list(values["areas"]),
            "audiences": list(values["audiences"]),
            "concerns": list(values["concerns"]),
            "how_to_refer": list(values["how_to_refer"]),
            "contacts": [(c.kind, c.value, c.label) for c in values["contacts"]],
        } == {"how_to_refer": [], "contacts": [], **expected[service_id]}, service_id
    assert any(len(links.decode(text)["contacts"]) > 1 for text in stored.values())


def test_outdated_schema_is_rebuilt_before_loading(tmp_path):
    from sqlalchemy import text

    from directory.db import make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE service (id VARCHAR(80) PRIMARY KEY, old_column INTEGER)"))
    assert load_directory(engine).services >= 80
    engine.dispose()


def test_search_rows_of_one_area_are_stored_together(empty_engine):
    """A match reads whole areas of search_entry; PostgreSQL keeps rows in insert order, so the loader inserts
    them area by area (SQLite stores this table in key order whatever the insert order)."""
    from sqlalchemy import text

    if empty_engine.dialect.name != "postgresql":
        pytest.skip("SQLite keeps search_entry in primary-key order (WITHOUT ROWID)")
    load_directory(empty_engine)
    with session_scope(empty_engine) as session:
        stored = [row.area for row in session.execute(text("SELECT area FROM search_entry ORDER BY ctid"))]
    runs = [area for i, area in enumerate(stored) if i == 0 or stored[i - 1] != area]
    assert len(stored) > 100 and len(runs) == len(set(runs))  # each area is one contiguous run


def test_reloading_does_not_grow_the_tables(empty_engine):
    """Each load replaces every row; on PostgreSQL the loader vacuums afterwards, so the next load reuses the
    space instead of piling up dead rows that every match would still scan."""
    from sqlalchemy import text

    if empty_engine.dialect.name != "postgresql":
        pytest.skip("SQLite reuses freed pages itself; VACUUM is PostgreSQL's")

    def size() -> int:
        with session_scope(empty_engine) as session:
            return session.execute(
                text(
                    "SELECT pg_relation_size('search_entry') + pg_relation_size('service')"
                    " + pg_relation_size('search_entry_pkey')"
                )
            ).scalar_one()

    sizes = []
    for _ in range(5):
        load_directory(empty_engine)
        sizes.append(size())
    assert max(sizes[2:]) <= sizes[1], sizes  # old and new rows side by side at most, never more
