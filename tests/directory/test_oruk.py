"""Open Referral UK: export then import loses nothing; other publishers' feeds map through data/oruk.yml; a bad
feed is rejected naming the record and the field, and nothing of it reaches the database."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import json
import re
from pathlib import Path

import pytest

from directory import places, vocab
from directory.db import session_scope
from directory.loader import load_directory, load_feed
from directory.oruk.export import feed_json, page_json, service_json
from directory.oruk.importer import read_feed, read_feed_file, resolve_area
from directory.oruk.mapping import load_mapping, parse_mapping
from directory.records import DirectoryDataError, parse_documents, read_services
from directory.store import read_records

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "openreferral" / "sample_feed.json"
ORIGIN_FIELDS = {"source_file", "position"}  # where a record was read from, not facts about the service
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def _through_json(records) -> list:
    """Export, serialise as a file would be, and import again."""
    return read_feed(json.loads(json.dumps(feed_json(records))), "directory.json").records


def _assert_same_services(before, after) -> None:
    """Field by field, every field of ServiceRecord except where it was read from."""
    fields = [f.name for f in dataclasses.fields(before[0]) if f.name not in ORIGIN_FIELDS]
    assert {
        "source",
        "last_verified",
        "confidence",
        "notes",
        "how_to_refer",
        "audiences",
        "areas",
        "hours",
        "is_24_7",
        "contacts",
        "age_min",
        "age_max",
        "concerns",
        "variant_of",
        "scope",
    } <= set(fields)
    assert [r.id for r in after] == [r.id for r in before]
    for old, new in zip(before, after, strict=False):
        for name in fields:
            assert getattr(new, name) == getattr(old, name), f"{old.id}: {name}"


def test_round_trip_of_the_whole_seed_directory_through_the_database(loaded_engine):
    with session_scope(loaded_engine) as session:
        from_database = read_records(session)
    seed = read_services()
    assert from_database == seed  # the database gives back exactly what was loaded
    after = _through_json(from_database)
    _assert_same_services(seed, after)
    assert [r.position for r in after] == [r.position for r in seed]


def test_round_trip_of_edge_cases(service_factory):
    """What the seed data happens not to contain: unstated ages, several labelled websites, text and email
    labels, 24/7 with no hours text, London-wide, a variant, medium confidence."""
    raw = [
        service_factory(
            id="national-one",
            areas=["National"],
            drop=("age_min",),
            age_max=35,
            contacts=[
                {"type": "text", "value": "85258", "label": "Text SHOUT to 85258"},
                {"type": "email", "value": "help@example.org", "label": "Email us"},
                {"type": "website", "value": "example.org", "label": "Main site"},
                {"type": "website", "value": "example.org/young-people"},
            ],
            is_24_7=True,
            how_to_refer=["self", "online"],
        ),
        service_factory(
            id="local-variant",
            variant_of="national-one",
            areas=["Hackney"],
            drop=("age_min", "age_max"),
            how_to_refer=[],
            confidence="medium",
            notes="Ask them: check with the service.",
            hours="Mondays 4pm to 6pm (check with the service)",
        ),
        service_factory(
            id="london-wide",
            areas=["London"],
            audiences=["professional"],
            concerns=["parenting"],
            contacts=[
                {"type": "phone", "value": "0800 1111"},
                {"type": "phone", "value": "111", "label": "Option 2"},
            ],
        ),
    ]
    records = parse_documents({"edge.yml": {"services": raw}})
    assert records[2].scope == vocab.SCOPE_LONDON and len(records[2].areas) == 33
    _assert_same_services(records, _through_json(records))


def test_export_uses_oruk_v1_field_names():
    records = {r.id: r for r in read_services()}
    childline = service_json(records["childline"])
    assert {
        "id",
        "name",
        "description",
        "url",
        "status",
        "assured_date",
        "organization",
        "eligibilitys",
        "service_areas",
        "service_taxonomys",
        "contacts",
        "regular_schedules",
        "service_at_locations",
    } <= set(childline)
    assert childline["url"] == "https://childline.org.uk" and childline["assured_date"] == "2026-11-25"
    assert UUID.match(childline["organization"]["id"]) and childline["organization"]["name"] == "NSPCC"
    assert childline["eligibilitys"] == [
        {"id": "childline:eligibility:0", "minimum_age": 0, "maximum_age": 18}
    ]
    assert childline["contacts"][0]["phones"][0]["number"] == "0800 1111"
    schedule = childline["regular_schedules"][0]
    assert (schedule["byday"], schedule["opens_at"], schedule["closes_at"]) == (
        "MO,TU,WE,TH,FR,SA,SU",
        "00:00",
        "23:59",
    )
    vocabularies = {t["taxonomy"]["vocabulary"] for t in childline["service_taxonomys"]}
    assert vocabularies == {"camhs-hub-concern", "camhs-hub-audience", "camhs-hub-referral-route"}
    good_thinking = service_json(records["good-thinking"])
    assert [a["service_area"] for a in good_thinking["service_areas"]] == ["London"]
    camhs = service_json(records["elft-specialist-camhs-city-hackney"])
    assert camhs["attending_access"] == "referral" and "url" not in camhs  # no address: left out, not made up
    assert all(value is not None for value in childline.values())


def test_page_wrapper_follows_oruk_v1():
    page = page_json([{"id": "a"}], total=21, page=2, per_page=10)
    assert page == {
        "totalElements": 21,
        "totalPages": 3,
        "number": 2,
        "size": 10,
        "first": False,
        "last": False,
        "empty": False,
        "content": [{"id": "a"}],
    }
    assert page_json([], 0, 1, 10)["empty"] and page_json([], 0, 1, 10)["last"]


def test_a_council_feed_maps_through_the_yaml_mapping():
    feed = read_feed_file(SAMPLE)
    records = {r.id: r for r in feed.records}
    assert feed.skipped == ["hackney-portage"]  # marked inactive: not offered
    kooth = records["5b0c8f2e-1d44-4c3a-9a57-0e1f6c2a9b10"]
    assert kooth.areas == ("Hackney", "City of London")  # "London Borough of Hackney"
    assert kooth.concerns == ("general", "anxiety", "low_mood")  # Emotional wellbeing, Anxiety, Depression
    assert kooth.how_to_refer == ("online",) and kooth.audiences == ("young_person",)
    assert kooth.summary.startswith("Free, anonymous") and "<p>" not in kooth.summary
    assert kooth.contacts[0].value == "kooth.com" and kooth.first("website") == "kooth.com"
    first_steps = records["first-steps"]
    assert first_steps.last_verified == dt.date(2026, 11, 25)  # "25/11/2026 00:00:00"
    assert first_steps.audiences == ("young_person", "parent") and first_steps.how_to_refer == ("drop_in",)
    assert first_steps.concerns == ("general", "anxiety", "parenting", "anger_behaviour")
    crisis = records["elft-city-hackney-crisis-line"]
    assert crisis.is_24_7 and crisis.concerns == ("self_harm",) and crisis.first("phone") == "0800 073 0006"
    assert records["childline"].is_24_7 and records["childline"].areas == ("National",)  # closes 24:00; "UK"
    assert records["young-hackney"].areas == ("Hackney",)  # "hackney"
    for record in feed.records:  # nobody here checked these facts against the reference
        assert record.confidence == "medium" and "check with the service" in record.notes
        assert record.source.startswith("Open Referral UK feed sample_feed.json")


def _sample() -> dict:
    return json.loads(SAMPLE.read_text(encoding="utf-8"))


def _first_steps(document: dict) -> dict:
    return next(s for s in document["content"] if s["id"] == "first-steps")


def _set(path: str, value):
    """A mutation setting one field of First Steps (dotted path, [n] for list items); value DROP removes it."""

    def mutate(document: dict) -> None:
        target, keys = _first_steps(document), re.findall(r"[^.\[\]]+", path)
        for key in keys[:-1]:
            target = target[int(key)] if key.isdigit() else target.setdefault(key, {})
        last = int(keys[-1]) if keys[-1].isdigit() else keys[-1]
        if value is DROP:
            del target[last]
        else:
            target[last] = value

    return mutate


DROP = object()
BAD_FEEDS = [
    # (mutation, expected message after "sample_feed.json: service 'first-steps': ")
    (_set("name", DROP), "name is missing [ORUK: name]"),
    (_set("name", 42), "name must be non-empty text, got 42 [ORUK: name]"),
    (
        _set("eligibilitys[0].minimum_age", "ten"),
        "eligibilitys[0].minimum_age must be a whole number, got 'ten'",
    ),
    (
        _set("eligibilitys[0].minimum_age", 11.5),
        "eligibilitys[0].minimum_age must be a whole number, got 11.5",
    ),
    (_set("eligibilitys[0].minimum_age", 19), "age_min 19 > age_max 18 [ORUK: eligibilitys[].minimum_age]"),
    (
        _set("eligibilitys[0].maximum_age", 130),
        "age_max 130 is outside 0..120 [ORUK: eligibilitys[].maximum_age]",
    ),
    (_set("eligibilitys", {"minimum_age": 0}), "eligibilitys must be a list"),
    (
        _set("service_areas[0].service_area", "Gotham"),
        "service_areas[0].service_area 'Gotham' is not a London borough, London, National or Online",
    ),
    (
        _set("service_areas[0].service_area", "Islingtn"),
        "'Islingtn' is not a London borough, London, National or Online (did you mean Islington?)",
    ),
    (_set("service_areas[0].service_area", "Dalston"), "'Dalston' is not a London borough"),
    (_set("service_areas[0].service_area", None), "service_areas[0].service_area must be a place name"),
    (_set("service_areas", []), "areas must not be empty [ORUK: service_areas[].service_area]"),
    (
        _set("assured_date", "last week"),
        "last_verified must be a date like 2026-11-25, got 'last week' [ORUK: assured_date]",
    ),
    (_set("assured_date", DROP), "last_verified must be a date"),
    (_set("organization", DROP), "organisation is missing [ORUK: organization.name]"),
    (_set("organization", 7), "organization must be an object with a name, got 7"),
    (_set("service_taxonomys", []), "concerns must not be empty [ORUK: service_taxonomys[].taxonomy]"),
    (
        _set("service_taxonomys[0].taxonomy", "Mental health"),
        "service_taxonomys[0].taxonomy must be an object",
    ),
    (
        _set(
            "service_taxonomys[0].taxonomy",
            {"id": "camhs-hub-concern:worry", "name": "Worry", "vocabulary": "camhs-hub-concern"},
        ),
        "service_taxonomys[0].taxonomy.id 'camhs-hub-concern:worry' is not a known concern code",
    ),
    (
        _set("contacts", [{"id": "c1", "phones": [{"number": 8001111}]}]),
        "contacts[0].phones[0].number must be text",
    ),
    (
        _set("contacts", [{"id": "c1", "phones": [{"number": "call us"}]}]),
        "contacts[0] phone 'call us' must be digits",
    ),
    (
        _set("regular_schedules", [{"byday": "MO", "opens_at": "9am", "closes_at": "17:00"}]),
        "regular_schedules[0].opens_at must be a time like 09:00, got '9am'",
    ),
    (
        _set("x-directory", {"source": "x", "confidence": "low"}),
        "confidence 'low' must be one of ['high', 'medium'] (low is never used) [ORUK: x-directory.confidence]",
    ),
    (
        _set("x-directory", {"source": "x", "confidence": "medium"}),
        "notes must tell people to check with the service when confidence is medium [ORUK: x-directory.notes]",
    ),
    (_set("x-directory", "yes"), "x-directory must be an object"),
    (
        _set("description", "One sentence that goes on " + "and on " * 30 + "without stopping."),
        "summary must be one line of at most 180 characters [ORUK: description]",
    ),
    (_set("id", "childline"), "id is already used in sample_feed.json"),
]


@pytest.mark.parametrize("mutate, expected", BAD_FEEDS, ids=[m for _f, m in BAD_FEEDS])
def test_a_bad_feed_names_the_record_and_field_and_loads_nothing(
    empty_engine, tmp_path, service_factory, services_writer, mutate, expected
):
    services_writer(tmp_path / "previous", {"old.yml": [service_factory(id=f"old-{i}") for i in range(3)]})
    load_directory(empty_engine, tmp_path / "previous")
    with session_scope(empty_engine) as session:
        before = read_records(session)
    document = _sample()
    mutate(document)
    path = tmp_path / "sample_feed.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(DirectoryDataError) as error:
        load_feed(empty_engine, path)
    label = "'childline'" if expected.startswith("id is already") else "'first-steps'"
    messages = [m for m in error.value.errors if m.startswith(f"sample_feed.json: service {label}: ")]
    assert any(expected in m for m in messages), error.value.errors
    with session_scope(empty_engine) as session:
        assert read_records(session) == before and len(before) == 3  # nothing half-loaded


def test_every_problem_in_a_feed_is_reported_together():
    document = _sample()
    document["content"][0]["eligibilitys"][0]["minimum_age"] = "eleven"
    _first_steps(document)["service_areas"] = [{"service_area": "Narnia"}]
    document["content"].append("not a service")
    with pytest.raises(DirectoryDataError) as error:
        read_feed(document, "feed.json")
    assert [m.split(":")[1].strip() for m in error.value.errors] == [
        "service '5b0c8f2e-1d44-4c3a-9a57-0e1f6c2a9b10'",
        "service 'first-steps'",
        "service #7",
    ]


@pytest.mark.parametrize(
    "document, expected",
    [
        ({"services": []}, "feed.json: must be an Open Referral UK page"),
        ({"content": []}, "feed.json: has no services"),
        ("[]", "feed.json: must be an Open Referral UK page"),
    ],
)
def test_feeds_that_are_not_feeds_are_rejected(document, expected):
    with pytest.raises(DirectoryDataError) as error:
        read_feed(document, "feed.json")
    assert error.value.errors[0].startswith(expected)


def test_a_file_that_is_not_json_is_rejected(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(DirectoryDataError) as error:
        read_feed_file(path)
    assert error.value.errors[0].startswith("broken.json: cannot be read as JSON")


def test_a_good_feed_replaces_the_directory(empty_engine):
    load_directory(empty_engine)
    summary, feed = load_feed(empty_engine, SAMPLE)
    assert summary.services == 5 and feed.skipped == ["hackney-portage"]
    with session_scope(empty_engine) as session:
        assert [r.id for r in read_records(session)] == [r.id for r in feed.records]


def test_areas_come_from_location_postcodes_when_a_feed_gives_no_service_areas():
    service = copy.deepcopy(_first_steps(_sample()))
    del service["service_areas"]
    service["service_at_locations"] = [
        {
            "id": "l1",
            "location": {
                "id": "loc1",
                "physical_addresses": [{"id": "ad1", "postal_code": "E8", "country": "GB"}],
            },
        }
    ]
    assert read_feed([service], "feed.json").records[0].areas == ("Hackney",)


@pytest.mark.parametrize("borough", places.london_boroughs())
def test_every_borough_name_is_recognised_in_a_feed(borough):
    assert resolve_area(borough) == (borough, "")
    assert resolve_area(borough.upper()) == (borough, "")
    prefixed = "City of London" if borough == "City of London" else f"London Borough of {borough}"
    assert resolve_area(prefixed)[0] == borough


@pytest.mark.parametrize(
    "text, area",
    [
        ("Royal Borough of Kensington and Chelsea", "Kensington and Chelsea"),
        ("City of Westminster", "Westminster"),
        ("Hammersmith & Fulham", "Hammersmith and Fulham"),
        ("Hakney", "Hackney"),  # a spelling places.yml lists
        ("England", "National"),
        ("Online only", "Online"),
        ("Greater London", "London"),
        ("Manchester", None),
    ],
)
def test_area_names_in_other_forms(text, area):
    assert resolve_area(text)[0] == area


def test_mapping_terms_agree_with_the_concern_synonyms():
    """A name both data files know must mean the same concern in both (no silent disagreement)."""
    from directory.concerns import resolve_concern

    mapping = load_mapping()
    for name, code in mapping.concern_terms.items():
        assert resolve_concern(name) in (None, code), name
    assert mapping.concern_for("Panic attacks") == "anxiety" and mapping.concern_for("Not eating") == "eating"
    assert mapping.concern_for("Council tax") is None


def test_mapping_typos_fail_at_load():
    import yaml

    raw = yaml.safe_load(
        (Path(__file__).resolve().parents[2] / "directory" / "data" / "oruk.yml").read_text()
    )
    bad = copy.deepcopy(raw)
    bad["concern_terms"]["worry"] = ["Worries"]
    with pytest.raises(ValueError, match="unknown code 'worry'"):
        parse_mapping(bad)
    twice = copy.deepcopy(raw)
    twice["concern_terms"]["anxiety"].append("Eating disorders")
    with pytest.raises(ValueError, match="listed twice"):
        parse_mapping(twice)
