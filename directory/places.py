"""London places: borough names, spellings, neighbourhoods and postcode districts (data in data/places.yml)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Tuple

import yaml

PLACES_FILE = Path(__file__).parent / "data" / "places.yml"
OUTSIDE_LONDON = "Outside London"
NOT_GIVEN = "Not given"


@lru_cache(maxsize=1)
def _raw() -> Dict[str, Any]:
    with PLACES_FILE.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def london_boroughs() -> Tuple[str, ...]:
    """The 33 London local authorities, spelled as the directory writes them."""
    return tuple(_raw()["boroughs"])


def trust_for(borough: str) -> str | None:
    """The NHS mental health trust whose 24/7 line covers this borough, or None outside London."""
    entry = _raw()["boroughs"].get(borough)
    return entry["trust"] if entry else None
