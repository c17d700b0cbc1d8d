"""Rule-based language extractors: ages, places, and YAML phrase lexicons (concerns, roles).

The Rasa components are exported lazily (PEP 562), so config.yml can name `bot.extractors.AgeExtractor`,
`bot.extractors.PlaceExtractor` and `bot.extractors.LexiconEntityExtractor`, while code that only needs
the readers (`bot.extractors.ages`, `bot.extractors.lexicon`, e.g. in the action server) never imports Rasa.
"""
from __future__ import annotations

from typing import Any

__all__ = ["AgeExtractor", "PlaceExtractor", "LexiconEntityExtractor"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from bot.extractors import components

        return getattr(components, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
