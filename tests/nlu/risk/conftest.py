"""Fixtures for the risk tests: one compiled detector and one component for the whole session."""

from __future__ import annotations

import os
from typing import List, Tuple

import pytest

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

from bot.nlu.risk.detector import RiskMatcher  # noqa: E402

#: The development pairs in tests/data/dev/risk/ (tools/eval_sets.py): every one was used to change the detector.
CORPUS_SET, TEAM_SET = "corpus", "team"


@pytest.fixture(scope="session")
def matcher() -> RiskMatcher:
    """The detector compiled from the real lexicon (compiling takes about a second)."""
    return RiskMatcher.from_lexicon()


@pytest.fixture(scope="session")
def component(matcher: RiskMatcher):
    """The Rasa component sharing the session's compiled detector."""
    from bot.nlu.risk.component import RiskDetector

    return RiskDetector({}, matcher=matcher)


def verdict(matcher: RiskMatcher, text: str) -> Tuple[str, str, str]:
    """(escalation, category, subject) or ("", "", "") for no detection."""
    result = matcher.detect(text)
    return (result.escalation, result.category, result.subject) if result else ("", "", "")


def texts(cases: List) -> List[str]:
    return [case.text for case in cases]
