"""Authoring tool: list real English words the risk speller would wrongly "correct" into risk words.

    .venv/bin/python -m bot.risk.protect_words [/usr/share/dict/british-english]

Edit-distance correction is only safe if ordinary words near a risk word are protected ("races" must not
become "rapes", "looked" must not become "locked"). This runs every dictionary word through the speller
built from the current lexicon and prints the ones it would change; paste the output into
`spelling.protect` in bot/lexicons/risk.yml after adding spelling targets. The dictionary is needed only
here, at authoring time; the running detector reads the protect list from the lexicon.
"""
from __future__ import annotations

import sys
from pathlib import Path

from bot.nlp import blank_english
from bot.risk.canon import Canonicaliser
from bot.risk.lexicon import load_lexicon

DEFAULT_WORDS = Path("/usr/share/dict/british-english")


def words_to_protect(dictionary: Path) -> list:
    """Dictionary words (lower case, letters only) that the speller maps to a different word."""
    canon = Canonicaliser(load_lexicon(), blank_english())
    found = set()
    for line in dictionary.read_text(encoding="utf-8", errors="ignore").split():
        word = line.strip().lower()
        if word.isalpha() and word.isascii():
            corrected = canon.speller.correct(word)
            if corrected is not None and corrected != word:
                found.add(word)
    return sorted(found)


def main() -> int:
    dictionary = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_WORDS
    words = words_to_protect(dictionary)
    for start in range(0, len(words), 14):
        print("    " + ", ".join(words[start:start + 14]) + ",")
    print(f"# {len(words)} words", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
