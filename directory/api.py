"""HTTP API for the service directory (aiohttp): Open Referral UK 3.0 by default, v1 under /v1.

    python -m directory serve [--host 127.0.0.1] [--port 8081] [--database-url URL]
    curl -s localhost:8081/health

Routes (full description: data/openapi.yml, served at /openapi.json):
    GET /                  version (HSDS-UK-3.0), profile, openapi_url
    GET /health            cheap queries; 200, or 503 when the database cannot be reached or is not loaded
    GET /services          a 3.0 page with the profile's filters, or with person parameters the services a
                           person can use, ranked
    GET /services/{id}     the full 3.0 service; an old id (our slug) answers 301; 404 JSON for an unknown id
    GET /taxonomies[/{id}], /taxonomy_terms[/{id}], /service_at_locations[/{id}]
    PUT /services          replace the directory with a 3.0 or 1.0 feed (bearer token from DIRECTORY_API_TOKEN)
    GET /v1/services[/{id}] the ORUK v1 answers, for older consumers
    GET /openapi.json      the OpenAPI 3.1 description

Why it is built this way:
- The engines are made when the app starts (not at import) and disposed when they stop; SQLAlchemy is
  blocking, so every database call runs in a small thread pool and the event loop never waits on it.
  GETs read through a read-only engine (no transaction round trips on PostgreSQL) and a matching page is
  one statement (directory.matching.find_page); only PUT writes, in one transaction.
- The 3.0 JSON is the stored document (directory.oruk.publish), the same text the export writes, and the
  ranking comes from directory.matching, so the API, the export and the bot cannot disagree.
- Queries can hold a child's age and borough: the access log records method, path (no query string),
  status and time only, and database errors are logged by class name (the engine hides bound parameters).
- Anything unexpected is a JSON 500 with no stack trace; a database error is a JSON 503.
- Open data: GET answers carry Access-Control-Allow-Origin: * because Open Referral UK asks publishers to
  (browser apps read feeds directly). PUT gets no CORS: writes come from scripts, not web pages.
"""

from __future__ import annotations

import asyncio
import functools
import hmac
import json
import logging
import os
import time
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, List, Optional, Tuple

import yaml
from aiohttp import web
from aiohttp.abc import AbstractAccessLogger
from sqlalchemy import select, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from directory.api_params import (
    ParamError,
    ServiceQuery,
    paging,
    parse_sal_query,
    parse_service_query,
    parse_v1_query,
)
from directory.db import make_engine, make_read_engine
from directory.loader import load_records
from directory.matching import MatchPage, find_page
from directory.models import PublishedServiceAtLocation, PublishedTaxonomy, PublishedTerm, Service
from directory.oruk import read as oruk_read
from directory.oruk import v3
from directory.oruk.export import page_json, service_json
from directory.oruk.import3 import read_any
from directory.records import DirectoryDataError, ServiceRecord
from directory.store import count_all, read_records

log = logging.getLogger(__name__)

OPENAPI_FILE = Path(__file__).parent / "data" / "openapi.yml"
TOKEN_ENV = "DIRECTORY_API_TOKEN"
DEFAULT_PORT = 8081
WORKERS = 4  # threads for database calls; the engine's pool (5 connections) covers them
MAX_BODY = 64 * 1024 * 1024  # a 10 000-service feed is about 30 MB of JSON

ENGINE = web.AppKey("engine", Engine)  # writes (PUT)
READER = web.AppKey("reader", Engine)  # reads: every GET (directory.db.make_read_engine)
EXECUTOR = web.AppKey("executor", ThreadPoolExecutor)
TOKEN = web.AppKey("token", str)
ROUTES = web.RouteTableDef()


@lru_cache(maxsize=1)
def openapi_document() -> Dict[str, Any]:
    """The OpenAPI description (read once per process)."""
    with OPENAPI_FILE.open(encoding="utf-8") as handle:
        document: Dict[str, Any] = yaml.safe_load(handle)
    return document


def _error(status: int, code: str, message: str, **extra: Any) -> web.Response:
    return web.json_response({"error": code, "message": message, **extra}, status=status)


async def _in_thread(request: web.Request, function: Callable[..., Any], *args: Any) -> Any:
    """Run a blocking database call in the app's thread pool."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(request.app[EXECUTOR], functools.partial(function, *args))


def _connect(request: web.Request) -> Connection:
    """A connection from the read engine: GETs need no Session (directory.db.Reader says why)."""
    return request.app[READER].connect()


@ROUTES.get("/health")
async def health(request: web.Request) -> web.Response:
    """Two cheap queries: can we reach the database, and does it hold the directory tables."""

    def probe() -> str:
        with request.app[READER].connect() as connection:
            connection.execute(text("SELECT 1"))
            try:
                connection.execute(select(Service.id).limit(1)).first()
            except SQLAlchemyError:
                return "not_loaded"
        return "ok"

    try:
        state = await _in_thread(request, probe)
    except (SQLAlchemyError, OSError) as exc:
        log.error("health check: database unreachable (%s)", type(exc).__name__)
        state = "unreachable"
    if state != "ok":
        return web.json_response({"status": "unavailable", "database": state}, status=503)
    return web.json_response({"status": "ok", "database": "ok"})


def _json_text(text: str, status: int = 200) -> web.Response:
    """An answer whose JSON is already encoded (stored documents are sent as they are)."""
    return web.Response(text=text, status=status, content_type="application/json")


def _matched_items(connection: Connection, page: MatchPage, offset: int) -> List[str]:
    """The 3.0 list items of matched services, each with the chat's `x-match` (rank, reason ...)."""
    stored = oruk_read.items_for_keys(connection, [record.id for record in page.records])
    items = []
    for rank, (result, record) in enumerate(zip(page.results, page.records, strict=False), start=offset + 1):
        item = json.loads(stored[record.id]) if record.id in stored else v3.list_item(v3.service_json(record))
        item["x-match"] = {
            "rank": rank,
            "reason": result.reason,
            "concern_match": result.concern_match,
            "locality": result.locality,
        }
        items.append(json.dumps(item, ensure_ascii=False, separators=(",", ":")))
    return items


def _service_page(request: web.Request, query: ServiceQuery) -> str:
    """One 3.0 page: the directory in load order with the standard filters, or this person's ranked matches."""
    with _connect(request) as connection:
        if query.match is None:
            total, items = oruk_read.services_page(connection, query.filters, query.page, query.per_page)
        else:
            page = find_page(connection, query.match, limit=query.per_page, offset=query.offset)
            total, items = page.total or 0, _matched_items(connection, page, query.offset)
    return oruk_read.page_text(items, total, query.page, query.per_page)


@ROUTES.get("/")
async def about(request: web.Request) -> web.Response:
    """Which standard this API speaks (Open Referral UK 3.0), the profile, and where its description is."""
    return web.json_response(v3.base_json(f"{request.scheme}://{request.host}/openapi.json"))


@ROUTES.get("/services")
async def list_services(request: web.Request) -> web.Response:
    query = parse_service_query(request.query)
    return _json_text(await _in_thread(request, _service_page, request, query))


@ROUTES.get("/services/{id}")
async def get_service(request: web.Request) -> web.Response:
    """The full 3.0 service; an old id (our key, the ORUK v1 id) redirects to its UUID so links keep working."""
    ident = request.match_info["id"]

    def fetch() -> Tuple[Optional[str], Optional[str]]:
        with _connect(request) as connection:
            return oruk_read.service_document(connection, ident)

    document, moved_to = await _in_thread(request, fetch)
    if document is not None:
        return _json_text(document)
    if moved_to is not None:
        response = _error(301, "moved_permanently", f"service {ident!r} is now {moved_to!r}", id=moved_to)
        response.headers["Location"] = f"/services/{moved_to}"
        return response
    return _error(404, "not_found", f"no service with id {ident!r}")


def _listing(reader: Callable[..., Any], *args: Any) -> Callable[[web.Request], Awaitable[web.Response]]:
    """GET handler for a paged list that takes only page and per_page."""

    async def handler(request: web.Request) -> web.Response:
        page, per_page = paging(request.query)

        def fetch() -> str:
            with _connect(request) as connection:
                total, items = reader(connection, page, per_page)
            return oruk_read.page_text(items, total, page, per_page)

        return _json_text(await _in_thread(request, fetch))

    return handler


def _single(table: Any, what: str) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def handler(request: web.Request) -> web.Response:
        ident = request.match_info["id"]

        def fetch() -> Optional[str]:
            with _connect(request) as connection:
                return oruk_read.one(connection, table, ident)

        text = await _in_thread(request, fetch)
        return (
            _json_text(text) if text is not None else _error(404, "not_found", f"no {what} with id {ident!r}")
        )

    return handler


ROUTES.get("/taxonomies")(_listing(oruk_read.taxonomies_page))
ROUTES.get("/taxonomies/{id}")(_single(PublishedTaxonomy, "taxonomy"))
ROUTES.get("/taxonomy_terms")(_listing(oruk_read.terms_page))
ROUTES.get("/taxonomy_terms/{id}")(_single(PublishedTerm, "taxonomy term"))
ROUTES.get("/service_at_locations/{id}")(_single(PublishedServiceAtLocation, "service at location"))


@ROUTES.get("/service_at_locations")
async def list_service_at_locations(request: web.Request) -> web.Response:
    page, per_page, filters = parse_sal_query(request.query)

    def fetch() -> str:
        with _connect(request) as connection:
            total, items = oruk_read.locations_page(connection, filters, page, per_page)
        return oruk_read.page_text(items, total, page, per_page)

    return _json_text(await _in_thread(request, fetch))


def _v1_page(request: web.Request, query: ServiceQuery) -> Dict[str, Any]:
    """One ORUK v1 page (GET /v1/services), for consumers that still read HSDS-UK 1.0."""
    with _connect(request) as connection:  # released before the JSON is built
        if query.match is None:
            total = count_all(connection)
            records = read_records(connection, offset=query.offset, limit=query.per_page)
        else:
            page = find_page(connection, query.match, limit=query.per_page, offset=query.offset)
    if query.match is None:
        return page_json([service_json(record) for record in records], total, query.page, query.per_page)
    content = []
    for rank, (result, record) in enumerate(
        zip(page.results, page.records, strict=False), start=query.offset + 1
    ):
        item = service_json(record)
        item["x-match"] = {
            "rank": rank,
            "reason": result.reason,
            "concern_match": result.concern_match,
            "locality": result.locality,
        }
        content.append(item)
    return page_json(content, page.total or 0, query.page, query.per_page)


@ROUTES.get("/v1/services")
async def list_services_v1(request: web.Request) -> web.Response:
    query = parse_v1_query(request.query)
    return web.json_response(await _in_thread(request, _v1_page, request, query))


@ROUTES.get("/v1/services/{id}")
async def get_service_v1(request: web.Request) -> web.Response:
    service_id = request.match_info["id"]

    def fetch() -> List[ServiceRecord]:
        with _connect(request) as connection:
            return read_records(connection, [service_id])

    records = await _in_thread(request, fetch)
    if not records:
        return _error(404, "not_found", f"no service with id {service_id!r}")
    return web.json_response(service_json(records[0]))


def _authorised(request: web.Request) -> Optional[web.Response]:
    """None when the request carries the right bearer token, else the refusal to send."""
    token = request.app[TOKEN]
    if not token:
        return _error(403, "forbidden", f"writes are switched off: {TOKEN_ENV} is not set")
    scheme, _sep, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token.encode()):
        response = _error(401, "unauthorized", "a valid bearer token is needed to change the directory")
        response.headers["WWW-Authenticate"] = "Bearer"
        return response
    return None


@ROUTES.put("/services")
async def replace_services(request: web.Request) -> web.Response:
    refusal = _authorised(request)
    if refusal is not None:
        return refusal
    try:
        document = await request.json()
    except ValueError:
        return _error(
            400, "invalid_feed", "the body must be JSON: an Open Referral UK page or a list of services"
        )

    def load() -> Dict[str, Any]:
        feed = read_any(document, "request body")
        summary = load_records(request.app[ENGINE], feed.records, feed.published)
        return {
            "version": feed.version,
            "added": summary.added,
            "updated": summary.updated,
            "unchanged": summary.unchanged,
            "refused": len(feed.skipped),
            "removed": summary.removed,
            "loaded": summary.services,
            "published": summary.published,
            "organisations": summary.organisations,
            "not_in_chat": feed.not_in_chat,
            "skipped": feed.skipped,
        }

    try:
        result = await _in_thread(request, load)
    except DirectoryDataError as exc:
        return _error(
            400,
            "invalid_feed",
            exc.errors[0],
            errors=exc.errors,
            refused=getattr(exc, "refused", None),
            added=0,
            updated=0,
            unchanged=0,
        )
    log.info("directory replaced through the API: %d services", result["loaded"])
    return web.json_response(result)


@ROUTES.get("/openapi.json")
async def openapi(_request: web.Request) -> web.Response:
    return web.json_response(openapi_document())


@web.middleware
async def json_errors(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """Every failure as JSON: bad parameters 400, unknown routes 404/405, database 503, anything else 500."""
    try:
        response = await handler(request)
    except ParamError as exc:
        response = _error(400, "bad_request", exc.message, parameter=exc.parameter)
    except web.HTTPNotFound:
        response = _error(404, "not_found", "no such route; see /openapi.json")
    except web.HTTPMethodNotAllowed as exc:
        response = _error(405, "method_not_allowed", f"{request.method} is not allowed here")
        response.headers["Allow"] = ", ".join(sorted(exc.allowed_methods))
    except web.HTTPException as exc:  # anything else aiohttp raises (413 too large, 400 bad request ...)
        response = _error(exc.status, "http_error", exc.reason)
    except (SQLAlchemyError, OSError) as exc:
        log.error("%s %s: database error (%s)", request.method, request.path, type(exc).__name__)
        response = _error(503, "database_unavailable", "the directory database cannot be used right now")
    except Exception as exc:  # noqa: BLE001 - the last line of defence: never a stack trace to the caller
        log.error("%s %s: unexpected %s", request.method, request.path, type(exc).__name__)
        response = _error(500, "internal_error", "something went wrong on our side")
    if request.method in ("GET", "HEAD"):
        response.headers["Access-Control-Allow-Origin"] = "*"
    return response


class PathOnlyAccessLogger(AbstractAccessLogger):
    """Access log without query strings (they can hold a child's age and borough)."""

    def log(self, request: web.BaseRequest, response: web.StreamResponse, duration: float) -> None:
        self.logger.info("%s %s %s %.1fms", request.method, request.path, response.status, duration * 1000)


def _warm_up() -> None:
    """Read the YAML look-ups now rather than on the first request (places alone take a few hundred ms)."""
    from directory.concerns import load_concerns
    from directory.oruk.mapping import load_mapping
    from directory.places import load_places
    from directory.wording import load_wording

    load_places(), load_concerns(), load_mapping(), load_wording(), openapi_document()


def create_app(
    engine: Optional[Engine] = None,
    *,
    read_engine: Optional[Engine] = None,
    database_url: Optional[str] = None,
    token: Optional[str] = None,
    workers: int = WORKERS,
) -> web.Application:
    """The API application. Without `engine`, two are made at start-up from `database_url` (else DATABASE_URL or
    the SQLite file) and disposed at shutdown: one for PUT, and a make_read_engine one for every GET. Given
    engines belong to the caller; a given `engine` without `read_engine` serves the reads too. `token` defaults
    to DIRECTORY_API_TOKEN; empty or unset means writes are refused. Run it with
    access_log_class=PathOnlyAccessLogger (as `serve` does): aiohttp's default access log includes query strings."""
    app = web.Application(middlewares=[json_errors], client_max_size=MAX_BODY)
    app[TOKEN] = token if token is not None else os.environ.get(TOKEN_ENV, "")
    app.add_routes(ROUTES)
    owned: List[Engine] = []

    def own(made: Engine) -> Engine:
        owned.append(made)
        return made

    async def start(app: web.Application) -> None:
        app[ENGINE] = engine if engine is not None else own(make_engine(database_url, hide_parameters=True))
        app[READER] = read_engine or (
            engine if engine is not None else own(make_read_engine(database_url, hide_parameters=True))
        )
        app[EXECUTOR] = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="directory-db")
        _warm_up()

    async def stop(app: web.Application) -> None:
        app[EXECUTOR].shutdown(wait=True)
        for made in owned:
            made.dispose()

    # aiohttp 3.9 types its signals for aiosignal < 1.4, which typed a callback by the signal's own type
    app.on_startup.append(start)  # type: ignore[arg-type]
    app.on_cleanup.append(stop)  # type: ignore[arg-type]
    return app


def serve(host: str = "127.0.0.1", port: int = DEFAULT_PORT, database_url: Optional[str] = None) -> None:
    """Run the API until interrupted (python -m directory serve)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    started = time.monotonic()
    log.info("directory API on http://%s:%d (health: /health, description: /openapi.json)", host, port)
    web.run_app(
        create_app(database_url=database_url),
        host=host,
        port=port,
        access_log_class=PathOnlyAccessLogger,
        print=None,
    )
    log.info("directory API stopped after %.0fs", time.monotonic() - started)
