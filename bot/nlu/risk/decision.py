"""One decision from the rules and the learned models: full escalation, a safety question, or nothing.

* A rule hit escalates in full, unless the veto model is confident it is a harmless use of risk words
  (recovery, negation, schoolwork, teaching, fiction, figures of speech); then the general model decides.
* Otherwise the general model escalates in full above `full`, and asks the safety question ("check")
  when escalate + check reaches `check`: clinicians ask directly when unsure, and asking does not raise risk.

Thresholds come from config.yml and were chosen by writer held out (tools/eval_risk_writers.py prints the grid).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from bot.nlu.risk.detector import RiskResult
from bot.nlu.risk.model import Scores

FULL, CHECK = "full", "check"
#: The intent and escalation payload of a safety question.
CHECK_INTENT = "risk_check"
#: Which escalation each category gets when only the model saw it (the rules' own table in the lexicon).
MODEL_ESCALATION = {
    "suicide": "crisis",
    "self_harm": "crisis",
    "overdose": "crisis",
    "abuse": "safeguarding",
    "danger": "safeguarding",
}


@dataclass(frozen=True)
class Thresholds:
    veto: float = 0.7
    full: float = 0.8
    check: float = 0.5


@dataclass(frozen=True)
class Verdict:
    level: str  # FULL or CHECK
    intent: str  # crisis | safeguarding | risk_check
    category: str
    source: str  # rules | model


def decide(
    rules: Optional[RiskResult], scores: Optional[Scores], thresholds: Thresholds
) -> Optional[Verdict]:
    """The verdict for one message, or None. Without scores (no model) the rules decide alone."""
    if rules is not None and (scores is None or scores.veto < thresholds.veto):
        return Verdict(FULL, rules.escalation, rules.category, "rules")
    if scores is None:
        return None
    if scores.escalate >= thresholds.full:
        return Verdict(FULL, MODEL_ESCALATION[scores.category], scores.category, "model")
    if scores.escalate + scores.check >= thresholds.check:
        return Verdict(CHECK, CHECK_INTENT, scores.category, "model")
    return None
