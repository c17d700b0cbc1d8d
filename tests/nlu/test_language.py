"""bot.nlu.language: "I can only chat in English" only for messages that are not English (issue 14, 3)."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.language import LanguageGuess, OtherLanguageDetector


@pytest.fixture(scope="module")
def guess() -> LanguageGuess:
    return LanguageGuess()


@pytest.mark.parametrize(
    "text, code",
    [
        ("hola necesito ayuda para mi hijo", "es"),
        ("mon fils est très triste depuis des semaines", "fr"),
        ("moja córka jest bardzo smutna", "pl"),
        ("ابني حزين جدا", "ar"),
        ("Eu preciso de ajuda com a minha filha", "pt"),
    ],
)
def test_other_languages_are_recognised(guess: LanguageGuess, text: str, code: str) -> None:
    assert guess.other_language(text) == code


@pytest.mark.parametrize(
    "text",
    [
        "which of these is free?",
        "ok im safe for now",
        "what is Off Centre",
        "idk",
        "help pls",
        "lol ok thx",
        "u ok hun",
        "tell me more about kooth",
        "wat is dis",
        "my son is 14 and lives in Hackney",
        "i feel like nobody cares",
    ],
)
def test_english_short_or_typo_stays_english(guess: LanguageGuess, text: str) -> None:
    assert guess.other_language(text) is None


def test_the_component_sets_the_intent_and_the_language_hook() -> None:
    message = Message(data={"text": "hola necesito ayuda para mi hijo", "intent": {"name": "nlu_fallback"}})
    OtherLanguageDetector().process([message])
    assert message.get("intent")["name"] == "other_language"
    assert {"entity": "language", "value": "es"}.items() <= message.get("entities")[0].items()
    button = Message(data={"text": '/inform{"role":"parent"}', "intent": {"name": "inform"}})
    OtherLanguageDetector().process([button])
    assert button.get("intent")["name"] == "inform"


@pytest.mark.parametrize(
    "text",
    [
        "whats the wellbeing hub",
        "I'm his foster carer",
        "we're in harringey",
        "whats a pyschiatrist",
        "what is a child psychiatrist",
        "which organisation made this",
        "idk how to describe it",
        "how do i get more followers on tiktok",
        "im so stresed abt skool",
    ],
)
def test_english_the_quick_read_took_for_another_language_stays_english(
    guess: LanguageGuess, text: str
) -> None:
    """Lingua's low-accuracy mode alone was over 90% sure these were German, Romanian, Somali..."""
    assert guess.other_language(text) is None
