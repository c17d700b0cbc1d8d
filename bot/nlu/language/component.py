"""`bot.nlu.language.LanguageGate`: messages in other languages get crisis help and a reply in their language.

It runs after `RiskDetector`, last in the pipeline, and never undoes an escalation. On every message:

* crisis words of any language in bot/nlu/lexicons/languages.yml (also romanised Urdu, Bengali, Arabic,
  Punjabi, which a detector reads as English) escalate as the English rules would, with no one named;
* a message detected as another language, or asking "do you speak Somali?", gets the intent
  `other_language` (replacing a safety question from the English models, which cannot read it: the reply
  in that language names 999 and 111 itself);
* either way the entity `language` carries the code, so the domain answers in that language
  (the `language` slot; utter_other_language and the first variations of utter_crisis / utter_safeguarding).
Never raises: on an internal error the message is left as the English components made it.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    EXTRACTOR,
    INTENT,
    INTENT_NAME_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.intents import set_top_intent
from bot.nlu.language.detect import ENGLISH, LanguageIdentifier, default_identifier
from bot.nlu.language.lexicon import PhraseMatcher, default_matcher
from bot.nlu.risk.component import escalate_message
from bot.nlu.risk.decision import MODEL_ESCALATION
from bot.nlu.risk.subject import UNSTATED

logger = logging.getLogger(__name__)

OTHER_LANGUAGE_INTENT = "other_language"
LANGUAGE_ENTITY = "language"
ESCALATED = ("crisis", "safeguarding")


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class LanguageGate(GraphComponent):
    """Crisis words in other languages, and answers in the person's language."""

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "LanguageGate":
        return cls(default_matcher(), default_identifier())

    def __init__(self, matcher: PhraseMatcher, identifier: LanguageIdentifier) -> None:
        self.matcher = matcher
        self.identifier = identifier

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            try:
                self._process_one(message)
            except Exception as error:  # noqa: BLE001 - the English verdict stands
                logger.error("language gate failed on a message (%s)", type(error).__name__)
        return messages

    def _process_one(self, message: Message) -> None:
        text = message.get(TEXT)
        if not isinstance(text, str) or not text.strip():
            return
        hits = self.matcher.find(text)
        risk = next((hit for hit in hits if hit.category), None)
        detected = self.identifier.identify(text)
        language = _first(
            risk.language if risk else None,
            detected if detected not in (ENGLISH, None) else None,
            next((hit.language for hit in hits if hit.category is None), None),
        )
        intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
        if intent in ESCALATED:
            pass  # the English verdict stands; only the language of the reply is added
        elif risk is not None and risk.category is not None:
            escalate_message(message, MODEL_ESCALATION[risk.category], risk.category, UNSTATED)
        elif language is not None:
            set_top_intent(message, OTHER_LANGUAGE_INTENT)
        if language is not None:
            _add_language(message, language)


def _first(*values: Optional[str]) -> Optional[str]:
    return next((value for value in values if value), None)


def _add_language(message: Message, code: str) -> None:
    entities = [e for e in message.get(ENTITIES) or [] if e.get(ENTITY_ATTRIBUTE_TYPE) != LANGUAGE_ENTITY]
    entities.append(
        {
            ENTITY_ATTRIBUTE_TYPE: LANGUAGE_ENTITY,
            ENTITY_ATTRIBUTE_VALUE: code,
            ENTITY_ATTRIBUTE_START: 0,
            ENTITY_ATTRIBUTE_END: len(message.get(TEXT) or ""),
            EXTRACTOR: "LanguageGate",
        }
    )
    message.set(ENTITIES, entities, add_to_output=True)
