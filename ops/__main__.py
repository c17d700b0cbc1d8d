"""Host operations (no HTTP API does these; docs/security.md):

python -m ops purge --older-than-days 30     retention: delete conversations older than 30 days
python -m ops delete --sender ID             delete one conversation
python -m ops reload-model [--pid PID]       the running Rasa loads the newest model in models/ (SIGHUP)
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import os
import signal
import sys
from pathlib import Path
from typing import List, Optional

import sqlalchemy as sa

from bot.server import tracker_db
from bot.server.settings import load_settings, make_sqlite_file_private

DEFAULT_RETENTION_DAYS = 30


def _engine(url: Optional[str]) -> sa.engine.Engine:
    url = url or os.environ["TRACKER_DB_URL"]
    make_sqlite_file_private(url)  # a first start: the store's file does not exist yet
    return sa.create_engine(url, hide_parameters=True)


def run_purge(args: argparse.Namespace) -> int:
    engine = _engine(args.db_url)
    try:
        report = tracker_db.purge(engine, args.older_than_days, dry_run=args.dry_run)
    finally:
        engine.dispose()
    when = datetime.datetime.fromtimestamp(report.cutoff, datetime.timezone.utc).isoformat(timespec="seconds")
    verb = "would delete" if args.dry_run else "deleted"
    print(
        f"purge: {verb} {report.events_deleted} events older than {args.older_than_days:g} days "
        f"(before {when}) from {report.conversations_touched} conversations; "
        f"{report.conversations_removed} conversations {'would be' if args.dry_run else 'were'} removed entirely"
    )
    return 0


async def _delete_holding_the_conversation_lock(engine: sa.engine.Engine, sender: str) -> int:
    """Delete while holding the conversation's lock, so a turn in progress cannot write the events back.

    Rasa saves a turn by appending the events it has not stored yet, counted against the rows in the table: a
    turn that read the tracker before the delete would otherwise store the whole session again. The lock is
    only shared with the replicas when REDIS_URL points at their Redis.
    """
    from bot.server.lock_store import ResilientLockStore

    store = ResilientLockStore(url=os.environ.get("REDIS_URL") or "", key_prefix="camhs")
    async with store.lock(sender):
        return tracker_db.delete_conversation(engine, sender)


def run_delete(args: argparse.Namespace) -> int:
    engine = _engine(args.db_url)
    try:
        deleted = asyncio.run(_delete_holding_the_conversation_lock(engine, args.sender))
    finally:
        engine.dispose()
    print(f"delete: {deleted} events deleted" + ("" if deleted else " (no conversation with that sender id)"))
    return 0


def run_reload_model(args: argparse.Namespace) -> int:
    from bot.server.launcher import RASA_PID_FILE

    pid = args.pid or int(Path(RASA_PID_FILE).read_text().strip())
    os.kill(pid, signal.SIGHUP)
    print(f"reload-model: asked process {pid} to load the newest model (its log says when it has)")
    return 0


def main(argv: Optional[List[str]] = None) -> int:
    load_settings()
    parser = argparse.ArgumentParser(prog="python -m ops", description=__doc__)
    parser.add_argument("--db-url", help="tracker store SQLAlchemy URL (default: TRACKER_DB_URL)")
    commands = parser.add_subparsers(dest="command", required=True)
    purge = commands.add_parser("purge", help="delete conversation events older than N days")
    purge.add_argument(
        "--older-than-days",
        type=float,
        default=DEFAULT_RETENTION_DAYS,
        help=f"retention in days (default {DEFAULT_RETENTION_DAYS})",
    )
    purge.add_argument("--dry-run", action="store_true", help="count, delete nothing")
    purge.set_defaults(run=run_purge)
    delete = commands.add_parser("delete", help="delete one conversation")
    delete.add_argument("--sender", required=True, help="the conversation's sender id")
    delete.set_defaults(run=run_delete)
    reload_model = commands.add_parser("reload-model", help="the running Rasa loads the newest model")
    reload_model.add_argument(
        "--pid", type=int, help="the Rasa process (default: the one `make run` started)"
    )
    reload_model.set_defaults(run=run_reload_model)
    args = parser.parse_args(argv)
    if getattr(args, "older_than_days", 0) < 0:
        parser.error("--older-than-days must not be negative")
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
