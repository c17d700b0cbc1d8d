"""Rasa's ResponseSelector, run only for messages whose intent is a retrieval intent (faq, chitchat).

Rasa runs the ResponseSelector's neural network on every message, although its answer is only used when
the intent classifier said `faq` or `chitchat`: for the other nine in ten messages (ages, boroughs,
concerns, greetings, crisis) it was about a tenth of a turn's CPU for nothing (bench/bench_load.py profile,
2026-11-26). Training, the model and the answers are Rasa's own; the only change is that a message whose
top intent is not a retrieval intent gets no `response_selector` output, which Rasa reads only for
retrieval intents (rasa.core.processor `_update_full_retrieval_intent`).
"""

from __future__ import annotations

from typing import List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.selectors.response_selector import ResponseSelector
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY
from rasa.shared.nlu.training_data.message import Message


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class RetrievalOnlyResponseSelector(ResponseSelector):
    """Selects a response only when the message's intent is one of the retrieval intents it was trained on."""

    def process(self, messages: List[Message]) -> List[Message]:
        wanted = set(self.all_retrieval_intents)
        selected = [m for m in messages if (m.get(INTENT) or {}).get(INTENT_NAME_KEY) in wanted]
        if selected:
            super().process(selected)
        return messages
