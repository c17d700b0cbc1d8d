"""Tell a message written in another language from English the assistant did not understand.

"I can only chat in English" is the right reply only for a message that is not English; "which of these is
free?" or "ok im safe for now" must never get it. Lingua (lingua-language-detector, an offline detector
that ships its own models) reads the message in two steps:
1. its low-accuracy mode over a restricted list of languages spoken in London (fast, small models) names
   the likeliest language; English ends it;
2. otherwise its high-accuracy mode compares only English and that language (models loaded on first need,
   about 20 MB each): the message is that language when English scores under MAX_ENGLISH. The low mode
   alone took "whats the wellbeing hub" for German and "I'm his foster carer" for Romanian with over 90%
   confidence; the pair scored them 0.77 and 0.68 English, and Spanish, French or Polish 0.02 or less.
A message needs at least MIN_WORDS words (short English like "idk" or "lol ok thx" is too short to judge),
unless most of its letters are in a non-Latin script (Arabic, Bengali, Cyrillic, Chinese...).
Then the intent becomes `other_language` and the entity `language` carries the ISO 639-1 code: the hook
for replies in that language. The RiskDetector runs after this component and still overrides it.
"""

from __future__ import annotations

import logging
import unicodedata
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import (
    ENTITIES,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

logger = logging.getLogger(__name__)

OTHER_LANGUAGE_INTENT = "other_language"
LANGUAGE_ENTITY = "language"
MIN_WORDS = 3
MAX_ENGLISH = 0.05
# Languages most spoken in London after English (Census 2021), as Lingua names them.
LANGUAGES = (
    "ENGLISH", "POLISH", "ROMANIAN", "BENGALI", "PORTUGUESE", "SPANISH", "TURKISH", "ARABIC", "URDU",
    "PUNJABI", "GUJARATI", "ITALIAN", "FRENCH", "SOMALI", "LITHUANIAN", "TAMIL", "BULGARIAN", "RUSSIAN",
    "UKRAINIAN", "PERSIAN", "HINDI", "CHINESE", "GREEK", "ALBANIAN", "GERMAN", "VIETNAMESE", "YORUBA",
)  # fmt: skip


def _non_latin_share(text: str) -> float:
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return 0.0
    return sum(1 for c in letters if not unicodedata.name(c, "").startswith("LATIN")) / len(letters)


class LanguageGuess:
    """Lingua over the London language list; `other_language(text)` is the ISO code of a non-English message."""

    def __init__(self) -> None:
        from lingua import Language, LanguageDetectorBuilder

        self._builder = LanguageDetectorBuilder
        self._english = Language.ENGLISH
        languages = [getattr(Language, name) for name in LANGUAGES]
        self._quick = LanguageDetectorBuilder.from_languages(*languages).with_low_accuracy_mode().build()
        self._quick.detect_language_of("warm up the models now, not on the first message")
        self._pairs: Dict[Any, Any] = {}

    def _english_score(self, text: str, language: Any) -> float:
        """English's confidence against `language` alone, in Lingua's high-accuracy mode."""
        if language not in self._pairs:
            self._pairs[language] = self._builder.from_languages(self._english, language).build()
        values = self._pairs[language].compute_language_confidence_values(text)
        return next((v.value for v in values if v.language == self._english), 0.0)

    def other_language(self, text: str) -> Optional[str]:
        """The ISO 639-1 code when the text is clearly not English, else None."""
        if not text or not text.strip():
            return None
        values = self._quick.compute_language_confidence_values(text)
        if not values or values[0].language == self._english:
            return None
        language = values[0].language
        code = language.iso_code_639_1.name.lower()
        if _non_latin_share(text) > 0.5:
            return code
        words = [w for w in text.split() if any(c.isalpha() for c in w)]
        if len(words) >= MIN_WORDS and self._english_score(text, language) < MAX_ENGLISH:
            return code
        return None


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class OtherLanguageDetector(GraphComponent):
    """Sets intent `other_language` and entity `language` for messages that are not English (module doc)."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {}

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "OtherLanguageDetector":
        return cls()

    def __init__(self) -> None:
        self._guess = LanguageGuess()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT)
            if not isinstance(text, str) or text.startswith("/"):
                continue
            try:
                code = self._guess.other_language(text)
            except Exception:  # language detection must never stop the pipeline
                logger.warning("language detection failed on a message of %d characters", len(text))
                continue
            if code is None:
                continue
            intent = {INTENT_NAME_KEY: OTHER_LANGUAGE_INTENT, PREDICTED_CONFIDENCE_KEY: 1.0}
            ranking = [
                r
                for r in message.get(INTENT_RANKING_KEY) or []
                if r.get(INTENT_NAME_KEY) != OTHER_LANGUAGE_INTENT
            ]
            message.set(INTENT, intent, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [dict(intent)] + ranking, add_to_output=True)
            found = {
                "entity": LANGUAGE_ENTITY,
                "value": code,
                "start": 0,
                "end": len(text),
                "extractor": type(self).__name__,
            }
            message.set(ENTITIES, (message.get(ENTITIES) or []) + [found], add_to_output=True)
        return messages
