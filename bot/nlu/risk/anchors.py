"""Fast execution of many spaCy token patterns: anchor words first, then only the patterns they wake.

spaCy's Matcher tries every pattern at every token and evaluates each distinct `IN` word list as a Python
predicate per token; with several hundred risk patterns that cost milliseconds per message. Most
messages contain none of the rare words the patterns hinge on, so each pattern is given an "anchor": the
required slot whose words are least common (function words such as "i", "to", "my" are avoided). A
PhraseMatcher (a C trie) finds anchor words in one pass; the patterns sharing that anchor set then run
in their own spaCy Matcher on a window around the hit, just wide enough for the longest of them.
"""

from __future__ import annotations

from typing import Any, Dict, FrozenSet, Iterable, List, Set, Tuple

from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc
from spacy.vocab import Vocab

Match = Tuple[str, int, int]
#: Weight of a common word when choosing the anchor slot: one common word outweighs a long list of rare ones.
_COMMON_WEIGHT = 1000
#: Up to this many tokens a woken group's Matcher runs over the whole Doc (cheaper in spaCy than slicing
#: windows); longer texts are cut into windows around the anchors so the cost stays bounded.
SHORT_DOC = 25


class _Group:
    """Patterns sharing one anchor word set, and how far they reach before and after the anchor."""

    def __init__(self, vocab: Vocab) -> None:
        self.matcher = Matcher(vocab)
        self.before = 0
        self.after = 0


class AnchoredMatcher:
    """Collect token patterns with add(); call with a Doc to get (key, start, end) matches."""

    def __init__(self, vocab: Vocab, common_words: Iterable[str]) -> None:
        self._vocab = vocab
        self._common: FrozenSet[str] = frozenset(common_words)
        self._anchors = PhraseMatcher(vocab, attr="ORTH")
        self._groups: Dict[FrozenSet[str], _Group] = {}
        self._labels: Dict[int, _Group] = {}

    def add(self, key: str, pattern: List[Dict[str, Any]]) -> None:
        """Add one compiled pattern (from bot.nlu.risk.lexicon.compile_pattern) under `key`."""
        index, words = self._anchor_slot(pattern)
        group = self._groups.get(words)
        if group is None:
            group = self._groups[words] = _Group(self._vocab)
            label = f"anchor{len(self._groups)}"
            self._labels[self._vocab.strings.add(label)] = group
            self._anchors.add(label, [Doc(self._vocab, words=[w]) for w in sorted(words)])
        group.matcher.add(key, [pattern])
        group.before = max(group.before, index)
        group.after = max(group.after, len(pattern) - index - 1)

    def __call__(self, doc: Doc) -> List[Match]:
        """All matches of all patterns, with document offsets; deduplicated."""
        found: Set[Match] = set()
        strings = self._vocab.strings
        if len(doc) <= SHORT_DOC:  # a chat message: each woken group runs once over the whole of it
            for label in {label for label, _, _ in self._anchors(doc)}:
                for match_id, start, end in self._labels[label].matcher(doc):
                    found.add((strings[match_id], start, end))
            return sorted(found, key=lambda m: (m[1], m[2], m[0]))
        windows: Dict[int, List[Tuple[int, int]]] = {}
        for label, start, _ in self._anchors(doc):
            group = self._labels[label]
            windows.setdefault(label, []).append(
                (max(0, start - group.before), min(len(doc), start + group.after + 1))
            )
        for label, spans in windows.items():
            matcher = self._labels[label].matcher
            for lo, hi in _merge(spans):
                for match_id, start, end in matcher(doc[lo:hi]):
                    found.add((strings[match_id], lo + start, lo + end))
        return sorted(found, key=lambda m: (m[1], m[2], m[0]))

    def _anchor_slot(self, pattern: List[Dict[str, Any]]) -> Tuple[int, FrozenSet[str]]:
        best: Tuple[int, int, FrozenSet[str]] = (-1, 0, frozenset())
        best_cost = None
        for index, token in enumerate(pattern):
            orth = token.get("ORTH")
            if token.get("OP") == "?" or orth is None:
                continue
            if isinstance(orth, str):
                words = frozenset([orth])
            elif isinstance(orth, dict) and "IN" in orth:
                words = frozenset(orth["IN"])
            else:
                continue  # NOT_IN cannot anchor
            cost = sum(_COMMON_WEIGHT if w in self._common else 1 for w in words)
            if best_cost is None or cost < best_cost:
                best_cost, best = cost, (index, 0, words)
        if best_cost is None:
            raise ValueError("pattern has no slot that can anchor it")
        return best[0], best[2]


def _merge(spans: List[Tuple[int, int]]) -> List[Tuple[int, int]]:
    """Merge overlapping or touching windows so each stretch of text is matched once per group."""
    merged: List[Tuple[int, int]] = []
    for lo, hi in sorted(spans):
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
        else:
            merged.append((lo, hi))
    return merged
