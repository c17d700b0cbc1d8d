"""The signposting action against a real (temporary SQLite) directory, and with the directory down."""

from __future__ import annotations

import re

from rasa_sdk.executor import CollectingDispatcher

from actions import directory_client
from actions.find_services import ActionFindServices, ActionResetSearch
from directory.matching import PAYLOAD_KEYS
from tests.actions.conftest import make_tracker, sent

# The signposting item's keys; tests/directory/test_directory_matching.py pins them to docs/contracts.md.
PAYLOAD_FIELDS = set(PAYLOAD_KEYS)


def services_payload(dispatcher: CollectingDispatcher) -> list:
    payloads = [m["custom"] for m in dispatcher.messages if m.get("custom", {}).get("type") == "services"]
    assert len(payloads) == 1, dispatcher.messages
    return payloads[0]["services"]


async def run_search(domain, **slots) -> CollectingDispatcher:
    dispatcher = CollectingDispatcher()
    events = await ActionFindServices().run(dispatcher, make_tracker(slots), domain)
    listed = [
        m["custom"]["services"] for m in dispatcher.messages if m.get("custom", {}).get("type") == "services"
    ]
    ids = [s["id"] for s in listed[0]] if listed else []
    assert events == [
        {"event": "slot", "timestamp": None, "name": "listed_services", "value": ids},
        {"event": "slot", "timestamp": None, "name": "service_focus", "value": None},
    ], "the list is remembered, in order, for questions about it"
    return dispatcher


async def test_teenager_in_hackney_gets_local_services_first_as_text_and_payload(
    domain, directory_db
) -> None:
    dispatcher = await run_search(
        domain, role="young_person", age=15.0, borough="Hackney", concerns=["anxiety"]
    )
    services = services_payload(dispatcher)
    assert 3 <= len(services) <= 5
    assert all(PAYLOAD_FIELDS <= set(s) for s in services)
    assert "Hackney" in services[0]["areas"]
    assert all(s["age_min"] is None or s["age_min"] <= 15 for s in services)
    assert all(set(s["areas"]) & {"Hackney", "National", "Online"} for s in services)
    assert all("professional" not in s["how_to_refer"] or len(s["how_to_refer"]) > 1 for s in services)
    items = [m for m in dispatcher.messages if m.get("response") == "utter_service_item"]
    assert [m["name"] for m in items] == [s["name"] for s in services]
    assert sent(dispatcher)[0] == "utter_services_intro" and sent(dispatcher)[-2:] == [
        "utter_services_check",
        "utter_services_ask_more",
    ]


async def test_service_lines_carry_contacts_rendered_from_the_domain(domain, directory_db) -> None:
    dispatcher = await run_search(
        domain, role="young_person", age=16.0, borough="Not given", concerns=["low_mood"]
    )
    contacts = " ".join(
        m["contact"] for m in dispatcher.messages if m.get("response") == "utter_service_item"
    )
    assert "{" not in contacts, "every placeholder was filled"
    assert ".." not in contacts, "one full stop per sentence"
    assert re.search(r"Phone: [\d ]+\.|Text: .+\.|Website: \S+\.", contacts)


async def test_professional_only_routes_are_mentioned_not_listed(domain, directory_db) -> None:
    dispatcher = await run_search(
        domain, role="young_person", age=14.0, borough="Hackney", concerns=["low_mood"]
    )
    mention = [m for m in dispatcher.messages if m.get("response") == "utter_services_ask_professional"]
    assert mention and mention[0]["names"]
    listed = {s["name"] for s in services_payload(dispatcher)}
    assert not listed & set(mention[0]["names"].split(", "))


async def test_directory_down_falls_back_to_national_services(domain, monkeypatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@127.0.0.1:1/none")
    directory_client._engine.cache_clear()
    try:
        dispatcher = await run_search(
            domain, role="young_person", age=15.0, borough="Hackney", concerns=["anxiety"]
        )
    finally:
        directory_client._engine.cache_clear()
    assert sent(dispatcher)[0] == "utter_services_unavailable"
    services = services_payload(dispatcher)
    assert services and all(set(s["areas"]) <= {"National", "Online"} for s in services)
    assert "utter_wellbeing_hub_route" in sent(dispatcher)


async def test_reset_forgets_every_answer(domain) -> None:  # and keeps nothing listed when nothing was
    events = await ActionResetSearch().run(CollectingDispatcher(), make_tracker({"age": 15.0}), domain)
    assert events == [{"event": "reset_slots", "timestamp": None}]


async def test_reset_keeps_the_services_on_screen(domain) -> None:
    """After "start again", "how do I call the first one?" still means the list the person can see."""
    tracker = make_tracker({"age": 15.0, "listed_services": ["kooth", "childline"]})
    events = await ActionResetSearch().run(CollectingDispatcher(), tracker, domain)
    assert events == [
        {"event": "reset_slots", "timestamp": None},
        {"event": "slot", "timestamp": None, "name": "listed_services", "value": ["kooth", "childline"]},
    ]


async def test_the_list_says_what_it_looked_for(domain, directory_db) -> None:
    """What was understood is said back: the concerns and, for a London borough, the place."""
    dispatcher = await run_search(
        domain, role="young_person", age=15.0, borough="Hackney", concerns=["school_stress", "sleep"]
    )
    looked = [m for m in dispatcher.messages if m.get("response") == "utter_services_looked_for_in"]
    assert len(looked) == 1, dispatcher.messages
    assert "sleep" in looked[0]["topics"].lower() and looked[0]["place"] == "Hackney"
    dispatcher = await run_search(
        domain, role="young_person", age=15.0, borough="Not given", concerns=["school_stress"]
    )
    assert "utter_services_looked_for" in sent(dispatcher)


async def test_a_group_no_listed_service_is_for_is_said_honestly(domain, directory_db) -> None:
    """A young carer in Barking: no young carers service in the directory there, so the list says so."""
    dispatcher = await run_search(
        domain,
        role="young_person",
        age=13.0,
        borough="Barking and Dagenham",
        concerns=["low_mood"],
        needs=["young_carer"],
    )
    assert "utter_services_no_group_young_carer" in sent(dispatcher)


async def test_a_group_a_listed_service_is_for_is_not_flagged(domain, directory_db) -> None:
    """Growing Minds is for Black and mixed-heritage young people in Hackney (directory groups)."""
    dispatcher = await run_search(
        domain,
        role="young_person",
        age=15.0,
        borough="Hackney",
        concerns=["low_mood"],
        needs=["black_mixed_heritage"],
    )
    ids = [s["id"] for s in services_payload(dispatcher)]
    if "growing-minds" in ids:
        assert "utter_services_no_group_black_mixed_heritage" not in sent(dispatcher)


async def test_limited_english_gets_the_interpreter_offer_with_the_list(domain, directory_db) -> None:
    dispatcher = await run_search(
        domain, role="parent", age=13.0, borough="Tower Hamlets", concerns=["low_mood"], needs=["interpreter"]
    )
    assert "utter_interpreter_offer" in sent(dispatcher)
    assert not [r for r in sent(dispatcher) if r == "utter_services_no_group_interpreter"]
