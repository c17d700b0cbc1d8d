"""Our vocabularies as HSDS 3.0 taxonomies with stable term ids, and the terms each service carries.

Why: in Open Referral UK 3.0 a service says what it is about through `attributes`, each pointing at a
taxonomy term by id, and consumers filter with `taxonomy_term_id` / `taxonomy_id`. Concerns, audiences, age
bands and referral routes are ours (data/concerns.yml, docs/contracts.md), so we publish them as taxonomies;
confidence and source are published the same way so each entry's provenance travels in standard fields.
Ids are UUIDv5 of "<taxonomy key>:<code>" (names in data/oruk.yml), so they survive every reload.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Dict, Iterable, List, Optional, Tuple

import yaml

from directory import vocab
from directory.concerns import load_concerns
from directory.oruk.mapping import MAPPING_FILE, load_mapping

KEYS = ("concern", "audience", "age_band", "referral", "confidence", "source")


@dataclass(frozen=True)
class Term:
    """One term: `key` names its taxonomy (concern, audience ...), `code` is our value (anxiety, parent ...)."""

    key: str
    code: str
    name: str
    description: str

    @property
    def id(self) -> str:
        return term_id(self.key, self.code)


@lru_cache(maxsize=1)
def _settings() -> Dict[str, Any]:
    with MAPPING_FILE.open(encoding="utf-8") as handle:
        raw: Dict[str, Any] = yaml.safe_load(handle)
    if set(raw["taxonomies"]) != set(KEYS):
        raise ValueError(f"oruk.yml: taxonomies must be exactly {list(KEYS)}")
    return raw


@lru_cache(maxsize=1)
def namespace() -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, _settings()["taxonomy_namespace"])


def uuid_for(key: str) -> str:
    """A stable UUID for any of our own keys ("service:kooth", "taxonomy:concern" ...)."""
    return str(uuid.uuid5(namespace(), key))


def term_id(key: str, code: str) -> str:
    return uuid_for(f"{key}:{code}")


def taxonomy_id(key: str) -> str:
    return uuid_for(f"taxonomy:{key}")


def taxonomy_json(key: str) -> Dict[str, str]:
    """A taxonomy as the UK profile's taxonomy.json has it (terms are listed separately)."""
    info = _settings()["taxonomies"][key]
    return {"id": taxonomy_id(key), "name": info["name"], "description": info["description"]}


def term_json(term: Term) -> Dict[str, str]:
    """A term as taxonomy_term.json has it; `term` holds our code so consumers can map it."""
    return {
        "id": term.id,
        "name": term.name,
        "description": term.description,
        "taxonomy": _settings()["taxonomies"][term.key]["name"],
        "taxonomy_id": taxonomy_id(term.key),
        "term": term.code,
    }


@lru_cache(maxsize=1)
def fixed_terms() -> Tuple[Term, ...]:
    """Every term of the closed vocabularies, in a stable order (sources are open: see source_term)."""
    settings, mapping = _settings(), load_mapping()
    terms = [Term("concern", c.code, c.label, c.description) for c in load_concerns().values()]
    described = settings["term_descriptions"]
    terms += [
        Term("audience", code, label, described["audience"].format(label=label.lower()))
        for code, label in ((code, mapping.audience_labels[code]) for code in vocab.AUDIENCES)
    ]
    terms += [
        Term("age_band", code, name, described["age_band"].format(min=low, max=high))
        for code, low, high, name in _age_bands()
    ]
    terms += [
        Term("referral", code, label, described["referral"].format(label=label.lower()))
        for code, label in ((code, mapping.referral_labels[code]) for code in vocab.REFERRAL_ROUTES)
    ]
    terms += [
        Term("confidence", code, code.capitalize(), text)
        for code, text in settings["confidence_labels"].items()
    ]
    return tuple(terms)


@lru_cache(maxsize=1)
def _by_id() -> Dict[str, Term]:
    return {term.id: term for term in fixed_terms()}


def source_term(source: str) -> Term:
    """The term for one source text (reference file and row, seed file and lines, or a feed)."""
    return Term("source", source, source, _settings()["term_descriptions"]["source"])


def lookup(term_id_: str) -> Optional[Term]:
    """One of our closed-vocabulary terms by id, or None."""
    return _by_id().get(term_id_)


def age_bands(age_min: Optional[int], age_max: Optional[int]) -> List[str]:
    """The bands a service's age range overlaps (an unstated bound does not limit)."""
    low = 0 if age_min is None else age_min
    high = vocab.ALL_AGES_MAX if age_max is None else age_max
    return [
        code for code, band_low, band_high, _name in _age_bands() if low <= band_high and high >= band_low
    ]


def _age_bands() -> List[Tuple[str, int, int, str]]:
    """(code, lowest age, highest age, name) of each age band: the limits from ages.yml (directory.vocab),
    the names from oruk.yml."""
    names = _settings()["age_bands"]
    if set(names) != {code for code, _low, _high in vocab.AGE_BANDS}:
        raise ValueError("oruk.yml: age_bands must name exactly the bands of ages.yml")
    return [
        (code, low, high, str(names[code]).format(min=low, max=high, next=high + 1))
        for code, low, high in vocab.AGE_BANDS
    ]


def service_terms(
    concerns: Iterable[str],
    audiences: Iterable[str],
    age_min: Optional[int],
    age_max: Optional[int],
    routes: Iterable[str],
    confidence: str,
    source: str,
) -> List[Term]:
    """The terms one service carries, in a stable order."""
    by_code = {(t.key, t.code): t for t in fixed_terms()}
    keys = (
        [("concern", c) for c in concerns]
        + [("audience", a) for a in audiences]
        + [("age_band", b) for b in age_bands(age_min, age_max)]
        + [("referral", r) for r in routes]
        + [("confidence", confidence)]
    )
    return [by_code[key] for key in keys] + [source_term(source)]
