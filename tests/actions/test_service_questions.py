"""Questions about the services listed (issue 14, behaviour 1): answers from directory fields, unknown facts
said to be unknown with the service's own contact, and a details card for the widget."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.responses import render_response
from actions.service_questions import ActionAnswerService
from bot.dialogue import service_questions
from directory.records import read_services
from tests.actions.conftest import make_tracker, sent

LISTED = ["kooth-city-hackney", "first-steps", "chyps-plus", "good-thinking", "the-mix"]
RECORDS = {r.id: r for r in read_services()}


async def ask(
    domain: Dict[str, Any],
    facts: List[str] = (),
    position: Optional[str] = None,
    service: Optional[str] = None,
    slots: Optional[Dict[str, Any]] = None,
    text: str = "",
) -> tuple:
    entities = [{"entity": "service_fact", "value": f} for f in facts]
    if position:
        entities.append({"entity": "service_position", "value": position})
    if service:
        entities.append({"entity": "service", "value": service})
    tracker = make_tracker(
        {
            "role": "young_person",
            "age": 15.0,
            "borough": "Hackney",
            "listed_services": LISTED,
            **(slots or {}),
        },
        intent="ask_service",
        entities=entities,
        text=text,
    )
    tracker.active_loop = {}
    dispatcher = CollectingDispatcher()
    events = await ActionAnswerService().run(dispatcher, tracker, domain)
    return dispatcher, events


def cards(dispatcher: CollectingDispatcher) -> List[Dict[str, Any]]:
    return [
        m["custom"]["service"]
        for m in dispatcher.messages
        if (m.get("custom") or {}).get("type") == "service"
    ]


async def test_the_first_one_is_the_first_listed_and_carries_a_details_card(domain, directory_db) -> None:
    dispatcher, events = await ask(domain, position="1")
    assert [c["id"] for c in cards(dispatcher)] == ["kooth-city-hackney"]
    assert cards(dispatcher)[0]["website"] == "kooth.com"
    assert sent(dispatcher)[:2] == ["utter_service_about", "utter_service_routes"]
    assert sent(dispatcher)[-1] == "utter_service_next", "every reply leaves a next step"
    assert {
        "event": "slot",
        "timestamp": None,
        "name": "service_focus",
        "value": "kooth-city-hackney",
    } in events


async def test_that_one_means_the_service_last_talked_about(domain, directory_db) -> None:
    dispatcher, _ = await ask(domain, facts=["online"], slots={"service_focus": "first-steps"})
    assert [c["id"] for c in cards(dispatcher)] == ["first-steps"]
    modes = [m for m in dispatcher.messages if m.get("response") == "utter_service_modes"]
    assert modes and modes[0]["modes"] == "in person (you can drop in)"


async def test_which_of_these_is_free_answers_each_from_the_directory(domain, directory_db) -> None:
    dispatcher, _ = await ask(domain, facts=["cost"], position="all")
    by_name = {m["name"]: m["response"] for m in dispatcher.messages if "name" in m}
    assert by_name["Kooth (City and Hackney)"] == "utter_service_free"  # "Free, anonymous..." in its summary
    assert by_name["CHYPS Plus"] == "utter_service_cost_unknown", "not in the directory: said to be unknown"
    assert len(cards(dispatcher)) == 5


async def test_a_misspelt_national_name_means_the_local_variant_that_was_listed(domain, directory_db) -> None:
    dispatcher, _ = await ask(domain, facts=["waiting"], service="kooth")
    assert [c["id"] for c in cards(dispatcher)] == ["kooth-city-hackney"]
    assert "utter_service_no_waiting_list" in sent(dispatcher)


async def test_a_missing_fact_says_so_and_gives_who_can_help_reach_the_service(domain, directory_db) -> None:
    dispatcher, _ = await ask(domain, facts=["hours", "contact"], service="off-centre")
    assert "utter_service_hours_unknown" in sent(dispatcher)
    contact = [m["contact"] for m in dispatcher.messages if m.get("response") == "utter_service_contact"][0]
    assert contact.strip() == render_response(domain, "utter_service_no_contact").strip()
    assert "utter_service_not_for_age" in sent(dispatcher), "Off Centre is 16-25; this person is 15"


async def test_nothing_listed_and_nothing_named_offers_to_search(domain, directory_db) -> None:
    dispatcher, _ = await ask(domain, facts=["hours"], slots={"listed_services": None})
    assert sent(dispatcher) == ["utter_service_none_listed"]
    dispatcher, _ = await ask(domain, facts=[])
    assert sent(dispatcher) == ["utter_service_which"]


async def test_is_it_free_before_any_list_gets_the_general_answer(domain, directory_db) -> None:
    """ "do I have to pay?" before any list: NHS services are free (the FAQ), then a next step."""
    dispatcher, _ = await ask(domain, facts=["cost"], slots={"listed_services": None})
    assert sent(dispatcher) == ["utter_faq/cost", "utter_next_step"]


@pytest.mark.parametrize("fact", ["contact", "online"])
async def test_how_to_reach_someone_before_any_list_gets_the_free_lines(
    fact: str, domain, directory_db
) -> None:
    """ "can i text them instead of calling" before any list got "I haven't suggested any services yet"."""
    dispatcher, _ = await ask(domain, facts=[fact], slots={"listed_services": None})
    assert sent(dispatcher) == ["utter_services_ways_to_talk", "utter_next_step"]
    both, _ = await ask(domain, facts=["referral", fact], slots={"listed_services": None})
    assert sent(both)[0] == "utter_services_ways_to_talk", "how it is used wins over whether a GP is needed"
    text = render_response(domain, "utter_services_ways_to_talk")
    assert "85258" in text and "0800 1111" in text and "111" in text


async def test_a_fact_with_nothing_in_focus_is_answered_for_every_service_listed(
    domain, directory_db
) -> None:
    """ "is it free?" after a list, no service in focus: one line per listed service, each with its card."""
    dispatcher, _ = await ask(domain, facts=["cost"])
    cards = [m for m in dispatcher.messages if (m.get("custom") or {}).get("type") == "service"]
    assert len(cards) >= 2, dispatcher.messages
    assert "utter_service_which" not in sent(dispatcher)


async def test_how_to_contact_with_nothing_in_focus_gives_each_listed_services_contact(
    domain, directory_db
) -> None:
    """ "how do I contact the talking therapies one?" naming no listed service sent five bare cards."""
    dispatcher, _ = await ask(domain, facts=["contact"])
    texts = [
        render_response(domain, m["response"], name=m["name"], contact=m["contact"])
        for m in dispatcher.messages
        if m.get("response") == "utter_service_contact_named"
    ]
    assert len(texts) == len(cards(dispatcher)) >= 2, dispatcher.messages
    for text, service_id in zip(texts, LISTED, strict=True):
        assert (
            text.startswith(RECORDS[service_id].name + ":") and len(text) > len(RECORDS[service_id].name) + 5
        )


@pytest.mark.parametrize("record", list(RECORDS.values()), ids=lambda r: r.id)
def test_every_service_has_a_way_to_reach_it_or_says_who_can_help(record, domain) -> None:
    """Every listed service: a phone, text, website or email, or the honest "ask your GP or school" line."""
    from actions.service_questions import contact_sentence

    text = contact_sentence(domain, record)
    assert text.strip() and "{" not in text


def test_resolve_reads_names_positions_and_focus() -> None:
    family = {"kooth-city-hackney": "kooth", "kooth": "kooth"}
    resolve = service_questions.resolve
    assert resolve(LISTED, None, ["kooth"], None, family).ids == ("kooth-city-hackney",)
    assert resolve(LISTED, None, [], "last", family).ids == ("the-mix",)
    assert resolve(LISTED, None, [], "9", family).ids == ()
    assert resolve(LISTED, "chyps-plus", [], None, family).ids == ("chyps-plus",)
    assert resolve(LISTED, None, [], "all", family).all_listed
    assert resolve(["shout"], None, [], None, family).ids == ("shout",)
    best = resolve(LISTED, "chyps-plus", [], "best", family)
    assert best.ids == ("kooth-city-hackney",) and best.best_first, "the list is ranked best fit first"
    assert resolve([], None, [], "best", family).ids == ()


async def test_asking_who_a_service_is_for_says_whether_parents_can_use_it(domain, directory_db) -> None:
    """ "Is Beat just for the young person or for parents too?" """
    dispatcher, _ = await ask(domain, facts=["who_for"], service="beat-helpline", slots={"role": "parent"})
    said = {m["response"]: m for m in dispatcher.messages if "response" in m}
    assert said["utter_service_audiences"]["audiences"] == "young people and parents and carers"
    young_only, _ = await ask(domain, facts=["who_for"], service="kooth-city-hackney")
    assert [m["audiences"] for m in young_only.messages if "audiences" in m] == ["young people"]


def test_which_one_first_wins_over_which_one() -> None:
    """ "which one do I call first" also says "which one" (all of them)."""
    assert service_questions.chosen_position(["all", "best"]) == "best"
    assert service_questions.chosen_position(["2"]) == "2"
    assert service_questions.chosen_position([]) is None


async def test_which_one_to_call_first_names_the_first_listed_with_its_contact(domain, directory_db) -> None:
    dispatcher, _ = await ask(domain, position="best", slots={"service_focus": "the-mix"})
    assert sent(dispatcher)[0] == "utter_service_start_with"
    assert dispatcher.messages[0]["name"] == RECORDS["kooth-city-hackney"].name
    assert "utter_service_contact" in sent(dispatcher)
    assert [c["id"] for c in cards(dispatcher)] == ["kooth-city-hackney"]


def test_free_only_when_the_directory_says_so() -> None:
    assert service_questions.is_free(RECORDS["childline"])
    assert service_questions.is_free(RECORDS["elft-specialist-camhs-city-hackney"])  # NHS
    assert not service_questions.is_free(RECORDS["chyps-plus"])


async def test_asking_which_one_to_walk_into_says_when_none_lists_a_drop_in(domain, directory_db) -> None:
    """ "which one can I just walk into" got only "You can use Kooth online" for each service."""
    dispatcher, _ = await ask(
        domain,
        facts=["online"],
        position="all",
        slots={"listed_services": ["kooth", "childline", "shout"]},
        text="which one can i just walk into",
    )
    assert "utter_services_no_drop_in" in sent(dispatcher)
    dispatcher, _ = await ask(
        domain, facts=["online"], position="all", slots={"listed_services": ["kooth"]}, text="are any online"
    )
    assert "utter_services_no_drop_in" not in sent(dispatcher), "only when in person was asked about"


def _selector(key: str, confidence: float) -> Dict[str, Any]:
    """The response selector's output as Rasa puts it in the parse data (key `default`)."""
    return {
        "all_retrieval_intents": ["faq", "chitchat"],
        "default": {"response": {"intent_response_key": key, "confidence": confidence}, "ranking": []},
    }


async def _ask_with(domain: Dict[str, Any], entities: List[Dict[str, Any]], **message: Any) -> List[str]:
    tracker = make_tracker(
        {"role": "young_person", "listed_services": message.pop("listed", None)},
        intent="ask_service",
        entities=entities,
        text=message.pop("text", ""),
    )
    tracker.latest_message.update(message)
    tracker.active_loop = {}
    dispatcher = CollectingDispatcher()
    await ActionAnswerService().run(dispatcher, tracker, domain)
    return sent(dispatcher)


async def test_a_question_naming_no_service_gets_the_faq_the_selector_is_sure_of(
    domain, directory_db
) -> None:
    """ "and if it gets bad at the weekend who do i call" (DIET: a question about "it") got "I haven't
    suggested any services yet" though the FAQ selector was sure of the emergency answer."""
    hours = [{"entity": "service_fact", "value": "hours"}]
    replies = await _ask_with(domain, hours, response_selector=_selector("faq/emergency", 0.97))
    assert replies == ["utter_faq/emergency", "utter_next_step"]
    unsure = await _ask_with(domain, hours, response_selector=_selector("faq/emergency", 0.3))
    assert unsure == ["utter_service_none_listed"]
    # after a list, a question with no fact and no service pointed at: the FAQ, not "which service?"
    listed = await _ask_with(domain, [], listed=LISTED, response_selector=_selector("faq/tell_parents", 0.9))
    assert listed == ["utter_faq/tell_parents", "utter_next_step"]
    # ...while a fact asked with nothing in focus is still answered for each service listed
    each = await _ask_with(domain, hours, listed=LISTED, response_selector=_selector("faq/emergency", 0.97))
    assert "utter_faq/emergency" not in each and each.count("utter_service_next") == 1


async def test_a_named_or_pointed_service_is_answered_even_when_an_faq_is_likely(
    domain, directory_db
) -> None:
    first = [{"entity": "service_position", "value": "1"}]
    replies = await _ask_with(domain, first, listed=LISTED, response_selector=_selector("faq/cost", 0.99))
    assert replies[0] == "utter_service_about" and "utter_faq/cost" not in replies


@pytest.mark.parametrize("listed", [None, LISTED])
async def test_asking_whether_the_services_have_interpreters_gets_the_interpreter_answer(
    listed, domain, directory_db
) -> None:
    """ "Are any of these able to work with interpreters?": the directory has no such field; interpreters are
    free for every NHS service (the FAQ), never "I haven't suggested any services yet"."""
    entities = [
        {"entity": "need", "value": "interpreter"},
        {"entity": "service_position", "value": "all"},
    ]
    assert await _ask_with(domain, entities, listed=listed) == ["utter_faq/interpreters", "utter_next_step"]
    alone = await _ask_with(domain, [{"entity": "need", "value": "interpreter"}], listed=listed)
    assert alone == ["utter_faq/interpreters", "utter_next_step"]
    assert "interpreter" in render_response(domain, "utter_faq/interpreters").lower()
    # a service named keeps its own answer
    named = [{"entity": "need", "value": "interpreter"}, {"entity": "service_position", "value": "1"}]
    assert (await _ask_with(domain, named, listed=LISTED))[0] == "utter_service_about"


async def test_an_online_service_with_no_address_in_the_directory_is_found_by_its_name(
    domain, directory_db
) -> None:
    """Hub of Hope is a website and an app, but the reference gives no address: the reply says to search for
    it, not to ask a GP or a school how to reach a national website."""
    dispatcher, _ = await ask(
        domain, facts=["contact"], service="hub-of-hope", slots={"listed_services": ["hub-of-hope"]}
    )
    contact = [m["contact"] for m in dispatcher.messages if m.get("response") == "utter_service_contact"][0]
    assert contact.strip() == render_response(domain, "utter_service_no_contact_online").strip()
    assert "search" in contact.lower()


def test_the_no_contact_part_follows_the_way_in() -> None:
    none = {"phone": None, "website": None}
    assert service_questions.with_way_to_reach(none, ["online"]) == {"no_contact_online": True}
    assert service_questions.with_way_to_reach(none, ["school", "professional"]) == {"no_contact": True}
    assert service_questions.with_way_to_reach(none, []) == {"no_contact": True}
    reachable = {"phone": "0808 802 5544", "website": None}
    assert service_questions.with_way_to_reach(reachable, ["online"]) == reachable
