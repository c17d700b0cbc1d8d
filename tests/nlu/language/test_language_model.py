"""bot/nlu/language/model.py and gate.py: the learned risk model for other languages, on messages written
for this test (not from the corpus or any evaluation set), in several languages and scripts.

The model is trained once here on the real corpora, much as `rasa train` does (tools/eval_risk_languages.py
prints the writer-held-out figures). A few clear messages per language: the test fails when the model or
the features break (for example accents stripped from Indic vowel signs, or Chinese counted in words), not
when a stranger's wording is missed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import pytest

from bot.nlu.language.detect import default_identifier
from bot.nlu.language.gate import GateThresholds, GateVerdict, gate_verdict
from bot.nlu.language.lexicon import default_matcher
from bot.nlu.language.model import (
    ENGLISH,
    LanguageRiskModel,
    english,
    fold_scripts,
    load_language_corpus,
    long_enough,
)
from bot.nlu.risk.model import load_corpus

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def model() -> LanguageRiskModel:
    """Trained on the whole multilingual corpus and three English writers (teenagers, parents, form answers):
    `rasa train` uses every English writer and the NLU data too; three keep this test to a minute."""
    corpus = load_language_corpus(ROOT / "corpus" / "risk_languages")
    english_writers = [load_corpus(ROOT / "corpus" / "risk" / f"{w}.yml") for w in ("T1", "T3", "T7")]
    return LanguageRiskModel.train([*corpus, *(e for w in english_writers for e in english(w))])


def verdict(model: LanguageRiskModel, text: str, phrases: bool = False) -> GateVerdict:
    """What the gate does with `text` from the model alone (phrases off unless asked)."""
    hits = default_matcher().find(text) if phrases else []
    scores = model.scores(text) if long_enough(text) else None
    return gate_verdict(hits, default_identifier().identify(text), scores, GateThresholds(), text)


def test_folding_keeps_vowel_signs_and_drops_latin_accents_only() -> None:
    assert fold_scripts("Chcę się ZABIĆ!") == "chce sie zabic"
    hindi = "मैं जीना नहीं चाहती"
    assert fold_scripts(hindi) == hindi  # the vowel signs (combining marks) stay
    assert fold_scripts("আমি আর পারছি না।") == "আমি আর পারছি না"
    assert fold_scripts("Я больше не могу") == "я больше не могу"


def test_chinese_without_spaces_is_long_enough_to_judge() -> None:
    assert long_enough("我不想活了")
    assert not long_enough("ok")


CRISIS = [
    "nie chcę już żyć, mam odłożone tabletki mamy i dziś w nocy je wezmę",  # Polish
    "nu mai vreau să trăiesc, am strâns pastile și diseară le iau pe toate",  # Romanian
    "ya no quiero vivir, esta noche me voy a tomar todas las pastillas",  # Spanish
    "мне незачем жить, сегодня ночью я всё закончу",  # Russian, Cyrillic
    "میں اب جینا نہیں چاہتا، آج رات سب ختم کر دوں گا",  # Urdu, Arabic script
    "বাঁচার কোনো মানে নেই, আজ রাতে সব ওষুধ খেয়ে নেব",  # Bengali
    "我不想活了，今晚我要把药全部吃掉",  # Chinese, no spaces
    "main ab jeena nahi chahta, aaj raat sab khatam kar dunga",  # romanised Urdu / Hindi
]


@pytest.mark.parametrize("text", CRISIS)
def test_a_crisis_message_in_another_language_escalates(model: LanguageRiskModel, text: str) -> None:
    result = verdict(model, text)
    assert result.category in ("suicide", "overdose", "self_harm"), (text, model.scores(text))
    assert result.foreign


EVERYDAY = [
    ("dzień dobry, szukam pomocy dla syna, ma trzynaście lat i mieszkamy w Hackney", "pl"),
    ("buenas tardes, mi hija tiene catorce años y quiero saber dónde pedir una cita", "es"),
    ("আমার ছেলের বয়স বারো, স্কুলে বন্ধু নেই, কোথায় সাহায্য পাব", "bn"),
    ("我的女儿十四岁，最近不太想上学，请问有什么服务", "zh"),
]


@pytest.mark.parametrize("text, code", EVERYDAY)
def test_an_everyday_message_in_another_language_is_never_a_silent_miss(
    model: LanguageRiskModel, text: str, code: str
) -> None:
    """The reply in that language (999, 111, an interpreter): the language reply, or, as a false alarm, the
    crisis reply in that language. The threshold favours recall (the corpus has few plain everyday messages
    in other languages, so such a message can score near it: README, hazard H18)."""
    result = verdict(model, text, phrases=True)
    assert result.foreign and result.language == code


def test_everyday_messages_score_below_crisis_messages(model: LanguageRiskModel) -> None:
    everyday = [model.scores(text).escalate for text, _ in EVERYDAY]
    crisis = [model.scores(text).escalate for text in CRISIS]
    assert sum(crisis) / len(crisis) > sum(everyday) / len(everyday) + 0.2, (everyday, crisis)


@pytest.mark.parametrize(
    "text",
    [
        "my son is 14 and anxious, we live in hackney",
        "can you tell me what camhs actually does and how long the wait is",
        "i'm a teacher looking for a service for a year 9 student with low mood",
    ],
)
def test_english_is_left_to_the_english_pipeline(model: LanguageRiskModel, text: str) -> None:
    scores = model.scores(text)
    assert scores.language == ENGLISH
    result = verdict(model, text)
    assert result == GateVerdict(None, None, False)


def test_without_scores_the_crisis_phrases_still_decide() -> None:
    text = "am luat toate pastilele din cutie"
    result = gate_verdict(
        default_matcher().find(text), default_identifier().identify(text), None, GateThresholds()
    )
    assert result.category == "overdose" and result.language == "ro"


def _category(model: LanguageRiskModel, text: str) -> Optional[str]:
    return verdict(model, text).category


def test_abuse_in_another_language_is_a_safeguarding_category(model: LanguageRiskModel) -> None:
    assert _category(
        model, "mój ojczym mnie bije paskiem kiedy mama jest w pracy, boję się wracać do domu"
    ) in (
        "abuse",
        "danger",
    )


def test_the_components_escalate_a_crisis_message_with_its_language(model: LanguageRiskModel) -> None:
    """LanguageRiskClassifier then LanguageGate, as in config.yml: intent, category and the `language` entity
    that fills the slot the crisis reply in Polish is chosen by (no crisis phrase of languages.yml in it)."""
    from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
    from rasa.shared.nlu.training_data.message import Message

    from bot.nlu.language.classifier import LanguageRiskClassifier
    from bot.nlu.language.component import LanguageGate

    text = "napisałem już listy pożegnalne do rodziców, jutro nikt nie będzie musiał się mną przejmować"
    assert not [hit for hit in default_matcher().find(text) if hit.category]
    message = Message(data={TEXT: text, INTENT: {"name": "nlu_fallback", "confidence": 0.5}})
    classifier = LanguageRiskClassifier({}, None, None, model)  # type: ignore[arg-type]
    LanguageGate(default_matcher(), default_identifier()).process(classifier.process([message]))
    assert message.get(INTENT)["name"] == "crisis"
    entities = {e["entity"]: e["value"] for e in message.get(ENTITIES)}
    assert entities["language"] == "pl" and entities["risk_category"] == "suicide"
