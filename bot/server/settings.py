"""Settings from the environment, with defaults that need no services.

`.env` (see .env.example) is read first; real environment variables win. The same values reach Rasa through
`${VAR}` substitution in endpoints.yml, so every process sees one configuration.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Dict

from dotenv import load_dotenv

ROOT = Path(__file__).resolve().parents[2]

DEFAULTS: Dict[str, str] = {
    "RASA_TELEMETRY_ENABLED": "false",  # a service for children sends nothing to third parties
    "RASA_PORT": "5005",
    "ACTION_PORT": "5055",
    "DIRECTORY_API_PORT": "8081",
    "ACTION_ENDPOINT_URL": "http://127.0.0.1:5055/webhook",
    "TRACKER_DB_URL": f"sqlite:///{ROOT / '.rasa' / 'tracker.db'}",
    # Conversation locks (bot/server/lock_store.py): empty = in-process (one Rasa process); redis://host:6379/1 (or
    # rediss:// for TLS) when several replicas share conversations.
    "REDIS_URL": "",
    "CORS_ORIGINS": "*",
    # Protects Rasa's HTTP API (only /status is used, for health checks). Empty: a random one per start.
    "RASA_API_TOKEN": "",
    # INFO and above never carry message text (tests/ops/test_privacy.py); DEBUG does (Rasa logs every parse).
    "LOG_LEVEL": "INFO",
}


def load_settings() -> Dict[str, str]:
    """Read .env, fill in defaults, export the result to os.environ and return it."""
    load_dotenv(ROOT / ".env", override=False)
    for key, value in DEFAULTS.items():
        os.environ.setdefault(key, value)
    if not os.environ["RASA_API_TOKEN"]:
        os.environ["RASA_API_TOKEN"] = secrets.token_urlsafe(24)
    (ROOT / ".rasa").mkdir(exist_ok=True)
    return {key: os.environ[key] for key in DEFAULTS}
