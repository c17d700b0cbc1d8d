"""What the escalation replies say: only checked numbers, always 999, a marker, and nothing that falsely
reassures or talks someone out of getting emergency help."""

from __future__ import annotations

import re
import subprocess
import sys
from typing import Dict, Iterator, List, Tuple

import pytest
import yaml

from bot.server.settings import ROOT
from tests.support.reference import check_numbers_script, reference_dir

DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text())
RESPONSES: Dict[str, List[dict]] = DOMAIN["responses"]
# The first message of each escalation rule carries the marker (data/rules/safety.yml).
MARKED = {"utter_crisis": "crisis", "utter_safeguarding": "safeguarding", "utter_safety_check": "check"}
ESCALATION_RESPONSES = [
    "utter_crisis",
    "utter_crisis_lines",
    "utter_crisis_helplines",
    "utter_safeguarding",
    "utter_safeguarding_helplines",
    "utter_ask_safe_now",
    "utter_not_safe",
    "utter_urgent_help_intro",
    "utter_glad_safe",
]
# Same pattern as ../shared/tools/check_numbers.py.
PHONE = re.compile(
    r"(?<![\d.])(?:\+44\s?|0)(?:\d[\s-]?){8,10}\d(?!\d)"
    r"|(?<![\d.])(?:999|111|116\s?123|85258|0800\s?1111)(?!\d)"
)
# Wrong or low confidence in the reference (its README and confidence column): never shown.
BANNED = {"0800023465", "08009173333", "07860039967", "07786209697", "88247", "02032285980"}
# Phrases that would falsely reassure or put someone off emergency help.
NEVER_SAY = [
    "you're fine",
    "you are fine",
    "you'll be fine",
    "you will be fine",
    "nothing to worry",
    "don't worry",
    "no need to call",
    "don't call 999",
    "do not call 999",
    "not an emergency",
    "calm down",
    "it's not that bad",
    "overreacting",
    "just a phase",
    "everyone feels like that",
]


def _digits(number: str) -> str:
    return re.sub(r"\D", "", number)


def _all_texts() -> Iterator[Tuple[str, str]]:
    for name, variations in RESPONSES.items():
        for index, variation in enumerate(variations):
            yield f"{name}[{index}]", variation.get("text") or ""


def _reference_numbers() -> set:
    text = "\n".join(p.read_text() for p in reference_dir().glob("*.md"))
    return {_digits(m.group()) for m in PHONE.finditer(text)} | {"999", "111"}


@pytest.mark.parametrize("name", ESCALATION_RESPONSES)
def test_every_number_in_escalation_replies_is_checked_in_the_reference(name: str) -> None:
    known = _reference_numbers() - BANNED
    for variation in RESPONSES[name]:
        for match in PHONE.finditer(variation.get("text", "")):
            assert _digits(match.group()) in known, f"{name}: {match.group()} is not in the reference"


def test_shared_number_checker_passes_on_the_whole_project() -> None:
    result = subprocess.run(
        [sys.executable, str(check_numbers_script()), str(reference_dir()), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_cnwl_line_is_the_verified_one_not_the_seeds() -> None:
    lines = " ".join(v["text"] for v in RESPONSES["utter_crisis_lines"])
    assert "0800 0234 650" in lines and "0800 023 465" not in lines


@pytest.mark.parametrize("name, kind", MARKED.items())
def test_every_variation_of_the_first_escalation_message_carries_its_marker(name: str, kind: str) -> None:
    for variation in RESPONSES[name]:
        assert variation.get("custom") == {"escalation": kind, "category": "{risk_category}"}, variation


OVERDOSE = {"type": "slot", "name": "risk_category", "value": "overdose"}


def test_feeling_fine_after_an_overdose_renews_the_crisis_escalation() -> None:
    """ "i feel fine tho" after tablets: the answer says again to get checked now, and is marked as crisis."""
    renewed = [v for v in RESPONSES["utter_glad_safe"] if OVERDOSE in (v.get("condition") or [])]
    assert len(renewed) == 3
    for variation in renewed:
        assert variation.get("custom") == {"escalation": "crisis", "category": "{risk_category}"}, variation
        assert "999" in variation["text"] and re.search(r"fine|OK", variation["text"]), variation


def test_no_other_response_carries_an_escalation_marker() -> None:
    for name, variations in RESPONSES.items():
        if name in MARKED:
            continue
        for variation in variations:
            if name == "utter_glad_safe" and OVERDOSE in (variation.get("condition") or []):
                continue
            assert "escalation" not in str(variation.get("custom", "")), name


@pytest.mark.parametrize(
    "name", ["utter_crisis", "utter_safeguarding", "utter_not_safe", "utter_urgent_help_intro"]
)
def test_every_variation_says_to_call_999(name: str) -> None:
    for variation in RESPONSES[name]:
        assert "999" in variation["text"], f"{name}: {variation['text']!r}"


def test_every_crisis_line_variation_gives_the_111_mental_health_option() -> None:
    for variation in RESPONSES["utter_crisis_lines"]:
        assert "111" in variation["text"] and "mental health option" in variation["text"], variation


def test_third_party_wording_tells_them_to_stay_with_the_person() -> None:
    others = [
        v["text"]
        for v in RESPONSES["utter_crisis"]
        if {"name": "risk_subject", "type": "slot", "value": "other"} in (v.get("condition") or [])
    ]
    assert others and all("999" in t for t in others)
    assert any("Stay with them" in t or "stay with them" in t.lower() for t in others)


@pytest.mark.parametrize("case, text", list(_all_texts()), ids=[c for c, _ in _all_texts()])
def test_no_reply_falsely_reassures_or_discourages_emergency_help(case: str, text: str) -> None:
    lowered = text.lower().replace("\u2019", "'")
    for phrase in NEVER_SAY:
        assert phrase not in lowered, f"{case} says {phrase!r}"
