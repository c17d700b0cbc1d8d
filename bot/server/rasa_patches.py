"""The changes we make to how Rasa works (never to what it does), applied by one explicit call.

- `log_privacy.install()`: no message text or slot value in Rasa's structlog lines, at any level.
- `action_response_check.install()`: `RemoteAction._validate_action_result` checks each event against its
  own type's schema (same verdicts as Rasa's, a fraction of the CPU).
- `endpoint_sessions.install()`: `EndpointConfig.session` keeps one HTTP session per endpoint alive.

When: `apply_rasa_patches()` must run inside the Rasa process, after Rasa has configured structlog (it
replaces the processor list, so an earlier install would be lost) and before the first message. `rasa run`
builds the input channels named in credentials.yml exactly then: it imports each class and calls
`from_credentials`, that is the constructor, after `configure_structlog` and before it loads the model or
serves a request. Our two channels therefore call this from their constructors (bot/server/channels.py,
bot/server/widget_channel.py); importing a module changes nothing. Tests call it themselves. It is
idempotent, so both channels (and tests) may call it.

`PATCHED` names each Rasa function replaced and the signature the replacement was written for;
tests/server/test_rasa_patches.py fails when a Rasa upgrade changes one of them.
"""

from __future__ import annotations

from typing import Tuple

from bot.server import action_response_check, endpoint_sessions, log_privacy

#: (module, qualified name, signature of Rasa 3.6.21 that the replacement takes over).
PATCHED: Tuple[Tuple[str, str, str], ...] = (
    (
        "rasa.core.actions.action",
        "RemoteAction._validate_action_result",
        "(self, result: Dict[str, Any]) -> bool",
    ),
    ("rasa.utils.endpoints", "EndpointConfig.session", "(self) -> aiohttp.client.ClientSession"),
    ("rasa.utils.log_utils", "configure_structlog", "(log_level: 'Optional[int]' = None) -> 'None'"),
)


def apply_rasa_patches() -> None:
    """Install every patch of this package into the running Rasa (once; later calls change nothing)."""
    log_privacy.install()
    action_response_check.install()
    endpoint_sessions.install()
