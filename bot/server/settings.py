"""Settings from the environment, with defaults that need no services.

`.env` (see .env.example) is read first; real environment variables win. The same values reach Rasa through
`${VAR}` substitution in endpoints.yml, so every process sees one configuration.
"""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path
from typing import Dict, Optional

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
    # The REST channel is for server-to-server use and tests (docs/security.md): "local" answers only peers on
    # this machine (127.0.0.1, ::1), "secret" only requests carrying REST_CHANNEL_SECRET (or the file
    # REST_CHANNEL_SECRET_FILE) in the X-Rest-Secret header, "off" nobody (the production configuration).
    "REST_CHANNEL": "local",
    # Signs the conversation ids the server issues (bot/server/conversation_ids.py); the same on every replica.
    # Empty, with no CONVERSATION_ID_SECRET_FILE: a private file .rasa/conversation-id.key made once.
    "CONVERSATION_ID_SECRET": "",
    # Messages one conversation, and one client address, may send per window (bot/server/rate_limit.py).
    "RATE_LIMIT_WINDOW_S": "10",
    "RATE_LIMIT_PER_CONVERSATION": "10",
    "RATE_LIMIT_PER_ADDRESS": "30",
    # Where the action server, the demo page and the directory API listen; containers set 0.0.0.0.
    "BIND_HOST": "127.0.0.1",
    # INFO and above never carry message text (tests/ops/test_privacy.py); DEBUG does (Rasa logs every parse).
    "LOG_LEVEL": "INFO",
}


def load_settings() -> Dict[str, str]:
    """Read .env, fill in defaults, export the result to os.environ and return it."""
    load_dotenv(ROOT / ".env", override=False)
    for key, value in DEFAULTS.items():
        os.environ.setdefault(key, value)
    private_folder(ROOT / ".rasa")
    if not os.environ["CONVERSATION_ID_SECRET"] and not os.environ.get("CONVERSATION_ID_SECRET_FILE"):
        os.environ["CONVERSATION_ID_SECRET_FILE"] = str(_secret_file(ROOT / ".rasa" / "conversation-id.key"))
    return {key: os.environ[key] for key in DEFAULTS}


def private_folder(folder: Path) -> Path:
    """`folder`, created if missing, readable by this user only (0700): it holds conversations and keys.

    An existing folder is narrowed only when this user owns it and it is not a shared one with the sticky bit
    (/tmp): a file put straight into /tmp must not close /tmp to everyone else.
    """
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = folder.stat()
    if info.st_uid == os.getuid() and not info.st_mode & stat.S_ISVTX:
        folder.chmod(0o700)
    return folder


def private_file(path: Path) -> Path:
    """`path`, created empty if missing, in a private folder, readable and writable by this user only (0600)."""
    private_folder(path.parent)
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    path.chmod(0o600)
    return path


def _secret_file(path: Path) -> Path:
    """A private file holding a random secret, made once and kept (ids stay valid across restarts)."""
    private_file(path)
    if len(path.read_text().strip()) < 32:
        path.write_text(secrets.token_urlsafe(48))
    return path


def make_sqlite_file_private(url: Optional[str]) -> None:
    """For a SQLite file URL: the file 0600 in a 0700 folder (created so when missing)."""
    if not url or not url.startswith("sqlite"):
        return
    from sqlalchemy.engine import make_url  # here: settings is imported by processes without SQLAlchemy too

    database = make_url(url).database
    if database and database != ":memory:":
        private_file(Path(database))
