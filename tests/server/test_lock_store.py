"""The conversation lock store: shared through Redis, atomic across replicas, and alive when Redis is not.

Two `ResilientLockStore` objects on one Redis stand for two Rasa replicas. Tests that stop Redis use a
private `redis-server` (tests/support/services.py), never the shared one.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import threading
import time
from pathlib import Path
from typing import Iterator, List, Optional, Tuple

import pytest
import redis
from rasa.core.lock import TicketLock

from bot.server.lock_store import ResilientLockStore
from tests.support.servers import free_port
from tests.support.services import PrivateRedis, redis_available
from tests.support.waiting import wait_until_async

pytestmark = [
    pytest.mark.redis,
    pytest.mark.skipif(not redis_available(), reason="Redis (127.0.0.1:6379, redis-server) not available"),
]


@pytest.fixture()
def private_redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    server = PrivateRedis(tmp_path).start()
    try:
        yield server
    finally:
        server.stop()


def replicas(url: str, count: int = 2, **options: float) -> List[ResilientLockStore]:
    return [ResilientLockStore(url=url, **options) for _ in range(count)]


async def run_turns(stores: List[ResilientLockStore], conversation: str, turns: int) -> List[Tuple[str, int]]:
    """Run `turns` concurrent turns of one conversation, alternating stores; return the enter/exit trace."""
    trace: List[Tuple[str, int]] = []

    async def turn(number: int) -> None:
        async with stores[number % len(stores)].lock(conversation):
            trace.append(("enter", number))
            await asyncio.sleep(0.002)  # let the other turns run if the lock failed to keep them out
            trace.append(("exit", number))

    await asyncio.gather(*(turn(n) for n in range(turns)))
    return trace


def assert_one_at_a_time(trace: List[Tuple[str, int]], turns: int) -> None:
    assert len(trace) == 2 * turns
    for position in range(0, len(trace), 2):
        enter, leave = trace[position], trace[position + 1]
        assert enter[0] == "enter" and leave == ("exit", enter[1]), f"turns overlapped: {trace}"


async def test_without_redis_url_locks_are_in_process_and_serialise_turns() -> None:
    store = ResilientLockStore(url="")
    assert store.redis is None and not store.using_redis
    assert_one_at_a_time(await run_turns([store], "c1", 20), 20)


async def test_two_replicas_serialise_one_conversation_through_redis(private_redis: PrivateRedis) -> None:
    stores = replicas(private_redis.url)
    assert_one_at_a_time(await run_turns(stores, "shared-conversation", 30), 30)
    assert all(store.using_redis for store in stores)
    assert redis.Redis.from_url(private_redis.url).keys("*") == [], "no lock is left behind"


async def test_lock_key_lives_in_redis_with_an_expiry_while_held(private_redis: PrivateRedis) -> None:
    store = ResilientLockStore(url=private_redis.url, key_prefix="test")
    client = redis.Redis.from_url(private_redis.url)
    async with store.lock("held"):
        assert client.exists("test:lock:held")
        assert 0 < client.pttl("test:lock:held") <= (60 + 30) * 1000
    assert not client.exists("test:lock:held")


async def test_the_stored_lock_is_rasas_ticket_lock_and_queues_a_second_turn(
    private_redis: PrivateRedis,
) -> None:
    first, second = replicas(private_redis.url)
    client = redis.Redis.from_url(private_redis.url)
    async with first.lock("queued"):
        waiting = asyncio.ensure_future(_hold(second, "queued"))

        async def second_ticket_issued() -> Optional[TicketLock]:
            lock = TicketLock.from_dict(json.loads(client.get("camhs:lock:queued")))
            return lock if len(lock.tickets) == 2 else None

        lock = await wait_until_async(second_ticket_issued, "the second turn took a ticket", timeout=10)
        assert [t.number for t in lock.tickets] == [0, 1] and lock.now_serving == 0
        assert all(55 < t.expires - time.time() <= 60 for t in lock.tickets)
        assert not waiting.done(), "the second turn waits while the first holds the conversation"
    assert await asyncio.wait_for(waiting, 2) == 1
    assert not client.exists("camhs:lock:queued")


async def _hold(store: ResilientLockStore, conversation: str) -> int:
    async with store.lock(conversation) as lock:
        return lock.now_serving


async def test_an_expired_ticket_no_longer_blocks_the_conversation(private_redis: PrivateRedis) -> None:
    """A replica that died holding a ticket: the next turn gets in once that ticket's lifetime is over."""
    store = ResilientLockStore(url=private_redis.url)
    assert store.redis.issue_ticket("crashed", 0.1) == 0  # type: ignore[union-attr]  # never returned
    async with store.lock("crashed") as lock:
        assert [t.number for t in lock.tickets] == [1]


async def test_an_uncontended_turn_costs_two_redis_commands(private_redis: PrivateRedis) -> None:
    store = ResilientLockStore(url=private_redis.url)
    client = redis.Redis.from_url(private_redis.url)
    async with store.lock("warm-up"):  # loads the script once
        pass
    client.config_resetstat()
    async with store.lock("one-turn"):
        pass
    calls = {
        name: stats["calls"]
        for name, stats in client.info("commandstats").items()
        if not name.startswith("cmdstat_config")
    }
    # two script runs; Redis also counts the commands inside them: take (GET, SET) and return (GET, DEL)
    assert calls == {"cmdstat_evalsha": 2, "cmdstat_get": 2, "cmdstat_set": 1, "cmdstat_del": 1}


def test_tickets_issued_at_the_same_moment_by_many_replicas_are_all_different(
    private_redis: PrivateRedis,
) -> None:
    """Rasa's own RedisLockStore reads, changes and writes the key: simultaneous replicas can share a ticket."""
    stores = replicas(private_redis.url, count=8)
    tickets: List[int] = []
    start = threading.Barrier(len(stores))

    def take(store: ResilientLockStore) -> None:
        start.wait()
        for _ in range(25):
            tickets.append(store.redis.issue_ticket("race"))  # type: ignore[union-attr]

    threads = [threading.Thread(target=take, args=(store,)) for store in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(tickets) == list(range(len(stores) * 25))


async def test_dead_redis_falls_back_to_in_process_locks_with_one_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    store = ResilientLockStore(url=f"redis://127.0.0.1:{free_port()}/0", retry_after_s=60)
    with caplog.at_level(logging.WARNING, logger="bot.server.lock_store"):
        assert_one_at_a_time(await run_turns([store], "c-dead", 10), 10)
    assert not store.using_redis
    warnings = [r for r in caplog.records if "Redis unreachable" in r.getMessage()]
    assert len(warnings) == 1, "one warning per outage, not one per message"


async def test_redis_stopping_and_coming_back(private_redis: PrivateRedis) -> None:
    store = ResilientLockStore(url=private_redis.url, retry_after_s=0.2)
    client = redis.Redis.from_url(private_redis.url)
    async with store.lock("before"):
        assert client.exists("camhs:lock:before")

    private_redis.stop()
    async with store.lock("during"):  # answered from in-process locks
        pass
    assert not store.using_redis

    private_redis.start()

    async def a_turn_went_through_redis() -> bool:
        # retry_after_s=0.2: the first turn after that tries Redis again
        async with store.lock("after"):
            return bool(client.exists("camhs:lock:after"))

    await wait_until_async(a_turn_went_through_redis, "back on Redis once it answers again", timeout=10)
    assert store.using_redis


async def test_redis_dying_while_a_turn_holds_the_lock_does_not_fail_the_turn(
    private_redis: PrivateRedis,
) -> None:
    store = ResilientLockStore(url=private_redis.url, retry_after_s=60)
    async with store.lock("mid-turn"):
        private_redis.stop()
    assert not store.using_redis
    async with store.lock("mid-turn"):
        pass


def test_endpoints_yml_selects_redis_only_when_redis_url_is_set(monkeypatch: pytest.MonkeyPatch) -> None:
    from rasa.core.lock_store import LockStore
    from rasa.core.utils import read_endpoints_from_path

    from bot.server.settings import ROOT

    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/15")
    for key, value in {
        "ACTION_ENDPOINT_URL": "http://127.0.0.1:5055/webhook",
        "TRACKER_DB_URL": "sqlite:///:memory:",
    }.items():
        monkeypatch.setenv(key, os.environ.get(key, value))
    with_redis = LockStore.create(read_endpoints_from_path(ROOT / "endpoints.yml").lock_store)
    assert isinstance(with_redis, ResilientLockStore) and with_redis.redis is not None
    assert with_redis.redis.key_prefix == "camhs:lock:"

    monkeypatch.setenv("REDIS_URL", "")
    without = LockStore.create(read_endpoints_from_path(ROOT / "endpoints.yml").lock_store)
    assert isinstance(without, ResilientLockStore) and without.redis is None
