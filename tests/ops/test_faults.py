"""Parts failing under a running assistant: the action server, the directory database, Redis, the tracker
store. Crisis replies always work; signposting degrades to national services and says so; everything recovers
by itself when the part comes back. Each test restores what it broke, even when it fails."""

from __future__ import annotations

from typing import Any, Dict, List

import pytest

from tests.ops.conftest import ProductionLike
from tests.support.servers import dump, escalation, services_payload, texts
from tests.support.waiting import wait_until

pytestmark = [pytest.mark.model, pytest.mark.server, pytest.mark.postgres, pytest.mark.redis, pytest.mark.ops]


def said(replies: List[Dict[str, Any]]) -> str:
    return " ".join(texts(replies))


def assert_crisis_reply(replies: List[Dict[str, Any]]) -> None:
    assert escalation(replies) == {"escalation": "crisis", "category": "suicide"}, dump(replies)
    assert "999" in said(replies)


def concern_question(replies: List[Dict[str, Any]]) -> bool:
    """True when the replies ask what the concern is (its buttons carry concern payloads)."""
    return any('"concern"' in button["payload"] for reply in replies for button in reply.get("buttons") or [])


def start_form(production_like: ProductionLike, replica: int = 0) -> str:
    assistant = production_like.assistant
    sender = assistant.new_sender()
    assistant.say(sender, "hi", replica=replica)
    assert "how old" in said(assistant.say(sender, '/inform{"role":"young_person"}', replica=replica)).lower()
    return sender


def test_action_server_down_mid_form(production_like: ProductionLike) -> None:
    """The form's validation cannot run: the person is told something went wrong and given the emergency
    numbers (Rasa alone would answer nothing); crisis messages still escalate; the form resumes afterwards.

    Rasa's own slot extraction still stores the answer given during the outage (only the validation is lost),
    so the form goes on to the next question, and the list follows once the area is known."""
    assistant = production_like.assistant
    sender = start_form(production_like)
    assistant.stop_action_server()
    try:
        response = assistant.post({"sender": sender, "message": "15"})
        assert response.status_code == 200
        reply = said(response.json())
        assert "went wrong" in reply and "999" in reply and "111" in reply, reply
        assert_crisis_reply(assistant.say(sender, "i want to kill myself", replica=1))
    finally:
        assistant.start_action_server()
    assistant.say(sender, "yes")  # safe now
    resumed = assistant.say(sender, "yes")  # carry on
    assert "which part of london" in said(resumed).lower(), dump(resumed)
    # The crisis message told the worry (actions/data/concerns_after_crisis.yml), so the area completes the search.
    listed = assistant.say(sender, "hackney")
    assert services_payload(listed) is not None and not concern_question(listed), dump(listed)


def test_directory_database_unreachable_then_back(production_like: ProductionLike) -> None:
    assistant = production_like.assistant
    sender = start_form(production_like)
    assistant.say(sender, "15")
    assistant.say(sender, "hackney")
    production_like.directory_proxy.cut()
    try:
        replies = assistant.say(sender, "i've been feeling really anxious")
        payload = services_payload(replies)
        assert payload is not None and payload["services"], dump(replies)
        assert all(set(s["areas"]) <= {"National", "Online"} for s in payload["services"]), dump(replies)
        text = said(replies)
        assert "can't reach the local service list" in text and "Wellbeing Hub" in text, text
        assert_crisis_reply(assistant.say(assistant.new_sender(), "i want to kill myself"))
    finally:
        production_like.directory_proxy.restore()
    again = assistant.say(sender, "actually I'm 16")
    payload = services_payload(again)
    assert payload is not None and "Hackney" in payload["services"][0]["areas"], dump(again)
    assert "can't reach" not in said(again)


def test_redis_down_then_back(production_like: ProductionLike) -> None:
    """Both replicas keep answering on in-process locks while Redis is down, and go back to Redis after."""
    assistant = production_like.assistant
    sender = start_form(production_like)
    production_like.redis.stop()
    try:
        assert "which part of london" in said(assistant.say(sender, "15", replica=1)).lower()
        assert_crisis_reply(assistant.say(assistant.new_sender(), "i want to kill myself", replica=0))
        assert_crisis_reply(assistant.say(assistant.new_sender(), "i want to kill myself", replica=1))
    finally:
        production_like.redis.start()
    assert "Redis unreachable" in production_like.logs()

    def both_back_on_redis() -> bool:
        # the lock store tries Redis again on the first turn 5 s after a failure: keep the replicas talking
        for replica in (0, 1):
            assert texts(assistant.say(assistant.new_sender(), "hi", replica=replica))
        return production_like.logs().count("Redis reachable again") == 2

    wait_until(both_back_on_redis, "each replica is back on Redis", timeout=60, interval=0.5)
    assert concern_question(assistant.say(sender, "hackney", replica=0)), "the form goes on"


def test_tracker_store_unreachable_then_back(production_like: ProductionLike) -> None:
    """With PostgreSQL unreachable Rasa's FailSafeTrackerStore answers from a blank conversation kept in memory:
    the person gets replies (crisis ones included) but the bot forgets the conversation until the database
    is back; then it carries on from what was stored before the outage."""
    assistant = production_like.assistant
    sender = start_form(production_like)
    production_like.tracker_proxy.cut()
    try:
        during = assistant.post({"sender": sender, "message": "15"}, replica=0)
        assert during.status_code == 200 and texts(during.json()), (during.status_code, during.text[:300])
        assert_crisis_reply(assistant.say(sender, "i want to kill myself", replica=1))
    finally:
        production_like.tracker_proxy.restore()
    assert "Error happened when trying to retrieve conversation tracker" in production_like.logs()
    replies = assistant.say(sender, "15", replica=0)
    assert "which part of london" in said(replies).lower(), dump(replies)
    assert concern_question(assistant.say(sender, "hackney", replica=1))
    assert [e["text"] for e in production_like.stored_events(sender) if e["event"] == "user"] == [
        "hi",
        '/inform{"role":"young_person"}',
        "15",
        "hackney",
    ], "nothing from the outage reached the store"
