"""Two Rasa replicas, one conversation store: turns of a conversation can land on either replica.

What is checked is what a load balancer without sticky sessions does to a conversation: each turn goes to
whichever replica, many conversations run at once, and one sender floods both replicas. The tracker store
(PostgreSQL) is read afterwards: every message is there once, in order, and each turn finished before the
next one started (no interleaved events).
"""

from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Dict, List

import pytest

from tests.ops.conftest import ProductionLike
from tests.support.servers import dump, escalation, services_payload, texts

pytestmark = [pytest.mark.model, pytest.mark.server, pytest.mark.postgres, pytest.mark.redis, pytest.mark.ops]

BOROUGHS = ["hackney", "I live in Westminster", "notting hill", "EC2"]
CONCERNS = ["i've been feeling really anxious", "low mood", "exam stress", "i can't sleep"]


def script(number: int) -> List[str]:
    """A whole signposting conversation; `number` varies age, place and concern."""
    return [
        "hi",
        '/inform{"role":"young_person"}',
        str(12 + number % 8),
        BOROUGHS[number % len(BOROUGHS)],
        CONCERNS[number % len(CONCERNS)],
    ]


def assert_turns_stored_in_order_without_interleaving(events: List[Dict[str, Any]], sent: List[str]) -> None:
    """Each message stored once, in order; every turn ends (action_listen) before the next message."""
    user_texts = [e["text"] for e in events if e["event"] == "user"]
    assert user_texts == sent, f"stored {user_texts}, sent {sent}"
    previous = None
    for event in events:
        if event["event"] == "user":
            assert (
                previous is not None and previous["event"] == "action" and previous["name"] == "action_listen"
            ), "a message was stored before the previous turn finished"
        previous = event
    assert previous is not None and previous["event"] == "action" and previous["name"] == "action_listen"
    assert sum(1 for e in events if e["event"] == "session_started") == 1


def test_one_conversation_alternating_between_replicas(production_like: ProductionLike) -> None:
    assistant = production_like.assistant
    sender = assistant.new_sender()
    messages = script(0)
    replies = [assistant.say(sender, message, replica=turn % 2) for turn, message in enumerate(messages)]
    assert "how old" in " ".join(texts(replies[1])).lower(), "replica 1 knows what replica 0 asked"
    assert "which part of london" in " ".join(texts(replies[2])).lower()
    payload = services_payload(replies[-1])
    assert payload is not None and 3 <= len(payload["services"]) <= 5, dump(replies[-1])
    assert "Hackney" in payload["services"][0]["areas"]
    assert_turns_stored_in_order_without_interleaving(production_like.stored_events(sender), messages)


def test_many_conversations_at_once_on_both_replicas(production_like: ProductionLike) -> None:
    """40 conversations in parallel, each turn on a random replica: no turn lost, none mixed up."""
    assistant = production_like.assistant
    senders = [assistant.new_sender() for _ in range(40)]
    chooser = random.Random(7)
    routes = {sender: [chooser.randrange(2) for _ in script(0)] for sender in senders}

    def converse(number: int) -> List[List[Dict[str, Any]]]:
        sender = senders[number]
        return [
            assistant.say(sender, message, replica=routes[sender][turn])
            for turn, message in enumerate(script(number))
        ]

    with ThreadPoolExecutor(max_workers=20) as pool:
        conversations = list(pool.map(converse, range(len(senders))))
    for number, replies in enumerate(conversations):
        assert all(turn for turn in replies), f"a turn got no reply: {dump(replies)}"
        assert services_payload(replies[-1]) is not None, dump(replies[-1])
        assert_turns_stored_in_order_without_interleaving(
            production_like.stored_events(senders[number]), script(number)
        )


def test_a_flood_on_one_sender_across_both_replicas_is_answered_in_turn(
    production_like: ProductionLike,
) -> None:
    """30 messages at once on one conversation, split over the replicas: each is answered (200) or refused
    (429, with a reply); every answered one is stored once, turns one after another."""
    assistant = production_like.assistant
    sender = assistant.new_sender()
    assistant.say(sender, "hi")
    messages = [f"hello number {n}" for n in range(30)]
    with ThreadPoolExecutor(max_workers=30) as pool:
        responses = list(
            pool.map(
                lambda n: assistant.post({"sender": sender, "message": messages[n]}, replica=n % 2),
                range(len(messages)),
            )
        )
    statuses = [r.status_code for r in responses]
    assert set(statuses) <= {200, 429}, statuses
    assert statuses.count(200) >= 10, "each replica answers at least its first few"
    for response in responses:
        assert texts(response.json()), "every answer, 429 included, says something"
    answered = {messages[n] for n, status in enumerate(statuses) if status == 200}
    events = production_like.stored_events(sender)
    stored = [e["text"] for e in events if e["event"] == "user"][1:]
    assert sorted(stored) == sorted(answered), "exactly the answered messages are stored, once each"
    assert_turns_stored_in_order_without_interleaving(events, ["hi", *stored])
    assert texts(assistant.say(sender, "hi", replica=1)), "the conversation is still usable"


def test_a_replica_going_down_mid_conversation_loses_nothing(production_like: ProductionLike) -> None:
    """The load balancer sends the next turn to the other replica, which carries on from the stored state."""
    assistant = production_like.assistant
    sender = assistant.new_sender()
    assistant.say(sender, "hi", replica=1)
    assistant.say(sender, '/inform{"role":"young_person"}', replica=1)
    assistant.stop_rasa(1)
    try:
        replies = assistant.say(sender, "16", replica=0)
        assert "which part of london" in " ".join(texts(replies)).lower(), dump(replies)
        crisis = assistant.say(sender, "i want to end my life", replica=0)
        assert escalation(crisis) == {"escalation": "crisis", "category": "suicide"}, dump(crisis)
    finally:
        assistant.start_rasa(1)
    assert texts(assistant.say(sender, "yes", replica=1)), "the restarted replica picks the conversation up"
