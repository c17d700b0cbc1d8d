"""Bad input over HTTP never breaks the assistant: a clear reply or a 4xx, never a 500, and the conversation
carries on. Run against the production shape (PostgreSQL refuses NUL characters that SQLite would store)."""

from __future__ import annotations

import asyncio
import json
from typing import Any, Dict, List, Tuple

import aiohttp
import pytest
import requests

from tests.ops.conftest import ProductionLike
from tests.support.servers import dump, escalation, texts

pytestmark = [pytest.mark.model, pytest.mark.server, pytest.mark.postgres, pytest.mark.redis, pytest.mark.ops]


def assert_still_usable(production_like: ProductionLike, sender: str) -> None:
    replies = production_like.assistant.say(sender, "hi", replica=1)
    assert texts(replies), f"the conversation goes on after bad input: {dump(replies)}"


def answered(response: requests.Response) -> List[Dict[str, Any]]:
    """A 200 with at least one reply that says something."""
    assert response.status_code == 200, (response.status_code, response.text[:300])
    replies = response.json()
    assert texts(replies), dump(replies)
    return replies


def refused(response: requests.Response, status: int = 400) -> str:
    assert response.status_code == status, (response.status_code, response.text[:300])
    return response.json()["error"]


@pytest.mark.parametrize(
    "message",
    [
        "😭😭😭",
        "🙂",
        "أشعر بالحزن الشديد",  # Arabic
        "我很难过，不想上学",  # Chinese
        "Czuję się bardzo smutny",  # Polish
        "Mae gen i bryder",  # Welsh
        "मैं बहुत उदास हूँ",  # Hindi
        "<script>alert('hi')</script><b>help</b>",
        "<img src=x onerror=alert(1)>",
        "'; DROP TABLE events; --",
        "1 OR 1=1; SELECT * FROM events",
        "{{7*7}} ${jndi:ldap://x} %s %n",
        "/restart",
        '/inform{"age": 999999999999999999999}',
        "/inform{not json",
        "hi\x00there",
        "hi\x01\x02\x1b[31m\x7f there",
        "line one\r\nline two\rline three",
    ],
)
def test_odd_but_valid_messages_get_a_reply(production_like: ProductionLike, message: str) -> None:
    assistant = production_like.assistant
    sender = assistant.new_sender()
    replies = answered(assistant.post({"sender": sender, "message": message}))
    joined = json.dumps(replies)
    assert "<script>" not in joined and "onerror" not in joined, "the bot never echoes markup back"
    assert_still_usable(production_like, sender)


def test_stored_text_is_clean_and_tables_are_intact(production_like: ProductionLike) -> None:
    assistant = production_like.assistant
    sender = assistant.new_sender()
    answered(assistant.post({"sender": sender, "message": "hi\x00there'; DROP TABLE events; --"}))
    stored = [e["text"] for e in production_like.stored_events(sender) if e["event"] == "user"]
    assert stored == ["hi there'; DROP TABLE events; --"]


def test_lone_surrogate_escapes_are_dropped_not_fatal(production_like: ProductionLike) -> None:
    assistant = production_like.assistant
    sender = assistant.new_sender()
    raw = json.dumps({"sender": sender, "message": "PLACEHOLDER"}).replace(
        "PLACEHOLDER", "hi \\ud800 there \\udfff"
    )
    answered(assistant.post(None, raw=raw.encode()))
    assert [e["text"] for e in production_like.stored_events(sender) if e["event"] == "user"] == ["hi  there"]
    assert_still_usable(production_like, sender)


@pytest.mark.parametrize(
    "body, reason",
    [
        ({"sender": "S", "message": ""}, "empty"),
        ({"sender": "S", "message": "   \n\t  "}, "empty"),
        ({"sender": "S", "message": "\x00\x00"}, "empty"),
        ({"sender": "S", "message": None}, "'message'"),
        ({"sender": "S", "message": 42}, "'message'"),
        ({"sender": "S", "message": {"text": "hi"}}, "'message'"),
        ({"sender": "S"}, "'message'"),
        ({"message": "hello"}, "'sender'"),
        ({"sender": "", "message": "hello"}, "'sender'"),
        ({"sender": None, "message": "hello"}, "'sender'"),
        ({"sender": "x" * 500, "message": "hello"}, "'sender'"),
        ([1, 2, 3], "JSON object"),
        ("just a string", "JSON object"),
    ],
)
def test_bodies_that_are_not_a_chat_message_get_400(
    production_like: ProductionLike, body: Any, reason: str
) -> None:
    assistant = production_like.assistant
    sender = assistant.new_sender()
    if isinstance(body, dict) and body.get("sender") == "S":
        body = {**body, "sender": sender}
    assert reason in refused(assistant.post(body))
    assert_still_usable(production_like, sender)


@pytest.mark.parametrize(
    "raw, reason",
    [
        (b'{"sender": "x", "message": ', "not valid JSON"),
        (b"{'sender': 'x', 'message': 'hi'}", "not valid JSON"),
        (b"sender=x&message=hi", "not valid JSON"),
        (b'{"sender": "x", "message": "\xff\xfe caf\xe9"}', "not UTF-8"),
        (b"", "empty body"),
    ],
)
def test_malformed_bodies_get_400(production_like: ProductionLike, raw: bytes, reason: str) -> None:
    assert reason in refused(production_like.assistant.post(None, raw=raw))


def test_a_body_over_one_megabyte_gets_413(production_like: ProductionLike) -> None:
    body = {"sender": production_like.assistant.new_sender(), "message": "a" * 1_100_000}
    assert "larger than" in refused(production_like.assistant.post(body), status=413)


def test_a_100_000_character_message_is_answered(production_like: ProductionLike) -> None:
    assistant = production_like.assistant
    sender = assistant.new_sender()
    message = ("I have been feeling a bit low about school and friends lately. " * 1600)[:100_000]
    answered(assistant.post({"sender": sender, "message": message}))
    stored = [e["text"] for e in production_like.stored_events(sender) if e["event"] == "user"][0]
    assert len(stored) < 8000, "very long text is cut before the pipeline and the store"
    assert_still_usable(production_like, sender)


@pytest.mark.parametrize("position", [0, 2000, 5500])
def test_a_crisis_phrase_early_in_a_long_message_still_escalates(
    production_like: ProductionLike, position: int
) -> None:
    filler = "we went to town and had some food and then came home again. "
    before = (filler * 200)[:position]
    message = before + " i want to kill myself. " + filler * 1500
    assert len(message) > 90_000
    replies = production_like.assistant.say(production_like.assistant.new_sender(), message)
    assert escalation(replies) == {"escalation": "crisis", "category": "suicide"}, dump(replies)


def test_a_crisis_phrase_at_the_end_of_a_long_paste_still_escalates(production_like: ProductionLike) -> None:
    message = "we went to town and had some food and then came home again. " * 1500 + "i want to kill myself"
    replies = production_like.assistant.say(production_like.assistant.new_sender(), message)
    assert escalation(replies) == {"escalation": "crisis", "category": "suicide"}, dump(replies)


def test_a_flood_on_one_sender_gets_answers_or_429_with_a_reply(production_like: ProductionLike) -> None:
    assistant = production_like.assistant
    sender = assistant.new_sender()

    async def flood(count: int) -> List[Tuple[int, Dict[str, str], Any]]:
        """`count` messages sent at once from one event loop (a turn takes ~20 ms: threads send too slowly)."""
        async with aiohttp.ClientSession() as session:

            async def send(number: int) -> Tuple[int, Dict[str, str], Any]:
                async with session.post(
                    f"{assistant.url}/webhooks/rest/webhook",
                    json={"sender": sender, "message": f"hi {number}"},
                ) as response:
                    return response.status, dict(response.headers), await response.json(content_type=None)

            return await asyncio.gather(*(send(n) for n in range(count)))

    responses = asyncio.run(flood(60))
    statuses = [status for status, _headers, _body in responses]
    assert set(statuses) <= {200, 429} and 429 in statuses, statuses
    _status, headers, body = next(r for r in responses if r[0] == 429)
    assert headers.get("Retry-After") and "999" in " ".join(texts(body))
    assert_still_usable(production_like, sender)


def test_other_paths_and_methods_are_4xx(production_like: ProductionLike) -> None:
    url = production_like.assistant.url
    assert requests.get(f"{url}/webhooks/rest/webhook", timeout=10).status_code in (404, 405)
    assert requests.post(f"{url}/webhooks/nope/webhook", json={}, timeout=10).status_code == 404
    assert requests.get(f"{url}/webhooks/rest/", timeout=10).json() == {"status": "ok"}
    assert requests.get(f"{url}/conversations/x/tracker", timeout=10).status_code == 404, (
        "Rasa's HTTP API is not started"
    )
