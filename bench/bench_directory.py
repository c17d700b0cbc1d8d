"""Benchmark directory matching on a large synthetic directory (default 10 000 services).

    .venv/bin/python -m bench.bench_directory [--services 10000] [--queries 2000] [--database-url URL]

Loads random but valid services (spread over the 33 boroughs plus National/Online, random ages, concerns,
routes and audiences) through the real validator and loader, then times find_services for random people,
each call on its own connection from a read engine, as the action server calls it. Prints wall-clock
p50/p95/p99 in milliseconds (and the CPU-time percentiles, which a busy shared machine disturbs less) and
exits 1 when the wall-clock p99 is over the target (5 ms). Without --database-url it uses a temporary SQLite file; with a PostgreSQL
URL, use a throwaway database: the load replaces the directory tables there.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import List

from directory import places, vocab
from directory.concerns import concern_codes
from directory.db import make_engine, make_read_engine
from directory.loader import load_records
from directory.matching import MatchQuery, find_services, professional_routes
from directory.records import parse_documents

TARGET_P99_MS = 5.0


def synthetic_services(count: int, seed: int = 7) -> List[dict]:
    """Valid service dicts. Areas as in large real directories: about 3% national/online, 70% one borough,
    the rest two to five boroughs (like the NHS trust lines)."""
    rng = random.Random(seed)
    boroughs, codes = list(places.london_boroughs()), sorted(concern_codes())
    services = []
    for i in range(count):
        draw = rng.random()
        if draw < 0.03:
            areas = [rng.choice([vocab.NATIONAL, vocab.ONLINE])]
        elif draw < 0.73:
            areas = [rng.choice(boroughs)]
        else:
            areas = rng.sample(boroughs, rng.randint(2, 5))
        age_min = rng.choice([None, 0, 5, 11, 13, 16])
        age_max = rng.choice([None, 18, 19, 25, 120]) if age_min is None or age_min < 18 else None
        services.append(
            {
                "id": f"bench-{i:05d}",
                "name": f"Bench service {i}",
                "summary": "Synthetic service for benchmarks.",
                "organisation": f"Bench organisation {i % 400}",
                "areas": areas,
                "age_min": age_min,
                "age_max": age_max,
                "audiences": rng.sample(list(vocab.AUDIENCES), rng.randint(1, 2)),
                "concerns": rng.sample(codes, rng.randint(1, 4)),
                "how_to_refer": rng.sample(list(vocab.REFERRAL_ROUTES), rng.randint(0, 2)),
                "contacts": [
                    {"type": "phone", "value": "0800 1111"},
                    {"type": "website", "value": "example.org"},
                ],
                "is_24_7": rng.random() < 0.1,
                "confidence": "high",
                "source": "bench",
                "last_verified": "2026-11-25",
            }
        )
    return [{k: v for k, v in s.items() if v is not None} for s in services]


def random_queries(count: int, seed: int = 11) -> List[MatchQuery]:
    rng = random.Random(seed)
    boroughs = list(places.london_boroughs()) + [vocab.OUTSIDE_LONDON, vocab.NOT_GIVEN]
    codes = sorted(concern_codes())
    return [
        MatchQuery(
            age=rng.choice([None] + list(range(5, 26))),
            borough=rng.choice(boroughs),
            concerns=rng.sample(codes, rng.randint(0, 2)),
            role=rng.choice([None, *vocab.ROLES]),
        )
        for _ in range(count)
    ]


def percentile(values: List[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(pct / 100 * (len(ordered) - 1))))]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=2_000)
    parser.add_argument(
        "--database-url", help="default: a temporary SQLite file (never the project database)"
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        engine = make_engine(url)
        started = time.perf_counter()
        records = parse_documents({"bench.yml": {"services": synthetic_services(args.services)}})
        load_records(engine, records)
        print(
            f"{engine.dialect.name}: loaded {len(records)} services in {time.perf_counter() - started:.1f}s"
        )
        reader = make_read_engine(url)  # what the action server reads through
        queries = random_queries(args.queries)
        for query in queries[:50]:  # warm caches and the connection pool
            with reader.connect() as connection:
                find_services(connection, query)
        timings, cpu, sizes, referral = [], [], [], []
        for query in queries:
            t0, c0 = time.perf_counter(), time.process_time()
            with reader.connect() as connection:
                results = find_services(connection, query)
            timings.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
            sizes.append(len(results))
        for query in queries[:500]:
            t0 = time.perf_counter()
            with reader.connect() as connection:
                professional_routes(connection, query)
            referral.append((time.perf_counter() - t0) * 1000)
        reader.dispose()
        engine.dispose()
    p99 = percentile(timings, 99)
    print(
        f"find_services over {len(timings)} queries: p50 {percentile(timings, 50):.2f} ms, "
        f"p95 {percentile(timings, 95):.2f} ms, p99 {p99:.2f} ms, max {max(timings):.2f} ms; "
        f"mean results {statistics.mean(sizes):.1f}"
    )
    print(
        f"  CPU time of this process (less sensitive to a busy machine): p50 {percentile(cpu, 50):.2f} ms, "
        f"p99 {percentile(cpu, 99):.2f} ms"
    )
    print(
        f"professional_routes over {len(referral)} queries: p50 {percentile(referral, 50):.2f} ms, "
        f"p99 {percentile(referral, 99):.2f} ms"
    )
    print(f"target p99 < {TARGET_P99_MS} ms: {'met' if p99 < TARGET_P99_MS else 'NOT met'}")
    return 0 if p99 < TARGET_P99_MS else 1


if __name__ == "__main__":
    sys.exit(main())
