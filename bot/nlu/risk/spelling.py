"""Edit-distance correction of tokens against the risk vocabulary only.

Young people misspell exactly the words that matter ("suicde", "sucidal", "paracetemol"). Correcting
against a general dictionary would be slow and would turn ordinary words into risk words, so only a short
list of distinctive targets is corrected, with a protect-list of real words that sit close to them.
The lookup is a symmetric-delete index built once at start-up (directory.spelling, shared with the place
matcher), so a token costs a few dictionary look-ups; results are cached per token. This module holds the
risk detector's own rules: which tokens are corrected and how far.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Dict, Iterable, Optional, Set, Tuple

from directory.spelling import deletes, osa_distance


class SpellingCorrector:
    """Maps a misspelt token to the nearest risk word within a length-dependent distance, or None."""

    def __init__(self, targets: Iterable[str], known: Iterable[str], min_length: int = 5) -> None:
        self._targets = sorted({t for t in targets if len(t) >= min_length})
        self._known = frozenset(known) | frozenset(self._targets)
        self._min_length = min_length
        self._index: Dict[str, Tuple[str, ...]] = {}
        for target in self._targets:
            for key in deletes(target, self.max_distance(target)):
                self._index[key] = self._index.get(key, ()) + (target,)
        self.correct = lru_cache(maxsize=20000)(self._correct)  # type: ignore[method-assign]

    @staticmethod
    def max_distance(word: str) -> int:
        """One edit, two from ten letters: "paracetemol" needs two, but at eight letters two edits already
        turn "overcome" into "overdose"."""
        return 2 if len(word) >= 10 else 1

    def _correct(self, token: str) -> Optional[str]:
        if len(token) < self._min_length or token in self._known or not token.isalpha():
            return None
        limit = self.max_distance(token)
        candidates: Set[str] = set()
        for key in deletes(token, limit):
            candidates.update(self._index.get(key, ()))
        best: Optional[str] = None
        best_distance = limit + 1
        for target in sorted(candidates):
            if target[0] != token[0]:  # first letters are rarely mistyped; this halves the false corrections
                continue
            distance = osa_distance(token, target, min(limit, self.max_distance(target)))
            if distance < best_distance:
                best, best_distance = target, distance
        return best
