"""Conversation locks shared by every Rasa replica, that never stop the bot answering.

Rasa processes one message per conversation at a time by taking a ticket lock on the sender id. With
several replicas behind a load balancer the lock must live in Redis, or two replicas could handle two turns
of one conversation at once and interleave their events in the tracker store.

Two things in Rasa 3.6's own `RedisLockStore` are not good enough for a service people in distress use:

* Tickets are issued and returned with a read-modify-write of one Redis key. Two replicas that take a
  ticket for the same conversation at the same moment can both get ticket N (both then run), or one can
  erase the other's ticket (that message then fails with a `LockError`). Here every change of a lock is a
  Redis transaction (WATCH/MULTI/EXEC) that retries when another replica changed the key in between.
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
from typing import Any, AsyncGenerator, Callable, Optional, Text

from rasa.core.lock import TicketLock
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


class AtomicRedisLockStore(LockStore):
    """Ticket locks in Redis where every change is one optimistic transaction on the lock's key."""

    def __init__(self, url: Text, key_prefix: Text = DEFAULT_KEY_PREFIX,
                 socket_timeout_s: float = DEFAULT_SOCKET_TIMEOUT_S) -> None:
        import redis

        self.red = redis.Redis.from_url(url, socket_timeout=socket_timeout_s,
                                        socket_connect_timeout=socket_timeout_s)
        self.key_prefix = f"{key_prefix}:lock:"
        super().__init__()

    def _key(self, conversation_id: Text) -> Text:
        return self.key_prefix + conversation_id

    @staticmethod
    def _decode(serialised: Optional[bytes]) -> Optional[TicketLock]:
        return TicketLock.from_dict(json.loads(serialised)) if serialised else None

    def _write(self, pipe: Any, lock: TicketLock) -> None:
        """Queue SET (with a TTL just past the last ticket's expiry) or DEL when no ticket is left."""
        key = self._key(lock.conversation_id)
        if not lock.tickets:
            pipe.delete(key)
            return
        ttl_s = max(t.expires for t in lock.tickets) - time.time() + KEY_TTL_MARGIN_S
        pipe.set(key, lock.dumps(), px=max(1000, int(ttl_s * 1000)))

    def _update(self, conversation_id: Text, change: Callable[[TicketLock], Any]) -> Any:
        """Apply `change` to the stored lock (a new one if none) atomically; return what it returns."""
        key = self._key(conversation_id)

        def transaction(pipe: Any) -> Any:
            lock = self._decode(pipe.get(key)) or self.create_lock(conversation_id)
            result = change(lock)
            pipe.multi()
            self._write(pipe, lock)
            return result

        return self.red.transaction(transaction, key, value_from_callable=True)

    # ---------------------------------------------------------------- LockStore storage interface
    def get_lock(self, conversation_id: Text) -> Optional[TicketLock]:
        return self._decode(self.red.get(self._key(conversation_id)))

    def delete_lock(self, conversation_id: Text) -> None:
        self._log_deletion(conversation_id, bool(self.red.delete(self._key(conversation_id))))

    def save_lock(self, lock: TicketLock) -> None:
        pipe = self.red.pipeline(transaction=False)
        self._write(pipe, lock)
        pipe.execute()

    # ---------------------------------------------------------------- read-modify-write, made atomic
    def issue_ticket(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME) -> int:
        return self._update(conversation_id, lambda lock: lock.issue_ticket(lock_lifetime))

    def update_lock(self, conversation_id: Text) -> None:
        self._update(conversation_id, lambda lock: lock.remove_expired_tickets())

    def finish_serving(self, conversation_id: Text, ticket_number: int) -> None:
        self._update(conversation_id, lambda lock: lock.remove_ticket_for(ticket_number))

    def cleanup(self, conversation_id: Text, ticket_number: int) -> None:
        """Return the ticket; the key disappears with the last ticket (in the same transaction)."""
        self.finish_serving(conversation_id, ticket_number)

    def ping(self) -> bool:
        return bool(self.red.ping())


class ResilientLockStore(LockStore):
    """Redis locks when `url` is set and Redis answers; in-process locks otherwise (see module docstring).

    Rasa creates it from endpoints.yml (`lock_store: type: bot.lock_store.ResilientLockStore`), passing the
    endpoint config; tests pass the values directly.
    """

    def __init__(self, endpoint_config: Optional[EndpointConfig] = None, *, url: Optional[Text] = None,
                 key_prefix: Optional[Text] = None, poll_interval_s: Optional[float] = None,
                 retry_after_s: Optional[float] = None, socket_timeout_s: Optional[float] = None) -> None:
        kwargs = dict(endpoint_config.kwargs) if endpoint_config else {}
        url = url if url is not None else (endpoint_config.url if endpoint_config else None)
        self.poll_interval_s = float(_first(poll_interval_s, kwargs.get("poll_interval_s"),
                                            DEFAULT_POLL_INTERVAL_S))
        self.retry_after_s = float(_first(retry_after_s, kwargs.get("retry_after_s"), DEFAULT_RETRY_AFTER_S))
        self.memory = InMemoryLockStore()
        self.redis: Optional[AtomicRedisLockStore] = None
        if url:
            self.redis = AtomicRedisLockStore(
                url, key_prefix=str(_first(key_prefix, kwargs.get("key_prefix"), DEFAULT_KEY_PREFIX)),
                socket_timeout_s=float(_first(socket_timeout_s, kwargs.get("socket_timeout_s"),
                                              DEFAULT_SOCKET_TIMEOUT_S)))
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
            log.warning("lock store: Redis unreachable (%s); using in-process locks, retrying every %.0f s",
                        type(error).__name__, self.retry_after_s)
            self._outage_logged = True

    def _redis_worked(self) -> None:
        if self._outage_logged:
            log.warning("lock store: Redis reachable again; conversation locks are shared again")
            self._outage_logged = False

    # ---------------------------------------------------------------- the lock Rasa takes for each turn
    @asynccontextmanager
    async def lock(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME,
                   wait_time_in_seconds: float = DEFAULT_POLL_INTERVAL_S) -> AsyncGenerator[TicketLock, None]:
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
        if store is self.redis:
            try:
                ticket = store.issue_ticket(conversation_id, lifetime)
                lock = await self._wait_for_turn(store, conversation_id, ticket)
                self._redis_worked()
                return store, ticket, lock
            except LockError:
                raise
            except Exception as error:  # redis.RedisError, OSError: Redis is down or unreachable
                self._redis_failed(error)
        ticket = self.memory.issue_ticket(conversation_id, lifetime)
        return self.memory, ticket, await self._wait_for_turn(self.memory, conversation_id, ticket)

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
