"""bot/nlu/language: detection, crisis words in other languages, the Rasa component and its replies."""

from __future__ import annotations

import glob
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest
import yaml
from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.language.component import LanguageGate
from bot.nlu.language.detect import ENGLISH, default_identifier, main_script
from bot.nlu.language.lexicon import default_matcher, load_languages

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize(
    "text, code",
    [
        ("আমার মেয়ের জন্য সাহায্য দরকার", "bn"),
        ("મને મદદ જોઈએ છે", "gu"),
        ("ਮੈਨੂੰ ਮਦਦ ਚਾਹੀਦੀ ਹੈ", "pa"),
        ("எனக்கு உதவி வேண்டும்", "ta"),
        ("我需要帮助", "zh"),
        ("איך דארף הילף", "yi"),
        ("أحتاج إلى مساعدة لابني", "ar"),
        ("مجھے اپنے بیٹے کے لیے مدد چاہیے", "ur"),
        ("من برای پسرم کمک می خواهم", "fa"),
        ("Мені потрібна допомога для моєї доньки", "uk"),
        ("Имам нужда от помощ за детето си", "bg"),
        ("Potrzebuję pomocy dla mojej córki, ona ma czternaście lat", "pl"),
        ("Hola, necesito ayuda para mi hija de catorce años", "es"),
        ("Waxaan u baahanahay caawimaad gabadhayda", "so"),
    ],
)
def test_languages_are_told_apart_by_script_and_by_the_detector(text: str, code: str) -> None:
    assert default_identifier().identify(text) == code


@pytest.mark.parametrize(
    "text",
    [
        "hi",
        "ok",
        "15 hackney",
        "i really want to go home now its late",
        "ramadan plus exams is a lot ngl",
        "wht hapens if u dont wake up frm taking all ur antidepressants",
        "dad kicks me when hes drunk",
    ],
)
def test_short_or_misspelt_english_stays_english(text: str) -> None:
    assert default_identifier().identify(text) in (ENGLISH, None)


def test_almost_no_english_message_of_the_risk_corpus_is_read_as_another_language() -> None:
    """At most 1 in 3,000. Short misspelt English can still look like another language to the detector
    ("i cutt myslef agian" reads as Italian); the reply then carries the English text too, and the English
    risk decision has already been made."""
    identifier = default_identifier()
    texts = [
        m["text"]
        for f in glob.glob(str(ROOT / "corpus/risk/*.yml"))
        for m in yaml.safe_load(Path(f).read_text(encoding="utf-8"))["messages"]
    ]
    assert len(texts) > 5000
    wrong = [t for t in texts if identifier.identify(t) not in (ENGLISH, None)]
    assert len(wrong) <= len(texts) // 3000, wrong


def test_no_crisis_word_of_another_language_fires_on_the_english_corpus() -> None:
    """Not on an everyday English message; a risk message may quote one ("she wrote 'chcę umrzeć'")."""
    matcher = default_matcher()
    texts = [
        m["text"]
        for f in glob.glob(str(ROOT / "corpus/risk/*.yml"))
        for m in yaml.safe_load(Path(f).read_text(encoding="utf-8"))["messages"]
        if m["label"] == "none"
    ]
    assert [t for t in texts if any(h.category for h in matcher.find(t))] == []


@pytest.mark.parametrize(
    "text, code, category",
    [
        ("chcę się zabić", "pl", "suicide"),
        ("CHCE SIE ZABIC dzisiaj", "pl", "suicide"),
        ("我想自杀", "zh", "suicide"),
        # a parent, friend or professional about someone else (third person)
        ("o meu filho diz que quer morrer", "pt", "suicide"),
        ("mi hija ya no quiere vivir", "es", "suicide"),
        ("ma fille se scarifie depuis un mois", "fr", "self_harm"),
        ("syn polknal tabletki", "pl", "overdose"),
    ],
)
def test_crisis_words_are_found_with_or_without_accents_and_case(text: str, code: str, category: str) -> None:
    hits = [h for h in default_matcher().find(text) if h.category]
    assert hits and hits[0].language == code and hits[0].category == category


def test_crisis_words_match_whole_words_only_in_spaced_scripts() -> None:
    matcher = default_matcher()
    polish = load_languages().languages["pl"].crisis
    phrase = next(p for phrases in polish.values() for p in phrases if " " not in p)
    assert any(h.category for h in matcher.find(f"to jest {phrase}"))
    assert not any(h.category for h in matcher.find(f"to jest x{phrase}x"))


@pytest.mark.parametrize("text, code", [("do you speak Somali?", "so"), ("Polish please", "pl")])
def test_asking_in_english_for_a_language_names_it(text: str, code: str) -> None:
    assert [h.language for h in default_matcher().find(text) if h.category is None] == [code]


def test_script_share_counts_letters_only() -> None:
    share = main_script("!!! 123 我想死")
    assert share.script == "Han" and share.letters == 3 and share.share == 1.0


# ------------------------------------------------------------------------------------- the Rasa component
def _message(text: str, intent: str = "greet") -> Message:
    return Message(data={TEXT: text, INTENT: {"name": intent, "confidence": 0.9}})


def _run(text: str, intent: str = "greet") -> Message:
    message = _message(text, intent)
    LanguageGate(default_matcher(), default_identifier()).process([message])
    return message


def _entity(message: Message, kind: str) -> Optional[str]:
    return next((e["value"] for e in message.get(ENTITIES) or [] if e["entity"] == kind), None)


def test_a_crisis_message_in_another_language_escalates_with_its_language() -> None:
    message = _run("am luat toate pastilele din cutie", "greet")
    assert message.get(INTENT)["name"] == "crisis"
    assert _entity(message, "risk_category") == "overdose"
    assert _entity(message, "risk_subject") == "unstated"
    assert _entity(message, "language") == "ro"


def test_an_everyday_message_in_another_language_gets_the_other_language_intent() -> None:
    message = _run("Potrzebuję pomocy dla mojej córki, ona ma czternaście lat", "nlu_fallback")
    assert message.get(INTENT)["name"] == "other_language"
    assert _entity(message, "language") == "pl"


def test_a_safety_question_from_the_english_models_gives_way_to_the_language_reply() -> None:
    message = _run("Potrzebuję pomocy dla mojej córki, ona ma czternaście lat", "risk_check")
    assert message.get(INTENT)["name"] == "other_language"


def test_an_english_escalation_is_never_undone() -> None:
    message = _run("i want to kill myself", "crisis")
    assert message.get(INTENT)["name"] == "crisis"
    assert _entity(message, "language") is None


def test_english_messages_are_left_as_they_were() -> None:
    message = _run("my son is 14 and anxious, we live in hackney", "inform")
    assert message.get(INTENT)["name"] == "inform" and message.get(ENTITIES) is None


# ------------------------------------------------------------------------------------- the replies
def _responses() -> Dict[str, List[Dict[str, Any]]]:
    return yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))["responses"]


@pytest.mark.parametrize("code", sorted(load_languages().languages))
def test_every_language_has_its_replies_with_the_four_facts(code: str) -> None:
    names = load_languages().languages[code].interpreter_names
    responses = _responses()
    for response in ("utter_other_language", "utter_crisis", "utter_safeguarding"):
        variations = [
            v
            for v in responses[response]
            if {"type": "slot", "name": "language", "value": code} in (v.get("condition") or [])
        ]
        assert len(variations) == 1, (response, code)
        text = variations[0]["text"]
        assert "999" in text and "111" in text and any(n in text for n in names), (response, code, text)
        if response != "utter_other_language":
            assert variations[0]["custom"]["escalation"] in ("crisis", "safeguarding")
