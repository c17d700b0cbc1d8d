"""The snapshot of the shared reference (docs/reference/) is the copy that was checked, and is the same as
../shared whenever that is beside the project.

docs/reference/SHA256SUMS records each copied file's checksum when it was copied, so a checkout without
../shared (a CI machine) still proves the snapshot was not edited by hand; with ../shared present, every live
file must also equal its copy.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Dict

import pytest

from tests.support.reference import SHARED, SNAPSHOT

MANIFEST = SNAPSHOT / "SHA256SUMS"


def recorded() -> Dict[str, str]:
    pairs = (line.split() for line in MANIFEST.read_text().splitlines() if line.strip())
    return {name: digest for digest, name in pairs}


def live_file(name: str) -> Path:
    return SHARED / ("tools" if name.endswith(".py") else "reference") / name


@pytest.mark.parametrize("name", sorted(recorded()))
def test_snapshot_matches_the_shared_reference(name: str) -> None:
    copy = SNAPSHOT / name
    assert copy.is_file(), f"{copy} is missing"
    assert hashlib.sha256(copy.read_bytes()).hexdigest() == recorded()[name], (
        f"{copy} was edited: copy it again from ../shared and update {MANIFEST.name}"
    )
    if SHARED.is_dir():
        assert live_file(name).read_bytes() == copy.read_bytes(), (
            f"{live_file(name)} changed: refresh docs/reference/{name} and {MANIFEST.name}"
        )


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared is not beside this checkout; the snapshot is used")
def test_every_shared_reference_file_is_in_the_snapshot() -> None:
    live = {p.name for p in (SHARED / "reference").glob("*.md")} | {"check_numbers.py"}
    assert live == set(recorded())
