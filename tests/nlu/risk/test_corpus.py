"""The whole evaluation corpus through the component's Rasa process(), no training needed.

The corpus (tests/data/risk/) is written by someone else, so the detector is judged on messages its
author did not write. Every must-escalate message must escalate; at most 3% of the must-not messages may.
My own development set (tests/nlu/risk/data/) is held to the same bar.
"""

from __future__ import annotations

from pathlib import Path
from typing import List, Sequence, Tuple

import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.risk.component import RISK_INTENTS, RiskDetector
from tests.nlu.risk.conftest import DEV_CORPUS, EVAL_CORPUS
from tools.safety_eval import MAX_FALSE_POSITIVE_RATE, Case, load_corpus


def run(component: RiskDetector, cases: Sequence[Case]) -> List[Tuple[Case, Message]]:
    messages = [
        Message(
            data={
                "text": c.text,
                "intent": {"name": "inform", "confidence": 0.9},
                "intent_ranking": [{"name": "inform", "confidence": 0.9}],
            }
        )
        for c in cases
    ]
    component.process(messages)
    return list(zip(cases, messages, strict=False))


def corpus(directory: Path):
    try:
        return load_corpus(directory)
    except FileNotFoundError as error:
        pytest.fail(f"{error}: the labelled risk corpus must exist for this test", pytrace=False)


@pytest.mark.parametrize("directory", [EVAL_CORPUS, DEV_CORPUS], ids=["evaluation", "development"])
def test_every_must_escalate_message_escalates(component: RiskDetector, directory: Path) -> None:
    escalate, _ = corpus(directory)
    assert escalate, "no must-escalate messages"
    missed = [
        case.text for case, m in run(component, escalate) if m.get("intent")["name"] not in RISK_INTENTS
    ]
    assert missed == [], f"{len(missed)} of {len(escalate)} crisis messages missed"


@pytest.mark.parametrize("directory", [EVAL_CORPUS, DEV_CORPUS], ids=["evaluation", "development"])
def test_false_positives_at_most_three_percent(component: RiskDetector, directory: Path) -> None:
    _, calm = corpus(directory)
    assert calm, "no must-not-escalate messages"
    wrong = [case.text for case, m in run(component, calm) if m.get("intent")["name"] in RISK_INTENTS]
    assert len(wrong) / len(calm) <= MAX_FALSE_POSITIVE_RATE, wrong


@pytest.mark.parametrize("directory", [EVAL_CORPUS, DEV_CORPUS], ids=["evaluation", "development"])
def test_escalation_type_matches_labels(component: RiskDetector, directory: Path) -> None:
    escalate, _ = corpus(directory)
    wrong = [
        (case.text, case.escalation, m.get("intent")["name"])
        for case, m in run(component, escalate)
        if case.escalation and m.get("intent")["name"] != case.escalation
    ]
    assert wrong == []
