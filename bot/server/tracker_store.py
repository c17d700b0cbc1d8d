"""Rasa's SQL tracker store, with the same rows in the same tables, for less work per turn, and without
Rasa's duplicate rows after a session restart.

Rasa 3.6's `SQLTrackerStore` saves a tracker twice per turn, and each save first counts the stored events
of the conversation's latest session (a COUNT over a subquery for the latest `session_started`) to know
which of the tracker's events are new, then adds each new event through the ORM. Reading a tracker builds
an ORM object per event only to read its `data` column. Together that was about a tenth of a turn's CPU
(bench/bench_load.py profile, 2026-11-26). The count is also wrong once a session restarts in a tracker
that still holds the old session's events (after 60 idle minutes): the turn's second save then counts only
the new session's rows and stores most of the old session again (tests/server/test_tracker_store.py shows it).

Here:
* the number of stored events travels with the tracker object that was read or saved (an attribute on
  it): after a read, the events read; after a save, all of them. A save counts in the database only for a
  tracker this process did not read or save (another process's, an API call's), as Rasa does. This is safe
  because Rasa reads, changes and saves a conversation under its lock (bot/server/lock_store.py): no other replica
  writes to it in between, and every turn starts with a fresh read;
* new events go in with one multi-row INSERT, as the rows Rasa writes;
* reading selects only the `data` column;
* on PostgreSQL, statements run in autocommit mode: each is one round trip, without BEGIN and
  COMMIT/ROLLBACK around it (a read is one SELECT, a save one multi-row INSERT, atomic on its own; the lock
  makes the turn safe).
"""

from __future__ import annotations

import itertools
import json
import logging
from typing import Any, Dict, List, Optional, Text

from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from sqlalchemy import create_engine, insert
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

log = logging.getLogger(__name__)

#: Attribute on a tracker object: how many of its events (the first ones) are stored.
STORED_EVENTS_ATTRIBUTE = "_camhs_stored_events"


def stored_events(tracker: DialogueStateTracker) -> Optional[int]:
    """How many of this tracker object's events this process knows are stored, or None."""
    return tracker.__dict__.get(STORED_EVENTS_ATTRIBUTE)


def _remember(tracker: DialogueStateTracker, count: int) -> None:
    if tracker.events.maxlen is None:  # a capped history drops its first events: those are counted each time
        tracker.__dict__[STORED_EVENTS_ATTRIBUTE] = count


def _row(sender_id: Text, event: Event) -> Dict[str, Any]:
    """The events-table row Rasa's SQLTrackerStore.save writes for an event."""
    data = event.as_dict()
    return {
        "sender_id": sender_id,
        "type_name": event.type_name,
        "timestamp": data.get("timestamp"),
        "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
        "action_name": data.get("name"),
        "data": json.dumps(data),
    }


class LeanSQLTrackerStore(SQLTrackerStore):
    """SQLTrackerStore that counts stored events only when it cannot know them (see module doc)."""

    engine: Engine

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # connects (waiting for the database) and creates the table
        rasas_engine = self.engine
        if rasas_engine.dialect.name != "postgresql":
            return  # SQLite is in-process (no round trips), and autocommit would commit each row on its own
        # autocommit set once per connection: as an execution option it is set and reset on every checkout
        self.engine = create_engine(
            rasas_engine.url, isolation_level="AUTOCOMMIT", **create_engine_kwargs(rasas_engine.url)
        )
        self.sessionmaker = sessionmaker(bind=self.engine)
        rasas_engine.dispose()

    async def _retrieve(
        self, sender_id: Text, fetch_events_from_all_sessions: bool
    ) -> Optional[DialogueStateTracker]:
        with self.session_scope() as session:
            query = self._event_query(session, sender_id, fetch_events_from_all_sessions)
            events = [json.loads(data) for (data,) in query.with_entities(self.SQLEvent.data).all()]
        if not self.domain or not events:
            return None
        tracker = DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
        if not fetch_events_from_all_sessions and len(tracker.events) == len(events):
            _remember(tracker, len(events))
        return tracker

    async def save(self, tracker: DialogueStateTracker) -> None:
        await self.stream_events(tracker)
        with self.session_scope() as session:
            stored = stored_events(tracker)
            if stored is None or stored > len(tracker.events):
                stored = self._event_query(
                    session, tracker.sender_id, fetch_events_from_all_sessions=False
                ).count()
            new: List[Event] = list(itertools.islice(tracker.events, stored, len(tracker.events)))
            if new:
                session.execute(insert(self.SQLEvent.__table__), [_row(tracker.sender_id, e) for e in new])
            session.commit()
        _remember(tracker, len(tracker.events))
        log.debug("tracker saved: %d new events", len(new))
