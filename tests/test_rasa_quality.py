"""Rasa's own checks: training data validation and the end-to-end test stories."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import List

import pytest
import yaml

from bot.server.settings import ROOT

RESULTS = ROOT / "results"
UNUSED_UTTERANCE = re.compile(r"The utterance '(utter_\w+)' is not used in any story or rule")
# Rasa merges the retrieval intents it finds in the NLU data into the domain and reports them as duplicates
# of the same intents listed in domain.yml, which its own docs require. That notice, and only that, is allowed.
RETRIEVAL_INTENT_MERGE = re.compile(
    r"duplicated intents have been found across multiple domain files: "
    r"(chitchat, faq|faq, chitchat)$"
)


# Intents no NLU example teaches: NLU components set them (bot/nlu/risk/decision.py, bot/nlu/language/,
# bot/nlu/intent_repair.py's SafeAnswerNext).
COMPONENT_INTENT = re.compile(
    r"The intent '(risk_check|other_language|safe_now|safe_now_find_help)' is listed in the domain file, "
    r"but is not found in the NLU"
)


def _rasa(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "rasa", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=900
    )


def _responses_sent_outside_rules() -> List[str]:
    """Responses used by the form (utter_ask_<slot>), or named in an action's or the channels' code (their
    own replies are named in bot/server/replies.py; action_answer_service's general answers in
    bot/dialogue/service_questions.py)."""
    domain = yaml.safe_load((ROOT / "domain.yml").read_text())
    form_slots = {slot for form in domain["forms"].values() for slot in form["required_slots"]}
    action_code = "".join(
        p.read_text()
        for p in [
            *(ROOT / "actions").glob("*.py"),
            # the pure answering logic action_answer_service calls (its general answers by name)
            ROOT / "bot" / "dialogue" / "service_questions.py",
            ROOT / "bot" / "server" / "channels.py",
            ROOT / "bot" / "server" / "widget_channel.py",
            ROOT / "bot" / "server" / "replies.py",
        ]
    )
    return [
        name
        for name in domain["responses"]
        if name in {f"utter_ask_{slot}" for slot in form_slots}
        or f'"{name}"' in action_code
        or (name.startswith("utter_service_") and "render_parts" in action_code)
    ]


def test_training_data_validates_cleanly() -> None:
    result = _rasa("data", "validate", "--config", "config.yml", "--domain", "domain.yml", "--data", "data")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    allowed = set(_responses_sent_outside_rules())
    unused = set(UNUSED_UTTERANCE.findall(output))
    assert unused <= allowed, f"responses nothing sends: {sorted(unused - allowed)}"
    other_warnings = [
        line
        for line in output.splitlines()
        if "UserWarning" in line
        and not UNUSED_UTTERANCE.search(line)
        and not RETRIEVAL_INTENT_MERGE.search(line)
        and not COMPONENT_INTENT.search(line)
    ]
    assert not other_warnings, "\n".join(other_warnings)


@pytest.mark.model
def test_end_to_end_test_stories_all_pass(trained_model: Path) -> None:
    out = RESULTS / "test_stories"
    result = _rasa(
        "test",
        "core",
        "--model",
        str(trained_model),
        "--stories",
        "tests/test_stories.yml",
        "--fail-on-prediction-errors",
        "--out",
        str(out),
    )
    assert result.returncode == 0, (result.stdout + result.stderr)[-4000:]
    report = json.loads((out / "story_report.json").read_text())
    assert report["conversation_accuracy"]["accuracy"] == 1.0, report["conversation_accuracy"]
