"""The shared edit-distance machinery (directory.spelling) that the place matcher and the risk speller use."""

from __future__ import annotations

import pytest

from directory.spelling import deletes, osa_distance


@pytest.mark.parametrize(
    ("a", "b", "limit", "distance"),
    [
        ("hackney", "hackney", 2, 0),
        ("hakney", "hackney", 2, 1),  # a letter left out
        ("hcakney", "hackney", 2, 1),  # two neighbours swapped: one edit
        ("suicde", "suicide", 1, 1),
        ("paracetemol", "paracetamol", 2, 1),
        ("overcome", "overdose", 1, 2),  # over the limit: limit + 1
        ("a", "abcdef", 2, 3),  # lengths too far apart
    ],
)
def test_osa_distance(a: str, b: str, limit: int, distance: int) -> None:
    assert osa_distance(a, b, limit) == distance


def test_deletes_are_each_variant_once_in_a_fixed_order() -> None:
    assert deletes("ab", 1) == ["ab", "b", "a"]
    assert deletes("aab", 1) == ["aab", "ab", "aa"]
    assert deletes("abc", 2) == ["abc", "bc", "ac", "ab", "c", "b", "a"]
    assert deletes("a", 3) == ["a"]  # never the empty string
