"""Cost of the risk detector per message: p50/p99 microseconds over the corpus and over long messages.

    .venv/bin/python bench/bench_risk.py [--corpus DIR] [--repeat N]

Timings live here, never in tests (they depend on the machine). The detector runs on every message, so
its typical cost must stay well under a millisecond.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path
from typing import Callable, List, Sequence

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.nlu.risk.detector import RiskMatcher  # noqa: E402
from tools.safety_eval import DEFAULT_CORPUS, load_corpus  # noqa: E402

DEV_CORPUS = ROOT / "tests" / "risk" / "data"


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def timed(fn: Callable[[str], object], texts: Sequence[str], repeat: int) -> List[float]:
    """Microseconds per call, each text run `repeat` times."""
    out = []
    for _ in range(repeat):
        for text in texts:
            start = time.perf_counter()
            fn(text)
            out.append((time.perf_counter() - start) * 1e6)
    return out


def report(name: str, micros: Sequence[float]) -> None:
    print(
        f"{name:<44} n={len(micros):<6} p50={percentile(micros, 0.5):>10.0f} us  "
        f"p99={percentile(micros, 0.99):>10.0f} us  max={max(micros):>10.0f} us"
    )


def long_messages(corpus: Sequence[str]) -> dict:
    rng = random.Random(7)
    words = " ".join(corpus).split() or ["hello"]
    prose = lambda n: " ".join(rng.choice(words) for _ in range(n))  # noqa: E731
    return {
        "2 000 chars of corpus words": [prose(330) for _ in range(20)],
        "10 000 chars of corpus words": [prose(1650) for _ in range(5)],
        "100 000 chars of corpus words": [prose(16500)],
        "100 000 chars, risk phrase at the end": [prose(16500) + " i want to kill myself"],
        "100 000 chars of 'kill '": ["kill " * 20000],
        "100 000 chars without spaces": ["a" * 100_000],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--corpus", type=Path, default=DEFAULT_CORPUS if DEFAULT_CORPUS.exists() else DEV_CORPUS
    )
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    start = time.perf_counter()
    matcher = RiskMatcher.from_lexicon()
    print(f"lexicon load + compile: {(time.perf_counter() - start) * 1000:.0f} ms")
    escalate, calm = load_corpus(args.corpus)
    texts = [c.text for c in escalate + calm]
    matcher.detect("warm up")
    report(f"corpus messages ({args.corpus.name})", timed(matcher.analyse, texts, args.repeat))
    for name, messages in long_messages(texts).items():
        report(name, timed(matcher.analyse, messages, 1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
