"""Measure NLU quality and write the report under results/.

`python -m tools.nlu_eval` scores the trained model on the development set
tests/data/dev/nlu/former_holdout.yml (written as a held-out set, but 156 of its texts leaked into
data/nlu, so it measures fit; the sealed held-out NLU set is scored by `make eval`, tools/eval_nlu.py).
`--cross-validation` also runs Rasa's k-fold cross-validation over the training data. Both write Rasa's
JSON reports and a short Markdown summary, results/nlu_report.md, with macro-F1 and every intent's and FAQ
answer's F1.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional

from bot.server.settings import ROOT
from tools.eval_sets import DEV_NLU_SET

RESULTS = ROOT / "results"
SUMMARY_KEYS = {"accuracy", "macro avg", "weighted avg", "micro avg"}


@dataclass
class Scores:
    """F1 per label from one Rasa report (intents, or the FAQ/chit-chat answers)."""

    name: str
    f1: Dict[str, float]

    @property
    def macro_f1(self) -> float:
        return sum(self.f1.values()) / len(self.f1) if self.f1 else 0.0

    def below(self, threshold: float) -> Dict[str, float]:
        return {label: f1 for label, f1 in self.f1.items() if f1 < threshold}


def read_report(path: Path, name: str) -> Scores:
    report = json.loads(path.read_text())
    return Scores(
        name,
        {
            label: values["f1-score"]
            for label, values in report.items()
            if label not in SUMMARY_KEYS and isinstance(values, dict)
        },
    )


def _rasa_test_nlu(args: List[str]) -> None:
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "PYTHONPATH": str(ROOT)}
    subprocess.run(
        [sys.executable, "-m", "rasa", "test", "nlu", *args],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def evaluate_development_set(model: Path, out: Path = RESULTS / "nlu_development") -> List[Scores]:
    """Score `model` on the development set; returns intent scores and FAQ/chit-chat answer scores."""
    _rasa_test_nlu(["--model", str(model), "--nlu", str(DEV_NLU_SET), "--out", str(out)])
    return [
        read_report(out / "intent_report.json", "intents"),
        read_report(out / "response_selection_report.json", "answers (faq/*, chitchat/*)"),
    ]


def cross_validate(folds: int, out: Path = RESULTS / "nlu_cross_validation") -> List[Scores]:
    _rasa_test_nlu(
        [
            "--cross-validation",
            "--folds",
            str(folds),
            "--config",
            "config.yml",
            "--nlu",
            "data/nlu",
            "--domain",
            "domain.yml",
            "--out",
            str(out),
        ]
    )
    return [read_report(out / "intent_report.json", "intents (cross-validation)")]


def markdown(sections: Dict[str, List[Scores]]) -> str:
    lines = ["# NLU quality", ""]
    for title, scores_list in sections.items():
        lines += [f"## {title}", ""]
        for scores in scores_list:
            lines += [f"**{scores.name}**: macro-F1 {scores.macro_f1:.3f}", "", "| label | F1 |", "|---|---|"]
            lines += [
                f"| {label} | {f1:.3f} |" for label, f1 in sorted(scores.f1.items(), key=lambda x: x[1])
            ]
            lines.append("")
    return "\n".join(lines)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", type=Path, help="model to score (default: the one for the current data)")
    parser.add_argument("--cross-validation", action="store_true", help="also run k-fold cross-validation")
    parser.add_argument("--folds", type=int, default=3)
    args = parser.parse_args(argv)

    from bot.server.model_cache import ensure_model

    title = f"Development set ({DEV_NLU_SET.relative_to(ROOT)}, measures fit)"
    sections = {title: evaluate_development_set(args.model or ensure_model())}
    if args.cross_validation:
        sections[f"{args.folds}-fold cross-validation on data/nlu"] = cross_validate(args.folds)
    report = markdown(sections)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "nlu_report.md").write_text(report)
    print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
