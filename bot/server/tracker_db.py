"""Deleting conversations from Rasa's SQL tracker store (table `events`), in short transactions.

Rasa's SQLTrackerStore keeps one row per event: `sender_id`, `timestamp` (seconds since the epoch, float),
`data` (the event as JSON, including what the person typed). Deletes run in batches so a purge of a large
table never holds long locks while replicas write new turns.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.engine import Engine

EVENTS_TABLE = "events"
#: Ids of conversations a person ended ("End chat", quick exit): refused from then on, kept for the retention
#: period (an id older than that is refused anyway, bot/server/conversation_ids.py). No content: id and time.
ENDED_TABLE = "ended_conversations"
BATCH_SIZE = 5000
SECONDS_PER_DAY = 86_400


@dataclass(frozen=True)
class PurgeReport:
    cutoff: float  # epoch seconds; events before it were deleted
    events_deleted: int
    conversations_touched: int  # conversations that lost at least one event
    conversations_removed: int  # conversations with no event left


def has_events_table(engine: Engine) -> bool:
    return sa.inspect(engine).has_table(EVENTS_TABLE)


def _events(engine: Engine) -> sa.Table:
    return sa.Table(EVENTS_TABLE, sa.MetaData(), autoload_with=engine)


def ensure_timestamp_index(engine: Engine) -> None:
    """Rasa indexes `sender_id` only; the purge selects by `timestamp`. Creating the index is idempotent."""
    with engine.begin() as connection:
        connection.execute(
            sa.text(f"CREATE INDEX IF NOT EXISTS {EVENTS_TABLE}_timestamp_idx ON {EVENTS_TABLE} (timestamp)")
        )


def purge(
    engine: Engine,
    older_than_days: float,
    now: Optional[float] = None,
    dry_run: bool = False,
    batch_size: int = BATCH_SIZE,
) -> PurgeReport:
    """Delete every event older than `older_than_days` days (or count them with `dry_run`)."""
    if older_than_days < 0:
        raise ValueError("older_than_days must not be negative")
    cutoff = (time.time() if now is None else now) - older_than_days * SECONDS_PER_DAY
    if not has_events_table(engine):
        return PurgeReport(cutoff, 0, 0, 0)
    events = _events(engine)
    old = events.c.timestamp < cutoff
    with engine.connect() as connection:
        touched = {row[0] for row in connection.execute(sa.select(events.c.sender_id).where(old).distinct())}
        old_count = connection.execute(sa.select(sa.func.count()).select_from(events).where(old)).scalar_one()
    if dry_run:
        removed = _senders_without(engine, events, touched, keep=~old)
        return PurgeReport(cutoff, old_count, len(touched), removed)
    ensure_timestamp_index(engine)
    purge_ended(engine, cutoff)
    deleted = 0
    while True:
        with engine.begin() as connection:
            batch = sa.select(events.c.id).where(old).limit(batch_size).scalar_subquery()
            count = connection.execute(sa.delete(events).where(events.c.id.in_(batch))).rowcount
        deleted += count
        if count < batch_size:
            break
    return PurgeReport(cutoff, deleted, len(touched), _senders_without(engine, events, touched))


def _senders_without(
    engine: Engine, events: sa.Table, senders: "set[str]", keep: Optional[sa.sql.ColumnElement] = None
) -> int:
    """How many of `senders` have no event left (matching `keep`, when given)."""
    if not senders:
        return 0
    condition = events.c.sender_id.in_(sorted(senders))
    if keep is not None:
        condition = condition & keep
    with engine.connect() as connection:
        remaining = {
            row[0] for row in connection.execute(sa.select(events.c.sender_id).where(condition).distinct())
        }
    return len(senders - remaining)


_ENDED_TABLE_MADE: "set[str]" = set()


def _ended(engine: Engine) -> sa.Table:
    table = sa.Table(
        ENDED_TABLE,
        sa.MetaData(),
        sa.Column("sender_id", sa.String(255), primary_key=True),
        sa.Column("ended_at", sa.Float, nullable=False, index=True),
    )
    if str(engine.url) not in _ENDED_TABLE_MADE:
        table.create(engine, checkfirst=True)
        _ENDED_TABLE_MADE.add(str(engine.url))
    return table


def end_conversation(engine: Engine, sender_id: str, now: Optional[float] = None) -> int:
    """Delete the conversation and record its id as ended, in one transaction; return the events deleted."""
    ended = _ended(engine)
    deleted = 0
    with engine.begin() as connection:
        if has_events_table(engine):
            events = _events(engine)
            deleted = connection.execute(sa.delete(events).where(events.c.sender_id == sender_id)).rowcount
        connection.execute(sa.delete(ended).where(ended.c.sender_id == sender_id))
        connection.execute(sa.insert(ended).values(sender_id=sender_id, ended_at=now or time.time()))
    return deleted


def is_ended(engine: Engine, sender_id: str) -> bool:
    """True when a person ended this conversation (its id must not be used again)."""
    ended = _ended(engine)
    with engine.connect() as connection:
        return (
            connection.execute(sa.select(ended.c.sender_id).where(ended.c.sender_id == sender_id)).first()
            is not None
        )


def purge_ended(engine: Engine, cutoff: float) -> int:
    """Forget ended ids older than `cutoff` (ids that old are refused as expired)."""
    if not sa.inspect(engine).has_table(ENDED_TABLE):
        return 0
    ended = _ended(engine)
    with engine.begin() as connection:
        return connection.execute(sa.delete(ended).where(ended.c.ended_at < cutoff)).rowcount


def delete_conversation(engine: Engine, sender_id: str) -> int:
    """Delete every event of one conversation; return how many were deleted."""
    if not has_events_table(engine):
        return 0
    events = _events(engine)
    with engine.begin() as connection:
        return connection.execute(sa.delete(events).where(events.c.sender_id == sender_id)).rowcount
