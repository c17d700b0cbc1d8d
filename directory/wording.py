"""Build the plain "why this service" reason from the wording in data/reasons.yml.

The words live in YAML so they can be reviewed and changed without touching matching; this module only
decides which pieces apply (where, which ages, which way in) and joins them.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Optional, Sequence

import yaml

from directory import vocab

REASONS_FILE = Path(__file__).parent / "data" / "reasons.yml"

# Which way in to mention first, per person asking: the easiest route for them.
ROUTE_PREFERENCE: Dict[str, Sequence[str]] = {
    "young_person": ("self", "online", "drop_in", "parent", "gp", "school", "professional"),
    "parent": ("self", "parent", "online", "drop_in", "gp", "school", "professional"),
    "professional": ("self", "online", "drop_in", "parent", "professional", "gp", "school"),
}


@lru_cache(maxsize=1)
def load_wording() -> Dict[str, Any]:
    """The reason wording (read once per process)."""
    with REASONS_FILE.open(encoding="utf-8") as handle:
        wording: Dict[str, Any] = yaml.safe_load(handle)
    return wording


def best_route(routes: Sequence[str], role: str) -> Optional[str]:
    """The route to mention for this person, or None when the service publishes none."""
    return next((route for route in ROUTE_PREFERENCE[role] if route in routes), None)


def _where(scope: str, borough: Optional[str], areas: Sequence[str], words: Dict[str, str]) -> str:
    if scope == vocab.SCOPE_LOCAL:
        place = borough if borough in areas else (areas[0] if areas else "")
        return words["local"].format(borough=place)
    return words[scope]


def _ages(age_min: Optional[int], age_max: Optional[int], words: Dict[str, str]) -> Optional[str]:
    if age_min is None and age_max is None:
        return None
    low = age_min or 0
    if age_max is None or age_max >= vocab.ALL_AGES_MAX:
        return words["all"] if low == 0 else words["from"].format(age_min=low)
    if low == 0:
        return words["up_to"].format(age_max=age_max)
    return words["range"].format(age_min=low, age_max=age_max)


def _route(routes: Sequence[str], audiences: Sequence[str], role: str, words: Dict[str, str]) -> str:
    route = best_route(routes, role)
    if route is None:
        return words["none"]
    child_key = f"{route}_child"
    if role == "parent" and "parent" not in audiences and child_key in words:
        return words[child_key]
    return words[route]


def build_reason(
    *,
    role: str,
    scope: str,
    borough: Optional[str],
    areas: Sequence[str],
    age_min: Optional[int],
    age_max: Optional[int],
    routes: Sequence[str],
    audiences: Sequence[str],
    is_24_7: bool,
) -> str:
    """E.g. "in Hackney, for ages 11 to 19, you can refer yourself"."""
    wording = load_wording()
    parts = [
        _where(scope, borough, areas, wording["where"]),
        _ages(age_min, age_max, wording["ages"][role]),
        _route(routes, audiences, role, wording["routes"][role]),
    ]
    if is_24_7:
        parts.append(wording["open_24_7"])
    separator: str = wording["separator"]
    return separator.join(part for part in parts if part)
