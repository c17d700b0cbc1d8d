"""The learned decision: how much to trust a rule hit and each model, given the context around the words.

The rules are certain about plain statements and blind to context; the general model reads context but
misses some plain statements; the veto model knows harmless uses of risk words; the context cues
(bot/nlu/risk/context.py) name the kind of message. Two logistic regressions over those inputs give the
probability that a message needs a full escalation (`full`) and that it needs at least the safety question
(`caught`). They must learn from scores the models gave to words they had NOT seen, as in use, so they are
fitted on out-of-fold scores: the corpus's writers are split into FOLDS groups, and each group is scored
by models trained on the others.
"""

from __future__ import annotations

import math
from typing import Dict, List, Optional, Sequence, Tuple

from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression

FOLDS = 3
#: Regularisation of the two heads (few inputs, many rows: little is needed).
REGULARISATION = 1.0

Features = Dict[str, float]


def _logit(p: float) -> float:
    p = min(max(p, 1e-4), 1 - 1e-4)
    return math.log(p / (1 - p))


def features(
    rule_category: Optional[str], escalate: float, check: float, veto: float, cues: Sequence[str]
) -> Features:
    """The decision's inputs for one message: the rule hit (and its category), the models' scores, the cues."""
    found: Features = {
        "escalate": _logit(escalate),
        "check": _logit(check),
        "escalate_p": escalate,
        "caught_p": escalate + check,
    }
    if rule_category is not None:
        found["rule"] = 1.0
        found[f"rule={rule_category}"] = 1.0
        found["veto"] = _logit(veto)
    for cue in cues:
        found[f"cue={cue}"] = 1.0
    return found


class DecisionModel:
    """Two heads on the same inputs: full escalation, and full escalation or safety question."""

    def __init__(
        self, vectoriser: DictVectorizer, full: LogisticRegression, caught: LogisticRegression
    ) -> None:
        self.vectoriser = vectoriser
        self.full = full
        self.caught = caught

    @classmethod
    def fit(cls, rows: Sequence[Tuple[Features, str]]) -> "DecisionModel":
        """`rows`: (features, label escalate | check | none) for out-of-fold scored corpus messages."""
        vectoriser = DictVectorizer()
        matrix = vectoriser.fit_transform([f for f, _ in rows])
        labels = [label for _, label in rows]
        heads: List[LogisticRegression] = []
        for positive in (("escalate",), ("escalate", "check")):
            head = LogisticRegression(C=REGULARISATION, max_iter=2000, class_weight="balanced")
            heads.append(head.fit(matrix, [label in positive for label in labels]))
        return cls(vectoriser, heads[0], heads[1])

    def predict(self, found: Features) -> Tuple[float, float]:
        """(probability of a full escalation, probability of at least the safety question)."""
        row = self.vectoriser.transform([found])
        return float(self.full.predict_proba(row)[0][1]), float(self.caught.predict_proba(row)[0][1])

    def weights(self) -> Dict[str, Tuple[float, float]]:
        """Each input's weight in the two heads, for the safety case and for review."""
        names = self.vectoriser.get_feature_names_out()
        return {
            str(name): (float(self.full.coef_[0][i]), float(self.caught.coef_[0][i]))
            for i, name in enumerate(names)
        }


def fold_of(writers: Sequence[str]) -> Dict[str, int]:
    """Writers dealt round-robin into FOLDS groups (sorted, so training is stable)."""
    return {writer: i % FOLDS for i, writer in enumerate(sorted(set(writers)))}
