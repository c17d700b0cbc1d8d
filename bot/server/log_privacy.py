"""Keep what people type out of Rasa's structured logs, at every level.

Rasa 3.6 logs through structlog and passes message text, slot values and events as fields (`text`,
`parse_data_text`, `values`, ...). Most of those lines are DEBUG, but some are ERROR: the REST channel logs
the message text when handling fails, and the response interpolator logs the slot values (age, borough,
concerns) every time a button payload such as `/inform{"role":"parent"}` looks like a placeholder to it,
because its JSON tracebacks include each frame's local variables. Production runs at INFO, which does not
stop ERROR lines.

`install()` puts a processor in front of Rasa's own that withholds those fields, renders tracebacks
without local variables, and drops the interpolator's false errors about button payloads. Rasa configures
structlog before it builds the input channels, and our channels' constructors call `install()` (through
`bot.server.rasa_patches.apply_rasa_patches()`); loggers already created share the same processor list,
which is changed in place.

`install_sql_filter()` (part of `install()`, and used alone by the action server) adds a filter to the
standard logging handlers that cuts the `[parameters: ...]` part of SQLAlchemy errors: Rasa's
FailSafeTrackerStore logs the tracker store's error at ERROR, and when a database connection drops in the
middle of saving a turn, those parameters are the events, message text included.
"""

from __future__ import annotations

import logging
import re
from typing import Any, Dict, List

WITHHELD = "[withheld]"

#: Fields that may carry message text, slot values or events. Rasa's own anonymisation key list (Rasa
#: Pro only) plus the interpolator's `values` and request metadata.
PRIVATE_FIELDS = frozenset(
    {
        "text",
        "response_text",
        "user_text",
        "slot_values",
        "parse_data_text",
        "parse_data_entities",
        "prediction_events",
        "tracker_latest_message",
        "prefilled_slots",
        "message",
        "response",
        "slot_candidates",
        "rasa_event",
        "rasa_events",
        "tracker_states",
        "current_states",
        "old_states",
        "successes",
        "current_entity",
        "next_entity",
        "states",
        "entity",
        "token_text",
        "user_message",
        "json_message",
        "values",
        "metadata",
        "events",
        "tracker",
        "slots",
        "parse_data",
    }
)


def withhold_private_fields(_logger: Any, _method: str, event_dict: Dict[str, Any]) -> Dict[str, Any]:
    """structlog processor: replace every private field's value, whatever the level."""
    for key in PRIVATE_FIELDS.intersection(event_dict):
        event_dict[key] = WITHHELD
    return event_dict


def drop_button_payload_noise(_logger: Any, _method: str, event_dict: Dict[str, Any]) -> Dict[str, Any]:
    """structlog processor: drop the interpolator's false error for button payloads with entities.

    Rasa reads `{"role":"parent"}` in a payload such as `/inform{"role":"parent"}` as a slot placeholder,
    fails to fill it, logs an ERROR with a traceback and then uses the payload unchanged, which is right.
    Three of those on every question with buttons would bury real errors.
    """
    if event_dict.get("event") == "interpolator.interpolate.text" and str(
        event_dict.get("placeholder_key", "")
    ).startswith('"'):
        import structlog

        raise structlog.DropEvent
    return event_dict


_SQL_PARAMETERS = re.compile(r"\[parameters: .*?\](?=\n\(Background on this error|\Z|\n)", re.DOTALL)


def without_sql_parameters(text: str) -> str:
    """`text` with the bound values of any SQLAlchemy error in it replaced."""
    return _SQL_PARAMETERS.sub(f"[parameters: {WITHHELD}]", text)


class SqlParametersFilter(logging.Filter):
    """Standard-logging filter: the same cut for messages and formatted tracebacks, on every handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "[parameters: " in message:
            record.msg, record.args = without_sql_parameters(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text and "[parameters: " in record.exc_text:
            record.exc_text = without_sql_parameters(record.exc_text)
        return True


_SQL_FILTER = SqlParametersFilter()


def install_sql_filter(logger: logging.Logger) -> None:
    """Add the filter to each handler of `logger` (the root logger: Rasa's lines propagate there)."""
    for handler in logger.handlers:
        if _SQL_FILTER not in handler.filters:
            handler.addFilter(_SQL_FILTER)


def install() -> bool:
    """Add the processors to structlog's configuration (once); True if they were added now.

    structlog is imported here, not at the top: the action server's image (rasa-sdk) has no structlog and
    uses only `install_sql_filter`.
    """
    import structlog
    from structlog.processors import ExceptionRenderer
    from structlog.tracebacks import ExceptionDictTransformer

    install_sql_filter(logging.getLogger())
    processors: List[Any] = structlog.get_config()["processors"]
    if withhold_private_fields in processors:
        return False
    for index, processor in enumerate(processors):
        if processor is structlog.processors.dict_tracebacks:
            processors[index] = ExceptionRenderer(ExceptionDictTransformer(show_locals=False))
        elif isinstance(processor, structlog.dev.ConsoleRenderer):
            processor._exception_formatter = structlog.dev.plain_traceback  # rich would print locals
    processors.insert(0, withhold_private_fields)
    processors.insert(0, drop_button_payload_noise)
    return True
