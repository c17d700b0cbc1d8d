"""`bot.nlu.risk.RiskDetector`: the Rasa 3.6 NLU component that makes the crisis/safeguarding decision.

It runs LAST in the NLU pipeline, on every message. The rules decide: on a detection the intent becomes
`crisis` or `safeguarding` with confidence 1.0 (and first in `intent_ranking`), and the entities
`risk_category` and `risk_subject` are appended, whatever DIET thought. The ML classifier is a second
line: when the rules see nothing but DIET's top intent is a risk intent, it is kept only above
`ml_confidence_threshold` and only if no hyperbole/grief/topic exception matched; otherwise it is demoted
to the next non-risk intent, so "this homework is killing me" cannot cry wolf through the model.

Threshold 0.99, by measurement (DIET trained with this project's pipeline minus RiskDetector, run on 508
must-escalate and 387 must-not-escalate messages it never saw: tests/data/risk main files plus
tests/nlu/risk/data). DIET is over-confident on unseen topics: it put `crisis`/`safeguarding` on top for 95 of
the 387 ordinary messages, 55 of them flagged by the exceptions. DIET-only risk intents that would be kept
(no exception matched): 3.6% of ordinary messages at 0.90, 2.6% at 0.95, 1.8% at 0.97, 0.5% at 0.99.
At 0.99 DIET alone still keeps 33% of the risk messages, a backstop for wordings the rules do not know.
Re-measure when the training data changes (confidences move with it).

Failure mode: if the detector raises on a message (it is built not to), the component logs at ERROR
(no text) and escalates as crisis/suicide/self. A crisis reply offered to someone who is not in crisis
costs a moment; a missed crisis can cost a life, and an error that fires on every message is noticed at
once. A lexicon that cannot be loaded stops the assistant at start-up rather than running without it.
"""

from __future__ import annotations

import logging
import os
import traceback
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    EXTRACTOR,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.intents import set_top_intent
from bot.nlu.risk.decision import CHECK, CHECK_INTENT, Thresholds, decide
from bot.nlu.risk.detector import RiskMatcher
from bot.nlu.risk.lexicon import DEFAULT_LEXICON

logger = logging.getLogger(__name__)

RISK_INTENTS = ("crisis", "safeguarding", CHECK_INTENT)
#: Where bot.nlu.risk.classifier.RiskClassifier leaves its scores (read here, never output or logged).
SCORES_KEY = "risk_scores"
#: Where RiskClassifier leaves the rules' analysis of the same text, so the rules run once per message.
ANALYSIS_KEY = "risk_analysis"
CATEGORY_ENTITY = "risk_category"
SUBJECT_ENTITY = "risk_subject"
EXTRACTOR_NAME = "RiskDetector"
FALLBACK_INTENT = DEFAULT_NLU_FALLBACK_INTENT_NAME
#: Short turns that answer the conversation itself ("no i dont think so" to "anything else?", "lets do this
#: again from the beginning", "dont wanna say" to a question of the form): when DIET is sure of one of these
#: and only the models (no rule) would ask the safety question, it is not asked. Never chit-chat (distress
#: is often read as chit-chat), never a longer message, never a rule hit, never a full escalation.
CONVERSATIONAL_INTENTS = frozenset(
    {"greet", "goodbye", "thanks", "affirm", "deny", "start_again", "prefer_not_say"}
)
CONVERSATIONAL_CONFIDENCE = 0.8
CONVERSATIONAL_MAX_WORDS = 7
#: ...unless the models are this sure it needs at least the question: "im done with all of it" reads as a
#: goodbye to DIET, and a goodbye is the worst reply to it.
SURE_DISTRESS = 0.9
#: Best guess of category when only the ML classifier saw risk.
ML_DEFAULT_CATEGORY = {"crisis": "suicide", "safeguarding": "abuse"}
#: What an internal error escalates to (see the module docstring).
ERROR_VERDICT = ("crisis", "suicide", "self")
PROJECT_ROOT = Path(__file__).resolve().parents[3]


def resolve_lexicon_path(configured: Optional[Text]) -> Path:
    """Configured path as given, else relative to the project root (Rasa may run from another cwd)."""
    if not configured:
        return DEFAULT_LEXICON
    path = Path(os.path.expanduser(configured))
    if path.is_absolute() or path.exists():
        return path
    return PROJECT_ROOT / path


@lru_cache(maxsize=4)
def shared_matcher(lexicon: Path) -> RiskMatcher:
    """One compiled matcher per lexicon for the process: RiskClassifier and RiskDetector both run the rules
    (the classifier hands its analysis on), and compiling the lexicon is the slow part of start-up."""
    return RiskMatcher.from_lexicon(lexicon)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class RiskDetector(GraphComponent):
    """Rule-based crisis/safeguarding override, with a guarded ML second line."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """`lexicon`: YAML folder or file (default bot/nlu/lexicons/risk/); `ml_confidence_threshold`: see
        module doc; the decision's thresholds (`full`, `check`, `rule_keep`...): bot/nlu/risk/decision.py."""
        return {"lexicon": None, "ml_confidence_threshold": 0.99, **vars(Thresholds())}

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "RiskDetector":
        """Loads and compiles the lexicon once; raises (stopping start-up) if it is broken."""
        return cls(config)

    def __init__(self, config: Dict[Text, Any], matcher: Optional[RiskMatcher] = None) -> None:
        self._config = {**self.get_default_config(), **config}
        self.threshold = float(self._config["ml_confidence_threshold"])
        self.thresholds = Thresholds(**{name: float(self._config[name]) for name in vars(Thresholds())})
        self.matcher = matcher or shared_matcher(resolve_lexicon_path(self._config["lexicon"]))

    def process(self, messages: List[Message]) -> List[Message]:
        """Decide risk for every message; never raises."""
        for message in messages:
            try:
                self._process_one(message)
            except Exception as error:  # noqa: BLE001 - a safety component must not take the conversation down
                logger.error(
                    "risk detector failed on a message (%s); escalating as %s/%s/%s",
                    _where(error),
                    *ERROR_VERDICT,
                )
                try:
                    escalate_message(message, *ERROR_VERDICT)
                except Exception as second:  # noqa: BLE001
                    logger.error("risk detector could not mark the message (%s)", _where(second))
        return messages

    # ------------------------------------------------------------------ internals

    def _process_one(self, message: Message) -> None:
        text = message.get(TEXT)
        if not isinstance(text, str) or not text.strip():
            return
        scores = message.get(SCORES_KEY)
        analysis = message.get(ANALYSIS_KEY) if scores is not None else None
        if analysis is None:
            analysis = self.matcher.analyse(text)
        # A turn DIET is sure answers the conversation ("i dont want to say where i live") is judged like a
        # short form answer, however many words it has: the question's longer-message threshold is not for it.
        words = 0 if _answers_the_conversation(message) else len(text.split())
        verdict = decide(analysis.result, scores, self.thresholds, words)
        if (
            verdict is not None
            and verdict.level == CHECK
            and verdict.source == "model"
            and _conversational(message)
            and (scores is None or (scores.caught or 0.0) < SURE_DISTRESS)
        ):
            verdict = None
        if verdict is not None:
            if verdict.source == "rules" and analysis.result is not None:
                subject = analysis.result.subject
            else:
                subject = self.matcher.guess_subject(text)
            logger.debug("risk verdict %s/%s from %s", verdict.level, verdict.category, verdict.source)
            escalate_message(message, verdict.intent, verdict.category, subject)
            return
        intent = message.get(INTENT) or {}
        name = intent.get(INTENT_NAME_KEY)
        if name not in RISK_INTENTS:
            return
        confidence = float(intent.get(PREDICTED_CONFIDENCE_KEY) or 0.0)
        # With the corpus-trained models present they decide; DIET's own risk intents are the backstop only
        # when those models are absent (a pipeline without RiskClassifier).
        if scores is None and confidence >= self.threshold and not analysis.hyperbole:
            logger.debug("risk intent kept from ML classifier (confidence %.3f)", confidence)
            subject = self.matcher.guess_subject(text)
            escalate_message(message, name, ML_DEFAULT_CATEGORY[name], subject, confidence=confidence)
        else:
            logger.debug(
                "risk intent from ML classifier demoted (confidence %.3f, exceptions %s)",
                confidence,
                ",".join(analysis.exception_ids) or "-",
            )
            _demote(message)


def _answers_the_conversation(message: Message) -> bool:
    intent = message.get(INTENT) or {}
    return (
        intent.get(INTENT_NAME_KEY) in CONVERSATIONAL_INTENTS
        and float(intent.get(PREDICTED_CONFIDENCE_KEY) or 0.0) >= CONVERSATIONAL_CONFIDENCE
    )


def _conversational(message: Message) -> bool:
    return (
        _answers_the_conversation(message)
        and len(str(message.get(TEXT) or "").split()) <= CONVERSATIONAL_MAX_WORDS
    )


def _where(error: BaseException) -> str:
    """Exception type and innermost code location, never its message (which could quote the text)."""
    frames = traceback.extract_tb(error.__traceback__)
    place = f" at {Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else ""
    return f"{type(error).__name__}{place}"


def escalate_message(
    message: Message, escalation: str, category: str, subject: str, confidence: float = 1.0
) -> None:
    """Set the risk intent on top of the ranking and the two risk entities (replacing earlier ones)."""
    set_top_intent(message, escalation, confidence)
    length = len(message.get(TEXT) or "")
    entities = [
        e
        for e in message.get(ENTITIES) or []
        if e.get(ENTITY_ATTRIBUTE_TYPE) not in (CATEGORY_ENTITY, SUBJECT_ENTITY)
    ]
    for entity_type, value in ((CATEGORY_ENTITY, category), (SUBJECT_ENTITY, subject)):
        entities.append(
            {
                ENTITY_ATTRIBUTE_TYPE: entity_type,
                ENTITY_ATTRIBUTE_VALUE: value,
                ENTITY_ATTRIBUTE_START: 0,
                ENTITY_ATTRIBUTE_END: length,
                "confidence_entity": confidence,
                EXTRACTOR: EXTRACTOR_NAME,
            }
        )
    message.set(ENTITIES, entities, add_to_output=True)


def _demote(message: Message) -> None:
    """Replace an untrusted ML risk intent by the next non-risk intent (or nlu_fallback)."""
    ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get(INTENT_NAME_KEY) not in RISK_INTENTS]
    if ranking:
        intent = dict(ranking[0])
    else:
        intent = {INTENT_NAME_KEY: FALLBACK_INTENT, PREDICTED_CONFIDENCE_KEY: 1.0}
        ranking = [dict(intent)]
    message.set(INTENT, intent, add_to_output=True)
    message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
