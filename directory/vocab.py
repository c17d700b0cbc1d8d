"""Fixed vocabulary the directory shares with the bot (docs/contracts.md). Concern codes live in data/concerns.yml."""

from __future__ import annotations

ROLES: tuple[str, ...] = ("young_person", "parent", "professional")
AUDIENCES: tuple[str, ...] = ROLES
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

# Ages: a service must start within childhood/young adulthood (age_min <= 25). age_max may go above 25
# for services that also serve adults (Listening Works 18-27, Papyrus up to 35); ALL_AGES_MAX (120)
# marks an all-age service such as NHS 111 or Shout.
MAX_AGE_MIN = 25
ALL_AGES_MAX = 120

# Routes a young person or a parent can use without a professional: anything else is "ask your GP or school".
DIRECT_ROUTES: frozenset[str] = frozenset({"self", "online", "drop_in", "parent"})
SELF_ROUTES: frozenset[str] = frozenset({"self", "online", "drop_in"})
# The `referral` filter of the API ("how do I get in?"): each value stands for these routes.
REFERRAL_FILTERS: dict[str, frozenset[str]] = {
    "self": SELF_ROUTES,
    "parent": frozenset({"parent"}),
    "professional": frozenset({"professional", "gp", "school"}),
}


def bits(values, universe) -> int:
    """Pack a set of vocabulary values into an integer bit mask (position = index in `universe`).

    Matching filters and ranks on these masks (denormalised on the service row) so one indexed scan of
    service_area does all the work; the link tables stay the readable source of truth.
    """
    mask = 0
    for value in values:
        mask |= 1 << universe.index(value)
    return mask
