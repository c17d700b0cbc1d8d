"""Risk-specific canonicalisation: raw message -> the token list the risk patterns are written against.

On top of `directory.text.normalise` (case, quotes, accents, stretched letters) this expands contractions and
texting forms ("dont" -> "do not", "wanna" -> "want to", "u" -> "you"), splits run-together words
("killmyself"), undoes digit-for-letter spellings ("k1ll"), corrects misspelt risk words ("suicde") and
buckets numbers ("20" -> "#many"), so one pattern covers the ways the same thing is typed. Every table
comes from the lexicon; this module holds only the procedure.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import List, Optional, Tuple

from spacy.language import Language

from bot.nlu.risk.lexicon import Lexicon
from bot.nlu.risk.spelling import SpellingCorrector
from directory.text import normalise

END = "."
_DIGITS = re.compile(r"^\d{1,6}$")
_MIXED = re.compile(r"(?=.*[a-z])(?=.*[0-9$@!])")


class Canonicaliser:
    """Turns text into canonical tokens plus the numeric value of each number token (for checks)."""

    def __init__(self, lexicon: Lexicon, nlp: Language) -> None:
        self._lexicon = lexicon
        self._tokenizer = nlp.tokenizer
        self._leet = str.maketrans(lexicon.leet)
        self._max_rewrite = max((len(k) for k in lexicon.rewrites), default=1)
        known = set(lexicon.literals) | set(lexicon.spelling_protect) | set(lexicon.token_map)
        for words in lexicon.sets.values():
            known.update(words)
        self._vocabulary = frozenset(known) | frozenset(lexicon.joined) | frozenset(lexicon.spelling_targets)
        self._risk_words = frozenset(lexicon.risk_literals) | frozenset(lexicon.joined)
        self._segment = lru_cache(maxsize=20000)(self._segment_uncached)
        self.speller = SpellingCorrector(
            list(lexicon.spelling_targets) + list(lexicon.joined),
            known=known,
            min_length=lexicon.spelling_min_length,
        )

    def prepare(self, text: str) -> str:
        """Shared normalisation then the lexicon's regex rewrites (censored letters, "ima", run-on dots)."""
        text = normalise(text)
        for pattern, replacement in self._lexicon.text_rewrites:
            text = pattern.sub(replacement, text)
        return text

    def tokens(self, prepared: str) -> Tuple[List[str], List[Optional[int]]]:
        """Canonical tokens (ending with ".") and, in parallel, each number token's value."""
        words: List[str] = []
        values: List[Optional[int]] = []
        for token in self._tokenizer(prepared):
            for word, value in self._word(token.text):
                words.append(word)
                values.append(value)
        words, values = self._rewrite(words, values)
        if not words or words[-1] != END:
            words.append(END)
            values.append(None)
        return words, values

    def _word(self, word: str, depth: int = 0) -> List[Tuple[str, Optional[int]]]:
        lexicon = self._lexicon
        if word in lexicon.token_map:
            return [(w, None) for w in lexicon.token_map[word]]
        if word in lexicon.joined:
            return [(w, None) for w in lexicon.joined[word]]
        value = int(word) if _DIGITS.match(word) else lexicon.numbers.get(word)
        if value is not None:
            return [("#many" if value >= lexicon.many_threshold else "#num", value)]
        if word in self._vocabulary:
            return [(word, None)]
        if depth == 0 and _MIXED.match(word):
            return self._word(word.translate(self._leet), depth + 1)
        if word.endswith("in") and word + "g" in self._vocabulary:  # dropped g: "followin", "bangin"
            return self._word(word + "g", depth + 1)
        corrected = self.speller.correct(word)
        if corrected is not None:
            if corrected in lexicon.joined:
                return [(w, None) for w in lexicon.joined[corrected]]
            return [(corrected, None)]
        if depth == 0:
            pieces = self._segment(word)
            if pieces:
                return [pair for piece in pieces for pair in self._word(piece, depth + 1)]
        return [(word, None)]

    def _segment_uncached(self, word: str) -> Optional[Tuple[str, ...]]:
        """Split a run-together token ("iwanttodie", "hesfollowingme") into known words, fewest pieces
        first; only tokens of 7+ letters that are not words themselves, and only when a piece is a risk
        word, so ordinary long words are left alone."""
        if len(word) < 7 or len(word) > 40 or not word.isalpha() or word in self._vocabulary:
            return None
        best: List[Optional[Tuple[str, ...]]] = [None] * (len(word) + 1)
        best[0] = ()
        for end in range(1, len(word) + 1):
            for begin in range(max(0, end - 16), end):
                piece = word[begin:end]
                head = best[begin]
                if head is None or piece not in self._vocabulary or (len(piece) == 1 and piece not in "ia"):
                    continue
                if best[end] is None or len(head) + 1 < len(best[end]):  # type: ignore[arg-type]
                    best[end] = head + (piece,)
        pieces = best[-1]
        if not pieces or len(pieces) < 2 or not any(p in self._risk_words for p in pieces):
            return None
        if pieces[-2:] == ("i", "sh"):  # the "-ish" suffix ("babyish", "sevenish") is not "I" + "sh"
            return None
        return pieces

    def _rewrite(
        self, words: List[str], values: List[Optional[int]]
    ) -> Tuple[List[str], List[Optional[int]]]:
        rewrites = self._lexicon.rewrites
        if not rewrites:
            return words, values
        out_words: List[str] = []
        out_values: List[Optional[int]] = []
        i = 0
        while i < len(words):
            for size in range(min(self._max_rewrite, len(words) - i), 0, -1):
                key = tuple(words[i : i + size])
                if key in rewrites:
                    replacement = rewrites[key]
                    out_words.extend(replacement)
                    out_values.extend([None] * len(replacement))
                    i += size
                    break
            else:
                out_words.append(words[i])
                out_values.append(values[i])
                i += 1
        return out_words, out_values
