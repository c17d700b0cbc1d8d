"""The snapshot of the shared reference (docs/reference/) is the same as ../shared when that is present."""
from __future__ import annotations

import pytest

from tests.support.reference import SHARED, SNAPSHOT


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared is not beside this checkout; the snapshot is used")
@pytest.mark.parametrize("live", sorted((SHARED / "reference").glob("*.md")) + [SHARED / "tools" / "check_numbers.py"],
                         ids=lambda p: p.name)
def test_snapshot_matches_the_shared_reference(live) -> None:
    copy = SNAPSHOT / live.name
    assert copy.is_file(), f"{copy} is missing: copy {live} into docs/reference/"
    assert copy.read_bytes() == live.read_bytes(), f"{live} changed: refresh docs/reference/{live.name}"
