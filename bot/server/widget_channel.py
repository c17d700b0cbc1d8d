"""The socket.io channel the web widget talks to: server-issued conversation ids, ending a chat, limits.

Rasa 3.6's socket.io channel trusts the client: `session_request` honours any id and every `user_uttered`
names its own `session_id`, so whoever knows or guesses an id continues that conversation and receives its
replies. This channel (its own handlers, on Rasa's `SocketBlueprint`) works so:

* `session_request {session_id}`: an id this server issued (bot/server/conversation_ids.py: 128 random bits,
  signed) that was not ended is kept, so a reload continues the conversation; any other id, or none, gets a
  new one. `session_confirm` answers with the id, and the socket joins that conversation's room.
* `user_uttered {message}`: handled as a message of the socket's confirmed conversation, whatever
  `session_id` it names; before a `session_request` it is refused. Text is cleaned and capped
  (bot.server.message_guard), client metadata is not stored; a payload that is not `{"message": text}`, or
  is nested or too large (over MAX_BODY_BYTES, also engine.io's own limit), gets `bad_request`.
* each conversation and each client address may send only so many messages per window
  (bot/server/rate_limit.py): one over the limit gets the domain's `utter_slow_down` as a `bot_uttered`.
* `session_end`: the widget's "End chat" and quick exit. The conversation is deleted from the tracker store
  (holding its lock, so a turn in progress cannot write it back) and its id is recorded as ended, so it is
  never accepted again; every socket of that conversation gets `session_ended` and leaves its room.
* custom payloads arrive as `{"custom": payload}` (Rasa's output passed them as keyword arguments to
  `emit` and raised TypeError, ending the turn), and the technical-problem reply (with the emergency
  numbers) is sent when handling fails or yields nothing, so nobody is left with silence.

It is configured in credentials.yml under its module path and keeps the name `socketio`.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Awaitable, Callable, Dict, Optional, Set, Text

from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.channels.socketio import SocketBlueprint, SocketIOInput, SocketIOOutput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncServer

from bot.server import conversation_ids, replies
from bot.server.channels import HANDLE_TIMEOUT_S, failure_name
from bot.server.message_guard import (
    MAX_BODY_BYTES,
    MAX_JSON_DEPTH,
    BadRequest,
    cap_length,
    clean_text,
    json_depth,
)
from bot.server.rasa_patches import apply_rasa_patches
from bot.server.rate_limit import ClientLimits, client_address

log = logging.getLogger(__name__)


class WidgetSocketIOOutput(SocketIOOutput):
    """Socket.io output whose custom payloads arrive as `{"custom": payload}` in the conversation's room."""

    def __init__(self, sio: Any, bot_message_evt: Text) -> None:
        super().__init__(sio, bot_message_evt)
        self.sent = 0

    async def _send_message(self, socket_id: Text, response: Any) -> None:
        self.sent += 1
        await super()._send_message(socket_id, response)

    async def send_custom_json(
        self, recipient_id: Text, json_message: Dict[Text, Any], **kwargs: Any
    ) -> None:
        await self._send_message(recipient_id, {"custom": json_message})


def message_text(data: Any) -> str:
    """The cleaned, capped text of a `user_uttered` payload, or BadRequest (empty text is "")."""
    if not isinstance(data, dict) or not isinstance(data.get("message"), str):
        raise BadRequest('send {"message": text}')
    if json_depth(data) > MAX_JSON_DEPTH:
        raise BadRequest("payload is nested too deeply")
    if len(data["message"]) > MAX_BODY_BYTES:
        raise BadRequest(f"message larger than {MAX_BODY_BYTES} characters")
    text, _ = cap_length(clean_text(data["message"]).strip())
    return text


def _innermost_store(store: Any) -> Any:
    """Rasa wraps the tracker store (FailSafe, Awaitable); the one that holds the database is innermost."""
    while hasattr(store, "_tracker_store"):
        store = store._tracker_store
    return store


class WidgetSocketIOInput(SocketIOInput):
    """Rasa's socket.io input channel with server-issued ids, `session_end` and per-client limits."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        apply_rasa_patches()  # Rasa builds its channels before any message: see bot/server/rasa_patches.py
        replies.file_texts()  # the replies it sends by itself, before any model is loaded
        super().__init__(*args, **kwargs)
        self._secret: Optional[bytes] = None
        self.limits = ClientLimits()
        self.confirmed: Dict[str, str] = {}  # socket id -> its conversation id
        self.addresses: Dict[str, str] = {}  # socket id -> client address (for the limit only; never logged)
        self.ended_here: Set[str] = set()  # for tracker stores without a database (tests, in-memory)
        self.app: Any = None

    @property
    def secret(self) -> bytes:
        """The id-signing secret (read when the server starts, in `blueprint`)."""
        if self._secret is None:
            self._secret = conversation_ids.load_secret()
        return self._secret

    def get_output_channel(self) -> Optional[OutputChannel]:
        return WidgetSocketIOOutput(self.sio, self.bot_message_evt) if self.sio is not None else None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        self._secret = conversation_ids.load_secret()  # at start-up: a missing secret stops the server here
        # As Rasa's: CORS for the HTTP polling transport comes from Rasa's --cors (sanic-cors).
        sio = AsyncServer(async_mode="sanic", cors_allowed_origins=[], max_http_buffer_size=MAX_BODY_BYTES)
        self.sio = sio
        self.on_new_message = on_new_message
        blueprint = SocketBlueprint(sio, self.socketio_path, "socketio_webhook", __name__)

        @blueprint.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @blueprint.listener("after_server_start")
        async def remember_app(app: Any, _loop: Any) -> None:
            self.app = app

        namespace = self.namespace
        sio.on("connect", self._connect, namespace=namespace)
        sio.on("disconnect", self._disconnect, namespace=namespace)
        sio.on("session_request", self._session_request, namespace=namespace)
        sio.on(self.user_message_evt, self._user_uttered, namespace=namespace)
        sio.on("session_end", self._session_end, namespace=namespace)
        return blueprint

    # ------------------------------------------------------------------ connection and conversation id
    async def _connect(self, sid: Text, environ: Dict[str, Any], _auth: Any = None) -> bool:
        request = environ.get("sanic.request")
        self.addresses[sid] = client_address(request) if request is not None else "unknown"
        return True

    async def _disconnect(self, sid: Text, *_args: Any) -> None:
        self.confirmed.pop(sid, None)
        self.addresses.pop(sid, None)

    async def _session_request(self, sid: Text, data: Any) -> None:
        """Keep an id this server issued and nobody ended; issue a new one for anything else."""
        candidate = data.get("session_id") if isinstance(data, dict) else None
        if (
            isinstance(candidate, str)
            and conversation_ids.verify(self.secret, candidate)
            and not await self._is_ended(candidate)
        ):
            session_id = str(candidate)
        else:
            session_id = conversation_ids.issue(self.secret)
        previous = self.confirmed.get(sid)
        if previous and previous != session_id:
            await self.sio.leave_room(sid, previous, namespace=self.namespace)
        self.confirmed[sid] = session_id
        await self.sio.enter_room(sid, session_id, namespace=self.namespace)
        await self.sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)

    # ------------------------------------------------------------------ messages
    async def _user_uttered(self, sid: Text, data: Any) -> None:
        session_id = self.confirmed.get(sid)
        if session_id is None:
            await self._bad_request(sid, "send session_request first")
            return
        try:
            text = message_text(data)
        except BadRequest as problem:
            await self._bad_request(sid, problem.reason)
            return
        if not text:
            return
        output = WidgetSocketIOOutput(self.sio, self.bot_message_evt)
        if not self.limits.allow(session_id, self.addresses.get(sid, "unknown")):
            await self.sio.emit(
                self.bot_message_evt,
                {"text": replies.channel_text(self.app, replies.SLOW_DOWN), "slow_down": True},
                room=sid,
                namespace=self.namespace,
            )
            return
        message = UserMessage(text, output, session_id, input_channel=self.name())
        await self._answer(message, output, self.on_new_message)

    async def _bad_request(self, sid: Text, reason: str) -> None:
        log.warning("socketio: message refused (%s)", reason)
        await self.sio.emit("bad_request", {"error": reason}, room=sid, namespace=self.namespace)

    async def _answer(
        self,
        message: UserMessage,
        output: WidgetSocketIOOutput,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
    ) -> None:
        # Shielded like the REST channel: a timeout must not cancel the turn half-way through saving it.
        turn = asyncio.ensure_future(on_new_message(message))
        try:
            await asyncio.wait_for(asyncio.shield(turn), HANDLE_TIMEOUT_S)
        except Exception as error:  # noqa: BLE001 - any failure must still give the person a way to get help
            log.error("socketio: handling a message failed (%s)", failure_name(error))
            await output.send_text_message(
                message.sender_id, replies.channel_text(self.app, replies.TECHNICAL_PROBLEM)
            )
            return
        if not output.sent:
            log.warning("socketio: the bot produced no reply; sending the technical-problem reply")
            await output.send_text_message(
                message.sender_id, replies.channel_text(self.app, replies.TECHNICAL_PROBLEM)
            )

    # ------------------------------------------------------------------ ending a chat
    async def _session_end(self, sid: Text, _data: Any = None) -> None:
        """Delete the socket's conversation and retire its id; every socket of it is told and let go."""
        session_id = self.confirmed.get(sid)
        if session_id is not None:
            ended: Dict[str, Any] = {
                "text": replies.channel_text(self.app, replies.CHAT_ENDED),
                "deleted": True,
            }
            try:
                await self._end(session_id)
            except Exception as error:  # noqa: BLE001 - the widget forgets its side whatever happens here
                log.error("socketio: ending a conversation failed (%s)", failure_name(error))
                ended = {"text": None, "deleted": False}  # never say "deleted" when it was not
            await self.sio.emit("session_ended", ended, room=session_id, namespace=self.namespace)
            for other, conversation in list(self.confirmed.items()):
                if conversation == session_id:
                    await self.sio.leave_room(other, session_id, namespace=self.namespace)
                    del self.confirmed[other]
        else:
            ended = {
                "text": replies.channel_text(self.app, replies.CHAT_ENDED),
                "deleted": True,
            }  # nothing was stored
            await self.sio.emit("session_ended", ended, room=sid, namespace=self.namespace)

    async def _end(self, session_id: str) -> None:
        from bot.server import tracker_db

        agent = self.app.ctx.agent
        store = _innermost_store(agent.tracker_store)
        async with agent.lock_store.lock(session_id):
            if hasattr(store, "engine"):
                tracker_db.end_conversation(store.engine, session_id)
            else:
                getattr(store, "store", {}).pop(session_id, None)
                self.ended_here.add(session_id)

    async def _is_ended(self, session_id: str) -> bool:
        if session_id in self.ended_here:
            return True
        from bot.server import tracker_db

        try:
            store = _innermost_store(self.app.ctx.agent.tracker_store)
        except AttributeError:
            return False
        return hasattr(store, "engine") and tracker_db.is_ended(store.engine, session_id)
