"""Every reply is plain enough for the people who can receive it.

Each variation of each domain response is assigned the audiences that can see it, from its conditions:
- `age_band: child` -> children; `young_teen` / `older_teen` -> teens; `young_adult`, `role: parent` or
  `role: professional` -> adults;
- any other variation (the default, or one conditioned only on other slots) can reach everyone the
  response's other variations do not cover: children too, unless the response has a child variation.
Limits (Flesch-Kincaid grade, textstat): children 5, teens 7, adults 9. No sentence over 25 words in any
reply a young person can receive. Placeholders are filled with typical values before measuring; the small
contact templates (utter_service_phone, _sms, _website, _hours) are measured inside the service line they
are rendered into, not as three-word fragments.
"""

from __future__ import annotations

import re
from typing import Dict, Iterator, List, Set, Tuple

import pytest
import textstat
import yaml

from bot.server.settings import ROOT

GRADE_LIMIT = {"child": 5.0, "teen": 7.0, "adult": 9.0}
MAX_SENTENCE_WORDS = 25
BAND_OF = {"child": "child", "young_teen": "teen", "older_teen": "teen", "young_adult": "adult"}
# Typical values for placeholders, so templates are measured as people read them.
PLACEHOLDERS = {
    "name": "Kooth",
    "summary": "Free online counselling and chat for young people.",
    "reason": " In Hackney, for ages 11 to 19, you can refer yourself.",
    "contact": " Phone: 0800 1111. Website: kooth.com.",
    "phone": "0800 1111",
    "sms": "Text SHOUT to 85258",
    "website": "kooth.com",
    "hours": "24 hours a day",
    "names": "Specialist CAMHS",
    "email": "jo@samaritans.org",
    "routes": "you can refer yourself",
    "modes": "online and by phone",
    "audiences": "young people and parents and carers",
    "topics": "worry and anxiety and sleep problems",
    "place": "Hackney",
}
SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
CONTACT_PARTS = re.compile(r"utter_service_(phone|sms|website|hours|email|mode_\w+|audience_\w+|and)$")


def _in_another_language(variation: Dict) -> bool:
    """Variations chosen by the `language` slot are not English: an English readability formula says nothing
    about them (native-speaker review instead: hazard H18). Their English defaults are measured."""
    return any(c.get("name") == "language" for c in variation.get("condition") or [])


def _variations() -> Iterator[Tuple[str, int, Dict]]:
    domain = yaml.safe_load((ROOT / "domain.yml").read_text())
    for name, variations in domain["responses"].items():
        if CONTACT_PARTS.match(name):
            continue
        for index, variation in enumerate(variations):
            if not _in_another_language(variation):
                yield name, index, variation


def _audiences(variation: Dict, response_has_child_variation: bool) -> Set[str]:
    conditions = {c["name"]: c["value"] for c in variation.get("condition") or []}
    if conditions.get("age_band") in BAND_OF:
        return {BAND_OF[conditions["age_band"]]}
    if conditions.get("role") in ("parent", "professional"):
        return {"adult"}
    return {"teen", "adult"} if response_has_child_variation else {"child", "teen", "adult"}


def _measured_text(text: str) -> str:
    return text.format(**PLACEHOLDERS).strip()


def _cases() -> List[Tuple[str, str, Set[str]]]:
    variations = list(_variations())
    with_child = {
        name for name, _, v in variations if any(c["value"] == "child" for c in v.get("condition") or [])
    }
    return [
        (f"{name}[{index}]", _measured_text(v["text"]), _audiences(v, name in with_child))
        for name, index, v in variations
        if v.get("text")
    ]


CASES = _cases()
#: Replies a young person can receive (not only adults): the long-sentence rule applies to these only.
YOUNG_CASES = [case for case in CASES if case[2] != {"adult"}]


@pytest.mark.parametrize("case, text, audiences", CASES, ids=[c[0] for c in CASES])
def test_reading_grade_suits_everyone_who_can_receive_it(case: str, text: str, audiences: Set[str]) -> None:
    limit = min(GRADE_LIMIT[a] for a in audiences)
    grade = textstat.flesch_kincaid_grade(text)
    assert grade <= limit, f"{case}: grade {grade} > {limit} for {sorted(audiences)}: {text!r}"


@pytest.mark.parametrize("case, text, audiences", YOUNG_CASES, ids=[c[0] for c in YOUNG_CASES])
def test_no_long_sentences_for_young_people(case: str, text: str, audiences: Set[str]) -> None:
    assert audiences - {"adult"}, case
    longest = max(len(sentence.split()) for sentence in SENTENCE_END.split(text))
    assert longest <= MAX_SENTENCE_WORDS, f"{case}: a sentence of {longest} words: {text!r}"


def test_every_band_and_role_has_its_own_wording_somewhere() -> None:
    """Conditional variations exist for each age band and role, not just a default for all."""
    conditions = {(c["name"], c["value"]) for _, _, v in _variations() for c in v.get("condition") or []}
    for needed in [
        ("age_band", "child"),
        ("role", "parent"),
        ("role", "professional"),
        ("age_band", "young_adult"),
    ]:
        assert needed in conditions, needed
