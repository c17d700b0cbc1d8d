"""Unit tests of the rule-based detector: categories, subjects, hyperbole, spelling, odd input."""

from __future__ import annotations

import pytest

from bot.nlu.risk.detector import RiskMatcher
from tests.nlu.risk.conftest import verdict

CRISIS = [
    # (text, category, subject)
    ("i wanna kms", "suicide", "self"),
    ("don't want to be here anymore", "suicide", "unstated"),
    ("everyone would be better off without me", "suicide", "self"),
    ("won't be here tomorrow", "suicide", "unstated"),
    ("want to go to sleep and never wake up", "suicide", "self"),
    ("what's the point in living", "suicide", "self"),
    ("I've written a note for my family", "suicide", "self"),
    ("been giving my stuff away", "suicide", "unstated"),
    ("thinking about jumping off the bridge", "suicide", "unstated"),
    ("gonna step in front of a train", "suicide", "unstated"),
    ("bought a rope today to hang myself", "suicide", "self"),
    ("how many paracetamol would kill you", "suicide", "self"),
    ("what's the most painless way to die", "suicide", "unstated"),
    ("i want to unalive myself", "suicide", "self"),
    ("thinking about sewerslide", "suicide", "unstated"),
    ("i just want to end it all", "suicide", "self"),
    ("ima kys fr", "suicide", "self"),
    ("took a load of pills", "overdose", "self"),
    ("swallowed a packet of paracetamol", "overdose", "self"),
    ("i took 30 ibuprofen", "overdose", "self"),
    ("i think i od'd", "overdose", "self"),
    ("sh again last night", "self_harm", "unstated"),
    ("clean for 3 months then relapsed", "self_harm", "self"),
    ("cut my wrists", "self_harm", "self"),
    ("I cut my arm with a blade", "self_harm", "self"),
    ("been burning myself", "self_harm", "self"),
    ("keep scratching my arms till they bleed", "self_harm", "self"),
    ("i've been cutting again", "self_harm", "self"),
    # phrases that a one-token alternative in the lexicon used to hide
    ("im going to throw myself infront of a train", "suicide", "self"),
    ("i keep my blades hidden for when its bad", "self_harm", "self"),
    ("i dont see a future for myself", "suicide", "self"),
    # someone else's plan told second-hand
    ("my mate messaged from the station saying she wants to jump", "suicide", "other"),
]

SAFEGUARDING = [
    # threats and weapons told by a witness, a parent or a teacher
    ("my cousin has started carrying a blade to college", "danger", "other"),
    ("he says hes planning to stab someone after school", "danger", "unstated"),
    ("my cousin said he is going to kill someone tonight", "danger", "other"),
    ("we got chased by older boys with knives", "danger", "self"),
    ("the coach hits kids with a stick when they miss", "abuse", "other"),
    ("my son is being hurt by his childminder", "abuse", "other"),
    ("my stepdad hits me", "abuse", "self"),
    ("he hits me", "abuse", "self"),
    ("not safe at home", "danger", "unstated"),
    ("someone is touching me", "abuse", "self"),
    ("scared to go home", "danger", "unstated"),
    ("i'm being forced to sell drugs", "abuse", "self"),
    ("my dad hits my mum and me", "abuse", "self"),
    ("my dad hits my mum", "abuse", "other"),
    ("he's 25 and i'm 14", "abuse", "self"),
    ("someone is following me", "danger", "self"),
    ("he said he'll kill me", "danger", "self"),
    ("my dad hits my sister", "abuse", "other"),
    ("he said i must not tell anyone what he does to me", "abuse", "unstated"),
    ("he told me not to tell anyone", "abuse", "unstated"),
    ("im hiding in my room because dad is drunk and smashing stuff", "danger", "self"),
    ("i want to hide in my room all day because my dad is drunk", "danger", "self"),
    ("im 14 and my boyfriend is 22", "abuse", "self"),
    ("a gang is making me sell", "abuse", "self"),
    ("my coach asked me for pics", "abuse", "unstated"),
    ("a teacher keeps messaging me and asked for pics", "abuse", "self"),
    ("he locked the door and i cant get out", "danger", "self"),
    ("a girl in my class says shes going to leak a photo of me i sent", "abuse", "self"),
]

OTHERS = [
    ("my son has been self harming", "self_harm"),
    ("my daughter took an overdose", "overdose"),
    ("my friend wants to kill herself", "suicide"),
    ("my mate said he wants to die", "suicide"),
    ("my bf keeps talking about ending his life", "suicide"),
    ("someone in my class is cutting herself", "self_harm"),
    ("a pupil told me she is suicidal", "suicide"),
    ("a young person I work with is self-harming", "self_harm"),
    ("my sister has been cutting", "self_harm"),
    ("my child is being abused", "abuse"),
    ("my son has a knife in his room and says he'll use it on himself", "self_harm"),
]

HYPERBOLE = [
    "this homework is killing me",
    "im going to kill my brother he ate my cake",
    "my mum is going to kill me when she sees my report",
    "my teacher asked for pictures of our project",
    "she used the money on herself",
    "i just want to hide in my room all day",
    "some days i cant get out of bed",
    "can u show me the pics i sent u",
    "i want to run away from all my problems",
    "my mum made me sell my old toys",
    "i dont see a future with him",
    "i dont see a future in football for me",
    "dying of laughter",
    "I'm dead 💀",
    "my phone is dying",
    "I'd kill for a pizza",
    "killed it at the match",
    "cut my hair",
    "cutting down on sugar",
    "shoot me a message",
    "I could murder a burger",
    "the suspense is killing me",
    "that test was suicide",
    "we watched a film about suicide",
    "our history lesson was about suicide in the trenches",
    "my cat died",
    "my grandad died last week",
    "my mum will kill me if i'm late",
    "my brother beat me at fifa",
    "you should kys",
    "i'm od tired",
    "i burnt myself on the oven",
    "i hurt myself playing football",
    "follow me on insta",
    "i want to overcome my anxiety",
    "i took 2 paracetamol for my headache",
    "i'm not suicidal, just stressed",
    "shes not in danger rn shes at home",
    "he's not in immediate danger, he's in his room",
]

MISSPELT = [
    ("suicde", "suicide"),
    ("i feel sucidal", "suicide"),
    ("killmyself", "suicide"),
    ("i want to kil myslef", "suicide"),
    ("selfharm", "self_harm"),
    ("self harm", "self_harm"),
    ("self-harm", "self_harm"),
    ("k1ll mys3lf", "suicide"),
    ("s*icidal", "suicide"),
    ("took a load of paracetemol", "overdose"),
    ("i wnat to die", "suicide"),
    ("IM SOOOO SUICIDAL", "suicide"),
]


@pytest.mark.parametrize("text,category,subject", CRISIS)
def test_crisis_is_detected(matcher: RiskMatcher, text: str, category: str, subject: str) -> None:
    assert verdict(matcher, text) == ("crisis", category, subject)


@pytest.mark.parametrize("text,category,subject", SAFEGUARDING)
def test_safeguarding_is_detected(matcher: RiskMatcher, text: str, category: str, subject: str) -> None:
    assert verdict(matcher, text) == ("safeguarding", category, subject)


@pytest.mark.parametrize("text,category", OTHERS)
def test_someone_else_at_risk_is_subject_other(matcher: RiskMatcher, text: str, category: str) -> None:
    assert verdict(matcher, text)[1:] == (category, "other")


@pytest.mark.parametrize("text", HYPERBOLE)
def test_hyperbole_and_ordinary_talk_do_not_escalate(matcher: RiskMatcher, text: str) -> None:
    assert matcher.detect(text) is None


@pytest.mark.parametrize("text,category", MISSPELT)
def test_misspellings_and_run_together_words(matcher: RiskMatcher, text: str, category: str) -> None:
    assert verdict(matcher, text)[1] == category


@pytest.mark.parametrize(
    "text",
    ["im in danger right now", "she's not in danger but he has a knife and says he's going to stab someone"],
)
def test_danger_not_denied_in_the_same_words_still_escalates(matcher: RiskMatcher, text: str) -> None:
    assert verdict(matcher, text)[:2] == ("safeguarding", "danger")


def test_risk_after_hyperbole_in_the_same_message_still_escalates(matcher: RiskMatcher) -> None:
    assert verdict(matcher, "this homework is killing me and honestly i want to kill myself")[1] == "suicide"
    assert verdict(matcher, "my grandad died and now i want to die too")[1] == "suicide"


def test_speaker_risk_wins_over_someone_elses(matcher: RiskMatcher) -> None:
    result = matcher.detect("my friend tried to kill herself and now i've started cutting again")
    assert (result.category, result.subject) == ("self_harm", "self")


def test_overdose_outranks_other_categories(matcher: RiskMatcher) -> None:
    assert verdict(matcher, "i want to die so i took a load of pills")[1] == "overdose"


def test_result_carries_pattern_ids_only(matcher: RiskMatcher) -> None:
    result = matcher.detect("i wanna kms")
    assert result.pattern_ids == ("suicide.kms",)


def test_exceptions_are_reported_for_the_ml_check(matcher: RiskMatcher) -> None:
    analysis = matcher.analyse("this homework is killing me")
    assert analysis.result is None and analysis.hyperbole
    assert not matcher.analyse("can you help me find a counsellor").hyperbole


ODD = [
    "",
    "   ",
    "\x00\x01\x02",
    "💀💀💀",
    "😭",
    "\u202e\u200b",
    "こんにちは",
    "Привет",
    "مرحبا",
    "a" * 100_000,
    "kill " * 20_000,
    "\n" * 5000,
    "🔪" * 3000,
    "1234567890" * 100,
    "'''''\"\"\"",
    "@@@@ $$$ !!! ???",
    "#num #many",
    None,
    12345,
    "x " * 150_000,
]


@pytest.mark.parametrize("text", ODD, ids=[f"odd{i}" for i in range(len(ODD))])
def test_odd_input_never_raises(matcher: RiskMatcher, text) -> None:
    """Odd input neither raises nor escalates, and does not stop a risk phrase after it being found."""
    assert matcher.analyse(text).result is None
    if isinstance(text, str):
        assert verdict(matcher, text + " i want to kill myself")[:2] == ("crisis", "suicide")


def test_risk_at_the_end_of_a_very_long_message_is_found(matcher: RiskMatcher) -> None:
    text = "blah " * 20_000 + "i want to kill myself"
    assert verdict(matcher, text)[1] == "suicide"


def test_risk_at_either_end_of_an_over_long_paste_is_found(matcher: RiskMatcher) -> None:
    filler = "and then we went to the shops " * 10_000
    assert verdict(matcher, "i took a load of pills " + filler)[1] == "overdose"
    assert verdict(matcher, filler + " i took a load of pills")[1] == "overdose"


def test_risk_across_a_window_boundary_is_found(matcher: RiskMatcher) -> None:
    for pad in range(1100, 1300, 7):
        text = "x" * pad + " i want to kill myself " + "y " * 600
        assert verdict(matcher, text)[1] == "suicide", pad


def test_guess_subject(matcher: RiskMatcher) -> None:
    assert matcher.guess_subject("i feel awful") == "self"
    assert matcher.guess_subject("my daughter is not coping at all") == "other"


@pytest.mark.parametrize(
    "text, mention_only",
    [
        ("what is self harm", True),
        ("is county lines a real thing", True),
        ("i am suicidal", False),
        ("my daughter self harms", False),
        ("i keep wanting to sh", False),
        ("im 15 and i sh", False),
        ("i want to end it all", False),
        ("they make me sell drugs", False),
        ("i want 2 die", False),
        ("i am cutting again", False),
        ("did an od 20 mins ago and now im scared", False),
    ],
)
def test_a_topic_named_is_told_from_a_statement(matcher: RiskMatcher, text: str, mention_only: bool) -> None:
    """Only a hit made of `mention` entries alone may be weighed by the learned decision; someone saying they
    are suicidal, self-harm or overdosed is a plain statement (and "2" for "to" is read as "to")."""
    result = matcher.analyse(text).result
    assert result is not None and result.mention_only is mention_only, (text, result)


@pytest.mark.parametrize(
    "text",
    [
        "why do u need to know where i live",
        "you don't need to know where I live, just tell me what's online",
        "One of my Year 9 pupils has become very anxious and is missing lots of school",
        "he's been missing school since september",
        "she is missing her dad since the divorce",
    ],
)
def test_asking_why_an_area_is_needed_or_missing_school_is_not_danger(
    matcher: RiskMatcher, text: str
) -> None:
    """A question to the assistant about its area question, and school attendance, matched danger rules."""
    assert matcher.detect(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "he found out where i live and keeps turning up",
        "my ex knows where i live now",
        "my 14 year old daughter is missing",
        "she's been missing since friday",
        "he went missing from school today",
    ],
)
def test_someone_locating_a_young_person_or_a_missing_child_still_escalates(
    matcher: RiskMatcher, text: str
) -> None:
    result = matcher.detect(text)
    assert result is not None and result.category == "danger", text


PLAIN_SHAPES = [
    # (text, category): plain words in shapes the patterns once missed (development writers T16, T17)
    ("i. want. to. die.", "suicide"),
    ("SELF. HARM. i do it, most nights.", "self_harm"),
    ("self harn again tonight", "self_harm"),
    ("been feeling really suicidal since the exams", "suicide"),
    ("my self harm is getting worse every week", "self_harm"),
    ("does anyone else self harm? i do", "self_harm"),
    ("Year 9 pupil with self-harm to both forearms, seen by the school nurse today", "self_harm"),
    ("my brother is carrying a knife to school", "danger"),
    ("my son has got a knife in his coat", "danger"),
    ("my mate has a knife and says he wants to stab someone", "danger"),
    ("i'm homeless tonight and its raining", "danger"),
    ("she was touched by a man in her family", "abuse"),
    ("it's my husband. he hits me when the kids are asleep", "abuse"),
    ("clean for a year and then cut again last night", "self_harm"),
    ("like 25 tablets about an hour ago", "overdose"),
]

PLAIN_SHAPES_LOOK_ALIKES = [
    "ok. thanks. bye.",
    "the power cut again last night so no wifi",
    "got my hair cut again today",
    "she bought 32 paracetamol an hour ago from the chemist",
    "my daughter has a knife and fork set for her dolls house",
    "i was so touched by her kindness",
    "i was homeless last year but i have a flat now",
    "self harm is something i do not understand, can you explain it",
]


@pytest.mark.parametrize("text,category", PLAIN_SHAPES)
def test_plain_statements_in_unusual_shapes_are_statements(
    matcher: RiskMatcher, text: str, category: str
) -> None:
    result = matcher.detect(text)
    assert result is not None and result.category == category
    assert not result.mention_only, "a plain statement is never a mere mention the models may overrule"


@pytest.mark.parametrize("text", PLAIN_SHAPES_LOOK_ALIKES)
def test_look_alikes_of_the_plain_shapes_are_not_statements(matcher: RiskMatcher, text: str) -> None:
    result = matcher.detect(text)
    assert result is None or result.mention_only
