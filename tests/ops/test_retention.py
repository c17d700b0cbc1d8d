"""The retention and erase commands, run as an operator runs them, against SQLite and the real PostgreSQL.

Conversations are written by Rasa's own SQLTrackerStore, so the commands are checked against the real
schema; what is left is read back the same way.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator, List

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.server.lock_store import ResilientLockStore
from bot.server.settings import ROOT
from tests.support.services import PrivateRedis, ThrowawayPostgres, postgres_reachable, redis_available
from tests.support.waiting import wait_until

DAY = 86_400.0
NOW = time.time()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def tracker_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'tracker.db'}"
        return
    if not postgres_reachable():
        pytest.skip("PostgreSQL at 127.0.0.1:5432 is not reachable")
    database = ThrowawayPostgres("retention").create()
    try:
        yield database.url
    finally:
        database.drop()


def store(url: str) -> SQLTrackerStore:
    return SQLTrackerStore(Domain.empty(), host=url)


def conversation(sender: str, *days_ago: float) -> DialogueStateTracker:
    """A conversation with one session per age given: session start, a message and a reply."""
    events = []
    for age in days_ago:
        at = NOW - age * DAY
        events += [
            ActionExecuted("action_session_start", timestamp=at),
            SessionStarted(timestamp=at),
            ActionExecuted("action_listen", timestamp=at),
            UserUttered(f"message from {sender} {age} days ago", timestamp=at + 1),
            BotUttered("a reply", timestamp=at + 2),
            ActionExecuted("action_listen", timestamp=at + 2),
        ]
    return DialogueStateTracker.from_events(sender, events)


async def seed(url: str, *trackers: DialogueStateTracker) -> None:
    tracker_store = store(url)
    for tracker in trackers:
        await tracker_store.save(tracker)


def texts_stored(url: str) -> List[str]:
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(sa.text("SELECT data FROM events WHERE type_name = 'user' ORDER BY id"))
            return [__import__("json").loads(row[0])["text"] for row in rows]
    finally:
        engine.dispose()


def ops(url: str, *args: str, env: dict = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ops", "--db-url", url, *args],
        cwd=ROOT,
        text=True,
        capture_output=True,
        env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
        timeout=120,
    )


async def test_purge_deletes_everything_older_than_the_retention_and_keeps_the_rest(
    tracker_db_url: str,
) -> None:
    await seed(
        tracker_db_url,
        conversation("old", 45, 40),  # everything old: the conversation disappears
        conversation("mixed", 35, 2),  # an old session and a recent one: only the old one goes
        conversation("recent", 1),
    )
    dry = ops(tracker_db_url, "purge", "--older-than-days", "30", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "would delete 18 events" in dry.stdout and "1 conversations would be removed" in dry.stdout
    assert len(texts_stored(tracker_db_url)) == 5, "a dry run deletes nothing"

    done = ops(tracker_db_url, "purge", "--older-than-days", "30")
    assert done.returncode == 0, done.stderr
    assert "deleted 18 events" in done.stdout and "from 2 conversations" in done.stdout
    assert "1 conversations were removed entirely" in done.stdout
    assert texts_stored(tracker_db_url) == ["message from mixed 2 days ago", "message from recent 1 days ago"]
    assert "mixed" not in done.stdout + done.stderr, "counts only, never sender ids"

    assert set(await store(tracker_db_url).keys()) == {"mixed", "recent"}


async def test_purge_default_is_thirty_days_and_a_second_run_finds_nothing(tracker_db_url: str) -> None:
    await seed(tracker_db_url, conversation("a", 31), conversation("b", 29))
    assert "deleted 6 events" in ops(tracker_db_url, "purge").stdout
    assert "deleted 0 events" in ops(tracker_db_url, "purge").stdout
    assert texts_stored(tracker_db_url) == ["message from b 29 days ago"]


async def test_rasa_still_reads_and_extends_a_conversation_after_its_old_session_was_purged(
    tracker_db_url: str,
) -> None:
    await seed(tracker_db_url, conversation("mixed", 40, 1))
    ops(tracker_db_url, "purge")
    tracker = await store(tracker_db_url).retrieve("mixed")
    assert tracker is not None and tracker.latest_message.text == "message from mixed 1 days ago"
    tracker.update(UserUttered("a new message", timestamp=time.time()))
    await store(tracker_db_url).save(tracker)
    assert texts_stored(tracker_db_url) == ["message from mixed 1 days ago", "a new message"]


async def test_delete_removes_one_conversation_only(tracker_db_url: str) -> None:
    await seed(tracker_db_url, conversation("erase-me", 3, 1), conversation("keep-me", 1))
    done = ops(tracker_db_url, "delete", "--sender", "erase-me")
    assert done.returncode == 0, done.stderr
    assert "12 events deleted" in done.stdout
    assert texts_stored(tracker_db_url) == ["message from keep-me 1 days ago"]
    again = ops(tracker_db_url, "delete", "--sender", "erase-me")
    assert "0 events deleted (no conversation with that sender id)" in again.stdout


def test_commands_on_an_empty_store_say_so_and_succeed(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'never-used.db'}"
    assert "deleted 0 events" in ops(url, "purge").stdout
    assert "0 events deleted" in ops(url, "delete", "--sender", "nobody").stdout


def test_negative_retention_is_refused(tmp_path: Path) -> None:
    done = ops(f"sqlite:///{tmp_path / 't.db'}", "purge", "--older-than-days", "-1")
    assert done.returncode != 0 and "must not be negative" in done.stderr


@pytest.mark.redis
@pytest.mark.skipif(not redis_available(), reason="Redis (127.0.0.1:6379, redis-server) not available")
async def test_delete_waits_for_a_turn_in_progress_to_finish(tmp_path: Path) -> None:
    """A replica in the middle of a turn holds the conversation lock; the delete must run after the turn."""
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    await seed(url, conversation("busy", 1))
    redis_server = PrivateRedis(tmp_path).start()
    try:
        replica = ResilientLockStore(url=redis_server.url)
        async with replica.lock("busy"):
            deleting = subprocess.Popen(
                [sys.executable, "-m", "ops", "--db-url", url, "delete", "--sender", "busy"],
                cwd=ROOT,
                env={**os.environ, "PYTHONPATH": str(ROOT), "REDIS_URL": redis_server.url},
                stdout=subprocess.PIPE,
                text=True,
            )
            # the delete has reached the lock when its ticket queues behind the turn's
            wait_until(
                lambda: (
                    len(getattr(replica.get_lock("busy"), "tickets", [])) == 2 or deleting.poll() is not None
                ),
                "the delete took a ticket for the conversation",
            )
            assert deleting.poll() is None, "delete ran while a turn held the conversation"
            assert texts_stored(url) == ["message from busy 1 days ago"]
        output, _ = deleting.communicate(timeout=60)
        assert "6 events deleted" in output
        assert texts_stored(url) == []
    finally:
        redis_server.stop()
