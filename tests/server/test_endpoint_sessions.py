"""Action-server calls reuse one connection, keep the endpoint's headers and token, and survive a restart
of the server and idle time (bot.server.endpoint_sessions)."""

from __future__ import annotations

from typing import AsyncIterator, List, Tuple

import pytest
from aiohttp import web
from rasa.utils.endpoints import EndpointConfig

from bot.server import endpoint_sessions
from tests.support.servers import free_port
from tests.support.waiting import wait_until_async


class Recorder:
    """A stand-in action server that notes each request's client port, headers and token."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.seen: List[Tuple[int, str, str]] = []
        self.runner: web.AppRunner = None  # type: ignore[assignment]

    async def _webhook(self, request: web.Request) -> web.Response:
        peer_port = request.transport.get_extra_info("peername")[1]
        self.seen.append((peer_port, request.headers.get("X-Deployment", ""), request.query.get("token", "")))
        return web.json_response({"events": [], "responses": []})

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/webhook", self._webhook)
        self.runner = web.AppRunner(app, keepalive_timeout=5)
        await self.runner.setup()
        await web.TCPSite(self.runner, "127.0.0.1", self.port).start()

    async def stop(self) -> None:
        await self.runner.cleanup()

    @property
    def ports(self) -> List[int]:
        return [port for port, _header, _token in self.seen]


@pytest.fixture()
async def server() -> AsyncIterator[Recorder]:
    recorder = Recorder(free_port())
    await recorder.start()
    endpoint_sessions.install()
    try:
        yield recorder
    finally:
        endpoint_sessions.uninstall()
        await recorder.stop()


def endpoint(server: Recorder) -> EndpointConfig:
    return EndpointConfig(
        f"http://127.0.0.1:{server.port}/webhook", token="s3cret", headers={"X-Deployment": "test"}
    )


async def call(config: EndpointConfig) -> dict:
    return await config.request(json={"next_action": "action_x"}, method="post")


async def test_calls_share_one_connection_and_keep_headers_and_token(server: Recorder) -> None:
    config = endpoint(server)
    for _ in range(4):
        assert await call(config) == {"events": [], "responses": []}
    assert len(set(server.ports)) == 1
    assert {(header, token) for _port, header, token in server.seen} == {("test", "s3cret")}


async def test_rasas_own_session_opens_a_connection_per_call(server: Recorder) -> None:
    endpoint_sessions.uninstall()
    config = endpoint(server)
    for _ in range(3):
        await call(config)
    assert len(set(server.ports)) == 3


async def test_a_restarted_action_server_is_reached_again(server: Recorder) -> None:
    config = endpoint(server)
    await call(config)
    await server.stop()
    await server.start()
    assert await call(config) == {"events": [], "responses": []}
    assert len(server.seen) == 2


async def test_an_idle_connection_is_dropped_before_the_server_would_drop_it(
    server: Recorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(endpoint_sessions, "KEEPALIVE_S", 0.1)
    config = endpoint(server)  # a new endpoint: its session is made with the short keep-alive
    await call(config)
    _loop, session = endpoint_sessions._sessions[id(config)]

    async def idle_connection_closed() -> bool:
        return not session.connector._conns  # aiohttp's idle pool: emptied when the keep-alive runs out

    await wait_until_async(idle_connection_closed, "the idle connection was dropped", timeout=10)
    await call(config)
    assert len(set(server.ports)) == 2
