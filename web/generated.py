"""Files the web folder generates from the project's data and commits: write one, or check it is up to date.

Used by `python -m web.crisis_numbers` and `python -m web.widget_strings`: `--check` exits 1 when the
committed file differs from what its sources give (their tests call it).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Callable, List, Optional

ROOT = Path(__file__).resolve().parents[1]


def main(
    output: Path, render: Callable[[], str], module: str, doc: Optional[str], argv: Optional[List[str]] = None
) -> int:
    """Write `output` from `render()`, or with --check compare them (`module` and `doc`: the generator's)."""
    parser = argparse.ArgumentParser(prog=f"python -m {module}", description=(doc or module).splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the committed file")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        if not output.exists() or output.read_text(encoding="utf-8") != text:
            print(f"{output.relative_to(ROOT)} is out of date: run python -m {module}", file=sys.stderr)
            return 1
        return 0
    output.write_text(text, encoding="utf-8")
    print(f"wrote {output.relative_to(ROOT)}")
    return 0
