"""`bot.nlu.language.LanguageGate`: messages in other languages get crisis help and a reply in their language.

It runs after `RiskDetector`, last in the pipeline, and never undoes an escalation. On every message:

* crisis words of any language in bot/nlu/lexicons/languages.yml (also romanised Urdu, Bengali, Arabic,
  Punjabi, which a detector reads as English) escalate as the English rules would, with no one named;
* so does a message in another language that the learned model (`LanguageRiskClassifier`, just before this
  component; bot/nlu/language/model.py) judges a crisis: the decision is bot/nlu/language/gate.py;
* a message detected as another language (by the detector, or by the model's language head for romanised
  forms and scripts the detector does not know), or asking "do you speak Somali?", gets the intent
  `other_language` (replacing a safety question from the English models, which cannot read it: the reply
  in that language names 999 and 111 itself);
* either way the entity `language` carries the code, so the domain answers in that language
  (the `language` slot; utter_other_language and the first variations of utter_crisis / utter_safeguarding).
Never raises: on an internal error the message is left as the English components made it.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Text

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
from bot.nlu.language.classifier import SCORES_KEY
from bot.nlu.language.detect import LanguageIdentifier, default_identifier
from bot.nlu.language.gate import GateThresholds, gate_verdict
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

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """The thresholds of bot/nlu/language/gate.py."""
        return {"full_threshold": GateThresholds.full, "romanised_threshold": GateThresholds.romanised}

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "LanguageGate":
        config = {**cls.get_default_config(), **config}
        thresholds = GateThresholds(float(config["full_threshold"]), float(config["romanised_threshold"]))
        return cls(default_matcher(), default_identifier(), thresholds)

    def __init__(
        self,
        matcher: PhraseMatcher,
        identifier: LanguageIdentifier,
        thresholds: GateThresholds = GateThresholds(),
    ) -> None:
        self.matcher = matcher
        self.identifier = identifier
        self.thresholds = thresholds

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
        verdict = gate_verdict(
            self.matcher.find(text),
            self.identifier.identify(text),
            message.get(SCORES_KEY),
            self.thresholds,
            text,
        )
        intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
        if intent in ESCALATED:
            pass  # the English verdict stands; only the language of the reply is added
        elif verdict.category is not None:
            escalate_message(message, MODEL_ESCALATION[verdict.category], verdict.category, UNSTATED)
        elif verdict.foreign:
            set_top_intent(message, OTHER_LANGUAGE_INTENT)
        if verdict.language is not None:
            _add_language(message, verdict.language)


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
