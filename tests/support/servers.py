"""Start and stop the real action server and Rasa server for end-to-end tests."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any, Dict, List, Optional

import requests

from bot.launcher import rasa_status_url, start_action_server, start_rasa_server, stop, wait_until_up
from bot.settings import ROOT, load_settings


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class AssistantProcesses:
    """The assistant as a user meets it: REST webhook in front, action server and directory behind."""

    def __init__(self, model: Path, workdir: Path) -> None:
        self.model = model
        self.workdir = workdir
        self.rasa_port = str(free_port())
        self.action_port = str(free_port())
        self.action_server: Optional[subprocess.Popen] = None
        self.rasa_server: Optional[subprocess.Popen] = None
        self._saved_env: Dict[str, Optional[str]] = {}

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    def _set_env(self) -> None:
        overrides = {
            "DATABASE_URL": f"sqlite:///{self.workdir / 'directory.db'}",
            "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{self.action_port}/webhook",
            "TRACKER_DB_URL": f"sqlite:///{self.workdir / 'tracker.db'}",
            "LOCK_STORE_TYPE": "in_memory",
        }
        for key, value in overrides.items():
            self._saved_env[key] = os.environ.get(key)
            os.environ[key] = value
        load_settings()

    def start(self) -> None:
        self._set_env()
        subprocess.run([sys.executable, "-m", "directory", "load"], cwd=ROOT, check=True,
                       env={**os.environ, "PYTHONPATH": str(ROOT)})
        self.start_action_server()
        self.rasa_server = start_rasa_server(str(self.model), self.rasa_port, "*")
        wait_until_up(rasa_status_url(self.rasa_port), [self.rasa_server])

    def start_action_server(self) -> None:
        self.action_server = start_action_server(self.action_port)
        wait_until_up(f"http://127.0.0.1:{self.action_port}/health", [self.action_server])

    def stop_action_server(self) -> None:
        if self.action_server is not None:
            stop([self.action_server])
            self.action_server = None

    def stop(self) -> None:
        stop([p for p in (self.rasa_server, self.action_server) if p is not None])
        for key, value in self._saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value

    def say(self, sender: str, message: str) -> List[Dict[str, Any]]:
        """Send one message over the REST channel and return the bot's replies."""
        response = requests.post(f"{self.url}/webhooks/rest/webhook",
                                 json={"sender": sender, "message": message}, timeout=30)
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
