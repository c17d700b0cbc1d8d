"""Every phone number the widget or its demo page can show comes from ../shared/reference (the project's rule).

../shared/tools/check_numbers.py reads only YAML and JSON files, so the widget's JavaScript and the demo page
are copied under .json names and checked by the same tool. Fast: no browser, no servers.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bot.server.settings import ROOT
from tests.support.reference import check_numbers_script, reference_dir

WIDGET_TEXT = [ROOT / "web/static/wellbeing-chat.js", ROOT / "web/demo/index.html"]


def test_every_number_in_the_widget_is_in_the_reference(tmp_path: Path) -> None:
    tool, reference = check_numbers_script(), reference_dir()
    for source in WIDGET_TEXT:
        (tmp_path / f"{source.name}.json").write_text(source.read_text())
    result = subprocess.run(
        [sys.executable, str(tool), str(reference), str(tmp_path)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 not in the reference" in result.stdout


def test_crisis_card_offers_999_111_childline_and_shout() -> None:
    widget = WIDGET_TEXT[0].read_text()
    for href in ('"tel:999"', '"tel:111"', '"tel:08001111"', '"sms:85258?&body=SHOUT"'):
        assert href in widget, href
