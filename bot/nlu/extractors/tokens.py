"""Word tokens with matching keys and exact spans in the original message.

Extractors match on a normalised key per token (directory.text.word_key, apostrophes dropped, clitics spelled
out: "im", "i'm" and "I’m" all give "i", "am") but report `start`/`end` in the text as the user typed it,
so the spaCy tokenizer runs on a copy of the text that differs only in same-length substitutions.
Tokenising costs most of an extractor's time, so the last few messages' tokens are cached and shared by
the extractors that run one after the other on the same message.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple, Tuple

from bot.nlu.nlp import blank_english
from directory.text import word_key

# Longer messages are cut before matching: what people tell us comes early, and this bounds the cost.
MAX_CHARS = 2000

# Same-length clean-up so spaCy splits what people run together: "15.I live" and "N16.Im" become
# "15 I live" and "N16 Im"; a dot between two digits ("2.5") stays. Curly quotes become straight ones so
# spaCy's contraction rules apply; control characters become spaces.
_GLUED_DOT = re.compile(r"(?<=[^\W_])\.(?=[^\W\d_])|(?<=[^\W\d_])\.(?=[^\W_])")
_SAME_LENGTH = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201b": "'",
        "`": "'",
        "\u2032": "'",
        **{chr(c): " " for c in [*range(0, 9), 11, 12, *range(14, 32), 127]},
    }
)
# spaCy keeps emoticons whole, and "8)" is one ("my kid (8) has..."): a digit with a bracket is split again.
_DIGIT_EMOTICON = re.compile(r"^(\d)([()\[\]])$")
# Contraction pieces that spaCy splits off ("i|m", "do|nt", "we|re") and what they stand for.
_CLITICS = {"m": "am", "nt": "not", "re": "are", "ve": "have", "ll": "will", "d": "would"}
_CLITIC_HOSTS = {"ca": "can", "wo": "will", "sha": "shall"}


class Tok(NamedTuple):
    """One token: its text as typed, its matching key, and its character span in the original text."""

    text: str
    key: str
    start: int
    end: int
    attached: bool  # no space between this token and the previous one

    @property
    def is_word(self) -> bool:
        return self.key.isalnum()


@lru_cache(maxsize=64)
def tokenize(text: str) -> Tuple[Tok, ...]:
    """The message's tokens (only its first MAX_CHARS characters), with keys for matching."""
    if not isinstance(text, str) or not text.strip():
        return ()
    text = text[:MAX_CHARS]
    clean = _GLUED_DOT.sub(" ", text.translate(_SAME_LENGTH))
    raw = []
    attached = False
    for tok in blank_english().make_doc(clean):
        if _DIGIT_EMOTICON.match(tok.text):
            raw.append((tok.idx, tok.idx + 1, word_key(tok.text[0]), attached))
            raw.append((tok.idx + 1, tok.idx + 2, word_key(tok.text[1]), True))
        elif not tok.is_space:
            raw.append((tok.idx, tok.idx + len(tok), word_key(tok.text), attached))
        attached = not tok.whitespace_
    result = []
    for i, (start, end, key, attached) in enumerate(raw):
        if attached and key in _CLITICS and i > 0 and raw[i - 1][2].isalpha():
            key = _CLITICS[key]
        elif key in _CLITIC_HOSTS and i + 1 < len(raw) and raw[i + 1][3] and raw[i + 1][2] == "nt":
            key = _CLITIC_HOSTS[key]
        if key:
            result.append(Tok(text[start:end], key, start, end, attached))
    return tuple(result)
