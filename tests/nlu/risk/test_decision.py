"""bot/nlu/risk/decision.py: how the rules and the learned decision make one verdict."""

from __future__ import annotations

from typing import Optional, Tuple

import pytest

from bot.nlu.risk.decision import CHECK, CHECK_INTENT, FULL, Thresholds, decide
from bot.nlu.risk.detector import RiskResult
from bot.nlu.risk.model import Scores

RULE = RiskResult("crisis", "self_harm", "self", ("self_harm.cutting",))
T = Thresholds(full=0.85, check=0.5, rule_keep=0.2, model_full=0.8, model_check=0.5)


def scores(
    escalate: float = 0.0,
    check: float = 0.0,
    category: str = "suicide",
    full: Optional[float] = None,
    caught: Optional[float] = None,
    context: Tuple[str, ...] = (),
) -> Scores:
    return Scores(escalate, check, 1 - escalate - check, 0.0, category, full, caught, context)


def test_without_models_the_rules_decide_alone() -> None:
    verdict = decide(RULE, None, T)
    assert verdict is not None and (verdict.level, verdict.intent, verdict.category, verdict.source) == (
        FULL,
        "crisis",
        "self_harm",
        "rules",
    )
    assert decide(None, None, T) is None


@pytest.mark.parametrize("context", [(), ("current",), ("recovery", "current"), ("study", "current")])
def test_a_plain_rule_hit_is_never_overruled(context: Tuple[str, ...]) -> None:
    """No harmless context, or a cue that the risk is now ("relapsed", "tonight"): the rule hit escalates in
    full whatever the learned decision says ("im not safe rite now", "i was raped")."""
    for full in (0.0, 0.3, 0.9):
        verdict = decide(RULE, scores(full=full, caught=full, context=context), T)
        assert verdict is not None and verdict.level == FULL and verdict.source == "rules"


def test_a_rule_hit_in_a_harmless_context_needs_more_from_the_decision() -> None:
    """A context cue ("two years clean", "for my essay") lets the decision overrule the rule below `rule_keep`,
    asking the safety question when it still thinks that likely."""
    recovery = ("recovery",)
    kept = decide(RULE, scores(full=0.25, caught=0.3, context=recovery), T)
    assert kept is not None and kept.level == FULL
    verdict = decide(RULE, scores(full=0.15, caught=0.6, context=recovery), T)
    assert verdict is not None and (verdict.level, verdict.intent, verdict.category) == (
        CHECK,
        CHECK_INTENT,
        "self_harm",
    )
    assert decide(RULE, scores(full=0.15, caught=0.3, context=recovery), T) is None


MENTION = RiskResult("crisis", "self_harm", "self", ("self_harm.word",), mention_only=True)


def test_a_hit_that_only_names_a_topic_is_weighed_like_a_harmless_context() -> None:
    """ "what is self harm": the decision may lower a mention with no context cue, as it does in a harmless
    context; a cue that the risk is now keeps it certain."""
    assert decide(MENTION, scores(full=0.1, caught=0.2), T) is None
    asked = decide(MENTION, scores(full=0.1, caught=0.6), T)
    assert asked is not None and asked.level == CHECK
    kept = decide(MENTION, scores(full=0.3, caught=0.6), T)
    assert kept is not None and kept.level == FULL
    now = decide(MENTION, scores(full=0.0, caught=0.0, context=("current",)), T)
    assert now is not None and now.level == FULL
    plain = decide(RULE, scores(full=0.0, caught=0.0), T)
    assert plain is not None and plain.level == FULL


@pytest.mark.parametrize(
    "category, intent",
    [
        ("suicide", "crisis"),
        ("overdose", "crisis"),
        ("abuse", "safeguarding"),
        ("danger", "safeguarding"),
        ("self_harm", "crisis"),
    ],
)
def test_the_decision_alone_escalates_above_full_with_the_models_category(category: str, intent: str) -> None:
    verdict = decide(None, scores(category=category, full=0.85, caught=0.9), T)
    assert verdict is not None and (verdict.level, verdict.intent, verdict.category, verdict.source) == (
        FULL,
        intent,
        category,
        "model",
    )


def test_distress_short_of_full_gets_the_safety_question() -> None:
    verdict = decide(None, scores(full=0.84, caught=0.5), T)
    assert verdict is not None and (verdict.level, verdict.intent) == (CHECK, CHECK_INTENT)
    assert decide(None, scores(full=0.3, caught=0.49), T) is None


@pytest.mark.parametrize(
    "escalate, check, expected",
    [(0.05, 0.05, None), (0.3, 0.25, CHECK), (0.85, 0.1, FULL)],
)
def test_without_the_learned_decision_the_general_model_thresholds_apply(
    escalate: float, check: float, expected: Optional[str]
) -> None:
    verdict = decide(None, scores(escalate=escalate, check=check), T)
    assert (verdict.level if verdict else None) == expected
    rule_verdict = decide(RULE, scores(escalate=escalate, check=check), T)
    assert rule_verdict is not None and rule_verdict.level == FULL


def test_a_longer_message_is_asked_the_safety_question_sooner() -> None:
    """Short turns are form answers ("i dont know", "its for myself") and keep `check`; a message of
    `long_words` words or more is asked above `check_long`, with or without a weighed rule hit."""
    asks_long = Thresholds(full=0.85, check=0.6, check_long=0.5, long_words=6, rule_keep=0.5)
    unsure = scores(full=0.1, caught=0.55)
    assert decide(None, unsure, asks_long, words=3) is None
    long = decide(None, unsure, asks_long, words=12)
    assert long is not None and long.level == CHECK
    weighed = scores(full=0.1, caught=0.55, context=("recovery",))
    assert decide(RULE, weighed, asks_long, words=3) is None
    verdict = decide(RULE, weighed, asks_long, words=6)
    assert verdict is not None and verdict.level == CHECK
    assert decide(None, scores(full=0.1, caught=0.45), asks_long, words=40) is None
