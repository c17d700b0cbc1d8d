"""Reading docs/safety/hazard-log.yml: the hazards, the DCB0129 risk matrix, and the tests it names."""

from __future__ import annotations

from typing import Dict, List, Set

import yaml

from bot.server.settings import ROOT

HAZARD_LOG = ROOT / "docs" / "safety" / "hazard-log.yml"
SEVERITY = ["minor", "significant", "considerable", "major", "catastrophic"]
LIKELIHOOD = ["very_low", "low", "medium", "high", "very_high"]
# DCB0129 risk matrix: rows are likelihood, columns severity (minor .. catastrophic).
RISK_MATRIX = {
    "very_high": [3, 4, 4, 5, 5],
    "high": [2, 3, 3, 4, 5],
    "medium": [2, 2, 3, 3, 4],
    "low": [1, 2, 2, 3, 4],
    "very_low": [1, 1, 2, 2, 3],
}


def load_hazards() -> List[Dict]:
    return yaml.safe_load(HAZARD_LOG.read_text())["hazards"]


def hazard_test_ids() -> Set[str]:
    """Every pytest node id (without parameters) that a control names."""
    return {test for hazard in load_hazards() for control in hazard["controls"] for test in control["tests"]}
