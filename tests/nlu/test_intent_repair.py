"""bot.nlu.intent_repair: a not-understood message that names an age, place, concern or role becomes inform."""

from __future__ import annotations

from typing import Any, Dict, List

import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.intent_repair import InformWhenUnderstood, is_question


def parsed(intent: str, entity_types: List[str]) -> Message:
    ranking = [
        {"name": intent, "confidence": 0.45},
        {"name": "chitchat", "confidence": 0.52},
        {"name": "inform", "confidence": 0.47},
    ]
    return Message(
        data={
            "text": "x",
            "intent": {"name": intent, "confidence": 0.45},
            "intent_ranking": ranking,
            "entities": [{"entity": t, "value": "v", "start": 0, "end": 1} for t in entity_types],
        }
    )


def run(message: Message) -> Dict[str, Any]:
    InformWhenUnderstood({}).process([message])
    return message.get("intent")


@pytest.mark.parametrize("entities", [["concern"], ["role", "concern"], ["borough"], ["age"]])
def test_fallback_with_form_entities_becomes_inform(entities: List[str]) -> None:
    message = parsed("nlu_fallback", entities)
    assert run(message) == {"name": "inform", "confidence": 1.0}
    names = [r["name"] for r in message.get("intent_ranking")]
    assert names[0] == "inform" and names.count("inform") == 1 and "nlu_fallback" not in names


@pytest.mark.parametrize(
    "intent, entities",
    [("nlu_fallback", []), ("nlu_fallback", ["number"]), ("chitchat", ["concern"]), ("crisis", ["concern"])],
)
def test_everything_else_is_left_alone(intent: str, entities: List[str]) -> None:
    assert run(parsed(intent, entities))["name"] == intent


# ---------------------------------------------------------------- AskServiceWhenNamed (issue 14)
from bot.nlu.intent_repair import AskServiceWhenNamed  # noqa: E402


def ask(message: Message) -> str:
    AskServiceWhenNamed({}).process([message])
    return message.get("intent")["name"]


@pytest.mark.parametrize("intent", ["goodbye", "nlu_fallback", "out_of_scope", "faq", "chitchat", "inform"])
@pytest.mark.parametrize("entity", ["service", "service_position"])
def test_a_named_or_pointed_at_service_makes_a_question_about_it(intent: str, entity: str) -> None:
    """ "what is Off Centre" once got a goodbye; "the first one" is about the list whatever DIET guessed."""
    assert ask(parsed(intent, [entity])) == "ask_service"


@pytest.mark.parametrize("intent", ["crisis", "safeguarding", "other_language", "start_again"])
def test_safety_language_and_restart_are_never_overridden(intent: str) -> None:
    assert ask(parsed(intent, ["service"])) == intent


def test_an_answer_to_the_form_that_names_a_service_stays_inform() -> None:
    assert ask(parsed("inform", ["service", "age"])) == "inform"
    assert ask(parsed("goodbye", [])) == "goodbye"


def test_saying_who_the_help_is_for_is_asking_for_help_not_about_a_service() -> None:
    """ "what about me, im really stressed about it" (after asking for a friend) got "I haven't suggested any
    services yet"; naming a service still makes it a question about the service."""
    message = parsed("ask_service", ["asking_for", "concern"])
    message.set("text", "what about me, im really stressed about it")
    assert ask(message) == "ask_for_help"
    assert ask(parsed("ask_service", ["asking_for", "service"])) == "ask_service"


@pytest.mark.parametrize(
    "text", ["im a teacher", "I am a school nurse", "year 9 in camden", "my son, he's 12"]
)
def test_a_statement_taken_for_a_question_with_form_entities_becomes_inform(text: str) -> None:
    """ "im a teacher" was classified as an FAQ and the role was lost."""
    message = parsed("faq", ["role"])
    message.set("text", text)
    assert run(message) == {"name": "inform", "confidence": 1.0}


@pytest.mark.parametrize(
    "text",
    [
        "mostly lads who wont talk to anyone, a few have lost mates to knife crime this year",
        "my daughter who struggles at school, she was bullied in year 7",
        "i just want to talk to someone who gets it",
    ],
)
def test_a_relative_who_does_not_make_a_statement_a_question(text: str) -> None:
    """A youth worker describing the group ("lads who wont talk to anyone") got the data-storage FAQ: "who"
    anywhere made it a question, so the concern it named was lost."""
    assert not is_question(text)
    message = parsed("faq", ["concern"])
    message.set("text", text)
    assert run(message)["name"] == "inform"


@pytest.mark.parametrize(
    "text",
    [
        "who can help my son",
        "my son is 12, who do we contact",
        "and who pays for it",
        "hes 15 and not sleeping, when can he be seen",
        "not sure who",
        "she keeps asking which",
    ],
)
def test_a_wh_word_that_asks_still_makes_a_question(text: str) -> None:
    assert is_question(text)


@pytest.mark.parametrize(
    "text",
    [
        "is a teacher allowed to make the referral?",
        "as a teacher can i refer without the parents",
        "i think my son has adhd what do i do",
    ],
)
def test_a_question_naming_a_role_stays_a_question(text: str) -> None:
    message = parsed("faq", ["role"])
    message.set("text", text)
    assert run(message)["name"] == "faq"


def diet_said_ask_service(text: str, runner_up: str, confidence: float, entities: List[str] = ()) -> Message:
    message = parsed("ask_service", list(entities))
    message.set("text", text)
    message.set(
        "intent_ranking",
        [{"name": "ask_service", "confidence": 0.9}, {"name": runner_up, "confidence": confidence}],
    )
    return message


def test_no_service_and_no_pointing_word_takes_the_runner_up() -> None:
    assert (
        ask(diet_said_ask_service("is anyone open tonight that i can call", "urgent_help", 0.2))
        == "urgent_help"
    )


def test_a_pronoun_only_question_an_faq_answers_goes_to_the_faq() -> None:
    assert ask(diet_said_ask_service("is what i say to them kept secret", "faq", 0.9)) == "faq"
    assert ask(diet_said_ask_service("is it online?", "faq", 0.1)) == "ask_service"
    assert ask(diet_said_ask_service("how do i contact them", "chitchat", 0.9)) == "ask_service"


def test_a_statement_answering_the_form_is_inform() -> None:
    assert ask(diet_said_ask_service("its about my stepson", "inform", 0.1, ["role"])) == "inform"


# ---------------------------------------------------------------- follow-ups, groups and "safe now" (issue 14)
from bot.nlu.intent_repair import AffirmWhenSafe, says_safe  # noqa: E402


def with_text(intent: str, text: str, entities: List[str], fact: str = "hours") -> Message:
    """A parsed message; its service_fact entity (if any) has the value `fact`."""
    message = parsed(intent, entities)
    message.set("text", text)
    for entity in message.get("entities"):
        if entity["entity"] == "service_fact":
            entity["value"] = fact
    return message


@pytest.mark.parametrize(
    "intent, text, fact",
    [
        ("faq", "What hours is it open?", "hours"),
        ("faq", "Opening hours?", "hours"),
        ("inform", "online or in person?", "online"),
        ("inform", "when can i actually talk to someone on it", "hours"),
        ("faq", "is it free though", "cost"),
        ("faq", "how do i contact them?", "contact"),
    ],
)
def test_a_fact_asked_with_a_pronoun_or_alone_is_a_follow_up_about_a_service(
    intent: str, text: str, fact: str
) -> None:
    """ "What hours is it open?" after a list got the emergency FAQ; "Opening hours?" too."""
    assert ask(with_text(intent, text, ["service_fact"], fact)) == "ask_service"


@pytest.mark.parametrize(
    "text, fact",
    [
        ("whats a psychiatrist", "what"),
        ("can i refer myself", "referral"),
        ("Can a parent refer their own child, or does it have to come from a professional?", "referral"),
        ("is it all private or do people find out", "cost"),
    ],
)
def test_what_the_faq_explains_is_not_a_follow_up(text: str, fact: str) -> None:
    """ "whats a psychiatrist" (fact "what", 3 words) was taken for a question about a listed service."""
    assert ask(with_text("faq", text, ["service_fact"], fact)) == "faq"


@pytest.mark.parametrize(
    "intent, text, entities",
    [
        ("faq", "how long is the waiting list for camhs in my area", ["service_fact"]),
        ("faq", "is camhs free", ["service_fact"]),  # the FAQ explains CAMHS
        ("inform", "is it open on saturdays, im 15 in hackney", ["service_fact", "age", "borough"]),
        ("faq", "what is the point of all this", []),
    ],
)
def test_a_general_question_or_an_answer_is_not_a_follow_up(
    intent: str, text: str, entities: List[str]
) -> None:
    assert ask(with_text(intent, text, entities)) == intent


def test_pointing_at_the_list_with_a_concern_is_still_a_question_about_it() -> None:
    """ "is the first one actually trans friendly?" named a concern and ran the search again."""
    message = with_text("inform", "is the first one actually trans friendly", ["service_position", "concern"])
    assert ask(message) == "ask_service"
    assert ask(with_text("inform", "the first one, im 15", ["service_position", "age"])) == "inform"


def test_a_question_that_names_a_group_searches_again_with_it() -> None:
    """ "He's Black, is there anything run by people like him?" got an FAQ; now a new search with the need."""
    message = parsed("faq", [])
    message.set("text", "He's Black, is there anything run by people who look like him?")
    message.set("entities", [{"entity": "need", "value": "black_mixed_heritage", "start": 5, "end": 10}])
    assert run(message)["name"] == "inform"
    limited = parsed("faq", [])
    limited.set("text", "my english not good, is there a translator?")
    limited.set("entities", [{"entity": "need", "value": "interpreter", "start": 0, "end": 20}])
    assert run(limited)["name"] == "faq", "the interpreter FAQ answers that"


@pytest.mark.parametrize(
    "text",
    [
        "She's not in immediate danger. What services can she access?",
        "ok im safe for now",
        "They're not deep. She's in her room, she's safe right now.",
        "he is safe tonight, staying with his aunt",
    ],
)
def test_saying_someone_is_safe_answers_the_safety_question_yes(text: str) -> None:
    """ "She's not in immediate danger. What services can she access?" was read as "not safe": call 999."""
    assert says_safe(text)
    message = with_text("ask_for_help", text, [])
    AffirmWhenSafe().process([message])
    assert message.get("intent")["name"] == "affirm"


@pytest.mark.parametrize(
    "text",
    [
        "im not safe rite now",
        "not sure she is safe",
        "i dont feel safe at home",
        "is it safe to take these pills",
        "is she safe?",
        "they are not safe at home",
    ],
)
def test_not_safe_or_a_question_about_safety_is_never_a_yes(text: str) -> None:
    assert not says_safe(text)
    message = with_text("deny", text, [])
    AffirmWhenSafe().process([message])
    assert message.get("intent")["name"] == "deny"


@pytest.mark.parametrize(
    "text",
    [
        "i feel fine tho honestly its fine",
        "im fine now honestly",
        "but i feel fine honestly do i really have to go",
    ],
)
def test_feeling_fine_is_the_same_yes(text: str) -> None:
    """ "i feel fine tho" after an overdose reply must reach the rule that still says to get checked."""
    assert says_safe(text)
    message = with_text("chitchat", text, [])
    AffirmWhenSafe().process([message])
    assert message.get("intent")["name"] == "affirm"


@pytest.mark.parametrize(
    "text", ["im not fine", "i dont feel ok", "are you ok?", "he's fine at school but angry at home"]
)
def test_not_fine_or_fine_at_something_is_not_a_yes(text: str) -> None:
    assert not says_safe(text)


from bot.nlu.intent_repair import DenyWhenNotMe, SafeAnswerNext  # noqa: E402


@pytest.mark.parametrize(
    "text, intent",
    [
        ("She's not in immediate danger. What services are there?", "safe_now_find_help"),
        ("shes ok now, where can we get help", "safe_now_find_help"),
        ("shes safe now, she needs someone who understands", "safe_now_find_help"),
        ("ok im safe for now", "safe_now"),
        ("i feel fine tho honestly its fine", "safe_now"),
        ("im fine now honestly", "safe_now"),
    ],
)
def test_a_calm_safe_statement_says_what_comes_next(text: str, intent: str) -> None:
    """(1) "not in immediate danger, what services are there?" got "Would you like me to keep helping?"."""
    message = with_text("affirm", text, [])
    SafeAnswerNext().process([message])
    assert message.get("intent")["name"] == intent


@pytest.mark.parametrize(
    "intent, text",
    [
        ("faq", "She's not in immediate danger. What services can she access?"),
        ("ask_service", "i feel fine tho honestly its fine"),
        ("urgent_help", "im fine now honestly"),  # a guess of risk demoted by the risk decision (0.45)
    ],
)
def test_what_a_safe_statement_was_taken_for_is_renamed(intent: str, text: str) -> None:
    message = with_text(intent, text, [])
    SafeAnswerNext().process([message])
    assert message.get("intent")["name"] in ("safe_now", "safe_now_find_help")


@pytest.mark.parametrize(
    "intent, text",
    [
        ("affirm", "/affirm"),
        ("affirm", "yes"),
        ("crisis", "im safe"),
        ("risk_check", "i feel fine i guess"),
        ("safeguarding", "she is not in danger from him now"),
        ("other_language", "im ok"),
        ("goodbye", "im fine now bye"),
    ],
)
def test_a_button_a_plain_yes_or_an_escalation_is_never_renamed(intent: str, text: str) -> None:
    message = with_text(intent, text, [])
    SafeAnswerNext().process([message])
    assert message.get("intent")["name"] == intent


def test_a_sure_urgent_help_or_a_named_service_is_never_renamed() -> None:
    urgent = with_text("urgent_help", "im safe but i need to talk to someone now", [])
    urgent.set("intent", {"name": "urgent_help", "confidence": 0.9})
    named = with_text("ask_service", "is kooth ok, i feel fine", ["service"])
    SafeAnswerNext().process([urgent, named])
    assert [m.get("intent")["name"] for m in (urgent, named)] == ["urgent_help", "ask_service"]


@pytest.mark.parametrize(
    "text, someone_else",
    [
        ("i would never", False),
        ("no nothing like that, i would never, ive got my kids. just overwhelmed", False),
        ("no not me, I'm worried about her", True),
        ("its not me its my son", True),
    ],
)
def test_not_me_is_a_no_and_may_point_at_the_child(text: str, someone_else: bool) -> None:
    """(4) a parent's "no not me, I'm worried about her" to the safety question was escalated as theirs."""
    message = with_text("nlu_fallback", text, [])
    DenyWhenNotMe().process([message])
    assert message.get("intent")["name"] == "deny"
    subjects = [e["value"] for e in message.get("entities") if e["entity"] == "risk_subject"]
    assert subjects == (["other"] if someone_else else [])


def test_not_me_naming_who_it_is_for_is_an_answer_and_a_question_stays_one() -> None:
    """ "no not me, I'm worried about my daughter" was `ask_for_help`, which the rules read as "yes" to the
    safety question (the crisis reply, as if the parent were at risk)."""
    worried = with_text("ask_for_help", "no not me, I'm worried about my daughter", ["role"])
    answer = with_text("inform", "not me, my son", ["role"])
    question = with_text("faq", "would i never be told?", [])
    DenyWhenNotMe().process([worried, answer, question])
    assert [m.get("intent")["name"] for m in (worried, answer, question)] == ["inform", "inform", "faq"]
    assert [e["value"] for e in worried.get("entities") if e["entity"] == "risk_subject"] == ["other"]


def test_deny_already_gets_whose_risk_it_is() -> None:
    message = with_text("deny", "no not me, I'm worried about her", [])
    DenyWhenNotMe().process([message])
    assert [e["value"] for e in message.get("entities") if e["entity"] == "risk_subject"] == ["other"]


def test_a_question_that_tells_who_how_old_and_where_is_a_request_for_services() -> None:
    """ "GP here, Kingston. 15-year-old patient with OCD. Which services can I refer to?" got an FAQ."""
    message = parsed("faq", ["role", "age", "borough", "concern"])
    message.set("text", "GP here, Kingston. 15 year old patient with OCD. Which services can I refer to?")
    assert run(message)["name"] == "inform"
    only_role = parsed("faq", ["role", "concern"])
    only_role.set("text", "as a teacher how do i refer a pupil with anxiety?")
    assert run(only_role)["name"] == "faq"


@pytest.mark.parametrize(
    "text",
    [
        "Is there anything specifically for self-harm?",
        "is there anything for drug stuff specifically",
        "ok what parenting stuff is there near me",
        "are there any groups for anxiety",
    ],
)
def test_asking_what_there_is_for_a_concern_searches_again_with_it(text: str) -> None:
    """ "is there anything for drug stuff specifically" after a list got the cost FAQ."""
    message = parsed("faq", ["concern"])
    message.set("text", text)
    assert run(message)["name"] == "inform"


@pytest.mark.parametrize(
    "text, entities",
    [
        ("is there a waiting list for anxiety help?", ["concern"]),
        ("is there anything for students specifically", []),
        ("what is anxiety", ["concern"]),
    ],
)
def test_other_questions_naming_a_concern_stay_questions(text: str, entities: List[str]) -> None:
    message = parsed("faq", entities)
    message.set("text", text)
    assert run(message)["name"] == "faq"


def test_limited_english_alone_is_left_to_the_interpreter_faq() -> None:
    message = parsed("faq", [])
    message.set("text", "my english is not good")
    message.set("entities", [{"entity": "need", "value": "interpreter", "start": 0, "end": 22}])
    assert run(message)["name"] == "faq"


def test_an_emergency_question_with_it_is_not_a_follow_up() -> None:
    message = with_text("faq", "what do i do at night if it's an emergency", ["service_fact"])
    assert ask(message) == "faq"


@pytest.mark.parametrize(
    "intent, text",
    [
        ("greet", "Good evening"),
        ("chitchat", "How are you today?"),
        ("goodbye", "thats everything for today"),
        ("urgent_help", "who can help me this weekend it cant wait"),
        ("out_of_scope", "whats 7 times 8"),
    ],
)
def test_greetings_chit_chat_and_urgent_help_are_never_follow_ups(intent: str, text: str) -> None:
    assert ask(with_text(intent, text, ["service_fact"], "hours")) == intent


@pytest.mark.parametrize(
    "intent, text, fact",
    [
        ("goodbye", "is that online or do i have to go there", "online"),
        ("out_of_scope", "wat times is it open", "hours"),
        ("goodbye", "does that cost anything", "cost"),
    ],
)
def test_a_pointed_question_about_a_fact_is_a_follow_up_even_when_taken_for_a_goodbye(
    intent: str, text: str, fact: str
) -> None:
    """ "is that online or do i have to go there" after a list ended the chat with a goodbye."""
    assert ask(with_text(intent, text, ["service_fact"], fact)) == "ask_service"


@pytest.mark.parametrize(
    "intent, text",
    [
        ("goodbye", "thats it for now, bye"),
        ("out_of_scope", "whats 7 times 8"),
        ("goodbye", "ok that will do thanks, bye"),
    ],
)
def test_a_goodbye_or_out_of_scope_fragment_is_not_a_follow_up(intent: str, text: str) -> None:
    assert ask(with_text(intent, text, ["service_fact"], "hours")) == intent


def test_diets_follow_up_pointed_with_that_is_kept() -> None:
    """DIET said ask_service for "is that online or do i have to go there", but with no pointing word it
    gave way to the runner-up, a goodbye."""
    message = with_text(
        "ask_service", "does that run online, or would i need to visit", ["service_fact"], "online"
    )
    message.set(
        "intent_ranking",
        [{"name": "ask_service", "confidence": 0.99}, {"name": "goodbye", "confidence": 0.9}],
    )
    assert ask(message) == "ask_service"


def test_a_fact_asked_alone_is_not_starting_again() -> None:
    """ "Online or in person?" after a list was read as "start again" and threw the answers away."""
    assert ask(with_text("start_again", "in person or online?", ["service_fact"], "online")) == "ask_service"
    assert ask(with_text("start_again", "can we start again please", [])) == "start_again"
