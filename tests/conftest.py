"""Shared fixtures: the trained model, and the whole assistant running on free ports.

The model is trained once per data fingerprint (bot/model_cache.py). The running assistant uses its own
temporary tracker store and directory database, so tests never touch a developer's data.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator

import pytest

os.environ["RASA_TELEMETRY_ENABLED"] = "false"

from tests.support.servers import AssistantProcesses  # noqa: E402


@pytest.fixture(scope="session")
def trained_model() -> Path:
    """Path of the trained model for the current training data (trains it if needed)."""
    from bot.model_cache import ensure_model

    return ensure_model()


@pytest.fixture(scope="session")
def assistant(trained_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[AssistantProcesses]:
    """The action server and Rasa server, running until the end of the test session."""
    processes = AssistantProcesses(trained_model, tmp_path_factory.mktemp("assistant"))
    try:
        processes.start()
        yield processes
    finally:
        processes.stop()
