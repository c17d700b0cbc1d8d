"""Context cues around risk words (recovery, negation, study, young children, jokes, professionals).

The rules fire on the words; these cues say what kind of message the words sit in. They are inputs of the
learned decision (bot/nlu/risk/stacking.py), never a verdict on their own. The lists live in
bot/nlu/lexicons/risk_context.yml.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Dict, Tuple

import yaml

from directory.text import normalise

CONTEXT_FILE = Path(__file__).resolve().parents[1] / "lexicons" / "risk_context.yml"
#: The one kind that says the risk is now ("relapsed", "tonight"); every other kind is a harmless context.
CURRENT = "current"


class ContextCues:
    """One compiled expression per kind of context."""

    def __init__(self, cues: Dict[str, Tuple[str, ...]]) -> None:
        self.kinds = tuple(sorted(cues))
        self._expressions = {
            kind: re.compile(r"(?<!\w)(?:" + "|".join(f"(?:{p})" for p in patterns) + r")(?!\w)")
            for kind, patterns in cues.items()
        }

    @classmethod
    def load(cls, path: Path = CONTEXT_FILE) -> "ContextCues":
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return cls({str(kind): tuple(str(p) for p in patterns) for kind, patterns in data["cues"].items()})

    def find(self, text: str) -> Tuple[str, ...]:
        """The kinds of context present in a message, sorted."""
        folded = normalise(text)
        return tuple(kind for kind in self.kinds if self._expressions[kind].search(folded))


@lru_cache(maxsize=1)
def default_cues() -> ContextCues:
    return ContextCues.load()
