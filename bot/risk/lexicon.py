"""Load `bot/lexicons/risk.yml` and compile its pattern notation into spaCy token patterns.

All phrases live in the YAML so that reviewers (clinicians, safeguarding leads) can read and change them
without touching code. This module only validates the file and turns the notation into spaCy `Matcher`
dicts; a broken lexicon must fail loudly at start-up, never silently match nothing.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, FrozenSet, List, Optional, Pattern, Tuple

import yaml

#: Categories and escalations fixed by docs/contracts.md.
CONTRACT_CATEGORIES: Dict[str, str] = {
    "suicide": "crisis",
    "self_harm": "crisis",
    "overdose": "crisis",
    "abuse": "safeguarding",
    "danger": "safeguarding",
}
SUBJECTS = ("self", "other", "context", "victim", "context_end")
CHECKS = ("age_gap",)
DEFAULT_LEXICON = Path(__file__).resolve().parent.parent / "lexicons" / "risk.yml"

_GAP = re.compile(r"^\*(\d?)$")


class LexiconError(ValueError):
    """The lexicon file is malformed; raised at load time so a bad edit cannot ship silently."""


@dataclass(frozen=True)
class RiskPattern:
    """Metadata of one risk entry; its match strings are compiled separately."""

    id: str
    category: str
    escalation: str
    subject: str
    check: Optional[str] = None


@dataclass(frozen=True)
class ExceptionRule:
    """An exception entry; `suppresses` None means every category."""

    id: str
    suppresses: Optional[FrozenSet[str]]


@dataclass
class Lexicon:
    """The parsed lexicon: canonicalisation tables, word sets, risk patterns and exceptions."""

    categories: Dict[str, str]
    text_rewrites: List[Tuple[Pattern[str], str]]
    token_map: Dict[str, List[str]]
    leet: Dict[str, str]
    rewrites: Dict[Tuple[str, ...], List[str]]
    joined: Dict[str, List[str]]
    numbers: Dict[str, int]
    many_threshold: int
    spelling_targets: List[str]
    spelling_protect: List[str]
    spelling_min_length: int
    sets: Dict[str, List[str]]
    patterns: List[Tuple[RiskPattern, List[str]]]
    exceptions: List[Tuple[ExceptionRule, List[str]]]
    other_referents: List[str]
    discovery_referents: List[str]
    literals: FrozenSet[str] = field(default_factory=frozenset)
    #: Literal words of risk patterns only, minus common words: what makes a token split worthwhile.
    risk_literals: FrozenSet[str] = field(default_factory=frozenset)

    @property
    def priority(self) -> Dict[str, int]:
        """Category -> rank (0 = most urgent), from the order in the file."""
        return {name: rank for rank, name in enumerate(self.categories)}


def _split(value: Any) -> List[str]:
    return str(value).split() if value is not None else []


def load_lexicon(path: Optional[Path] = None) -> Lexicon:
    """Read and validate the lexicon YAML; raises LexiconError on any structural problem."""
    path = Path(path) if path else DEFAULT_LEXICON
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise LexiconError(f"cannot read risk lexicon {path}: {error}") from error
    if not isinstance(data, dict):
        raise LexiconError(f"risk lexicon {path} is not a mapping")

    categories = dict(data.get("categories") or {})
    if categories != {k: CONTRACT_CATEGORIES[k] for k in categories} or set(categories) != set(CONTRACT_CATEGORIES):
        raise LexiconError("`categories` must list exactly the five contract categories with their escalation")

    raw_sets = data.get("sets") or {}
    for name, words in raw_sets.items():
        for word in words:
            if not isinstance(word, (str, int)) or isinstance(word, bool):
                raise LexiconError(f"set {name!r}: {word!r} is not a word (YAML reads bare on/off/no/yes as "
                                   "booleans: quote them)")
    for key, value in (data.get("token_map") or {}).items():
        if isinstance(key, bool) or isinstance(value, bool):
            raise LexiconError(f"token_map: {key!r}: {value!r} (quote on/off/no/yes)")
    sets = {name: [str(w) for w in words] for name, words in raw_sets.items()}
    for name, words in sets.items():
        for word in words:
            if " " in word:
                raise LexiconError(f"set {name!r}: {word!r} has a space; sets hold single tokens")

    patterns: List[Tuple[RiskPattern, List[str]]] = []
    seen = set()
    for entry in data.get("patterns") or []:
        pid, category = entry.get("id"), entry.get("category")
        subject, check = entry.get("subject", "context"), entry.get("check")
        if not pid or pid in seen:
            raise LexiconError(f"pattern id missing or duplicated: {pid!r}")
        seen.add(pid)
        if category not in categories:
            raise LexiconError(f"{pid}: unknown category {category!r}")
        if subject not in SUBJECTS:
            raise LexiconError(f"{pid}: subject must be one of {SUBJECTS}")
        if check is not None and check not in CHECKS:
            raise LexiconError(f"{pid}: unknown check {check!r}")
        matches = [m for m in entry.get("match") or [] if isinstance(m, str)]
        if len(matches) != len(entry.get("match") or []):
            raise LexiconError(f"{pid}: every match must be a quoted string")
        if not matches:
            raise LexiconError(f"{pid}: no match strings")
        patterns.append((RiskPattern(pid, category, categories[category], subject, check), matches))

    exceptions: List[Tuple[ExceptionRule, List[str]]] = []
    for entry in data.get("exceptions") or []:
        eid = entry.get("id")
        if not eid or eid in seen:
            raise LexiconError(f"exception id missing or duplicated: {eid!r}")
        seen.add(eid)
        raw = entry.get("suppresses")
        suppresses = None if raw is None else frozenset(raw)
        if suppresses and not suppresses <= set(categories):
            raise LexiconError(f"{eid}: suppresses unknown categories {sorted(suppresses - set(categories))}")
        exceptions.append((ExceptionRule(eid, suppresses), [str(m) for m in entry.get("match") or []]))

    spelling = data.get("spelling") or {}
    lexicon = Lexicon(
        categories=categories,
        text_rewrites=[(re.compile(rx), repl) for rx, repl in data.get("text_rewrites") or []],
        token_map={str(k): _split(v) for k, v in (data.get("token_map") or {}).items()},
        leet={str(k): str(v) for k, v in (data.get("leet") or {}).items()},
        rewrites={tuple(_split(src)): _split(dst) for src, dst in data.get("rewrites") or []},
        joined={"".join(_split(p)): _split(p) for p in data.get("joined") or []},
        numbers={str(k): int(v) for k, v in (data.get("numbers") or {}).items()},
        many_threshold=int(data.get("many_threshold", 5)),
        spelling_targets=[str(t) for t in spelling.get("targets") or []],
        spelling_protect=[str(t) for t in spelling.get("protect") or []],
        spelling_min_length=int(spelling.get("min_length", 5)),
        sets=sets,
        patterns=patterns,
        exceptions=exceptions,
        other_referents=[str(r) for r in data.get("other_referents") or []],
        discovery_referents=[str(r) for r in data.get("discovery_referents") or []],
    )
    literals = set()
    for _, matches in patterns + exceptions:  # type: ignore[operator]
        for text in matches:
            literals.update(_literals(text, sets))
    for text in lexicon.other_referents + lexicon.discovery_referents:
        literals.update(_literals(text, sets))
    lexicon.literals = frozenset(literals)
    risk = set()
    for _, matches in patterns:
        for text in matches:
            risk.update(_literals(text, sets))
    lexicon.risk_literals = frozenset(risk - set(sets.get("common_words", [])))
    targets = list(lexicon.spelling_targets)
    for name in spelling.get("target_sets") or []:
        if name not in sets:
            raise LexiconError(f"spelling.target_sets: unknown set {name!r}")
        targets.extend(sets[name])
    lexicon.spelling_targets = list(dict.fromkeys(targets))
    return lexicon


def _expand(alternatives: str, sets: Dict[str, List[str]], where: str) -> List[str]:
    """`a|@set|b` -> the flat list of tokens it stands for."""
    words: List[str] = []
    for alt in alternatives.split("|"):
        if not alt:
            raise LexiconError(f"{where}: empty alternative in {alternatives!r}")
        if alt.startswith("@"):
            if alt[1:] not in sets:
                raise LexiconError(f"{where}: unknown set {alt!r}")
            words.extend(sets[alt[1:]])
        else:
            words.append(alt)
    return list(dict.fromkeys(words))


def _literals(text: str, sets: Dict[str, List[str]]) -> List[str]:
    out: List[str] = []
    for spec in text.split():
        if _GAP.match(spec):
            continue
        spec = spec.lstrip("!").rstrip("?") or "?"
        out.extend(_expand(spec, sets, text))
    return out


def compile_pattern(text: str, sets: Dict[str, List[str]]) -> List[Dict[str, Any]]:
    """Turn one notation string into a spaCy Matcher token pattern (matching on ORTH)."""
    tokens: List[Dict[str, Any]] = []
    required = 0
    for spec in text.split():
        gap = _GAP.match(spec)
        if gap:
            tokens.extend({"OP": "?"} for _ in range(int(gap.group(1) or 1)))
            continue
        optional = spec.endswith("?") and len(spec) > 1
        spec = spec[:-1] if optional else spec
        negate = spec.startswith("!") and len(spec) > 1
        spec = spec[1:] if negate else spec
        words = _expand(spec, sets, text)
        if negate:
            token: Dict[str, Any] = {"ORTH": {"NOT_IN": words}}
        elif len(words) == 1:
            token = {"ORTH": words[0]}
        else:
            token = {"ORTH": {"IN": words}}
        if optional:
            token["OP"] = "?"
        else:
            required += 1
        tokens.append(token)
    if not required:
        raise LexiconError(f"pattern {text!r} has no required token")
    return tokens


def literal_phrase(text: str) -> Optional[List[str]]:
    """The token list when `text` is a plain phrase (PhraseMatcher material), else None."""
    words = text.split()
    if any(ch in text for ch in "|@*?") or any(w.startswith("!") and len(w) > 1 for w in words):
        return None
    return words
