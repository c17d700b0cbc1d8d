"""Virtual people talking to the REST channel: scripted conversations, back to back or at a human pace.

Each virtual person runs whole conversations (a new sender id each time) from a script, one turn after
another: immediately after the reply (capacity) or after a pause drawn from `pause_s` (a person reading and
typing). A turn's latency is from sending the message to having the whole reply; a turn is an error when
the answer is not 200 with at least one reply. Turns can go round-robin over several replicas, as a load
balancer without sticky sessions would send them.
"""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

import aiohttp


@dataclass
class Results:
    latencies_s: List[float] = field(default_factory=list)
    errors: Dict[str, int] = field(default_factory=dict)
    sent_by_sender: Dict[str, int] = field(default_factory=dict)
    answered_by_sender: Dict[str, int] = field(default_factory=dict)
    started: float = 0.0
    finished: float = 0.0

    @property
    def turns(self) -> int:
        return len(self.latencies_s)

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    def add_error(self, kind: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1

    def summary(self) -> Dict[str, float]:
        ordered = sorted(self.latencies_s)
        wall = max(1e-9, self.finished - self.started)

        def pct(q: float) -> float:
            return (
                1000 * ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] if ordered else 0.0
            )

        return {
            "turns": len(ordered),
            "turns_per_s": len(ordered) / wall,
            "p50_ms": pct(0.50),
            "p95_ms": pct(0.95),
            "p99_ms": pct(0.99),
            "max_ms": 1000 * ordered[-1] if ordered else 0.0,
            "errors": self.error_count,
            "wall_s": wall,
        }


@dataclass
class Load:
    """How the virtual people behave."""

    people: int
    script: Sequence[str]
    urls: Sequence[str]  # one per replica; turns go round-robin over them
    pause_s: Optional[Tuple[float, float]] = None  # None: back to back
    duration_s: Optional[float] = None  # keep starting conversations until then...
    conversations_per_person: int = 1  # ...or run this many each
    seed: int = 7
    timeout_s: float = 60.0


async def _turn(
    session: aiohttp.ClientSession, url: str, sender: str, message: str, results: Results, timeout_s: float
) -> None:
    results.sent_by_sender[sender] = results.sent_by_sender.get(sender, 0) + 1
    start = time.perf_counter()
    try:
        async with session.post(
            f"{url}/webhooks/rest/webhook",
            json={"sender": sender, "message": message},
            timeout=aiohttp.ClientTimeout(total=timeout_s),
        ) as response:
            body = await response.json(content_type=None)
            if response.status != 200:
                results.add_error(f"http {response.status}")
                return
            if not body:
                results.add_error("empty reply")
                return
    except asyncio.TimeoutError:
        results.add_error("timeout")
        return
    except (aiohttp.ClientError, ValueError) as error:
        results.add_error(type(error).__name__)
        return
    results.latencies_s.append(time.perf_counter() - start)
    results.answered_by_sender[sender] = results.answered_by_sender.get(sender, 0) + 1


async def _person(
    number: int, load: Load, session: aiohttp.ClientSession, results: Results, deadline: Optional[float]
) -> None:
    rng = random.Random(load.seed * 1000 + number)
    replica = number % len(load.urls)
    if load.pause_s:
        await asyncio.sleep(rng.uniform(0, load.pause_s[1]))  # people do not all start at once
    conversations = 0
    while True:
        if deadline is None and conversations >= load.conversations_per_person:
            return
        if deadline is not None and time.monotonic() >= deadline:
            return
        sender = f"bench-{uuid.uuid4().hex[:12]}"
        for message in load.script:
            await _turn(session, load.urls[replica], sender, message, results, load.timeout_s)
            replica = (replica + 1) % len(load.urls)
            if load.pause_s:
                await asyncio.sleep(rng.uniform(*load.pause_s))
        conversations += 1


async def run(load: Load) -> Results:
    """Run the load to completion and return every turn's outcome."""
    results = Results()
    connector = aiohttp.TCPConnector(limit=0, limit_per_host=0)
    async with aiohttp.ClientSession(connector=connector) as session:
        results.started = time.perf_counter()
        deadline = time.monotonic() + load.duration_s if load.duration_s else None
        await asyncio.gather(*(_person(n, load, session, results, deadline) for n in range(load.people)))
        results.finished = time.perf_counter()
    return results
