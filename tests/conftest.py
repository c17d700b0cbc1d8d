"""Shared fixtures: the trained model, and the whole assistant running on free ports.

The model is trained once per data fingerprint (bot/server/model_cache.py). The running assistant uses its own
temporary tracker store and directory database, so tests never touch a developer's data.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Dict, Iterator, List

import pytest

os.environ["RASA_TELEMETRY_ENABLED"] = "false"

from tests.support.hazards import HAZARD_LOG, hazard_test_ids  # noqa: E402
from tests.support.servers import AssistantProcesses  # noqa: E402

# ---------------------------------------------------------------- hazard log: the named tests must pass
_OUTCOMES: Dict[str, List[str]] = {}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Remember every test's outcome by base node id (parametrised cases together)."""
    if report.when == "call" or report.outcome != "passed":
        _OUTCOMES.setdefault(report.nodeid.split("[")[0], []).append(report.outcome)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail the run when a test the hazard log relies on did not pass (when the whole suite ran)."""
    named = hazard_test_ids()
    if not named <= set(_OUTCOMES) or session.config.option.collectonly:
        return  # a partial run: tests/test_hazard_log.py says which ids are missing on a full run
    not_passed = sorted(test for test in named if set(_OUTCOMES[test]) != {"passed"})
    if not_passed:
        print(f"\n{HAZARD_LOG.name}: these controls' tests did not pass: {not_passed}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


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
