"""Rule-based language extractors: ages, places, and YAML phrase lexicons (concerns, roles).

The Rasa components are exported lazily (PEP 562), so config.yml can name `bot.nlu.extractors.AgeExtractor`,
`bot.nlu.extractors.PlaceExtractor` and `bot.nlu.extractors.LexiconEntityExtractor`, while code that only needs
the readers (`bot.nlu.extractors.ages`, `bot.nlu.extractors.lexicon`, e.g. in the action server) never imports Rasa.
"""

from __future__ import annotations

from typing import Any

__all__ = ["AgeExtractor", "PlaceExtractor", "LexiconEntityExtractor", "ServiceNameExtractor"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from bot.nlu.extractors import components

        return getattr(components, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
