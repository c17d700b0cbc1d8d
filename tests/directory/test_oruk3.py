"""Open Referral UK 3.0: every API answer and exported record checked against the official schemas (the
vendored files, $refs resolved locally), official examples round-tripped, a 1.0 feed imported, ids stable."""

from __future__ import annotations

import dataclasses
import json
import uuid
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer
from jsonschema import Draft202012Validator

from directory import cli
from directory.api import create_app
from directory.api_params import SAL_PARAMS, STANDARD_PARAMS
from directory.db import session_scope
from directory.loader import load_directory, load_feed
from directory.oruk import read as oruk_read
from directory.oruk import schemas, taxonomy, v3
from directory.records import DirectoryDataError, read_services
from directory.store import read_records

SAMPLE_V1 = Path(__file__).resolve().parents[1] / "data" / "openreferral" / "sample_feed.json"
REFERENCE = schemas.reference_dir()
SERVICE_EXAMPLES = [
    "hsds-3.0/examples/service_full.json",
    "hsds-3.0/examples/service_list.json",
    "uk-profile-3.0/examples/service_full.json",
    "uk-profile-3.0/examples/service_list.json",
]


def example(name: str):
    return json.loads((REFERENCE / name).read_text(encoding="utf-8"))


def services_in(document) -> list:
    return (
        document["contents"]
        if isinstance(document, dict) and "contents" in document
        else (document if isinstance(document, list) else [document])
    )


def assert_valid(kind: str, document) -> None:
    problems = schemas.errors(kind, document)
    assert not problems, (kind, document.get("id") if isinstance(document, dict) else None, problems[:5])


def assert_page(body: dict, item_kind: str) -> None:
    """The envelope against the UK openapi.json's Page schema (and its required fields), items against theirs."""
    Draft202012Validator(schemas.page_schema()).validate(body)
    assert set(body) == {
        "total_items",
        "total_pages",
        "page_number",
        "size",
        "first_page",
        "last_page",
        "empty",
        "contents",
    }
    assert body["size"] == len(body["contents"]) and body["empty"] == (not body["contents"])
    for item in body["contents"]:
        assert_valid(item_kind, item)


async def get(client, path: str, status: int = 200, **params):
    response = await client.get(path, params=params, allow_redirects=False)
    body = await response.json()
    assert response.status == status, body
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    return body


async def all_pages(client, path: str, item_kind: str, per_page: int = 50, **params) -> list:
    first = await get(client, path, per_page=per_page, **params)
    items = []
    for page in range(1, first["total_pages"] + 1):
        body = first if page == 1 else await get(client, path, page=page, per_page=per_page, **params)
        assert_page(body, item_kind)
        assert body["first_page"] == (page == 1) and body["last_page"] == (page == first["total_pages"])
        items += body["contents"]
    assert len(items) == first["total_items"]
    return items


@pytest.fixture
async def client(loaded_engine):
    async with TestClient(TestServer(create_app(loaded_engine))) as client:
        yield client


def test_the_parameters_are_named_exactly_as_the_uk_profile_names_them():
    assert STANDARD_PARAMS == tuple(schemas.profile_parameters("/services"))
    assert SAL_PARAMS == tuple(schemas.profile_parameters("/service_at_locations"))
    assert (
        schemas.profile_parameters("/taxonomies")
        == schemas.profile_parameters("/taxonomy_terms")
        == ["page", "per_page"]
    )


def test_the_validator_really_checks(tmp_path):
    """Guard against a validator that accepts anything: a broken official example must fail."""
    broken = example("uk-profile-3.0/examples/service_full.json")
    broken["id"], broken["status"] = "not-a-uuid", "open"
    broken["contacts"][0]["id"] = 7
    problems = schemas.errors("service", broken)
    assert {p.split(":")[0] for p in problems} == {"id", "status", "contacts[0].id"}


async def test_base_endpoint(client):
    body = await get(client, "/")
    document = schemas.openapi()["paths"]["/"]["get"]["responses"]["200"]["content"]["application/json"][
        "schema"
    ]
    Draft202012Validator(document).validate(body)
    assert body["version"] == "HSDS-UK-3.0" and body["openapi_url"].endswith("/openapi.json")
    assert body["profile"].startswith("https://github.com/OpenReferralUK/uk-profile")


async def test_every_service_page_and_record_validates_and_ids_are_uuids(client, loaded_engine):
    seed = read_services()
    items = await all_pages(client, "/services", "service_list")
    assert [item["id"] for item in items] == [v3.service_id(r.id) for r in seed]
    for item in items:
        assert str(uuid.UUID(item["id"])) == item["id"]
        full = await get(client, f"/services/{item['id']}")
        assert_valid("service", full)
        assert v3.list_item(full) == item
        assert all(not isinstance(value, list) for value in item.values())


async def test_ids_are_stable_across_reloads_and_old_ids_redirect(empty_engine):
    load_directory(empty_engine)
    with session_scope(empty_engine) as session:
        first = oruk_read.all_documents(session.connection())
    load_directory(empty_engine)
    with session_scope(empty_engine) as session:
        second = oruk_read.all_documents(session.connection())
    assert first == second  # same ids, same everything
    assert json.loads(first[0])["id"] == str(
        uuid.uuid5(taxonomy.namespace(), f"service:{read_services()[0].id}")
    )
    async with TestClient(TestServer(create_app(empty_engine))) as client:
        moved = await get(client, "/services/childline", 301)
        new_id = v3.service_id("childline")
        assert moved["id"] == new_id
        response = await client.get("/services/childline")  # following the redirect
        assert response.status == 200 and (await response.json())["name"] == "Childline"
        assert (await get(client, "/services/no-such-service", 404))["error"] == "not_found"


async def test_taxonomies_and_terms_validate_and_resolve(client):
    taxonomies = await all_pages(client, "/taxonomies", "taxonomy")
    assert [t["id"] for t in taxonomies] == [taxonomy.taxonomy_id(key) for key in taxonomy.KEYS]
    terms = await all_pages(client, "/taxonomy_terms", "taxonomy_term", per_page=50)
    by_id = {term["id"]: term for term in terms}
    for term in taxonomy.fixed_terms():  # the whole closed vocabularies, stable ids
        assert by_id[term.id]["term"] == term.code
    assert_valid("taxonomy", await get(client, f"/taxonomies/{taxonomies[0]['id']}"))
    assert_valid("taxonomy_term", await get(client, f"/taxonomy_terms/{terms[0]['id']}"))
    await get(client, "/taxonomies/nope", 404)
    await get(client, "/taxonomy_terms/nope", 404)
    # every term a service carries is published
    for item in (await get(client, "/services", per_page=50))["contents"][:10]:
        for attribute in (await get(client, f"/services/{item['id']}"))["attributes"]:
            assert attribute["taxonomy_term_id"] in by_id


async def test_taxonomy_term_filter_finds_exactly_the_services_with_that_concern(client):
    seed = read_services()
    for code in ("anxiety", "eating", "self_harm"):
        term = taxonomy.term_id("concern", code)
        found = await all_pages(client, "/services", "service_list", taxonomy_term_id=term)
        assert {i["id"] for i in found} == {v3.service_id(r.id) for r in seed if code in r.concerns}, code
    parents = await all_pages(
        client, "/services", "service_list", taxonomy_term_id=taxonomy.term_id("audience", "parent")
    )
    assert {i["id"] for i in parents} == {v3.service_id(r.id) for r in seed if "parent" in r.audiences}
    band = await all_pages(
        client, "/services", "service_list", taxonomy_term_id=taxonomy.term_id("age_band", "child")
    )
    assert {i["id"] for i in band} == {v3.service_id(r.id) for r in seed if (r.age_min or 0) <= 10}
    everything = await get(client, "/services", taxonomy_id=taxonomy.taxonomy_id("confidence"))
    assert everything["total_items"] == len(seed)


async def test_provenance_travels_in_standard_fields(client):
    seed = {v3.service_id(r.id): r for r in read_services()}
    item = (await get(client, "/services", per_page=1))["contents"][0]
    full = await get(client, f"/services/{item['id']}")
    record = seed[full["id"]]
    assert full["assured_date"] == record.last_verified.isoformat()
    terms = {a["taxonomy_term"]["taxonomy_id"]: a["taxonomy_term"] for a in full["attributes"]}
    assert terms[taxonomy.taxonomy_id("source")]["name"] == record.source
    assert terms[taxonomy.taxonomy_id("confidence")]["term"] == record.confidence


async def test_matching_mode_keeps_working_in_the_3_0_envelope(client):
    body = await get(client, "/services", age=14, borough="Hackney", concern="anxiety", per_page=5)
    assert_page(body, "service_list")
    assert [item["x-match"]["rank"] for item in body["contents"]] == [1, 2, 3, 4, 5]
    bad = await get(client, "/services", 400, age=14, search="kooth")
    assert bad["error"] == "bad_request" and bad["parameter"] == "search"


def test_every_exported_record_validates_and_reimports_unchanged(empty_engine, tmp_path, capsys):
    load_directory(empty_engine)
    url = empty_engine.url.render_as_string(hide_password=False)
    out = tmp_path / "directory.json"
    assert cli.main(["export", "--database-url", url, "--out", str(out)]) == 0
    exported = json.loads(out.read_text(encoding="utf-8"))
    assert exported["total_items"] == len(exported["contents"]) == len(read_services())
    for service in exported["contents"]:
        assert_valid("service", service)
    with session_scope(empty_engine) as session:
        before = read_records(session)
    summary, feed = load_feed(empty_engine, out)
    assert (feed.version, summary.added, summary.updated, summary.unchanged) == ("3.0", 0, 0, len(before))
    with session_scope(
        empty_engine
    ) as session:  # the chat sees the same directory (only the file name differs)
        assert [dataclasses.replace(r, source_file="") for r in read_records(session)] == [
            dataclasses.replace(r, source_file="") for r in before
        ]
    again = tmp_path / "again.json"
    assert cli.main(["export", "--database-url", url, "--out", str(again)]) == 0
    assert again.read_text(encoding="utf-8") == out.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", SERVICE_EXAMPLES)
async def test_each_official_example_loads_and_round_trips_field_for_field(empty_engine, tmp_path, name):
    source = REFERENCE / name
    given = services_in(example(name))
    summary, feed = load_feed(empty_engine, source)
    assert feed.version == "3.0" and summary.published == len(given) and summary.added == len(given)
    assert feed.not_in_chat  # MyCity is not in London: published, but the chat does not offer it
    out = tmp_path / "out.json"
    assert (
        cli.main(
            [
                "export",
                "--database-url",
                empty_engine.url.render_as_string(hide_password=False),
                "--out",
                str(out),
            ]
        )
        == 0
    )
    exported = json.loads(out.read_text(encoding="utf-8"))["contents"]
    assert exported == given
    assert [json.dumps(s) for s in exported] == [json.dumps(s) for s in given]  # same key order too
    async with TestClient(TestServer(create_app(empty_engine))) as client:
        for service in given:
            body = await get(client, f"/services/{service['id']}")
            assert body == service
            assert_valid("service", body)
        items = await all_pages(client, "/services", "service_list")
        assert [i["id"] for i in items] == [s["id"] for s in given]
        locations = await all_pages(client, "/service_at_locations", "service_at_location_list")
        expected = [p["id"] for s in given for p in s.get("service_at_locations", [])]
        assert [p["id"] for p in locations] == expected
        for place in locations:
            assert_valid("service_at_location", await get(client, f"/service_at_locations/{place['id']}"))
        summary, _feed = load_feed(empty_engine, source)  # the same feed again changes nothing
        assert (summary.added, summary.updated, summary.unchanged) == (0, 0, len(given))


async def test_a_v1_feed_still_loads_and_is_served_as_3_0(empty_engine):
    summary, feed = load_feed(empty_engine, SAMPLE_V1)
    assert feed.version == "1.0" and summary.services == 5 and feed.skipped == ["hackney-portage"]
    async with TestClient(TestServer(create_app(empty_engine))) as client:
        items = await all_pages(client, "/services", "service_list")
        assert len(items) == 5
        for item in items:
            assert_valid("service", await get(client, f"/services/{item['id']}"))
        old = await get(client, "/v1/services", per_page=50)
        assert old["totalElements"] == 5
        publisher_uuid = "5b0c8f2e-1d44-4c3a-9a57-0e1f6c2a9b10"  # a 1.0 id that already is a UUID is kept
        assert publisher_uuid in [item["id"] for item in items]
        assert (await get(client, f"/services/{publisher_uuid}"))["id"] == publisher_uuid
        assert (await get(client, "/services/first-steps", 301))["id"] == v3.service_id("first-steps")


@pytest.mark.parametrize(
    "document, first",
    [
        ({"services": []}, "Open Referral UK 3.0 error: the document has no services"),
        (
            {"contents": [{"id": "x", "name": "No status"}]},
            "Open Referral UK 3.0 schema error: service #1 ('x'): (top): 'status' is a required property",
        ),
        (
            {"contents": [{"id": "ac148810-d857-441c-9679-408f346de14b", "name": "N", "status": "open"}]},
            "service #1 ('ac148810-d857-441c-9679-408f346de14b'): status: 'open' is not one of",
        ),
        (
            {
                "total_items": 1,
                "contents": [
                    {
                        "id": "ac148810-d857-441c-9679-408f346de14b",
                        "name": "N",
                        "status": "active",
                        "contacts": [{"id": "c", "name": "x"}],
                    }
                ],
            },
            "contacts[0].id: 'c' is not a 'uuid'",
        ),
    ],
)
def test_anything_else_is_refused_naming_versions_and_the_first_error(
    empty_engine, tmp_path, document, first
):
    load_directory(empty_engine)
    with session_scope(empty_engine) as session:
        before = oruk_read.all_documents(session.connection())
    path = tmp_path / "feed.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(DirectoryDataError) as error:
        load_feed(empty_engine, path)
    head = error.value.errors[0]
    assert "accepts Open Referral UK 3.0" in head and "HSDS-UK 1.0" in head and "nothing was loaded" in head
    assert first in head, head
    with session_scope(empty_engine) as session:
        assert oruk_read.all_documents(session.connection()) == before


async def test_put_reports_added_updated_unchanged_and_refused(empty_engine):
    load_directory(empty_engine)
    with session_scope(empty_engine) as session:
        documents = [json.loads(t) for t in oruk_read.all_documents(session.connection())]
    documents[0]["name"] += " (renamed)"
    extra = example("uk-profile-3.0/examples/service_full.json")
    feed = {"contents": documents[:-1] + [extra]}
    async with TestClient(TestServer(create_app(empty_engine, token="t"))) as client:
        response = await client.put("/services", json=feed, headers={"Authorization": "Bearer t"})
        body = await response.json()
        assert response.status == 200, body
        assert (
            body["version"],
            body["added"],
            body["updated"],
            body["unchanged"],
            body["refused"],
            body["removed"],
        ) == ("3.0", 1, 1, len(documents) - 2, 0, 1)
        assert body["not_in_chat"] == [
            f"{extra['id']}: no London borough, London, National or Online in service_areas or addresses"
        ]
        assert (await get(client, f"/services/{documents[0]['id']}"))["name"].endswith("(renamed)")
        broken = {"contents": [dict(extra, id="nope")]}
        response = await client.put("/services", json=broken, headers={"Authorization": "Bearer t"})
        body = await response.json()
        assert response.status == 400 and body["refused"] == 1 and body["added"] == 0
        assert "id: 'nope' is not a 'uuid'" in body["message"]
