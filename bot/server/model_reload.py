"""Reload the model on SIGHUP: a host operation (`python -m ops reload-model`), not an HTTP API.

Rasa's HTTP API could replace the model, behind a token that sat on the command line; it is not started
any more (docs/security.md). Whoever may signal the Rasa process (its user, root) can ask it to load the
newest model in MODEL_DIR (default `models/`); the process keeps answering with the old model until the new
one is loaded, and keeps the old one if loading fails.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
from typing import Any

log = logging.getLogger(__name__)


async def reload_latest_model(app: Any) -> None:
    from rasa.model import get_latest_model

    path = get_latest_model(os.environ.get("MODEL_DIR", "models"))
    agent = getattr(app.ctx, "agent", None)
    if not path or agent is None:
        log.error("model reload: no model found in MODEL_DIR or no agent; the current model stays")
        return
    try:
        await asyncio.get_running_loop().run_in_executor(None, agent.load_model, path)
    except Exception as error:  # noqa: BLE001 - a bad model file must not stop a running assistant
        log.error("model reload failed (%s); the current model stays", type(error).__name__)
        return
    log.info("model reloaded: %s", os.path.basename(path))


async def on_sighup(app: Any, loop: asyncio.AbstractEventLoop) -> None:
    """Sanic listener (after_server_start): SIGHUP reloads the newest model."""
    loop.add_signal_handler(signal.SIGHUP, lambda: asyncio.ensure_future(reload_latest_model(app)))
