"""Only buttons speak slash: `/intent{"slot": "value"}` typed by a person is read as plain text.

Rasa takes any message that begins with `/` as an intent with entities, so `/inform{"borough": "<img ...>"}`
set a slot to whatever a client wrote, and text beginning with `/` that did not parse went into a Rasa
warning, verbatim. Here a message beginning with `/` keeps that meaning only when it is exactly a payload the
assistant offered as a button earlier in this conversation (the values are then the domain's own), or the
widget's opening `/greet` (no entities). Anything else is parsed as the text after the slash (the risk
detector and the extractors read it like any typed answer, so typed values are validated the usual way);
the person's words are stored as they were sent.

`install()` wraps Rasa's `MessageProcessor.parse_message`, which receives the conversation's tracker while
its lock is held; bot/server/rasa_patches.py applies it with the other patches.
"""

from __future__ import annotations

from typing import Any, Dict, FrozenSet, Optional, Set, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.processor import MessageProcessor
from rasa.shared.core.events import BotUttered
from rasa.shared.core.trackers import DialogueStateTracker

#: Rasa's own parse_message, kept before the patch replaces it.
RASA_PARSE_MESSAGE = MessageProcessor.parse_message
#: Payloads a client may send without their being offered: the widget opens every conversation with it.
ALWAYS_ALLOWED: FrozenSet[str] = frozenset({"/greet"})


def offered_payloads(tracker: Optional[DialogueStateTracker]) -> Set[str]:
    """Every button payload the assistant sent in this conversation (its current session)."""
    if tracker is None:
        return set()
    return {
        button["payload"]
        for event in tracker.events
        if isinstance(event, BotUttered)
        for button in (event.data or {}).get("buttons") or []
        if isinstance(button, dict) and isinstance(button.get("payload"), str)
    }


def as_plain_text(text: str) -> str:
    """What the NLU reads for slash text that is not an offered payload: the words after the slashes."""
    return text.strip().lstrip("/").strip() or "?"


def speaks_slash(text: str, tracker: Optional[DialogueStateTracker]) -> bool:
    """True when `text` is a payload the assistant offered (or always allows)."""
    wanted = text.strip()
    return wanted in ALWAYS_ALLOWED or wanted in offered_payloads(tracker)


def with_text(message: UserMessage, text: str) -> UserMessage:
    """The same message (sender, channels, id) with other text, to parse in its place."""
    return UserMessage(
        text,
        message.output_channel,
        message.sender_id,
        input_channel=message.input_channel,
        message_id=message.message_id,
    )


def install() -> bool:
    """Wrap MessageProcessor.parse_message (once); True if it was wrapped now."""
    if getattr(MessageProcessor.parse_message, "_camhs_slash_gate", False):
        return False
    original = RASA_PARSE_MESSAGE

    async def parse_message(
        self: MessageProcessor,
        message: UserMessage,
        tracker: Optional[DialogueStateTracker] = None,
        only_output_properties: bool = True,
    ) -> Dict[Text, Any]:
        text = message.text or ""
        if not text.lstrip().startswith("/") or speaks_slash(text, tracker):
            return await original(self, message, tracker, only_output_properties)
        plain = with_text(message, as_plain_text(text))
        parse_data = await original(self, plain, tracker, only_output_properties)
        parse_data["text"] = text
        return parse_data

    parse_message._camhs_slash_gate = True  # type: ignore[attr-defined]
    MessageProcessor.parse_message = parse_message  # type: ignore[method-assign]
    return True
