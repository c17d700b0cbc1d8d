"""Text normalisation shared by everything that matches what people type: the place matcher (here in the
directory), the bot's extractors and its risk detector (bot/nlu).

Young people type fast on phones: capitals, curly quotes, accents, stretched letters ("sooo"), emoji and
stray punctuation. Matching works on a normalised copy; the original text is never changed or logged.
There are two tokenisers, and both key a word with `word_key`: `word_tokens` here (a regex) for everything
that must stay free of spaCy (the place matcher, which the bot's place extractor also uses, and the concern
words typed into the directory's API and CLI), and spaCy's blank English tokenizer (bot/nlu/nlp.py,
bot/nlu/extractors/tokens.py) for the bot's other extractors and its risk detector.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import List, NamedTuple

_QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201b": "'",
        "\u2032": "'",
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
    }
)
_STRETCHED = re.compile(r"([a-z])\1{2,}")
_SPACES = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_TOKEN = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*|&|[^\w\s]")
_JOINERS = frozenset("-'\u2019/")


def strip_accents(text: str) -> str:
    """Turn "café" into "cafe" so lexicons need one spelling."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def normalise(text: str) -> str:
    """Lower-case, plain-ASCII-quotes, accent-free, single-spaced text with stretched letters cut to two.

    "I'm SOOOO scared…" becomes "i'm soo scared...". Two letters are kept because English has many real
    double letters ("too", "kill"), and lexicons can list the one-letter form where it matters.
    """
    text = unicodedata.normalize("NFKC", text or "")
    text = _CONTROL.sub(" ", text).translate(_QUOTES)
    text = strip_accents(text).lower()
    text = _STRETCHED.sub(r"\1\1", text)
    return _SPACES.sub(" ", text).strip()


@lru_cache(maxsize=65536)
def word_key(word: str) -> str:
    """The matching key of one word: normalised, apostrophes dropped ("I’m" -> "im"), and stretched letters
    cut again where an apostrophe had split them. Cached: the same words come back in every message."""
    return _STRETCHED.sub(r"\1\1", normalise(word).replace("'", ""))


class WordToken(NamedTuple):
    """One token of typed text: its matching key, its span in the text, and whether it is a word."""

    key: str
    start: int
    end: int
    word: bool


def word_tokens(text: str) -> List[WordToken]:
    """The tokens of `text` without spaCy: words (apostrophes inside them kept, so "can't" is one word, keyed
    "cant") and other punctuation one mark each; hyphens, apostrophes and slashes between words are dropped,
    so "self-harm" and "self harm" give the same keys."""
    tokens: List[WordToken] = []
    for match in _TOKEN.finditer(text):
        raw = match.group()
        if raw not in _JOINERS:
            key = word_key(raw)
            tokens.append(WordToken(key, match.start(), match.end(), key.isalnum()))
    return tokens
