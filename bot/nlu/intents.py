"""One way for our NLU components to overrule the intent classifier."""

from __future__ import annotations

from typing import Iterable

from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY
from rasa.shared.nlu.training_data.message import Message


def set_top_intent(message: Message, name: str, confidence: float = 1.0, drop: Iterable[str] = ()) -> None:
    """Make `name` the message's intent and the top of its ranking; `name` and the `drop` intents leave the
    rest of the ranking, which otherwise keeps its order."""
    intent = {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: confidence}
    removed = {name, *drop}
    ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get(INTENT_NAME_KEY) not in removed]
    message.set(INTENT, intent, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [dict(intent)] + ranking, add_to_output=True)
