"""The form's one state machine for asking again and moving on (actions/form_control.py): every path of
`decide`, how `hear` reads a message, and the step it gives for a whole tracker."""

from __future__ import annotations

import pytest

from actions import form_control
from actions.form_control import (
    AGE_DECLINED,
    MAX_NOT_UNDERSTOOD,
    MAX_ROLE_ASKS,
    QUESTIONS,
    Heard,
    Step,
    decide,
    hear,
    step_for,
)
from directory.vocab import NOT_GIVEN
from tests.actions.conftest import make_tracker

MOVED_ON = {
    "role": {"role": "young_person"},
    "age": {AGE_DECLINED: True},
    "borough": {"borough": NOT_GIVEN},
    "concerns": {"concerns": ["general"]},
}


def _bot(response: str) -> dict:
    return {"event": "bot", "metadata": {"utter_action": response}}


# ---------------------------------------------------------------------------- decide: every path


@pytest.mark.parametrize("question", QUESTIONS)
def test_a_first_answer_not_understood_is_said_so_and_the_question_asked_again(question: str) -> None:
    step = decide(question, Heard.NOT_UNDERSTOOD, misunderstood=0)
    assert step == Step(f"utter_{question}_not_understood", {question: None})


@pytest.mark.parametrize("question", QUESTIONS)
def test_a_second_answer_not_understood_moves_on_so_no_question_is_asked_a_third_time(question: str) -> None:
    step = decide(question, Heard.NOT_UNDERSTOOD, misunderstood=MAX_NOT_UNDERSTOOD)
    assert step is not None and dict(step.slots) == MOVED_ON[question]
    assert step.say == ("utter_age_skipped" if question == "age" else None)


@pytest.mark.parametrize("question", QUESTIONS)
def test_rather_not_say_moves_on_at_once(question: str) -> None:
    step = decide(question, Heard.DECLINED)
    assert step is not None and dict(step.slots) == MOVED_ON[question]
    assert step.say == ("utter_age_declined" if question == "age" else None)


@pytest.mark.parametrize("question", ["role", "age", "borough"])
def test_dont_know_moves_on_at_once(question: str) -> None:
    step = decide(question, Heard.DONT_KNOW)
    assert step is not None and dict(step.slots) == MOVED_ON[question]


def test_not_sure_what_worries_them_is_an_answer_left_to_the_slot_mapping() -> None:
    assert decide("concerns", Heard.DONT_KNOW) is None  # concern_unsure fills concerns (general support)


def test_answering_other_questions_instead_of_who_it_is_for_moves_on_after_the_second_ask() -> None:
    assert decide("role", Heard.OTHER_ANSWER, asked=MAX_ROLE_ASKS - 1) is None
    assert decide("role", Heard.OTHER_ANSWER, asked=MAX_ROLE_ASKS) == Step(None, MOVED_ON["role"])


@pytest.mark.parametrize("question", ["age", "borough", "concerns"])
def test_answering_another_question_is_kept_and_this_one_asked_again(question: str) -> None:
    assert decide(question, Heard.OTHER_ANSWER, asked=5) is None


@pytest.mark.parametrize("question", QUESTIONS)
def test_an_answer_is_left_to_the_slot_mappings_and_validation(question: str) -> None:
    assert decide(question, Heard.ANSWER, misunderstood=3, asked=3) is None


# ---------------------------------------------------------------------------- hear: reading the message


@pytest.mark.parametrize(
    "intent, entities, heard",
    [
        ("prefer_not_say", [], Heard.DECLINED),
        ("inform", [{"entity": "concern_unsure", "value": "general"}], Heard.DONT_KNOW),
        ("inform", [], Heard.NOT_UNDERSTOOD),
        ("nlu_fallback", [], Heard.NOT_UNDERSTOOD),
        ("inform", [{"entity": "age", "value": 15}], Heard.OTHER_ANSWER),
        ("inform", [{"entity": "borough", "value": "Hackney"}], Heard.ANSWER),
        ("faq", [], Heard.ANSWER),  # a question inside the form: the rules answer it
        ("chitchat", [], Heard.ANSWER),
    ],
)
def test_hear_reads_what_the_message_did_about_the_question_asked(intent, entities, heard) -> None:
    assert hear(make_tracker(intent=intent, entities=entities, requested_slot="borough"), "borough") is heard


def test_a_message_while_another_question_is_asked_is_not_this_questions_business() -> None:
    assert hear(make_tracker(intent="prefer_not_say", requested_slot="age"), "borough") is Heard.ANSWER


def test_chit_chat_dont_know_is_dont_know() -> None:
    tracker = make_tracker(intent="chitchat", requested_slot="age")
    tracker.latest_message["response_selector"] = {
        "chitchat": {"response": {"intent_response_key": "chitchat/dont_know"}}
    }
    assert hear(tracker, "age") is Heard.DONT_KNOW


def test_every_way_of_giving_an_age_answers_the_age_question() -> None:
    for entity in ("age", "number", "age_band"):
        tracker = make_tracker(entities=[{"entity": entity, "value": 15}], requested_slot="age")
        assert hear(tracker, "age") is Heard.ANSWER


# ---------------------------------------------------------------------------- step_for: counting from the tracker


def test_misunderstandings_are_counted_since_the_slot_last_had_a_value() -> None:
    earlier = [_bot("utter_borough_not_understood"), {"event": "slot", "name": "borough", "value": "Hackney"}]
    tracker = make_tracker(requested_slot="borough", events=earlier)
    assert step_for(tracker, "borough") == Step("utter_borough_not_understood", {"borough": None})
    tracker = make_tracker(requested_slot="borough", events=earlier + [_bot("utter_borough_not_understood")])
    assert step_for(tracker, "borough") == Step(None, {"borough": NOT_GIVEN})


def test_the_fallbacks_second_misunderstanding_reply_counts_too() -> None:
    tracker = make_tracker(requested_slot="concerns", events=[_bot("utter_default_twice")])
    assert step_for(tracker, "concerns") == Step(None, {"concerns": ["general"]})


def test_a_new_search_starts_the_count_again() -> None:
    events = [_bot("utter_age_not_understood"), {"event": "reset_slots"}]
    assert step_for(make_tracker(requested_slot="age", events=events), "age") == Step(
        "utter_age_not_understood", {"age": None}
    )


def test_who_it_is_for_is_counted_by_the_times_it_was_asked() -> None:
    other = [{"entity": "borough", "value": "Hackney"}]
    once = make_tracker(entities=other, requested_slot="role", events=[_bot("utter_ask_role")])
    assert step_for(once, "role") is None
    twice = make_tracker(entities=other, requested_slot="role", events=[_bot("utter_ask_role")] * 2)
    assert step_for(twice, "role") == Step(None, {"role": "young_person"})


@pytest.mark.parametrize("question", QUESTIONS)
async def test_the_form_carries_the_step_out(question: str) -> None:
    """Rather not say, through the form action: the reply, then the slots (role and borough were the
    domain's slot mappings before; the machine owns them now)."""
    from rasa_sdk.executor import CollectingDispatcher

    from actions.signpost_form import ValidateSignpostForm

    dispatcher = CollectingDispatcher()
    tracker = make_tracker(intent="prefer_not_say", requested_slot=question)
    extract = getattr(ValidateSignpostForm(), f"extract_{question}")
    assert await extract(dispatcher, tracker, {}) == MOVED_ON[question]
    said = [m.get("response") for m in dispatcher.messages]
    assert said == (["utter_age_declined"] if question == "age" else [])


def _crisis_event() -> dict:
    return {"event": "user", "text": "...", "parse_data": {"intent": {"name": "crisis"}, "entities": []}}


@pytest.mark.parametrize(
    "category, concerns",
    [("suicide", ["low_mood"]), ("self_harm", ["self_harm"]), ("overdose", ["self_harm"])],
)
def test_a_crisis_message_gives_the_concern_so_the_form_does_not_ask_it_again(category, concerns) -> None:
    """ "i dont see the point in being alive anymore" answered "What's been on your mind?": after the crisis
    reply, "can u still show me the normal stuff near me" was asked the same question again."""
    tracker = make_tracker({"risk_category": category}, requested_slot="concerns", events=[_crisis_event()])
    assert form_control.concerns_after_crisis(tracker) == concerns


def test_no_concern_from_risk_without_a_crisis_or_when_one_is_named() -> None:
    # the safety question alone (a check, often a false alarm) or a safeguarding message gives none
    check = {"event": "user", "parse_data": {"intent": {"name": "risk_check"}}}
    assert (
        form_control.concerns_after_crisis(make_tracker({"risk_category": "suicide"}, events=[check])) is None
    )
    safeguarding = make_tracker({"risk_category": "abuse"}, events=[_crisis_event()])
    assert form_control.concerns_after_crisis(safeguarding) is None
    # a concern named now, or concerns already known, are the person's own words
    named = make_tracker(
        {"risk_category": "suicide"},
        entities=[{"entity": "concern", "value": "bullying"}],
        events=[_crisis_event()],
    )
    assert form_control.concerns_after_crisis(named) is None
    known = make_tracker({"risk_category": "suicide", "concerns": ["sleep"]}, events=[_crisis_event()])
    assert form_control.concerns_after_crisis(known) is None
    # a search reset since the crisis: the new search asks
    reset = make_tracker({"risk_category": "suicide"}, events=[_crisis_event(), {"event": "reset_slots"}])
    assert form_control.concerns_after_crisis(reset) is None
