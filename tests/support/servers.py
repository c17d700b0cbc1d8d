"""Start and stop the real action server and Rasa server for end-to-end tests."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Dict, Iterator, List, Optional

import requests

from bot.server.launcher import rasa_status_url, start_action_server, start_rasa_server, stop, wait_until_up
from bot.server.settings import ROOT, load_settings


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Deployment:
    """How the assistant under test is set up. The defaults are the developer set-up: one Rasa process,
    SQLite files in the work folder, in-process locks."""

    replicas: int = 1  # Rasa processes sharing the tracker and lock stores (one action server)
    tracker_db_url: Optional[str] = None  # default: SQLite file in the work folder
    redis_url: str = ""  # empty: in-process locks
    directory_db_url: Optional[str] = None  # default: SQLite file in the work folder
    capture_logs: bool = False  # each server's output goes to <workdir>/<name>.log instead of the terminal
    env: Dict[str, str] = field(default_factory=dict)  # anything else, e.g. LOG_LEVEL


class AssistantProcesses:
    """The assistant as a user meets it: REST webhook in front, action server and directory behind."""

    def __init__(self, model: Path, workdir: Path, deployment: Optional[Deployment] = None) -> None:
        self.model = model
        self.workdir = workdir
        self.deployment = deployment or Deployment()
        self.rasa_ports = [str(free_port()) for _ in range(self.deployment.replicas)]
        self.action_port = str(free_port())
        self.action_server: Optional[subprocess.Popen] = None
        self.rasa_servers: List[Optional[subprocess.Popen]] = [None] * self.deployment.replicas
        self.env = self._environment()

    # ---------------------------------------------------------------- where things are
    @property
    def rasa_port(self) -> str:
        return self.rasa_ports[0]

    @property
    def rasa_server(self) -> Optional[subprocess.Popen]:
        return self.rasa_servers[0]

    @property
    def url(self) -> str:
        return self.url_of(0)

    def url_of(self, replica: int) -> str:
        return f"http://127.0.0.1:{self.rasa_ports[replica]}"

    def log_path(self, name: str) -> Path:
        """Where a server's output goes when `capture_logs` is on (`rasa-0`, `rasa-1`, `actions`)."""
        return self.workdir / f"{name}.log"

    def _environment(self) -> Dict[str, str]:
        """This deployment's settings, passed to its processes only (several deployments may run at once)."""
        load_settings()
        deployment = self.deployment
        return {
            "DATABASE_URL": deployment.directory_db_url or f"sqlite:///{self.workdir / 'directory.db'}",
            "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{self.action_port}/webhook",
            "TRACKER_DB_URL": deployment.tracker_db_url or f"sqlite:///{self.workdir / 'tracker.db'}",
            "REDIS_URL": deployment.redis_url,
            # Scripted test conversations type faster than people; tests of the limits set their own.
            "RATE_LIMIT_PER_CONVERSATION": "1000",
            "RATE_LIMIT_PER_ADDRESS": "100000",
            **deployment.env,
        }

    @contextmanager
    def _output(self, name: str) -> Iterator[Optional[IO[bytes]]]:
        """The log file a child process writes to (the parent's handle is closed once it has started)."""
        if not self.deployment.capture_logs:
            yield None
            return
        with open(self.log_path(name), "ab") as handle:
            yield handle

    # ---------------------------------------------------------------- starting and stopping
    def start(self) -> None:
        with self._output("directory") as output:
            subprocess.run(
                [sys.executable, "-m", "directory", "load"],
                cwd=ROOT,
                check=True,
                env={**os.environ, **self.env, "PYTHONPATH": str(ROOT)},
                stdout=output,
            )
        self.start_action_server()
        for replica in range(self.deployment.replicas):
            self.start_rasa(replica)

    def start_rasa(self, replica: int = 0, env: Optional[Dict[str, str]] = None) -> None:
        """Start (or restart) one Rasa replica on its port; `env` overrides this deployment's settings."""
        with self._output(f"rasa-{replica}") as output:
            process = start_rasa_server(
                str(self.model), self.rasa_ports[replica], "*", env={**self.env, **(env or {})}, output=output
            )
        self.rasa_servers[replica] = process
        wait_until_up(rasa_status_url(self.rasa_ports[replica]), [process])

    def stop_rasa(self, replica: int = 0) -> None:
        process = self.rasa_servers[replica]
        if process is not None:
            stop([process])
            self.rasa_servers[replica] = None

    def start_action_server(self, env: Optional[Dict[str, str]] = None) -> None:
        """Start (or restart) the action server; `env` overrides this deployment's settings."""
        with self._output("actions") as output:
            self.action_server = start_action_server(
                self.action_port, env={**self.env, **(env or {})}, output=output
            )
        wait_until_up(f"http://127.0.0.1:{self.action_port}/health", [self.action_server])

    def stop_action_server(self) -> None:
        if self.action_server is not None:
            stop([self.action_server])
            self.action_server = None

    def stop(self) -> None:
        stop([p for p in (*self.rasa_servers, self.action_server) if p is not None])
        self.rasa_servers = [None] * self.deployment.replicas
        self.action_server = None

    # ---------------------------------------------------------------- talking to it
    def post(
        self, body: Any, replica: int = 0, *, raw: Optional[bytes] = None, timeout: float = 60
    ) -> requests.Response:
        """POST to the REST webhook as it is, without checking the status (for bad-input tests)."""
        url = f"{self.url_of(replica)}/webhooks/rest/webhook"
        if raw is not None:
            return requests.post(url, data=raw, headers={"Content-Type": "application/json"}, timeout=timeout)
        return requests.post(url, json=body, timeout=timeout)

    def say(self, sender: str, message: str, replica: int = 0) -> List[Dict[str, Any]]:
        """Send one message over the REST channel and return the bot's replies."""
        response = self.post({"sender": sender, "message": message}, replica, timeout=30)
        response.raise_for_status()
        return response.json()

    @staticmethod
    def new_sender() -> str:
        return f"test-{uuid.uuid4().hex[:12]}"


def texts(replies: List[Dict[str, Any]]) -> List[str]:
    return [r["text"] for r in replies if r.get("text")]


def customs(replies: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    return [r["custom"] for r in replies if r.get("custom")]


def escalation(replies: List[Dict[str, Any]]) -> Optional[Dict[str, Any]]:
    """The escalation marker among the replies, if any."""
    markers = [c for c in customs(replies) if "escalation" in c]
    return markers[0] if markers else None


def services_payload(replies: List[Dict[str, Any]]) -> Optional[Dict[str, Any]]:
    payloads = [c for c in customs(replies) if c.get("type") == "services"]
    return payloads[0] if payloads else None


def dump(replies: List[Dict[str, Any]]) -> str:
    return json.dumps(replies, indent=1)
