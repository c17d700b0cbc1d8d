"""NLU quality on the development set tests/data/dev/nlu/former_holdout.yml (a regression bar, not a
generalisation figure: some of its texts are in the training data; the sealed held-out NLU set is scored by
`make eval`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.nlu_eval import evaluate_development_set

MACRO_F1 = 0.95
WORST_F1 = 0.85


@pytest.mark.model
def test_development_set_intents_and_answers_meet_the_bar(trained_model: Path) -> None:
    for scores in evaluate_development_set(trained_model):
        assert scores.f1, f"{scores.name}: no labels scored"
        assert scores.macro_f1 >= MACRO_F1, f"{scores.name}: macro-F1 {scores.macro_f1:.3f}"
        assert not scores.below(WORST_F1), f"{scores.name}: below {WORST_F1}: {scores.below(WORST_F1)}"
