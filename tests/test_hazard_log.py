"""The hazard log is complete and every control is backed by tests that exist.

Whether those tests *passed* is checked at the end of the session by tests/conftest.py (a test cannot see
other tests' results): the run fails if any test the hazard log names did not pass.
"""

from __future__ import annotations

from typing import Dict, List, Set

import pytest

from tests.support.hazards import HAZARD_LOG, LIKELIHOOD, RISK_MATRIX, SEVERITY, hazard_test_ids, load_hazards

REQUIRED_TITLES = [
    "crisis message is missed",
    "wrong or outdated number",
    "component is down",
    "False reassurance",
    "cannot use, or that has closed",
    "Out-of-date directory data",
    "adult-only advice",
    "discourages emergency help",
    "abuse is not escalated",
    "third party",
    "leaks to another user",
    "exposed in logs or to another site",
    "screen-reader",
    "Quick exit leaves a trace",
    "under load",
    "wrong crisis line",
]


@pytest.fixture(scope="module")
def hazards() -> List[Dict]:
    return load_hazards()


def test_the_log_covers_every_hazard_the_safety_case_requires(hazards: List[Dict]) -> None:
    titles = " | ".join(h["title"] for h in hazards)
    missing = [t for t in REQUIRED_TITLES if t.lower() not in titles.lower()]
    assert not missing, f"{HAZARD_LOG} lacks: {missing}"


def test_every_hazard_is_fully_described_and_its_risk_rating_follows_the_matrix(hazards: List[Dict]) -> None:
    for hazard in hazards:
        for field in ("id", "title", "cause", "effect", "before", "after", "residual", "controls"):
            assert hazard.get(field), f"{hazard.get('id')}: no {field}"
        for stage in ("before", "after"):
            rating = hazard[stage]
            assert rating["severity"] in SEVERITY and rating["likelihood"] in LIKELIHOOD, hazard["id"]
            expected = RISK_MATRIX[rating["likelihood"]][SEVERITY.index(rating["severity"])]
            assert rating["risk"] == expected, (
                f"{hazard['id']} {stage}: risk {rating['risk']}, matrix {expected}"
            )
        assert hazard["after"]["risk"] <= hazard["before"]["risk"], f"{hazard['id']}: controls raise the risk"


def test_every_control_names_tests(hazards: List[Dict]) -> None:
    for hazard in hazards:
        for control in hazard["controls"]:
            assert control.get("description"), hazard["id"]
            assert control.get("tests"), f"{hazard['id']}: control without tests: {control['description']}"


def test_every_named_test_exists(request: pytest.FixtureRequest) -> None:
    """Each id must match a collected test (parametrised tests match by their base id)."""
    collected: Set[str] = {item.nodeid.split("[")[0] for item in request.session.items}
    named = hazard_test_ids()
    if not {n.split("::")[0] for n in named} <= {c.split("::")[0] for c in collected}:
        pytest.skip("run the whole suite to check test ids (some test files were not collected)")
    missing = sorted(named - collected)
    assert not missing, f"{HAZARD_LOG} names tests that do not exist: {missing}"
