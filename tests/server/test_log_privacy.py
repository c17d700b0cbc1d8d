"""Rasa's structured log lines lose message text, slot values and traceback locals once our channel loads."""

from __future__ import annotations

import io
import json
import logging
from typing import Iterator, List

import pytest
import structlog

from bot.server import log_privacy


@pytest.fixture()
def rasa_structlog() -> Iterator[io.StringIO]:
    """structlog configured the way `rasa run` configures it outside a terminal (JSON lines)."""
    from rasa.utils.log_utils import configure_structlog

    saved_config = structlog.get_config()
    root = logging.getLogger()
    saved_handlers, saved_level = list(root.handlers), root.level
    stream = io.StringIO()
    root.handlers = []
    configure_structlog(logging.INFO)
    root.handlers = [logging.StreamHandler(stream)]
    try:
        yield stream
    finally:
        structlog.configure(**saved_config)
        root.handlers, root.level = saved_handlers, saved_level


def lines(stream: io.StringIO) -> List[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.startswith("{")]


def test_private_fields_are_withheld_even_in_loggers_created_before_install(
    rasa_structlog: io.StringIO,
) -> None:
    early = structlog.get_logger()
    early.error("rest.message.received.failure", text="SECRET before")  # Rasa's own behaviour, unprotected
    log_privacy.install()
    early.error("rest.message.received.failure", text="I am 14 and live in Hackney")
    structlog.get_logger().info("processor.slots", values={"age": 14.0, "borough": "Hackney"})
    before, after, later = lines(rasa_structlog)
    assert before["text"] == "SECRET before", "the check can see text when nothing withholds it"
    assert after["text"] == log_privacy.WITHHELD and later["values"] == log_privacy.WITHHELD
    assert "Hackney" not in rasa_structlog.getvalue().split("\n", 1)[1]


def test_tracebacks_carry_no_local_variables(rasa_structlog: io.StringIO) -> None:
    log_privacy.install()

    def fill(values: dict) -> str:
        return "{name}".format(**values)

    try:
        fill({"borough": "Hackney", "age": 14})
    except KeyError:
        structlog.get_logger().exception("interpolator.interpolate.text", placeholder_key="name")
    assert "Hackney" not in rasa_structlog.getvalue()
    assert lines(rasa_structlog)[0]["exception"][0]["exc_type"] == "KeyError"


def test_button_payload_false_errors_are_dropped_and_real_ones_kept(rasa_structlog: io.StringIO) -> None:
    log_privacy.install()
    logger = structlog.get_logger()
    logger.error("interpolator.interpolate.text", placeholder_key='"role":"parent"', response="x")
    logger.error("interpolator.interpolate.text", placeholder_key="nmae", response="x")
    assert [line["placeholder_key"] for line in lines(rasa_structlog)] == ["nmae"]


def test_install_is_idempotent() -> None:
    log_privacy.install()
    assert log_privacy.install() is False
    assert structlog.get_config()["processors"].count(log_privacy.withhold_private_fields) == 1


def test_building_the_channel_installs_it() -> None:
    """Rasa builds the channels of credentials.yml after configuring structlog (bot/server/rasa_patches.py)."""
    from rasa.core.actions.action import RemoteAction

    from bot.server import action_response_check, endpoint_sessions
    from bot.server.channels import SafeRestInput

    try:
        SafeRestInput()
        assert log_privacy.withhold_private_fields in structlog.get_config()["processors"]
    finally:  # the channel applies the other Rasa patches too: Rasa's own behaviour again for other tests
        RemoteAction._validate_action_result = action_response_check.RASA_VALIDATE
        endpoint_sessions.uninstall()


def test_sqlalchemy_error_parameters_are_cut_from_standard_log_lines() -> None:
    """Rasa's FailSafeTrackerStore logs f"...{error}" at ERROR; a statement error carries the saved events."""
    import sqlalchemy as sa

    engine = sa.create_engine("sqlite://")
    event = {"data": '{"text": "I am 14, Hackney"}'}  # tracebacks quote the failing line only: not this one
    try:
        with engine.connect() as connection:
            connection.execute(sa.text("INSERT INTO events VALUES (:data)"), event)
    except sa.exc.OperationalError as caught:
        error = caught
    stream = io.StringIO()
    logger = logging.getLogger("test.sql.privacy")
    handler = logging.StreamHandler(stream)
    logger.addHandler(handler)
    logger.propagate = False
    try:
        log_privacy.install_sql_filter(logger)
        logger.error(f"Error happened when trying to save conversation tracker: {error}.")
        try:
            raise error
        except sa.exc.OperationalError:
            logger.exception("while saving")
    finally:
        logger.removeHandler(handler)
    output = stream.getvalue()
    assert "Hackney" not in output
    assert output.count(f"[parameters: {log_privacy.WITHHELD}]") == 2
    assert "no such table: events" in output and "[SQL: INSERT INTO events" in output, "the rest stays useful"
