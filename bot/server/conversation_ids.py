"""Conversation ids that only the server issues: 128 random bits, the issue time, and an HMAC over both.

A browser used to choose its own socket.io session id, so whoever knew or guessed an id could continue that
conversation and read its replies. Now the server issues every id: `issue()` makes one, `verify()` accepts
only an id this server's secret signed, no older than the retention period (an older one names a
conversation the purge has deleted). Every replica shares the secret (`CONVERSATION_ID_SECRET`, or a file
named by `CONVERSATION_ID_SECRET_FILE`; bot/server/settings.py creates a private file for `make run`), so
any replica accepts another's ids and no list of issued ids is kept. An ended conversation's id is refused
through the tracker database (bot/server/tracker_db.py `ended_conversations`), shared by every replica too.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import time
from pathlib import Path
from typing import Optional

#: Ids older than this are refused: the retention purge (ops purge, 30 days) has deleted their conversation.
MAX_AGE_S = 30 * 86_400
_RANDOM_BYTES = 16  # 128 bits
_MAC_HEX = 32  # 128 bits of HMAC-SHA256


def load_secret() -> bytes:
    """The signing secret from the environment or its file; never from a command line."""
    value = os.environ.get("CONVERSATION_ID_SECRET", "")
    if not value and os.environ.get("CONVERSATION_ID_SECRET_FILE"):
        value = Path(os.environ["CONVERSATION_ID_SECRET_FILE"]).read_text().strip()
    if len(value) < 32:
        raise RuntimeError(
            "CONVERSATION_ID_SECRET (or the file CONVERSATION_ID_SECRET_FILE names) must hold at least 32 "
            "characters, the same on every replica"
        )
    return value.encode()


def _mac(secret: bytes, body: str) -> str:
    return hmac.new(secret, body.encode(), hashlib.sha256).hexdigest()[:_MAC_HEX]


def issue(secret: bytes, now: Optional[float] = None) -> str:
    """A new conversation id: `<issued, hex seconds>-<128 random bits>-<MAC>` (74 characters)."""
    body = f"{int(time.time() if now is None else now):x}-{secrets.token_hex(_RANDOM_BYTES)}"
    return f"{body}-{_mac(secret, body)}"


def verify(secret: bytes, candidate: object, now: Optional[float] = None) -> bool:
    """True for an id `issue` made with this secret that is not older than MAX_AGE_S."""
    if not isinstance(candidate, str) or len(candidate) > 100:
        return False
    body, _, mac = candidate.rpartition("-")
    issued_hex = body.partition("-")[0]
    if not body or not hmac.compare_digest(mac, _mac(secret, body)):
        return False
    try:
        issued = int(issued_hex, 16)
    except ValueError:
        return False
    age = (time.time() if now is None else now) - issued
    return -300 <= age <= MAX_AGE_S  # a few minutes' clock difference between replicas is allowed
