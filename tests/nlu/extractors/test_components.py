"""The Rasa 3.6 components, run through process() on Rasa Message objects, as the NLU pipeline runs them."""

from __future__ import annotations

import os
from typing import Any, Dict, List, Tuple

import pytest

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

from rasa.engine.recipes.default_recipe import DefaultV1Recipe  # noqa: E402
from rasa.shared.nlu.training_data.message import Message  # noqa: E402

from bot.nlu.extractors import AgeExtractor, LexiconEntityExtractor, PlaceExtractor  # noqa: E402


@pytest.fixture(scope="module")
def pipeline() -> List[Any]:
    return [
        AgeExtractor.create({}, None, None, None),
        PlaceExtractor.create({}, None, None, None),
        LexiconEntityExtractor.create(
            {"lexicons": ["directory/data/concerns.yml", "bot/nlu/lexicons/roles.yml"]}, None, None, None
        ),
    ]


def run(pipeline: List[Any], text: str, existing: List[Dict[str, Any]] | None = None) -> List[Dict[str, Any]]:
    message = Message.build(text=text)
    if existing is not None:
        message.set("entities", list(existing))
    for component in pipeline:
        component.process([message])
    return message.get("entities", [])


def triples(entities: List[Dict[str, Any]]) -> List[Tuple[str, str, str]]:
    return [(e["entity"], e["value"], e["extractor"]) for e in entities]


def test_registered_under_the_names_config_yml_uses() -> None:
    for name in (
        "bot.nlu.extractors.AgeExtractor",
        "bot.nlu.extractors.PlaceExtractor",
        "bot.nlu.extractors.LexiconEntityExtractor",
    ):
        registered = DefaultV1Recipe._from_registry(name)
        assert registered.is_trainable is False
        assert registered.types == {DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR}


def test_young_person_one_message(pipeline: List[Any]) -> None:
    text = "im 15 live in hakney n feel rly low"
    entities = run(pipeline, text)
    assert sorted(triples(entities)) == sorted(
        [
            ("age", "15", "AgeExtractor"),
            ("age_band", "young_teen", "AgeExtractor"),
            ("borough", "Hackney", "PlaceExtractor"),
            ("nhs_trust", "elft", "PlaceExtractor"),
            ("concern", "low_mood", "LexiconEntityExtractor"),
            ("role", "young_person", "LexiconEntityExtractor"),
        ]
    )
    spans = {e["entity"]: text[e["start"] : e["end"]] for e in entities}
    assert spans["age"] == "15" and spans["borough"] == "hakney" and spans["concern"] == "feel rly low"


def test_parent_one_message(pipeline: List[Any]) -> None:
    text = "my son is in year 9, we're in W10, he's being bullied and won't eat"
    entities = run(pipeline, text)
    assert sorted(triples(entities)) == sorted(
        [
            ("age", "13", "AgeExtractor"),
            ("age_band", "young_teen", "AgeExtractor"),
            ("borough", "Kensington and Chelsea", "PlaceExtractor"),
            ("nhs_trust", "cnwl", "PlaceExtractor"),
            ("concern", "bullying", "LexiconEntityExtractor"),
            ("concern", "eating", "LexiconEntityExtractor"),
            ("role", "parent", "LexiconEntityExtractor"),
        ]
    )
    spans = {e["entity"]: text[e["start"] : e["end"]] for e in entities if e["entity"] != "concern"}
    assert spans["age"] == "year 9" and spans["borough"] == "W10"


def test_postcode_is_not_an_age_and_year_is_not_a_number(pipeline: List[Any]) -> None:
    assert triples(run(pipeline, "E8")) == [
        ("borough", "Hackney", "PlaceExtractor"),
        ("nhs_trust", "elft", "PlaceExtractor"),
    ]
    assert [e["entity"] for e in run(pipeline, "year 9")] == ["age", "age_band"]


def test_professional_message(pipeline: List[Any]) -> None:
    entities = run(pipeline, "I'm a teacher in Peckham and one of my pupils, 14, is self harming")
    found = {(e["entity"], e["value"]) for e in entities}
    assert {
        ("role", "professional"),
        ("borough", "Southwark"),
        ("nhs_trust", "slam"),
        ("age", "14"),
        ("concern", "self_harm"),
    } <= found


def test_outside_london_has_no_trust(pipeline: List[Any]) -> None:
    assert triples(run(pipeline, "we live in Manchester")) == [
        ("borough", "Outside London", "PlaceExtractor")
    ]


def test_bare_number_and_over_25(pipeline: List[Any]) -> None:
    assert triples(run(pipeline, "15")) == [("number", "15", "AgeExtractor")]
    # an adult's own age also says who is asking: someone asking for themselves (told where adult help is)
    assert triples(run(pipeline, "I'm 40")) == [
        ("age", "40", "AgeExtractor"),
        ("role", "young_person", "LexiconEntityExtractor"),
    ]


def test_one_age_per_message_because_rasa_keeps_one_slot_value(pipeline: List[Any]) -> None:
    assert triples(run(pipeline, "they are 7 and 12")) == [
        ("age", "7", "AgeExtractor"),
        ("age_band", "child", "AgeExtractor"),
    ]
    assert [e["value"] for e in run(pipeline, "I'm 40 and my son is 14") if e["entity"] == "age"] == ["14"]
    assert [e["entity"] for e in run(pipeline, "no i'm 14 not 15") if e["extractor"] == "AgeExtractor"] == [
        "age",
        "age_band",
    ]


def test_band_without_age(pipeline: List[Any]) -> None:
    assert triples(run(pipeline, "my toddler won't sleep")) == [
        ("age_band", "child", "AgeExtractor"),
        ("concern", "sleep", "LexiconEntityExtractor"),
        ("role", "parent", "LexiconEntityExtractor"),
    ]


def test_unsure_answer(pipeline: List[Any]) -> None:
    assert triples(run(pipeline, "not sure")) == [("concern_unsure", "general", "LexiconEntityExtractor")]


def test_entities_from_other_components_are_kept(pipeline: List[Any]) -> None:
    other = {
        "entity": "risk_category",
        "value": "self_harm",
        "start": 0,
        "end": 4,
        "extractor": "RiskDetector",
    }
    entities = run(pipeline, "im 15", existing=[other])
    assert entities[0] == other
    assert [e["entity"] for e in entities[1:]] == ["age", "age_band", "role"]


def test_every_entity_has_the_rasa_fields(pipeline: List[Any]) -> None:
    for entity in run(pipeline, "my daughter (12) lives in Dalston and has panic attacks"):
        assert set(entity) >= {"entity", "value", "start", "end", "extractor"}
        assert isinstance(entity["value"], str) and 0 <= entity["start"] < entity["end"]


def test_no_entities_leaves_the_message_alone(pipeline: List[Any]) -> None:
    message = Message.build(text="hello there")
    for component in pipeline:
        component.process([message])
    assert message.get("entities") is None


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "\x00\x01\x1b[31m",
        "😀🙈🏳️‍🌈",
        "مرحبا كيف حالك",
        "你好",
        "a" * 100_000,
        "im 15 " * 20_000,
        "\u202e15 mi\u202d",
        "\ud800",
    ],
)
def test_odd_input_never_raises(pipeline: List[Any], text: str) -> None:
    assert isinstance(run(pipeline, text), list)


def test_message_without_text(pipeline: List[Any]) -> None:
    message = Message(data={})
    for component in pipeline:
        component.process([message])
    assert message.get("entities") is None


def test_a_failing_message_is_skipped_not_raised(pipeline: List[Any], monkeypatch) -> None:
    component = pipeline[0]
    monkeypatch.setattr(component, "extract", lambda text: 1 / 0)
    message = Message.build(text="im 15")
    assert component.process([message]) == [message]
    assert message.get("entities") is None


@pytest.mark.parametrize(
    "text",
    [
        "im 15 in E8",
        "W10 5QJ, 14",
        "year 9, SW1A",
        "e81dy 16yo",
        "i'm 12 and live in N16",
        "yr 7 in w2",
        "15 W10",
        "my son (14) lives in EC2A",
        "aged 13, se15 4ab",
    ],
)
def test_ages_and_places_never_share_text(pipeline: List[Any], text: str) -> None:
    entities = run(pipeline, text)
    ages = [e for e in entities if e["entity"] in ("age", "number")]
    places = [e for e in entities if e["entity"] == "borough"]
    assert ages and places, entities
    for age in ages:
        for place in places:
            assert age["end"] <= place["start"] or place["end"] <= age["start"], (age, place)


def test_a_hint_carries_the_hint_entity_role_so_no_slot_mapping_reads_it(pipeline: List[Any]) -> None:
    """domain.yml maps `role` from role entities without an entity role; a hint ("my mum") has one."""
    (hint,) = [e for e in run(pipeline, "my mum says i should talk to someone") if e["entity"] == "role"]
    assert (hint["value"], hint.get("role")) == ("young_person", "hint")
    (plain,) = [e for e in run(pipeline, "its for me, my mum says i should") if e["entity"] == "role"]
    assert "role" not in plain
