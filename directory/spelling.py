"""Edit-distance spelling correction: the one implementation the place matcher and the risk detector share.

Both correct a typed word against a known list (place names; risk words) with a symmetric-delete index
(SymSpell-style): every target is indexed under the strings made by deleting letters from it, a typed word
is looked up under its own deletions, and only the few candidates found are measured with the optimal string
alignment distance (Levenshtein plus a swap of two neighbouring letters as one edit). How far each may
correct is its own rule, stated where it is used (directory.places, bot.nlu.risk.spelling).
"""

from __future__ import annotations

from itertools import combinations
from typing import List


def deletes(word: str, distance: int) -> List[str]:
    """The word and every string made by deleting up to `distance` of its letters (never all of them):
    each once, in a fixed order (fewer deletions first, then by position)."""
    found = {word: None}
    for n in range(1, distance + 1):
        if len(word) - n < 1:
            break
        for positions in combinations(range(len(word)), n):
            found["".join(ch for i, ch in enumerate(word) if i not in positions)] = None
    return list(found)


def osa_distance(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment distance (Levenshtein plus adjacent swaps), `limit + 1` once exceeded."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: List[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:  # rows never get cheaper: nothing below can come back under the limit
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]
