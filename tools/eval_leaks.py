"""Has a held-out text leaked into anything the product is built or tested from?

    python -m tools.eval_leaks [FILE ...]      (default: every sealed set in tests/data/heldout/)

A held-out text leaks when the same text, a near copy (similarity >= 0.85 after normalising: lower case,
no punctuation), or any run of six words of it appears in the training data (data/), the lexicons
(bot/nlu/lexicons/ and the concern vocabulary, directory/data/concerns.yml), training corpora (corpus/,
when present) or any other test file. Texts of one or two words ("hi", "no thanks") are only checked for the
same text: any two of them look alike.

When a set is sealed, the texts already found (stock replies such as "thank you so much", phrases that
independent writers happen to share) are listed under `excluded` in its manifest and are not scored; the
test then fails on any other text found later. `--yaml` prints that list for a new manifest.

Fast on purpose (it runs in every `make test`): exact texts and six-word runs are dictionary look-ups;
near copies are found through a character-trigram index (sparse matrix product) and only those candidates
get an edit-distance ratio, never all pairs.
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import sys
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path
from typing import Collection, Dict, Iterable, Iterator, List, Optional, Sequence, Tuple

import numpy as np
import yaml
from scipy import sparse

from tools.eval_sets import HELDOUT_DIR, RETIRED_HELDOUT, ROOT, heldout_texts, load_faq_and_intents, manifests

SIMILARITY = 0.85
RUN_WORDS = 6
MIN_WORDS = 3
#: A pair is compared only if it shares this share of the longer text's distinct trigrams (a loose filter:
#: near copies at 0.85 share far more; it keeps the edit-distance work to a few thousand pairs).
TRIGRAM_SHARE = 0.3
SOURCE_DIRS = ("data", "bot/nlu/lexicons", "directory/data/concerns.yml", "corpus", "tests")  # or files
TEXT_SUFFIXES = {".yml", ".yaml", ".json", ".md", ".txt", ".py"}
_ANNOTATION = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")
_LIST_ITEM = re.compile(r"^\s*-\s+")


def normalise(text: str) -> str:
    """Lower case, apostrophes dropped, every other non-word character a single space."""
    text = re.sub(r"['’‘`´]", "", unicodedata.normalize("NFKC", text).casefold())
    # Letters, digits and combining marks (vowel signs of Indic scripts) are kept; the rest is a space.
    kept = (ch if ch.isalnum() or unicodedata.category(ch).startswith("M") else " " for ch in text)
    return " ".join("".join(kept).split())


@dataclass(frozen=True)
class Leak:
    """One held-out text found in a source file, and how."""

    text: str
    how: str  # "same text" | "similar 0.91" | "six words: ..."
    source: str
    source_text: str

    def by_position(self, texts: Sequence[str], name: str) -> str:
        """Where the leak is, naming the held-out text by its position only: nobody should read a sealed set
        (the six shared words are the held-out set's words too, so only the source file is named)."""
        return f"{self.how.split(':')[0]}: text {texts.index(self.text) + 1} of {name}, in {self.source}"


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _file_strings(path: Path) -> Iterable[str]:
    raw = path.read_text(encoding="utf-8", errors="replace")
    try:
        if path.suffix in {".yml", ".yaml"}:
            return _strings(yaml.load(raw, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)))
        if path.suffix == ".json":
            return _strings(json.loads(raw))
        if path.suffix == ".py":
            return [
                n.value
                for n in ast.walk(ast.parse(raw))
                if isinstance(n, ast.Constant) and isinstance(n.value, str)
            ]
    except (yaml.YAMLError, json.JSONDecodeError, SyntaxError, ValueError):
        pass
    return [raw]


def source_lines(path: Path) -> Iterator[str]:
    """Every line of every string in a file, Rasa entity annotations and list dashes removed."""
    for string in _file_strings(path):
        for line in string.splitlines():
            yield _ANNOTATION.sub(r"\1", _LIST_ITEM.sub("", line))


def source_files(
    root: Path = ROOT, excluded: Sequence[Path] = (HELDOUT_DIR,), directories: Sequence[str] = SOURCE_DIRS
) -> List[Path]:
    """Text files under the source directories (or the source files named), without the held-out sets
    themselves (sealed or retired)."""
    files = []
    for name in directories:
        for path in [root / name] if (root / name).is_file() else sorted((root / name).rglob("*")):
            if path.is_file() and path.suffix in TEXT_SUFFIXES and "vendor" not in path.parts:
                retired = any(
                    path.name.startswith(r.name + ".") and path.parent == r.parent for r in RETIRED_HELDOUT
                )
                if not retired and not any(path.is_relative_to(e) for e in excluded):
                    files.append(path)
    return files


class SourceIndex:
    """Normalised source lines with an exact index, a six-word-run index and a trigram matrix."""

    def __init__(self, lines: Dict[str, str]) -> None:
        self.texts = list(lines)  # normalised text -> where it came from
        self.where = lines
        self.runs: Dict[Tuple[str, ...], int] = {}
        for i, text in enumerate(self.texts):
            words = text.split()
            for start in range(len(words) - RUN_WORDS + 1):
                self.runs.setdefault(tuple(words[start : start + RUN_WORDS]), i)
        self.vocabulary: Dict[str, int] = {}
        self.matrix = self._trigrams(self.texts, grow=True)
        self.sizes = np.asarray(self.matrix.sum(axis=1)).ravel()
        self.lengths = np.array([len(t) for t in self.texts])

    @classmethod
    def build(cls, files: Iterable[Path], root: Path = ROOT) -> "SourceIndex":
        lines: Dict[str, str] = {}
        for path in files:
            for line in source_lines(path):
                text = normalise(line)
                if text and text not in lines:
                    lines[text] = f"{path.relative_to(root)}: {line.strip()[:120]}"
        return cls(lines)

    def _trigrams(self, texts: Sequence[str], grow: bool = False) -> sparse.csr_matrix:
        rows, cols = [], []
        for row, text in enumerate(texts):
            padded = f" {text} "
            for gram in {padded[i : i + 3] for i in range(len(padded) - 2)}:
                col = self.vocabulary.get(gram)
                if col is None and grow:
                    col = self.vocabulary[gram] = len(self.vocabulary)
                if col is not None:
                    rows.append(row)
                    cols.append(col)
        shape = (len(texts), len(self.vocabulary))
        return sparse.csr_matrix((np.ones(len(rows), dtype=np.int32), (rows, cols)), shape=shape)

    def leaks(self, texts: Sequence[str], chunk: int = 256) -> List[Leak]:
        """Every text found in the sources, at most once each, in the order given."""
        found: Dict[str, Leak] = {}
        rest = []
        for text in texts:
            norm = normalise(text)
            leak = self._exact_or_run(text, norm)
            if leak:
                found[text] = leak
            elif len(norm.split()) >= MIN_WORDS:
                rest.append((text, norm))
        for start in range(0, len(rest), chunk):
            part = rest[start : start + chunk]
            norms = [n for _, n in part]
            own = np.array([len({f" {n} "[i : i + 3] for i in range(len(n))}) for n in norms])
            length = np.array([len(n) for n in norms])
            shared = (self._trigrams(norms) @ self.matrix.T).tocoo()
            rows, cols = shared.row, shared.col
            keep = (
                (shared.data >= TRIGRAM_SHARE * np.maximum(own[rows], self.sizes[cols]))
                & (self.lengths[cols] >= 0.7 * length[rows])
                & (self.lengths[cols] <= length[rows] / 0.7)
            )
            best: Dict[int, Tuple[float, int]] = {}
            for row, col in zip(rows[keep].tolist(), cols[keep].tolist(), strict=True):
                matcher = SequenceMatcher(None, norms[row], self.texts[col], autojunk=False)
                if matcher.quick_ratio() < SIMILARITY:
                    continue
                ratio = matcher.ratio()
                if ratio >= SIMILARITY and ratio > best.get(row, (0.0, 0))[0]:
                    best[row] = (ratio, col)
            for row, (ratio, col) in best.items():
                text = part[row][0]
                found[text] = Leak(text, f"similar {ratio:.2f}", self.where[self.texts[col]], self.texts[col])
        return [found[t] for t in texts if t in found]

    def _exact_or_run(self, text: str, norm: str) -> Optional[Leak]:
        if norm in self.where:
            return Leak(text, "same text", self.where[norm], norm)
        words = norm.split()
        for start in range(len(words) - RUN_WORDS + 1):
            run = tuple(words[start : start + RUN_WORDS])
            if run in self.runs:
                source = self.texts[self.runs[run]]
                return Leak(text, f"six words: {' '.join(run)}", self.where[source], source)
        return None


def _texts_of(path: Path) -> List[str]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if isinstance(data, dict) and ("faq" in data or "intents" in data):
        return [t for t, _ in load_faq_and_intents(path)]
    if isinstance(data, dict) and "nlu" in data:
        from tools.eval_sets import load_rasa_nlu

        return [t for t, _ in load_rasa_nlu(path)]
    if isinstance(data, dict) and "conversations" in data:
        return [str(turn["user"]) for c in data["conversations"] for turn in c["turns"]]
    return [str(m["text"]) for m in (data.get("messages") if isinstance(data, dict) else data) or []]


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*", type=Path, help="held-out files (default: all sealed sets)")
    parser.add_argument("--yaml", action="store_true", help="print the leaks as a manifest's `excluded` list")
    args = parser.parse_args(argv)
    sets: Dict[str, Tuple[List[str], Collection[str]]]
    if args.files:
        sets = {str(f): (_texts_of(f), set()) for f in args.files}
        excluded = [HELDOUT_DIR, *[f.resolve() for f in args.files]]
    else:
        sets = {m.id: (heldout_texts(m), m.excluded) for m in manifests()}
        excluded = [HELDOUT_DIR]
    index = SourceIndex.build(source_files(excluded=excluded))
    total = 0
    for name, (texts, known) in sets.items():
        leaks = index.leaks([t for t in texts if t not in known])
        total += len(leaks)
        if args.yaml:
            print(yaml.safe_dump({"excluded": [vars(leak) for leak in leaks]}, allow_unicode=True, width=110))
            continue
        print(f"{name}: {len(texts)} texts, {len(known)} excluded when sealed, {len(leaks)} leaked")
        for leak in leaks:
            print(f"  {leak.by_position(texts, name)}")
    return 1 if total and not args.yaml else 0


if __name__ == "__main__":
    sys.exit(main())
