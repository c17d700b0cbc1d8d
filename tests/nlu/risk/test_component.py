"""The Rasa component: override of DIET, the guarded ML second line, and never raising."""

from __future__ import annotations

import shutil
from typing import Dict, List, Optional

import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.risk.component import SCORES_KEY, RiskDetector
from bot.nlu.risk.model import Scores


def parsed(text: str, ranking: Optional[List[Dict]] = None, entities: Optional[List[Dict]] = None) -> Message:
    """A message as DIET + FallbackClassifier would leave it."""
    ranking = ranking or [{"name": "greet", "confidence": 0.9}, {"name": "crisis", "confidence": 0.1}]
    data = {"text": text, "intent": dict(ranking[0]), "intent_ranking": ranking}
    if entities is not None:
        data["entities"] = entities
    return Message(data=data)


def risk_entities(message: Message) -> Dict[str, str]:
    return {
        e["entity"]: e["value"] for e in message.get("entities") or [] if e.get("extractor") == "RiskDetector"
    }


def test_registered_for_config_name() -> None:
    from rasa.engine.recipes.default_recipe import DefaultV1Recipe

    registered = DefaultV1Recipe._from_registry("bot.nlu.risk.RiskDetector")
    assert registered.clazz is RiskDetector
    assert not registered.is_trainable
    assert DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER in registered.types


def test_detection_overrides_diet_intent(component: RiskDetector) -> None:
    message = parsed("i wanna kms", entities=[{"entity": "age", "value": "15", "extractor": "AgeExtractor"}])
    component.process([message])
    assert message.get("intent") == {"name": "crisis", "confidence": 1.0}
    assert message.get("intent_ranking")[0] == {"name": "crisis", "confidence": 1.0}
    assert [r["name"] for r in message.get("intent_ranking")].count("crisis") == 1
    assert risk_entities(message) == {"risk_category": "suicide", "risk_subject": "self"}
    assert any(e["entity"] == "age" for e in message.get("entities")), "other entities are kept"


def test_safeguarding_override_for_someone_else(component: RiskDetector) -> None:
    message = parsed("my dad hits my sister", [{"name": "inform", "confidence": 0.97}])
    component.process([message])
    assert message.get("intent")["name"] == "safeguarding"
    assert risk_entities(message) == {"risk_category": "abuse", "risk_subject": "other"}


def test_high_confidence_diet_crisis_with_hyperbole_is_demoted(component: RiskDetector) -> None:
    message = parsed(
        "this homework is killing me",
        [{"name": "crisis", "confidence": 0.99}, {"name": "inform", "confidence": 0.01}],
    )
    component.process([message])
    assert message.get("intent") == {"name": "inform", "confidence": 0.01}
    assert all(r["name"] not in ("crisis", "safeguarding") for r in message.get("intent_ranking"))
    assert risk_entities(message) == {}


def test_low_confidence_diet_crisis_is_demoted(component: RiskDetector) -> None:
    message = parsed(
        "i feel a bit off today",
        [
            {"name": "crisis", "confidence": component.threshold - 0.05},
            {"name": "inform", "confidence": 0.04},
        ],
    )
    component.process([message])
    assert message.get("intent")["name"] == "inform"


def test_high_confidence_diet_crisis_without_hyperbole_is_kept(component: RiskDetector) -> None:
    message = parsed(
        "everything feels pitch black and i see no way forward",
        [{"name": "crisis", "confidence": 0.999}, {"name": "inform", "confidence": 0.001}],
    )
    component.process([message])
    assert message.get("intent")["name"] == "crisis"
    assert risk_entities(message) == {"risk_category": "suicide", "risk_subject": "self"}


def test_ml_safeguarding_guess_is_consistent(component: RiskDetector) -> None:
    message = parsed(
        "my daughter is terrified of her coach",
        [{"name": "safeguarding", "confidence": 0.999}, {"name": "inform", "confidence": 0.001}],
    )
    component.process([message])
    assert risk_entities(message) == {"risk_category": "abuse", "risk_subject": "other"}


def test_demoted_with_nothing_else_becomes_fallback(component: RiskDetector) -> None:
    message = parsed("lol i'm dead", [{"name": "crisis", "confidence": 0.99}])
    component.process([message])
    assert message.get("intent")["name"] == "nlu_fallback"


def test_ordinary_message_is_untouched(component: RiskDetector) -> None:
    message = parsed("i live in hackney", [{"name": "inform", "confidence": 0.95}])
    component.process([message])
    assert message.get("intent") == {"name": "inform", "confidence": 0.95}
    assert not risk_entities(message)


@pytest.mark.parametrize(
    "text",
    ["", "   ", "\x00\x07", "🙂" * 500, "x" * 100_000, "Ελληνικά", None],
    ids=["empty", "spaces", "control", "emoji", "long", "greek", "none"],
)
def test_odd_messages_never_raise(component: RiskDetector, text) -> None:
    """Odd text leaves the classifier's intent alone, and a risk phrase after it still escalates."""
    message = parsed(text)
    component.process([message])
    assert message.get("intent") == {"name": "greet", "confidence": 0.9}
    assert not risk_entities(message)
    if text is not None:
        risky = parsed(text + " i want to kill myself")
        component.process([risky])
        assert risky.get("intent") == {"name": "crisis", "confidence": 1.0}
        assert risk_entities(risky) == {"risk_category": "suicide", "risk_subject": "self"}


def test_internal_error_escalates_and_logs_without_text(caplog: pytest.LogCaptureFixture) -> None:
    class Broken:
        def analyse(self, text):
            raise RuntimeError(f"could not handle {text}")

    detector = RiskDetector({}, matcher=Broken())  # type: ignore[arg-type]
    message = parsed("a perfectly ordinary secret message")
    with caplog.at_level("ERROR"):
        detector.process([message])
    assert message.get("intent") == {"name": "crisis", "confidence": 1.0}
    assert risk_entities(message) == {"risk_category": "suicide", "risk_subject": "self"}
    assert caplog.records
    assert all("secret" not in r.getMessage() and not r.exc_info for r in caplog.records)


def test_no_message_text_in_logs(component: RiskDetector, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level("DEBUG"):
        component.process([parsed("my uncle touches me zebra"), parsed("homework is killing me zebra")])
    assert caplog.records, "pattern ids are logged at DEBUG"
    assert all("zebra" not in r.getMessage() and r.levelname == "DEBUG" for r in caplog.records)


def test_lexicon_path_is_configurable(tmp_path) -> None:
    from bot.nlu.risk.lexicon import DEFAULT_LEXICON

    copy = tmp_path / "lexicon"
    shutil.copytree(DEFAULT_LEXICON, copy)
    detector = RiskDetector.create({"lexicon": str(copy)}, None, None, None)  # type: ignore[arg-type]
    message = parsed("i wanna kms")
    detector.process([message])
    assert message.get("intent")["name"] == "crisis"


@pytest.mark.parametrize(
    "intent, asked", [("deny", False), ("goodbye", False), ("inform", True), ("chitchat", True)]
)
def test_models_alone_do_not_ask_the_safety_question_of_a_turn_diet_is_sure_answers_the_conversation(
    component: RiskDetector, intent: str, asked: bool
) -> None:
    """ "no i dont think so" to "anything else?": the models' safety question is not asked when DIET is sure
    the turn is a plain conversational answer; a worry ("inform") or chit-chat (distress is often read as
    chit-chat) still gets it."""
    message = parsed("no i dont think so", ranking=[{"name": intent, "confidence": 0.95}])
    message.set(SCORES_KEY, Scores(0.1, 0.7, 0.2, 0.0, "suicide", full=0.1, caught=0.8, context=()))
    component.process([message])
    assert (message.get("intent")["name"] == "risk_check") is asked


def test_a_goodbye_the_models_are_sure_is_distress_still_gets_the_safety_question(
    component: RiskDetector,
) -> None:
    """ "im done with all of it" reads as a goodbye to DIET; when the models are this sure, it is asked."""
    message = parsed("im done with all of it", ranking=[{"name": "goodbye", "confidence": 0.95}])
    message.set(SCORES_KEY, Scores(0.05, 0.9, 0.05, 0.0, "suicide", full=0.05, caught=0.97, context=()))
    component.process([message])
    assert message.get("intent")["name"] == "risk_check"


def test_a_longer_message_gets_the_models_safety_question_whatever_diet_thinks(
    component: RiskDetector,
) -> None:
    message = parsed(
        "no i dont think so, i am just so tired of everything lately", [{"name": "deny", "confidence": 0.99}]
    )
    message.set(SCORES_KEY, Scores(0.1, 0.8, 0.1, 0.0, "suicide", full=0.1, caught=0.9, context=()))
    component.process([message])
    assert message.get("intent")["name"] == "risk_check"


@pytest.mark.parametrize("intent, asked", [("prefer_not_say", False), ("inform", True)])
def test_a_long_answer_to_the_form_is_not_asked_sooner_like_other_long_messages(
    intent: str, asked: bool
) -> None:
    """Messages of six words or more are asked at `check_long`; a turn DIET is sure refuses or answers a
    question ("i dont want to say where i live") keeps the short-turn threshold."""
    detector = RiskDetector({"check": 0.6, "check_long": 0.45, "long_words": 6})
    message = parsed("i would rather not say where i live", ranking=[{"name": intent, "confidence": 0.95}])
    message.set(SCORES_KEY, Scores(0.1, 0.4, 0.5, 0.0, "suicide", full=0.1, caught=0.5, context=()))
    detector.process([message])
    assert (message.get("intent")["name"] == "risk_check") is asked
