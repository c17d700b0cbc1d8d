"""Added cost per message of the learned risk models and the language gate: p50/p95/p99 microseconds.

    .venv/bin/python bench/bench_risk_models.py [--repeat N]

Trains the models on the corpus (as `rasa train` does), then times `RiskModel.scores` and the language
gate's detection and phrase matching over every corpus message. Timings live here, never in tests.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Optional

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_risk import percentile, timed  # noqa: E402
from bot.nlu.language.detect import default_identifier  # noqa: E402
from bot.nlu.language.lexicon import default_matcher  # noqa: E402
from bot.nlu.risk.detector import RiskMatcher  # noqa: E402
from bot.nlu.risk.lexicon import DEFAULT_LEXICON  # noqa: E402
from bot.nlu.risk.model import RiskModel, load_corpus  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    corpus = load_corpus(ROOT / "corpus" / "risk")
    texts = [e.text for e in corpus]
    matcher = RiskMatcher.from_lexicon(DEFAULT_LEXICON)
    start = time.perf_counter()

    def rule_of(text: str) -> Optional[str]:
        result = matcher.analyse(text).result
        return result.category if result else None

    model = RiskModel.train(corpus, rule_of)
    print(f"training on {len(corpus)} messages: {time.perf_counter() - start:.1f} s")
    identifier, phrases = default_identifier(), default_matcher()
    for name, fn in (
        ("RiskModel.scores (three models, decision)", model.scores),
        ("rules (RiskMatcher.analyse)", matcher.analyse),
        ("language detection", identifier.identify),
        ("crisis words in other languages", phrases.find),
    ):
        micros = timed(fn, texts, args.repeat)
        print(
            f"{name:<36} n={len(micros):<6} p50={percentile(micros, 0.5):>7.0f} us  "
            f"p95={percentile(micros, 0.95):>7.0f} us  p99={percentile(micros, 0.99):>7.0f} us"
        )


if __name__ == "__main__":
    main()
