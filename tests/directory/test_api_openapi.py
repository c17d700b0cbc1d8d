"""The OpenAPI description: well formed, every route documented (and nothing documented that does not exist),
its limits the code's limits, and every example request working, with answers that fit the schemas."""

from __future__ import annotations

import re

import pytest
from aiohttp.test_utils import TestClient, TestServer
from jsonschema import Draft202012Validator

from directory import vocab
from directory.api import create_app, openapi_document
from directory.api_params import (
    DEFAULT_PER_PAGE,
    KNOWN_PARAMS,
    MAX_PAGE,
    MAX_PER_PAGE,
    PERSON_PARAMS,
    V1_PARAMS,
)
from directory.oruk.mapping import load_mapping

METHODS = {"get", "put", "post", "delete", "patch"}


@pytest.fixture(scope="module")
def doc() -> dict:
    return openapi_document()


def _resolve(doc: dict, ref: str) -> dict:
    assert ref.startswith("#/"), ref
    node = doc
    for part in ref[2:].split("/"):
        node = node[part]
    return node


def _refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


def validator(doc: dict, schema: dict) -> Draft202012Validator:
    """A JSON Schema 2020-12 validator (OpenAPI 3.1 schemas are JSON Schema) resolving #/components/... refs."""
    return Draft202012Validator({**schema, "components": doc["components"]})


def _operations(doc: dict):
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield path, method, operation


def test_the_document_is_well_formed(doc):
    assert doc["openapi"] == "3.1.0" and doc["info"]["title"] and doc["info"]["version"]
    for ref in _refs(doc):
        assert _resolve(doc, ref), ref
    operation_ids = []
    for path, method, operation in _operations(doc):
        operation_ids.append(operation["operationId"])
        assert operation["summary"] and operation["responses"], (method, path)
        for status, response in operation["responses"].items():
            assert re.fullmatch(r"[1-5]\d\d", status) and response["description"], (method, path, status)
        declared = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
        assert declared == set(re.findall(r"{(\w+)}", path)), (method, path)
        for parameter in operation.get("parameters", []):
            assert {"name", "in", "schema"} <= set(parameter) and parameter["in"] in ("query", "path")
            Draft202012Validator.check_schema(parameter["schema"])
    assert len(operation_ids) == len(set(operation_ids))
    for schema in doc["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)


def test_every_route_is_documented_and_every_documented_route_exists(doc):
    app = create_app()
    served = {
        (route.method.lower(), route.resource.canonical)
        for route in app.router.routes()
        if route.method != "HEAD"
    }
    documented = {(method, path) for path, method, _op in _operations(doc)}
    assert served == documented


def test_documented_limits_are_the_codes_limits(doc):
    parameters = {p["name"]: p for p in doc["paths"]["/services"]["get"]["parameters"]}
    assert tuple(parameters) == KNOWN_PARAMS
    assert parameters["per_page"]["schema"]["maximum"] == MAX_PER_PAGE
    assert parameters["per_page"]["schema"]["default"] == DEFAULT_PER_PAGE
    assert parameters["page"]["schema"]["maximum"] == MAX_PAGE
    assert parameters["age"]["schema"]["maximum"] == vocab.ALL_AGES_MAX
    assert tuple(parameters["audience"]["schema"]["enum"]) == vocab.ROLES
    assert tuple(parameters["referral"]["schema"]["enum"]) == tuple(vocab.REFERRAL_FILTERS)
    assert tuple(p["name"] for p in doc["paths"]["/v1/services"]["get"]["parameters"]) == V1_PARAMS
    taxonomy = doc["components"]["schemas"]["ServiceV1"]["properties"]["service_taxonomys"]["items"]
    vocabularies = taxonomy["properties"]["taxonomy"]["properties"]["vocabulary"]["enum"]
    assert set(vocabularies) == set(load_mapping().vocabularies.values())


def test_written_examples_fit_their_schemas(doc):
    checked = 0
    for _path, _method, operation in _operations(doc):
        for response in operation["responses"].values():
            for media in response.get("content", {}).values():
                if "example" in media:
                    validator(doc, media["schema"]).validate(media["example"])
                    checked += 1
        for parameter in operation.get("parameters", []):
            validator(doc, parameter["schema"]).validate(parameter["example"])
            checked += 1
    assert checked >= 40


def _query(example: dict) -> list:
    return [
        (name, str(v))
        for name, value in example.items()
        for v in (value if isinstance(value, list) else [value])
    ]


def _requests(doc: dict):
    """(path, query, operation, expected status) for every example request in the document."""
    for path, method, operation in _operations(doc):
        if method != "get":
            continue
        path_values = {p["name"]: p["example"] for p in operation.get("parameters", []) if p["in"] == "path"}
        concrete = path.format(**path_values)
        status = operation.get("x-example-status", 200)
        queries = [([], status)] + [
            (_query({p["name"]: p["example"]}), p.get("x-example-status", status))
            for p in operation.get("parameters", [])
            if p["in"] == "query"
        ]
        queries += [(_query(example), status) for example in operation.get("x-examples", [])]
        for query, expected in queries:
            yield concrete, query, operation, expected


async def test_every_example_request_works_and_fits_the_schema(doc, loaded_engine):
    ran = 0
    async with TestClient(TestServer(create_app(loaded_engine))) as client:
        for path, query, operation, expected in _requests(doc):
            response = await client.get(path, params=query)
            body = await response.json()
            assert str(response.status) in operation["responses"], (path, query, response.status, body)
            assert response.status == expected, (path, query, body)
            schema = operation["responses"][str(expected)]["content"]["application/json"]["schema"]
            validator(doc, schema).validate(body)
            if path in ("/services", "/v1/services"):
                items = body["contents" if path == "/services" else "content"]
                assert items, f"example {query} finds nothing"
                matching = any(name in PERSON_PARAMS for name, _v in query)
                assert all(("x-match" in item) == matching for item in items), query
            ran += 1
        served = await (await client.get("/openapi.json")).json()
    assert served == doc and ran >= 15


async def test_error_answers_fit_the_documented_error_schema(doc, loaded_engine):
    responses = doc["paths"]["/services"]["get"]["responses"]
    async with TestClient(TestServer(create_app(loaded_engine))) as client:
        for params, status in (({"age": "ten"}, 400), ({"colour": "blue"}, 400)):
            response = await client.get("/services", params=params)
            assert response.status == status
            validator(doc, responses[str(status)]["content"]["application/json"]["schema"]).validate(
                await response.json()
            )
        response = await client.get("/services/no-such-service")
        schema = doc["paths"]["/services/{id}"]["get"]["responses"]["404"]["content"]["application/json"][
            "schema"
        ]
        validator(doc, schema).validate(await response.json())
        response = await client.put("/services", json=[])
        schema = doc["paths"]["/services"]["put"]["responses"][str(response.status)]["content"][
            "application/json"
        ]
        validator(doc, schema["schema"]).validate(await response.json())


def test_the_whole_export_fits_the_service_schema(doc):
    from directory.oruk.export import feed_json
    from directory.records import read_services

    validator(doc, {"$ref": "#/components/schemas/ServicePageV1"}).validate(feed_json(read_services()))
