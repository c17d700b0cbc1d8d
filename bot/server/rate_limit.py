"""Per-client message limits: so many messages per window for each conversation and each client address.

A script that floods the assistant would otherwise take the one event loop of a Rasa process from everyone
else. A message over a limit is refused at once, before any NLU work: the socket.io channel answers with
the domain's kind `utter_slow_down`, the REST channel with 429. Counts live in this process only (each
replica counts its own; the ingress limits the socket.io path across replicas too, deploy/nginx.conf).
Addresses are held only as counter keys in memory, never logged.
"""

from __future__ import annotations

import os
import time
from collections import deque
from typing import Any, Callable, Deque, Dict


class SlidingWindowLimit:
    """At most `limit` events per `window_s` seconds for each key."""

    def __init__(self, limit: int, window_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.window_s = window_s
        self.clock = clock
        self.recent: Dict[str, Deque[float]] = {}

    def allow(self, key: str) -> bool:
        """Count one event for `key`; False (and not counted) when the key is over its limit."""
        now = self.clock()
        times = self.recent.setdefault(key, deque())
        while times and times[0] <= now - self.window_s:
            times.popleft()
        if len(times) >= self.limit:
            return False
        times.append(now)
        if len(self.recent) > 10_000:
            self._forget_idle(now)
        return True

    def _forget_idle(self, now: float) -> None:
        for key in [k for k, t in self.recent.items() if not t or t[-1] <= now - self.window_s]:
            del self.recent[key]


class ClientLimits:
    """The two limits every message passes: its conversation's and its client address's."""

    def __init__(self) -> None:
        self.window_s = float(os.environ.get("RATE_LIMIT_WINDOW_S", "10"))
        conversation = int(os.environ.get("RATE_LIMIT_PER_CONVERSATION", "10"))
        self.per_conversation = SlidingWindowLimit(conversation, self.window_s)
        self.per_address = SlidingWindowLimit(
            int(os.environ.get("RATE_LIMIT_PER_ADDRESS", "30")), self.window_s
        )

    def allow(self, conversation: str, address: str) -> bool:
        """True if the message may be handled (counted against both limits)."""
        return self.per_address.allow(address) and self.per_conversation.allow(conversation)


def client_address(request: Any) -> str:
    """The client's address for counting: the peer, or the header a trusted ingress sets.

    Behind a reverse proxy every peer is the proxy, so the deployment names the header its ingress fills
    (`CLIENT_ADDRESS_HEADER=X-Real-IP`, deploy/nginx.conf); without that setting the header is not trusted,
    since any client could write it.
    """
    header = os.environ.get("CLIENT_ADDRESS_HEADER", "")
    if header:
        value = request.headers.get(header, "")
        if value:
            return value.split(",")[0].strip()
    return str(request.ip)
