"""Concern vocabulary from data/concerns.yml: codes, plain labels, related concerns and free-text synonyms.

Kept as data so content editors can widen "related" or add synonyms without touching matching code. The
same file holds the words the bot's concern extractor reads in chat (its `chat` section and each concern's
`chat_only` words, read by bot/nlu/extractors/lexicon.py); the directory reads every other word.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Iterable, Mapping, Optional, Tuple

import yaml

from directory.text import word_tokens

CONCERNS_FILE = Path(__file__).parent / "data" / "concerns.yml"
GENERAL = "general"

#: The fields of a concern whose words are the directory's free text ("chat_only" words are not).
DIRECTORY_WORDS = ("phrases", "whole_message", "unsure", "directory_only")

# Tiers used by matching: lower is a better fit.
EXACT, RELATED, GENERAL_TIER = 0, 1, 2


@dataclass(frozen=True)
class Concern:
    """One concern code with its plain wording and its links to other concerns."""

    code: str
    label: str
    description: str
    related: Tuple[str, ...]
    synonyms: Tuple[str, ...]
    urgent: bool


def parse_concerns(raw: Mapping[str, Any]) -> Dict[str, Concern]:
    """Turn the YAML mapping into Concern objects, rejecting unknown related codes (typos)."""
    result: Dict[str, Concern] = {}
    for item in raw["concerns"]:
        concern = Concern(
            code=item["code"],
            label=item["label"],
            description=item["description"],
            related=tuple(item.get("related") or ()),
            synonyms=tuple(str(s).lower() for field in DIRECTORY_WORDS for s in item.get(field) or ()),
            urgent=bool(item.get("urgent", False)),
        )
        if concern.code in result:
            raise ValueError(f"concerns.yml: concern '{concern.code}' listed twice")
        result[concern.code] = concern
    for concern in result.values():
        unknown = [code for code in concern.related if code not in result]
        if unknown:
            raise ValueError(f"concerns.yml: concern '{concern.code}': related has unknown codes {unknown}")
    return result


@lru_cache(maxsize=1)
def load_concerns() -> Dict[str, Concern]:
    """All concerns, keyed by code, in file order (read once per process)."""
    with CONCERNS_FILE.open(encoding="utf-8") as handle:
        return parse_concerns(yaml.safe_load(handle))


def bit_order() -> Tuple[str, ...]:
    """Concern codes in bit order for the service.concern_bits mask: alphabetical, so file order can change
    freely; adding or removing a code changes the masks, so reload the directory after that."""
    return tuple(sorted(load_concerns()))


def concern_codes() -> frozenset[str]:
    """The known concern codes, including 'general'."""
    return frozenset(load_concerns())


def expand(codes: Iterable[str]) -> Dict[str, int]:
    """Map each concern a service could carry to how well it fits the request (EXACT, RELATED, GENERAL_TIER).

    An empty request or ["general"] asks for general wellbeing services only. Raises ValueError on an
    unknown code, because codes come from the bot's own vocabulary and a typo should fail loudly.
    """
    concerns = load_concerns()
    wanted = [code for code in codes if code != GENERAL]
    unknown = [code for code in wanted if code not in concerns]
    if unknown:
        raise ValueError(f"unknown concern codes: {unknown}")
    tiers: Dict[str, int] = {GENERAL: EXACT if not wanted else GENERAL_TIER}
    for code in wanted:
        for related in concerns[code].related:
            tiers.setdefault(related, RELATED)
    for code in wanted:
        tiers[code] = EXACT
    return tiers


def is_urgent(codes: Iterable[str]) -> bool:
    """True when any requested concern is marked urgent (24/7 services go first)."""
    concerns = load_concerns()
    return any(concerns[code].urgent for code in codes if code in concerns)


def _keys(text: str) -> str:
    return " ".join(token.key for token in word_tokens(text))


@lru_cache(maxsize=1)
def _codes_by_words() -> Dict[str, str]:
    """Each code, label and synonym, as keys of the shared tokeniser, to its code (the first concern wins)."""
    codes: Dict[str, str] = {}
    for concern in load_concerns().values():
        for words in (concern.code, concern.label, *concern.synonyms):
            codes.setdefault(_keys(words), concern.code)
    return codes


def resolve_concern(text: str) -> Optional[str]:
    """The concern code for a code, a label or a synonym typed by a person ("panic" -> "anxiety"), compared
    as keys of the shared tokeniser (directory.text), so "Self-harm" and "self harm", "can't" and "cant" agree."""
    needle = _keys(text or "")
    return _codes_by_words().get(needle) if needle else None
