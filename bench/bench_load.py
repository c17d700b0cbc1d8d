"""Load benchmark over the REST channel: our assistant against the stock `rasa init` assistant, same run.

    .venv/bin/python bench/bench_load.py [--quick] [--skip-baseline] [--json results/bench_load.json]

Scenarios (turn = one message and its whole reply; scripted conversations of 5 turns):
  (a) one conversation at a time, back to back               ours and stock
  (b) 20 conversations at once, back to back (capacity)      ours and stock
  (c) 100 conversations at a human pace (3-8 s between turns) on one replica (ours and stock), and 200 on
      two replicas (ours)
Ours runs in the production shape (PostgreSQL tracker store, Redis locks; two replicas share both) and, for
(a) and (b), once more with an in-memory SQLite tracker store to show what the database costs. The stock
assistant runs as shipped (in-memory tracker store). Each scenario prints turns/s, p50/p95/p99 latency,
errors, lost turns (sent but not in the tracker store), the Rasa server's resident memory, CPU seconds per
turn of each server, and the machine's load: on a shared machine the figures mean nothing without it.
Timings live here, never in tests.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import os
import platform
import secrets
import sys
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Any, Dict, List, Optional

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["RASA_TELEMETRY_ENABLED"] = "false"

import sqlalchemy as sa  # noqa: E402

from bench import load_client, procstats, stock_assistant  # noqa: E402
from bench.load_client import Load  # noqa: E402
from bot.server.settings import load_settings  # noqa: E402
from tests.support.servers import AssistantProcesses, Deployment, free_port  # noqa: E402
from tests.support.services import PrivateRedis, ThrowawayPostgres  # noqa: E402

OUR_SCRIPTS: List[List[str]] = [
    ["hi", '/inform{"role":"young_person"}', "15", "hackney", "i've been feeling really anxious"],
    ["hello", "it's for me", "I'm 16", "I live in Westminster", "exam stress"],
    ["hi", '/inform{"role":"parent"}', "my son is 9", "E8", "he gets really angry"],
    ["hey", '/inform{"role":"young_person"}', "14", "notting hill", "i can't sleep"],
]
PACE_S = (3.0, 8.0)
TARGET_RATIO = 1.2
TARGET_P95_MS = 250.0
TARGET_RSS_MB = 1.2 * 1024


def scenario_loads(quick: bool, urls: List[str], scripts: List[List[str]]) -> Dict[str, Load]:
    """(a) and (b); `measure` spreads the people over the scripts."""
    scale = 0.25 if quick else 1.0
    return {
        "a_one_at_a_time": Load(
            people=1, script=scripts[0], urls=urls[:1], conversations_per_person=max(4, int(24 * scale))
        ),
        "b_capacity_20": Load(
            people=20, script=scripts[0], urls=urls[:1], conversations_per_person=max(1, int(3 * scale))
        ),
    }


async def warm_up(urls: List[str], scripts: List[List[str]]) -> None:
    """One conversation per replica and script: the first turns build TensorFlow graphs and open pools."""
    for url in urls:
        for script in scripts:
            await load_client.run(Load(people=1, script=script, urls=[url]))


def stored_user_turns(db_url: str, senders: List[str]) -> int:
    """How many of the senders' messages are in the tracker store."""
    if not senders:
        return 0
    engine = sa.create_engine(db_url)
    try:
        with engine.connect() as connection:
            return connection.execute(
                sa.text("SELECT count(*) FROM events WHERE type_name = 'user' AND sender_id = ANY(:senders)"),
                {"senders": senders},
            ).scalar_one()
    finally:
        engine.dispose()


def measure(
    name: str,
    load: Load,
    pids: Dict[str, int],
    db_url: Optional[str] = None,
    scripts: Optional[List[List[str]]] = None,
) -> Dict[str, Any]:
    """Run one scenario under the monitor; return its figures."""
    monitor = procstats.Monitor(pids).start()
    results = asyncio.run(_run_with_scripts(load, scripts))
    sample = monitor.stop()
    summary = results.summary()
    sent = sum(results.sent_by_sender.values())
    lost = None
    if db_url is not None:
        lost = sent - stored_user_turns(db_url, list(results.sent_by_sender))
    turns = max(1, summary["turns"])
    row = {
        "scenario": name,
        **summary,
        "sent": sent,
        "lost": lost,
        "error_kinds": results.errors,
        "cpu_ms_per_turn": {k: 1000 * v / turns for k, v in sample.cpu_seconds.items()},
        "machine": {
            "load_before": sample.load_before,
            "load_after": sample.load_after,
            "cpu_busy_percent": sample.cpu_busy_percent,
        },
        "rss_peak_mb": sample.peak_rss_mb,
        "rss_hwm_mb": sample.hwm_mb,
    }
    print_row(row)
    return row


async def _run_with_scripts(load: Load, scripts: Optional[List[List[str]]]) -> load_client.Results:
    """Split the people into groups, one per script, so conversations vary; merge the results."""
    if not scripts or len(scripts) == 1:
        return await load_client.run(load)
    groups = []
    for index, script in enumerate(scripts):
        people = load.people // len(scripts) + (1 if index < load.people % len(scripts) else 0)
        if people:
            groups.append(
                Load(**{**asdict(load), "people": people, "script": script, "seed": load.seed + index})
            )
    parts = await asyncio.gather(*(load_client.run(group) for group in groups))
    merged = load_client.Results(
        started=min(p.started for p in parts), finished=max(p.finished for p in parts)
    )
    for part in parts:
        merged.latencies_s += part.latencies_s
        for kind, count in part.errors.items():
            merged.errors[kind] = merged.errors.get(kind, 0) + count
        merged.sent_by_sender.update(part.sent_by_sender)
        merged.answered_by_sender.update(part.answered_by_sender)
    return merged


def print_row(row: Dict[str, Any]) -> None:
    machine = row["machine"]
    rss = ", ".join(f"{k} {v:.0f}" for k, v in row["rss_peak_mb"].items())
    cpu = ", ".join(f"{k} {v:.1f}" for k, v in row["cpu_ms_per_turn"].items())
    print(
        f"{row['scenario']:<34} {row['turns']:>5} turns {row['turns_per_s']:>6.1f}/s  "
        f"p50 {row['p50_ms']:>6.0f}  p95 {row['p95_ms']:>6.0f}  p99 {row['p99_ms']:>6.0f} ms  "
        f"errors {row['errors']}  lost {row['lost'] if row['lost'] is not None else '-'}\n"
        f"{'':<34} RSS peak MB: {rss}; CPU ms/turn: {cpu}; load {machine['load_before'][0]:.2f}->"
        f"{machine['load_after'][0]:.2f}, machine CPU busy {machine['cpu_busy_percent']:.0f}%",
        flush=True,
    )


def run_ours(model: Path, workdir: Path, quick: bool, paced_s: float, rows: List[Dict[str, Any]]) -> None:
    """Our assistant: production shape (one replica, then two), and one replica on in-memory SQLite."""
    database = ThrowawayPostgres("bench").create()
    redis = PrivateRedis(workdir).start()
    try:
        # -------- one replica, PostgreSQL + Redis
        one = AssistantProcesses(
            model,
            workdir / "one",
            Deployment(
                replicas=1,
                tracker_db_url=database.url,
                redis_url=redis.url,
                capture_logs=True,
                directory_db_url=f"sqlite:///{workdir / 'directory.db'}",
            ),
        )
        (workdir / "one").mkdir()
        one.start()
        try:
            urls = [one.url]
            pids = {"rasa": one.rasa_server.pid, "actions": one.action_server.pid}
            asyncio.run(warm_up(urls, OUR_SCRIPTS))
            for name, load in scenario_loads(quick, urls, OUR_SCRIPTS).items():
                rows.append(measure(f"ours {name} (postgres)", load, pids, database.url, OUR_SCRIPTS))
            paced = Load(
                people=100,
                script=OUR_SCRIPTS[0],
                urls=urls,
                pause_s=PACE_S,
                duration_s=paced_s / (4 if quick else 1),
            )
            rows.append(measure("ours c_paced_100 (1 replica)", paced, pids, database.url, OUR_SCRIPTS))
        finally:
            one.stop()
        # -------- one replica, in-memory SQLite tracker store (what the database costs)
        (workdir / "memory").mkdir()
        memory = AssistantProcesses(
            model,
            workdir / "memory",
            Deployment(
                replicas=1,
                tracker_db_url="sqlite://",
                capture_logs=True,
                directory_db_url=f"sqlite:///{workdir / 'directory.db'}",
            ),
        )
        memory.start()
        try:
            pids = {"rasa": memory.rasa_server.pid, "actions": memory.action_server.pid}
            asyncio.run(warm_up([memory.url], OUR_SCRIPTS))
            for name, load in scenario_loads(quick, [memory.url], OUR_SCRIPTS).items():
                rows.append(measure(f"ours {name} (in-memory sqlite)", load, pids, None, OUR_SCRIPTS))
        finally:
            memory.stop()
        # -------- two replicas, PostgreSQL + Redis
        (workdir / "two").mkdir()
        two = AssistantProcesses(
            model,
            workdir / "two",
            Deployment(
                replicas=2,
                tracker_db_url=database.url,
                redis_url=redis.url,
                capture_logs=True,
                directory_db_url=f"sqlite:///{workdir / 'directory.db'}",
            ),
        )
        two.start()
        try:
            urls = [two.url_of(0), two.url_of(1)]
            pids = {
                "rasa": two.rasa_servers[0].pid,
                "rasa_2": two.rasa_servers[1].pid,
                "actions": two.action_server.pid,
            }
            asyncio.run(warm_up(urls, OUR_SCRIPTS))
            paced = Load(
                people=200,
                script=OUR_SCRIPTS[0],
                urls=urls,
                pause_s=PACE_S,
                duration_s=paced_s / (4 if quick else 1),
            )
            rows.append(measure("ours c_paced_200 (2 replicas)", paced, pids, database.url, OUR_SCRIPTS))
        finally:
            two.stop()
    finally:
        redis.stop()
        database.drop()


def run_stock(folder: Path, workdir: Path, quick: bool, paced_s: float, rows: List[Dict[str, Any]]) -> None:
    # The stock project needs its HTTP API for /status; a token made for this run keeps it closed to others.
    stock = stock_assistant.StockAssistant(folder, free_port(), secrets.token_urlsafe(24))
    stock.start(workdir / "stock.log")
    try:
        asyncio.run(warm_up([stock.url], stock_assistant.SCRIPTS))
        pids = {"rasa": stock.process.pid}
        for name, load in scenario_loads(quick, [stock.url], stock_assistant.SCRIPTS).items():
            rows.append(measure(f"stock {name}", load, pids, None, stock_assistant.SCRIPTS))
        # Not a target; shows whether one stock process keeps the pace the targets ask of ours.
        paced = Load(
            people=100,
            script=stock_assistant.SCRIPTS[0],
            urls=[stock.url],
            pause_s=PACE_S,
            duration_s=paced_s / (4 if quick else 1),
        )
        rows.append(measure("stock c_paced_100 (1 replica)", paced, pids, None, stock_assistant.SCRIPTS))
    finally:
        stock.stop()


def verdict(rows: List[Dict[str, Any]]) -> List[str]:
    """The issue's targets, each with the figures it was judged on."""
    by = {row["scenario"]: row for row in rows}
    lines = []
    ours_a, stock_a = by.get("ours a_one_at_a_time (postgres)"), by.get("stock a_one_at_a_time")
    ours_b, stock_b = by.get("ours b_capacity_20 (postgres)"), by.get("stock b_capacity_20")
    if ours_a and stock_a:
        ratio = ours_a["p95_ms"] / max(1e-9, stock_a["p95_ms"])
        lines.append(
            f"(a) p95 ours/stock = {ours_a['p95_ms']:.0f}/{stock_a['p95_ms']:.0f} ms = {ratio:.2f}x "
            f"(target <= {TARGET_RATIO}x): {'met' if ratio <= TARGET_RATIO else 'MISSED'}"
        )
    if ours_b and stock_b:
        ratio = stock_b["turns_per_s"] / max(1e-9, ours_b["turns_per_s"])
        lines.append(
            f"(b) capacity stock/ours = {stock_b['turns_per_s']:.1f}/{ours_b['turns_per_s']:.1f} turns/s "
            f"= {ratio:.2f}x (target <= {TARGET_RATIO}x): {'met' if ratio <= TARGET_RATIO else 'MISSED'}"
        )
    for name in ("ours c_paced_100 (1 replica)", "ours c_paced_200 (2 replicas)"):
        row = by.get(name)
        if row:
            ok = row["p95_ms"] < TARGET_P95_MS and row["errors"] == 0 and row["lost"] == 0
            lines.append(
                f"{name}: p95 {row['p95_ms']:.0f} ms, errors {row['errors']}, lost {row['lost']} "
                f"(target p95 < {TARGET_P95_MS:.0f} ms, 0, 0): {'met' if ok else 'MISSED'}"
            )
    peaks = [
        v
        for row in rows
        if row["scenario"].startswith("ours")
        for k, v in row.get("rss_hwm_mb", {}).items()
        if k.startswith("rasa")
    ]
    if peaks:
        lines.append(
            f"Rasa server peak resident {max(peaks):.0f} MB (target < {TARGET_RSS_MB:.0f} MB): "
            f"{'met' if max(peaks) < TARGET_RSS_MB else 'MISSED'}"
        )
    return lines


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a quarter of the turns and of the paced time")
    parser.add_argument("--skip-baseline", action="store_true", help="do not run the stock assistant")
    parser.add_argument("--only-baseline", action="store_true", help="run the stock assistant only")
    parser.add_argument(
        "--baseline-dir",
        type=Path,
        default=None,
        help="stock project folder (default .rasa/bench/stock-<rasa version>)",
    )
    parser.add_argument(
        "--paced-seconds", type=float, default=60.0, help="how long paced people keep starting"
    )
    parser.add_argument("--json", type=Path, default=ROOT / "results" / "bench_load.json")
    args = parser.parse_args(argv)

    load_settings()
    from rasa.version import __version__ as rasa_version

    from bot.server.model_cache import ensure_model

    baseline_dir = args.baseline_dir or ROOT / ".rasa" / "bench" / f"stock-{rasa_version}"
    model = ensure_model()
    rows: List[Dict[str, Any]] = []
    started = datetime.datetime.now().isoformat(timespec="seconds")
    print(
        f"bench_load {started}: {os.cpu_count()} CPUs, load {procstats.load_average()}, "
        f"Python {platform.python_version()}, Rasa {rasa_version}",
        flush=True,
    )
    with tempfile.TemporaryDirectory(prefix="bench_load_") as temporary:
        workdir = Path(temporary)
        if not args.skip_baseline:
            run_stock(baseline_dir, workdir, args.quick, args.paced_seconds, rows)
        if not args.only_baseline:
            run_ours(model, workdir, args.quick, args.paced_seconds, rows)
    print("\n".join(["", "targets:"] + verdict(rows)), flush=True)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(
        json.dumps(
            {
                "started": started,
                "cpus": os.cpu_count(),
                "rasa": rasa_version,
                "model": model.name,
                "rows": rows,
                "verdict": verdict(rows),
            },
            indent=1,
        )
    )
    print(f"figures written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
