"""bot/dialogue/nlg.py over the real domain: parents and professionals never get a child's wording, and the choice
between matching variations is the first in domain.yml, never a coin toss."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any, Dict, List

import pytest
import yaml
from rasa.shared.core.domain import Domain

from bot.dialogue.nlg import FirstMatchResponses, choose_variation

ROOT = Path(__file__).resolve().parents[2]
RESPONSES: Dict[str, List[Dict[str, Any]]] = yaml.safe_load((ROOT / "domain.yml").read_text())["responses"]
SLOT_VALUES = {
    "role": [None, "young_person", "parent", "professional"],
    "age_band": [None, "child", "young_teen", "older_teen", "young_adult"],
    "risk_subject": [None, "self", "other", "unstated"],
}
PEOPLE = [dict(zip(SLOT_VALUES, values, strict=False)) for values in itertools.product(*SLOT_VALUES.values())]


def conditioned_on(variation: Dict[str, Any]) -> List[str]:
    return [c["name"] for c in variation.get("condition") or []]


@pytest.mark.parametrize("name", sorted(RESPONSES))
def test_parents_and_professionals_never_get_a_young_persons_age_band_wording(name: str) -> None:
    for person in PEOPLE:
        if person["role"] not in ("parent", "professional"):
            continue
        chosen = choose_variation(RESPONSES[name], "rest", person)
        if chosen is not None:
            slots = conditioned_on(chosen)
            assert not ("age_band" in slots and "role" not in slots), (name, person, chosen["text"][:60])


@pytest.mark.parametrize(
    "name", sorted(n for n, vs in RESPONSES.items() if any("condition" in v for v in vs))
)
def test_the_choice_is_the_same_every_time(name: str) -> None:
    for person in PEOPLE:
        texts = {(choose_variation(RESPONSES[name], "rest", person) or {}).get("text") for _ in range(20)}
        conditional = choose_variation(RESPONSES[name], "rest", person)
        if conditional is not None and conditional.get("condition"):
            assert len(texts) == 1, (name, person)


def test_a_parent_of_a_young_child_is_asked_about_their_child() -> None:
    person = {"role": "parent", "age_band": "child"}
    assert "your child" in choose_variation(RESPONSES["utter_ask_concerns"], "rest", person)["text"]
    assert (
        "your child"
        not in choose_variation(
            RESPONSES["utter_ask_concerns"], "rest", {"role": "young_person", "age_band": "child"}
        )["text"]
    )


def test_risk_with_no_one_named_is_about_the_child_for_adults_and_about_the_speaker_otherwise() -> None:
    """ "self harm" as a teacher's or parent's answer to "what are the main concerns?" is about the child."""

    def crisis(**slots: Any) -> str:
        return choose_variation(RESPONSES["utter_crisis"], "rest", {"risk_subject": "unstated", **slots})[
            "text"
        ]

    assert "the young person" in crisis(role="professional")
    assert "your child" in crisis(role="parent", age_band="young_teen")
    assert "you've hurt yourself" in crisis(role="young_person", age_band="young_teen")
    assert "tell a grown-up" in crisis(role="young_person", age_band="child")
    assert (
        choose_variation(
            RESPONSES["utter_ask_safe_now"], "rest", {"role": "professional", "risk_subject": "unstated"}
        )["text"]
        == "Are they safe right now?"
    )
    assert (
        choose_variation(
            RESPONSES["utter_ask_safe_now"], "rest", {"role": "young_person", "risk_subject": "unstated"}
        )["text"]
        == "Are you safe right now?"
    )


def test_a_young_person_reporting_a_friend_gets_the_young_persons_safeguarding_lines() -> None:
    chosen = choose_variation(
        RESPONSES["utter_safeguarding_helplines"], "rest", {"role": "young_person", "risk_subject": "other"}
    )
    assert chosen["condition"] == [
        {"type": "slot", "name": "risk_subject", "value": "other"},
        {"type": "slot", "name": "role", "value": "young_person"},
    ]


def test_endpoints_select_this_generator() -> None:
    assert yaml.safe_load((ROOT / "endpoints.yml").read_text())["nlg"] == {
        "type": "bot.dialogue.nlg.FirstMatchResponses"
    }


def test_generator_fills_slots_like_rasas() -> None:
    domain = Domain.from_dict({"responses": {"utter_x": [{"text": "Hi {name}"}]}, "slots": {}})
    reply = FirstMatchResponses(domain=domain).generate_from_slots("utter_x", {"name": "Sam"}, "rest")
    assert reply["text"] == "Hi Sam"
