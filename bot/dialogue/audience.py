"""Who the help is for: age bands for wording, and which ages this assistant serves.

The age is always the child's or young person's age (for a parent, their child's). Bands choose the wording
of replies (conditional response variations on the `age_band` slot) and come from the same table the age
extractor uses (bot/nlu/lexicons/ages.yml); the limits decide when to tell someone kindly that the assistant is
not really for them.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Optional, Tuple

import yaml

# The age extractor's own table (read directly: importing the extractor would pull spaCy into the action
# server for one small table).
AGES_FILE = Path(__file__).resolve().parents[1] / "nlu" / "lexicons" / "ages.yml"

YOUNGEST_SELF_USER = 4  # younger children chat with a grown-up; parents may ask about any age from 0
OLDEST_SERVED = 25

TOO_YOUNG = "too_young"
OVER_25 = "over_25"


@lru_cache(maxsize=1)
def _bands() -> Tuple[Tuple[str, int, int], ...]:
    with AGES_FILE.open(encoding="utf-8") as handle:
        bands = yaml.safe_load(handle)["bands"]
    return tuple((name, int(low), int(high)) for name, (low, high) in bands.items())


def age_band_for(age: int) -> Optional[str]:
    """The wording band for an age, or None over 25 (adult wording is the default)."""
    return next((name for name, low, high in _bands() if low <= age <= high), None)


def age_problem(age: int, role: Optional[str]) -> Optional[str]:
    """Why an age needs a special reply, or None when the assistant serves it as it is."""
    if role not in ("parent", "professional") and age < YOUNGEST_SELF_USER:
        return TOO_YOUNG
    if age > OLDEST_SERVED:
        return OVER_25
    return None
