"""bot/nlu/risk/decision.py: how the rules, the veto model and the general model make one verdict."""

from __future__ import annotations

from typing import Optional

import pytest

from bot.nlu.risk.decision import CHECK, CHECK_INTENT, FULL, Thresholds, decide
from bot.nlu.risk.detector import RiskResult
from bot.nlu.risk.model import Scores

RULE = RiskResult("crisis", "self_harm", "self", ("self_harm.cutting",))
T = Thresholds(veto=0.7, full=0.8, check=0.5, veto_sure=0.9)


def scores(escalate: float = 0.0, check: float = 0.0, veto: float = 0.0, category: str = "suicide") -> Scores:
    return Scores(escalate=escalate, check=check, none=1 - escalate - check, veto=veto, category=category)


def test_with_the_veto_off_a_rule_hit_always_escalates_in_full() -> None:
    verdict = decide(RULE, scores(veto=0.99), Thresholds())
    assert verdict is not None and verdict.level == FULL and verdict.source == "rules"


def test_without_models_the_rules_decide_alone() -> None:
    assert decide(RULE, None, T) == decide(RULE, scores(), T)
    verdict = decide(RULE, None, T)
    assert verdict is not None and (verdict.level, verdict.intent, verdict.category) == (
        FULL,
        "crisis",
        "self_harm",
    )
    assert decide(None, None, T) is None


def test_a_rule_hit_the_veto_model_trusts_escalates_in_full() -> None:
    verdict = decide(RULE, scores(veto=0.69), T)
    assert verdict is not None and verdict.level == FULL and verdict.source == "rules"


@pytest.mark.parametrize(
    "escalate, check, expected",
    [(0.05, 0.05, None), (0.3, 0.25, CHECK), (0.85, 0.1, FULL)],
)
def test_a_vetoed_rule_hit_falls_to_the_general_model(
    escalate: float, check: float, expected: Optional[str]
) -> None:
    verdict = decide(RULE, scores(escalate=escalate, check=check, veto=0.9), T)
    assert (verdict.level if verdict else None) == expected


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
def test_the_model_alone_escalates_above_full_with_its_category(category: str, intent: str) -> None:
    verdict = decide(None, scores(escalate=0.8, category=category), T)
    assert verdict is not None and (verdict.level, verdict.intent, verdict.category) == (
        FULL,
        intent,
        category,
    )


def test_distress_short_of_full_gets_the_safety_question() -> None:
    verdict = decide(None, scores(escalate=0.2, check=0.3), T)
    assert verdict is not None and (verdict.level, verdict.intent) == (CHECK, CHECK_INTENT)
    assert decide(None, scores(escalate=0.2, check=0.29), T) is None


def test_a_rule_hit_the_veto_model_doubts_still_gets_the_safety_question() -> None:
    """Between `veto` and `veto_sure` a rule hit the general model does not back is asked about, not dropped."""
    verdict = decide(RULE, scores(escalate=0.05, check=0.05, veto=0.8), T)
    assert verdict is not None and (verdict.level, verdict.intent, verdict.category) == (
        CHECK,
        CHECK_INTENT,
        "self_harm",
    )
    assert decide(RULE, scores(escalate=0.05, check=0.05, veto=0.95), T) is None
