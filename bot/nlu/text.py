"""Text normalisation shared by the rule-based language components.

Young people type fast on phones: capitals, curly quotes, accents, stretched letters ("sooo"), emoji and
stray punctuation. Matching works on a normalised copy; the original text is never changed or logged.
"""

from __future__ import annotations

import re
import unicodedata

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
