"""Rasa 3.6 NLU components wrapping the rule-based extractors.

Each one is a non-trainable entity extractor: Rasa builds it with `create()` when it loads the model,
its lexicons are read and compiled once there, and `process()` only appends entities to each message
(never removing what other components found). A failure on one message is logged without its text and
that message simply gets no entities from this component.

config.yml:
  - name: bot.nlu.extractors.AgeExtractor            # age, age_band, number   (ages_file: bot/nlu/lexicons/ages.yml)
  - name: bot.nlu.extractors.PlaceExtractor          # borough, nhs_trust
  - name: bot.nlu.extractors.LexiconEntityExtractor  # concern, concern_unsure, role
    lexicons: [directory/data/concerns.yml, bot/nlu/lexicons/roles.yml]
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_ROLE,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.extractors.ages import AgeReader
from bot.nlu.extractors.lexicon import Lexicon, load_lexicons
from directory.places import load_places, resolve_place

logger = logging.getLogger(__name__)

PROJECT_ROOT = Path(__file__).resolve().parents[3]
DEFAULT_AGES_FILE = "bot/nlu/lexicons/ages.yml"
DEFAULT_LEXICONS = ["directory/data/concerns.yml", "bot/nlu/lexicons/roles.yml"]


#: The entity role of a lexicon hint ("my mum": a young person, unless someone already said who they are).
#: Slot mappings without a role never read it; the form reads it only while `role` is empty
#: (actions/form_control.py).
HINT = "hint"


def entity(kind: Text, value: Text, start: int, end: int, hint: bool = False) -> Dict[Text, Any]:
    """An entity dict in Rasa's shape (the extractor name is added by the component)."""
    found = {
        ENTITY_ATTRIBUTE_TYPE: kind,
        ENTITY_ATTRIBUTE_VALUE: value,
        ENTITY_ATTRIBUTE_START: start,
        ENTITY_ATTRIBUTE_END: end,
    }
    if hint:
        found[ENTITY_ATTRIBUTE_ROLE] = HINT
    return found


class _RuleBasedExtractor(GraphComponent, EntityExtractorMixin):
    """Shared create/process plumbing: subclasses only turn a text into entity dicts."""

    def __init__(self, config: Dict[Text, Any]) -> None:
        self._config = config

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> GraphComponent:
        """Builds the component and compiles its lexicons (at model load, not per message)."""
        return cls({**cls.get_default_config(), **config})

    def extract(self, text: Text) -> List[Dict[Text, Any]]:
        raise NotImplementedError

    def process(self, messages: List[Message]) -> List[Message]:
        """Appends this component's entities to each message's entities."""
        for message in messages:
            text = message.get(TEXT)
            if not isinstance(text, str) or not text.strip():
                continue
            try:
                found = self.add_extractor_name(self.extract(text))
            except Exception:  # one odd message must never stop the pipeline
                logger.warning("%s failed on a message of %d characters", self.name, len(text), exc_info=True)
                continue
            if found:
                message.set(ENTITIES, message.get(ENTITIES, []) + found, add_to_output=True)
        return messages


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class AgeExtractor(_RuleBasedExtractor):
    """Entities `age` ("15"), `age_band` (child | young_teen | older_teen | young_adult) and `number`."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"ages_file": DEFAULT_AGES_FILE}

    def __init__(self, config: Dict[Text, Any]) -> None:
        super().__init__(config)
        path = Path(config["ages_file"])
        self._reader = AgeReader.from_file(
            path if path.is_absolute() or path.exists() else PROJECT_ROOT / path
        )

    def extract(self, text: Text) -> List[Dict[Text, Any]]:
        """One age (with its band), else one band, else one number: Rasa keeps one value per slot."""
        found = self._reader.primary(text)
        if found is None:
            return []
        entities = []
        if found.kind in ("age", "number"):
            entities.append(entity(found.kind, str(found.value), found.start, found.end))
        if found.band and found.kind in ("age", "band"):
            entities.append(entity("age_band", found.band, found.start, found.end))
        return entities


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class PlaceExtractor(_RuleBasedExtractor):
    """Entities `borough` (contracts.md spelling or "Outside London") and `nhs_trust` (London only).

    Only the place the message says someone lives in is emitted (directory.places.resolve_place), so a
    message naming a school borough and a home borough fills the slot with the home one.
    """

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {}

    def __init__(self, config: Dict[Text, Any]) -> None:
        super().__init__(config)
        load_places()

    def extract(self, text: Text) -> List[Dict[Text, Any]]:
        place = resolve_place(text)
        if place is None:
            return []
        entities = [entity("borough", place.borough, place.start, place.end)]
        if place.nhs_trust:
            entities.append(entity("nhs_trust", place.nhs_trust, place.start, place.end))
        return entities


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class LexiconEntityExtractor(_RuleBasedExtractor):
    """Entities named by each YAML lexicon in `lexicons` (concern, concern_unsure, role)."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"lexicons": list(DEFAULT_LEXICONS)}

    def __init__(self, config: Dict[Text, Any]) -> None:
        super().__init__(config)
        self._lexicons: List[Lexicon] = load_lexicons(config["lexicons"], root=PROJECT_ROOT)

    def extract(self, text: Text) -> List[Dict[Text, Any]]:
        return [
            entity(hit.entity, hit.value, hit.start, hit.end, hint=hit.hint)
            for lexicon in self._lexicons
            for hit in lexicon.find(text)
        ]


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class ServiceNameExtractor(_RuleBasedExtractor):
    """Entity `service` (a directory service id) for each service named in the message, also misspelt."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {}

    def __init__(self, config: Dict[Text, Any]) -> None:
        super().__init__(config)
        from bot.nlu.extractors.services import ServiceNames

        self._names = ServiceNames.from_directory()

    def extract(self, text: Text) -> List[Dict[Text, Any]]:
        return [entity("service", m.service_id, m.start, m.end) for m in self._names.find(text)]
