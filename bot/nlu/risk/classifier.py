"""`bot.nlu.risk.RiskClassifier`: trains the learned risk models at `rasa train` and scores every message.

It runs just before `RiskDetector`, which makes the decision (bot/nlu/risk/decision.py) from the rules and
these scores. The learned decision weighs the rules' hit, so the rules run here and their analysis is
left on the message for `RiskDetector` (one run per message). The corpus is not Rasa training data, so
`fingerprint_addon` hashes it (and the rule lexicon and the context cues, which shape the veto model and
the decision): a changed corpus retrains this component and nothing else.

Scores and the analysis are stored on the message (`risk_scores`, `risk_analysis`) and never added to the
parse output or logged.
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

from bot.nlu.risk.component import (
    ANALYSIS_KEY,
    PROJECT_ROOT,
    SCORES_KEY,
    resolve_lexicon_path,
    shared_matcher,
)
from bot.nlu.risk.context import CONTEXT_FILE
from bot.nlu.risk.model import RiskModel, corpus_digest, load_corpus, long_enough, nlu_examples

logger = logging.getLogger(__name__)

MODEL_FILE = "risk_model.pkl"
DEFAULT_CORPUS = "corpus/risk"


def _corpus_dir(config: Dict[Text, Any]) -> Path:
    path = Path(config.get("corpus") or DEFAULT_CORPUS)
    return path if path.is_absolute() else PROJECT_ROOT / path


def _lexicon_files(config: Dict[Text, Any]) -> List[Path]:
    lexicon = resolve_lexicon_path(config.get("lexicon"))
    return (sorted(lexicon.rglob("*.yml")) if lexicon.is_dir() else [lexicon]) + [CONTEXT_FILE]


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class RiskClassifier(GraphComponent):
    """Scores each message with the corpus-trained risk models (see bot/nlu/risk/model.py)."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """`corpus`: folder of writers' YAML files; `lexicon`: the rules' lexicon (for the veto model)."""
        return {"corpus": DEFAULT_CORPUS, "lexicon": None}

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> Optional[str]:
        files = sorted(_corpus_dir(config).glob("*.yml")) + _lexicon_files(config)
        return corpus_digest(files)

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "RiskClassifier":
        return cls({**cls.get_default_config(), **config}, model_storage, resource)

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "RiskClassifier":
        """The trained models; a model that cannot be read stops start-up (rules alone would be unmeasured)."""
        with model_storage.read_from(resource) as directory:
            with (Path(directory) / MODEL_FILE).open("rb") as handle:
                model = pickle.load(handle)  # noqa: S301 - our own artefact, inside our own model archive
        return cls({**cls.get_default_config(), **config}, model_storage, resource, model)

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        model: Optional[RiskModel] = None,
    ) -> None:
        self._config = config
        self._storage = model_storage
        self._resource = resource
        self.model = model
        self.matcher = shared_matcher(resolve_lexicon_path(config.get("lexicon")))

    def train(self, training_data: TrainingData) -> Resource:
        """Fit on the corpus and the NLU examples, and store the models in the Rasa model."""
        examples = load_corpus(_corpus_dir(self._config))
        pairs = [(m.get(TEXT), str(m.get(INTENT))) for m in training_data.intent_examples if m.get(TEXT)]
        self.model = RiskModel.train(examples, self._rule_category, nlu_examples(pairs))
        with self._storage.write_to(self._resource) as directory:
            with (Path(directory) / MODEL_FILE).open("wb") as handle:
                pickle.dump(self.model, handle)
        logger.info("risk models trained on %d corpus messages", len(examples))
        return self._resource

    def _rule_category(self, text: str) -> Optional[str]:
        result = self.matcher.analyse(text).result
        return result.category if result else None

    def process(self, messages: List[Message]) -> List[Message]:
        """Attach the rules' analysis and the scores; on any failure attach none, so `RiskDetector` runs the
        rules itself and they decide alone."""
        if self.model is None:
            return messages
        for message in messages:
            text = message.get(TEXT)
            if not isinstance(text, str) or not long_enough(text):
                continue
            try:
                analysis = self.matcher.analyse(text)
                rule = analysis.result.category if analysis.result else None
                message.set(SCORES_KEY, self.model.scores(text, rule))
                message.set(ANALYSIS_KEY, analysis)
            except Exception as error:  # noqa: BLE001 - the rules must still run
                logger.error("risk classifier failed on a message (%s)", type(error).__name__)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
