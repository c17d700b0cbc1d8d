"""What every evaluation of `make eval` shares: the commit measured, the trained model and the rules.

The model and the rule-based matcher are loaded once per run and every parse is cached, so evaluations can
ask for the same text twice at no cost.
"""

from __future__ import annotations

import asyncio
import logging
import os
import subprocess
from functools import cached_property
from pathlib import Path
from typing import Dict, Optional

from tools.eval_sets import ROOT

#: What the figures depend on: changes here that are not committed make the figures unreproducible.
MEASURED_PATHS = ("bot", "data", "config.yml", "domain.yml", "tests/data", "tools")


def _git(*args: str) -> str:
    try:
        return subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


class EvalContext:
    """One evaluation run: commit, model and classifiers, loaded on first use."""

    def __init__(self, model: Optional[Path] = None) -> None:
        self._model = model
        self._parses: Dict[str, Dict] = {}

    @cached_property
    def commit(self) -> str:
        """The commit measured, with a warning when the measured files have uncommitted changes."""
        commit = _git("rev-parse", "HEAD") or "unknown (not a git checkout)"
        if _git("status", "--porcelain", "--", *MEASURED_PATHS):
            commit += " + UNCOMMITTED CHANGES (these figures cannot be reproduced from a commit)"
        return commit

    @cached_property
    def model(self) -> Path:
        """The trained model for the committed data (trained first if needed, cached under models/)."""
        if self._model:
            return self._model
        from bot.server.model_cache import ensure_model

        return ensure_model()

    @cached_property
    def rules(self):
        """The bare rule-based risk matcher (bot.nlu.risk.detector.RiskMatcher)."""
        from bot.nlu.risk.detector import RiskMatcher

        return RiskMatcher.from_lexicon()

    @cached_property
    def _agent(self):
        os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
        from rasa.core.agent import Agent
        from rasa.utils.log_utils import configure_structlog

        # Rasa's DEBUG logging prints every parsed text; the evaluation prints only its figures.
        configure_structlog(logging.WARNING)
        logging.getLogger().setLevel(logging.WARNING)
        return Agent.load(str(self.model)), asyncio.new_event_loop()

    def parse(self, text: str) -> Dict:
        """The trained pipeline's parse of one message (intent, entities, response selector)."""
        if text not in self._parses:
            agent, loop = self._agent
            self._parses[text] = loop.run_until_complete(agent.parse_message(text))
        return self._parses[text]
