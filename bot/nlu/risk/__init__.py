"""Crisis and safeguarding detection.

`bot.nlu.risk.detector.RiskMatcher` is the pure detector (no Rasa needed); `bot.nlu.risk.RiskDetector` is the Rasa
NLU component (config.yml: `- name: bot.nlu.risk.RiskDetector`). The component is imported lazily so that
using the detector alone does not import Rasa.
"""

from __future__ import annotations

from typing import Any

__all__ = ["RiskClassifier", "RiskDetector"]


def __getattr__(name: str) -> Any:
    if name == "RiskDetector":
        from bot.nlu.risk.component import RiskDetector

        return RiskDetector
    if name == "RiskClassifier":
        from bot.nlu.risk.classifier import RiskClassifier

        return RiskClassifier
    raise AttributeError(f"module 'bot.nlu.risk' has no attribute {name!r}")
