"""Which language a message is in, offline: the letters' script first, then lingua-language-detector.

Scripts used by one language here (Bengali, Gujarati, Gurmukhi, Tamil, Devanagari, Han, Hebrew) decide alone.
Arabic and Cyrillic script and Latin letters go to lingua (low-accuracy mode: trigram models only, about
30 MB, well under a millisecond), restricted to the languages in bot/nlu/lexicons/languages.yml and English.
A Latin-letter message counts as another language only when lingua is sure and English is unlikely: telling
an English speaker "this chat only works in English" is a harm too, and short messages ("ok", "15 hackney")
carry too little to tell.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Dict, List, Optional, Tuple

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

from bot.nlu.language.lexicon import LanguageLexicon, load_languages

ENGLISH = "en"
WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
#: Unicode name prefix of a letter -> the script names used in languages.yml.
SCRIPTS = {
    "LATIN": "Latin",
    "ARABIC": "Arabic",
    "BENGALI": "Bengali",
    "CYRILLIC": "Cyrillic",
    "GUJARATI": "Gujarati",
    "GURMUKHI": "Gurmukhi",
    "TAMIL": "Tamil",
    "CJK": "Han",
    "HEBREW": "Hebrew",
    "DEVANAGARI": "Devanagari",
}
#: Fewer letters than this in Latin script: too little to tell a language from English (short misspelt English
#: such as "low mood i think" read as Italian or Lithuanian below it; crisis words are still found at any length).
MIN_LATIN_LETTERS = 18
#: Share of words that are everyday English words from which a message is English whatever lingua says.
ENGLISH_MARKER_SHARE = 0.25
MIN_ENGLISH_MARKERS = 2
#: lingua's confidence in the other language, and the most it may give English, for a Latin-letter verdict.
MIN_CONFIDENCE = 0.6
MAX_ENGLISH = 0.1


@dataclass(frozen=True)
class ScriptShare:
    script: Optional[str]
    share: float
    letters: int


def main_script(text: str) -> ScriptShare:
    """The script most letters are written in, with its share of all letters."""
    counts: Counter = Counter()
    for char in text:
        if char.isalpha():
            prefix = unicodedata.name(char, "").split(" ")[0]
            counts[SCRIPTS.get(prefix, "other")] += 1
    letters = sum(counts.values())
    if not letters:
        return ScriptShare(None, 0.0, 0)
    script, count = counts.most_common(1)[0]
    return ScriptShare(script, count / letters, letters)


class LanguageIdentifier:
    """Text in, a language code of languages.yml (or "en", or None when it cannot tell) out."""

    def __init__(self, lexicon: LanguageLexicon) -> None:
        self._english_markers = lexicon.english_markers
        self._by_script: Dict[str, List[str]] = {}
        self._by_detector: Dict[Language, str] = {}
        for code, language in lexicon.languages.items():
            if code.endswith("-Latn"):
                continue  # romanised forms are found by their crisis words, not by a detector
            self._by_script.setdefault(language.script, []).append(code)
            if language.detector:
                self._by_detector[Language.from_str(language.detector)] = code
        self._detectors: Dict[str, LanguageDetector] = {}
        for script, codes in self._by_script.items():
            members = [lang for lang, code in self._by_detector.items() if code in codes]
            if script == "Latin":
                members.append(Language.ENGLISH)
            if len(members) > 1:
                self._detectors[script] = (
                    LanguageDetectorBuilder.from_languages(*members)
                    .with_low_accuracy_mode()
                    .with_preloaded_language_models()
                    .build()
                )

    def identify(self, text: str) -> Optional[str]:
        share = main_script(text)
        if share.script is None or share.script == "other":
            return None
        if share.script == "Latin":
            return self._latin(text, share)
        codes = self._by_script.get(share.script, [])
        if share.share < 0.5 or not codes:
            return None
        if len(codes) == 1:
            return codes[0]
        best = self._ranked(share.script, text)
        return best[0][0] if best else codes[0]

    def looks_english(self, text: str) -> bool:
        """A quarter or more of the words are everyday English words ("which organisation made this"): what
        another language's model says about such a message is not trusted (romanised text has none)."""
        words = WORD.findall(text.lower())
        markers = sum(w in self._english_markers for w in words)
        return bool(words) and markers >= 1 and markers / len(words) >= ENGLISH_MARKER_SHARE

    def _latin(self, text: str, share: ScriptShare) -> str:
        if share.letters < MIN_LATIN_LETTERS:
            return ENGLISH
        words = WORD.findall(text.lower())
        markers = sum(w in self._english_markers for w in words)
        if markers >= MIN_ENGLISH_MARKERS and markers / len(words) >= ENGLISH_MARKER_SHARE:
            return ENGLISH
        ranked = self._ranked("Latin", text)
        english = next((value for code, value in ranked if code == ENGLISH), 0.0)
        top_code, top_value = ranked[0] if ranked else (ENGLISH, 1.0)
        if top_code != ENGLISH and top_value >= MIN_CONFIDENCE and english <= MAX_ENGLISH:
            return top_code
        return ENGLISH

    def _ranked(self, script: str, text: str) -> List[Tuple[str, float]]:
        detector = self._detectors.get(script)
        if detector is None:
            return []
        return [
            (ENGLISH if c.language == Language.ENGLISH else self._by_detector[c.language], c.value)
            for c in detector.compute_language_confidence_values(text)
        ]


@lru_cache(maxsize=1)
def default_identifier() -> LanguageIdentifier:
    """One identifier per process, built on first use (never at import time)."""
    return LanguageIdentifier(load_languages())
