"""The age limits have one source (directory/data/ages.yml); every reply that states them says the same."""

from __future__ import annotations

from pathlib import Path
from typing import List

import pytest
import yaml

from bot.dialogue import audience
from directory import vocab

ROOT = Path(__file__).resolve().parents[1]


def texts(response: str) -> List[str]:
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    return [variation["text"] for variation in domain["responses"][response]]


def test_the_too_young_reply_states_the_ages_served() -> None:
    assert all(
        f"aged {vocab.YOUNGEST_SELF_USER} to {vocab.OLDEST_SERVED}" in text
        for text in texts("utter_age_too_young")
    )


def test_the_over_age_reply_states_the_oldest_age_served() -> None:
    assert all(f"up to {vocab.OLDEST_SERVED}" in text for text in texts("utter_age_over_25"))


def test_the_bands_cover_every_age_served_once_and_end_at_the_oldest() -> None:
    for age in range(0, vocab.OLDEST_SERVED + 1):
        assert sum(low <= age <= high for _, low, high in vocab.AGE_BANDS) == 1, age
    assert max(high for _, _, high in vocab.AGE_BANDS) == vocab.OLDEST_SERVED
    assert vocab.age_band_for(vocab.OLDEST_SERVED + 1) is None


@pytest.mark.parametrize(
    ("age", "role", "problem"),
    [
        (vocab.YOUNGEST_SELF_USER - 1, "young_person", audience.TOO_YOUNG),
        (vocab.YOUNGEST_SELF_USER, "young_person", None),
        (0, "parent", None),
        (vocab.OLDEST_SERVED, "young_person", None),
        (vocab.OLDEST_SERVED + 1, "parent", audience.OVER_25),
    ],
)
def test_the_form_limits_are_the_same_limits(age: int, role: str, problem: str) -> None:
    assert audience.age_problem(age, role) == problem


def test_a_service_may_not_start_above_the_oldest_age_served() -> None:
    assert vocab.MAX_AGE_MIN == vocab.OLDEST_SERVED
