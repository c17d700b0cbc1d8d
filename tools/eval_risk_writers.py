"""Writer-held-out evaluation of the risk decision: rules alone, the learned models alone, and both.

    python -m tools.eval_risk_writers                      # train on all writers but one, test on that one, for each
    python -m tools.eval_risk_writers --grid               # the same, over a grid of thresholds
    python -m tools.eval_risk_writers --sealed FILE [...]  # train on the whole corpus, test on sealed held-out sets
    python -m tools.eval_risk_writers --quick [--grid]     # one fit per writer (see quick_outcomes): 4x faster

Leaving a whole writer out is what predicts the figure on strangers' words: a random split would put each
writer's habits on both sides. Figures per writer and per category; "caught" counts a full escalation or
a safety question (both give the crisis line), "full" only a full escalation.
"""

from __future__ import annotations

import argparse
import subprocess
from collections import defaultdict
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Callable, Dict, Iterable, List, Optional, Sequence, Tuple

import yaml

from bot.nlu.risk.context import default_cues
from bot.nlu.risk.decision import CHECK, FULL, Thresholds, decide
from bot.nlu.risk.detector import RiskMatcher, RiskResult
from bot.nlu.risk.lexicon import DEFAULT_LEXICON
from bot.nlu.risk.model import (
    ESCALATE,
    NONE,
    Example,
    RiskModel,
    Scores,
    load_corpus,
    long_enough,
    nlu_examples,
    writer_splits,
)
from bot.nlu.risk.stacking import DecisionModel, Features, features

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus" / "risk"
MODES = ("rules", "model", "both")


@dataclass(frozen=True)
class Outcome:
    example: Example
    level: Optional[str]  # FULL, CHECK or None


def _verdict_level(
    mode: str, rules: Optional[RiskResult], scores: Optional[Scores], thresholds: Thresholds, text: str
) -> Optional[str]:
    if mode == "rules":
        return FULL if rules is not None else None
    verdict = decide(rules if mode == "both" else None, scores, thresholds, len(text.split()))
    return verdict.level if verdict else None


def score_split(
    train: Sequence[Example],
    test: Sequence[Example],
    rules_of: Callable[[str], Optional[RiskResult]],
    thresholds: Iterable[Thresholds],
) -> Dict[Tuple[str, Thresholds], List[Outcome]]:
    """Outcomes of every mode and threshold set on `test`, with models fitted on `train`."""
    model = RiskModel.train(train, lambda text: _category(rules_of(text)), nlu_examples(nlu_pairs()))
    scored = [
        (
            e,
            rules_of(e.text),
            model.scores(e.text, _category(rules_of(e.text))) if long_enough(e.text) else None,
            model.scores(e.text) if long_enough(e.text) else None,  # what the models say without the rules
        )
        for e in test
    ]
    return {
        (mode, t): [
            Outcome(e, _verdict_level(mode, r, s if mode == "both" else alone, t, e.text))
            for e, r, s, alone in scored
        ]
        for mode in MODES
        for t in thresholds
    }


def quick_outcomes(
    corpus: Sequence[Example],
    rules_of: Callable[[str], Optional[RiskResult]],
    thresholds: Iterable[Thresholds],
) -> Dict[Tuple[str, Thresholds], List[Outcome]]:
    """Every writer held out, with one fit of the models per writer instead of four.

    The full evaluation fits the learned decision inside each split on three more folds of the training
    writers. Here the models are fitted once per held-out writer, every message is scored by the models
    that never saw its writer, and each writer's decision is fitted on the other writers' scores. The
    models that scored those rows did see the held-out writer, so the decision's inputs are a little
    flattering; use it to compare settings, and the full run for published figures when time allows."""
    cues = default_cues()
    nlu = nlu_examples(nlu_pairs())
    base: Dict[Tuple[str, str], Scores] = {}
    for writer, train, test in writer_splits(corpus):
        model = RiskModel.train(train, lambda text: _category(rules_of(text)), nlu, decision=False)
        for e in test:
            if long_enough(e.text):
                base[(writer, e.text)] = model.scores(e.text)
        print(f"- writer {writer} held out: {len(test)} messages", flush=True)
    thresholds = list(dict.fromkeys(thresholds))  # the chosen row may also be a grid row
    contexts = {e.text: cues.find(e.text) for e in corpus}  # once per message, not once per writer
    results: Dict[Tuple[str, Thresholds], List[Outcome]] = defaultdict(list)
    for writer in sorted({e.writer for e in corpus}):
        decision = DecisionModel.fit(
            [
                (_features(rules_of(e.text), base[(e.writer, e.text)], contexts[e.text]), e.label)
                for e in corpus
                if e.writer != writer and (e.writer, e.text) in base
            ]
        )
        for e in (e for e in corpus if e.writer == writer):
            rules = rules_of(e.text)
            s = base.get((writer, e.text))
            both = alone = None
            if s is not None:
                context = contexts[e.text]
                both = _decided(s, decision.predict(_features(rules, s, context)), context)
                alone = _decided(s, decision.predict(_features(None, s, context)), context)
            for mode in MODES:
                for t in thresholds:
                    results[(mode, t)].append(
                        Outcome(e, _verdict_level(mode, rules, both if mode == "both" else alone, t, e.text))
                    )
    return results


def _features(rules: Optional[RiskResult], s: Scores, context: Tuple[str, ...]) -> Features:
    return features(_category(rules), s.escalate, s.check, s.veto, context)


def _decided(s: Scores, full_caught: Tuple[float, float], context: Tuple[str, ...]) -> Scores:
    return replace(s, full=full_caught[0], caught=full_caught[1], context=context)


def _category(result: Optional[RiskResult]) -> Optional[str]:
    return result.category if result else None


def configured_thresholds() -> Thresholds:
    """The RiskDetector's thresholds as config.yml sets them (the one place they are chosen)."""
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    entry = next(c for c in config["pipeline"] if c["name"] == "bot.nlu.risk.RiskDetector")
    return Thresholds(**{k: float(v) for k, v in entry.items() if k in vars(Thresholds())})


@lru_cache(maxsize=1)
def nlu_pairs() -> Tuple[Tuple[str, str], ...]:
    """(text, intent) of the NLU training data, which `rasa train` also gives the models."""
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(ROOT / "data" / "nlu"))
    return tuple((m.get("text"), str(m.get("intent"))) for m in data.intent_examples if m.get("text"))


def summary(outcomes: Sequence[Outcome]) -> Dict[str, Tuple[int, int]]:
    """(hits, total) for each figure the issue's targets name."""
    counts: Dict[str, List[int]] = defaultdict(lambda: [0, 0])

    def add(key: str, hit: bool) -> None:
        counts[key][0] += int(hit)
        counts[key][1] += 1

    for o in outcomes:
        e = o.example
        if e.label == ESCALATE:
            add("risk caught", o.level is not None)
            add("risk full", o.level == FULL)
            add(
                "explicit full" if e.explicit else "indirect caught",
                o.level == FULL if e.explicit else o.level is not None,
            )
            add(f"caught {e.category}", o.level is not None)
        elif e.label == NONE:
            add("everyday full alarm", o.level == FULL)
            add("everyday safety question", o.level == CHECK)
            add(f"alarm or question: {e.category}", o.level is not None)
        else:
            add("distress caught", o.level is not None)
    return {key: (hit, total) for key, (hit, total) in counts.items()}


def _pct(pair: Tuple[int, int]) -> str:
    hit, total = pair
    return f"{hit}/{total} ({100 * hit / total:.1f}%)" if total else "-"


def print_table(title: str, rows: Dict[str, Dict[str, Tuple[int, int]]]) -> None:
    keys = sorted({k for figures in rows.values() for k in figures}, key=_key_order)
    print(f"\n### {title}\n")
    print("| figure | " + " | ".join(rows) + " |")
    print("|---|" + "---|" * len(rows))
    for key in keys:
        print(f"| {key} | " + " | ".join(_pct(figures.get(key, (0, 0))) for figures in rows.values()) + " |")


def _key_order(key: str) -> Tuple[int, str]:
    order = ["risk caught", "risk full", "indirect caught", "explicit full", "distress caught"]
    order += ["everyday full alarm", "everyday safety question"]
    return (order.index(key) if key in order else len(order), key)


def commit() -> str:
    run = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    dirty = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True).stdout
    return run.stdout.strip() + ("+changes" if dirty.strip() else "")


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--sealed", type=Path, nargs="*", help="sealed held-out files (writer format)")
    parser.add_argument("--grid", action="store_true", help="also print a grid of thresholds")
    parser.add_argument("--quick", action="store_true", help="one fit per held-out writer (quick_outcomes)")
    args = parser.parse_args(argv)

    matcher = RiskMatcher.from_lexicon(DEFAULT_LEXICON)
    cache: Dict[str, Optional[RiskResult]] = {}

    def rules_of(text: str) -> Optional[RiskResult]:
        if text not in cache:
            cache[text] = matcher.analyse(text).result
        return cache[text]

    chosen = configured_thresholds()
    grid = [chosen]
    if args.grid:
        grid += [
            replace(chosen, full=f, check=c, check_long=long, rule_keep=keep)
            for f, c in ((0.85, 0.5), (0.85, 0.6), (0.9, 0.6))
            for long in (0.4, 0.45, 0.5, c)
            for keep in (0.2, 0.5)
            if long <= c
        ]
    corpus = load_corpus(args.corpus)
    print(
        f"# Risk decision, commit {commit()}; corpus {len(corpus)} messages from "
        f"{len({e.writer for e in corpus})} writers; thresholds {chosen}"
    )

    if args.sealed:
        sealed: List[Example] = [e for path in args.sealed for e in load_corpus(path)]
        results = score_split(corpus, sealed, rules_of, grid)
        print_table(
            "Sealed held-out sets (trained on the whole corpus)",
            {mode: summary(results[(mode, chosen)]) for mode in MODES},
        )
        for writer in sorted({e.writer for e in sealed}):
            print_table(
                f"Sealed writer {writer}",
                {
                    mode: summary([o for o in results[(mode, chosen)] if o.example.writer == writer])
                    for mode in MODES
                },
            )
        return 0

    pooled: Dict[Tuple[str, Thresholds], List[Outcome]] = defaultdict(list)
    if args.quick:
        print(
            "(--quick: one fit per writer; the decision's inputs are a little flattering, see quick_outcomes)"
        )
        pooled.update(quick_outcomes(corpus, rules_of, grid))
    for writer, train, test in [] if args.quick else writer_splits(corpus):
        for key, outcomes in score_split(train, test, rules_of, grid).items():
            pooled[key].extend(outcomes)
        print(f"- writer {writer} held out: {len(test)} messages", flush=True)
    print_table("Writer held out, all writers pooled", {m: summary(pooled[(m, chosen)]) for m in MODES})
    per_writer = {
        w: summary([o for o in pooled[("both", chosen)] if o.example.writer == w])
        for w in sorted({e.writer for e in corpus})
    }
    print_table("Rules and models together, per held-out writer", per_writer)
    if args.grid:
        print("\n### Threshold grid (both, pooled)\n")
        print(
            "| full | check | check (long messages) | rule_keep | risk caught | explicit full "
            "| everyday full alarm | everyday question |"
        )
        print("|---|---|---|---|---|---|---|---|")
        for t in grid:
            s = summary(pooled[("both", t)])
            print(
                f"| {t.full} | {t.check} | {t.check_long} | {t.rule_keep} | {_pct(s['risk caught'])} "
                f"| {_pct(s['explicit full'])} "
                f"| {_pct(s['everyday full alarm'])} | {_pct(s['everyday safety question'])} |"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
