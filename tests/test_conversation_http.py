"""Whole conversations over the REST channel, against the trained model and the real servers.

These are the conversations the README promises: one for each of the four boroughs the seeds cover, one for
someone outside them, the one-message path, corrections, and crisis messages in the middle of the form.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List

import pytest

from directory.matching import PAYLOAD_KEYS
from tests.support.servers import AssistantProcesses, customs, dump, escalation, services_payload, texts

pytestmark = [pytest.mark.model, pytest.mark.server]

# The signposting item's keys; tests/directory/test_directory_matching.py pins them to docs/contracts.md.
PAYLOAD_FIELDS = set(PAYLOAD_KEYS)


def converse(assistant: AssistantProcesses, messages: List[str]) -> List[List[Dict[str, Any]]]:
    sender = assistant.new_sender()
    return [assistant.say(sender, message) for message in messages]


def assert_services(replies: List[Dict[str, Any]], *, area: str, age: int) -> Dict[str, Any]:
    """The answer lists 3-5 services as text and as a payload, all usable at this age and place."""
    payload = services_payload(replies)
    assert payload is not None, dump(replies)
    services = payload["services"]
    assert 3 <= len(services) <= 5, dump(replies)
    for service in services:
        assert PAYLOAD_FIELDS <= set(service), service
        assert service["age_min"] is None or service["age_min"] <= age, service
        assert service["age_max"] is None or age <= service["age_max"], service
        assert set(service["areas"]) & {area, "National", "Online"}, service
        assert service["name"] in " ".join(texts(replies)), "every service is also listed as text"
    assert escalation(replies) is None
    return payload


def test_opening_says_what_it_is_and_asks_who_is_asking(assistant: AssistantProcesses) -> None:
    replies = assistant.say(assistant.new_sender(), "hi")
    said = " ".join(texts(replies)).lower()
    assert "not a counsellor" in said and "emergency" in said and "999" in said
    assert "stop" in said
    payloads = [b["payload"] for r in replies for b in r.get("buttons") or []]
    assert '/inform{"role":"young_person"}' in payloads, payloads


@pytest.mark.parametrize(
    "borough_text, area",
    [
        ("hackney", "Hackney"),
        ("I live in Westminster", "Westminster"),
        ("notting hill", "Kensington and Chelsea"),
        ("EC2", "City of London"),
    ],
)
def test_young_person_in_each_core_borough_gets_local_services_first(
    assistant: AssistantProcesses, borough_text: str, area: str
) -> None:
    turns = converse(
        assistant,
        ["hello", '/inform{"role":"young_person"}', "15", borough_text, "i've been feeling really anxious"],
    )
    payload = assert_services(turns[-1], area=area, age=15)
    first = payload["services"][0]
    assert area in first["areas"], f"a local service comes first for {area}: {payload}"


@pytest.mark.parametrize(
    "place_answer, area, age, concern",
    [
        ("I live in Manchester", "Outside London", "17", "low mood"),
        ("/prefer_not_say", "Not given", "16", "exam stress"),
    ],
)
def test_outside_london_or_rather_not_say_gets_national_and_online_services(
    assistant: AssistantProcesses, place_answer: str, area: str, age: str, concern: str
) -> None:
    turns = converse(assistant, ["hi", '/inform{"role":"young_person"}', age, place_answer, concern])
    payload = assert_services(turns[-1], area=area, age=int(age))
    for service in payload["services"]:
        assert set(service["areas"]) <= {"National", "Online"}, service


def test_someone_who_will_not_say_who_or_how_old_still_gets_services(assistant: AssistantProcesses) -> None:
    """ "not saying" to who it is for goes on as a young person; "rather not say" to the age is accepted once
    and the search covers every age (it used to ask "How old are you?" for ever)."""
    turns = converse(assistant, ["hey", "not saying", "rather not say", "hackney", "stress"])
    assert "how old are you" in " ".join(texts(turns[1])).lower(), dump(turns[1])
    declined = " ".join(texts(turns[2])).lower()
    assert "you don't have to say" in declined and "which part of london" in declined, dump(turns[2])
    assert "didn't get that" not in declined
    payload = services_payload(turns[-1])
    assert payload is not None and 3 <= len(payload["services"]) <= 5, dump(turns[-1])
    assert all(set(s["areas"]) & {"Hackney", "National", "Online"} for s in payload["services"])


def test_myself_answers_who_it_is_for_and_the_role_question_never_loops(
    assistant: AssistantProcesses,
) -> None:
    turns = converse(assistant, ["hello", "myself", "15", "i live in kent", "anxiety"])
    assert "how old are you" in " ".join(texts(turns[1])).lower(), dump(turns[1])
    assert services_payload(turns[-1]) is not None, dump(turns[-1])
    # answering everything but the role: taken as a young person after the third ask, not asked for ever
    turns = converse(assistant, ["hi", "dunno", "15", "hackney", "stress"])
    assert services_payload(turns[-1]) is not None, dump(turns[-1])


def test_a_youth_worker_giving_the_age_in_passing_is_not_asked_again(assistant: AssistantProcesses) -> None:
    turns = converse(
        assistant,
        ["hi im a youth worker in westminster", "one of my young people is 16 and being bullied online"],
    )
    assert "how old" not in " ".join(texts(turns[1])).lower(), dump(turns[1])
    assert_services(turns[1], area="Westminster", age=16)


def test_everything_in_one_message_is_not_asked_again(assistant: AssistantProcesses) -> None:
    turns = converse(assistant, ["I'm 15, live in Hackney and feel really low"])
    said = " ".join(texts(turns[0])).lower()
    assert "how old" not in said and "which part of london" not in said
    assert_services(turns[0], area="Hackney", age=15)


def test_parent_in_postcode_area_gets_services_for_their_child(assistant: AssistantProcesses) -> None:
    turns = converse(assistant, ["hi", "my son is 9 and we live in E8 1DY, he gets really angry"])
    payload = assert_services(turns[-1], area="Hackney", age=9)
    assert any("Hackney" in s["areas"] for s in payload["services"])


def test_age_typed_at_the_who_is_it_for_question_is_kept(assistant: AssistantProcesses) -> None:
    turns = converse(
        assistant, ["hi", "15", '/inform{"role":"young_person"}', "hackney", "i worry all the time"]
    )
    asked_again = " ".join(texts(turns[1])).lower()
    assert "who are you looking for support for" in asked_again and "didn't get that" not in asked_again
    assert "which part of london" in " ".join(texts(turns[2])).lower(), "the age is not asked again"
    assert_services(turns[-1], area="Hackney", age=15)


def test_parent_of_a_young_child_is_asked_in_a_parents_words(assistant: AssistantProcesses) -> None:
    for _ in range(3):  # Rasa alone picked the child's or the parent's wording at random
        turns = converse(assistant, ["hello", "my son", "he's 4", "tower hamlets"])
        assert "your child" in " ".join(texts(turns[-1])).lower(), dump(turns[-1])


def test_a_friend_worried_about_a_mate_is_helped(assistant: AssistantProcesses) -> None:
    turns = converse(assistant, ["my mate is really down and i dont know what to do", "15", "islington"])
    first = " ".join(texts(turns[0])).lower()
    assert "didn't get that" not in first and "how old" in first, dump(turns[0])
    assert_services(turns[-1], area="Islington", age=15)


@pytest.mark.xfail(
    strict=True,
    reason="known regression (2026-12-06): the learned risk models read 'she says she feels sick every morning' "
    "as reported distress (check 0.88) and ask the safety question before the new search; see README Risk figures",
)
def test_a_parent_adding_a_worry_after_the_list_gets_a_new_search_not_a_greeting(
    assistant: AssistantProcesses,
) -> None:
    """ "she feels sick every morning" was read as a greeting ("morning") and answered "Hi again"."""
    turns = converse(
        assistant,
        [
            "my daughter is 11 and she wont go to school anymore",
            "we live in kensington",
            "she says she feels sick every morning",
        ],
    )
    said = " ".join(texts(turns[-1])).lower()
    assert "hi again" not in said, dump(turns[-1])
    assert_services(turns[-1], area="Kensington and Chelsea", age=11)


def test_a_teacher_answering_self_harm_is_told_what_to_do_for_the_pupil(
    assistant: AssistantProcesses,
) -> None:
    """A bare "self harm" names no one; from a professional it is about the young person, not the teacher."""
    replies = converse(assistant, ["hello", "im a teacher", "year 9", "camden", "self harm"])[-1]
    said = " ".join(texts(replies)).lower()
    assert escalation(replies) == {"escalation": "crisis", "category": "self_harm"}, dump(replies)
    assert "the young person" in said and "are they safe" in said and "feeling like this" not in said


def test_a_question_naming_a_parent_is_answered_before_the_form_goes_on(
    assistant: AssistantProcesses,
) -> None:
    turns = converse(assistant, ["hey", "can i refer myself without my mum knowing?"])
    said = " ".join(texts(turns[-1])).lower()
    assert "private" in said and "who are you looking for support for" in said, dump(turns[-1])


@pytest.mark.parametrize(
    "messages, words",
    [
        (["hey", "i took a bunch of my mums tablets like an hour ago"], "even if you feel ok"),
        (["hi", "my child", "my son has swallowed a load of paracetamol"], "even if they seem fine"),
    ],
)
def test_something_already_taken_gets_told_to_get_a_doctor_now(
    assistant: AssistantProcesses, messages: List[str], words: str
) -> None:
    replies = converse(assistant, messages)[-1]
    said = " ".join(texts(replies)).lower()
    assert escalation(replies) is not None and "999" in said and words in said, dump(replies)


def test_unknown_place_is_asked_again_kindly(assistant: AssistantProcesses) -> None:
    turns = converse(assistant, ["hi", '/inform{"role":"young_person"}', "14", "narnia"])
    said = " ".join(texts(turns[-1])).lower()
    assert "don't know that place" in said
    assert services_payload(turns[-1]) is None


def test_changing_an_answer_searches_again(assistant: AssistantProcesses) -> None:
    turns = converse(assistant, ["I'm 15, live in Hackney and feel really low", "actually I'm 19"])
    first = assert_services(turns[0], area="Hackney", age=15)
    second = assert_services(turns[1], area="Hackney", age=19)
    assert first != second


@pytest.mark.parametrize(
    "message, kind",
    [
        ("i want to kill myself", "crisis"),
        ("i took a load of pills", "crisis"),
        ("my stepdad hits me", "safeguarding"),
    ],
)
def test_crisis_mid_form_escalates_and_the_person_can_carry_on(
    assistant: AssistantProcesses, message: str, kind: str
) -> None:
    sender = assistant.new_sender()
    assistant.say(sender, "hi")
    assistant.say(sender, '/inform{"role":"young_person"}')
    replies = assistant.say(sender, message)
    marker = escalation(replies)
    assert marker is not None and marker["escalation"] == kind, dump(replies)
    said = " ".join(texts(replies))
    assert "999" in said and "safe right now" in said
    assert services_payload(replies) is None
    carry_on = assistant.say(sender, "yes")
    if "pills" in message:  # after something was taken, "yes" is told to get checked anyway (renewed)
        assert escalation(carry_on) == {"escalation": "crisis", "category": "overdose"}, dump(carry_on)
        assert "even if you feel fine" in " ".join(texts(carry_on)).lower(), dump(carry_on)
    else:
        assert escalation(carry_on) is None
    assert "keep helping" in " ".join(texts(carry_on)).lower(), dump(carry_on)
    resumed = assistant.say(sender, "yes")
    assert "how old" in " ".join(texts(resumed)).lower(), "the form resumes where it was"


def test_crisis_answer_containing_the_asked_age_still_escalates(assistant: AssistantProcesses) -> None:
    turns = converse(assistant, ["hi", '/inform{"role":"young_person"}', "im 15 and i want to die"])
    marker = escalation(turns[-1])
    assert marker == {"escalation": "crisis", "category": "suicide"}, dump(turns[-1])


def test_local_crisis_line_follows_the_borough(assistant: AssistantProcesses) -> None:
    turns = converse(
        assistant,
        ["hi", '/inform{"role":"young_person"}', "15", "westminster", "i keep thinking about suicide"],
    )
    said = " ".join(texts(turns[-1]))
    assert "0800 0234 650" in said, "CNWL's 24/7 line for Westminster"
    assert "111" in said


def test_escalation_works_with_the_action_server_down(assistant: AssistantProcesses) -> None:
    sender = assistant.new_sender()
    assistant.say(sender, "hi")
    assistant.stop_action_server()
    try:
        replies = assistant.say(sender, "i want to end my life")
        assert escalation(replies) == {"escalation": "crisis", "category": "suicide"}, dump(replies)
        assert "999" in " ".join(texts(replies))
    finally:
        assistant.start_action_server()


@pytest.mark.parametrize(
    "opening, age, expected_question",
    [
        ('/inform{"role":"young_person"}', "9", "What has been making you feel bad?"),
        ('/inform{"role":"young_person"}', "14", "What's been on your mind?"),
        ('/inform{"role":"parent"}', "14", "What's worrying you about your child?"),
        ('/inform{"role":"professional"}', "14", "What are the main concerns?"),
    ],
)
def test_each_audience_gets_its_own_wording(
    assistant: AssistantProcesses, opening: str, age: str, expected_question: str
) -> None:
    turns = converse(assistant, ["hi", opening, age, "hackney"])
    assert expected_question in " ".join(texts(turns[-1])), dump(turns[-1])


def test_parent_of_an_under_five_gets_services_for_that_age(assistant: AssistantProcesses) -> None:
    turns = converse(
        assistant,
        ["hi", '/inform{"role":"parent"}', "my daughter is 3", "westminster", "she has huge tantrums"],
    )
    assert_services(turns[-1], area="Westminster", age=3)


def test_question_mid_form_is_answered_and_the_form_carries_on(assistant: AssistantProcesses) -> None:
    turns = converse(assistant, ["hi", '/inform{"role":"young_person"}', "what is camhs?"])
    said = " ".join(texts(turns[-1]))
    assert "Child and Adolescent Mental Health Services" in said
    assert "How old are you?" in said, "the form asks its question again"


def test_two_misunderstandings_move_on_instead_of_asking_a_third_time(assistant: AssistantProcesses) -> None:
    """Who it is for, asked twice and not understood twice: go on as for a young person (issue 14, 7)."""
    turns = converse(assistant, ["hi", "🙃", "🙃"])
    assert "who it's for" in " ".join(texts(turns[1])).lower(), dump(turns[1])
    assert "how old are you" in " ".join(texts(turns[2])).lower(), dump(turns[2])
    assert "who are you looking for" not in " ".join(texts(turns[2])).lower()


# ---------------------------------------------------------------- issue 14: holding a conversation
ENGLISH_ONLY = re.compile(r"only (chat|works) in english")


def said(replies: List[Dict[str, Any]]) -> str:
    return " ".join(texts(replies)).lower()


def service_cards(replies: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    return [c["service"] for c in customs(replies) if c.get("type") == "service"]


def test_questions_about_the_list_are_answered_from_the_directory(assistant: AssistantProcesses) -> None:
    """(1) "which of these is free?", "the first one", "is it online?", a name, a misspelt name."""
    turns = converse(
        assistant,
        [
            "I'm 15, live in Hackney and feel really anxious",
            "which of these is free?",
            "how do i contact the first one",
            "is it online?",
            "what is Off Centre",
            "tell me more about koth",
        ],
    )
    listed = [s["id"] for s in services_payload(turns[0])["services"]]
    free = turns[1]
    assert not ENGLISH_ONLY.search(said(free)) and "take care" not in said(free), dump(free)
    assert [c["id"] for c in service_cards(free)] == listed
    assert [c["id"] for c in service_cards(turns[2])] == listed[:1], dump(turns[2])
    assert "contact:" in said(turns[2])
    assert [c["id"] for c in service_cards(turns[3])] == listed[:1], "'it' is the service just talked about"
    assert "online" in said(turns[3])
    off_centre = turns[4]
    assert [c["id"] for c in service_cards(off_centre)] == ["off-centre"], dump(off_centre)
    assert "take care" not in said(off_centre), "a question about a service never ends the chat"
    assert "16 to 25" in said(off_centre), "its ages, so a 15-year-old can see it may not fit"
    assert [c["id"] for c in service_cards(turns[5])] == ["kooth-city-hackney"], dump(turns[5])
    for turn in turns[1:]:
        assert any(r.get("buttons") for r in turn), "every reply leaves a next step"


def test_asking_which_one_to_call_first_gets_the_best_fit_and_how_to_reach_it(
    assistant: AssistantProcesses,
) -> None:
    """(1) "which one I call first?" got "Which service do you mean?": the list is best fit first."""
    turns = converse(
        assistant, ["my son is 13, we live in westminster, he is very anxious", "ok. which one I call first?"]
    )
    listed = [s["id"] for s in services_payload(turns[0])["services"]]
    first = turns[1]
    assert [c["id"] for c in service_cards(first)] == listed[:1], dump(first)
    assert "start with" in said(first) and "contact:" in said(first), dump(first)


def test_asking_whether_a_service_is_for_parents_too_says_who_it_serves(
    assistant: AssistantProcesses,
) -> None:
    """(1) "Is Beat just for young people or for parents too?" got only its ages and area."""
    turns = converse(
        assistant,
        [
            "my daughter is 16 and not eating, we live in hackney",
            "Is Beat just for young people or for parents too?",
        ],
    )
    answer = turns[1]
    assert service_cards(answer) and all(c["id"].startswith("beat") for c in service_cards(answer)), dump(
        answer
    )
    assert "parents and carers" in said(answer), dump(answer)


def test_every_listed_service_has_a_way_to_reach_it(assistant: AssistantProcesses) -> None:
    turns = converse(assistant, ["I'm a teacher in Hackney, a 14 year old pupil of mine is really low"])
    payload = services_payload(turns[0])
    assert payload is not None, dump(turns[0])
    lines = [t for t in texts(turns[0]) if any(t.startswith(s["name"]) for s in payload["services"])]
    assert len(lines) == len(payload["services"])
    for line in lines:
        assert re.search(
            r"Phone: |Website: |Text |Email: |your GP, your school or your local Wellbeing Hub", line
        ), line


@pytest.mark.parametrize(
    "question, expected, unexpected",
    [
        ("before anything else do i have to go to my GP?", "gp", "30 days"),
        ("how do I get an ADHD assessment", "adhd", "someone from the service"),
        ("how do we get an autism assessment for our son", "autism", "self-referral means"),
        ("what is CAMHS", "child and adolescent mental health services", "self-referral means"),
        ("will my parents be told?", "parent", "30 days"),
        ("would i have to pay for any of it?", "free", "30 days"),
        ("my english is not good", "interpreter", "sorry, i didn't get that"),
        ("who can make a referral", "refer", "30 days"),
        ("what do i do at night if it's an emergency", "999", "30 days"),
    ],
)
def test_the_faq_answers_the_question_asked(
    assistant: AssistantProcesses, question: str, expected: str, unexpected: str
) -> None:
    """(2) the FAQ topics of /work/briefs/faq_topics.md, from the seeds and the reference."""
    reply = said(converse(assistant, ["hi", question])[1])
    assert expected in reply and unexpected not in reply, reply


def test_other_languages_get_the_english_only_reply_and_english_never_does(
    assistant: AssistantProcesses,
) -> None:
    """(3) the language reply only for another language; an unclear English message gets a rephrase prompt."""
    spanish = converse(assistant, ["hola necesito ayuda para mi hijo"])[0]
    assert ENGLISH_ONLY.search(said(spanish)) and "interpreter" in said(spanish), dump(spanish)
    for message in ["hmm the thing with the stuff", "which of these is free?", "ok im safe for now"]:
        reply = converse(assistant, [message])[0]
        assert not ENGLISH_ONLY.search(said(reply)), (message, dump(reply))
        assert "take care" not in said(reply), (message, dump(reply))
        assert any(r.get("buttons") for r in reply) or services_payload(reply), (message, dump(reply))


def test_a_parent_who_found_cuts_is_told_about_the_child(assistant: AssistantProcesses) -> None:
    """(4) the crisis reply to a parent speaks about the child, never as if the parent were at risk."""
    reply = converse(assistant, ["I found cuts on my daughter's arm and a note, she is 14"])[0]
    assert escalation(reply) == {"escalation": "crisis", "category": "self_harm"}, dump(reply)
    assert "are they safe" in said(reply) and "are you safe" not in said(reply), dump(reply)


def test_a_teacher_gets_the_professional_referral_route(assistant: AssistantProcesses) -> None:
    turns = converse(assistant, ["hello", "Someone I work with", "14", "E8", "she is very low"])
    assert "how old is the young person" in said(turns[1]), dump(turns[1])
    assert "single point of access" in said(turns[-1]) and "consent" in said(turns[-1]), dump(turns[-1])
    assert services_payload(turns[-1]) is not None


def test_a_young_childs_tantrums_get_parenting_support_not_an_escalation(
    assistant: AssistantProcesses,
) -> None:
    """(5) proportionate: ordinary behaviour of a young child is support for the parent."""
    turns = converse(
        assistant, ["my 6 year old has tantrums and keeps hitting his little sister, we live in Westminster"]
    )
    assert escalation(turns[0]) is None, dump(turns[0])
    payload = services_payload(turns[0])
    assert payload and any("parent" in s["summary"].lower() for s in payload["services"]), dump(turns[0])
    harm = converse(assistant, ["my stepdad gets angry and hits my little brother"])[0]
    assert escalation(harm) == {"escalation": "safeguarding", "category": "abuse"}, dump(harm)


def test_needs_volunteered_change_the_list_and_eligibility_holds(assistant: AssistantProcesses) -> None:
    """(6) Growing Minds for a Black young person in Hackney; a care leavers' line only for care leavers."""
    turns = converse(assistant, ["I'm 16 and Black, I live in Hackney and I'm really anxious"])
    assert services_payload(turns[0])["services"][0]["id"] == "growing-minds", dump(turns[0])
    not_leaver = converse(assistant, ["I'm 19, live in Hackney and feel lonely"])[0]
    assert "listening-works" not in [s["id"] for s in services_payload(not_leaver)["services"]]
    leaver = converse(assistant, ["I'm 19, a care leaver in Hackney and feel lonely"])[0]
    assert services_payload(leaver)["services"][0]["id"] == "listening-works", dump(leaver)


def test_over_25s_are_told_where_adult_help_is(assistant: AssistantProcesses) -> None:
    turns = converse(assistant, ["hi", '/inform{"role":"young_person"}', "26", "hackney", "depressed"])
    assert "nhs talking therapies" in said(turns[2]) and "111" in said(turns[2]), dump(turns[2])
    for service in services_payload(turns[-1])["services"]:
        assert service["age_max"] is None or service["age_max"] >= 26, service
        assert service["age_max"] is not None or set(service["areas"]) <= {"National", "Online"}, service


def test_rather_not_say_and_dont_know_move_on_at_once(assistant: AssistantProcesses) -> None:
    """(7) no dead ends: each refusal or "don't know" moves on, and services still come."""
    turns = converse(assistant, ["hi", "rather not say", "dunno", "idk", "rather not say"])
    assert "how old are you" in said(turns[1]), dump(turns[1])
    assert "which part of london" in said(turns[2]), dump(turns[2])
    assert "what's been on your mind" in said(turns[3]), dump(turns[3])
    assert services_payload(turns[4]) is not None, dump(turns[4])


def test_an_unknown_place_twice_moves_on(assistant: AssistantProcesses) -> None:
    turns = converse(assistant, ["hi", '/inform{"role":"young_person"}', "14", "narnia", "mordor"])
    assert "what's been on your mind" in said(turns[-1]), dump(turns[-1])


def test_a_friend_is_asked_about_the_friend(assistant: AssistantProcesses) -> None:
    turns = converse(assistant, ["hi", "my friend", "15"])
    assert "how old is your friend" in said(turns[1]), dump(turns[1])


def test_i_meant_another_borough_gives_a_new_list(assistant: AssistantProcesses) -> None:
    turns = converse(assistant, ["I'm 15, live in Hackney and feel really low", "sorry I meant Westminster"])
    assert_services(turns[1], area="Westminster", age=15)


# ---------------------------------------------------------------- issue 14: holding the conversation
def card(replies: List[Dict[str, Any]]) -> Dict[str, Any]:
    found = [c for c in customs(replies) if c.get("type") == "service"]
    assert found, dump(replies)
    return found[-1]["service"]


@pytest.mark.parametrize(
    "opening, age",
    [
        ("Youth worker in Hackney here. A girl I support, 15, has been really anxious and not sleeping.", 15),
        ("School nurse here, Westminster. A year 10 pupil (14) is very low and missing lessons.", 14),
    ],
)
def test_a_professional_naming_their_job_gets_the_referral_route_and_a_list_at_once(
    assistant: AssistantProcesses, opening: str, age: int
) -> None:
    """ "GP here, ..." used to be asked "Who are you looking for support for?" and never got a list."""
    replies = converse(assistant, [opening])[0]
    assert services_payload(replies) is not None, dump(replies)
    assert "single point of access" in said(replies), "the professional referral route from the seeds"
    assert "who are you looking for support for" not in said(replies)


def test_a_parent_describing_tantrums_and_hitting_a_sibling_gets_parent_support_not_an_alarm(
    assistant: AssistantProcesses,
) -> None:
    turns = converse(
        assistant,
        [
            "My 5 year old has huge tantrums, throws things and sometimes hits his little brother. I'm worn out.",
            "we live in Westminster",
        ],
    )
    assert all(escalation(t) is None for t in turns), dump(turns[0])
    assert services_payload(turns[-1]) is not None, dump(turns[-1])


def test_follow_up_questions_about_a_listed_service_answer_from_its_card(
    assistant: AssistantProcesses,
) -> None:
    """ "Opening hours?" and "what hours is it open?" after a list got the emergency FAQ."""
    turns = converse(
        assistant,
        [
            "hi",
            "me",
            "15",
            "hackney",
            "stressed about exams",
            "tell me about the first one",
            "Opening hours?",
            "is it online or in person?",
        ],
    )
    first = services_payload(turns[4])["services"][0]
    assert card(turns[5])["id"] == first["id"], dump(turns[5])
    for reply in turns[6:]:
        assert card(reply)["id"] == first["id"], dump(reply)
        assert escalation(reply) is None


def test_limited_english_hears_about_a_free_interpreter(assistant: AssistantProcesses) -> None:
    replies = converse(
        assistant, ["my english not good. my daughter 12, very sad, not eat. we live Hackney"]
    )[0]
    assert "interpreter" in said(replies), dump(replies)
    assert "only chat in english" not in said(replies)


def test_saying_the_child_is_safe_after_a_crisis_reply_is_not_read_as_danger(
    assistant: AssistantProcesses,
) -> None:
    """ "She's not in immediate danger. What services can she access?" got "Please call 999 now"."""
    turns = converse(
        assistant,
        [
            "I'm a teacher in Camden. A pupil (15) told me she has been cutting herself.",
            "She's not in immediate danger. What services can she access?",
        ],
    )
    assert escalation(turns[0]) is not None, dump(turns[0])
    assert "call 999 now" not in said(turns[1]), dump(turns[1])


def test_an_adult_over_25_is_told_where_adult_help_is(assistant: AssistantProcesses) -> None:
    turns = converse(assistant, ["hi im 30 and my anxiety is really bad", "i live in camden"])
    everything = " ".join(said(t) for t in turns)
    assert "talking therapies" in everything and "who are you looking for support for" not in everything
    payload = services_payload(turns[-1])
    if payload:
        assert all(s["age_max"] is None or s["age_max"] >= 30 for s in payload["services"]), payload


def test_yes_to_anything_else_does_not_start_the_questions_again(assistant: AssistantProcesses) -> None:
    turns = converse(
        assistant, ["im 16 in hackney and feeling low", "yes", "how do i contact the second one"]
    )
    assert services_payload(turns[0]) is not None, dump(turns[0])
    assert "who are you looking for support for" not in said(turns[1]), dump(turns[1])
    assert card(turns[2])["id"] == services_payload(turns[0])["services"][1]["id"], dump(turns[2])


def test_a_parent_who_mentions_their_own_mum_stays_a_parent(assistant: AssistantProcesses) -> None:
    """ "my mum keeps saying he needs CAMHS" turned a parent into a young person: the child's wording
    followed ("You can talk to Childline without your family knowing")."""
    turns = converse(
        assistant,
        [
            "my son is 7 and gets so angry at home, we are in islington",
            "my mum says he needs camhs, what is camhs",
        ],
    )
    said = " ".join(texts(turns[-1])).lower()
    assert "whole family" in said, dump(turns[-1])


def test_not_wanting_to_say_anything_at_the_start_is_no_dead_end(assistant: AssistantProcesses) -> None:
    replies = assistant.say(assistant.new_sender(), "id prefer not to share my age or where im based")
    said = " ".join(texts(replies)).lower()
    assert "85258" in said and "0800 1111" in said, dump(replies)


def test_asking_if_a_listed_service_is_online_is_not_a_goodbye(assistant: AssistantProcesses) -> None:
    """ "is that online or do i have to go there" after a list ended the chat with "Take care"."""
    turns = converse(
        assistant,
        ["im 16, camden, stressed about exams", "does that work online, or would I need to visit"],
    )
    said = " ".join(texts(turns[-1])).lower()
    assert "take care" not in said and "online" in said, dump(turns[-1])


# ---------------------------------------------------------------- issue 14: the conversation failures of 2026-12-07
def test_not_in_danger_and_asking_for_services_gets_the_services(assistant: AssistantProcesses) -> None:
    """ "She's not in immediate danger. What services are there?" got "Would you like me to keep helping?"."""
    turns = converse(
        assistant,
        [
            "I'm a teacher in Camden. A pupil (15) told me she has been cutting herself.",
            "She's not in immediate danger. What services are there?",
        ],
    )
    assert escalation(turns[0]) is not None, dump(turns[0])
    assert "keep helping" not in said(turns[1]) and "call 999 now" not in said(turns[1]), dump(turns[1])
    assert_services(turns[1], area="Camden", age=15)


def test_a_friend_who_then_asks_for_themselves_gets_their_own_search(assistant: AssistantProcesses) -> None:
    """(4) "shes not in danger rn" was a safeguarding alarm ("it's not your fault"), and "what about me, im
    really stressed" got "I haven't suggested any services yet", then "How old is your friend?"."""
    turns = converse(
        assistant,
        [
            "my best friend cuts herself and she made me promise not to tell anyone. what do i do",
            "shes not in danger rn shes at home",
            "what about me, im really stressed about it",
            "15",
            "bromley",
        ],
    )
    assert escalation(turns[0]) is not None, dump(turns[0])
    # No alarm for the denial; the safety question about the friend (who cuts herself) may be asked.
    assert (escalation(turns[1]) or {}).get("escalation") in (None, "check"), dump(turns[1])
    assert "haven't suggested" not in said(turns[2]), dump(turns[2])
    own = turns[2:]
    assert all("your friend" not in said(turn) for turn in own), [dump(turn) for turn in own]
    assert any(services_payload(turn) is not None for turn in own), [dump(turn) for turn in own]


def test_not_in_danger_before_the_form_is_done_asks_what_it_still_needs(
    assistant: AssistantProcesses,
) -> None:
    turns = converse(
        assistant,
        ["my daughter has been cutting herself", "she's not in immediate danger, what help is out there?"],
    )
    assert escalation(turns[0]) is not None, dump(turns[0])
    assert "keep helping" not in said(turns[1]) and "how old" in said(turns[1]), dump(turns[1])


@pytest.mark.parametrize(
    "opening, age, area",
    [
        ("16 F from hackney, really anxious all the time", 16, "Hackney"),
        ("15m, islington. cant sleep", 15, "Islington"),
    ],
)
def test_an_age_given_with_a_sex_is_the_age(
    assistant: AssistantProcesses, opening: str, age: int, area: str
) -> None:
    """ "20 m, tower hamlets" was read as a plain number, so the age was asked again."""
    turns = converse(assistant, [opening])
    assert "how old" not in said(turns[0]), dump(turns[0])
    assert_services(turns[0], area=area, age=age)


@pytest.mark.parametrize("fine", ["im fine now honestly", "i feel fine tho"])
def test_feeling_fine_after_an_overdose_is_still_told_to_get_checked(
    assistant: AssistantProcesses, fine: str
) -> None:
    turns = converse(assistant, ["hey", "i took a bunch of my mums tablets like an hour ago", fine])
    assert escalation(turns[1]) is not None, dump(turns[1])
    assert escalation(turns[2]) == {"escalation": "crisis", "category": "overdose"}, dump(turns[2])
    assert "999" in said(turns[2]) and "even if you feel fine" in said(turns[2]), dump(turns[2])
    assert "i'm glad" not in said(turns[2])


@pytest.mark.parametrize(
    "answer, goes_on",
    [
        ("no not me, I'm worried about my daughter", "how old is your child"),
        ("no not me, I'm worried about her", "it still sounds worrying"),
        ("i would never", "keep helping"),
    ],
)
def test_a_parent_saying_not_me_to_the_safety_question_is_not_escalated(
    assistant: AssistantProcesses, answer: str, goes_on: str
) -> None:
    """ "no not me, I'm worried about her" to "Is that happening for you?" got the crisis reply; it goes on
    about the child (the form's next question, or the no-answer about them)."""
    turns = converse(
        assistant,
        ["everything feels pointless lately and im worn out from trying so hard for nothing", answer],
    )
    assert (escalation(turns[0]) or {}).get("escalation") == "check", dump(turns[0])
    assert escalation(turns[1]) is None, dump(turns[1])
    assert goes_on in said(turns[1]) and "are you safe" not in said(turns[1]), dump(turns[1])


def test_asking_what_there_is_for_a_concern_after_a_list_searches_again(
    assistant: AssistantProcesses,
) -> None:
    """ "Is there anything specifically for self-harm?" after a list got the cost answer."""
    turns = converse(
        assistant, ["im 15 in hackney and feeling low", "is there anything for drug stuff specifically"]
    )
    assert_services(turns[0], area="Hackney", age=15)
    assert "drugs and alcohol" in said(turns[1]), dump(turns[1])
    assert_services(turns[1], area="Hackney", age=15)


def test_a_childs_age_told_in_the_third_person_is_taken_as_a_parent(assistant: AssistantProcesses) -> None:
    """ "hes 13. Tooting. angry all the time..." was asked who the help is for before any list."""
    replies = converse(
        assistant, ["shes 11 and we live in hackney. really anxious since me and her dad split up"]
    )[0]
    assert "who are you looking for support for" not in said(replies), dump(replies)
    assert_services(replies, area="Hackney", age=11)
