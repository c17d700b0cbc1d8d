"""Real backing services for tests: a throwaway PostgreSQL database and a private Redis server.

Tests that stop Redis must not stop the Redis other people on this machine use, so they get their own
`redis-server` on a free port, which they can stop and start again on the same port. PostgreSQL is the shared
server from docs/contracts.md; each test session creates its own database and drops it at the end.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import uuid
from pathlib import Path
from typing import Optional

from tests.support.servers import free_port

POSTGRES_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/test"
SHARED_REDIS = ("127.0.0.1", 6379)


def port_open(host: str, port: int, timeout_s: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout_s):
            return True
    except OSError:
        return False


def postgres_reachable() -> bool:
    return port_open("127.0.0.1", 5432)


def redis_available() -> bool:
    return port_open(*SHARED_REDIS) and shutil.which("redis-server") is not None


class ThrowawayPostgres:
    """A fresh database on the shared PostgreSQL server, dropped (with its connections) on `drop()`."""

    def __init__(self, prefix: str = "ops") -> None:
        self.name = f"{prefix}_{uuid.uuid4().hex[:10]}"

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:5432/{self.name}"

    def _admin(self, statement: str) -> None:
        import sqlalchemy as sa

        engine = sa.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as connection:
                connection.execute(sa.text(statement))
        finally:
            engine.dispose()

    def create(self) -> "ThrowawayPostgres":
        self._admin(f'CREATE DATABASE "{self.name}"')
        return self

    def drop(self) -> None:
        self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


class PrivateRedis:
    """A `redis-server` of our own, on a fixed free port, that a test may stop and start again."""

    def __init__(self, workdir: Path, port: Optional[int] = None) -> None:
        self.port = port or free_port()
        self.workdir = workdir
        self.process: Optional[subprocess.Popen] = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> "PrivateRedis":
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while not port_open("127.0.0.1", self.port):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"redis-server did not start on port {self.port}")
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None
