"""Writer-held-out evaluation of risk in other languages: the crisis phrases, the learned model, and both.

    python -m tools.eval_risk_languages                  # each multilingual writer held out in turn
    python -m tools.eval_risk_languages --grid           # the same over a grid of thresholds

Each writer of corpus/risk_languages/ is held out in turn: the model is trained on the other writers and the
English corpus, and the held-out writer's messages go through what the pipeline does (the English rules and
English model first, trained on the whole English corpus, then the language gate: crisis phrases, language
detection and this model). Languages only one writer wrote are then unseen languages (the hardest case);
the second voices of ML3 (pl, ro, es, pt, ar, tr) give the estimate for a known language and a new writer.

"Crisis reply" counts a full escalation; the gate has no safety question in other languages (its reply
names 999 and 111 itself). "Language reply" is the other-language reply; "silent" a message that got
neither, the English chat's own answer. English dev sets (tests/data/dev/risk) check that English messages
are not read as another language and do not escalate through this model.
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple, cast

from bot.nlu.language.detect import default_identifier
from bot.nlu.language.gate import GateThresholds, gate_verdict
from bot.nlu.language.lexicon import default_matcher
from bot.nlu.language.model import (
    LanguageExample,
    LanguageRiskModel,
    english,
    load_language_corpus,
    writer_splits,
)
from bot.nlu.risk.decision import Thresholds, decide
from bot.nlu.risk.detector import RiskMatcher
from bot.nlu.risk.lexicon import DEFAULT_LEXICON
from bot.nlu.risk.model import ESCALATE, NONE, RiskModel, load_corpus, long_enough, nlu_examples
from tools.eval_risk_writers import commit, nlu_pairs
from tools.eval_sets import DEV_RISK_SETS, load_dev_risk_set

ROOT = Path(__file__).resolve().parents[1]
LANGUAGE_CORPUS = ROOT / "corpus" / "risk_languages"
ENGLISH_CORPUS = ROOT / "corpus" / "risk"
MODES = ("phrases", "model", "both")


@dataclass(frozen=True)
class Outcome:
    example: LanguageExample
    crisis: bool
    language_reply: bool


class EnglishPipeline:
    """The English rules and English model (trained once on the whole English corpus)."""

    def __init__(self) -> None:
        self.matcher = RiskMatcher.from_lexicon(DEFAULT_LEXICON)
        corpus = load_corpus(ENGLISH_CORPUS)
        # The rules' category or None: read as "did the rules fire" by this branch's RiskModel.train and as
        # the category by the one being changed beside it (cast: the parameter's type differs between them).
        rule_of = cast(Any, lambda text: getattr(self.matcher.analyse(text).result, "category", None))
        self.model = RiskModel.train(corpus, rule_of, nlu_examples(nlu_pairs()))
        self.thresholds = Thresholds()

    def escalates(self, text: str) -> bool:
        """A full escalation by the English decision (a safety question is replaced by the gate's reply)."""
        scores = self.model.scores(text) if long_enough(text) else None
        verdict = decide(self.matcher.analyse(text).result, scores, self.thresholds, len(text.split()))
        return verdict is not None and verdict.level == "full"


def run(
    model: Optional[LanguageRiskModel],
    test: Sequence[LanguageExample],
    english_pipeline: EnglishPipeline,
    thresholds: Sequence[GateThresholds],
) -> Dict[Tuple[str, GateThresholds], List[Outcome]]:
    matcher, identifier = default_matcher(), default_identifier()
    results: Dict[Tuple[str, GateThresholds], List[Outcome]] = defaultdict(list)
    for e in test:
        text = e.example.text
        already = english_pipeline.escalates(text)
        hits = matcher.find(text)
        detected = identifier.identify(text)
        scores = model.scores(text) if model is not None else None
        for mode in MODES:
            for t in thresholds:
                verdict = gate_verdict(
                    hits if mode != "model" else [], detected, scores if mode != "phrases" else None, t, text
                )
                crisis = verdict.category is not None or (already and mode == "both")
                results[(mode, t)].append(Outcome(e, crisis, verdict.language is not None))
    return results


def summary(outcomes: Sequence[Outcome]) -> Dict[str, Tuple[int, int]]:
    counts: Dict[str, List[int]] = defaultdict(lambda: [0, 0])
    for o in outcomes:
        label = o.example.example.label
        key = {ESCALATE: "crisis", NONE: "everyday"}.get(label, "distress")
        counts[f"{key} -> crisis reply"][0] += int(o.crisis)
        counts[f"{key} -> crisis reply"][1] += 1
        counts["silent (no crisis, no language reply)"][0] += int(not o.crisis and not o.language_reply)
        counts["silent (no crisis, no language reply)"][1] += 1
    return {k: (h, t) for k, (h, t) in counts.items()}


def _pct(pair: Tuple[int, int]) -> str:
    hit, total = pair
    return f"{hit}/{total} ({100 * hit / total:.1f}%)" if total else "-"


def _short(pair: Tuple[int, int]) -> str:
    hit, total = pair
    return f"{100 * hit / total:.0f}% ({hit}/{total})" if total else "-"


ORDER = ["crisis -> crisis reply", "distress -> crisis reply", "everyday -> crisis reply"]
ORDER.append("silent (no crisis, no language reply)")


def print_table(title: str, rows: Dict[str, Dict[str, Tuple[int, int]]]) -> None:
    print(f"\n### {title}\n")
    print("| figure | " + " | ".join(rows) + " |")
    print("|---|" + "---|" * len(rows))
    for key in ORDER:
        print(f"| {key} | " + " | ".join(_pct(r.get(key, (0, 0))) for r in rows.values()) + " |")


def by_language(title: str, outcomes: Sequence[Outcome], phrases: Sequence[Outcome]) -> None:
    print(f"\n### {title}\n")
    print(
        "| language | writer | crisis recall | was (phrases) | everyday false alarms | distress escalated | silent |"
    )
    print("|---|---|---|---|---|---|---|")
    groups: Dict[Tuple[str, str], List[int]] = defaultdict(list)
    for i, o in enumerate(outcomes):
        groups[(o.example.language, o.example.example.writer)].append(i)
    for (language, writer), indexes in sorted(groups.items()):
        s = summary([outcomes[i] for i in indexes])
        p = summary([phrases[i] for i in indexes])
        print(
            f"| {language} | {writer} | {_short(s.get(ORDER[0], (0, 0)))} | {_short(p.get(ORDER[0], (0, 0)))} "
            f"| {_short(s.get(ORDER[2], (0, 0)))} | {_short(s.get(ORDER[1], (0, 0)))} | {_short(s.get(ORDER[3], (0, 0)))} |"
        )


def english_check(model: LanguageRiskModel, t: GateThresholds) -> None:
    """English development messages the gate would answer in another language or escalate by this model."""
    identifier = default_identifier()
    other, alarms, total, calm = 0, 0, 0, 0
    for name in DEV_RISK_SETS:
        for m in load_dev_risk_set(name):
            verdict = gate_verdict([], identifier.identify(m.text), model.scores(m.text), t)
            total += 1
            other += int(verdict.language is not None)
            if m.label == NONE:
                calm += 1
                alarms += int(verdict.category is not None)
    print(
        f"\nEnglish development sets ({total} messages): read as another language {other} "
        f"({100 * other / total:.2f}%); everyday messages escalated by this model {alarms}/{calm}"
    )


def _shared_languages(corpus: Sequence[LanguageExample]) -> List[str]:
    writers: Dict[str, set] = defaultdict(set)
    for e in corpus:
        writers[e.language].add(e.example.writer)
    return [language for language, who in writers.items() if len(who) > 1]


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--grid", action="store_true")
    parser.add_argument("--corpus", type=Path, default=LANGUAGE_CORPUS, help="folder of multilingual writers")
    args = parser.parse_args(argv)
    chosen = GateThresholds()
    grid = [chosen]
    if args.grid:
        grid += [
            t
            for t in (GateThresholds(f, r) for f in (0.3, 0.4, 0.5, 0.6, 0.7) for r in (0.7, 0.8, 0.9))
            if t != chosen
        ]
    corpus = load_language_corpus(args.corpus)
    english_examples = english(load_corpus(ENGLISH_CORPUS)) + english(nlu_examples(nlu_pairs()))
    print(
        f"# Risk in other languages, commit {commit()}; corpus {len(corpus)} messages from "
        f"{len({e.example.writer for e in corpus})} writers, {len({e.language for e in corpus})} languages; "
        f"thresholds {chosen}"
    )
    pipeline = EnglishPipeline()
    pooled: Dict[Tuple[str, GateThresholds], List[Outcome]] = defaultdict(list)
    for writer, train, test in writer_splits(corpus):
        model = LanguageRiskModel.train([*train, *english_examples])
        for key, outcomes in run(model, test, pipeline, grid).items():
            pooled[key].extend(outcomes)
        print(f"- writer {writer} held out: {len(test)} messages", flush=True)
    print_table("Each writer held out, pooled", {m: summary(pooled[(m, chosen)]) for m in MODES})
    shared = _shared_languages(corpus)
    print_table(
        f"Languages another writer also wrote ({', '.join(sorted(shared))}): a known language, a new writer",
        {m: summary([o for o in pooled[(m, chosen)] if o.example.language in shared]) for m in MODES},
    )
    by_language(
        "Per language and writer (both; each writer held out)",
        pooled[("both", chosen)],
        pooled[("phrases", chosen)],
    )
    if args.grid:
        print("\n### Threshold grid (both, pooled)\n")
        print("| full | romanised | crisis -> crisis | distress -> crisis | everyday -> crisis | silent |")
        print("|---|---|---|---|---|---|")
        for t in grid:
            s = summary(pooled[("both", t)])
            print(f"| {t.full} | {t.romanised} | " + " | ".join(_pct(s.get(k, (0, 0))) for k in ORDER) + " |")
        print("\n### Threshold grid (both; languages another writer also wrote)\n")
        print("| full | romanised | crisis -> crisis | distress -> crisis | everyday -> crisis | silent |")
        print("|---|---|---|---|---|---|")
        for t in grid:
            s = summary([o for o in pooled[("both", t)] if o.example.language in shared])
            print(f"| {t.full} | {t.romanised} | " + " | ".join(_pct(s.get(k, (0, 0))) for k in ORDER) + " |")
    english_check(LanguageRiskModel.train([*corpus, *english_examples]), chosen)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
