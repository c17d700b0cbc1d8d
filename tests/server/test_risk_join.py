"""Risk across two messages: when the pair is read, and how its verdict is carried (the running assistant is
tested in tests/test_safety_check_http.py)."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa.shared.core.events import BotUttered, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.server.risk_join import (
    CARRIED_INTENTS,
    JOIN_MAX_WORDS,
    carry_escalation,
    joined,
    previous_message,
    worth_joining,
)


def said(text: str, intent: str = "inform") -> UserUttered:
    return UserUttered(text, intent={"name": intent, "confidence": 0.9})


def tracker(*events: Any) -> DialogueStateTracker:
    return DialogueStateTracker.from_events("t", list(events))


def parse(intent: str, entities: List[Dict[str, Any]] = []) -> Dict[str, Any]:  # noqa: B006 - never mutated
    return {"text": "tonight", "intent": {"name": intent, "confidence": 0.8}, "entities": entities}


def previous_text(*events: Any) -> Optional[str]:
    found = previous_message(tracker(*events))
    return None if found is None else found.text


def test_the_previous_typed_message_of_this_session_is_read() -> None:
    assert previous_text(said("ive decided"), BotUttered("Thanks for telling me.")) == "ive decided"
    assert previous_message(None) is None
    assert previous_text() is None


def test_one_that_was_only_asked_the_safety_question_is_read_too() -> None:
    """ "ive made my decision" may get the safety question; "tonight" after it still completes it."""
    assert (
        previous_text(said("ive made my decision", "risk_check"), BotUttered("...")) == "ive made my decision"
    )


def test_nothing_is_joined_after_a_full_escalation_a_button_or_a_new_session() -> None:
    """The dialogue is already answering a crisis; a button is not the person's words; a new session is a
    new conversation."""
    assert previous_text(said("i want to die", "crisis"), BotUttered("...")) is None
    assert previous_text(said("he hits me", "safeguarding")) is None
    assert previous_text(said('/inform{"role":"young_person"}')) is None
    assert previous_text(said("ive decided"), SessionStarted()) is None


def test_only_a_short_calm_message_is_read_with_the_one_before() -> None:
    before = said("ive decided")
    assert worth_joining("tonight", parse("inform"), before)
    assert not worth_joining("tonight", parse("inform"), None)
    assert not worth_joining("i want to die", parse("crisis"), before), "already escalated alone"
    assert not worth_joining(" ".join(["word"] * (JOIN_MAX_WORDS + 1)), parse("inform"), before)
    assert not worth_joining('/inform{"age": 15}', parse("inform"), before)


def test_an_answer_to_the_safety_question_is_left_to_its_rules() -> None:
    """A no or "I'm safe" must stay a no, whatever the pair would read as; anything else is still read."""
    asked = said("ive made my decision", "risk_check")
    for answer in ("deny", "safe_now", "safe_now_find_help", "affirm"):
        assert not worth_joining("no", parse(answer), asked), answer
        assert worth_joining("no", parse(answer), said("ive decided")), answer
    assert worth_joining("tonight", parse("ask_service"), asked)


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
