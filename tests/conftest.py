"""Shared fixtures: the trained model, and the whole assistant running on free ports.

The model is trained once per data fingerprint (bot/server/model_cache.py). The running assistant uses its own
temporary tracker store and directory database, so tests never touch a developer's data.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Dict, Iterator, List, Set, Tuple

import pytest

os.environ["RASA_TELEMETRY_ENABLED"] = "false"

from tests.support.hazards import HAZARD_LOG, hazard_test_ids  # noqa: E402
from tests.support.servers import AssistantProcesses  # noqa: E402

# ---------------------------------------------------------------- hazard log: the named tests must pass
_OUTCOMES: Dict[str, List[str]] = {}
_SKIPPED: Dict[str, str] = {}  # node id -> reason
_HAZARD_VERDICT: List[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Remember every test's outcome by base node id (parametrised cases together), and every skip's reason."""
    if report.when == "call" or report.outcome != "passed":
        _OUTCOMES.setdefault(report.nodeid.split("[")[0], []).append(report.outcome)
    if report.skipped:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        _SKIPPED[report.nodeid] = reason.removeprefix("Skipped: ")


def hazard_check(named: Set[str], collected: Set[str], outcomes: Dict[str, List[str]]) -> Tuple[bool, str]:
    """(fails the run, what to say) for the tests the hazard log names.

    A full run (every named test collected) fails unless each of them ran and passed: a skipped or unrun
    control test is a control nobody checked. A partial run says how many it did not cover and which it
    skipped, and fails only if a named test it ran failed.
    """
    ran = {test: set(outcomes[test]) for test in named if test in outcomes}
    not_passed = sorted(test for test, seen in ran.items() if seen != {"passed"})
    if named <= collected:
        unrun = sorted(named - set(ran))
        if not_passed or unrun:
            return True, f"FULL RUN FAILED: did not pass: {not_passed}; did not run: {unrun}"
        return False, f"all {len(named)} tests it names passed"
    uncollected = len(named - collected)
    message = (
        f"PARTIAL RUN: {uncollected} of the {len(named)} tests it names were not collected, so this run does "
        f"not show the controls work (run the whole suite: make test)"
    )
    failed = sorted(test for test, seen in ran.items() if seen - {"passed", "skipped"})
    skipped = sorted(set(not_passed) - set(failed))
    if failed:
        return True, f"{message}; failed: {failed}"
    return False, f"{message}; of the {len(ran)} that ran, skipped: {skipped or 'none'}"


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail the run when a test the hazard log relies on did not pass; say so when the run was partial."""
    if session.config.option.collectonly:
        return
    collected = {item.nodeid.split("[")[0] for item in session.items}
    fails, message = hazard_check(hazard_test_ids(), collected, _OUTCOMES)
    _HAZARD_VERDICT[:] = [f"{HAZARD_LOG.name}: {message}"]
    if fails:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """At the very end: every test that did not run, with its reason, and the hazard log's verdict."""
    if _SKIPPED:
        terminalreporter.section(f"{len(_SKIPPED)} tests NOT RUN (skipped)", sep="=", yellow=True)
        for nodeid, reason in sorted(_SKIPPED.items()):
            terminalreporter.write_line(f"{nodeid}: {reason}")
    for line in _HAZARD_VERDICT:
        terminalreporter.section("hazard log", sep="=", red="FAILED" in line or "did not pass" in line)
        terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def trained_model() -> Path:
    """Path of the trained model for the current training data (trains it if needed)."""
    from bot.server.model_cache import ensure_model

    return ensure_model()


@pytest.fixture(scope="session")
def assistant(trained_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[AssistantProcesses]:
    """The action server and Rasa server, running until the end of the test session."""
    processes = AssistantProcesses(trained_model, tmp_path_factory.mktemp("assistant"))
    try:
        processes.start()
        yield processes
    finally:
        processes.stop()
