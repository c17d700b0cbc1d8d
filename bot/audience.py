"""Who the help is for: age bands for wording, and which ages this assistant serves.

The age is always the child's or young person's age (for a parent, their child's). Bands choose the wording
of replies (conditional response variations on the `age_band` slot); the limits decide when to tell someone
kindly that the assistant is not really for them.
"""
from __future__ import annotations

from typing import Optional

# (upper age inclusive, band); docs/contracts.md names the bands.
AGE_BANDS = ((10, "child"), (15, "young_teen"), (17, "older_teen"), (25, "young_adult"))
YOUNGEST_SELF_USER = 4  # younger children chat with a grown-up; parents may ask about any age from 0
OLDEST_SERVED = 25

TOO_YOUNG = "too_young"
OVER_25 = "over_25"


def age_band_for(age: int) -> Optional[str]:
    """The wording band for an age, or None over 25 (adult wording is the default)."""
    for upper, band in AGE_BANDS:
        if age <= upper:
            return band
    return None


def age_problem(age: int, role: Optional[str]) -> Optional[str]:
    """Why an age needs a special reply, or None when the assistant serves it as it is."""
    if role not in ("parent", "professional") and age < YOUNGEST_SELF_USER:
        return TOO_YOUNG
    if age > OLDEST_SERVED:
        return OVER_25
    return None
