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
  message itself.

The wording of the replies this channel adds comes from the domain when it has the responses
`utter_technical_problem` and `utter_too_many_messages`, so content editors own it; the texts below are the
fallback while it has not.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections import Counter
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.server.message_guard import BadRequest, parse_body
from bot.server.rasa_patches import apply_rasa_patches

log = logging.getLogger(__name__)

MAX_PENDING_PER_SENDER = int(os.environ.get("MAX_PENDING_PER_SENDER", "5"))
#: Longest wait for Rasa's answer; past it the person gets the technical-problem reply (503).
HANDLE_TIMEOUT_S = float(os.environ.get("HANDLE_TIMEOUT_S", "60"))

TECHNICAL_PROBLEM = (
    "Sorry, something went wrong on my side and I couldn't answer that. Please try again in a "
    "minute. If you need help now, call 999 in an emergency, or call 111 and choose the "
    "mental health option. You can also text SHOUT to 85258 or call Samaritans on 116 123, "
    "day or night."
)
TOO_MANY_MESSAGES = (
    "I'm still answering your last messages. Please wait for my reply, then send that again. "
    "If you need help now, call 999, or call 111 and choose the mental health option."
)


class SafeRestInput(RestInput):
    """Rasa's REST channel with validated input, flood control and a reply for every message."""

    @classmethod
    def name(cls) -> Text:
        return "rest"

    def __init__(self) -> None:
        apply_rasa_patches()  # Rasa builds its channels before any message: see bot/server/rasa_patches.py
        self.pending: Counter = Counter()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("safe_rest_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                message = parse_body(request.body)
            except BadRequest as problem:
                return response.json({"error": problem.reason}, status=problem.status)
            if self.pending[message.sender] >= MAX_PENDING_PER_SENDER:
                return response.json(
                    self._reply(request, message.sender, "utter_too_many_messages", TOO_MANY_MESSAGES),
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
            log.error("rest: handling a message failed (%s)", type(error).__name__)
            return response.json(
                self._reply(request, sender, "utter_technical_problem", TECHNICAL_PROBLEM), status=503
            )
        if not collector.messages:
            log.warning("rest: the bot produced no reply; sending the technical-problem reply")
            return response.json(self._reply(request, sender, "utter_technical_problem", TECHNICAL_PROBLEM))
        return response.json(collector.messages)

    @staticmethod
    def _reply(request: Request, sender: str, response_name: str, fallback: str) -> List[Dict[str, Any]]:
        """One reply in the REST channel's format, worded by the domain when it has `response_name`."""
        return [{"recipient_id": sender, "text": _domain_text(request, response_name) or fallback}]


def _domain_text(request: Request, response_name: str) -> Optional[str]:
    """The text of the response's first variation without a condition, if the loaded domain has it."""
    try:
        variations = request.app.ctx.agent.domain.responses.get(response_name) or []
    except AttributeError:  # no agent or no model loaded yet
        return None
    return next((v["text"] for v in variations if v.get("text") and not v.get("condition")), None)
