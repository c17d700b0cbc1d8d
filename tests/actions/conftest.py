"""Fixtures for action tests: the real domain, rasa-sdk trackers, and a directory in a temporary SQLite file."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, Iterable, Iterator, Optional

import pytest
import yaml
from rasa_sdk import Tracker

from actions import directory_client
from bot.server.settings import ROOT
from directory.db import create_schema, make_engine
from directory.loader import load_directory


@pytest.fixture(scope="session")
def domain() -> Dict[str, Any]:
    return yaml.safe_load((ROOT / "domain.yml").read_text())


@pytest.fixture()
def directory_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A freshly loaded directory; the action's engine cache is cleared so it connects to this one."""
    url = f"sqlite:///{tmp_path / 'directory.db'}"
    engine = make_engine(url)
    create_schema(engine)
    load_directory(engine)
    engine.dispose()
    monkeypatch.setenv("DATABASE_URL", url)
    directory_client._engine.cache_clear()
    yield url
    directory_client._engine.cache_clear()


def make_tracker(
    slots: Optional[Dict[str, Any]] = None,
    *,
    intent: str = "inform",
    entities: Iterable[Dict[str, Any]] = (),
    requested_slot: Optional[str] = None,
    events: Iterable[Dict[str, Any]] = (),
    text: str = "",
) -> Tracker:
    """A tracker as the action server receives it, in the middle of the signposting form."""
    all_slots = {
        "role": None,
        "age": None,
        "age_band": None,
        "borough": None,
        "nhs_trust": None,
        "concerns": None,
        "requested_slot": requested_slot,
        **(slots or {}),
    }
    return Tracker(
        sender_id="test",
        slots=all_slots,
        latest_message={
            "intent": {"name": intent, "confidence": 1.0},
            "entities": list(entities),
            "text": text,
        },
        events=list(events),
        paused=False,
        followup_action=None,
        active_loop={"name": "signpost_form"},
        latest_action_name="action_listen",
    )


def sent(dispatcher) -> list:
    """Names of the responses an action sent, in order."""
    return [m.get("response") for m in dispatcher.messages if m.get("response")]
