"""The compiled action-response check accepts and refuses exactly what Rasa's own check does."""

from __future__ import annotations

from typing import Any, Dict, Optional

import jsonschema
import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL

from bot.server import action_response_check

RASA_OWN_CHECK = RemoteAction._validate_action_result


def rasa_check(_action: RemoteAction, result: Dict[str, Any]) -> bool:
    """Rasa 3.6's implementation, restated (the class attribute may already be patched in this process)."""
    try:
        jsonschema.validate(result, RemoteAction.action_response_format_spec())
        return True
    except ValidationError as error:
        error.message += (
            ". Failed to validate Action server response from API, make sure your response from "
            "the Action endpoint is valid. For more information about the format visit "
            f"{DOCS_BASE_URL}/custom-actions"
        )
        raise


RESPONSES = [
    {"events": [], "responses": []},
    {
        "events": [{"event": "slot", "name": "age", "value": 15.0, "timestamp": None}],
        "responses": [{"response": "utter_service_item", "name": "Kooth"}],
    },
    {"events": [{"event": "reset_slots"}, {"event": "active_loop", "name": None}], "responses": []},
    {"events": [{"event": "slot"}], "responses": []},  # slot without a name
    {"events": [{"event": "no_such_event"}], "responses": []},
    {"events": "not a list", "responses": []},
    {"events": [], "responses": "not a list"},
    {"events": [], "responses": [1, 2]},
    {
        "events": [
            {
                "event": "user",
                "text": "hi",
                "parse_data": {
                    "intent": {"name": "greet", "confidence": 0.9},
                    "entities": [{"entity": "age", "value": 15}],
                },
            },
            {"event": "bot", "text": "Hello", "data": {}, "metadata": {}},
            {"event": "action", "name": "action_listen", "policy": None, "confidence": 1.0},
            {"event": "followup", "name": "utter_x"},
            {"event": "session_started"},
        ],
        "responses": [],
    },
    {
        "events": [{"event": "user", "parse_data": {"entities": [{"entity": "age"}]}}],
        "responses": [],
    },  # no value
    {"events": [{"event": "user", "parse_data": {"intent": {"confidence": "high"}}}], "responses": []},
    {"events": [{"event": "action", "name": 5}], "responses": []},
    {"events": [{"event": "bot", "timestamp": "yesterday"}], "responses": []},
    {"events": [{"event": "bot", "metadata": []}], "responses": []},
    {"events": [{"name": "age", "value": 1}], "responses": []},  # no event type
    {"events": [["slot", "age"]], "responses": []},
    {"events": [{"event": 7}], "responses": []},
    {"events": [{"event": "slot", "name": "age", "value": None}]},  # no responses key
    {},
    [],
    "not an object",
]


def outcome(check: Any, result: Dict[str, Any]) -> Optional[str]:
    try:
        check(RemoteAction("action_x", None), result)
        return None
    except ValidationError as error:
        return error.message


@pytest.mark.parametrize("result", RESPONSES)
def test_same_verdict_and_message_as_rasa(result: Dict[str, Any]) -> None:
    assert outcome(action_response_check.validate_action_result, result) == outcome(rasa_check, result)


def test_install_replaces_the_method_and_invalid_responses_still_fail() -> None:
    action_response_check.install()
    try:
        action = RemoteAction("action_x", None)
        assert action._validate_action_result(RESPONSES[1]) is True
        with pytest.raises(ValidationError, match="Failed to validate Action server response"):
            action._validate_action_result(RESPONSES[-1])
    finally:
        RemoteAction._validate_action_result = RASA_OWN_CHECK
