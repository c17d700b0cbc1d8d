"""Conversation locks shared by every Rasa replica, that never stop the bot answering.

Rasa processes one message per conversation at a time by taking a ticket lock on the sender id. With
several replicas behind a load balancer the lock must live in Redis, or two replicas could handle two turns
of one conversation at once and interleave their events in the tracker store.

Two things in Rasa 3.6's own `RedisLockStore` are not good enough for a service people in distress use:

* Tickets are issued and returned with a read-modify-write of one Redis key. Two replicas that take a
  ticket for the same conversation at the same moment can both get ticket N (both then run), or one can
  erase the other's ticket (that message then fails with a `LockError`). Here every change of a lock is one
  run of a Lua script inside Redis (bot/server/lock_tickets.lua), atomic because Redis runs scripts one at a time.
  An uncontended turn costs two round trips (take the ticket, return it) instead of Rasa's five or more;
  Redis calls block Rasa's event loop, so they count (bench/bench_load.py profile, 2026-11-26).
* When Redis is unreachable every message fails. Here the store falls back to in-process locks, logs one
  warning per outage and tries Redis again every `retry_after_s` seconds, so it recovers by itself. The
  trade-off (docs/deployment.md): during an outage two turns of one conversation that reach two different
  replicas at the same moment are not serialised. A person waits for each reply before typing the next
  message, so that needs a double send or a retry across replicas; answering crisis messages matters more.

`REDIS_URL` (redis://[:password@]host:port/db, rediss:// for TLS) turns Redis on; empty means in-process
locks only (one Rasa process). Waiting turns poll every `poll_interval_s` (Rasa's default of 1 s adds up to
a second to every queued message).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, AsyncGenerator, NamedTuple, Optional, Text

from rasa.core.lock import NO_TICKET_ISSUED, TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, InMemoryLockStore, LockError, LockStore
from rasa.utils.endpoints import EndpointConfig

log = logging.getLogger(__name__)

DEFAULT_KEY_PREFIX = "camhs"
#: Seconds between tries while a turn waits for the conversation's previous turn to finish.
DEFAULT_POLL_INTERVAL_S = 0.02
#: After Redis failed, seconds to use in-process locks before trying Redis again.
DEFAULT_RETRY_AFTER_S = 5.0
#: Redis calls run on Rasa's event loop, so they must fail fast when Redis is unreachable.
DEFAULT_SOCKET_TIMEOUT_S = 0.5
#: Lock keys outlive their last ticket by this much, so a crashed replica leaves nothing behind for long.
KEY_TTL_MARGIN_S = 30
#: The atomic ticket operations, run inside Redis.
LOCK_SCRIPT = Path(__file__).with_name("lock_tickets.lua")


class TicketState(NamedTuple):
    """What a lock script returns: the caller's ticket, the ticket now served (-1: none), the stored lock."""

    ticket: int
    serving: int
    lock: Optional[TicketLock]


class AtomicRedisLockStore(LockStore):
    """Ticket locks in Redis where every change is one atomic script run on the lock's key
    (bot/server/lock_tickets.lua): one round trip to take a ticket, one per poll while waiting, one to return it."""

    def __init__(
        self,
        url: Text,
        key_prefix: Text = DEFAULT_KEY_PREFIX,
        socket_timeout_s: float = DEFAULT_SOCKET_TIMEOUT_S,
    ) -> None:
        import redis

        self.red = redis.Redis.from_url(
            url, socket_timeout=socket_timeout_s, socket_connect_timeout=socket_timeout_s
        )
        self.key_prefix = f"{key_prefix}:lock:"
        self._script = self.red.register_script(LOCK_SCRIPT.read_text(encoding="utf-8"))
        super().__init__()

    def _key(self, conversation_id: Text) -> Text:
        return self.key_prefix + conversation_id

    @staticmethod
    def _decode(serialised: Optional[bytes]) -> Optional[TicketLock]:
        return TicketLock.from_dict(json.loads(serialised)) if serialised else None

    def _run(self, operation: Text, conversation_id: Text, argument: float) -> Optional[TicketState]:
        """Run one operation of the lock script (EVALSHA; redis-py loads the script again after a restart)."""
        reply = self._script(
            keys=[self._key(conversation_id)],
            args=[operation, conversation_id, repr(time.time()), KEY_TTL_MARGIN_S, repr(argument)],
        )
        if not reply:
            return None
        ticket, serving, stored = reply
        return TicketState(int(ticket), int(serving), self._decode(stored))

    # ---------------------------------------------------------------- what a turn does
    def take_ticket(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME) -> TicketState:
        """Issue a ticket; `serving == ticket` when the turn can start at once."""
        state = self._run("issue", conversation_id, lock_lifetime)
        if state is None:  # the script always leaves the new ticket; this would be a broken script
            raise LockError(f"Could not issue a ticket for conversation_id '{conversation_id}'.")
        return state

    def poll(self, conversation_id: Text, ticket: int) -> Optional[TicketState]:
        """Drop expired tickets and say who is served now; None if the lock is gone."""
        return self._run("poll", conversation_id, ticket)

    # ---------------------------------------------------------------- LockStore storage interface
    def issue_ticket(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME) -> int:
        return self.take_ticket(conversation_id, lock_lifetime).ticket

    def get_lock(self, conversation_id: Text) -> Optional[TicketLock]:
        return self._decode(self.red.get(self._key(conversation_id)))

    def delete_lock(self, conversation_id: Text) -> None:
        self._log_deletion(conversation_id, bool(self.red.delete(self._key(conversation_id))))

    def save_lock(self, lock: TicketLock) -> None:
        if not lock.tickets:
            self.red.delete(self._key(lock.conversation_id))
            return
        ttl_s = max(t.expires for t in lock.tickets) - time.time() + KEY_TTL_MARGIN_S
        self.red.set(self._key(lock.conversation_id), lock.dumps(), px=max(1000, int(ttl_s * 1000)))

    def update_lock(self, conversation_id: Text) -> None:
        self.poll(conversation_id, NO_TICKET_ISSUED)

    def finish_serving(self, conversation_id: Text, ticket_number: int) -> None:
        self._run("release", conversation_id, ticket_number)

    def cleanup(self, conversation_id: Text, ticket_number: int) -> None:
        """Return the ticket; the key disappears with the last ticket (in the same script run)."""
        self.finish_serving(conversation_id, ticket_number)

    def ping(self) -> bool:
        return bool(self.red.ping())


class ResilientLockStore(LockStore):
    """Redis locks when `url` is set and Redis answers; in-process locks otherwise (see module docstring).

    Rasa creates it from endpoints.yml (`lock_store: type: bot.server.lock_store.ResilientLockStore`), passing the
    endpoint config; tests pass the values directly.
    """

    def __init__(
        self,
        endpoint_config: Optional[EndpointConfig] = None,
        *,
        url: Optional[Text] = None,
        key_prefix: Optional[Text] = None,
        poll_interval_s: Optional[float] = None,
        retry_after_s: Optional[float] = None,
        socket_timeout_s: Optional[float] = None,
    ) -> None:
        kwargs = dict(endpoint_config.kwargs) if endpoint_config else {}
        url = url if url is not None else (endpoint_config.url if endpoint_config else None)
        self.poll_interval_s = float(
            _first(poll_interval_s, kwargs.get("poll_interval_s"), DEFAULT_POLL_INTERVAL_S)
        )
        self.retry_after_s = float(_first(retry_after_s, kwargs.get("retry_after_s"), DEFAULT_RETRY_AFTER_S))
        self.memory = InMemoryLockStore()
        self.redis: Optional[AtomicRedisLockStore] = None
        if url:
            self.redis = AtomicRedisLockStore(
                url,
                key_prefix=str(_first(key_prefix, kwargs.get("key_prefix"), DEFAULT_KEY_PREFIX)),
                socket_timeout_s=float(
                    _first(socket_timeout_s, kwargs.get("socket_timeout_s"), DEFAULT_SOCKET_TIMEOUT_S)
                ),
            )
        self._redis_down_until = 0.0
        self._outage_logged = False
        log.info("lock store: %s", "Redis (shared by replicas)" if self.redis else "in-process (one replica)")
        super().__init__()

    # ---------------------------------------------------------------- which store serves this turn
    @property
    def using_redis(self) -> bool:
        """True when the next turn will try Redis (configured, and not inside a back-off after a failure)."""
        return self.redis is not None and time.monotonic() >= self._redis_down_until

    def _current(self) -> LockStore:
        return self.redis if self.using_redis and self.redis is not None else self.memory

    def _redis_failed(self, error: Exception) -> None:
        self._redis_down_until = time.monotonic() + self.retry_after_s
        if not self._outage_logged:
            log.warning(
                "lock store: Redis unreachable (%s); using in-process locks, retrying every %.0f s",
                type(error).__name__,
                self.retry_after_s,
            )
            self._outage_logged = True

    def _redis_worked(self) -> None:
        if self._outage_logged:
            log.warning("lock store: Redis reachable again; conversation locks are shared again")
            self._outage_logged = False

    # ---------------------------------------------------------------- the lock Rasa takes for each turn
    @asynccontextmanager
    async def lock(
        self,
        conversation_id: Text,
        lock_lifetime: float = LOCK_LIFETIME,
        wait_time_in_seconds: float = DEFAULT_POLL_INTERVAL_S,
    ) -> AsyncGenerator[TicketLock, None]:
        """Hold the conversation's lock while the turn runs; Redis errors never reach the caller.

        `wait_time_in_seconds` is accepted for Rasa's interface and ignored: waiting turns poll every
        `poll_interval_s` (Rasa's callers pass nothing and would get its 1 s default).
        """
        store, ticket, lock = await self._acquire(conversation_id, lock_lifetime)
        try:
            yield lock
        finally:
            self._release(store, conversation_id, ticket)

    async def _acquire(self, conversation_id: Text, lifetime: float) -> "tuple[LockStore, int, TicketLock]":
        store = self._current()
        if store is self.redis and self.redis is not None:
            try:
                ticket, lock = await self._wait_in_redis(self.redis, conversation_id, lifetime)
                self._redis_worked()
                return store, ticket, lock
            except LockError:
                raise
            except Exception as error:  # redis.RedisError, OSError: Redis is down or unreachable
                self._redis_failed(error)
        ticket = self.memory.issue_ticket(conversation_id, lifetime)
        return self.memory, ticket, await self._wait_for_turn(self.memory, conversation_id, ticket)

    async def _wait_in_redis(
        self, store: AtomicRedisLockStore, conversation_id: Text, lifetime: float
    ) -> "tuple[int, TicketLock]":
        """Take a ticket and wait for it: one script run when nobody else holds the conversation."""
        first = store.take_ticket(conversation_id, lifetime)
        ticket = first.ticket
        state: Optional[TicketState] = first
        while state is not None and state.serving != ticket:
            await asyncio.sleep(self.poll_interval_s)
            state = store.poll(conversation_id, ticket)
        if state is None or state.lock is None:
            raise LockError(f"Could not acquire lock for conversation_id '{conversation_id}'.")
        return ticket, state.lock

    async def _wait_for_turn(self, store: LockStore, conversation_id: Text, ticket: int) -> TicketLock:
        """Rasa's `_acquire_lock` with a short poll: returns when `ticket` is the one being served."""
        while True:
            lock = store.get_lock(conversation_id)
            if lock is None:
                raise LockError(f"Could not acquire lock for conversation_id '{conversation_id}'.")
            if not lock.is_locked(ticket):
                return lock
            await asyncio.sleep(self.poll_interval_s)
            store.update_lock(conversation_id)

    def _release(self, store: LockStore, conversation_id: Text, ticket: int) -> None:
        try:
            store.cleanup(conversation_id, ticket)
        except Exception as error:  # the ticket expires by itself; the reply has already been made
            if store is self.redis:
                self._redis_failed(error)
            else:
                raise

    # ---------------------------------------------------------------- LockStore storage interface
    def get_lock(self, conversation_id: Text) -> Optional[TicketLock]:
        return self._current().get_lock(conversation_id)

    def delete_lock(self, conversation_id: Text) -> None:
        self._current().delete_lock(conversation_id)

    def save_lock(self, lock: TicketLock) -> None:
        self._current().save_lock(lock)


def _first(*values: Any) -> Any:
    """The first value that is not None (explicit argument, then endpoints.yml, then the default)."""
    return next(v for v in values if v is not None)
