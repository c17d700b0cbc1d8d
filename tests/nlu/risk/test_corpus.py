"""Two development pairs through the component's Rasa process(), no training needed: a regression bar.

The corpus (tests/data/dev/risk/corpus_*) was written by someone else and the team's own set (team_*) by the
detector's engineers; both have since been used to change the detector, so passing here shows nothing
learnt was lost, not how well it generalises (that is the sealed held-out sets' job, `make eval`).
Every must-escalate message must escalate; at most 3% of the must-not messages may.
"""

from __future__ import annotations

from typing import List, Sequence, Tuple

import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.risk.component import RISK_INTENTS, RiskDetector
from tests.nlu.risk.conftest import CORPUS_SET, TEAM_SET
from tools.eval_sets import DEV_RISK_DIR, DEV_RISK_SETS
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


def corpus(name: str):
    try:
        return load_corpus(DEV_RISK_DIR, DEV_RISK_SETS[name])
    except FileNotFoundError as error:
        pytest.fail(f"{error}: the labelled risk corpus must exist for this test", pytrace=False)


@pytest.mark.parametrize("name", [CORPUS_SET, TEAM_SET])
def test_every_must_escalate_message_escalates(component: RiskDetector, name: str) -> None:
    escalate, _ = corpus(name)
    assert escalate, "no must-escalate messages"
    missed = [
        case.text for case, m in run(component, escalate) if m.get("intent")["name"] not in RISK_INTENTS
    ]
    assert missed == [], f"{len(missed)} of {len(escalate)} crisis messages missed"


@pytest.mark.parametrize("name", [CORPUS_SET, TEAM_SET])
def test_false_positives_at_most_three_percent(component: RiskDetector, name: str) -> None:
    _, calm = corpus(name)
    assert calm, "no must-not-escalate messages"
    wrong = [case.text for case, m in run(component, calm) if m.get("intent")["name"] in RISK_INTENTS]
    assert len(wrong) / len(calm) <= MAX_FALSE_POSITIVE_RATE, wrong


@pytest.mark.parametrize("name", [CORPUS_SET, TEAM_SET])
def test_escalation_type_matches_labels(component: RiskDetector, name: str) -> None:
    escalate, _ = corpus(name)
    wrong = [
        (case.text, case.escalation, m.get("intent")["name"])
        for case, m in run(component, escalate)
        if case.escalation and m.get("intent")["name"] != case.escalation
    ]
    assert wrong == []
