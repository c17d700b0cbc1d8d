"""`bot.nlu.language.LanguageRiskClassifier`: trains the other-language risk model at `rasa train` and scores
every message for the language gate.

It runs just before `LanguageGate`, which decides (bot/nlu/language/gate.py) from the crisis phrases, the
detector and these scores. The corpora are not Rasa training data, so `fingerprint_addon` hashes them: a
changed corpus retrains this component and nothing else (the same cache as the English RiskClassifier).

Scores are stored on the message under `language_risk_scores` and never added to the parse output or logged.
"""

from __future__ import annotations

import logging
import pickle
from pathlib import Path
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.language import model as model_module
from bot.nlu.language.model import LanguageRiskModel, english, load_language_corpus, long_enough
from bot.nlu.risk.component import PROJECT_ROOT
from bot.nlu.risk.model import corpus_digest, load_corpus, nlu_examples

logger = logging.getLogger(__name__)

MODEL_FILE = "language_risk_model.pkl"
SCORES_KEY = "language_risk_scores"
DEFAULTS = {"corpus": "corpus/risk_languages", "english_corpus": "corpus/risk"}


def _folder(config: Dict[Text, Any], key: str) -> Path:
    path = Path(config.get(key) or DEFAULTS[key])
    return path if path.is_absolute() else PROJECT_ROOT / path


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class LanguageRiskClassifier(GraphComponent):
    """Scores each message with the multilingual risk model (see bot/nlu/language/model.py)."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """`corpus`: the multilingual writers' files; `english_corpus`: the English writers' files."""
        return dict(DEFAULTS)

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> Optional[str]:
        """Both corpora and the model's own code: Rasa's cache keys on the config alone, so a changed feature
        or head would otherwise be served from the cache."""
        config = {**DEFAULTS, **config}
        corpora = sorted(_folder(config, "corpus").glob("*.yml"))
        corpora += sorted(_folder(config, "english_corpus").glob("*.yml"))
        return corpus_digest([*corpora, Path(model_module.__file__ or ""), Path(__file__)])

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "LanguageRiskClassifier":
        return cls({**DEFAULTS, **config}, model_storage, resource)

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "LanguageRiskClassifier":
        """The trained model; one that cannot be read stops start-up (phrases alone would be unmeasured)."""
        with model_storage.read_from(resource) as directory:
            with (Path(directory) / MODEL_FILE).open("rb") as handle:
                model = pickle.load(handle)  # noqa: S301 - our own artefact, inside our own model archive
        return cls({**DEFAULTS, **config}, model_storage, resource, model)

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        model: Optional[LanguageRiskModel] = None,
    ) -> None:
        self._config = config
        self._storage = model_storage
        self._resource = resource
        self.model = model

    def train(self, training_data: TrainingData) -> Resource:
        """Fit on both corpora and the NLU examples (English everyday wording), and store the model."""
        examples = load_language_corpus(_folder(self._config, "corpus"))
        pairs = [(m.get(TEXT), str(m.get(INTENT))) for m in training_data.intent_examples if m.get(TEXT)]
        everything = [
            *examples,
            *english(load_corpus(_folder(self._config, "english_corpus"))),
            *english(nlu_examples(pairs)),
        ]
        self.model = LanguageRiskModel.train(everything)
        with self._storage.write_to(self._resource) as directory:
            with (Path(directory) / MODEL_FILE).open("wb") as handle:
                pickle.dump(self.model, handle)
        logger.info("other-language risk model trained on %d corpus messages", len(examples))
        return self._resource

    def process(self, messages: List[Message]) -> List[Message]:
        """Attach scores; on any failure attach none, so the crisis phrases still decide alone."""
        if self.model is None:
            return messages
        for message in messages:
            text = message.get(TEXT)
            if not isinstance(text, str) or not long_enough(text):
                continue
            try:
                message.set(SCORES_KEY, self.model.scores(text))
            except Exception as error:  # noqa: BLE001 - the gate must still run
                logger.error("language risk classifier failed on a message (%s)", type(error).__name__)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
