"""Languages other than English: detection, crisis words, and the Rasa component (imported lazily, so the
detector can be used without Rasa)."""

from __future__ import annotations

from typing import Any

__all__ = ["LanguageGate", "LanguageRiskClassifier"]


def __getattr__(name: str) -> Any:
    if name == "LanguageGate":
        from bot.nlu.language.component import LanguageGate

        return LanguageGate
    if name == "LanguageRiskClassifier":
        from bot.nlu.language.classifier import LanguageRiskClassifier

        return LanguageRiskClassifier
    raise AttributeError(f"module 'bot.nlu.language' has no attribute {name!r}")
