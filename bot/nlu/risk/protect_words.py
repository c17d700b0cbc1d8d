"""Authoring tool: list real English words the risk speller would wrongly "correct" into risk words.

    .venv/bin/python -m bot.nlu.risk.protect_words [--write] [/usr/share/dict/british-english]

Edit-distance correction is only safe if ordinary words near a risk word are protected ("races" must not
become "rapes", "looked" must not become "locked"). This runs every dictionary word through the speller
built from the current lexicon and prints the ones it would change. With `--write` it merges them into
`spelling.protect` in bot/nlu/lexicons/risk/spelling.yml itself (sorted, nothing else in the file
touched); run it after adding spelling targets or set words (every word of `spelling.target_sets` is a
target). The dictionary is needed only here, at authoring time; the running detector reads the protect list from the lexicon.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Iterable, List

from bot.nlu.nlp import blank_english
from bot.nlu.risk.canon import Canonicaliser
from bot.nlu.risk.lexicon import DEFAULT_LEXICON, load_lexicon

DEFAULT_WORDS = Path("/usr/share/dict/british-english")
#: The file of a lexicon folder that holds `spelling:`.
SPELLING_FILE = "spelling.yml"
_BLOCK = re.compile(r"(?ms)^(  protect: \[\n)(.*?)(^  \]\n)")


def words_to_protect(dictionary: Path, lexicon: Path = DEFAULT_LEXICON) -> list:
    """Dictionary words (lower case, letters only) that the speller maps to a different word."""
    canon = Canonicaliser(load_lexicon(lexicon), blank_english())
    found = set()
    for line in dictionary.read_text(encoding="utf-8", errors="ignore").split():
        word = line.strip().lower()
        if word.isalpha() and word.isascii():
            corrected = canon.speller.correct(word)
            if corrected is not None and corrected != word:
                found.add(word)
    return sorted(found)


def _lines(words: Iterable[str], width: int = 116) -> List[str]:
    lines, current = [], ""
    for word in words:
        piece = word + ","
        if current and len(current) + 1 + len(piece) > width:
            lines.append("    " + current)
            current = piece
        else:
            current = f"{current} {piece}" if current else piece
    if current:
        lines.append("    " + current.rstrip(","))
    return lines


def write_protect(words: Iterable[str], lexicon: Path = DEFAULT_LEXICON) -> int:
    """Merge `words` into the lexicon's `spelling.protect` block; returns how many were new."""
    if lexicon.is_dir():
        lexicon = lexicon / SPELLING_FILE
    text = lexicon.read_text(encoding="utf-8")
    match = _BLOCK.search(text)
    if match is None:
        raise SystemExit(f"no `  protect: [` ... `  ]` block in {lexicon}")
    old = {w.strip() for w in match.group(2).replace("\n", " ").split(",") if w.strip()}
    merged = sorted(old | set(words))
    body = "\n".join(_lines(merged)) + "\n"
    lexicon.write_text(text[: match.start(2)] + body + text[match.end(2) :], encoding="utf-8")
    return len(merged) - len(old)


def main(argv: List[str]) -> int:
    write = "--write" in argv
    args = [a for a in argv if a != "--write"]
    dictionary = Path(args[0]) if args else DEFAULT_WORDS
    words = words_to_protect(dictionary)
    if write:
        added = write_protect(words)
        print(f"# {added} words added to spelling.protect", file=sys.stderr)
        return 0
    for line in _lines(words):
        print(line)
    print(f"# {len(words)} words", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
