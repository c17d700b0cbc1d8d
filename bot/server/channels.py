"""The REST input channel, hardened: same URL and JSON as Rasa's, but no bad input reaches Rasa as a 500.

credentials.yml registers it as `bot.server.channels.SafeRestInput`. Rasa mounts a channel at
`/webhooks/<name()>/webhook`, and `name()` is "rest", so clients keep `POST /webhooks/rest/webhook` with
`{"sender", "message"}` and get the same list of replies back. What changes (all found by probing Rasa's
own RestInput, see docs/deployment.md):

* a body that is not a JSON object with a string `sender` and a non-empty string `message` gets 400 JSON
  (Rasa answered 500 for a JSON list, 200 with no reply for a null message, and put every message without a
  sender into one shared conversation called "default");
* text is cleaned and very long text is cut (bot.server.message_guard) before the NLU pipeline sees it;
* more than `MAX_PENDING_PER_SENDER` messages of one conversation waiting at once on this process get 429
  with a kind reply and `Retry-After` (the rest are answered in order);
* when handling fails (tracker store down, model not loaded) the answer is 503 with a reply that gives the
  emergency numbers, and when Rasa produced no reply at all (the action server went down in the middle of
  the form) the person still gets that reply: nobody is left with silence;
* no message text in the logs at any level (Rasa's channel logs it at ERROR when handling fails);
* client-supplied `metadata` and `input_channel` are ignored: nothing the client sends is stored beyond the
  message itself;
* it is for server-to-server integration and tests, not browsers (which take the socket.io channel with
  server-issued conversation ids): `REST_CHANNEL` is `local` (only peers on this machine, the default for
  `make run`), `secret` (only requests with the `X-Rest-Secret` header) or `off` (production);
* bodies over MAX_BODY_BYTES are refused from their Content-Length header before they are read (413), and
  each client address and conversation may send only so many messages per window (429, bot/server/rate_limit.py);
* `/health` (the process answers) and `/ready` (the model is loaded) are plain routes: Rasa's HTTP API, with
  its token, is not started at all (docs/security.md).

The wording of the replies this channel adds comes from the domain (`utter_technical_problem`,
`utter_too_many_messages`, `utter_slow_down`; bot/server/replies.py), so content editors own it.
"""

from __future__ import annotations

import asyncio
import hmac
import ipaddress
import logging
import os
from collections import Counter
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, Sanic, response
from sanic.exceptions import PayloadTooLarge
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.server import model_reload, replies
from bot.server.message_guard import MAX_BODY_BYTES, BadRequest, parse_body
from bot.server.rasa_patches import apply_rasa_patches
from bot.server.rate_limit import ClientLimits, client_address

log = logging.getLogger(__name__)

MAX_PENDING_PER_SENDER = int(os.environ.get("MAX_PENDING_PER_SENDER", "5"))
#: Longest wait for Rasa's answer; past it the person gets the technical-problem reply (503).
HANDLE_TIMEOUT_S = float(os.environ.get("HANDLE_TIMEOUT_S", "60"))


class ServerBlueprint(Blueprint):
    """The REST channel's blueprint, which also sets what belongs to the whole server when it is registered:
    the request size limit and the plain `/health` and `/ready` routes (outside the channel's URL prefix)."""

    def register(self, app: Sanic, options: Dict[Text, Any]) -> None:
        app.config.REQUEST_MAX_SIZE = MAX_BODY_BYTES  # Sanic refuses a larger Content-Length unread (413)
        app.error_handler.add(PayloadTooLarge, _too_large)
        app.add_route(_health, "/health", methods=["GET"], name="camhs_health")
        app.add_route(_ready, "/ready", methods=["GET"], name="camhs_ready")
        app.register_listener(model_reload.on_sighup, "after_server_start")
        super().register(app, options)


def _too_large(_request: Request, _error: Exception) -> HTTPResponse:
    return response.json({"error": f"body larger than {MAX_BODY_BYTES} bytes"}, status=413)


async def _health(_: Request) -> HTTPResponse:
    """Liveness: the process answers."""
    return response.json({"status": "ok"})


async def _ready(request: Request) -> HTTPResponse:
    """Readiness: a model is loaded (Rasa keeps serving, silently, when loading failed)."""
    agent = getattr(request.app.ctx, "agent", None)
    if agent is not None and agent.is_ready():
        return response.json({"status": "ready"})
    return response.json({"status": "not ready"}, status=503)


def _rest_secret() -> str:
    value = os.environ.get("REST_CHANNEL_SECRET", "")
    if not value and os.environ.get("REST_CHANNEL_SECRET_FILE"):
        value = Path(os.environ["REST_CHANNEL_SECRET_FILE"]).read_text().strip()
    return value


def rest_refusal(request: Request) -> Optional[HTTPResponse]:
    """The answer for a request the REST channel's mode (REST_CHANNEL) does not let in, or None."""
    mode = os.environ.get("REST_CHANNEL", "local")
    if mode == "local":
        try:
            if ipaddress.ip_address(request.ip).is_loopback:
                return None
        except ValueError:
            pass
        return response.json({"error": "the REST channel answers only on this machine"}, status=403)
    if mode == "secret":
        secret = _rest_secret()
        given = request.headers.get("X-Rest-Secret", "")
        if len(secret) >= 32 and hmac.compare_digest(given.encode(), secret.encode()):
            return None
        return response.json({"error": "missing or wrong X-Rest-Secret"}, status=401)
    return response.json({"error": "not found"}, status=404)  # "off", or a mistyped mode: closed


class SafeRestInput(RestInput):
    """Rasa's REST channel with validated input, flood control and a reply for every message."""

    @classmethod
    def name(cls) -> Text:
        return "rest"

    def __init__(self) -> None:
        apply_rasa_patches()  # Rasa builds its channels before any message: see bot/server/rasa_patches.py
        replies.file_texts()  # the replies it sends by itself, before any model is loaded
        self.pending: Counter = Counter()
        self.limits = ClientLimits()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = ServerBlueprint("safe_rest_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            refusal = rest_refusal(request)
            if refusal is not None:
                return refusal
            try:
                message = parse_body(request.body)
            except BadRequest as problem:
                return response.json({"error": problem.reason}, status=problem.status)
            if not self.limits.allow(message.sender, client_address(request)):
                return response.json(
                    self._reply(request, message.sender, replies.SLOW_DOWN),
                    status=429,
                    headers={"Retry-After": str(int(self.limits.window_s))},
                )
            if self.pending[message.sender] >= MAX_PENDING_PER_SENDER:
                return response.json(
                    self._reply(request, message.sender, replies.TOO_MANY_MESSAGES),
                    status=429,
                    headers={"Retry-After": "2"},
                )
            self.pending[message.sender] += 1
            try:
                return await self._handle(request, on_new_message, message.sender, message.text)
            finally:
                self.pending[message.sender] -= 1
                if self.pending[message.sender] <= 0:
                    del self.pending[message.sender]

        return webhook

    async def _handle(
        self,
        request: Request,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        sender: str,
        text: str,
    ) -> HTTPResponse:
        collector = CollectingOutputChannel()
        # Shielded: a client that hangs up or times out must not cancel the turn half-way (the lock would be
        # released with the tracker half-saved); the turn finishes and is stored either way.
        turn = asyncio.ensure_future(
            on_new_message(UserMessage(text, collector, sender, input_channel=self.name()))
        )
        try:
            await asyncio.wait_for(asyncio.shield(turn), HANDLE_TIMEOUT_S)
        except Exception as error:  # noqa: BLE001 - any failure must still give the person a way to get help
            # The type only: exception messages can quote the message or the SQL parameters that hold it.
            log.error("rest: handling a message failed (%s)", failure_name(error))
            return response.json(self._reply(request, sender, replies.TECHNICAL_PROBLEM), status=503)
        if not collector.messages:
            log.warning("rest: the bot produced no reply; sending the technical-problem reply")
            return response.json(self._reply(request, sender, replies.TECHNICAL_PROBLEM))
        return response.json(collector.messages)

    @staticmethod
    def _reply(request: Request, sender: str, response_name: str) -> List[Dict[str, Any]]:
        """One reply in the REST channel's format, worded by the domain (bot/server/replies.py)."""
        return [{"recipient_id": sender, "text": replies.channel_text(request.app, response_name)}]


def failure_name(error: BaseException) -> str:
    """What failed, safe to log: the exception type, and for an import error the module (never a message,
    which can quote what someone typed)."""
    module = getattr(error, "name", None) if isinstance(error, ImportError) else None
    return f"{type(error).__name__}: {module}" if module else type(error).__name__
