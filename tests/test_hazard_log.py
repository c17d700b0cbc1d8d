"""The hazard log is complete and every control is backed by tests that exist.

Whether those tests *passed* is checked at the end of the session by tests/conftest.py (a test cannot see
other tests' results): the run fails if any test the hazard log names did not pass.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Dict, List, Set

import pytest

from bot.server.settings import ROOT
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


def _defined_tests(path: Path) -> Set[str]:
    """`path::test` and `path::Class::test` ids of the test functions a file defines (read, not imported)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    relative = path.relative_to(ROOT).as_posix()
    ids = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            ids.add(f"{relative}::{node.name}")
        elif isinstance(node, ast.ClassDef):
            ids |= {
                f"{relative}::{node.name}::{item.name}"
                for item in node.body
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))
            }
    return ids


def test_every_named_test_exists() -> None:
    """Each id names a test function in a test file (parametrised tests by their base id), on any run."""
    named = hazard_test_ids()
    files = {ROOT / test.split("::")[0] for test in named}
    missing_files = sorted(str(f.relative_to(ROOT)) for f in files if not f.is_file())
    assert not missing_files, f"{HAZARD_LOG} names test files that do not exist: {missing_files}"
    defined = set().union(*(_defined_tests(f) for f in files))
    missing = sorted(named - defined)
    assert not missing, f"{HAZARD_LOG} names tests that do not exist: {missing}"


NAMED = {"t.py::a", "t.py::b"}


@pytest.mark.parametrize(
    "collected, outcomes, fails, says",
    [
        (NAMED | {"t.py::c"}, {"t.py::a": ["passed"], "t.py::b": ["passed"]}, False, "all 2 tests"),
        (
            NAMED,
            {"t.py::a": ["passed"], "t.py::b": ["skipped"]},
            True,
            "FULL RUN FAILED: did not pass: ['t.py::b']",
        ),
        (NAMED, {"t.py::a": ["passed", "skipped"]}, True, "did not run: ['t.py::b']"),
        ({"t.py::a"}, {"t.py::a": ["passed"]}, False, "PARTIAL RUN: 1 of the 2"),
        ({"t.py::a"}, {"t.py::a": ["skipped"]}, False, "skipped: ['t.py::a']"),
        ({"t.py::a"}, {"t.py::a": ["failed"]}, True, "failed: ['t.py::a']"),
    ],
    ids=["full-passed", "full-skipped", "full-unrun", "partial-says-so", "partial-skipped", "partial-failed"],
)
def test_the_session_check_fails_a_full_run_with_a_skipped_control_and_names_a_partial_one(
    collected: Set[str], outcomes: Dict[str, List[str]], fails: bool, says: str
) -> None:
    from tests.conftest import hazard_check

    result = hazard_check(NAMED, collected, outcomes)
    assert result[0] is fails and says in result[1], result
