"""Risk across two messages: when the pair is read, and how its verdict is carried (the running assistant is
tested in tests/test_safety_check_http.py)."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa.shared.core.events import BotUttered, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.server.risk_join import (
    CARRIED_INTENTS,
    JOIN_MAX_WORDS,
    calm_previous_message,
    carry_escalation,
    joined,
    worth_joining,
)


def said(text: str, intent: str = "inform") -> UserUttered:
    return UserUttered(text, intent={"name": intent, "confidence": 0.9})


def tracker(*events: Any) -> DialogueStateTracker:
    return DialogueStateTracker.from_events("t", list(events))


def parse(intent: str, entities: List[Dict[str, Any]] = []) -> Dict[str, Any]:  # noqa: B006 - never mutated
    return {"text": "tonight", "intent": {"name": intent, "confidence": 0.8}, "entities": entities}


def test_the_previous_calm_typed_message_of_this_session_is_read() -> None:
    assert calm_previous_message(tracker(said("ive decided"), BotUttered("Thanks for telling me."))) == (
        "ive decided"
    )
    assert calm_previous_message(None) is None
    assert calm_previous_message(tracker()) is None


def test_nothing_is_joined_after_an_escalation_a_button_or_a_new_session() -> None:
    """The dialogue is already answering a crisis or a safety question; a button is not the person's words;
    a new session is a new conversation."""
    assert calm_previous_message(tracker(said("i want to die", "crisis"), BotUttered("..."))) is None
    assert calm_previous_message(tracker(said("everything is pointless", "risk_check"))) is None
    assert calm_previous_message(tracker(said('/inform{"role":"young_person"}'))) is None
    assert calm_previous_message(tracker(said("ive decided"), SessionStarted())) is None


def test_only_a_short_calm_message_is_read_with_the_one_before() -> None:
    assert worth_joining("tonight", parse("inform"), "ive decided")
    assert not worth_joining("tonight", parse("inform"), None)
    assert not worth_joining("i want to die", parse("crisis"), "ive decided"), "already escalated alone"
    assert not worth_joining(" ".join(["word"] * (JOIN_MAX_WORDS + 1)), parse("inform"), "ive decided")
    assert not worth_joining('/inform{"age": 15}', parse("inform"), "ive decided")


def test_the_pair_reads_as_one_message() -> None:
    assert joined("ive decided. ", " tonight") == "ive decided. tonight"


def test_the_pairs_verdict_is_carried_by_the_short_message() -> None:
    """The intent, its ranking and the risk entities (over the short message's own span) come from the pair;
    the short message's other entities and its text stay."""
    own = parse("inform", [{"entity": "age", "value": 15, "start": 0, "end": 2}])
    pair = {
        "text": "ive decided tonight",
        "intent": {"name": "crisis", "confidence": 1.0},
        "intent_ranking": [{"name": "crisis", "confidence": 1.0}],
        "entities": [
            {"entity": "risk_category", "value": "suicide", "start": 0, "end": 19},
            {"entity": "risk_subject", "value": "self", "start": 0, "end": 19},
            {"entity": "age", "value": 14, "start": 0, "end": 2},
        ],
    }
    carried = carry_escalation(own, pair)
    assert carried["text"] == "tonight" and carried["intent"]["name"] == "crisis"
    assert carried["intent_ranking"] == pair["intent_ranking"]
    assert {(e["entity"], e["value"]) for e in carried["entities"]} == {
        ("age", 15),
        ("risk_category", "suicide"),
        ("risk_subject", "self"),
    }
    assert all(e["end"] <= len("tonight") for e in carried["entities"] if e["entity"].startswith("risk"))


def test_only_a_full_escalation_of_the_pair_is_carried() -> None:
    """The pair's safety question is not: two short form answers read as one are not what the models learned."""
    assert set(CARRIED_INTENTS) == {"crisis", "safeguarding"}
