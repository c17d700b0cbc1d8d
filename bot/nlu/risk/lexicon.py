"""Load the risk lexicon (`bot/nlu/lexicons/risk/`) and compile its notation into spaCy token patterns.

All phrases live in the YAML so that reviewers (clinicians, safeguarding leads) can read and change them
without touching code. The lexicon is a folder of YAML files split by topic (one per category, the
exceptions, the word sets, ...), read as one mapping; a single file in the same format works too. This
module only validates it and turns the notation into spaCy `Matcher` dicts; a broken lexicon must fail
loudly at start-up, never silently match nothing.
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
#: Concept rules may also say `before` (who is named before the combination: the one who acts, as in
#: "my sister swallowed ...") or `sentence` (a victim in the sentence: "me"/"us" anywhere, else someone
#: other than the aggressor). By default crisis rules use `before`, safeguarding rules `sentence`.
RULE_SUBJECTS = SUBJECTS + ("before", "sentence")
CHECKS = ("age_gap",)
#: Checks a concept span can carry: `minor` keeps it only when it holds a number from 5 to 17 (a child's
#: age), `adult` only when it holds one from 18 to 79 (bot/nlu/risk/concepts.py).
CONCEPT_CHECKS = ("minor", "adult")
CONCEPT_NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")
DEFAULT_WINDOW = 12
DEFAULT_LEXICON = Path(__file__).resolve().parent.parent / "lexicons" / "risk"

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
    #: The entry names a topic ("suicide", "self harm", "county lines") rather than stating a risk; a hit
    #: made only of such entries is weighed by the learned decision (bot/nlu/risk/decision.py), never
    #: certain by itself: "what is self harm" and "my essay on suicide" are questions, not disclosures.
    mention: bool = False


@dataclass(frozen=True)
class ExceptionRule:
    """An exception entry; `suppresses` None means every category."""

    id: str
    suppresses: Optional[FrozenSet[str]]


@dataclass(frozen=True)
class ConceptRule:
    """A combination of concepts that escalates: one concept from each term, close together.

    `terms` holds, per term, the concept names that can fill it. All terms must be found within `window`
    tokens (first start to last end), in one sentence unless `sentence` is False, and in term order when
    `ordered`. No concept of `unless` may sit in the same sentence within `reach` tokens of the
    combination (default `concepts.UNLESS_REACH`). `victim_term` (an index into `terms`) names the span
    that says who is at risk.
    """

    id: str
    category: str
    escalation: str
    subject: str
    terms: Tuple[Tuple[str, ...], ...]
    unless: Tuple[str, ...] = ()
    window: int = DEFAULT_WINDOW
    ordered: bool = False
    sentence: bool = True
    victim_term: Optional[int] = None
    reach: Optional[int] = None
    #: False for rules whose combination is itself what overrides an exception ("my dad died" is grief,
    #: "my dad died and I want to go where he is" is not): the exceptions then do not remove its spans.
    exceptions: bool = True
    #: As RiskPattern.mention.
    mention: bool = False


@dataclass(frozen=True)
class Concept:
    """A named family of phrases (each a pattern in the usual notation) that stand for one idea."""

    name: str
    matches: Tuple[str, ...]
    check: Optional[str] = None


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
    concepts: List[Concept] = field(default_factory=list)
    concept_rules: List[ConceptRule] = field(default_factory=list)
    literals: FrozenSet[str] = field(default_factory=frozenset)
    #: Literal words of risk patterns only, minus common words: what makes a token split worthwhile.
    risk_literals: FrozenSet[str] = field(default_factory=frozenset)

    @property
    def priority(self) -> Dict[str, int]:
        """Category -> rank (0 = most urgent), from the order in the file."""
        return {name: rank for rank, name in enumerate(self.categories)}


def _split(value: Any) -> List[str]:
    return str(value).split() if value is not None else []


def lexicon_files(path: Optional[Path] = None) -> List[Path]:
    """The YAML files of a lexicon: the `*.yml` of a folder in name order, or the one file given."""
    path = Path(path) if path else DEFAULT_LEXICON
    return sorted(path.glob("*.yml")) if path.is_dir() else [path]


def _read_yaml(path: Path) -> Dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise LexiconError(f"cannot read risk lexicon {path}: {error}") from error
    if not isinstance(data, dict):
        raise LexiconError(f"risk lexicon {path} is not a mapping")
    return data


def read_lexicon_data(path: Optional[Path] = None) -> Dict[str, Any]:
    """The lexicon as one mapping. Files of a folder are merged key by key: lists (patterns, exceptions,
    rules) are joined; mappings (sets, concepts, token_map) are merged, and a name that two files define is
    an error, as is any other key (version, spelling) given twice: each thing has one home."""
    files = lexicon_files(path)
    if not files:
        raise LexiconError(f"risk lexicon {path} holds no *.yml file")
    merged: Dict[str, Any] = {}
    for file in files:
        for key, value in _read_yaml(file).items():
            if key not in merged:
                merged[key] = list(value) if isinstance(value, list) else value
            elif isinstance(merged[key], list) and isinstance(value, list):
                merged[key].extend(value)
            elif isinstance(merged[key], dict) and isinstance(value, dict):
                twice = sorted(str(name) for name in set(merged[key]) & set(value))
                if twice:
                    raise LexiconError(f"{file.name}: `{key}` names {twice} already defined in another file")
                merged[key] = {**merged[key], **value}
            else:
                raise LexiconError(f"{file.name}: `{key}` is already defined in another file")
    return merged


def load_lexicon(path: Optional[Path] = None) -> Lexicon:
    """Read and validate the lexicon (folder or file); raises LexiconError on any structural problem."""
    data = read_lexicon_data(path)

    categories = dict(data.get("categories") or {})
    if categories != {k: CONTRACT_CATEGORIES[k] for k in categories} or set(categories) != set(
        CONTRACT_CATEGORIES
    ):
        raise LexiconError(
            "`categories` must list exactly the five contract categories with their escalation"
        )

    raw_sets = data.get("sets") or {}
    for name, words in raw_sets.items():
        for word in words:
            if not isinstance(word, (str, int)) or isinstance(word, bool):
                raise LexiconError(
                    f"set {name!r}: {word!r} is not a word (YAML reads bare on/off/no/yes as "
                    "booleans: quote them)"
                )
    for key, value in (data.get("token_map") or {}).items():
        if isinstance(key, bool) or isinstance(value, bool):
            raise LexiconError(f"token_map: {key!r}: {value!r} (quote on/off/no/yes)")
    sets = {
        name: list(dict.fromkeys(w for word in words for w in inflect(str(word))))
        for name, words in raw_sets.items()
    }
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
        mention = _flag(entry, "mention", pid)
        patterns.append((RiskPattern(pid, category, categories[category], subject, check, mention), matches))

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

    concepts = _load_concepts(data.get("concepts") or {}, sets)
    concept_rules = _load_concept_rules(
        data.get("concept_rules") or [], categories, {c.name for c in concepts}, seen
    )

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
        concepts=concepts,
        concept_rules=concept_rules,
    )
    literals = set()
    concept_matches = [(None, list(c.matches)) for c in concepts]
    for _, matches in patterns + exceptions + concept_matches:  # type: ignore[operator]
        for text in matches:
            literals.update(_literals(text, sets))
    for text in lexicon.other_referents + lexicon.discovery_referents:
        literals.update(_literals(text, sets))
    lexicon.literals = frozenset(literals)
    risk = set()
    for _, matches in patterns + concept_matches:  # type: ignore[operator]
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


def _load_concepts(raw: Any, sets: Dict[str, List[str]]) -> List[Concept]:
    if not isinstance(raw, dict):
        raise LexiconError("`concepts` must be a mapping of NAME -> {why, match}")
    concepts = []
    for name, entry in raw.items():
        if not isinstance(name, str) or not CONCEPT_NAME.match(name):
            raise LexiconError(f"concept name {name!r} must be UPPER_CASE")
        if not isinstance(entry, dict):
            raise LexiconError(f"concept {name}: expected a mapping with `match`")
        matches = entry.get("match") or []
        if not matches or not all(isinstance(m, str) for m in matches):
            raise LexiconError(f"concept {name}: `match` must be a non-empty list of quoted strings")
        check = entry.get("check")
        if check is not None and check not in CONCEPT_CHECKS:
            raise LexiconError(f"concept {name}: unknown check {check!r}")
        for text in matches:
            compile_pattern(text, sets)  # fails loudly on unknown sets or empty patterns
        concepts.append(Concept(name, tuple(matches), check))
    return concepts


def _load_concept_rules(raw: Any, categories: Dict[str, str], names: set, seen: set) -> List[ConceptRule]:
    rules = []
    for entry in raw:
        rid, category = entry.get("id"), entry.get("category")
        if not rid or rid in seen:
            raise LexiconError(f"concept rule id missing or duplicated: {rid!r}")
        seen.add(rid)
        if category not in categories:
            raise LexiconError(f"{rid}: unknown category {category!r}")
        subject = entry.get("subject", "before" if categories[category] == "crisis" else "sentence")
        if subject not in RULE_SUBJECTS:
            raise LexiconError(f"{rid}: subject must be one of {RULE_SUBJECTS}")
        raw_terms = entry.get("all") or []
        if not raw_terms or not all(isinstance(t, str) for t in raw_terms):
            raise LexiconError(f'{rid}: `all` must list one or more concept terms ("A" or "A|B")')
        terms = tuple(tuple(t.split("|")) for t in raw_terms)
        unless = tuple(entry.get("unless") or [])
        for name in [n for term in terms for n in term] + list(unless):
            if name not in names:
                raise LexiconError(f"{rid}: unknown concept {name!r}")
        victim = entry.get("victim_term")
        if victim is not None and not (isinstance(victim, int) and 0 <= victim < len(terms)):
            raise LexiconError(f"{rid}: victim_term must index `all`")
        window = entry.get("window", DEFAULT_WINDOW)
        if not isinstance(window, int) or window < 1:
            raise LexiconError(f"{rid}: window must be a positive number of tokens")
        reach = entry.get("reach")
        if reach is not None and (not isinstance(reach, int) or reach < 0):
            raise LexiconError(f"{rid}: reach must be a number of tokens")
        unknown = set(entry) - {
            "id",
            "category",
            "subject",
            "why",
            "all",
            "unless",
            "window",
            "ordered",
            "sentence",
            "victim_term",
            "reach",
            "exceptions",
            "mention",
        }
        if unknown:
            raise LexiconError(f"{rid}: unknown keys {sorted(unknown)}")
        rules.append(
            ConceptRule(
                rid,
                category,
                categories[category],
                subject,
                terms,
                unless,
                window,
                bool(entry.get("ordered", False)),
                bool(entry.get("sentence", True)),
                victim,
                reach,
                bool(entry.get("exceptions", True)),
                _flag(entry, "mention", rid),
            )
        )
    return rules


def _flag(entry: Dict[str, Any], key: str, entry_id: str) -> bool:
    """An optional true/false field (absent: false); anything else is a slip worth stopping for."""
    value = entry.get(key, False)
    if not isinstance(value, bool):
        raise LexiconError(f"{entry_id}: {key} must be true or false")
    return value


_VOWELS = "aeiou"


def inflect(word: str) -> List[str]:
    """`slam~` -> slam, slams, slammed, slamming (plus the undoubled forms: typing is loose, and a form
    nobody writes costs nothing). Words without `~` are returned as they are."""
    if not word.endswith("~") or len(word) < 3:
        return [word]
    base = word[:-1]
    forms = [base]
    if base.endswith("e") and not base.endswith("ee"):
        stem = base[:-1]
        forms += [base + "s", base + "d", stem + "ing"]
    elif base.endswith("y") and base[-2] not in _VOWELS:
        stem = base[:-1]
        forms += [stem + "ies", stem + "ied", base + "ing"]
    elif base.endswith(("s", "sh", "ch", "x", "z")):
        forms += [base + "es", base + "ed", base + "ing"]
    else:
        forms += [base + "s", base + "ed", base + "ing"]
        if (
            len(base) >= 3
            and base[-1] not in _VOWELS + "wxy"
            and base[-2] in _VOWELS
            and base[-3] not in _VOWELS
        ):
            forms += [base + base[-1] + "ed", base + base[-1] + "ing"]
    return list(dict.fromkeys(forms))


def _expand(alternatives: str, sets: Dict[str, List[str]], where: str) -> List[str]:
    """`a|@set|b~` -> the flat list of tokens it stands for (`~`: the word's inflections)."""
    words: List[str] = []
    for alt in alternatives.split("|"):
        if not alt:
            raise LexiconError(f"{where}: empty alternative in {alternatives!r}")
        if alt.startswith("@"):
            if alt[1:] not in sets:
                raise LexiconError(f"{where}: unknown set {alt!r}")
            words.extend(sets[alt[1:]])
        else:
            words.extend(inflect(alt))
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
    if any(ch in text for ch in "|@*?~") or any(w.startswith("!") and len(w) > 1 for w in words):
        return None
    return words
