"""Proportionate safeguarding (issue 14, behaviour 5): a child's tantrums, meltdowns and hitting or biting a
sibling or parent are support for the parent (risk.yml exception proportion.child_behaviour); an adult
hurting a child, sexual harm, exploitation and a child not safe at home still escalate at once."""

from __future__ import annotations

import pytest

from bot.nlu.risk.detector import RiskMatcher


@pytest.mark.parametrize(
    "text",
    [
        "my 6 year old has tantrums and keeps hitting his little sister",
        "my daughter has meltdowns and hits her brother",
        "my 4 year old hits me when he's angry",
        "my toddler kicks and screams and hits me",
        "my 7 year old hit his sister with a toy",
        "my son has meltdowns and hits me",
        "my 3 year old bites me and hits his brother",
        "my child has violent outbursts and hits his siblings",
    ],
)
def test_ordinary_child_behaviour_is_not_escalated(matcher: RiskMatcher, text: str) -> None:
    assert matcher.detect(text) is None


@pytest.mark.parametrize(
    "text, category",
    [
        ("my dad hits my sister", "abuse"),
        ("my stepdad gets angry and hits my little brother", "abuse"),
        ("my son's dad hits him", "abuse"),
        ("my 6yo says her uncle touched her", "abuse"),
        ("my son is being made to sell drugs", "abuse"),
        ("she is not safe at home", "danger"),
        ("he bit his sister and she was bleeding", "abuse"),
    ],
)
def test_real_harm_still_escalates(matcher: RiskMatcher, text: str, category: str) -> None:
    result = matcher.detect(text)
    assert result is not None and result.category == category, text


@pytest.mark.parametrize(
    "text",
    [
        "My 6 year old has massive tantrums every day, screaming, throwing things, sometimes hits his little sister.",
        "my son has meltdowns where he throws his toys and breaks stuff",
        "tantrums and sometimes hits his little sister",
        "My son is 8 and his tantrums have got a lot worse. He screams, throws things and yesterday he hit his"
        " little sister when she took his tablet.",
    ],
)
def test_a_tantrum_that_throws_things_is_not_danger(matcher: RiskMatcher, text: str) -> None:
    """Throwing things in a tantrum matched the danger rule for someone smashing things at home."""
    assert matcher.detect(text) is None


@pytest.mark.parametrize(
    "text",
    ["my dad is smashing things and shouting", "my stepdad hits my little sister when he has a tantrum"],
)
def test_an_adult_smashing_things_or_hitting_a_child_still_escalates(matcher: RiskMatcher, text: str) -> None:
    assert matcher.detect(text) is not None
