"""The stock `rasa init` assistant (same Rasa version), as the baseline our assistant is measured against.

`rasa init --no-prompt` creates the moodbot project and trains it; the folder is kept (default
.rasa/bench/stock-<rasa version>, git-ignored) so later runs reuse the trained model. It runs as shipped:
REST channel, in-memory tracker store, no action server.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import List, Optional

from bot.server.launcher import stop, wait_until_up

#: A moodbot conversation: greet, unhappy, affirm, bot challenge, goodbye.
SCRIPTS: List[List[str]] = [
    ["hello", "I am very sad", "yes", "are you a bot?", "bye"],
    ["hi there", "not good", "no", "am I talking to a human?", "goodbye"],
]


def _env() -> dict:
    return {**os.environ, "RASA_TELEMETRY_ENABLED": "false"}


def prepare(folder: Path) -> Path:
    """The trained stock model in `folder`, creating and training the project there if needed."""
    models = sorted((folder / "models").glob("*.tar.gz")) if (folder / "models").exists() else []
    if models:
        return models[-1]
    folder.mkdir(parents=True, exist_ok=True)
    print(f"rasa init --no-prompt in {folder} (trains the stock assistant)", flush=True)
    subprocess.run(
        [sys.executable, "-m", "rasa", "init", "--no-prompt", "--init-dir", str(folder)],
        cwd=folder,
        env=_env(),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    models = sorted((folder / "models").glob("*.tar.gz"))
    if not models:
        raise RuntimeError(f"rasa init did not leave a model in {folder / 'models'}")
    return models[-1]


class StockAssistant:
    """`rasa run` of the stock project on `port`, with the HTTP API on (token) for /status and /model/parse."""

    def __init__(self, folder: Path, port: int, token: str) -> None:
        self.folder, self.port, self.token = folder, port, token
        self.process: Optional[subprocess.Popen] = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, log: Path) -> None:
        model = prepare(self.folder)
        with open(log, "ab") as output:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "rasa",
                    "run",
                    "--model",
                    str(model),
                    "--port",
                    str(self.port),
                    "--enable-api",
                    "--auth-token",
                    self.token,
                ],
                cwd=self.folder,
                env=_env(),
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        wait_until_up(f"{self.url}/status?token={self.token}", [self.process])

    def stop(self) -> None:
        if self.process is not None:
            stop([self.process])
            self.process = None
