"""crisis-numbers.json, which the widget shows by itself when the assistant cannot answer, matches the
assistant's own data and the reference."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.support.reference import check_numbers_script, reference_dir
from web import crisis_numbers


def test_the_committed_file_matches_its_sources() -> None:
    assert crisis_numbers.OUTPUT.read_text() == crisis_numbers.render(), "run python -m web.crisis_numbers"
    assert crisis_numbers.main(["--check"]) == 0


def test_every_borough_is_listed_and_local_lines_follow_the_domain() -> None:
    data = json.loads(crisis_numbers.OUTPUT.read_text())
    assert len(data["boroughs"]) == 33
    assert data["boroughs"]["Brent"]["line"]["phone"] == "0800 0234 650"
    assert data["boroughs"]["Bexley"]["line"] is None, "Oxleas: 111 only (the reference rates its line lower)"


def test_every_number_in_the_file_is_in_the_reference(tmp_path: Path) -> None:
    (tmp_path / "crisis-numbers.json").write_text(crisis_numbers.OUTPUT.read_text())
    result = subprocess.run(
        [sys.executable, str(check_numbers_script()), str(reference_dir()), str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 not in the reference" in result.stdout
