"""The context cues (bot/nlu/lexicons/risk_context.yml): what kind of message risk words sit in.

A cue lets the learned decision weigh a rule hit; `current` stops it. These pin what the lists say for
wordings the development corpus showed they missed.
"""

from __future__ import annotations

import pytest

from bot.nlu.risk.context import CURRENT, default_cues
from bot.nlu.risk.decision import weighable
from bot.nlu.risk.detector import RiskResult

HIT = RiskResult("crisis", "suicide", "self", ("suicide.word",))


@pytest.mark.parametrize(
    "text,kind",
    [
        ("i was suicidal two winters ago but therapy helped", "recovery"),
        ("self harmed in year 9, im fine now", "recovery"),
        ("she took an overdose in 2021 and has been well since", "recovery"),
        ("the dark thoughts have gone since i got help", "recovery"),
        ("i dont have any thoughts about hurting myself, just exam stress", "negation"),
        ("no danger, no self harm, i just cant sleep", "negation"),
        ("nothing's happened, i just want to know the signs of grooming", "negation"),
        ("she's not being bullied online or anything, she just wants a new phone", "negation"),
        ("my old sh scars have gone silver, can i get a tattoo over them", "recovery"),
        ("sliced my thumb chopping peppers, do i need stitches", "accident"),
        ("my brother will kill me, i ate my way through his easter eggs", "hyperbole"),
        ("my daughter's 3 and bites when she's cross", "young_child"),
        ("what should i do if a pupil tells me they're being hurt at home", "professional"),
        # recovery told with an age then and now, or a stretch of time without harm
        ("i cut myself when i was 13, i'm 19 now and working", "recovery"),
        ("hasn't harmed herself for almost two years", "recovery"),
        ("i haven't relapsed since easter, small wins", "recovery"),
        ("self harm free for 400 days", "recovery"),
        ("my son is back at school and laughing again after a dark time", "recovery"),
        # the person says the risk is not there
        ("i don't self harm, i just bite my nails", "negation"),
        ("my stepdad isn't violent, just loud. how do we get on better", "negation"),
        ("no intention of hurting myself, i just want a therapist", "negation"),
        ("youth worker, no safeguarding concern, just a bored 15 year old", "negation"),
    ],
)
def test_harmless_contexts_are_named(text: str, kind: str) -> None:
    assert kind in default_cues().find(text)


@pytest.mark.parametrize(
    "text",
    [
        "i relapsed last night after two years clean",
        "it's back again and i cant stop",
        "i feel fine now but i'm not safe at home",
        "i relapsed today, years of nothing and then this",
        "the urges are back since i moved school",
        "i stopped for a year but my uncle still does it when we visit",
        "two years clean and i just took a whole strip",
        "they're making me hold stuff for them since i was 15, i'm 19 now",
    ],
)
def test_risk_that_is_now_is_never_weighed_away(text: str) -> None:
    context = default_cues().find(text)
    assert CURRENT in context
    assert not weighable(HIT, context)


def test_a_time_word_alone_neither_stops_nor_lets_the_decision_weigh() -> None:
    """'Tonight' is in ordinary plans as often as in risk: the models read it, the cues do not."""
    context = default_cues().find("celebrating two years since my overdose with a takeaway tonight")
    assert CURRENT not in context and "recovery" in context
    assert default_cues().find("i want to die tonight") == ()


@pytest.mark.parametrize(
    "text",
    [
        "wanna die lol",  # "lol" is how young people type, not a sign of a joke: the rules keep their certainty
        "my coach touched me after training",  # sports training is not study or teaching
        "the coach hurt me at football",
        "he says no one will believe me",  # "says no" is an answer only when nothing follows
        "she wants to disappear forever and she doesnt mean running away",
    ],
)
def test_everyday_words_around_a_disclosure_do_not_let_it_be_weighed(text: str) -> None:
    assert default_cues().find(text) == ()
    assert not weighable(HIT, default_cues().find(text))
