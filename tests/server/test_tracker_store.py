"""bot.server.tracker_store.LeanSQLTrackerStore writes the rows Rasa's SQLTrackerStore writes, with fewer
statements, on SQLite and on the real PostgreSQL, and stores each event once when a session restarts.

The turns below follow rasa.core.processor: a new conversation is created and saved, the session starts,
and each turn saves twice (after the user message, after the bot's actions); a later session can start in
the tracker that still holds the old session. Stores run the same script against their own database.
"""

from __future__ import annotations

import itertools
import json
import time
from pathlib import Path
from typing import Callable, Iterator, List, Tuple

import pytest
import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, SessionStarted, SlotSet, UserUttered

from bot.server.tracker_store import LeanSQLTrackerStore, stored_events
from tests.support.services import ThrowawayPostgres, postgres_reachable

DOMAIN = Domain.from_yaml("slots:\n  age:\n    type: float\n    mappings: [{type: custom}]\n")
START = int(time.time())
CLOCK = itertools.count(START)  # whole seconds: distinct, increasing, like real turns


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_urls(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[str], str]]:
    """A factory of empty databases of one kind, by name."""
    made: List[ThrowawayPostgres] = []

    def new(name: str) -> str:
        if request.param == "sqlite":
            return f"sqlite:///{tmp_path / name}.db"
        database = ThrowawayPostgres(f"tracker{name}").create()
        made.append(database)
        return database.url

    if request.param == "postgresql" and not postgres_reachable():
        pytest.skip("PostgreSQL at 127.0.0.1:5432 is not reachable")
    try:
        yield new
    finally:
        for database in made:
            database.drop()


def at(event_type, *args, **kwargs) -> Event:
    """An event with a distinct, increasing timestamp (as real turns have)."""
    return event_type(*args, timestamp=float(next(CLOCK)), **kwargs)


def session_start() -> List[Event]:
    """Rasa's session start: the three events carry one timestamp (as a real conversation's rows show)."""
    now = float(next(CLOCK))
    return [
        ActionExecuted("action_session_start", timestamp=now),
        SessionStarted(timestamp=now),
        ActionExecuted("action_listen", timestamp=now),
    ]


async def turn(store: SQLTrackerStore, sender: str, text: str, new_session: bool = False) -> None:
    """One turn as Rasa's processor runs it: read (or create), maybe start a session, save twice."""
    tracker = await store.get_or_create_tracker(sender, append_action_listen=False)
    if new_session or not tracker.events:
        tracker.update_with_events(session_start(), DOMAIN, override_timestamp=False)
        await store.save(tracker)
    tracker.update(at(UserUttered, text, {"name": "inform", "confidence": 0.9}))
    await store.save(tracker)
    tracker.update_with_events(
        [
            at(ActionExecuted, "utter_reply"),
            at(BotUttered, f"re: {text}"),
            at(SlotSet, "age", 15.0),
            at(ActionExecuted, "action_listen"),
        ],
        DOMAIN,
        override_timestamp=False,
    )
    await store.save(tracker)


async def script(store: SQLTrackerStore, restart: bool = True) -> None:
    """Five conversations' worth of turns, with the same timestamps on every run."""
    global CLOCK
    CLOCK = itertools.count(START)
    for sender in ("alex", "sam"):
        await turn(store, sender, "hi")
        await turn(store, sender, "i'm 15")
    await turn(store, "alex", "back again", new_session=restart)
    await turn(store, "alex", "hackney")
    await turn(store, "sam", "exam stress")


def rows(url: str) -> List[Tuple]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return [
                tuple(r)
                for r in connection.execute(
                    sa.text(
                        "SELECT sender_id, type_name, timestamp, intent_name, action_name, data FROM events ORDER BY id"
                    )
                )
            ]
    finally:
        engine.dispose()


class StatementLog:
    """The SQL statements a store's engine sends."""

    def __init__(self, store: SQLTrackerStore) -> None:
        self.statements: List[str] = []
        sa.event.listen(store.engine, "before_cursor_execute", self._record)

    def _record(self, _conn, _cursor, statement: str, *_args) -> None:
        self.statements.append(" ".join(statement.split()).lower())

    def count(self, fragment: str) -> int:
        return sum(fragment in s for s in self.statements)


async def test_within_a_session_it_writes_the_same_rows_as_rasas_store(
    database_urls: Callable[[str], str],
) -> None:
    rasa_url, lean_url = database_urls("rasa"), database_urls("lean")
    await script(SQLTrackerStore(DOMAIN, host=rasa_url), restart=False)
    await script(LeanSQLTrackerStore(DOMAIN, host=lean_url), restart=False)
    expected = rows(rasa_url)
    assert len(expected) == 2 * (3 + 5 + 5) + 5 * 3  # two new conversations, then three more turns
    assert rows(lean_url) == expected


async def test_a_session_restart_stores_each_event_once(database_urls: Callable[[str], str]) -> None:
    rasa_url, lean_url = database_urls("rasa"), database_urls("lean")
    await script(SQLTrackerStore(DOMAIN, host=rasa_url))
    await script(LeanSQLTrackerStore(DOMAIN, host=lean_url))
    stored = rows(lean_url)
    assert len(stored) == 2 * (3 + 5 + 5) + (3 + 5) + 5 + 5
    assert len({(r[0], r[5]) for r in stored}) == len(stored)  # no event twice
    assert [r[:5] for r in stored if r[0] == "sam"] == [r[:5] for r in rows(rasa_url) if r[0] == "sam"]
    # Rasa's own store, on the same turns, writes the old session of "alex" again (the reason for this class)
    rasa_rows = rows(rasa_url)
    assert len({(r[0], r[5]) for r in rasa_rows}) < len(rasa_rows)


async def test_reads_back_what_it_wrote(database_urls: Callable[[str], str]) -> None:
    lean = LeanSQLTrackerStore(DOMAIN, host=database_urls("lean"))
    await script(lean)
    tracker = await lean.retrieve("alex")
    assert [e.text for e in tracker.events if isinstance(e, UserUttered)] == ["back again", "hackney"]
    assert tracker.get_slot("age") == 15.0
    assert stored_events(tracker) == len(tracker.events)
    full = await lean.retrieve_full_tracker("alex")
    assert [e.text for e in full.events if isinstance(e, UserUttered)] == [
        "hi",
        "i'm 15",
        "back again",
        "hackney",
    ]
    assert stored_events(full) is None  # a whole history is not the latest session's count


async def test_a_turn_on_a_read_tracker_counts_nothing_and_inserts_once_per_save(
    database_urls: Callable[[str], str],
) -> None:
    lean = LeanSQLTrackerStore(DOMAIN, host=database_urls("lean"))
    await turn(lean, "alex", "hi")
    log = StatementLog(lean)
    await turn(lean, "alex", "exam stress")
    assert log.count("count(") == 0
    assert log.count("insert into events") == 2
    assert len(log.statements) == 3  # read, then two saves


def test_on_postgres_statements_run_without_transaction_round_trips(
    database_urls: Callable[[str], str],
) -> None:
    lean = LeanSQLTrackerStore(DOMAIN, host=database_urls("lean"))
    with lean.session_scope() as session:
        driver = session.connection().connection.dbapi_connection
        if lean.engine.dialect.name == "postgresql":
            assert driver.autocommit is True  # psycopg2 sends no BEGIN/COMMIT
        else:
            assert driver.isolation_level == ""  # sqlite3's default: the rows of one save commit together


async def test_only_a_tracker_it_did_not_read_or_save_is_counted_as_rasa_counts_it(
    database_urls: Callable[[str], str],
) -> None:
    url = database_urls("lean")
    lean = LeanSQLTrackerStore(DOMAIN, host=url)
    await turn(lean, "alex", "hi")
    log = StatementLog(lean)
    await turn(lean, "alex", "back again", new_session=True)
    assert log.count("count(") == 0
    # a tracker this store did not read (another process, an API call) is counted first
    other = await SQLTrackerStore(DOMAIN, host=url).retrieve("alex")
    other.update(at(UserUttered, "one more"))
    await lean.save(other)
    assert log.count("count(") == 1
    assert [r[1] for r in rows(url)].count("user") == 3


async def test_replicas_taking_turns_leave_no_duplicates(database_urls: Callable[[str], str]) -> None:
    url = database_urls("shared")
    one, two = LeanSQLTrackerStore(DOMAIN, host=url), LeanSQLTrackerStore(DOMAIN, host=url)
    for number, replica in enumerate([one, two, one, two, two, one]):
        await turn(replica, "alex", f"message {number}")
    stored = rows(url)
    assert [json.loads(r[5])["text"] for r in stored if r[1] == "user"] == [f"message {n}" for n in range(6)]
    assert len(stored) == len(set(r[5] for r in stored))  # no event stored twice
