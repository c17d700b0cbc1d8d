"""The changes we make to how Rasa works (never to what it does), applied by one explicit call.

- `log_privacy.install()`: no message text or slot value in Rasa's structlog lines, at any level.
- `action_response_check.install()`: `RemoteAction._validate_action_result` checks each event against its
  own type's schema (same verdicts as Rasa's, a fraction of the CPU).
- `endpoint_sessions.install()`: `EndpointConfig.session` keeps one HTTP session per endpoint alive.
- `slash_gate.install()`: `MessageProcessor.parse_message` reads text beginning with "/" as an intent only
  when it is a button payload the assistant offered in the conversation (docs/security.md).
- `risk_join.install()`: `MessageProcessor.parse_message` also reads a short message with the calm one before
  it, so risk told in two pieces ("I've decided." then "tonight") escalates.

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

from bot.server import action_response_check, endpoint_sessions, log_privacy, risk_join, slash_gate

#: (module, qualified name, signature of Rasa 3.6.21 that the replacement takes over).
PATCHED: Tuple[Tuple[str, str, str], ...] = (
    (
        "rasa.core.actions.action",
        "RemoteAction._validate_action_result",
        "(self, result: Dict[str, Any]) -> bool",
    ),
    ("rasa.utils.endpoints", "EndpointConfig.session", "(self) -> aiohttp.client.ClientSession"),
    ("rasa.utils.log_utils", "configure_structlog", "(log_level: 'Optional[int]' = None) -> 'None'"),
    (
        "rasa.core.processor",
        "MessageProcessor.parse_message",
        "(self, message: rasa.core.channels.channel.UserMessage, tracker: "
        "Optional[rasa.shared.core.trackers.DialogueStateTracker] = None, only_output_properties: bool = True)"
        " -> Dict[str, Any]",
    ),
)


def apply_rasa_patches() -> None:
    """Install every patch of this package into the running Rasa (once; later calls change nothing)."""
    log_privacy.install()
    action_response_check.install()
    endpoint_sessions.install()
    slash_gate.install()
    risk_join.install()  # after the slash gate: it wraps the gated parse
