"""Each Open Referral UK 3.0 filter on a small 3.0 directory with known answers, alone and combined (AND),
with pagination edges; on SQLite and PostgreSQL. Every page is checked against the official schemas."""

from __future__ import annotations

import json
import uuid

import pytest
from aiohttp.test_utils import TestClient, TestServer
from jsonschema import Draft202012Validator

from directory.api import create_app
from directory.loader import load_feed
from directory.oruk import schemas

NS = uuid.UUID("6f1c1b8e-2d0a-4c55-9a55-3d1f5e2b7a10")


def uid(name: str) -> str:
    return str(uuid.uuid5(NS, name))


TAXONOMY = {"X": uid("taxonomy X"), "Y": uid("taxonomy Y")}
TERMS = {"T1": ("X", "Talking therapy"), "T2": ("X", "Helplines"), "T3": ("Y", "Groups")}


def attribute(service: str, term: str) -> dict:
    taxonomy, name = TERMS[term]
    return {
        "id": uid(f"{service} {term}"),
        "link_id": uid(service),
        "link_type": "service",
        "taxonomy_term_id": uid(term),
        "taxonomy_term": {
            "id": uid(term),
            "name": name,
            "description": name,
            "taxonomy": taxonomy,
            "taxonomy_id": TAXONOMY[taxonomy],
        },
    }


def schedule(service: str, index: int, byday: str, opens: str, closes: str) -> dict:
    return {
        "id": uid(f"{service} schedule {index}"),
        "service_id": uid(service),
        "freq": "WEEKLY",
        "byday": byday,
        "opens_at": opens,
        "closes_at": closes,
    }


def located(service: str, postcode: str) -> list:
    location = uid(f"{service} location")
    return [
        {
            "id": uid(f"{service} at location"),
            "service_id": uid(service),
            "location_id": location,
            "location": {
                "id": location,
                "location_type": "physical",
                "name": f"{service} building",
                "addresses": [
                    {
                        "id": uid(f"{service} address"),
                        "location_id": location,
                        "address_1": "1 Test Street",
                        "city": "London",
                        "state_province": "London",
                        "postal_code": postcode,
                        "country": "GB",
                        "address_type": "physical",
                    }
                ],
            },
        }
    ]


def service(name: str, description: str, status: str = "active", **fields) -> dict:
    return {"id": uid(name), "name": name, "description": description, "status": status, **fields}


FEED = {
    "contents": [
        service(
            "Alpha Counselling Service",
            "Talking therapy for teenagers.",
            minimum_age=11,
            maximum_age=18,
            schedules=[schedule("Alpha Counselling Service", 0, "MO,TU", "09:00", "17:00")],
            attributes=[attribute("Alpha Counselling Service", "T1")],
            service_at_locations=located("Alpha Counselling Service", "E8 1DY"),
        ),
        service(
            "Beta Helpline",
            "Phone support, 100% confidential.",
            minimum_age=5,
            maximum_age=25,
            schedules=[schedule("Beta Helpline", 0, "SA", "10:00:00", "14:00:00")],
            attributes=[attribute("Beta Helpline", "T2")],
        ),
        service("Gamma Group", "Peer support group.", attributes=[attribute("Gamma Group", "T3")]),
        service(
            "Delta Drop-in Counselling",
            "Evening drop in.",
            minimum_age=13,
            maximum_age=19,
            schedules=[schedule("Delta Drop-in Counselling", 0, "MO", "18:00", "21:00")],
            attributes=[
                attribute("Delta Drop-in Counselling", "T1"),
                attribute("Delta Drop-in Counselling", "T3"),
            ],
            service_at_locations=located("Delta Drop-in Counselling", "N1 9GU"),
        ),
        service(
            "Epsilon Advice",
            "Counselling advice for families.",
            status="inactive",
            minimum_age=0,
            maximum_age=120,
            schedules=[
                schedule("Epsilon Advice", 0, "WE", "09:30", "12:00"),
                schedule("Epsilon Advice", 1, "FR", "13:00", "16:00"),
            ],
        ),
    ]
}
A, B, C, D, E = (s["name"].split()[0] for s in FEED["contents"])


@pytest.fixture
async def client(empty_engine, tmp_path):
    path = tmp_path / "fixture.json"
    path.write_text(json.dumps(FEED), encoding="utf-8")
    load_feed(empty_engine, path)
    async with TestClient(TestServer(create_app(empty_engine))) as client:
        yield client


async def page(client, path: str = "/services", status: int = 200, **params) -> dict:
    response = await client.get(path, params=params)
    body = await response.json()
    assert response.status == status, body
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    if status == 200:
        Draft202012Validator(schemas.page_schema()).validate(body)
        kind = "service_list" if path == "/services" else "service_at_location_list"
        for item in body["contents"]:
            assert not schemas.errors(kind, item)
    return body


async def names(client, **params) -> list:
    body = await page(client, per_page=50, **params)
    assert body["total_items"] == len(body["contents"])
    return [item["name"].split()[0] for item in body["contents"]]


def test_the_fixture_is_valid_3_0():
    for item in FEED["contents"]:
        assert not schemas.errors("service", item), item["name"]


@pytest.mark.parametrize(
    "params, expected",
    [
        ({}, [A, B, C, D, E]),
        ({"search": "counselling"}, [A, D, E]),
        ({"search": "COUNSELLING drop"}, [D]),
        ({"search": "100%"}, [B]),
        ({"search": "50%"}, []),
        ({"search": "nothing-like-this"}, []),
        ({"taxonomy_term_id": uid("T1")}, [A, D]),
        ({"taxonomy_term_id": uid("T3")}, [C, D]),
        ({"taxonomy_term_id": uid("unknown")}, []),
        ({"taxonomy_id": TAXONOMY["X"]}, [A, B, D]),
        ({"taxonomy_id": TAXONOMY["Y"]}, [C, D]),
        ({"minimum_age": "11"}, [A, D]),
        ({"minimum_age": "0"}, [A, B, D, E]),
        ({"maximum_age": "19"}, [A, D]),
        ({"maximum_age": "18"}, [A]),
        ({"minimum_age": "11", "maximum_age": "18"}, [A]),
        ({"minimum_age": "12.5"}, [D]),
        ({"day": "MO"}, [A, D]),
        ({"day": "monday"}, [A, D]),
        ({"day": "SA"}, [B]),
        ({"day": "SU"}, []),
        ({"start_time": "09:00"}, [A, B, D, E]),
        ({"start_time": "10:00"}, [B, D, E]),
        ({"end_time": "14:00"}, [B, E]),
        ({"day": "MO", "start_time": "10:00"}, [D]),
        ({"day": "WE", "end_time": "12:00"}, [E]),
        (
            {"day": "FR", "end_time": "12:00"},
            [],
        ),  # day and times hold for one schedule: Friday closes at 16:00
        ({"search": "counselling", "taxonomy_term_id": uid("T1"), "day": "MO"}, [A, D]),
        ({"search": "counselling", "minimum_age": "12"}, [D]),  # Epsilon starts at 0
        ({"taxonomy_id": TAXONOMY["X"], "maximum_age": "18", "day": "TU"}, [A]),
    ],
)
async def test_each_filter_and_combinations(client, params, expected):
    assert await names(client, **params) == expected


async def test_pagination_edges(client):
    first = await page(client, per_page=2)
    assert (first["total_items"], first["total_pages"], first["page_number"], first["size"]) == (5, 3, 1, 2)
    assert first["first_page"] and not first["last_page"] and not first["empty"]
    last = await page(client, page=3, per_page=2)
    assert [i["name"].split()[0] for i in last["contents"]] == [E]
    assert last["last_page"] and not last["first_page"] and last["size"] == 1
    beyond = await page(client, page=4, per_page=2)
    assert (beyond["total_items"], beyond["total_pages"], beyond["page_number"], beyond["size"]) == (
        5,
        3,
        4,
        0,
    )
    assert beyond["empty"] and beyond["last_page"] and not beyond["first_page"] and beyond["contents"] == []
    whole = await page(client, per_page=50)
    assert whole["total_pages"] == 1 and whole["first_page"] and whole["last_page"]
    nothing = await page(client, search="nothing-like-this")
    assert (nothing["total_items"], nothing["total_pages"], nothing["empty"]) == (0, 1, True)
    filtered = await page(client, page=2, per_page=1, taxonomy_term_id=uid("T1"))
    assert [i["name"].split()[0] for i in filtered["contents"]] == [D] and filtered["total_pages"] == 2


@pytest.mark.parametrize(
    "params, parameter",
    [
        ({"per_page": "51"}, "per_page"),
        ({"per_page": "0"}, "per_page"),
        ({"page": "0"}, "page"),
        ({"page": "two"}, "page"),
        ({"minimum_age": "abc"}, "minimum_age"),
        ({"maximum_age": "-1"}, "maximum_age"),
        ({"day": "XX"}, "day"),
        ({"start_time": "25:00"}, "start_time"),
        ({"end_time": "9am"}, "end_time"),
        ({"search": ""}, "search"),
        ({"text": "counselling"}, "text"),  # the 1.0 name: not a 3.0 parameter
        ({"vocabulary": "x"}, "vocabulary"),
    ],
)
async def test_bad_parameters_are_a_clear_json_400(client, params, parameter):
    body = await page(client, "/services", 400, **params)
    assert body["error"] == "bad_request" and body["parameter"] == parameter and body["message"]


async def test_a_parameter_given_twice_is_400(client):
    response = await client.get("/services", params=[("search", "a"), ("search", "b")])
    assert response.status == 400 and (await response.json())["parameter"] == "search"


@pytest.mark.parametrize(
    "params, expected",
    [
        ({}, [A, D]),
        ({"postcode": "E8 3AA"}, [A]),  # same postcode district as Alpha's address
        ({"postcode": "n1"}, [D]),
        ({"postcode": "SW1A 1AA"}, []),
        ({"search": "drop"}, [D]),
        ({"day": "TU"}, [A]),
        ({"postcode": "E8", "taxonomy_term_id": uid("T3")}, []),
    ],
)
async def test_service_at_locations_filters(client, params, expected):
    body = await page(client, "/service_at_locations", per_page=50, **params)
    assert [item["service"]["name"].split()[0] for item in body["contents"]] == expected
    for item in body["contents"]:
        assert set(item) == {"id", "service_id", "location_id", "location", "service"}


async def test_proximity_says_it_is_not_supported(client):
    body = await page(client, "/service_at_locations", 400, postcode="E8 1DY", proximity="1000")
    assert body["parameter"] == "proximity" and "not supported" in body["message"]
    body = await page(client, "/service_at_locations", 400, proximity="1000")
    assert "give postcode" in body["message"]
    body = await page(client, "/service_at_locations", 400, postcode="not a postcode")
    assert body["parameter"] == "postcode"
