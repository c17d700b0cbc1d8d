"""Benchmark the rule-based extractors on realistic one-message answers (default 3000 distinct messages).

    .venv/bin/python -m bench.bench_extractors [--messages 3000] [--seed 7]

Builds messages from typical pieces (ages, school years, places with typos and postcodes, concerns, roles),
every one different so no per-message cache helps, and runs them through the three Rasa components'
process() in pipeline order, timing each. Prints start-up time and per-message p50/p95/p99/max in
milliseconds per component and for the three together, plus long and odd inputs. Exits 1 when any
component's p95 is over the target (1 ms). Timings depend on what else the machine is running: the
numbers are for comparing changes on one machine, not promises.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from typing import Dict, List

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

from rasa.shared.nlu.training_data.message import Message  # noqa: E402

from bot.nlu.extractors import AgeExtractor, LexiconEntityExtractor, PlaceExtractor  # noqa: E402

TARGET_P95_MS = 1.0

OPENERS = ["hi", "hello", "", "um", "ok so", "hey, i need help.", "Hi there, I'm writing because"]
WHO = [
    "im {age}",
    "i'm {age}",
    "my son is {age}",
    "my daughter (age {age})",
    "my {age} year old",
    "he's {age}",
    "she is in year {year}",
    "I'm a teacher and one of my pupils is {age}",
    "i am {age} years old",
    "{age}yo",
    "my kid is in yr {year}",
    "I'm a youth worker, the young person is {age}",
]
WHERE = ["live in {place}", "we're in {place}", "from {place}", "near {place}", "in {place}", "{place}"]
PLACES = [
    "hakney",
    "Hackney",
    "E8 1DY",
    "W10",
    "westminister",
    "k&c",
    "Notting Hill",
    "Dalston",
    "brixton",
    "peckham",
    "SW1A",
    "stoke newinton",
    "Croydon",
    "walthamstow",
    "Manchester",
    "kent",
    "tower hamlets",
    "Bow",
    "Clapham",
    "Earl's Court",
    "ec2a 4ne",
    "Lewisham",
    "wimbledon",
    "ilford",
    "Romford",
]
WORRY = [
    "feel rly low",
    "being bullied and won't eat",
    "has panic attacks",
    "cant sleep",
    "self harming",
    "parents arguing all the time",
    "stressed about exams",
    "lonely",
    "angry all the time",
    "grieving my nan",
    "smoking weed",
    "might be autistic",
    "hate how i look",
    "questioning my gender",
    "not sure",
    "just want to talk",
    "crying all the time and no motivation",
]
FILLERS = ["and", "but", "also", "so", "and honestly", "and i think", "and"]


def messages(count: int, seed: int) -> List[str]:
    """Distinct realistic messages (a counter word keeps every one unique)."""
    rng = random.Random(seed)
    result = []
    for i in range(count):
        who = rng.choice(WHO).format(age=rng.randint(5, 24), year=rng.randint(1, 13))
        where = rng.choice(WHERE).format(place=rng.choice(PLACES))
        parts = [rng.choice(OPENERS), who, where, rng.choice(FILLERS), rng.choice(WORRY), f"msg{i}"]
        rng.shuffle(parts[1:4])
        result.append(" ".join(p for p in parts if p))
    return result


def percentiles(samples: List[float]) -> str:
    ordered = sorted(samples)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]  # noqa: E731
    return (
        f"p50 {statistics.median(ordered):.3f}  p95 {pick(0.95):.3f}  p99 {pick(0.99):.3f}  "
        f"max {ordered[-1]:.3f} ms"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    started = time.perf_counter()
    components = [
        AgeExtractor.create({}, None, None, None),
        PlaceExtractor.create({}, None, None, None),
        LexiconEntityExtractor.create({}, None, None, None),
    ]
    print(f"start-up (lexicons compiled, spaCy blank pipeline): {time.perf_counter() - started:.2f} s")

    for text in messages(200, args.seed + 1):  # warm word-level caches as a running server would be
        message = Message.build(text=text)
        for component in components:
            component.process([message])

    timings: Dict[str, List[float]] = {c.name: [] for c in components}
    totals: List[float] = []
    for text in messages(args.messages, args.seed):
        message = Message.build(text=text)
        total = 0.0
        for component in components:
            t0 = time.perf_counter()
            component.process([message])
            elapsed = (time.perf_counter() - t0) * 1000
            timings[component.name].append(elapsed)
            total += elapsed
        totals.append(total)

    print(f"{args.messages} distinct messages, per message:")
    for name, samples in timings.items():
        print(f"  {name:24} {percentiles(samples)}")
    print(f"  {'all three':24} {percentiles(totals)}")

    for label, text in [
        ("5 000 characters", "im 15 and i live in hackney " * 180),
        ("100 000 characters", "a" * 100_000),
        ("emoji only", "😀" * 50),
    ]:
        message = Message.build(text=text)
        t0 = time.perf_counter()
        for component in components:
            component.process([message])
        print(f"  {label:24} {(time.perf_counter() - t0) * 1000:.1f} ms")

    slow = {name: sorted(s)[int(0.95 * len(s))] for name, s in timings.items()}
    slow = {name: p95 for name, p95 in slow.items() if p95 > TARGET_P95_MS}
    for name, p95 in slow.items():
        print(f"FAIL: {name} p95 {p95:.3f} ms is over the {TARGET_P95_MS} ms target")
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
