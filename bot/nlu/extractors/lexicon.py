"""Phrase lexicons (YAML) turned into entity values: "feel rly low" -> concern low_mood.

A lexicon file names its entity and lists, per value, phrases that count anywhere in a message, phrases
that count only when they are the whole answer ("family", "me"), spaCy Matcher patterns for what phrases
cannot say ("i'm 15" as a young person), and exclusions that block a hit ("live with my family").
No Rasa imports: usable and testable on its own.

Format (bot/nlu/lexicons/*.yml)
  entity: the entity every value emits unless a value names its own (`entity:`, and `value:` for its value).
  ignore: words dropped from messages and phrases before matching, so "feel rly low" matches "feel low".
  negators / negation_window: a hit is dropped when one of these words is among the N words before it
    ("I'm not depressed"). Phrases that contain the negation ("not eating") are whole phrases and are not
    affected. `negatable: false` on a value turns this off.
  fillers: words that may stand around a whole-message answer ("um, family and school I think").
  values.<value>.phrases: count anywhere in a message; `templates` make phrases from before x words x after.
  values.<value>.whole_message: count only when the message is just these (plus fillers and other hits).
  values.<value>.patterns: spaCy Matcher patterns (`{SERVED_AGE: true}`: an age the service serves).
  values.<value>.hint_phrases / hint_patterns: phrases and patterns that only hint at the value
    (LexiconHit.hint): "my mum" says a young person is talking only when nothing else said who is; the
    stronger hit of a message always wins.
  exclude: phrases that block any hit they overlap.
  codes: the name of a code list (CODE_LISTS) the values of `entity` must be exactly.
The concern lexicon is not a file of its own: `concern_lexicon` builds it from the one concern vocabulary,
directory/data/concerns.yml, which config.yml names like any lexicon.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, FrozenSet, Iterable, List, Optional, Sequence, Set, Tuple

import yaml
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc

from bot.nlu.extractors.tokens import Tok, tokenize
from bot.nlu.nlp import blank_english
from directory.concerns import concern_codes
from directory.vocab import OLDEST_SERVED, YOUNGEST_SELF_USER

_EXCLUDE = "__exclude__"

#: Code lists a lexicon can name under `codes:` (its values must then be exactly these codes).
CODE_LISTS: Dict[str, Callable[[], FrozenSet[str]]] = {"directory_concerns": concern_codes}

#: A pattern token `{SERVED_AGE: true}` is a number from the youngest self-user to the oldest age served
#: (directory/data/ages.yml), so a lexicon never spells those limits itself.
SERVED_AGE = "SERVED_AGE"
#: `{ADULT_AGE: true}` is an adult's age above the oldest served (up to 99): someone asking for themselves.
ADULT_AGE = "ADULT_AGE"
_OLDEST_ADULT = 99


def _served_age(token: Dict[str, Any]) -> Dict[str, Any]:
    if token.get(SERVED_AGE):
        ages = [str(age) for age in range(YOUNGEST_SELF_USER, OLDEST_SERVED + 1)]
    elif token.get(ADULT_AGE):
        ages = [str(age) for age in range(OLDEST_SERVED + 1, _OLDEST_ADULT + 1)]
    else:
        return token
    rest = {k: v for k, v in token.items() if k not in (SERVED_AGE, ADULT_AGE)}
    return {**rest, "TEXT": {"IN": ages}}


@dataclass(frozen=True)
class LexiconHit:
    """One lexicon value found in a message, with its span in the original text."""

    entity: str
    value: str
    start: int
    end: int
    hint: bool = False  # from `hint_phrases`: weaker than any other hit (see the module doc)


@dataclass(frozen=True)
class _Rule:
    entity: str
    value: str
    whole_message: bool
    negatable: bool
    hint: bool = False


class Lexicon:
    """One YAML lexicon compiled into spaCy phrase and token matchers."""

    def __init__(self, config: Dict[str, Any], source: str = "<lexicon>") -> None:
        self.source = source
        self.entity: str = config["entity"]
        self.ignore: FrozenSet[str] = frozenset(self._text(w) for w in config.get("ignore", []))
        self.fillers: FrozenSet[str] = frozenset(self._text(w) for w in config.get("fillers", []))
        self.negators: FrozenSet[str] = frozenset(self._text(w) for w in config.get("negators", []))
        self.negation_window: int = int(config.get("negation_window", 2))
        self.one_per_message: List[str] = [str(v) for v in config.get("one_per_message", [])]
        self.rules: List[_Rule] = []
        vocab = blank_english().vocab
        self.phrases = PhraseMatcher(vocab, attr="ORTH")
        self.patterns = Matcher(vocab)
        for key, spec in (config.get("values") or {}).items():
            self._add_value(str(key), spec or {})
        if config.get("codes"):
            self._check_codes(str(config["codes"]))
        exclude = self._docs(config.get("exclude", []))
        if exclude:
            self.phrases.add(_EXCLUDE, exclude)

    def _check_codes(self, name: str) -> None:
        """The values of the lexicon's own entity must be exactly the codes of the named list."""
        if name not in CODE_LISTS:
            raise ValueError(f"{self.source}: unknown code list {name!r}; known: {sorted(CODE_LISTS)}")
        values = {rule.value for rule in self.rules if rule.entity == self.entity}
        codes = CODE_LISTS[name]()
        if values != codes:
            raise ValueError(
                f"{self.source}: values must be the codes of {name}: unknown {sorted(values - codes)}, "
                f"missing {sorted(codes - values)}"
            )

    @classmethod
    def from_file(cls, path: Path) -> "Lexicon":
        with Path(path).open(encoding="utf-8") as handle:
            config = yaml.safe_load(handle)
        if "concerns" in config:
            config = concern_lexicon(config)
        return cls(config, source=str(path))

    def _add_value(self, key: str, spec: Dict[str, Any]) -> None:
        entity, value = str(spec.get("entity", self.entity)), str(spec.get("value", key))
        negatable = bool(spec.get("negatable", True))
        for whole, phrases in (
            (False, list(spec.get("phrases", [])) + _templated(spec.get("templates", []))),
            (True, spec.get("whole_message", [])),
        ):
            docs = self._docs(phrases)
            if docs:
                self.phrases.add(self._label(entity, value, whole, negatable), docs)
        if spec.get("patterns"):
            patterns = [[_served_age(token) for token in pattern] for pattern in spec["patterns"]]
            self.patterns.add(self._label(entity, value, False, negatable), patterns)
        hints = self._docs(spec.get("hint_phrases", []))
        if hints:
            self.phrases.add(self._label(entity, value, False, negatable, hint=True), hints)
        if spec.get("hint_patterns"):
            patterns = [[_served_age(token) for token in pattern] for pattern in spec["hint_patterns"]]
            self.patterns.add(self._label(entity, value, False, negatable, hint=True), patterns)

    def _text(self, word: Any) -> str:
        """A YAML word or phrase as text; unquoted yes/no/on/off load as booleans and would match nothing."""
        if isinstance(word, bool) or not isinstance(word, (str, int)):
            raise ValueError(f"{self.source}: {word!r} is not a phrase (quote yes/no/on/off)")
        return str(word)

    def _label(self, entity: str, value: str, whole: bool, negatable: bool, hint: bool = False) -> str:
        self.rules.append(_Rule(entity, value, whole, negatable, hint))
        return str(len(self.rules) - 1)

    def _docs(self, phrases: Iterable[str]) -> List[Doc]:
        vocab = blank_english().vocab
        docs = []
        for phrase in phrases:
            words = [tok.key for tok in tokenize(self._text(phrase)) if not self._skip(tok.key)]
            if not words:
                raise ValueError(f"{self.source}: phrase {phrase!r} has no words left to match")
            docs.append(Doc(vocab, words=words))
        return docs

    # --- matching -------------------------------------------------------------------------------------

    def find(self, text: str) -> List[LexiconHit]:
        """One hit per distinct (entity, value), in order of first appearance."""
        toks = [tok for tok in tokenize(text) if not self._skip(tok.key)]
        if not toks:
            return []
        doc = Doc(blank_english().vocab, words=[tok.key for tok in toks])
        candidates = self._candidates(doc)
        chosen = _select(candidates)
        if any(self._whole(label) for label, _, _ in chosen) and not self._is_whole(toks, chosen):
            chosen = _select([c for c in candidates if not self._whole(c[0])])
        hits, seen = [], set()
        for label, start, end in sorted(chosen, key=lambda c: c[1]):
            if label == _EXCLUDE:
                continue
            rule = self._rule(label)
            if rule.negatable and not rule.whole_message and self._negated(toks, start):
                continue
            if (rule.entity, rule.value) not in seen:
                seen.add((rule.entity, rule.value))
                hits.append(
                    LexiconHit(rule.entity, rule.value, toks[start].start, toks[end - 1].end, rule.hint)
                )
        return self._strongest(hits) if self.one_per_message else hits

    def _strongest(self, hits: List[LexiconHit]) -> List[LexiconHit]:
        """Only the hit whose value comes first in one_per_message (others of other entities are kept)."""
        ranked = [h for h in hits if h.value in self.one_per_message and h.entity == self.entity]
        if not ranked:
            return hits
        best = min(ranked, key=lambda h: (h.hint, self.one_per_message.index(h.value)))
        return [h for h in hits if h is best or h not in ranked]

    def _skip(self, key: str) -> bool:
        """Ignored words, and hyphens: "self-harm" is "self harm", "3-year-old" is "3 year old"."""
        return key in self.ignore or key == "-"

    def _rule(self, label: str) -> _Rule:
        return self.rules[int(label)]

    def _whole(self, label: str) -> bool:
        return label != _EXCLUDE and self._rule(label).whole_message

    def _candidates(self, doc: Doc) -> List[Tuple[str, int, int]]:
        strings = doc.vocab.strings
        found = [(strings[match_id], start, end) for match_id, start, end in self.phrases(doc)]
        if len(self.patterns):
            found += [(strings[match_id], start, end) for match_id, start, end in self.patterns(doc)]
        return found

    def _negated(self, toks: Sequence[Tok], start: int) -> bool:
        window = toks[max(0, start - self.negation_window) : start]
        return any(tok.key in self.negators for tok in window)

    def _is_whole(self, toks: Sequence[Tok], chosen: Sequence[Tuple[str, int, int]]) -> bool:
        """True when every word outside the hits is a filler ("um, family and school i think")."""
        covered: Set[int] = set()
        for _, start, end in chosen:
            covered.update(range(start, end))
        return all(i in covered or not tok.is_word or tok.key in self.fillers for i, tok in enumerate(toks))


def concern_lexicon(vocabulary: Dict[str, Any]) -> Dict[str, Any]:
    """The chat lexicon of the concern vocabulary (directory/data/concerns.yml, format described there): its
    `chat` section, and per concern the words the directory shares with chat plus the chat-only ones; the
    `unsure` answers become the separate entity concern_unsure (value general)."""
    chat = vocabulary["chat"]
    values: Dict[str, Any] = {}
    unsure: Dict[str, Any] = {}
    for item in vocabulary["concerns"]:
        only = item.get("chat_only") or {}
        values[item["code"]] = {
            "phrases": list(item.get("phrases") or []) + list(only.get("phrases") or []),
            "whole_message": list(item.get("whole_message") or []) + list(only.get("whole_message") or []),
            "templates": list(only.get("templates") or []),
            "negatable": item.get("negatable", True),
        }
        if item.get("unsure"):
            unsure = {
                "entity": "concern_unsure",
                "value": item["code"],
                "whole_message": item["unsure"],
                "negatable": False,
            }
    if unsure:
        values["unsure"] = unsure
    return {**chat, "codes": "directory_concerns", "values": values}


def _templated(templates: Iterable[Dict[str, Any]]) -> List[str]:
    """Phrases from `before` x `words` (x `after`): "i am a" + "teacher"."""
    phrases = []
    for template in templates:
        for before in template.get("before", [""]):
            for word in template["words"]:
                for after in template.get("after", [""]):
                    phrases.append(" ".join(part for part in (before, word, after) if part))
    return phrases


def _select(candidates: List[Tuple[str, int, int]]) -> List[Tuple[str, int, int]]:
    """Longest-first, then leftmost, non-overlapping candidates."""
    chosen: List[Tuple[str, int, int]] = []
    taken: set = set()
    for cand in sorted(candidates, key=lambda c: (-(c[2] - c[1]), c[1])):
        span = set(range(cand[1], cand[2]))
        if not span & taken:
            chosen.append(cand)
            taken |= span
    return chosen


def load_lexicons(paths: Iterable[str], root: Optional[Path] = None) -> List[Lexicon]:
    """Lexicons from paths as config.yml writes them: absolute, relative to the working directory, or
    relative to the project root (so `rasa run` works from anywhere)."""
    root = root or Path(__file__).resolve().parents[3]
    lexicons = []
    for raw in paths:
        path = Path(raw)
        if not path.is_absolute() and not path.exists():
            path = root / path
        lexicons.append(Lexicon.from_file(path))
    return lexicons
