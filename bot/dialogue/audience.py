"""Who the help is for: which ages this assistant serves, and the replies an age outside them needs.

The age is always the child's or young person's age (for a parent, their child's). The limits and the wording
bands are the directory's contract vocabulary (directory/data/ages.yml, read by directory.vocab): one source
for the bot, the actions and the directory.
"""

from __future__ import annotations

from typing import Optional

from directory.vocab import ADULT_ROLES
from directory.vocab import OLDEST_SERVED as OLDEST_SERVED
from directory.vocab import YOUNGEST_SELF_USER as YOUNGEST_SELF_USER
from directory.vocab import age_band_for as age_band_for

TOO_YOUNG = "too_young"
OVER_25 = "over_25"


def age_problem(age: int, role: Optional[str]) -> Optional[str]:
    """Why an age needs a special reply, or None when the assistant serves it as it is."""
    if role not in ADULT_ROLES and age < YOUNGEST_SELF_USER:
        return TOO_YOUNG
    if age > OLDEST_SERVED:
        return OVER_25
    return None
