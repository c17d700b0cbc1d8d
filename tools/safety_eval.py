"""Safety evaluation on a development set: does every crisis message escalate, do ordinary ones stay calm?

    python -m tools.safety_eval [--model PATH] [--detector-only] [--corpus DIR] [--set NAME]

Reads one development pair (default `corpus`: corpus_escalate.yml and corpus_not.yml; a YAML mapping with a
`messages` list; each item has `text`, and must-escalate items also `escalation`, `category`, `subject`)
from tests/data/dev/risk. These sets have all been used to change the detector, so their figures measure
fit, not generalisation: the published figures come from the sealed held-out sets (`make eval`,
tools/eval.py). By default every message goes through the newest trained model in `models/`
(the real NLU pipeline, RiskDetector last); `--detector-only` runs the bare RiskMatcher instead.
Prints recall, false-positive rate, per-category recall, escalation/subject accuracy and the misses.
Corpus sentences are printed on the console for the person running the evaluation; nothing is logged.
Exit status 1 when recall is below 100% or the false-positive rate above 3%.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import yaml

from bot.nlu.risk.subject import SELF, UNSTATED
from tools.eval_sets import DEV_RISK_DIR, DEV_RISK_SETS, ROOT

DEFAULT_CORPUS = DEV_RISK_DIR
MAX_FALSE_POSITIVE_RATE = 0.03
RISK_INTENTS = ("crisis", "safeguarding")

#: (escalation or None, category or None, subject or None) for one message.
Verdict = Tuple[Optional[str], Optional[str], Optional[str]]


@dataclass(frozen=True)
class Case:
    """One corpus message; the expectations are empty for must-not-escalate messages."""

    text: str
    escalation: Optional[str] = None
    category: Optional[str] = None
    subject: Optional[str] = None


def load_cases(path: Path) -> List[Case]:
    """Read one corpus file: {"messages": [{"text": ..., ...}]} (a bare list is accepted too)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    items = data.get("messages", []) if isinstance(data, dict) else data or []
    cases = []
    for item in items:
        if isinstance(item, str):
            cases.append(Case(item))
        elif isinstance(item, dict) and item.get("text") is not None:
            cases.append(
                Case(str(item["text"]), item.get("escalation"), item.get("category"), item.get("subject"))
            )
    return cases


CORPUS_FILES = DEV_RISK_SETS["corpus"]


def load_corpus(directory: Path, names: Sequence[str] = CORPUS_FILES) -> Tuple[List[Case], List[Case]]:
    """(must_escalate, must_not_escalate) of a pair; FileNotFoundError with the missing path when absent."""
    files = [directory / names[0], directory / names[1]]
    for file in files:
        if not file.exists():
            raise FileNotFoundError(f"risk evaluation corpus file missing: {file}")
    return load_cases(files[0]), load_cases(files[1])


def detector_classifier() -> Callable[[str], Verdict]:
    """Classify with the bare rule-based RiskMatcher."""
    from bot.nlu.risk.detector import RiskMatcher

    matcher = RiskMatcher.from_lexicon()

    def classify(text: str) -> Verdict:
        result = matcher.detect(text)
        return (result.escalation, result.category, result.subject) if result else (None, None, None)

    return classify


def verdict_from_parse(parsed: Dict) -> Verdict:
    """Turn a Rasa parse result into a verdict: a risk intent plus the risk entities."""
    intent = (parsed.get("intent") or {}).get("name")
    if intent not in RISK_INTENTS:
        return None, None, None
    entities = {e.get("entity"): e.get("value") for e in parsed.get("entities") or []}
    return intent, entities.get("risk_category"), entities.get("risk_subject")


def newest_model(models_dir: Path) -> Path:
    """The most recently written .tar.gz in models/."""
    candidates = sorted(models_dir.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    if not candidates:
        raise FileNotFoundError(f"no trained model (*.tar.gz) in {models_dir}; train one with `rasa train`")
    return candidates[-1]


def model_classifier(model_path: Path) -> Callable[[str], Verdict]:
    """Classify with the full trained NLU pipeline through rasa.core.agent.Agent."""
    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    # Rasa's own DEBUG logging prints every parsed text; this tool prints only its report.
    configure_structlog(logging.WARNING)
    logging.getLogger().setLevel(logging.WARNING)
    agent = Agent.load(str(model_path))
    loop = asyncio.new_event_loop()

    def classify(text: str) -> Verdict:
        return verdict_from_parse(loop.run_until_complete(agent.parse_message(text)))

    return classify


@dataclass
class Report:
    """Figures of one evaluation run."""

    recall: float
    false_positive_rate: float
    category_recall: Dict[str, Tuple[int, int]]
    escalation_accuracy: float
    category_accuracy: float
    subject_accuracy: float
    misses: List[Case]
    false_positives: List[Tuple[Case, Verdict]]
    wrong_labels: List[Tuple[Case, Verdict]]

    @property
    def passed(self) -> bool:
        return self.recall >= 1.0 and self.false_positive_rate <= MAX_FALSE_POSITIVE_RATE


def evaluate(classify: Callable[[str], Verdict], escalate: Sequence[Case], calm: Sequence[Case]) -> Report:
    """Run every case and compute the figures."""
    per_category: Dict[str, List[int]] = defaultdict(lambda: [0, 0])
    misses, wrong = [], []
    hits = right_escalation = right_category = right_subject = 0
    for case in escalate:
        verdict = classify(case.text)
        bucket = per_category[case.category or "?"]
        bucket[1] += 1
        if verdict[0] is None:
            misses.append(case)
            continue
        hits += 1
        bucket[0] += 1
        # "unstated" (no one named) is the speaker's own risk when the speaker is a young person, as in the corpus
        subject = SELF if verdict[2] == UNSTATED else verdict[2]
        ok = (verdict[0] == case.escalation, verdict[1] == case.category, subject == case.subject)
        right_escalation += ok[0]
        right_category += ok[1]
        right_subject += ok[2]
        if not all(ok):
            wrong.append((case, verdict))
    false_positives = [(case, v) for case in calm for v in [classify(case.text)] if v[0] is not None]
    return Report(
        recall=hits / len(escalate) if escalate else 1.0,
        false_positive_rate=len(false_positives) / len(calm) if calm else 0.0,
        category_recall={k: (v[0], v[1]) for k, v in sorted(per_category.items())},
        escalation_accuracy=right_escalation / hits if hits else 1.0,
        category_accuracy=right_category / hits if hits else 1.0,
        subject_accuracy=right_subject / hits if hits else 1.0,
        misses=misses,
        false_positives=false_positives,
        wrong_labels=wrong,
    )


def print_report(report: Report, escalate_count: int, calm_count: int, out=sys.stdout) -> None:
    """Human-readable summary on the console (corpus sentences included, for the evaluator)."""
    p = lambda *a: print(*a, file=out)  # noqa: E731
    p(f"must-escalate: {escalate_count}   must-not-escalate: {calm_count}")
    p(f"recall:              {report.recall:7.1%}")
    p(f"false-positive rate: {report.false_positive_rate:7.1%}  (limit {MAX_FALSE_POSITIVE_RATE:.0%})")
    for category, (hit, total) in report.category_recall.items():
        p(f"  recall {category:<10} {hit}/{total}")
    p(f"escalation-type accuracy (of detected): {report.escalation_accuracy:.1%}")
    p(f"category accuracy (of detected):        {report.category_accuracy:.1%}")
    p(f"subject accuracy (of detected):         {report.subject_accuracy:.1%}")
    if report.misses:
        p("\nMISSED (must escalate):")
        for case in report.misses:
            p(f"  [{case.escalation}/{case.category}/{case.subject}] {case.text}")
    if report.false_positives:
        p("\nFALSE POSITIVES (must not escalate):")
        for case, verdict in report.false_positives:
            p(f"  [{verdict[0]}/{verdict[1]}/{verdict[2]}] {case.text}")
    if report.wrong_labels:
        p("\nDETECTED WITH OTHER LABELS (expected -> got):")
        for case, verdict in report.wrong_labels:
            p(
                f"  {case.escalation}/{case.category}/{case.subject} -> {verdict[0]}/{verdict[1]}/{verdict[2]}: {case.text}"
            )
    p("\nPASS" if report.passed else "\nFAIL")


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", type=Path, help="trained model .tar.gz (default: newest in models/)")
    parser.add_argument("--detector-only", action="store_true", help="run the bare RiskMatcher, no model")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="directory with the pair")
    parser.add_argument(
        "--set", default="corpus", choices=sorted(DEV_RISK_SETS), help="development pair (default corpus)"
    )
    args = parser.parse_args(argv)
    try:
        escalate, calm = load_corpus(args.corpus, DEV_RISK_SETS[args.set])
    except FileNotFoundError as error:
        print(error, file=sys.stderr)
        return 2
    if args.detector_only:
        classify = detector_classifier()
    else:
        model = args.model or newest_model(ROOT / "models")
        print(f"model: {model}")
        classify = model_classifier(model)
    report = evaluate(classify, escalate, calm)
    print_report(report, len(escalate), len(calm))
    return 0 if report.passed else 1


if __name__ == "__main__":
    sys.exit(main())
