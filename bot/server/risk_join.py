"""Risk told across two messages: "I've decided." then "tonight".

People in distress often send one thought in pieces, and each piece alone is nothing the risk decision can
act on. When a short message follows one that raised no alarm, or one that was only asked the safety
question, the two are also read together, as one message; if only the pair needs a full escalation, the
short message carries it (intent, risk category and subject), exactly as if it had been sent in one piece.
"ive made my decision" may get the safety question; "tonight" after it is no answer the safety rules know
(it was taken for a question about services), but the pair is a plan with a time.

Nothing is joined after a full escalation (the dialogue is already answering it), across a new session, or
with button payloads; and a yes, a no or "I'm safe" after the safety question is the answer to it, left to
the safety rules (data/rules/safety.yml), so a no is never turned into an alarm.

Only a full escalation of the pair is carried, never its safety question: two short form answers read as
one ("not saying" then "rather not say") are unlike anything the models learned from, and asked the
safety question where neither message alone did.

The cost is one more NLU pass for short messages that follow a calm one. The joined text is never stored
or logged: only the person's own message is kept, as it was sent.

`install()` wraps Rasa's `MessageProcessor.parse_message` (already wrapped by bot/server/slash_gate.py),
which receives the conversation's tracker while its lock is held; bot/server/rasa_patches.py applies it.
"""

from __future__ import annotations

import functools
import logging
from typing import Any, Dict, List, Optional, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.processor import MessageProcessor
from rasa.shared.core.events import Restarted, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.nlu.intent_repair import SAFE_FIND_INTENT, SAFE_INTENT
from bot.nlu.risk.component import CATEGORY_ENTITY, RISK_INTENTS, SUBJECT_ENTITY
from bot.nlu.risk.decision import CHECK_INTENT
from bot.server.slash_gate import with_text

logger = logging.getLogger(__name__)

#: A message this short may be the rest of the one before ("tonight", "with all of them", "i mean it").
JOIN_MAX_WORDS = 8
RISK_ENTITIES = (CATEGORY_ENTITY, SUBJECT_ENTITY)
#: What a pair may carry: a full escalation (see the module docstring).
CARRIED_INTENTS = tuple(intent for intent in RISK_INTENTS if intent != CHECK_INTENT)
#: The answers to the safety question its rules act on; never joined with the message that was asked it.
SAFETY_ANSWERS = frozenset({"affirm", "deny", SAFE_INTENT, SAFE_FIND_INTENT})


def _intent(parse: Dict[Text, Any]) -> Optional[str]:
    return (parse.get("intent") or {}).get("name")


def previous_message(tracker: Optional[DialogueStateTracker]) -> Optional[UserUttered]:
    """The person's previous message in this session, if it was typed (not a button) and escalated nothing
    in full: calm, or only asked the safety question."""
    if tracker is None:
        return None
    for event in reversed(tracker.events):
        if isinstance(event, (SessionStarted, Restarted)):
            return None
        if isinstance(event, UserUttered):
            text = (event.text or "").strip()
            if not text or text.startswith("/") or _intent(event.parse_data) in CARRIED_INTENTS:
                return None
            return event
    return None


def worth_joining(text: str, parse: Dict[Text, Any], previous: Optional[UserUttered]) -> bool:
    """A short, calm message after a calm one, or after the safety question when it is not an answer to it."""
    words = text.split()
    intent = _intent(parse)
    return (
        previous is not None
        and 0 < len(words) <= JOIN_MAX_WORDS
        and not text.lstrip().startswith("/")
        and intent not in RISK_INTENTS
        and not (_intent(previous.parse_data) == CHECK_INTENT and intent in SAFETY_ANSWERS)
    )


def joined(previous: str, text: str) -> str:
    """The two messages as one, as the person might have typed them."""
    return f"{previous.rstrip()} {text.strip()}"


def carry_escalation(parse: Dict[Text, Any], pair: Dict[Text, Any]) -> Dict[Text, Any]:
    """`parse` with the pair's risk verdict: its intent and ranking, and its risk entities added."""
    entities: List[Dict[Text, Any]] = [
        e for e in parse.get("entities") or [] if e.get("entity") not in RISK_ENTITIES
    ]
    length = len(parse.get("text") or "")
    for entity in pair.get("entities") or []:
        if entity.get("entity") in RISK_ENTITIES:
            entities.append({**entity, "start": 0, "end": length})
    return {
        **parse,
        "intent": pair.get("intent"),
        "intent_ranking": pair.get("intent_ranking") or [],
        "entities": entities,
    }


def install() -> bool:
    """Wrap MessageProcessor.parse_message (once); True if it was wrapped now."""
    if getattr(MessageProcessor.parse_message, "_camhs_risk_join", False):
        return False
    inner = MessageProcessor.parse_message

    @functools.wraps(inner)  # keeps the slash gate's mark, so applying the patches again wraps nothing twice
    async def parse_message(
        self: MessageProcessor,
        message: UserMessage,
        tracker: Optional[DialogueStateTracker] = None,
        only_output_properties: bool = True,
    ) -> Dict[Text, Any]:
        parse = await inner(self, message, tracker, only_output_properties)
        text = message.text or ""
        previous = previous_message(tracker)
        if previous is None or not worth_joining(text, parse, previous):
            return parse
        both = with_text(message, joined(previous.text or "", text))
        pair = await inner(self, both, tracker, only_output_properties)
        if _intent(pair) not in CARRIED_INTENTS:
            return parse
        logger.debug("risk seen only in two messages read together: %s", _intent(pair))
        return carry_escalation(parse, pair)

    parse_message._camhs_risk_join = True  # type: ignore[attr-defined]
    MessageProcessor.parse_message = parse_message  # type: ignore[method-assign]
    return True
