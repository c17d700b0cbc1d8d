"""The development corpus through the real trained model (DIET + ... + RiskDetector last): a regression bar."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.safety_eval import DEFAULT_CORPUS, evaluate, load_corpus, model_classifier


@pytest.mark.model
def test_trained_model_escalates_the_whole_corpus(trained_model: Path) -> None:
    escalate, calm = load_corpus(DEFAULT_CORPUS)
    report = evaluate(model_classifier(trained_model), escalate, calm)
    assert [c.text for c in report.misses] == []
    assert report.false_positive_rate <= 0.03, [c.text for c, _ in report.false_positives]
