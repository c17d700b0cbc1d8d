"""Find a directory service named in a message ("what is Off Centre", "is kooth free", "tell me about Chyps").

The names come from the directory's own records (directory.records) and the aliases in
bot/nlu/lexicons/service_questions.yml, so a new service is recognised without new training data. A name
matches word for word, or with small typos ("koth", "off center"): each word of a name of five or more
letters may differ by a letter or two (difflib ratio, length within one), shorter words must match exactly. Names that
are ordinary words on their own ("Beat", "Insight", "Shout") are only taken as a name when written with a
capital letter or next to a word that says a service is meant ("the mix", "text shout").
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

import yaml

from bot.nlu.extractors.tokens import tokenize

ALIASES_FILE = Path(__file__).resolve().parents[1] / "lexicons" / "service_questions.yml"
MIN_FUZZY_LETTERS = 5
FUZZY_RATIO = 0.8
# One-word names that are also everyday English: a name only when capitalised ("is Shout free?").
EVERYDAY_WORDS = frozenset({"beat", "insight", "shout", "youthline", "111"})
# Parentheses and generic words dropped from a directory name to get the name people say.
_PAREN = re.compile(r"\s*\([^)]*\)")
_GENERIC = frozenset({"the", "service", "services", "team", "(cnwl)", "and"})


@dataclass(frozen=True)
class ServiceMention:
    service_id: str
    start: int
    end: int


def _words(text: str) -> Tuple[str, ...]:
    return tuple(tok.key for tok in tokenize(text) if tok.is_word)


class ServiceNames:
    """Names and aliases of directory services, matched against a message's words."""

    def __init__(self, names: Mapping[str, Sequence[str]]) -> None:
        # (words of the name, service id), longest names first so "beat youthline" wins over "beat"
        self._names: List[Tuple[Tuple[str, ...], str]] = sorted(
            {(_words(name), sid) for sid, aliases in names.items() for name in aliases if _words(name)},
            key=lambda item: -len(item[0]),
        )

    @classmethod
    def from_directory(cls, aliases_file: Path = ALIASES_FILE) -> "ServiceNames":
        """Every service's name (without a bracketed area) plus the aliases file's names."""
        from directory.records import read_services

        with aliases_file.open(encoding="utf-8") as handle:
            config = yaml.safe_load(handle)
        not_names = {_words(name) for name in config.get("not_names") or ()}
        names: Dict[str, List[str]] = {}
        for record in read_services():
            base = _PAREN.sub("", record.name).strip()
            words = _words(base)
            if len(words) >= 2 and not set(words) <= _GENERIC and words not in not_names:
                names.setdefault(record.id, []).append(base)
        for sid, aliases in (config.get("aliases") or {}).items():
            names.setdefault(str(sid), []).extend(str(a) for a in aliases)
        return cls(names)

    def find(self, text: str) -> List[ServiceMention]:
        """Services named in the text, in order, each once."""
        toks = [tok for tok in tokenize(text) if tok.is_word]
        keys = [tok.key for tok in toks]
        taken: set = set()
        found: List[ServiceMention] = []
        for name, sid in self._names:
            for start in range(0, len(keys) - len(name) + 1):
                span = range(start, start + len(name))
                if taken.intersection(span) or not _same(name, keys[start : start + len(name)]):
                    continue
                if len(name) == 1 and name[0] in EVERYDAY_WORDS and not toks[start].text[:1].isupper():
                    continue
                taken.update(span)
                found.append(ServiceMention(sid, toks[start].start, toks[start + len(name) - 1].end))
        first: Dict[str, ServiceMention] = {}
        for mention in sorted(found, key=lambda m: m.start):
            first.setdefault(mention.service_id, mention)  # each service once, where it is first named
        return list(first.values())


def _same(name: Sequence[str], words: Iterable[str]) -> bool:
    for wanted, word in zip(name, words, strict=False):
        if wanted == word:
            continue
        if (
            len(wanted) < MIN_FUZZY_LETTERS
            or difflib.SequenceMatcher(None, wanted, word).ratio() < FUZZY_RATIO
        ):
            return False
    return True


def find_one(names: ServiceNames, text: str) -> Optional[str]:
    """The first service named in the text, or None."""
    found = names.find(text)
    return found[0].service_id if found else None
