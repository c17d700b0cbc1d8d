"""bot/nlu/lexicons/languages.yml: the languages the assistant recognises, their crisis words and the
ways people ask whether it speaks them; and the matcher that finds those words in a message."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Optional, Pattern, Tuple

import yaml

from directory.text import strip_accents

LANGUAGES_FILE = Path(__file__).resolve().parents[1] / "lexicons" / "languages.yml"
#: Scripts written without spaces between words: phrases match as substrings there.
UNSPACED_SCRIPTS = frozenset({"Han"})
RISK_CATEGORIES = ("overdose", "suicide", "danger", "self_harm", "abuse")  # the lexicon's priority order


@dataclass(frozen=True)
class Language:
    code: str
    name: str
    script: str
    detector: Optional[str]
    crisis: Dict[str, Tuple[str, ...]]
    ask_language: Tuple[str, ...]
    interpreter_names: Tuple[str, ...]


@dataclass(frozen=True)
class LanguageLexicon:
    languages: Dict[str, Language]
    english_markers: frozenset


@dataclass(frozen=True)
class PhraseHit:
    language: str
    category: Optional[str]  # a risk category, or None for "do you speak ...?"


def fold(text: str) -> str:
    """Lower case, compatibility forms, no accents: "Chcę się ZABIĆ" and "chce sie zabic" read the same."""
    return re.sub(r"\s+", " ", strip_accents(unicodedata.normalize("NFKC", text).casefold())).strip()


def load_languages(path: Path = LANGUAGES_FILE) -> LanguageLexicon:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    languages = {}
    for code, raw in data["languages"].items():
        languages[code] = Language(
            code=code,
            name=str(raw["name"]),
            script=str(raw["script"]),
            detector=raw.get("detector"),
            crisis={cat: tuple(raw.get("crisis", {}).get(cat) or ()) for cat in RISK_CATEGORIES},
            ask_language=tuple(raw.get("ask_language") or ()),
            interpreter_names=tuple(raw.get("interpreter_names") or (raw["name"],)),
        )
    return LanguageLexicon(languages, frozenset(data.get("english_markers") or ()))


class PhraseMatcher:
    """Finds crisis words and "do you speak ...?" questions of every language in any message.

    It runs on every message, whatever language it was detected as: romanised Urdu or Bengali reads as
    English to a detector, and a crisis word must be caught either way. English questions such as "do you
    speak Somali?" or "Polish please" are recognised from each language's English name.
    """

    def __init__(self, lexicon: LanguageLexicon) -> None:
        self._patterns: List[Tuple[Pattern[str], PhraseHit]] = []
        for language in lexicon.languages.values():
            for category in RISK_CATEGORIES:
                for phrase in language.crisis[category]:
                    self._add(phrase, language, PhraseHit(language.code, category))
            asks = list(language.ask_language)
            if not language.code.endswith("-Latn"):
                name = language.name.lower()
                asks += [f"do you speak {name}", f"can you speak {name}", f"{name} please"]
                asks += [f"can we talk in {name}", f"can we speak in {name}", f"i only speak {name}"]
            for phrase in asks:
                self._add(phrase, language, PhraseHit(language.code, None))

    def _add(self, phrase: str, language: Language, hit: PhraseHit) -> None:
        folded = fold(phrase)
        if not folded:
            return
        body = re.escape(folded).replace(r"\ ", r"\s+")
        if language.script in UNSPACED_SCRIPTS:
            pattern = re.compile(body)
        else:
            pattern = re.compile(rf"(?<![\w]){body}(?![\w])")
        self._patterns.append((pattern, hit))

    def find(self, text: str) -> List[PhraseHit]:
        """Every hit in the message, risk hits first in the lexicon's priority order."""
        folded = fold(text)
        hits = [hit for pattern, hit in self._patterns if pattern.search(folded)]
        order = {category: i for i, category in enumerate(RISK_CATEGORIES)}
        return sorted(
            set(hits), key=lambda h: (h.category is None, order.get(h.category or "", 99), h.language)
        )


@lru_cache(maxsize=1)
def default_matcher() -> PhraseMatcher:
    return PhraseMatcher(load_languages())
