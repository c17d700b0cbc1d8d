"""Fixed vocabulary the directory shares with the bot (docs/contracts.md). Concern codes live in data/concerns.yml."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable, Optional, Sequence

import yaml

ROLES: tuple[str, ...] = ("young_person", "parent", "professional")
AUDIENCES: tuple[str, ...] = ROLES
#: Roles that ask for someone else (the age given is the child's); they get adult wording.
ADULT_ROLES: frozenset[str] = frozenset({"parent", "professional"})
#: Which services' audiences each role is shown (matching's SQL and the fallback both read this): a parent
#: also sees what the young person can use; a professional sees everything.
AUDIENCES_FOR: dict[str, tuple[str, ...]] = {
    "young_person": ("young_person",),
    "parent": ("parent", "young_person"),
    "professional": AUDIENCES,
}
# Groups a person may volunteer ("I'm a care leaver", "I'm autistic"): a service's `only_for` (it serves no one
# else) and `groups` (it is meant especially for them) use these; docs/contracts.md lists them.
NEEDS: tuple[str, ...] = (
    "care_experienced",
    "young_carer",
    "lgbtq",
    "send",
    "black_mixed_heritage",
    "refugee",
    "bereaved",
)
REFERRAL_ROUTES: tuple[str, ...] = ("self", "parent", "drop_in", "online", "gp", "professional", "school")
CONTACT_TYPES: tuple[str, ...] = ("phone", "text", "email", "website")
CONFIDENCE_LEVELS: tuple[str, ...] = ("high", "medium")  # low / unverified facts never go in

NATIONAL = "National"
ONLINE = "Online"
LONDON = "London"  # YAML shorthand only: the loader expands it to the 33 boroughs
OUTSIDE_LONDON = "Outside London"
NOT_GIVEN = "Not given"

# Scope of a service, derived from its areas at load time; ranking prefers the most local.
SCOPE_LOCAL, SCOPE_LONDON, SCOPE_NATIONAL, SCOPE_ONLINE = "local", "london", "national", "online"
SCOPES: tuple[str, ...] = (SCOPE_LOCAL, SCOPE_LONDON, SCOPE_NATIONAL, SCOPE_ONLINE)
SCOPE_RANK = {SCOPE_LOCAL: 0, SCOPE_LONDON: 1, SCOPE_NATIONAL: 2, SCOPE_ONLINE: 2}  # lower is shown first

# Ages: the limits and wording bands in data/ages.yml, the one source of every age rule.
AGES_FILE = Path(__file__).parent / "data" / "ages.yml"
_AGES: dict[str, Any] = yaml.safe_load(AGES_FILE.read_text(encoding="utf-8"))
YOUNGEST_SELF_USER: int = int(_AGES["youngest_self_user"])
OLDEST_SERVED: int = int(_AGES["oldest_served"])
AGE_BANDS: tuple[tuple[str, int, int], ...] = tuple(
    (name, int(low), int(high)) for name, (low, high) in _AGES["bands"].items()
)
# A service must start within the ages served (age_min <= OLDEST_SERVED). age_max may go above it for
# services that also serve adults (Listening Works 18-27, Papyrus up to 35); ALL_AGES_MAX (120) marks an
# all-age service such as NHS 111 or Shout.
MAX_AGE_MIN = OLDEST_SERVED
ALL_AGES_MAX = 120


def age_band_for(age: int) -> Optional[str]:
    """The wording band (`age_band` slot) of an age, None over the oldest age served."""
    return next((name for name, low, high in AGE_BANDS if low <= age <= high), None)


# Routes a young person or a parent can use without a professional: anything else is "ask your GP or school".
DIRECT_ROUTES: frozenset[str] = frozenset({"self", "online", "drop_in", "parent"})
SELF_ROUTES: frozenset[str] = frozenset({"self", "online", "drop_in"})
# The `referral` filter of the API ("how do I get in?"): each value stands for these routes.
REFERRAL_FILTERS: dict[str, frozenset[str]] = {
    "self": SELF_ROUTES,
    "parent": frozenset({"parent"}),
    "professional": frozenset({"professional", "gp", "school"}),
}


def bits(values: Iterable[str], universe: Sequence[str]) -> int:
    """Pack a set of vocabulary values into an integer bit mask (position = index in `universe`).

    Matching filters and ranks on these masks (denormalised on the service row) so one indexed scan of
    service_area does all the work; the link tables stay the readable source of truth.
    """
    mask = 0
    for value in values:
        mask |= 1 << universe.index(value)
    return mask
