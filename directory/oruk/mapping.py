"""data/oruk.yml as look-ups: our taxonomy vocabularies, and other publishers' words mapped to our codes.

Kept as data so a council's information team can add the terms their own feed uses without a code change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Iterable, List, Mapping, Optional, Tuple

import yaml

from directory import vocab
from directory.concerns import concern_codes, resolve_concern

MAPPING_FILE = Path(__file__).resolve().parents[1] / "data" / "oruk.yml"


def normalise(text: str) -> str:
    """The form names are compared in: lower case, '&' as 'and', punctuation and extra spaces dropped."""
    text = text.lower().replace("&", " and ")
    return " ".join(re.sub(r"[^\w+]+", " ", text).split())


@dataclass(frozen=True)
class OrukMapping:
    """Everything data/oruk.yml says, compiled into dictionaries keyed by normalised names."""

    vocabularies: Dict[str, str]  # concern | audience | referral -> vocabulary name
    audience_labels: Dict[str, str]
    referral_labels: Dict[str, str]
    concern_terms: Dict[str, str]  # normalised term name -> concern code
    audience_terms: Dict[str, str]
    attending_access: Dict[str, Tuple[str, ...]]
    attending_type: Dict[str, Tuple[str, ...]]
    area_names: Dict[str, str]  # normalised name -> National | Online | London

    def concern_for(self, name: str) -> Optional[str]:
        """Our concern code for a taxonomy term name from any vocabulary, or None when it is not a concern."""
        return self.concern_terms.get(normalise(name)) or resolve_concern(name)

    def audience_for(self, name: str) -> Optional[str]:
        return self.audience_terms.get(normalise(name))


def _inverse(section: Mapping[str, List[Any]], allowed: Iterable[str], where: str) -> Dict[str, str]:
    """{code: [names]} -> {normalised name: code}, refusing unknown codes and names listed twice."""
    result: Dict[str, str] = {}
    for code, names in section.items():
        if code not in allowed:
            raise ValueError(f"oruk.yml: {where}: unknown code {code!r}")
        for name in names:
            key = normalise(str(name))
            if key in result:
                raise ValueError(f"oruk.yml: {where}: {name!r} is listed twice")
            result[key] = code
    return result


def parse_mapping(raw: Mapping[str, Any]) -> OrukMapping:
    """Check and compile the YAML mapping (a typo in a code fails loudly at start-up, not silently in a feed)."""
    vocabularies = dict(raw["vocabularies"])
    if set(vocabularies) != {"concern", "audience", "referral"}:
        raise ValueError("oruk.yml: vocabularies must name concern, audience and referral")
    for key, allowed in (("audience_labels", vocab.AUDIENCES), ("referral_labels", vocab.REFERRAL_ROUTES)):
        if set(raw[key]) != set(allowed):
            raise ValueError(f"oruk.yml: {key} must label exactly {list(allowed)}")
    access = {normalise(k): tuple(v) for k, v in raw["attending_access"].items()}
    attending = {normalise(k): tuple(v) for k, v in raw["attending_type"].items()}
    for routes in (*access.values(), *attending.values()):
        if not set(routes) <= set(vocab.REFERRAL_ROUTES):
            raise ValueError(f"oruk.yml: unknown referral routes in {routes}")
    return OrukMapping(
        vocabularies=vocabularies,
        audience_labels=dict(raw["audience_labels"]),
        referral_labels=dict(raw["referral_labels"]),
        concern_terms=_inverse(raw["concern_terms"], concern_codes(), "concern_terms"),
        audience_terms=_inverse(raw["audience_terms"], vocab.AUDIENCES, "audience_terms"),
        attending_access=access,
        attending_type=attending,
        area_names=_inverse(raw["area_names"], (vocab.NATIONAL, vocab.ONLINE, vocab.LONDON), "area_names"),
    )


@lru_cache(maxsize=1)
def load_mapping() -> OrukMapping:
    """The mapping (read once per process)."""
    with MAPPING_FILE.open(encoding="utf-8") as handle:
        return parse_mapping(yaml.safe_load(handle))
