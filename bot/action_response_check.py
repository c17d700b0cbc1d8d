"""Check action server responses with a validator compiled once, instead of once per call.

Rasa 3.6 validates every response of the action server with `jsonschema.validate(result, schema)`, which
first validates the schema itself against the JSON Schema meta-schema and then builds a new validator. The
schema (every Rasa event type) is large, so this cost about 130 ms of CPU per action call on the benchmark
machine: most of our assistant's time per turn, since the form's validation runs on the action server every
turn (bench/bench_load.py, README "Performance"). The check itself stays: same schema, same validator class,
same error (the most relevant one, as `jsonschema.validate` picks it) with Rasa's own hint appended.

`install()` replaces `RemoteAction._validate_action_result`; our REST channel module calls it when Rasa
loads the channels, before any action runs.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict

from jsonschema.exceptions import ValidationError, best_match
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL

_HINT = (". Failed to validate Action server response from API, make sure your response from the Action "
         f"endpoint is valid. For more information about the format visit {DOCS_BASE_URL}/custom-actions")


@lru_cache(maxsize=1)
def _validator() -> Any:
    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)  # once, not per response
    return validator_class(schema)


def validate_action_result(_action: RemoteAction, result: Dict[str, Any]) -> bool:
    """Drop-in for `RemoteAction._validate_action_result`: True, or the ValidationError Rasa would raise."""
    error = best_match(_validator().iter_errors(result))
    if error is not None:
        error.message += _HINT
        raise error
    return True


def install() -> None:
    RemoteAction._validate_action_result = validate_action_result  # type: ignore[assignment]


__all__ = ["install", "validate_action_result", "ValidationError"]
