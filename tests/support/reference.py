"""Where the checked reference facts are: ../shared beside the project, else the snapshot in docs/reference/."""

from __future__ import annotations

from pathlib import Path

from bot.server.settings import ROOT

SHARED = ROOT.parent / "shared"
SNAPSHOT = ROOT / "docs" / "reference"


def reference_dir() -> Path:
    """The reference markdown files (the live shared copy when it is beside the project)."""
    live = SHARED / "reference"
    return live if live.is_dir() else SNAPSHOT


def check_numbers_script() -> Path:
    live = SHARED / "tools" / "check_numbers.py"
    return live if live.is_file() else SNAPSHOT / "check_numbers.py"
