"""The running assistant on a shared computer and the open internet (issue 16), with real sockets.

One Rasa server with its default limits (10 messages in 10 s per conversation, 30 per address), the REST
channel behind a shared secret, logging at INFO as in production, and a SQLite tracker store that the tests
read directly. Clients on other loopback addresses (127.0.0.2, ...) are other people as far as the server
can tell.
"""

from __future__ import annotations

import asyncio
import json
import re
import socket
import statistics
import time
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest
import requests
import socketio
import sqlalchemy as sa

from tests.server.socket_client import WidgetClient, texts
from tests.support.servers import AssistantProcesses, Deployment

REST_SECRET = "r" * 40
MARKER = "zqxmarker"  # appears in what clients send, never in a log


@pytest.fixture(scope="module")
def secured(trained_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[AssistantProcesses]:
    workdir = tmp_path_factory.mktemp("secured")
    deployment = Deployment(
        capture_logs=True,
        env={
            "LOG_LEVEL": "INFO",
            "REST_CHANNEL": "secret",
            "REST_CHANNEL_SECRET": REST_SECRET,
            "RATE_LIMIT_PER_CONVERSATION": "10",
            "RATE_LIMIT_PER_ADDRESS": "30",
        },
    )
    processes = AssistantProcesses(trained_model, workdir, deployment)
    try:
        processes.start()
        yield processes
    finally:
        processes.stop()


def stored(assistant: AssistantProcesses, sender: str) -> List[Dict[str, Any]]:
    """The conversation's events, read straight from the SQLite tracker store."""
    engine = sa.create_engine(assistant.env["TRACKER_DB_URL"])
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                sa.text("SELECT data FROM events WHERE sender_id = :s ORDER BY id"), {"s": sender}
            )
            return [json.loads(row[0]) for row in rows]
    finally:
        engine.dispose()


def user_texts(events: List[Dict[str, Any]]) -> List[str]:
    return [e.get("text") for e in events if e.get("event") == "user"]


def slot_values(events: List[Dict[str, Any]], slot: str) -> List[Any]:
    return [e.get("value") for e in events if e.get("event") == "slot" and e.get("name") == slot]


def run(coroutine: Any) -> Any:
    return asyncio.run(coroutine)


# ---------------------------------------------------------------- conversation ids
def test_a_forged_id_is_refused_and_a_new_unguessable_one_issued(secured: AssistantProcesses) -> None:
    async def scenario() -> str:
        client = WidgetClient(secured.url)
        try:
            return await client.connect("test-1234")
        finally:
            await client.close()

    confirmed = run(scenario())
    assert confirmed != "test-1234"
    assert len(confirmed.split("-")[1]) == 32, "128 random bits"


def test_every_message_is_bound_to_the_sockets_confirmed_id(secured: AssistantProcesses) -> None:
    async def scenario() -> Dict[str, Any]:
        victim, attacker = WidgetClient(secured.url), WidgetClient(secured.url, "127.0.0.2")
        try:
            victim_id = await victim.connect()
            await victim.say("/greet")
            attacker_id = await attacker.connect(victim_id + "x")  # a guess: refused
            replies = await attacker.say(f"I am 15 and live in Hackney {MARKER}", session_id=victim_id)
            leaked = await victim.replies(settle=0.5, first_within=2)
            return {"victim": victim_id, "attacker": attacker_id, "replies": replies, "leaked": leaked}
        finally:
            await victim.close()
            await attacker.close()

    result = run(scenario())
    assert result["attacker"] != result["victim"]
    assert texts(result["replies"]), "the attacker's own conversation answered"
    assert result["leaked"] == [], "nothing reached the conversation the message named"
    assert not any(MARKER in t for t in user_texts(stored(secured, result["victim"])))
    assert any(MARKER in t for t in user_texts(stored(secured, result["attacker"])))


def test_a_reload_with_the_issued_id_keeps_the_conversation(secured: AssistantProcesses) -> None:
    async def scenario() -> Dict[str, Any]:
        first = WidgetClient(secured.url, "127.0.0.3")
        session_id = await first.connect()
        await first.say("/greet")
        await first.say("I'm 15")
        await first.close()
        reloaded = WidgetClient(secured.url, "127.0.0.3")
        try:
            again = await reloaded.connect(session_id)
            replies = await reloaded.say("hackney")
            return {"id": session_id, "again": again, "replies": replies}
        finally:
            await reloaded.close()

    result = run(scenario())
    assert result["again"] == result["id"]
    events = stored(secured, result["id"])
    assert user_texts(events)[-2:] == ["I'm 15", "hackney"]
    assert texts(result["replies"])


def test_end_chat_deletes_the_conversation_and_retires_its_id(secured: AssistantProcesses) -> None:
    async def scenario() -> Dict[str, Any]:
        client = WidgetClient(secured.url, "127.0.0.4")
        session_id = await client.connect()
        await client.say("/greet")
        await client.say("I'm 14 and I live in Camden")
        before = len(stored(secured, session_id))
        ended = await client.end()
        after_replies = await client.say("hello again", first_within=3)  # the socket has no conversation now
        await client.close()
        reloaded = WidgetClient(secured.url, "127.0.0.4")
        try:
            again = await reloaded.connect(session_id)
        finally:
            await reloaded.close()
        return {"id": session_id, "before": before, "ended": ended, "after": after_replies, "again": again}

    result = run(scenario())
    assert result["before"] > 0
    assert stored(secured, result["id"]) == [], "deleted from the tracker store"
    assert result["ended"]["text"] and "deleted" in result["ended"]["text"], (
        "utter_chat_ended from the domain"
    )
    assert result["after"] == []
    assert result["again"] != result["id"], "an ended id is never accepted again"


# ---------------------------------------------------------------- only buttons speak slash
def test_slash_text_that_was_not_offered_sets_nothing(secured: AssistantProcesses) -> None:
    injected = '/inform{"borough": "<img src=x onerror=alert(1)>", "role": "professional"}'

    async def scenario() -> str:
        client = WidgetClient(secured.url, "127.0.0.5")
        try:
            session_id = await client.connect()
            await client.say("/greet")
            await client.say(injected)
            await client.say(f'/inform{{"concern": "{MARKER}"}}')
            return session_id
        finally:
            await client.close()

    events = stored(secured, run(scenario()))
    assert slot_values(events, "borough") == [] and slot_values(events, "role") == []
    assert injected in user_texts(events), "the person's words are stored as sent"
    parsed = [e["parse_data"] for e in events if e.get("event") == "user" and e.get("text") == injected]
    assert parsed[0]["intent"]["name"] != "inform" or not parsed[0]["entities"]


def test_a_button_the_assistant_offered_still_works(secured: AssistantProcesses) -> None:
    async def scenario() -> str:
        client = WidgetClient(secured.url, "127.0.0.5")
        try:
            session_id = await client.connect()
            greeting = await client.say("/greet")
            buttons = [
                b["payload"] for r in greeting for b in r.get("quick_replies") or r.get("buttons") or []
            ]
            assert '/inform{"role":"parent"}' in buttons, greeting
            await client.say('/inform{"role":"parent"}')
            return session_id
        finally:
            await client.close()

    assert set(slot_values(stored(secured, run(scenario())), "role")) == {"parent"}


def test_client_text_never_reaches_the_log_at_info_or_warning(secured: AssistantProcesses) -> None:
    """The server logs at INFO (so WARNING and above too) into a file: nothing a client sent is in it."""

    async def scenario() -> None:
        client = WidgetClient(secured.url, "127.0.0.6")
        try:
            await client.connect(f"{MARKER}-id")
            for text in (f"/{MARKER}", f'/inform{{"borough": "{MARKER}"}}', f"/{MARKER}{{{{", f"hi {MARKER}"):
                await client.say(text, settle=0.5)
            await client.emit("user_uttered", {"message": {"nested": MARKER}})
            await client.expect("bad_request")
        finally:
            await client.close()

    run(scenario())
    log = secured.log_path("rasa-0").read_text(errors="replace")
    assert "INFO" in log, "the log was captured at INFO"
    assert MARKER not in log
    assert not re.search(r"127\.0\.0\.(?:[2-9]|[1-3]\d)\b", log), "no client address is logged"


# ---------------------------------------------------------------- hostile payloads
def test_socketio_payloads_that_are_not_a_message_get_bad_request(secured: AssistantProcesses) -> None:
    async def scenario() -> List[Any]:
        client = WidgetClient(secured.url, "127.0.0.7")
        try:
            await client.connect()
            answers = []
            nested: Any = "x"
            for _ in range(50):
                nested = [nested]
            for payload in ("just text", {"message": 42}, {"message": "hi", "deep": nested}, ["message"]):
                await client.emit("user_uttered", payload)
                answers.append(await client.expect("bad_request", timeout=10))
            answers.append(texts(await client.say("hello")))  # still usable
            return answers
        finally:
            await client.close()

    answers = run(scenario())
    assert all(isinstance(a, dict) and a.get("error") for a in answers[:4]), answers
    assert answers[4], "the conversation still answers"


def test_an_oversized_socketio_message_is_refused_and_others_are_served(secured: AssistantProcesses) -> None:
    async def scenario() -> List[str]:
        big, other = WidgetClient(secured.url, "127.0.0.8"), WidgetClient(secured.url, "127.0.0.9")
        try:
            await big.connect()
            await other.connect()
            try:
                await big.emit("user_uttered", {"message": "a" * 1_200_000})
            except Exception:  # noqa: BLE001 - the server may close the socket while it is sent
                pass
            refused = await big.replies(settle=0.5, first_within=3)
            assert not texts(refused), "no answer to an oversized message"
            return texts(await other.say("hello"))
        finally:
            await big.close()
            await other.close()

    assert run(scenario())


def rest(url: str, body: Any, secret: str = REST_SECRET, raw: bytes = b"") -> requests.Response:
    headers = {"Content-Type": "application/json", "X-Rest-Secret": secret}
    return requests.post(
        f"{url}/webhooks/rest/webhook", data=raw or json.dumps(body).encode(), headers=headers, timeout=30
    )


def test_rest_needs_the_shared_secret(secured: AssistantProcesses) -> None:
    body = {"sender": "integration-1", "message": "hi"}
    assert rest(secured.url, body, secret="").status_code == 401
    assert rest(secured.url, body, secret="r" * 39 + "x").status_code == 401
    assert rest(secured.url, body).status_code == 200


def test_rest_refuses_nesting_and_encoding_errors_with_400(secured: AssistantProcesses) -> None:
    deep = b'{"sender": "a", "message": "hi", "x": ' + b"[" * 5000 + b"]" * 5000 + b"}"
    assert rest(secured.url, None, raw=deep).status_code == 400
    assert rest(secured.url, None, raw=b'{"sender": "a", "message": "\xff\xfe"}').status_code == 400


def test_an_announced_12_mb_body_is_refused_before_it_is_sent(secured: AssistantProcesses) -> None:
    """Only the headers go out: the 413 must come back without the server waiting for the body."""
    with socket.create_connection(("127.0.0.1", int(secured.rasa_port)), timeout=10) as connection:
        connection.sendall(
            b"POST /webhooks/rest/webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"X-Rest-Secret: " + REST_SECRET.encode() + b"\r\nContent-Length: 12000000\r\n\r\n{"
        )
        answer = connection.recv(4096)
    assert answer.split(b"\r\n")[0].split(b" ")[1] == b"413", answer[:200]


def test_health_and_readiness_are_plain_routes_and_the_admin_api_is_off(secured: AssistantProcesses) -> None:
    assert requests.get(f"{secured.url}/health", timeout=10).json() == {"status": "ok"}
    assert requests.get(f"{secured.url}/ready", timeout=10).json() == {"status": "ready"}
    for path in ("/status", "/conversations/x/tracker", "/model", "/version"):
        assert requests.get(f"{secured.url}{path}", timeout=10).status_code == 404, path
    assert requests.put(f"{secured.url}/model", json={}, timeout=10).status_code in (404, 405)


# ---------------------------------------------------------------- limits and a flood
def test_too_many_messages_in_one_conversation_get_a_kind_slow_down(secured: AssistantProcesses) -> None:
    async def scenario() -> List[Dict[str, Any]]:
        client = WidgetClient(secured.url, "127.0.0.10")
        try:
            await client.connect()
            for n in range(14):
                await client.emit("user_uttered", {"message": f"hello {n}"})
            return await client.replies(settle=2)
        finally:
            await client.close()

    replies = run(scenario())
    slow = [r for r in replies if r.get("slow_down")]
    assert len(slow) >= 4, replies
    assert "faster than I can read" in slow[0]["text"] and "999" in slow[0]["text"]


def test_rest_over_the_limit_gets_429(secured: AssistantProcesses) -> None:
    statuses = [
        rest(secured.url, {"sender": "integration-2", "message": f"hi {n}"}).status_code for n in range(12)
    ]
    assert statuses[:10] == [200] * 10 and statuses[10:] == [429, 429], statuses


def test_a_flood_does_not_slow_down_someone_elses_conversation(secured: AssistantProcesses) -> None:
    """Flooders on 127.0.0.20-22 send as fast as they can; someone on 127.0.0.30 chats meanwhile.

    Bounded: each flooder sends at most 400 messages within 8 s. The other person's latency is printed next
    to the same person's latency before the flood (figures only; the pass/fail is about answers)."""

    async def flooder(address: str, stop: float) -> Dict[str, int]:
        client = WidgetClient(secured.url, address)
        await client.connect()
        sent = 0
        try:
            while sent < 400 and time.monotonic() < stop:
                await client.emit("user_uttered", {"message": f"flood {sent}"})
                sent += 1
                await asyncio.sleep(0.01)
        except socketio.exceptions.SocketIOError:
            pass  # the server may drop a flooding client: that is fine
        replies = await client.replies(settle=1, first_within=5)
        await client.close()
        return {"sent": sent, "slow_down": sum(1 for r in replies if r.get("slow_down"))}

    async def person(rounds: int) -> List[float]:
        client = WidgetClient(secured.url, "127.0.0.30")
        await client.connect()
        await client.say("/greet")
        latencies = []
        for message in ["I'm 15", "hackney", "anxiety", "I'm 15", "hackney"][:rounds]:
            started = time.monotonic()
            await client.emit("user_uttered", {"message": message})
            first = await client.expect("bot_uttered")
            latencies.append(time.monotonic() - started)
            assert not first.get("slow_down"), "someone else's flood must not limit this person"
            await client.replies(settle=0.3, first_within=0.3)
            await asyncio.sleep(0.8)
        await client.close()
        return latencies

    async def scenario() -> Dict[str, Any]:
        quiet = await person(3)
        stop = time.monotonic() + 8
        results = await asyncio.gather(*(flooder(f"127.0.0.{20 + n}", stop) for n in range(3)), person(5))
        return {"quiet": quiet, "flooders": results[:3], "during": results[3]}

    result = run(scenario())
    print(
        f"\nflood: {sum(f['sent'] for f in result['flooders'])} messages from 3 clients; the other person's "
        f"first-reply latency before: median {statistics.median(result['quiet']) * 1000:.0f} ms, during: median "
        f"{statistics.median(result['during']) * 1000:.0f} ms, max {max(result['during']) * 1000:.0f} ms"
    )
    assert all(f["slow_down"] > 0 for f in result["flooders"]), result["flooders"]
    assert len(result["during"]) == 5, "every message of the other person was answered"
