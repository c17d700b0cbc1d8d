"""bot/nlu/risk/model.py on the real corpus: loading, training, and what a model learnt from some writers
says about another writer's messages (a small version of tools/eval_risk_writers.py, which prints the figures)."""

from __future__ import annotations

from pathlib import Path
from typing import Callable, List, Optional, Tuple

import pytest

from bot.nlu.risk.decision import FULL, Thresholds, decide
from bot.nlu.risk.detector import RiskMatcher, RiskResult
from bot.nlu.risk.lexicon import DEFAULT_LEXICON
from bot.nlu.risk.model import CHECK, ESCALATE, LABELS, NONE, Example, RiskModel, corpus_digest, load_corpus
from tools.eval_risk_writers import configured_thresholds

ROOT = Path(__file__).resolve().parents[3]
CORPUS = ROOT / "corpus" / "risk"


@pytest.fixture(scope="module")
def corpus() -> List[Example]:
    return load_corpus(CORPUS)


def test_the_corpus_has_several_writers_and_thousands_of_messages_per_side(corpus: List[Example]) -> None:
    writers = {e.writer for e in corpus}
    assert len(writers) >= 5
    assert sum(e.label in (ESCALATE, CHECK) for e in corpus) >= 3000
    assert sum(e.label == NONE for e in corpus) >= 3000
    assert {e.label for e in corpus} == set(LABELS)


def test_a_label_outside_the_policy_is_refused(tmp_path: Path) -> None:
    (tmp_path / "w.yml").write_text(
        'writer: W\nmessages:\n  - {text: "hi", label: maybe, category: everyday}\n'
    )
    with pytest.raises(ValueError, match="unknown label"):
        load_corpus(tmp_path)


def test_the_digest_follows_the_files(tmp_path: Path) -> None:
    path = tmp_path / "w.yml"
    path.write_text("a")
    before = corpus_digest([path])
    path.write_text("b")
    assert corpus_digest([path]) != before


def test_a_model_from_other_writers_separates_a_held_out_writers_messages(corpus: List[Example]) -> None:
    """Trained on two writers, tested on a third: risk messages score higher than everyday ones on average,
    and most of the held-out writer's indirect risk messages are caught at the configured thresholds."""
    train = [e for e in corpus if e.writer in ("T1", "T2")]
    test = [e for e in corpus if e.writer == "T4"]
    model = RiskModel.train(train, rule_of=lambda text: "suicide" if "kill" in text.lower() else None)
    risky = [model.scores(e.text) for e in test if e.label == ESCALATE and not e.explicit]
    everyday = [model.scores(e.text) for e in test if e.label == NONE]
    mean = lambda values: sum(values) / len(values)  # noqa: E731
    assert mean([s.escalate + s.check for s in risky]) > mean([s.escalate + s.check for s in everyday]) + 0.3
    caught = sum(s.escalate + s.check >= 0.5 for s in risky) / len(risky)
    assert caught >= 0.75, caught
    assert all(s.category in ("suicide", "self_harm", "overdose", "abuse", "danger") for s in risky)
    assert model.veto is not None, "the rule stand-in fires on both sides, so a veto model is trained"
    decided = [s for s in risky + everyday if s.full is not None and s.caught is not None]
    assert len(decided) == len(risky) + len(everyday), "the learned decision scores every message"
    assert mean([s.caught for s in risky]) > mean([s.caught for s in everyday]) + 0.3


RuleOf = Callable[[str], Optional[str]]


@pytest.fixture(scope="module")
def whole_model(corpus: List[Example]) -> Tuple[RiskModel, RuleOf]:
    """Trained as `rasa train` trains it (whole corpus, the real rules), without the NLU data."""
    matcher = RiskMatcher.from_lexicon(DEFAULT_LEXICON)

    def rule_of(text: str) -> Optional[str]:
        result = matcher.analyse(text).result
        return result.category if result else None

    return RiskModel.train(corpus, rule_of), rule_of


# Written for this test, in the kinds of the labelling policy; not from the corpus or any evaluation set.
PLAIN = [
    "i am going to kill myself tonight, ive got the rope ready",
    "i took about thirty of my mums sleeping tablets an hour ago",
    "my stepdad hits me with his belt when hes drunk",
]
HARMLESS_WITH_RISK_WORDS = [
    "i self harmed from year 8 to year 10 but im three years clean now and doing loads better, any volunteering?",
    "for my english essay, why does ophelia kill herself in hamlet? need 3 quotes",
    "no one hurts me at home, i just cant sleep before exams",
]


def test_plain_statements_escalate_and_harmless_uses_of_the_same_words_do_not(
    whole_model: Tuple[RiskModel, RuleOf],
) -> None:
    model, rule_of = whole_model
    thresholds = configured_thresholds()  # as config.yml sets them for the RiskDetector
    for text in PLAIN:
        verdict = decide(_result(rule_of(text)), model.scores(text, rule_of(text)), thresholds)
        assert verdict is not None and verdict.level == FULL, text
    for text in HARMLESS_WITH_RISK_WORDS:
        assert rule_of(text) is not None, f"the rules fire on {text!r}: that is what the decision must weigh"
        scores = model.scores(text, rule_of(text))
        verdict = decide(_result(rule_of(text)), scores, thresholds)
        assert verdict is None or verdict.level != FULL, (text, scores.full, scores.context)


def _result(category: Optional[str]) -> Optional[RiskResult]:
    return RiskResult("crisis", category, "self", ("test",)) if category else None


def test_the_quick_writer_held_out_run_scores_every_message_of_every_writer(corpus: List[Example]) -> None:
    """tools.eval_risk_writers --quick: each writer scored by models and a decision that never saw its own
    messages; every message has an outcome in every mode, and the decision separates risk from everyday."""
    from tools.eval_risk_writers import quick_outcomes, summary

    small = [e for e in corpus if e.writer in ("T1", "T2", "T4")][::6]
    thresholds = Thresholds()
    results = quick_outcomes(small, lambda text: None, [thresholds])
    for mode in ("rules", "model", "both"):
        assert [o.example for o in results[(mode, thresholds)]] == sorted(
            small, key=lambda e: ("T1", "T2", "T4").index(e.writer)
        )
    assert summary(results[("rules", thresholds)])["risk caught"][0] == 0, "no rules given: nothing from them"
    figures = summary(results[("both", thresholds)])
    caught, risky = figures["risk caught"]
    alarms, everyday = figures["everyday full alarm"]
    assert caught / risky >= 0.6 and alarms / everyday <= 0.3, figures
