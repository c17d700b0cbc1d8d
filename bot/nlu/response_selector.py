"""Rasa's ResponseSelector, run only for messages whose intent is a retrieval intent (faq, chitchat).

Rasa runs the ResponseSelector's neural network on every message, although its answer is only used when
the intent classifier said `faq` or `chitchat`: for the other nine in ten messages (ages, boroughs,
concerns, greetings, crisis) it was about a tenth of a turn's CPU for nothing (bench/bench_load.py profile,
2026-11-26). Training, the model and the answers are Rasa's own; the only change is that a message whose
top intent is not a retrieval intent gets no `response_selector` output, which Rasa reads only for
retrieval intents (rasa.core.processor `_update_full_retrieval_intent`). A message whose runner-up intent is
a retrieval intent (RUNNER_UP_CONFIDENCE) gets one too, for bot.nlu.intent_repair.AskServiceWhenNamed.
"""

from __future__ import annotations

from typing import List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.selectors.response_selector import ResponseSelector
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY
from rasa.shared.nlu.training_data.message import Message


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class RetrievalOnlyResponseSelector(ResponseSelector):
    """Selects a response only when the message's intent is one of the retrieval intents it was trained on."""

    def process(self, messages: List[Message]) -> List[Message]:
        wanted = set(self.all_retrieval_intents)
        selected = [m for m in messages if _retrieval_likely(m, wanted)]
        if selected:
            super().process(selected)
        return messages


# A retrieval intent this close behind the top one still gets an answer selected: bot.nlu.intent_repair may
# turn a question about "them" with no service named into the FAQ it also resembles.
RUNNER_UP_CONFIDENCE = 0.5


def _retrieval_likely(message: Message, retrieval_intents: set) -> bool:
    if (message.get(INTENT) or {}).get(INTENT_NAME_KEY) in retrieval_intents:
        return True
    ranking = (message.get(INTENT_RANKING_KEY) or [])[:3]
    return any(
        r.get(INTENT_NAME_KEY) in retrieval_intents and r.get("confidence", 0.0) >= RUNNER_UP_CONFIDENCE
        for r in ranking
    )
