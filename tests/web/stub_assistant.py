"""A stand-in for the assistant's socket.io channel, for what the widget must do by itself: it accepts the
widget's conversation and answers every message with `replies` (none: it never answers, like a stuck or
slow server; hostile ones: like a compromised server). It runs in a thread on a free loopback port;
`stop()` cuts every connection (a dropped socket, as when the server or the network goes)."""

from __future__ import annotations

import asyncio
import threading
from typing import Any, Dict, List, Optional

import socketio
from aiohttp import web

from tests.support.servers import free_port


class StubAssistant:
    def __init__(self, replies: Optional[List[Dict[str, Any]]] = None) -> None:
        self.replies = replies or []
        self.port = free_port()
        self.loop = asyncio.new_event_loop()
        self.runner: Optional[web.AppRunner] = None
        self.sio: Optional[socketio.AsyncServer] = None
        self.stopped = False
        self.messages = 0
        self.thread = threading.Thread(target=self.loop.run_forever, name="stub-assistant", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def _start(self) -> None:
        sio = self.sio = socketio.AsyncServer(async_mode="aiohttp", cors_allowed_origins="*")
        app = web.Application()
        sio.attach(app)

        @sio.on("session_request")
        async def session_request(sid: str, _data: object) -> None:
            await sio.emit("session_confirm", "silent-conversation", room=sid)

        @sio.on("user_uttered")
        async def user_uttered(sid: str, _data: object) -> None:
            self.messages += 1
            for reply in self.replies:
                await sio.emit("bot_uttered", reply, room=sid)

        self.runner = web.AppRunner(app)
        await self.runner.setup()
        await web.TCPSite(self.runner, "127.0.0.1", self.port, shutdown_timeout=0.1).start()

    async def _stop(self) -> None:
        if self.sio is not None:
            for sid in list(self.sio.manager.get_participants("/", None)):
                await self.sio.disconnect(sid[0] if isinstance(sid, tuple) else sid)
        if self.runner is not None:
            await asyncio.wait_for(self.runner.cleanup(), 5)
        for task in asyncio.all_tasks():  # engine.io's ping and service tasks
            if task is not asyncio.current_task():
                task.cancel()

    def start(self) -> "StubAssistant":
        self.thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self.loop).result(10)
        return self

    def stop(self) -> None:
        if self.stopped:
            return
        self.stopped = True
        try:
            asyncio.run_coroutine_threadsafe(self._stop(), self.loop).result(10)
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
