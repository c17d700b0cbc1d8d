"""The form validation action: age ranges, places, and kind replies when nothing was understood."""

from __future__ import annotations

from typing import Any, Dict, List

import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.signpost_form import ValidateSignpostForm
from tests.actions.conftest import make_tracker, sent

form = ValidateSignpostForm()


@pytest.mark.parametrize(
    "age, role, expected_age, expected_band, response",
    [
        (15, "young_person", 15.0, "young_teen", None),
        (9, "young_person", 9.0, "child", None),
        (17, "young_person", 17.0, "older_teen", None),
        (22, "young_person", 22.0, "young_adult", None),
        (3, "young_person", None, "child", "utter_age_too_young"),
        (3, "parent", 3.0, "child", None),
        (0, "professional", 0.0, "child", None),
        (30, "young_person", 30.0, None, "utter_age_over_25"),
        ("fifteen", "young_person", None, None, "utter_age_not_understood"),
    ],
)
def test_validate_age(age, role, expected_age, expected_band, response, domain) -> None:
    dispatcher = CollectingDispatcher()
    result = form.validate_age(age, dispatcher, make_tracker({"role": role}), domain)
    assert result["age"] == expected_age
    assert result["age_band"] == expected_band
    assert sent(dispatcher) == ([response] if response else [])


@pytest.mark.parametrize(
    "borough, trust, response",
    [
        ("Westminster", "cnwl", None),
        ("Hackney", "elft", None),
        ("Barnet", "nlft", None),
        ("Outside London", None, "utter_borough_outside_london"),
        ("Not given", None, "utter_borough_not_given"),
    ],
)
def test_validate_borough_sets_the_trust_for_the_crisis_line(borough, trust, response, domain) -> None:
    dispatcher = CollectingDispatcher()
    assert form.validate_borough(borough, dispatcher, make_tracker(), domain) == {
        "borough": borough,
        "nhs_trust": trust,
    }
    assert sent(dispatcher) == ([response] if response else [])


def test_validate_concerns_dedupes_and_drops_general_next_to_real_concerns(domain) -> None:
    dispatcher = CollectingDispatcher()
    result = form.validate_concerns(
        ["anxiety", "general", "anxiety", "sleep"], dispatcher, make_tracker(), domain
    )
    assert result == {"concerns": ["anxiety", "sleep"]}


async def test_unknown_place_gets_a_kind_reply_and_the_question_again(domain) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker({"role": "young_person", "age": 14.0}, requested_slot="borough", text="narnia")
    assert await form.extract_borough(dispatcher, tracker, domain) == {"borough": None}
    assert sent(dispatcher) == ["utter_borough_not_understood"]


async def test_a_question_while_the_borough_is_asked_is_left_to_the_rules(domain) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(requested_slot="borough", intent="ask_privacy")
    assert await form.extract_borough(dispatcher, tracker, domain) == {}
    assert dispatcher.messages == []


async def test_an_answer_with_a_place_is_not_second_guessed(domain) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(requested_slot="borough", entities=[{"entity": "borough", "value": "Hackney"}])
    assert await form.extract_borough(dispatcher, tracker, domain) == {}


async def test_unmapped_concern_is_asked_once_then_searched_as_general(domain) -> None:
    dispatcher = CollectingDispatcher()
    first = make_tracker(requested_slot="concerns", text="idk just weird")
    assert await form.extract_concerns(dispatcher, first, domain) == {"concerns": None}
    assert sent(dispatcher) == ["utter_concerns_not_understood"]

    asked_once = [
        {"event": "bot", "text": "...", "metadata": {"utter_action": "utter_concerns_not_understood"}}
    ]
    second = make_tracker(requested_slot="concerns", text="dunno", events=asked_once)
    again = CollectingDispatcher()
    assert await form.extract_concerns(again, second, domain) == {"concerns": ["general"]}
    assert again.messages == []


async def test_missing_age_answer_is_asked_again(domain) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker({"role": "young_person"}, requested_slot="age", text="old enough")
    assert await form.extract_age(dispatcher, tracker, domain) == {"age": None}
    assert sent(dispatcher) == ["utter_age_not_understood"]


async def test_an_age_not_understood_is_said_once_through_the_whole_run(domain) -> None:
    """ "old enough" got "Sorry, I didn't catch the age" twice: from extract_age, then validate_age."""
    tracker = make_tracker(
        {"role": "young_person"}, requested_slot="age", text="old enough", events=[{"event": "user"}]
    )
    dispatcher = CollectingDispatcher()
    result = await form.run(dispatcher, tracker, domain)
    assert sent(dispatcher) == ["utter_age_not_understood"]
    assert SlotSet("age", None) in result


async def test_whole_run_validates_what_the_extractors_filled(domain) -> None:
    """Through run(): the SlotSets it returns are what Rasa applies (entity values arrive as strings)."""
    events = [
        {"event": "user", "text": "15 hackney"},
        {"event": "slot", "name": "age", "value": "15"},
        {"event": "slot", "name": "borough", "value": "Hackney"},
    ]
    tracker = make_tracker(
        {"role": "young_person", "age": "15", "borough": "Hackney"},
        requested_slot="age",
        entities=[{"entity": "age", "value": "15"}, {"entity": "borough", "value": "Hackney"}],
        events=events,
    )
    dispatcher = CollectingDispatcher()
    result = await form.run(dispatcher, tracker, domain)
    assert SlotSet("age_band", "young_teen") in result
    assert SlotSet("nhs_trust", "elft") in result
    assert dispatcher.messages == []


async def test_an_answer_to_another_question_is_not_called_a_misunderstanding(domain) -> None:
    """ "actually I'm 16" while the form asks where they live: the age changes, no complaint."""
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(requested_slot="borough", entities=[{"entity": "age", "value": "16"}])
    assert await form.extract_borough(dispatcher, tracker, domain) == {}
    assert dispatcher.messages == []


async def test_a_place_not_understood_twice_moves_on_without_asking_a_third_time(domain) -> None:
    """The same question at most twice (issue 14): the second unknown place is taken as "not given"."""
    first = make_tracker(requested_slot="borough", intent="nlu_fallback")
    dispatcher = CollectingDispatcher()
    assert await form.extract_borough(dispatcher, first, domain) == {"borough": None}
    assert sent(dispatcher) == ["utter_borough_not_understood"]
    asked_before = [
        {"event": "bot", "text": "...", "metadata": {"utter_action": "utter_borough_not_understood"}}
    ]
    second = make_tracker(requested_slot="borough", intent="nlu_fallback", events=asked_before)
    dispatcher = CollectingDispatcher()
    assert await form.extract_borough(dispatcher, second, domain) == {"borough": "Not given"}
    assert sent(dispatcher) == []


@pytest.mark.parametrize(
    "slot, expected", [("role", {"role": "young_person"}), ("borough", {"borough": "Not given"})]
)
async def test_dont_know_moves_on_at_once(slot, expected, domain) -> None:
    """ "idk" (a whole-message concern_unsure) to who or where: go on with what can be offered without it."""
    tracker = make_tracker(requested_slot=slot, entities=[{"entity": "concern_unsure", "value": "general"}])
    dispatcher = CollectingDispatcher()
    assert await getattr(form, f"extract_{slot}")(dispatcher, tracker, domain) == expected


async def test_dont_know_the_age_searches_every_age(domain) -> None:
    tracker = make_tracker(requested_slot="age", entities=[{"entity": "concern_unsure", "value": "general"}])
    dispatcher = CollectingDispatcher()
    assert await form.extract_age(dispatcher, tracker, domain) == {"age_declined": True}
    assert sent(dispatcher) == ["utter_age_declined"]


async def test_rather_not_say_what_worries_them_searches_general_support(domain) -> None:
    tracker = make_tracker(requested_slot="concerns", intent="prefer_not_say")
    assert await form.extract_concerns(CollectingDispatcher(), tracker, domain) == {"concerns": ["general"]}


async def test_an_age_not_understood_twice_is_skipped(domain) -> None:
    asked_before = [{"event": "bot", "text": "...", "metadata": {"utter_action": "utter_age_not_understood"}}]
    tracker = make_tracker(requested_slot="age", intent="nlu_fallback", events=asked_before)
    dispatcher = CollectingDispatcher()
    assert await form.extract_age(dispatcher, tracker, domain) == {"age_declined": True}
    assert sent(dispatcher) == ["utter_age_skipped"]


async def test_an_age_filled_while_the_action_server_was_down_is_validated_later(domain) -> None:
    """The slot mapping kept the age, but validate_age never ran: no band, and a too-young age slipped by."""
    tracker = make_tracker(
        {"role": "young_person", "age": "2"},
        requested_slot="borough",
        entities=[{"entity": "borough", "value": "Hackney"}],
    )
    dispatcher = CollectingDispatcher()
    result = await form.run(dispatcher, tracker, domain)
    assert SlotSet("age", None) in result
    assert sent(dispatcher) == ["utter_age_too_young"]


async def test_a_validated_age_is_not_validated_again(domain) -> None:
    tracker = make_tracker(
        {"role": "young_person", "age": "15", "age_band": "young_teen"},
        requested_slot="borough",
        entities=[{"entity": "borough", "value": "Hackney"}],
    )
    dispatcher = CollectingDispatcher()
    await form.run(dispatcher, tracker, domain)
    assert dispatcher.messages == []


@pytest.mark.parametrize("requested", ["age", "borough", "concerns"])
async def test_a_bare_number_answer_in_every_state_of_the_form(domain, requested) -> None:
    """Slot values from entities are strings ("16"): every step of the form must take them as they come."""
    tracker = make_tracker(
        {"role": "young_person", "age": "16"},
        requested_slot=requested,
        entities=[{"entity": "number", "value": "16"}],
    )
    result = await form.run(CollectingDispatcher(), tracker, domain)
    assert SlotSet("age_band", "older_teen") in result


async def test_an_age_the_person_would_rather_not_give_is_not_asked_again(domain) -> None:
    tracker = make_tracker(
        {"role": "young_person"},
        requested_slot="age",
        intent="prefer_not_say",
        events=[{"event": "user", "text": "rather not say"}],
    )
    dispatcher = CollectingDispatcher()
    result = await form.run(dispatcher, tracker, domain)
    assert sent(dispatcher) == ["utter_age_declined"]
    assert SlotSet("age_declined", True) in result
    assert SlotSet("requested_slot", "borough") in result


async def test_required_slots_swap_age_for_the_declined_flag_only_while_no_age_is_known(domain) -> None:
    slots = ["role", "age", "borough", "concerns"]
    dispatcher = CollectingDispatcher()
    declined = make_tracker({"age_declined": True})
    assert await form.required_slots(slots, dispatcher, declined, domain) == [
        "role",
        "age_declined",
        "borough",
        "concerns",
    ]
    given_later = make_tracker({"age_declined": True, "age": 15.0})
    assert await form.required_slots(slots, dispatcher, given_later, domain) == slots
    assert await form.required_slots(slots, dispatcher, make_tracker(), domain) == slots


async def test_after_two_answers_that_were_not_an_age_the_search_goes_on_without_one(domain) -> None:
    asked_twice = [
        {"event": "bot", "text": "...", "metadata": {"utter_action": "utter_age_not_understood"}},
        {"event": "bot", "text": "...", "metadata": {"utter_action": "utter_default_twice"}},
    ]
    tracker = make_tracker(
        {"role": "young_person"}, requested_slot="age", text="old enough", events=asked_twice
    )
    dispatcher = CollectingDispatcher()
    assert await form.extract_age(dispatcher, tracker, domain) == {"age_declined": True}
    assert sent(dispatcher) == ["utter_age_skipped"]


async def test_someone_who_keeps_answering_other_questions_is_taken_as_a_young_person(domain) -> None:
    """ "myself" read as a question, then "15", "kent", "anxiety": the role question must not come for ever."""
    asked = [
        {
            "event": "bot",
            "text": "Who are you looking for support for?",
            "metadata": {"utter_action": "utter_ask_role"},
        }
    ]
    place = [{"entity": "borough", "value": "Outside London"}]
    dispatcher = CollectingDispatcher()
    once = make_tracker(requested_slot="role", entities=place, events=asked)
    assert await form.extract_role(dispatcher, once, domain) == {}
    twice = make_tracker(requested_slot="role", entities=place, events=asked * 2)
    assert await form.extract_role(dispatcher, twice, domain) == {"role": "young_person"}
    assert dispatcher.messages == []


async def test_limited_english_hears_once_how_to_get_a_free_interpreter(domain) -> None:
    """A mother whose English is limited got no word about interpreters (issue 14, language)."""
    entities = [{"entity": "need", "value": "interpreter"}, {"entity": "borough", "value": "Tower Hamlets"}]
    tracker = make_tracker(
        {"role": "parent", "borough": "Tower Hamlets"},
        requested_slot="concerns",
        entities=entities,
        events=[{"event": "user", "text": "my english not good. tower hamlets"}],
    )
    dispatcher = CollectingDispatcher()
    await form.run(dispatcher, tracker, domain)
    assert sent(dispatcher).count("utter_interpreter_offer") == 1
    already = [{"event": "bot", "text": "...", "metadata": {"utter_action": "utter_interpreter_offer"}}]
    tracker = make_tracker(
        {"role": "parent", "borough": "Tower Hamlets"},
        requested_slot="concerns",
        entities=entities,
        events=already,
    )
    dispatcher = CollectingDispatcher()
    await form.run(dispatcher, tracker, domain)
    assert "utter_interpreter_offer" not in sent(dispatcher), "said once, not at every answer"


HINT_MUM = {"entity": "role", "value": "young_person", "role": "hint"}


async def test_a_hint_says_who_is_asking_only_while_no_one_has_said(domain) -> None:
    """ "my mum says he needs CAMHS" from a parent turned the parent into a young person (issue 14,
    behaviour 4); the same words from someone who has not said who they are still mean a young person."""
    dispatcher = CollectingDispatcher()
    first = make_tracker(requested_slot="role", entities=[HINT_MUM], text="my mum keeps shouting at me")
    assert await form.extract_role(dispatcher, first, domain) == {"role": "young_person"}
    parent = make_tracker({"role": "parent"}, requested_slot="age", entities=[HINT_MUM], text="my mum says")
    assert await form.extract_role(dispatcher, parent, domain) == {}
    assert dispatcher.messages == []


async def test_a_hint_in_a_question_is_not_an_answer(domain) -> None:
    """ "can i refer myself without my mum knowing?" is answered as a question; its hint does not fill `role`
    (which skipped the answer and asked the age)."""
    question = make_tracker(requested_slot="role", intent="faq", entities=[HINT_MUM], text="without my mum?")
    assert await form.extract_role(CollectingDispatcher(), question, domain) == {}


async def test_the_form_takes_the_concern_from_a_crisis_message_instead_of_asking_again(domain) -> None:
    crisis = {"event": "user", "parse_data": {"intent": {"name": "crisis"}, "entities": []}}
    tracker = make_tracker(
        {"role": "young_person", "age": 15.0, "borough": "Hillingdon", "risk_category": "suicide"},
        intent="faq",
        requested_slot="concerns",
        events=[crisis],
    )
    dispatcher = CollectingDispatcher()
    assert await form.extract_concerns(dispatcher, tracker, domain) == {"concerns": ["low_mood"]}
    assert sent(dispatcher) == []


async def test_a_hint_in_an_earlier_message_of_this_search_says_who_is_asking(domain) -> None:
    """ "hi so im trans and my parents dont accept it" got the safety question; the form, starting after it,
    asked "Who are you looking for support for?" twice of someone who had said. A hint told in a question,
    or before the search was reset, is not taken."""
    told = {"event": "user", "parse_data": {"intent": {"name": "risk_check"}, "entities": [HINT_MUM]}}
    age = [{"entity": "age", "value": 16}]
    tracker = make_tracker(requested_slot="role", events=[told], entities=age, text="16")
    assert await form.extract_role(CollectingDispatcher(), tracker, domain) == {"role": "young_person"}
    asked = {"event": "user", "parse_data": {"intent": {"name": "faq"}, "entities": [HINT_MUM]}}
    tracker = make_tracker(requested_slot="role", events=[asked], entities=age, text="16")
    assert await form.extract_role(CollectingDispatcher(), tracker, domain) == {}
    reset = make_tracker(
        requested_slot="role", events=[told, {"event": "reset_slots"}], entities=age, text="16"
    )
    assert await form.extract_role(CollectingDispatcher(), reset, domain) == {}
    parent = make_tracker({"role": "parent"}, requested_slot="age", events=[told], text="16")
    assert await form.extract_role(CollectingDispatcher(), parent, domain) == {}


async def test_a_bare_number_when_the_form_starts_is_the_age(domain) -> None:
    """ "16" typed in answer to the safety question started the form, which then asked "How old are you?"."""
    number = [{"entity": "number", "value": 16}]
    start = make_tracker(entities=number, text="16")
    assert await form.extract_age(CollectingDispatcher(), start, domain) == {"age": 16.0}
    # not while the form asks something else (the domain's mappings decide there), nor past the ages served,
    # nor over an age already known, nor in a longer message
    asked = make_tracker(requested_slot="borough", entities=number, text="16")
    assert await form.extract_age(CollectingDispatcher(), asked, domain) == {}
    old = make_tracker(entities=[{"entity": "number", "value": 67}], text="67")
    assert await form.extract_age(CollectingDispatcher(), old, domain) == {}
    known = make_tracker({"age": 14.0, "age_band": "young_teen"}, entities=number, text="16")
    assert await form.extract_age(CollectingDispatcher(), known, domain) == {}
    longer = make_tracker(entities=number, text="option 16")
    assert await form.extract_age(CollectingDispatcher(), longer, domain) == {}


def _after_asking_for_a_friend(entities: List[Dict[str, Any]], earlier: str = "friend") -> Any:
    friend = {"entities": [{"entity": "asking_for", "value": earlier}]}
    events = [
        {"event": "user", "text": "my best friend cuts herself", "parse_data": friend},
        {"event": "slot", "name": "age", "value": 15.0},
        {"event": "user", "text": "what about me"},
    ]
    return make_tracker(
        {"role": "young_person", "age": 15.0, "age_band": "young_teen", "concerns": ["self_harm"]},
        intent="ask_for_help",
        entities=entities,
        events=events,
    )


async def test_asking_for_themselves_after_a_friend_asks_their_own_age_and_worries(domain) -> None:
    """ "what about me, im really stressed about it": the age and worries so far were the friend's."""
    own = [{"entity": "asking_for", "value": "self"}, {"entity": "concern", "value": "anxiety"}]
    tracker = _after_asking_for_a_friend(own)
    dispatcher = CollectingDispatcher()
    assert await form.extract_age(dispatcher, tracker, domain) == {"age": None, "age_band": None}
    assert await form.extract_concerns(dispatcher, tracker, domain) == {}, "this message's worry stands"
    bare = _after_asking_for_a_friend([{"entity": "asking_for", "value": "self"}])
    assert await form.extract_concerns(dispatcher, bare, domain) == {"concerns": None}
    assert dispatcher.messages == []


async def test_for_me_with_no_friend_before_changes_nothing(domain) -> None:
    tracker = _after_asking_for_a_friend([{"entity": "asking_for", "value": "self"}], earlier="self")
    assert await form.extract_age(CollectingDispatcher(), tracker, domain) == {}
