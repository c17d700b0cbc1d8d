"""The Rasa patches: applied only by the named function, and written for the Rasa functions they replace."""

from __future__ import annotations

import importlib
import inspect
import subprocess
import sys
from typing import Any

import pytest
import structlog
from rasa.core.actions.action import RemoteAction
from rasa.utils.endpoints import EndpointConfig

from bot.server import action_response_check, endpoint_sessions, log_privacy
from bot.server.rasa_patches import PATCHED, apply_rasa_patches

#: What each patch replaces: Rasa's own function, kept by the patch module before it installs itself.
RASA_ORIGINALS = {
    "RemoteAction._validate_action_result": action_response_check.RASA_VALIDATE,
    "EndpointConfig.session": endpoint_sessions._RASA_SESSION,
}


def _rasa_attribute(module: str, qualified: str) -> Any:
    if qualified in RASA_ORIGINALS:
        return RASA_ORIGINALS[qualified]
    owner: Any = importlib.import_module(module)
    for name in qualified.split("."):
        owner = getattr(owner, name)
    return owner


@pytest.mark.parametrize(("module", "qualified", "signature"), PATCHED, ids=[p[1] for p in PATCHED])
def test_rasa_still_has_the_function_each_patch_was_written_for(
    module: str, qualified: str, signature: str
) -> None:
    """After a Rasa upgrade, a changed signature means the patch must be read again before it is trusted."""
    assert str(inspect.signature(_rasa_attribute(module, qualified))) == signature


def test_each_replacement_takes_the_same_parameters_as_rasas_function() -> None:
    rasa_validate = inspect.signature(action_response_check.RASA_VALIDATE).parameters
    ours = inspect.signature(action_response_check.validate_action_result).parameters
    assert len(ours) == len(rasa_validate)
    assert len(inspect.signature(endpoint_sessions.shared_session).parameters) == len(
        inspect.signature(endpoint_sessions._RASA_SESSION).parameters
    )


def test_importing_the_channels_changes_nothing_in_rasa() -> None:
    """A fresh interpreter: importing both channel modules leaves Rasa's functions as they were."""
    code = (
        "import bot.server.channels, bot.server.widget_channel\n"
        "from rasa.core.actions.action import RemoteAction\n"
        "from rasa.utils.endpoints import EndpointConfig\n"
        "from bot.server import action_response_check as a, endpoint_sessions as e\n"
        "assert RemoteAction._validate_action_result is a.RASA_VALIDATE\n"
        "assert EndpointConfig.session is e._RASA_SESSION\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]


def test_building_a_channel_applies_every_patch_once() -> None:
    from bot.server.channels import SafeRestInput
    from bot.server.widget_channel import WidgetSocketIOInput

    try:
        SafeRestInput()
        WidgetSocketIOInput()
        apply_rasa_patches()
        assert RemoteAction._validate_action_result is action_response_check.validate_action_result
        assert EndpointConfig.session is endpoint_sessions.shared_session
        assert structlog.get_config()["processors"].count(log_privacy.withhold_private_fields) == 1
    finally:
        RemoteAction._validate_action_result = action_response_check.RASA_VALIDATE
        endpoint_sessions.uninstall()
