"""Rasa's socket.io channel, fixed so the web widget receives every reply.

Two faults of Rasa 3.6's channel with the python-socketio 5.x it installs (found with a socket.io client):

* `session_request` calls `sio.enter_room(...)` without `await`; it is a coroutine in python-socketio 5.x,
  so with `session_persistence: true` the client never joins its session's room and every reply, sent to
  that room, is lost (RuntimeWarning "coroutine 'AsyncServer.enter_room' was never awaited"). This channel
  registers its own `session_request` handler that awaits it.
* Rasa 3.6's `SocketIOOutput.send_custom_json` calls `sio.emit(event, **json_message)`, so a custom payload
such as `{"escalation": "crisis", ...}` or `{"type": "services", ...}` becomes unknown keyword arguments and
raises TypeError. The exception ends the bot's turn: the crisis lines after the first crisis message are
never sent and the tracker is not saved. This channel sends custom payloads as `{"custom": {...}}`, the
same shape the REST channel returns, so the widget reads both transports alike.

It also treats messages the way the hardened REST channel (bot/server/channels.py) does: text cleaned and capped
by bot.server.message_guard, client metadata not stored, an unusable session id ignored, and the technical-problem
reply (with the emergency numbers) when handling fails or yields nothing, so nobody is left with silence.

It is configured in credentials.yml under its module path and keeps the name `socketio` (so the same
webhook path and `input_channel` value).
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint

from bot.server.channels import HANDLE_TIMEOUT_S, TECHNICAL_PROBLEM
from bot.server.message_guard import BadRequest, cap_length, clean_sender, clean_text
from bot.server.rasa_patches import apply_rasa_patches

log = logging.getLogger(__name__)


class WidgetSocketIOOutput(SocketIOOutput):
    """Socket.io output whose custom payloads arrive as `{"custom": payload}` in the user's room."""

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


class WidgetSocketIOInput(SocketIOInput):
    """Rasa's socket.io input channel, answering through `WidgetSocketIOOutput`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        apply_rasa_patches()  # Rasa builds its channels before any message: see bot/server/rasa_patches.py
        super().__init__(*args, **kwargs)

    def get_output_channel(self) -> Optional[OutputChannel]:
        channel = super().get_output_channel()
        return WidgetSocketIOOutput(self.sio, self.bot_message_evt) if channel is not None else None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        # Rasa's handler builds a UserMessage with its own SocketIOOutput; swapping the output (and tidying
        # the message) on the way in avoids copying that handler.
        async def handle(message: UserMessage) -> None:
            output = WidgetSocketIOOutput(self.sio, self.bot_message_evt)
            message.output_channel = output
            message.metadata = None  # nothing the client sends is stored beyond the message itself
            try:
                clean_sender(message.sender_id)
            except BadRequest as problem:
                log.warning("socketio: message ignored (%s)", problem.reason)
                return
            message.text, _ = cap_length(clean_text(message.text or "").strip())
            if not message.text:
                return
            await self._answer(message, output, on_new_message)

        blueprint = super().blueprint(handle)
        self.sio.on("session_request", self._session_request, namespace=self.namespace)  # replaces Rasa's
        return blueprint

    async def _session_request(self, sid: Text, data: Any) -> None:
        """Join the session's room (awaited, unlike Rasa's) and confirm the session id to the client."""
        session_id = data.get("session_id") if isinstance(data, dict) else None
        try:
            session_id = clean_sender(session_id)
        except BadRequest:
            session_id = uuid.uuid4().hex  # none or unusable: a new conversation, as Rasa does for none
        if self.session_persistence:
            await self.sio.enter_room(sid, session_id, namespace=self.namespace)
        await self.sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)

    @staticmethod
    async def _answer(
        message: UserMessage,
        output: WidgetSocketIOOutput,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
    ) -> None:
        # Shielded like the REST channel: a timeout must not cancel the turn half-way through saving it.
        turn = asyncio.ensure_future(on_new_message(message))
        try:
            await asyncio.wait_for(asyncio.shield(turn), HANDLE_TIMEOUT_S)
        except Exception as error:  # noqa: BLE001 - any failure must still give the person a way to get help
            log.error("socketio: handling a message failed (%s)", type(error).__name__)
            await output.send_text_message(message.sender_id, TECHNICAL_PROBLEM)
            return
        if not output.sent:
            log.warning("socketio: the bot produced no reply; sending the technical-problem reply")
            await output.send_text_message(message.sender_id, TECHNICAL_PROBLEM)
