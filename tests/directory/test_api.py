"""The HTTP API through aiohttp's test client, on SQLite and on the real PostgreSQL (see conftest.py)."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from directory import places, vocab
from directory.api import READER, PathOnlyAccessLogger, create_app
from directory.api_params import MAX_PER_PAGE
from directory.db import make_engine, session_scope
from directory.loader import load_directory
from directory.matching import MatchQuery, count_services, find_services
from directory.oruk.export import service_json
from directory.records import read_services
from directory.store import read_records

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "openreferral" / "sample_feed.json"
NATIONAL_OR_ONLINE = {vocab.NATIONAL, vocab.ONLINE}
# Each borough's NHS 24/7 line, from ../shared/reference/helplines-and-crisis-lines.md section B (by trust, and
# ELFT by borough). Camden and Islington: the reference says to use NHS 111's mental health option.
TRUST_LINES = {
    "cnwl": "cnwl-24-7-line",
    "wlt": "wlt-single-point-of-access",
    "slam": "slam-crisis-line",
    "swlstg": "swlstg-crisis-line",
    "oxleas": "oxleas-crisis-line",
    "nelft": "nelft-crisis-line",
    "nlft": "nlft-crisis-line-barnet-enfield-haringey",
}
ELFT_LINES = {
    "City of London": "elft-city-hackney-crisis-line",
    "Hackney": "elft-city-hackney-crisis-line",
    "Newham": "elft-newham-crisis-line",
    "Tower Hamlets": "elft-tower-hamlets-crisis-line",
}
USE_111 = {"Camden", "Islington"}


def trust_line(borough: str) -> str:
    if borough in USE_111:
        return "nhs-111-mental-health"
    trust = places.trust_for(borough)
    return ELFT_LINES[borough] if trust == "elft" else TRUST_LINES[trust]


@pytest.fixture
async def client(loaded_engine):
    server = TestServer(create_app(loaded_engine))
    await server.start_server(access_log_class=PathOnlyAccessLogger)  # as `python -m directory serve` runs it
    async with TestClient(server) as client:
        yield client


async def get_json(client, path: str, status: int = 200, **params):
    response = await client.get(path, params=params)
    body = await response.json()
    assert response.status == status, body
    assert response.content_type == "application/json"
    return body


def ids(page: dict) -> list:
    return [item["id"] for item in page["content"]]


async def test_health(client):
    assert await get_json(client, "/health") == {"status": "ok", "database": "ok"}


async def test_unreachable_database_is_503_json(tmp_path):
    engine = make_engine("postgresql://nobody@127.0.0.1:1/none", connect_args={"connect_timeout": 2})
    async with TestClient(TestServer(create_app(engine))) as client:
        assert await get_json(client, "/health", 503) == {"status": "unavailable", "database": "unreachable"}
        body = await get_json(client, "/services", 503, age=14, borough="Hackney")
        assert body["error"] == "database_unavailable" and "Traceback" not in json.dumps(body)
        assert (await get_json(client, "/services/childline", 503))["error"] == "database_unavailable"
    engine.dispose()


async def test_a_database_without_the_directory_is_503_not_loaded(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    async with TestClient(TestServer(create_app(engine))) as client:
        assert await get_json(client, "/health", 503) == {"status": "unavailable", "database": "not_loaded"}
        assert (await get_json(client, "/services", 503, age=14))["error"] == "database_unavailable"
    engine.dispose()


async def test_without_person_filters_it_lists_the_whole_directory_in_pages(client):
    seed = [r.id for r in read_services()]
    first = await get_json(client, "/v1/services")
    assert (first["totalElements"], first["size"], first["number"], first["first"]) == (
        len(seed),
        10,
        1,
        True,
    )
    assert "x-match" not in first["content"][0]
    listed = []
    for page in range(1, first["totalPages"] + 1):
        body = await get_json(client, "/v1/services", page=page, per_page=MAX_PER_PAGE)
        listed += ids(body)
        if body["last"]:
            break
    assert listed == seed


async def test_matching_mode_is_the_bots_ranking_with_reasons(client, loaded_engine):
    body = await get_json(client, "/v1/services", age=14, borough="Hackney", concern="anxiety", per_page=5)
    query = MatchQuery(age=14, borough="Hackney", concerns=["anxiety"])
    with session_scope(loaded_engine) as session:
        expected = find_services(session, query, limit=5)
        total = count_services(session, query)
        records = {r.id: r for r in read_records(session, [r.id for r in expected])}
    assert ids(body) == [r.id for r in expected] and body["totalElements"] == total
    for rank, (item, result) in enumerate(zip(body["content"], expected, strict=False), start=1):
        assert item["x-match"] == {
            "rank": rank,
            "reason": result.reason,
            "concern_match": result.concern_match,
            "locality": result.locality,
        }
        assert {k: v for k, v in item.items() if k != "x-match"} == service_json(records[item["id"]])
    assert body["content"][0]["x-match"]["reason"] == "in Hackney, for ages 11 to 19, you can refer yourself"


async def test_pages_of_matches_join_up_to_the_whole_list(client):
    params = dict(age=12, borough="Westminster", audience="professional", concern="anxiety")
    whole = await get_json(client, "/v1/services", per_page=MAX_PER_PAGE, **params)
    assert 10 < whole["totalElements"] <= MAX_PER_PAGE
    joined, page = [], 1
    while True:
        body = await get_json(client, "/v1/services", page=page, per_page=4, **params)
        assert body["totalElements"] == whole["totalElements"] and body["first"] == (page == 1)
        joined += ids(body)
        if body["last"]:
            break
        page += 1
    assert joined == ids(whole) and page == body["totalPages"]
    assert [item["x-match"]["rank"] for item in body["content"]] == list(
        range((page - 1) * 4 + 1, len(joined) + 1)
    )
    beyond = await get_json(client, "/v1/services", page=page + 1, per_page=4, **params)
    assert beyond["content"] == [] and beyond["empty"] and beyond["last"]


@pytest.mark.parametrize(
    "params, query",
    [
        (
            {"age": 12, "borough": "Westminster", "audience": "professional", "concern": "anxiety"},
            MatchQuery(age=12, borough="Westminster", role="professional", concerns=["anxiety"]),
        ),
        (
            {"age": 15, "borough": "Hackney", "concern": "self_harm"},
            MatchQuery(age=15, borough="Hackney", concerns=["self_harm"]),
        ),
        ({"borough": "Outside London"}, MatchQuery(borough="Outside London")),
        (
            {"age": 9, "borough": "Lambeth", "audience": "parent", "referral": "parent"},
            MatchQuery(age=9, borough="Lambeth", role="parent", referral="parent"),
        ),
        (
            {"age": 120, "concern": "eating", "referral": "self"},
            MatchQuery(age=120, concerns=["eating"], referral="self"),
        ),
    ],
)
async def test_every_page_total_is_count_services(client, loaded_engine, params, query):
    """The total comes from the page's own statement: full, partial, last and beyond-the-end pages all agree
    with count_services and with the number of services the pages list."""
    with session_scope(loaded_engine) as session:
        expected = count_services(session, query)
    listed = []
    for page in range(1, expected // 3 + 3):
        body = await get_json(client, "/v1/services", page=page, per_page=3, **params)
        assert body["totalElements"] == expected, page
        listed += ids(body)
    assert len(listed) == len(set(listed)) == expected


@pytest.mark.parametrize(
    "params, same_as",
    [
        ({"borough": "hakney"}, {"borough": "Hackney"}),
        ({"borough": "HACKNEY"}, {"borough": "Hackney"}),
        ({"borough": "Dalston"}, {"borough": "Hackney"}),
        ({"postcode": "E8 1DY"}, {"borough": "Hackney"}),
        ({"postcode": "e8"}, {"borough": "Hackney"}),
        ({"borough": "Manchester"}, {"borough": "Outside London"}),
        ({"concern": "panic"}, {"concern": "anxiety"}),
        ({"concern": "not eating"}, {"concern": "eating"}),
        ({"concern": "anxiety,bullying"}, {"concern": ["anxiety", "bullying"]}),
    ],
)
async def test_spellings_postcodes_and_synonyms_resolve_like_their_canonical_form(client, params, same_as):
    async def listed(changes: dict) -> list:
        base = {"age": "14", "borough": "Hackney", "concern": "low_mood", "per_page": "50"}
        if "postcode" in changes:
            del base["borough"]
        merged = {**base, **changes}
        pairs = [
            (k, v) for k, value in merged.items() for v in (value if isinstance(value, list) else [value])
        ]
        response = await client.get("/v1/services", params=pairs)
        assert response.status == 200, await response.text()
        return ids(await response.json())

    assert await listed(params) == await listed(same_as)


@pytest.mark.parametrize("borough", ["Outside London", "Not given"])
async def test_no_london_borough_means_national_and_online_only(client, borough):
    body = await get_json(client, "/v1/services", age=15, borough=borough, per_page=50)
    assert body["totalElements"] > 0
    for item in body["content"]:
        assert {a["service_area"] for a in item["service_areas"]} <= NATIONAL_OR_ONLINE


async def test_filters_age_audience_and_referral(client):
    at_19 = ids(
        await get_json(client, "/v1/services", age=19, borough="Hackney", concern="bullying", per_page=50)
    )
    at_18 = ids(
        await get_json(client, "/v1/services", age=18, borough="Hackney", concern="bullying", per_page=50)
    )
    assert "childline" in at_18 and "childline" not in at_19
    parent = ids(
        await get_json(client, "/v1/services", age=14, borough="Hackney", audience="parent", per_page=50)
    )
    young = ids(
        await get_json(
            client, "/v1/services", age=14, borough="Hackney", audience="young_person", per_page=50
        )
    )
    assert "youngminds-parents-helpline" in parent and "youngminds-parents-helpline" not in young
    for referral, routes in vocab.REFERRAL_FILTERS.items():
        body = await get_json(
            client,
            "/v1/services",
            age=14,
            borough="Westminster",
            concern="anxiety,parenting",
            audience="professional",
            referral=referral,
            per_page=50,
        )
        assert body["content"] or referral == "parent", referral  # no seed service has the parent route
        for item in body["content"]:
            codes = {
                t["taxonomy"]["id"].split(":")[1]
                for t in item["service_taxonomys"]
                if t["taxonomy"]["vocabulary"] == "camhs-hub-referral-route"
            }
            assert codes & routes, (referral, item["id"])
    professional = ids(
        await get_json(
            client,
            "/v1/services",
            age=14,
            borough="Hackney",
            concern="anxiety",
            referral="professional",
            per_page=50,
        )
    )
    assert "elft-specialist-camhs-city-hackney" in professional


BAD_REQUESTS = [
    ({"age": "ten"}, "age"),
    ({"age": "-1"}, "age"),
    ({"age": "14.5"}, "age"),
    ({"age": "200"}, "age"),
    ({"age": ""}, "age"),
    ({"borough": "Gotham"}, "borough"),
    ({"borough": ""}, "borough"),
    ({"postcode": "XYZ"}, "postcode"),
    ({"postcode": "Hackney"}, "postcode"),
    ({"borough": "Hackney", "postcode": "E8"}, "postcode"),
    ({"concern": "worryy"}, "concern"),
    ({"concern": "anxiety,,"}, "concern"),
    ({"audience": "teacher"}, "audience"),
    ({"referral": "email"}, "referral"),
    ({"page": "0"}, "page"),
    ({"page": "abc"}, "page"),
    ({"page": "99999"}, "page"),
    ({"per_page": "0"}, "per_page"),
    ({"per_page": "1000"}, "per_page"),
    ({"per_page": "1e3"}, "per_page"),
    ({"colour": "blue"}, "colour"),
    ({"agee": "14"}, "agee"),
    ([("age", "14"), ("age", "15")], "age"),
]


@pytest.mark.parametrize("params, parameter", BAD_REQUESTS, ids=[str(p) for p, _n in BAD_REQUESTS])
async def test_bad_input_is_a_clear_400_naming_the_parameter(client, params, parameter):
    response = await client.get("/v1/services", params=params)
    body = await response.json()
    assert response.status == 400 and response.content_type == "application/json"
    assert body["error"] == "bad_request" and body["parameter"] == parameter
    assert parameter in body["message"] and "Traceback" not in body["message"]


async def test_one_service_and_unknown_ids(client):
    body = await get_json(client, "/v1/services/childline")
    childline = next(r for r in read_services() if r.id == "childline")
    assert body == service_json(childline)
    missing = await get_json(client, "/v1/services/no-such-service", 404)
    assert missing == {"error": "not_found", "message": "no service with id 'no-such-service'"}
    assert (await get_json(client, "/v1/services/..%2Fetc", 404))["error"] == "not_found"


async def test_unknown_routes_and_methods_are_json(client):
    assert (await get_json(client, "/nowhere", 404))["error"] == "not_found"
    response = await client.post("/services", json={})
    assert response.status == 405 and (await response.json())["error"] == "method_not_allowed"


async def test_get_answers_allow_any_origin(client):
    for path in ("/services", "/services/childline", "/health", "/services/nope"):
        response = await client.get(path)
        assert response.headers["Access-Control-Allow-Origin"] == "*"


async def test_no_query_values_reach_the_logs(client, caplog):
    caplog.set_level(logging.DEBUG)
    await get_json(client, "/services", age=17, borough="Tower Hamlets", concern="bereavement")
    await get_json(client, "/services", 400, age=17, borough="Gotham")
    logged = caplog.text
    assert "GET /services 200" in logged  # the access log is on, without the query string
    for value in ("Tower", "Hamlets", "bereavement", "Gotham", "age="):
        assert value not in logged, value
    assert not re.search(r"(?<!\d)17(?!\d)", logged), "the age (a line number like matching.py:317 is fine)"


@pytest.mark.parametrize("borough", places.london_boroughs())
async def test_every_borough_gets_national_options_and_its_24_7_line(client, loaded_engine, borough):
    body = await get_json(
        client, "/v1/services", age=15, borough=borough, audience="young_person", per_page=50
    )
    assert body["totalElements"] <= 50
    assert any(
        {a["service_area"] for a in item["service_areas"]} <= NATIONAL_OR_ONLINE for item in body["content"]
    )
    crisis = await get_json(client, "/v1/services", age=15, borough=borough, concern="self_harm", per_page=5)
    assert trust_line(borough) in ids(crisis), (borough, ids(crisis))
    with session_scope(loaded_engine) as session:
        matched = find_services(session, MatchQuery(age=15, borough=borough, concerns=["self_harm"]))
        general = find_services(session, MatchQuery(age=15, borough=borough), limit=50)
    assert trust_line(borough) in [r.id for r in matched]
    assert any(r.locality in ("national", "online") for r in general)


# --- writes: a bearer token from DIRECTORY_API_TOKEN, refused when it is not set ----------------------------


@pytest.fixture
async def writable(empty_engine):
    load_directory(empty_engine)
    async with TestClient(TestServer(create_app(empty_engine, token="s3cret-token"))) as client:
        yield client, empty_engine


def _ids_in(engine) -> list:
    with session_scope(engine) as session:
        return [r.id for r in read_records(session)]


async def test_writes_are_refused_when_no_token_is_configured(empty_engine, monkeypatch):
    monkeypatch.delenv("DIRECTORY_API_TOKEN", raising=False)
    async with TestClient(TestServer(create_app(empty_engine))) as client:
        response = await client.put("/services", json=[], headers={"Authorization": "Bearer anything"})
        assert response.status == 403 and (await response.json())["error"] == "forbidden"


async def test_token_comes_from_the_environment(empty_engine, monkeypatch):
    monkeypatch.setenv("DIRECTORY_API_TOKEN", "from-env")
    async with TestClient(TestServer(create_app(empty_engine))) as client:
        response = await client.put("/services", data="{", headers={"Authorization": "Bearer from-env"})
        assert response.status == 400  # past the token check; the body is not JSON


@pytest.mark.parametrize("header", [None, "Bearer wrong", "Basic s3cret-token", "s3cret-token"])
async def test_a_missing_or_wrong_token_is_401(writable, header):
    client, engine = writable
    before = _ids_in(engine)
    response = await client.put(
        "/services", data=SAMPLE.read_bytes(), headers={"Authorization": header} if header else {}
    )
    assert response.status == 401 and response.headers["WWW-Authenticate"] == "Bearer"
    assert "Access-Control-Allow-Origin" not in response.headers
    assert _ids_in(engine) == before


async def test_a_good_feed_replaces_the_directory(writable, caplog):
    client, engine = writable
    caplog.set_level(logging.DEBUG)
    response = await client.put(
        "/services",
        data=SAMPLE.read_bytes(),
        headers={"Authorization": "Bearer s3cret-token", "Content-Type": "application/json"},
    )
    body = await response.json()
    assert response.status == 200, body
    assert body == {
        "version": "1.0",
        "added": 1,
        "updated": 4,
        "unchanged": 0,
        "refused": 1,
        "removed": 88,
        "loaded": 5,
        "published": 5,
        "organisations": 5,
        "not_in_chat": [],
        "skipped": ["hackney-portage"],
    }
    assert len(_ids_in(engine)) == 5 and "s3cret-token" not in caplog.text


async def test_a_bad_feed_is_400_with_every_problem_and_changes_nothing(writable):
    client, engine = writable
    before = _ids_in(engine)
    document = json.loads(SAMPLE.read_text(encoding="utf-8"))
    document["content"][1]["eligibilitys"][0]["minimum_age"] = 30
    document["content"][2]["service_areas"] = [{"service_area": "Gotham"}]
    response = await client.put("/services", json=document, headers={"Authorization": "Bearer s3cret-token"})
    body = await response.json()
    assert response.status == 400 and body["error"] == "invalid_feed"
    assert len(body["errors"]) == 3 and "nothing was loaded" in body["message"]
    assert "accepts Open Referral UK 3.0" in body["message"] and "HSDS-UK 1.0" in body["message"]
    assert body["errors"][1].startswith("request body: service 'first-steps': age_min 30 is outside 0..25")
    assert body["refused"] == 6 and body["added"] == 0
    assert _ids_in(engine) == before


async def test_an_app_from_a_url_writes_in_one_transaction_and_reads_through_a_read_engine(empty_engine):
    """`serve` passes a URL: PUT goes through an ordinary engine (all or nothing, as above), every GET through
    make_read_engine, which on PostgreSQL refuses writes and reads without transaction round trips."""
    load_directory(empty_engine)
    app = create_app(
        database_url=empty_engine.url.render_as_string(hide_password=False), token="s3cret-token"
    )
    async with TestClient(TestServer(app)) as client:
        assert (await get_json(client, "/v1/services"))["totalElements"] > 5
        response = await client.put(
            "/services", data=SAMPLE.read_bytes(), headers={"Authorization": "Bearer s3cret-token"}
        )
        assert response.status == 200, await response.text()
        assert (await get_json(client, "/v1/services"))["totalElements"] == 5
        assert (await get_json(client, "/health"))["status"] == "ok"
        if empty_engine.dialect.name == "postgresql":
            with app[READER].connect() as connection, pytest.raises(DBAPIError, match="read-only"):
                connection.execute(text("CREATE TABLE written_through_a_reader (id INTEGER)"))
