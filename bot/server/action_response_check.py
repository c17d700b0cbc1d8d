"""Check action server responses with a validator compiled once, instead of once per call.

Rasa 3.6 validates every response of the action server with `jsonschema.validate(result, schema)`, which
first validates the schema itself against the JSON Schema meta-schema and then builds a new validator. The
schema (every Rasa event type) is large, so this cost about 130 ms of CPU per action call on the benchmark
machine: most of our assistant's time per turn, since the form's validation runs on the action server every
turn (bench/bench_load.py, README "Performance"). The check itself stays: same schema, same validator class,
same error (the most relevant one, as `jsonschema.validate` picks it) with Rasa's own hint appended.

A valid response is then checked the cheap way: each event only against the schema of its own type. Rasa's
event schema is a `oneOf` over all 23 event types, each fixing `event` to its own name, so an event is
valid exactly when it passes the common part and its own type's part; trying all 23 was still a twentieth
of a turn's CPU (bench/bench_load.py profile, 2026-11-26). Whatever fails that check (an unknown event type
included) goes through the full validator, which gives Rasa's own verdict and error message.

`install()` replaces `RemoteAction._validate_action_result`; `bot.server.rasa_patches.apply_rasa_patches()`
calls it when Rasa builds our channels, before any action runs.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict, Tuple

from jsonschema.exceptions import ValidationError, best_match
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL

_HINT = (
    ". Failed to validate Action server response from API, make sure your response from the Action "
    f"endpoint is valid. For more information about the format visit {DOCS_BASE_URL}/custom-actions"
)


@lru_cache(maxsize=1)
def _validator() -> Any:
    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)  # once, not per response
    return validator_class(schema)


@lru_cache(maxsize=1)
def _by_event_type() -> Tuple[Any, Dict[str, Any]]:
    """A validator for the response without its events' items, and one per event type (common part and
    that type's part), from Rasa's own schema."""
    schema = RemoteAction.action_response_format_spec()
    events = schema["properties"]["events"]
    common = {key: value for key, value in events["items"].items() if key != "oneOf"}
    outer = {**schema, "properties": {**schema["properties"], "events": {**events, "items": {}}}}
    validator_class = validator_for(schema)
    per_type = {
        alternative["properties"]["event"]["const"]: validator_class({"allOf": [common, alternative]})
        for alternative in events["items"]["oneOf"]
    }
    return validator_class(outer), per_type


def _valid_by_event_type(result: Any) -> bool:
    outer, per_type = _by_event_type()
    if not outer.is_valid(result):
        return False
    for event in result.get("events", ()) if isinstance(result, dict) else ():
        validator = per_type.get(str(event.get("event"))) if isinstance(event, dict) else None
        if validator is None or not validator.is_valid(event):
            return False
    return True


def validate_action_result(_action: RemoteAction, result: Dict[str, Any]) -> bool:
    """Drop-in for `RemoteAction._validate_action_result`: True, or the ValidationError Rasa would raise."""
    if _valid_by_event_type(result):
        return True
    error = best_match(_validator().iter_errors(result))
    if error is not None:
        error.message += _HINT
        raise error
    return True


#: Rasa's own method, before `install()` (bot/server/rasa_patches.py checks its signature).
RASA_VALIDATE = RemoteAction._validate_action_result


def install() -> None:
    RemoteAction._validate_action_result = validate_action_result


__all__ = ["install", "validate_action_result", "ValidationError", "RASA_VALIDATE"]
