"""A socket.io client that talks to the assistant as the web widget does (python-socketio, real sockets)."""

from __future__ import annotations

import asyncio
import time
from typing import Any, Dict, List, Optional, Tuple

import aiohttp
import socketio


class WidgetClient:
    """One browser tab: `connect` asks for a conversation, `say` sends a message and collects the turn."""

    def __init__(self, url: str, source_address: Optional[str] = None) -> None:
        self.url = url
        self.source_address = source_address
        self.http: Optional[aiohttp.ClientSession] = None
        self.sio: Optional[socketio.AsyncClient] = None
        self.events: "asyncio.Queue[Tuple[str, Any]]" = asyncio.Queue()
        self.session_id: Optional[str] = None

    async def connect(self, session_id: Optional[str] = None) -> str:
        """Connect, send `session_request` with `session_id`, and return the id the server confirmed."""
        if self.source_address:  # another loopback address: another client as far as the server can tell
            connector = aiohttp.TCPConnector(local_addr=(self.source_address, 0))
            self.http = aiohttp.ClientSession(connector=connector)
        self.sio = socketio.AsyncClient(reconnection=False, http_session=self.http)
        for event in ("session_confirm", "bot_uttered", "session_ended", "bad_request"):
            self.sio.on(event, self._recorder(event))
        # HTTP long-polling, as the widget starts: engine.io 4.15's websocket client needs aiohttp 3.10.
        await self.sio.connect(self.url, socketio_path="/socket.io", transports=["polling"])
        await self.sio.emit("session_request", {"session_id": session_id})
        self.session_id = await self.expect("session_confirm")
        return self.session_id

    def _recorder(self, name: str) -> Any:
        async def record(data: Any = None) -> None:
            await self.events.put((name, data))

        return record

    async def expect(self, name: str, timeout: float = 30) -> Any:
        """The data of the next event called `name` (other events before it are dropped)."""
        deadline = time.monotonic() + timeout
        while True:
            got, data = await asyncio.wait_for(self.events.get(), max(0.01, deadline - time.monotonic()))
            if got == name:
                return data

    async def emit(self, event: str, data: Any) -> None:
        assert self.sio is not None
        await self.sio.emit(event, data)

    async def say(
        self, text: str, session_id: Any = None, settle: float = 1.5, first_within: float = 30
    ) -> List[Dict[str, Any]]:
        """Send `text` (naming `session_id` if given, as an attacker would) and return the turn's replies."""
        payload: Dict[str, Any] = {"message": text}
        if session_id is not None:
            payload["session_id"] = session_id
        await self.emit("user_uttered", payload)
        return await self.replies(settle, first_within)

    async def replies(self, settle: float = 1.5, first_within: float = 30) -> List[Dict[str, Any]]:
        """bot_uttered messages until none arrives for `settle` seconds (the first may take `first_within`)."""
        collected: List[Dict[str, Any]] = []
        wait = first_within
        while True:
            try:
                name, data = await asyncio.wait_for(self.events.get(), wait)
            except asyncio.TimeoutError:
                return collected
            if name == "bot_uttered":
                collected.append(data)
                wait = settle

    async def end(self) -> Any:
        await self.emit("session_end", {})
        return await self.expect("session_ended")

    async def close(self) -> None:
        if self.sio is not None:
            await self.sio.disconnect()
        if self.http is not None:
            await self.http.close()


def texts(replies: List[Dict[str, Any]]) -> List[str]:
    return [r["text"] for r in replies if isinstance(r, dict) and r.get("text")]
