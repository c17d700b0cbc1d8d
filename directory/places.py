"""London places: borough names, spellings, neighbourhoods and postcode districts (data in data/places.yml).

`resolve_place("im 15 live in hakney")` says which of the 33 boroughs (or "Outside London") someone means.
Matching is plain dictionary look-ups over word tokens, with a precomputed index for small misspellings, so
the directory stays usable without spaCy or Rasa and one message costs microseconds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, FrozenSet, Iterable, List, NamedTuple, Optional, Sequence, Set, Tuple

import yaml

# The special values a borough slot can take besides the 33 boroughs (defined once, in directory.vocab).
from directory.spelling import deletes, osa_distance
from directory.text import WordToken, word_tokens
from directory.text import word_key as fold  # the one key of a typed word (directory/text.py)
from directory.vocab import NOT_GIVEN as NOT_GIVEN
from directory.vocab import OUTSIDE_LONDON as OUTSIDE_LONDON

PLACES_FILE = Path(__file__).parent / "data" / "places.yml"

KIND_BOROUGH = "borough"
KIND_ALIAS = "alias"
KIND_NEIGHBOURHOOD = "neighbourhood"
KIND_POSTCODE = "postcode"
KIND_OUTSIDE = "outside_london"
_NOT_A_PLACE = "not_a_place"

# Longer messages are cut before matching: a place is given early, and this bounds the cost of abuse.
MAX_CHARS = 2000
# Postcode areas whose districts the table knows; other UK areas count only as full postcodes.
LONDON_AREAS = frozenset("E EC N NW SE SW W WC BR CR DA EN HA IG KT RM SM TW UB".split())
# Words with no meaning of their own for matching: "&"/"n" mean "and", "saint" is written "st".
_CANONICAL = {"&": "and", "n": "and", "saint": "st", "rd": "road"}
# Tokens ignored when deciding whether a message is nothing but a place name ("erm, Bow I think").
_FILLERS = frozenset(
    "i im am we were re live living lives in at near the its it s is um erm uh ok okay "
    "thanks thank you please pls x xx lol think probably mostly yeah yes my our".split()
)

_DISTRICT = re.compile(r"^([a-z]{1,2})(\d[a-z\d]?)$")
_GLUED_POSTCODE = re.compile(r"^([a-z]{1,2}\d[a-z\d]?)(\d[abd-hjlnp-uw-z]{2})$")
_INWARD = re.compile(r"^\d[abd-hjlnp-uw-z]{2}$")


@dataclass(frozen=True)
class PlaceMatch:
    """One place found in a message.

    borough: a borough as docs/contracts.md spells it, or "Outside London".
    nhs_trust: the trust code for the borough (None outside London).
    kind: borough | alias | neighbourhood | postcode | outside_london.
    place: the canonical name of what matched ("Dalston", "E8", "Manchester").
    text, start, end: the matched span of the input text.
    alternatives: other boroughs the place may be in (a straddling district or neighbourhood).
    fuzzy: True when matched by tolerating a misspelling.
    """

    borough: str
    nhs_trust: Optional[str]
    kind: str
    place: str
    text: str
    start: int
    end: int
    alternatives: Tuple[str, ...] = ()
    fuzzy: bool = False


@dataclass(frozen=True)
class _Entry:
    borough: str
    kind: str
    place: str
    alternatives: Tuple[str, ...] = ()
    needs_cue: bool = False


_Token = WordToken


@dataclass(frozen=True)
class Places:
    """Everything places.yml says, compiled once into look-up tables."""

    boroughs: Tuple[str, ...]
    phrases: Dict[Tuple[str, ...], _Entry]
    compact: Dict[str, _Entry]
    districts: Dict[str, Tuple[str, ...]]
    subdistrict_parents: FrozenSet[str]
    districts_need_cue: FrozenSet[str]
    cues_before: FrozenSet[str]
    cues_after: FrozenSet[str]
    fuzzy_index: Dict[str, Tuple[str, ...]]
    fuzzy_never: FrozenSet[str]
    fuzzy_stop_words: FrozenSet[str]
    name_words: Dict[str, int]
    residence: Dict[str, FrozenSet[str]]
    first_words: Dict[str, int]
    longest_name: int


@lru_cache(maxsize=1)
def _raw() -> Dict[str, Any]:
    with PLACES_FILE.open(encoding="utf-8") as handle:
        raw: Dict[str, Any] = yaml.safe_load(handle)
    return raw


def london_boroughs() -> Tuple[str, ...]:
    """The 33 London local authorities, spelled as the directory writes them."""
    return tuple(_raw()["boroughs"])


@lru_cache(maxsize=1)
def _trusts() -> Dict[str, str]:
    return {name: info["trust"] for name, info in _raw()["boroughs"].items()}


def trust_for(borough: str) -> str | None:
    """The NHS mental health trust whose 24/7 line covers this borough; None for "Outside London", "Not
    given" or anything unknown. The one borough-to-trust map: `trust` of each borough in places.yml."""
    return _trusts().get(borough)


def tokenize(text: str) -> List[_Token]:
    """The shared tokens (directory.text.word_tokens) with place spellings made one: "St." is "st",
    "saint" is "st", "&" is "and"."""
    tokens: List[_Token] = []
    for token in word_tokens(text):
        if token.key == "." and tokens and tokens[-1].key in {"st", "mt"}:
            continue
        tokens.append(token._replace(key=_CANONICAL.get(token.key, token.key)))
    return tokens


def _keys(phrase: str) -> Tuple[str, ...]:
    return tuple(token.key for token in tokenize(phrase))


def _as_list(value: Any) -> List[str]:
    return [value] if isinstance(value, str) else list(value or [])


def _texts(values: Iterable[Any]) -> List[str]:
    """Words from places.yml; unquoted yes/no/on/off load as booleans, which is a data error."""
    values = list(values or [])
    for value in values:
        if not isinstance(value, str):
            raise ValueError(f"places.yml: {value!r} is not a word (quote yes/no/on/off)")
    return values


def _allowed_distance(length: int) -> int:
    """Edits tolerated for a name of this many letters: none under 6, one up to 9, two from 10."""
    return 0 if length < 6 else 1 if length < 10 else 2


def _entries(raw: Dict[str, Any]) -> List[Tuple[str, _Entry]]:
    """(phrase, entry) for every name in places.yml, cue flags applied."""
    needs_cue = {_keys(name) for name in _texts(raw.get("needs_cue", []))}
    found: List[Tuple[str, _Entry]] = []
    for borough, info in raw["boroughs"].items():
        found.append((borough, _Entry(borough, KIND_BOROUGH, borough)))
        for alias in info.get("aliases", []):
            found.append((alias, _Entry(borough, KIND_ALIAS, borough)))
        for item in info.get("neighbourhoods", []):
            name, also = (item["name"], tuple(item.get("also", []))) if isinstance(item, dict) else (item, ())
            found.append((name, _Entry(borough, KIND_NEIGHBOURHOOD, name, also)))
    for name in raw.get("outside_london", []):
        found.append((name, _Entry(OUTSIDE_LONDON, KIND_OUTSIDE, name.title())))
    for name in _texts(raw.get("not_places", [])):
        found.append((name, _Entry("", _NOT_A_PLACE, name)))
    return [
        (phrase, _Entry(e.borough, e.kind, e.place, e.alternatives, _keys(phrase) in needs_cue))
        for phrase, e in found
    ]


def _first_words(phrases: Dict[Tuple[str, ...], _Entry]) -> Dict[str, int]:
    """First word of each phrase -> the most words a phrase starting with it has."""
    longest: Dict[str, int] = {}
    for keys in phrases:
        longest[keys[0]] = max(longest.get(keys[0], 0), len(keys))
    return longest


@lru_cache(maxsize=1)
def load_places() -> Places:
    """Compile places.yml into look-up tables (once per process; about 50 ms)."""
    raw = _raw()
    phrases: Dict[Tuple[str, ...], _Entry] = {}
    compact: Dict[str, _Entry] = {}
    fuzzy_never = frozenset(fold(word) for word in _texts(raw.get("fuzzy_never", [])))
    fuzzy_sets: Dict[str, Set[str]] = {}
    name_words: Dict[str, int] = {}
    for phrase, entry in _entries(raw):
        keys = _keys(phrase)
        phrases.setdefault(keys, entry)
        joined = "".join(keys)
        if not joined.isalpha() or entry.needs_cue or entry.kind == _NOT_A_PLACE:
            continue
        compact.setdefault(joined, entry)
        name_words.setdefault(joined, len(keys))
        if _allowed_distance(len(joined)) == 0:
            continue
        # one deletion on each side finds every pair one edit apart and most pairs two apart, with
        # len(word) + 1 look-ups (directory.spelling); osa_distance then checks the distance
        for variant in deletes(joined, 1):
            fuzzy_sets.setdefault(variant, set()).add(joined)
    districts = {code.upper(): tuple(_as_list(value)) for code, value in raw["postcode_districts"].items()}
    return Places(
        boroughs=tuple(raw["boroughs"]),
        phrases=phrases,
        compact=compact,
        districts=districts,
        subdistrict_parents=frozenset(code.upper() for code in raw.get("subdistrict_parents", [])),
        districts_need_cue=frozenset(code.upper() for code in raw.get("districts_need_cue", [])),
        cues_before=frozenset(fold(word) for word in _texts(raw.get("place_cues", []))),
        cues_after=frozenset(fold(word) for word in _texts(raw.get("place_cues_after", []))),
        fuzzy_index={variant: tuple(sorted(names)) for variant, names in fuzzy_sets.items()},
        longest_name=max(len(name) for name in compact),
        fuzzy_never=fuzzy_never,
        fuzzy_stop_words=frozenset(fold(word) for word in _texts(raw.get("fuzzy_stop_words", []))),
        name_words=name_words,
        residence={
            key: frozenset(fold(w) for w in _texts(words))
            for key, words in (raw.get("residence_cues") or {}).items()
        },
        first_words=_first_words(phrases),
    )


def _district_boroughs(places: Places, outward: str, full: bool) -> Optional[Tuple[str, ...]]:
    """Boroughs for an outward code ("E8", "SW1A"); non-London areas count only in a full postcode."""
    outward = outward.upper()
    if outward in places.districts:
        return places.districts[outward]
    if outward[-1].isalpha() and outward[:-1] in places.subdistrict_parents:
        return places.districts[outward[:-1]]
    letters = re.match(r"[A-Z]+", outward)  # the postcode area: "E", "SW"
    area = letters.group() if letters else ""
    if full and area not in LONDON_AREAS:
        return (OUTSIDE_LONDON,)
    return None


def _postcode_at(
    places: Places, tokens: Sequence[_Token], i: int
) -> Optional[Tuple[int, str, Tuple[str, ...], bool]]:
    """(tokens used, outward code, boroughs, full postcode?) when a postcode starts at token i."""
    key = tokens[i].key
    glued = _GLUED_POSTCODE.match(key)
    if glued and not _DISTRICT.match(key):
        found = _district_boroughs(places, glued.group(1), full=True)
        return (1, glued.group(1).upper(), found, True) if found else None
    if not _DISTRICT.match(key):
        return None
    full = i + 1 < len(tokens) and bool(_INWARD.match(tokens[i + 1].key))
    found = _district_boroughs(places, key, full)
    if not found:
        return None
    return (2 if full else 1), key.upper(), found, full


@lru_cache(maxsize=8192)
def _fuzzy_lookup(word: str) -> Optional[Tuple[str, int]]:
    """The indexed name within its allowed distance of `word` (same first letter), and that distance."""
    places = load_places()
    if len(word) < 5 or word in places.fuzzy_never:
        return None
    best: Optional[Tuple[str, int]] = None
    for variant in deletes(word, 1):
        for name in places.fuzzy_index.get(variant, ()):
            if name[0] != word[0] or abs(len(name) - len(word)) > _allowed_distance(len(name)):
                continue
            distance = osa_distance(word, name, _allowed_distance(len(name)))
            if distance <= _allowed_distance(len(name)) and (best is None or distance < best[1]):
                best = (name, distance)
    return best


class _Candidate(NamedTuple):
    first: int
    last: int  # exclusive token index
    entry: _Entry
    fuzzy: bool
    place: str


def _candidates(places: Places, tokens: Sequence[_Token]) -> List[_Candidate]:
    found: List[_Candidate] = []
    n = len(tokens)
    for i in range(n):
        if not tokens[i].word:
            continue
        postcode = _postcode_at(places, tokens, i)
        if postcode:
            used, outward, boroughs, full = postcode
            entry = _Entry(
                boroughs[0],
                KIND_POSTCODE,
                outward,
                boroughs[1:],
                needs_cue=not full and outward in places.districts_need_cue,
            )
            found.append(_Candidate(i, i + used, entry, False, outward))
            continue
        exact = _exact_at(places, tokens, i)
        if exact:
            found.append(exact)
        else:
            found.extend(_fuzzy_candidates(places, tokens, i))
    return found


def _exact_at(places: Places, tokens: Sequence[_Token], i: int) -> Optional[_Candidate]:
    """The longest name starting at token i, written as in places.yml or run together ("towerhamlets")."""
    n = len(tokens)
    for length in range(min(places.first_words.get(tokens[i].key, 0), n - i), 0, -1):
        entry = places.phrases.get(tuple(token.key for token in tokens[i : i + length]))
        if entry is not None:
            return _Candidate(i, i + length, entry, False, entry.place)
    joined = ""
    for j in range(i, min(i + 3, n)):
        if not tokens[j].word:
            break
        joined += tokens[j].key
        entry = places.compact.get(joined)
        if entry is not None:
            return _Candidate(i, j + 1, entry, False, entry.place)
    return None


def _fuzzy_candidates(places: Places, tokens: Sequence[_Token], i: int) -> List[_Candidate]:
    """Misspelled names starting at token i: one to three words, letters only, no exact match there.

    A span of several words only matches a name of as many words, and never contains a stop word, so
    "old for" is not Old Ford and "old has" is not Oldham; one word may be a name typed without spaces.
    """
    found: List[_Candidate] = []
    joined = ""
    for j in range(i, min(i + 3, len(tokens))):
        token = tokens[j]
        if (
            not token.word
            or not token.key.isalpha()
            or len(token.key) < 3
            or token.key in places.fuzzy_stop_words
        ):
            break
        joined += token.key
        if len(joined) > places.longest_name + 2:
            break
        hit = _fuzzy_lookup(joined)
        if hit and (j == i or places.name_words[hit[0]] == j - i + 1):
            entry = places.compact[hit[0]]
            found.append(_Candidate(i, j + 1, entry, True, entry.place))
    return found[-1:]


def _has_cue(places: Places, tokens: Sequence[_Token], first: int, last: int) -> bool:
    before = tokens[first - 1].key if first > 0 else ""
    after = tokens[last].key if last < len(tokens) else ""
    if before in places.cues_before or after in places.cues_after:
        return True
    others = [t.key for k, t in enumerate(tokens) if t.word and not first <= k < last]
    return all(key in _FILLERS for key in others)


def _select(places: Places, tokens: Sequence[_Token], found: List[_Candidate]) -> List[_Candidate]:
    """Longest, exact-before-fuzzy, leftmost candidates that do not overlap and have their cue."""
    chosen: List[_Candidate] = []
    taken = [False] * len(tokens)
    ranked = sorted(found, key=lambda c: (-(c.last - c.first), c.fuzzy, c.first))
    for cand in ranked:
        if any(taken[cand.first : cand.last]):
            continue
        if cand.entry.needs_cue and not _has_cue(places, tokens, cand.first, cand.last):
            continue
        chosen.append(cand)
        taken[cand.first : cand.last] = [True] * (cand.last - cand.first)
    return sorted(chosen, key=lambda c: c.first)


@lru_cache(maxsize=512)
def _find(text: str) -> Tuple[Tuple[PlaceMatch, int], ...]:
    """(place, how strongly the words around it say someone lives there) for every place in the text."""
    places = load_places()
    tokens = tokenize(text)
    result = []
    for cand in _select(places, tokens, _candidates(places, tokens)):
        start, end = tokens[cand.first].start, tokens[cand.last - 1].end
        entry = cand.entry
        if entry.kind == _NOT_A_PLACE:
            continue
        match = PlaceMatch(
            borough=entry.borough,
            nhs_trust=trust_for(entry.borough),
            kind=entry.kind,
            place=cand.place,
            text=text[start:end],
            start=start,
            end=end,
            alternatives=tuple(a for a in entry.alternatives if a != entry.borough),
            fuzzy=cand.fuzzy,
        )
        result.append((match, _residence_score(places, tokens, cand.first, cand.last)))
    return tuple(result)


def _residence_score(places: Places, tokens: Sequence[_Token], first: int, last: int) -> int:
    """2: "live in X", "moved to X"; 1: "from X"; -1: "moved from X", "X originally"; 0: no cue."""
    cues = places.residence
    before = [t.key for t in tokens[max(0, first - 6) : first] if t.word]
    after = tokens[last].key if last < len(tokens) else ""
    previous = before[-1] if before else ""
    if after in cues.get("left_after", ()) or (
        previous in cues.get("from", ()) and len(before) > 1 and before[-2] in cues.get("moved", ())
    ):
        return -1
    if any(word in cues.get("live", ()) for word in before[-3:]):
        return 2
    if previous in cues.get("to", ()) and any(word in cues.get("moved", ()) for word in before):
        return 2
    return 1 if previous in cues.get("from", ()) else 0


def _found(text: Any) -> Tuple[Tuple[PlaceMatch, int], ...]:
    if not isinstance(text, str) or not text.strip():
        return ()
    return _find(text[:MAX_CHARS])


def find_places(text: str) -> List[PlaceMatch]:
    """Every place named in `text`, in order, without overlaps (only the first MAX_CHARS are read)."""
    return [match for match, _ in _found(text)]


def resolve_place(text: str) -> PlaceMatch | None:
    """Where the message says someone lives, or None.

    With several places, the one the words around it most say is home ("live in X", "moved to X" over
    "from X" over a bare mention over "moved from X"); the first of those on a tie.
    """
    found = _found(text)
    if not found:
        return None
    best = max(score for _, score in found)
    return next(match for match, score in found if score == best)
