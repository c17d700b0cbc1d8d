"""The production shape, on this machine: two Rasa replicas and one action server sharing a PostgreSQL tracker
store and a Redis lock store, with the directory in PostgreSQL too.

PostgreSQL is reached through TCP proxies (one for the tracker store, one for the directory) so a test can
cut either off without touching the shared server; Redis is a private `redis-server` a test may stop. Every
server's output is captured (LOG_LEVEL=INFO, as in production) and every Python process records where it
opens network connections (egress_audit/sitecustomize.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest
import sqlalchemy as sa

from tests.support.servers import AssistantProcesses, Deployment
from tests.support.services import PrivateRedis, ThrowawayPostgres, postgres_reachable, redis_available
from tests.support.tcp_proxy import TcpProxy

EGRESS_AUDIT_DIR = Path(__file__).parent / "egress_audit"
POSTGRES = ("127.0.0.1", 5432)


@dataclass
class ProductionLike:
    assistant: AssistantProcesses
    tracker_db: ThrowawayPostgres
    tracker_proxy: TcpProxy
    directory_proxy: TcpProxy
    redis: PrivateRedis
    egress_file: Path

    def stored_events(self, sender: str) -> List[Dict[str, Any]]:
        """The conversation's events as Rasa stored them, read straight from PostgreSQL (not the proxy)."""
        engine = sa.create_engine(self.tracker_db.url)
        try:
            with engine.connect() as connection:
                rows = connection.execute(
                    sa.text("SELECT data FROM events WHERE sender_id = :sender ORDER BY id"),
                    {"sender": sender},
                )
                return [json.loads(row[0]) for row in rows]
        finally:
            engine.dispose()

    def logs(self) -> str:
        """Everything the two Rasa replicas and the action server have written so far."""
        names = [f"rasa-{n}" for n in range(self.assistant.deployment.replicas)] + ["actions"]
        return "\n".join(
            self.assistant.log_path(name).read_text(errors="replace")
            for name in names
            if self.assistant.log_path(name).exists()
        )


@pytest.fixture(scope="session")
def production_like(
    trained_model: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ProductionLike]:
    if not postgres_reachable():
        pytest.skip("PostgreSQL at 127.0.0.1:5432 is not reachable")
    if not redis_available():
        pytest.skip("Redis (127.0.0.1:6379, redis-server) not available")
    workdir = tmp_path_factory.mktemp("production_like")
    tracker_db = ThrowawayPostgres("tracker").create()
    directory_db = ThrowawayPostgres("directory").create()
    tracker_proxy = TcpProxy(POSTGRES).restore()
    directory_proxy = TcpProxy(POSTGRES).restore()
    redis = PrivateRedis(workdir).start()
    egress_file = workdir / "egress.txt"
    deployment = Deployment(
        replicas=2,
        tracker_db_url=f"postgresql://postgres@127.0.0.1:{tracker_proxy.port}/{tracker_db.name}",
        directory_db_url=f"postgresql://postgres@127.0.0.1:{directory_proxy.port}/{directory_db.name}",
        redis_url=redis.url,
        capture_logs=True,
        env={"LOG_LEVEL": "INFO", "PYTHONPATH": str(EGRESS_AUDIT_DIR), "EGRESS_AUDIT_FILE": str(egress_file)},
    )
    assistant = AssistantProcesses(trained_model, workdir, deployment)
    try:
        assistant.start()
        yield ProductionLike(assistant, tracker_db, tracker_proxy, directory_proxy, redis, egress_file)
    finally:
        assistant.stop()
        for proxy in (tracker_proxy, directory_proxy):
            proxy.cut()
        redis.stop()
        for database in (tracker_db, directory_db):
            database.drop()
