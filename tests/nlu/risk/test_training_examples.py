"""The NLU examples the learned risk models also train on never contradict the rules.

bot/nlu/risk/model.nlu_examples labels every example of a non-risk intent "none" for the risk models. An FAQ
example such as "do i have to tell someone if my friend is hurting herself" (added with a new topic) taught
them that a friend's self-harm is nothing to act on; the rules escalate it.
"""

from __future__ import annotations

from pathlib import Path
from typing import List, Tuple

import pytest
from rasa.shared.nlu.training_data.loading import load_data

from bot.nlu.risk.detector import RiskMatcher
from bot.nlu.risk.model import NLU_RISK_INTENTS

ROOT = Path(__file__).resolve().parents[3]
#: Answers to "Are you safe right now?" that are a no (`deny`): the rules escalate them, and that is right.
NOT_SAFE_ANSWERS = {"i'm not safe right now", "no she's in danger"}


@pytest.fixture(scope="module")
def calm_examples() -> List[Tuple[str, str]]:
    data = load_data(str(ROOT / "data" / "nlu"))
    return [
        (str(m.get("text")), str(m.get("intent")))
        for m in data.intent_examples
        if m.get("intent") not in NLU_RISK_INTENTS and m.get("text")
    ]


def test_no_calm_example_is_one_the_rules_escalate(matcher: RiskMatcher, calm_examples) -> None:
    flagged = [
        f"{intent}: {text}"
        for text, intent in calm_examples
        if text not in NOT_SAFE_ANSWERS and matcher.detect(text) is not None
    ]
    assert len(calm_examples) > 1000
    assert not flagged, flagged


def test_the_check_finds_a_contradicting_example(matcher: RiskMatcher) -> None:
    assert matcher.detect("do i have to tell someone if my friend is hurting herself") is not None
