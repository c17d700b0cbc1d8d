"""Service names in messages, also misspelt (bot/nlu/extractors/services.py), and the question lexicon."""

from __future__ import annotations

from typing import List

import pytest

from bot.nlu.extractors.lexicon import load_lexicons
from bot.nlu.extractors.services import ServiceNames


@pytest.fixture(scope="module")
def names() -> ServiceNames:
    return ServiceNames.from_directory()


@pytest.mark.parametrize(
    "text, expected",
    [
        ("what is Off Centre", ["off-centre"]),
        ("whats off center", ["off-centre"]),
        ("does kooth cost anything", ["kooth"]),
        ("tell me more about koth", ["kooth"]),
        ("how do i contact first steps", ["first-steps"]),
        ("is childline open at night", ["childline"]),
        ("samaratins number", ["samaritans"]),
        ("is Shout free?", ["shout"]),
        ("growing mind sounds good", ["growing-minds"]),
        ("kooth or the mix?", ["kooth", "the-mix"]),
    ],
)
def test_service_names_are_found(names: ServiceNames, text: str, expected: List[str]) -> None:
    assert [m.service_id for m in names.find(text)] == expected


@pytest.mark.parametrize(
    "text", ["i want to shout", "my heart beat fast", "what is camhs", "i feel sad", "first"]
)
def test_everyday_words_are_not_names(names: ServiceNames, text: str) -> None:
    assert names.find(text) == []


@pytest.fixture(scope="module")
def questions():
    return load_lexicons(["bot/nlu/lexicons/service_questions.yml", "bot/nlu/lexicons/needs.yml"])


@pytest.mark.parametrize(
    "text, expected",
    [
        ("is the first one free", {("service_position", "1"), ("service_fact", "cost")}),
        ("which of these is free?", {("service_position", "all"), ("service_fact", "cost")}),
        ("how do i contact the second one", {("service_position", "2"), ("service_fact", "contact")}),
        ("is it online?", {("service_fact", "online")}),
        ("can i go this week", {("service_fact", "referral"), ("service_fact", "waiting")}),
        ("im a care leaver", {("need", "care_experienced")}),
        ("i'm gay", {("need", "lgbtq")}),
        ("my son is mixed race", {("need", "black_mixed_heritage")}),
        ("i look after my mum", {("need", "young_carer")}),
        ("he is autistic", {("need", "send")}),
        # "private" alone is about being told, not money: "she's very private" asked who could go alone
        (
            "which of them can he use by himself, he is very private",
            {("service_position", "all"), ("service_fact", "referral")},
        ),
        ("would we have to go private", {("service_fact", "cost")}),
        ("could i text them, i hate phone calls", {("service_fact", "online")}),
        ("ok. which one I call first?", {("service_position", "best")}),
        ("which would you recommend", {("service_position", "best")}),
        # an opening message, not a choice among listed services
        ("i dont know where to start, whats best for her", {("service_fact", "what")}),
    ],
)
def test_questions_and_needs_are_read(questions, text: str, expected: set) -> None:
    assert {(h.entity, h.value) for lexicon in questions for h in lexicon.find(text)} == expected
