"""One decision from the rules and the learned models: full escalation, a safety question, or nothing.

* Messages too short for the models (a form answer: "myself", "self harm") and models without the learned
  decision: a rule hit escalates in full; otherwise the general model escalates above `full` and asks the
  safety question when escalate + check reaches `check`.
* Otherwise the learned decision (bot/nlu/risk/stacking.py) has weighed the rule hit, the models and the
  context cues. A rule hit escalates in full unless a harmless context is named ("two years clean", "for
  my essay", "my 3 year old") or the hit only names a topic ("what is self harm", "county lines": lexicon
  entries marked `mention`), and nothing says the risk is current ("relapsed", "tonight", "not safe"): a
  plain statement with no harmless context is never overruled. Otherwise it escalates in full above
  `rule_keep`, gets the safety question above `check`, and nothing below. Without a rule hit the decision escalates in full
  above `full` and asks the safety question above `check`: clinicians ask directly when unsure, and asking
  does not raise risk.

Thresholds come from config.yml and were chosen by writer held out (tools/eval_risk_writers.py --grid).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence

from bot.nlu.risk.context import CURRENT
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
    full: float = 0.9
    check: float = 0.7
    rule_keep: float = 0.2
    #: The safety question's threshold for messages of at least `long_words` words. Short turns ("i dont
    #: know", "its for myself", "no i dont think so") are form answers the corpus has few of, so they keep
    #: `check`; a longer message says enough for the models to ask sooner.
    check_long: float = 0.7
    long_words: float = 6

    def question_threshold(self, words: int) -> float:
        """The safety question's threshold for a message of `words` words."""
        return self.check_long if words >= self.long_words else self.check

    #: The general model's own thresholds, where there is no learned decision.
    model_full: float = 0.85
    model_check: float = 0.75


@dataclass(frozen=True)
class Verdict:
    level: str  # FULL or CHECK
    intent: str  # crisis | safeguarding | risk_check
    category: str
    source: str  # rules | model


def decide(
    rules: Optional[RiskResult], scores: Optional[Scores], thresholds: Thresholds, words: int = 0
) -> Optional[Verdict]:
    """The verdict for one message of `words` words, or None. Without scores (no model) the rules decide
    alone."""
    if scores is None or scores.full is None or scores.caught is None:
        return _without_decision(rules, scores, thresholds)
    question = thresholds.question_threshold(words)
    if rules is not None:
        if not weighable(rules, scores.context) or scores.full >= min(thresholds.rule_keep, thresholds.full):
            return Verdict(FULL, rules.escalation, rules.category, "rules")
        if scores.caught >= question:
            return Verdict(CHECK, CHECK_INTENT, rules.category, "rules")
        return None
    if scores.full >= thresholds.full:
        return Verdict(FULL, MODEL_ESCALATION[scores.category], scores.category, "model")
    if scores.caught >= question:
        return Verdict(CHECK, CHECK_INTENT, scores.category, "model")
    return None


def weighable(rules: RiskResult, context: Sequence[str]) -> bool:
    """Whether the learned decision may lower this rule hit: a harmless context, or a hit that only names a
    topic; never when something says the risk is current."""
    return CURRENT not in context and (bool(context) or rules.mention_only)


def _without_decision(
    rules: Optional[RiskResult], scores: Optional[Scores], thresholds: Thresholds
) -> Optional[Verdict]:
    if rules is not None:
        return Verdict(FULL, rules.escalation, rules.category, "rules")
    if scores is None:
        return None
    if scores.escalate >= thresholds.model_full:
        return Verdict(FULL, MODEL_ESCALATION[scores.category], scores.category, "model")
    if scores.escalate + scores.check >= thresholds.model_check:
        return Verdict(CHECK, CHECK_INTENT, scores.category, "model")
    return None
