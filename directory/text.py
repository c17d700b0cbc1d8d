"""Text normalisation shared by everything that matches what people type: the place matcher (here in the
directory), the bot's extractors and its risk detector (bot/nlu).

Young people type fast on phones: capitals, curly quotes, accents, stretched letters ("sooo"), emoji and
stray punctuation. Matching works on a normalised copy; the original text is never changed or logged.
Each matcher splits text into tokens its own way (the place matcher with a regex, to stay free of spaCy;
the extractors and the risk detector with spaCy's blank English tokenizer, bot/nlu/nlp.py), and all of them
key a word with `word_key`.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

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
