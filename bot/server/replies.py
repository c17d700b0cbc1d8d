"""The replies the channels send by themselves: a technical problem, too many messages, slow down, chat
ended. They are worded in domain.yml like every other reply, never in Python, so the readability checks,
review and translation cover them too.

The loaded model's domain words them when a model is loaded; before that (or when none loads) the same
responses are read from domain.yml itself, which the Rasa image carries (deploy/Dockerfile.rasa). The
channels read the file when they are built, so a domain without one of these fails at start-up, not in the
middle of someone's conversation.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict, List, Optional

import yaml

from bot.server.settings import ROOT

DOMAIN_FILE = ROOT / "domain.yml"
TECHNICAL_PROBLEM = "utter_technical_problem"
TOO_MANY_MESSAGES = "utter_too_many_messages"
SLOW_DOWN = "utter_slow_down"
CHAT_ENDED = "utter_chat_ended"
CHANNEL_RESPONSES = (TECHNICAL_PROBLEM, TOO_MANY_MESSAGES, SLOW_DOWN, CHAT_ENDED)


def _first_text(variations: List[Dict[str, Any]]) -> Optional[str]:
    """The text of a response's first variation without a condition (the one for everybody)."""
    return next((str(v["text"]) for v in variations if v.get("text") and not v.get("condition")), None)


@lru_cache(maxsize=1)
def file_texts() -> Dict[str, str]:
    """Each channel reply as domain.yml words it (read once per process)."""
    with DOMAIN_FILE.open(encoding="utf-8") as handle:
        responses = yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))["responses"]
    texts = {name: _first_text(responses.get(name) or []) for name in CHANNEL_RESPONSES}
    missing = [name for name, text in texts.items() if text is None]
    if missing:
        raise ValueError(f"{DOMAIN_FILE.name}: the channels need a text for {', '.join(missing)}")
    return {name: str(text) for name, text in texts.items()}


def channel_text(app: Any, response_name: str) -> str:
    """`response_name` as the loaded model's domain words it, else as domain.yml does."""
    try:
        variations = app.ctx.agent.domain.responses.get(response_name) or []
    except AttributeError:  # no app, no agent or no model loaded yet
        variations = []
    return _first_text(variations) or file_texts()[response_name]
