"""Reuse HTTP connections to the action server instead of opening a new one for every action call.

Rasa 3.6's `EndpointConfig.request` creates an aiohttp `ClientSession` per call and closes it afterwards,
so every action call (the form's validation runs on the action server every turn) opened and closed a TCP
connection: about a twentieth of a turn's CPU on Rasa's event loop (bench/bench_load.py profile,
2026-11-26). `install()` makes `EndpointConfig.session()` hand out one long-lived session per endpoint and
event loop, which `request` still uses with `async with` (closing is made a no-op for it).

Idle connections are dropped after `KEEPALIVE_S`, shorter than the action server's own keep-alive timeout
(Sanic's default is 5 s), so the client never sends on a connection the server is closing. A connection
the server has closed (action server restarted) is noticed by aiohttp and not reused; a session that was
closed, or belongs to another event loop, is replaced.
"""

from __future__ import annotations

import asyncio
from typing import Any, Dict, Optional, Tuple

import aiohttp
from rasa.utils.endpoints import DEFAULT_REQUEST_TIMEOUT, EndpointConfig

#: Seconds an idle connection is kept; under the action server's keep-alive timeout (Sanic: 5 s).
KEEPALIVE_S = 2.0

_RASA_SESSION = EndpointConfig.session


class _Borrowed:
    """`async with` for a shared session: gives it out and leaves it open."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self.session = session

    async def __aenter__(self) -> aiohttp.ClientSession:
        return self.session

    async def __aexit__(self, *_exc: Any) -> None:
        return None


#: id(endpoint) -> (event loop, session); endpoints live as long as the Rasa process.
_sessions: Dict[int, Tuple[asyncio.AbstractEventLoop, aiohttp.ClientSession]] = {}


def _auth(endpoint: EndpointConfig) -> Optional[aiohttp.BasicAuth]:
    if not endpoint.basic_auth:
        return None
    return aiohttp.BasicAuth(endpoint.basic_auth["username"], endpoint.basic_auth["password"])


def shared_session(endpoint: EndpointConfig) -> _Borrowed:
    """Drop-in for `EndpointConfig.session` (same headers, auth and timeout), kept open between calls."""
    loop = asyncio.get_running_loop()
    owner, session = _sessions.get(id(endpoint), (None, None))
    if session is None or session.closed or owner is not loop:
        session = aiohttp.ClientSession(
            headers=endpoint.headers,
            auth=_auth(endpoint),
            timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
            connector=aiohttp.TCPConnector(keepalive_timeout=KEEPALIVE_S),
        )
        _sessions[id(endpoint)] = (loop, session)
    return _Borrowed(session)


def install() -> None:
    EndpointConfig.session = shared_session  # type: ignore[assignment]


def uninstall() -> None:
    """Rasa's own behaviour again (tests)."""
    EndpointConfig.session = _RASA_SESSION  # type: ignore[assignment]
