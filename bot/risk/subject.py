"""Who is at risk: the speaker ("self") or someone they are telling us about ("other").

A parent, friend or teacher describing a young person needs different help from a young person at risk,
so every detection carries a subject. Patterns whose wording fixes it ("kill myself", "hits my sister")
say so in the lexicon; for the rest we first look inside the match for an object pronoun ("locked ME in",
"following HER"), then look back from the match ("my son ... wants to die") for the nearest referent: a first-person word means the speaker, a third-person pronoun or a phrase like
"my daughter" / "a young person I work with" means someone else. No referent at all means the speaker,
which is the safer reading ("sh again last night").
"""
from __future__ import annotations

from typing import FrozenSet, Sequence

SELF = "self"
OTHER = "other"
SENTENCE_END = "."


def resolve_subject(
    tokens: Sequence[str],
    start: int,
    end: int,
    other_mask: Sequence[bool],
    self_words: FrozenSet[str],
    other_words: FrozenSet[str],
    self_objects: FrozenSet[str] = frozenset(),
    other_objects: FrozenSet[str] = frozenset(),
) -> str:
    """Object pronoun inside the match, else the nearest referent before it (across sentences), else
    later in the same sentence, else self."""
    for i in range(start, end):
        if tokens[i] in self_objects:
            return SELF
        if tokens[i] in other_objects:
            return OTHER
    for i in range(start - 1, -1, -1):
        found = _referent(tokens[i], other_mask[i], self_words, other_words)
        if found:
            return found
    for i in range(end, len(tokens)):
        if tokens[i] == SENTENCE_END:
            break
        found = _referent(tokens[i], other_mask[i], self_words, other_words)
        if found:
            return found
    return SELF


def _referent(token: str, masked_other: bool, self_words: FrozenSet[str], other_words: FrozenSet[str]) -> str:
    if masked_other:
        return OTHER
    if token in self_words:
        return SELF
    if token in other_words:
        return OTHER
    return ""
