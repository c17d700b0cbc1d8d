"""One decision from the rules and the learned models: full escalation, a safety question, or nothing.

* A rule hit escalates in full. The veto model (is this a harmless use of risk words: recovery, negation,
  schoolwork, teaching, fiction?) can be switched on with `veto`: above it a rule hit gets at least the safety
  question, and above `veto_sure` the general model decides alone. It is OFF (None) in config.yml: on the
  development sets it overruled plain statements ("im not safe rite now", "i attempted last year and the
  thoughts are back"); tools/eval_risk_writers.py --grid shows what it would gain on strangers' harmless uses.
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
    veto: Optional[float] = None  # None: rule hits always escalate in full
    full: float = 0.85
    check: float = 0.75
    veto_sure: float = 0.9


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
    if rules is not None and (scores is None or thresholds.veto is None or scores.veto < thresholds.veto):
        return Verdict(FULL, rules.escalation, rules.category, "rules")
    if scores is None:
        return None
    if scores.escalate >= thresholds.full:
        return Verdict(FULL, MODEL_ESCALATION[scores.category], scores.category, "model")
    if scores.escalate + scores.check >= thresholds.check:
        return Verdict(CHECK, CHECK_INTENT, scores.category, "model")
    if rules is not None and scores.veto < thresholds.veto_sure:
        return Verdict(CHECK, CHECK_INTENT, rules.category, "rules")
    return None
