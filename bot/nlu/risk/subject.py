"""Who is at risk: the speaker ("self") or someone they are telling us about ("other").

A parent, friend or teacher describing a young person needs different help from a young person at risk,
so every detection carries a subject. Patterns whose wording fixes it ("kill myself", "hits my sister")
say so in the lexicon. For the rest we first look inside the match for an object pronoun ("locked ME in",
"following HER"), then look back from the match ("my son ... wants to die") for the nearest referent: a
first-person word means the speaker, a third-person pronoun or a phrase like "my daughter" / "a young
person I work with" means someone else. Words inside quotation marks are reported speech ("she posted
"i won't be here tomorrow""), so the look-back starts before the opening quote. No referent at all is
"unstated" ("sh again last night", or "self harm" typed as the answer to "what are the main concerns?"):
the dialogue reads it as the speaker for a young person and as the young person they asked about for a
parent or professional (bot/dialogue/nlg.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import FrozenSet, Sequence

SELF = "self"
OTHER = "other"
UNSTATED = "unstated"
QUOTE = '"'


@dataclass(frozen=True)
class SubjectWords:
    """Word sets from the lexicon that decide the subject."""

    self_words: FrozenSet[str]
    other_words: FrozenSet[str]
    self_objects: FrozenSet[str] = frozenset()
    other_objects: FrozenSet[str] = frozenset()
    #: "her" is an object before these words ("kill her .", "locks her in"), else a possessive
    #: ("her tablets"), which says nothing about who is at risk.
    her_followers: FrozenSet[str] = frozenset()
    #: "sent ME a goodbye message": the speaker is only the recipient after these verbs.
    recipient_verbs: FrozenSet[str] = frozenset()
    #: In harm-by-others (safeguarding) matches, carers and strangers named before the match are usually
    #: the one doing harm ("my dad is drunk and he's got a knife"), so they are not taken as the victim.
    aggressor_words: FrozenSet[str] = frozenset()
    determiners: FrozenSet[str] = frozenset()
    other_pronouns: FrozenSet[str] = frozenset()
    possessives: FrozenSet[str] = frozenset()


def resolve_subject(
    tokens: Sequence[str],
    start: int,
    end: int,
    other_mask: Sequence[bool],
    words: SubjectWords,
    harm_by_others: bool = False,
    aggressor_first: bool = False,
    discovery_mask: Sequence[bool] = (),
) -> str:
    """Object pronoun inside the match, else the nearest referent before it, else unstated.

    `harm_by_others`: skip carers and strangers (likely the aggressor) when looking back.
    `aggressor_first`: the match describes what someone does ("he is banging on my door"), so pronouns
    before it are skipped too and only a named victim ("my sister") makes the subject "other".
    `discovery_mask`: "found cuts on MY DAUGHTER's arms" names the person inside the match.
    """
    if discovery_mask and any(discovery_mask[start:end]):
        return OTHER
    for i in range(start, end):
        token = tokens[i]
        if token == "me" and i > 0 and tokens[i - 1] in words.recipient_verbs:
            continue
        if token in words.self_objects:
            return SELF
        if token in words.other_objects:
            if token != "her" or (i + 1 < len(tokens) and tokens[i + 1] in words.her_followers):
                return OTHER
    quotes_before = sum(1 for t in tokens[:start] if t == QUOTE)
    if quotes_before % 2 == 1:  # inside reported speech: look before the opening quote
        start = max(i for i in range(start) if tokens[i] == QUOTE)
    for i in range(start - 1, -1, -1):
        token = tokens[i]
        if aggressor_first and token in words.other_pronouns:
            continue
        if harm_by_others and token in words.possessives:  # "their story", "his car": not the victim
            continue
        if harm_by_others and (
            token in words.aggressor_words
            or (token in words.determiners and i + 1 < len(tokens) and tokens[i + 1] in words.aggressor_words)
        ):
            continue
        if token == "me" and i > 0 and tokens[i - 1] in words.recipient_verbs:
            continue
        if other_mask[i]:
            return OTHER
        if token in words.self_words:
            return SELF
        if token in words.other_words:
            return OTHER
    return UNSTATED
