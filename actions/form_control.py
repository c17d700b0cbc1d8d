"""When the signposting form asks its question again and when it moves on without an answer: one small
state machine, the only place that decides it (issue 18; before, the domain's slot mappings, three fixes in
the form's Python and a retry table each held a part).

The question asked is the form's `requested_slot`. What the latest message did about it (`Heard`):

    ANSWER          anything else: a value for some slot, a question, chit-chat. The slot mappings, the
                    validation and the rules deal with it; the machine does nothing.
    DECLINED        "rather not say" (intent prefer_not_say)
    DONT_KNOW       "idk" / "not sure" as the whole answer, or chit-chat dont_know
    NOT_UNDERSTOOD  an answer attempt in which nothing was recognised
    OTHER_ANSWER    an answer to another of the form's questions, not to this one

and what the conversation says so far: how often an answer to this question was not understood
(`misunderstood`, since the slot last had a value) and how often the question was asked (`asked`). From
those, `decide` gives the next `Step`:

    NOT_UNDERSTOOD, misunderstood < MAX_NOT_UNDERSTOOD  say so and ask again (the slot is cleared)
    NOT_UNDERSTOOD, otherwise                           move on (asking a third time helps nobody)
    DECLINED                                            move on
    DONT_KNOW (not for concerns: "not sure" is an answer there, general support)     move on
    OTHER_ANSWER to "who is it for", asked >= MAX_ROLE_ASKS                          move on
    anything else                                       nothing (None)

Moving on gives each question the value that serves the person best without it: who it is for -> a young
person (the safest reading), age -> `age_declined` (the search covers every age; `required_slots` then stops
asking), borough -> "Not given" (national and online services; validate_borough says so), concerns ->
general support. So no question is asked more than twice in a row (issue 14).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, FrozenSet, Iterator, List, Mapping, Optional, Set

import yaml
from rasa_sdk import Tracker

from directory.vocab import NOT_GIVEN, OLDEST_SERVED

#: Set when the form moves on without an age; stands in for `age` in required_slots.
AGE_DECLINED = "age_declined"
#: The questions the machine controls (the form's required slots).
QUESTIONS = ("role", "age", "borough", "concerns")
#: Answers not understood before the form moves on: one, so a question is asked at most twice.
MAX_NOT_UNDERSTOOD = 1
#: Times "who is it for" is asked before someone who answers every other question instead is taken as a
#: young person.
MAX_ROLE_ASKS = 2

# Intents whose message is an answer attempt (an unrecognised word right after a question is one too).
# Other intents (questions, thanks, crisis) are left for the rules.
ANSWER_INTENTS = frozenset({"inform", "nlu_fallback", "ask_for_help"})
# Entities that answer one of the form's questions. A message with any of them was understood, even if it
# answered a different question than the one asked ("actually I'm 16" when asked where they live).
FORM_ENTITIES = frozenset(
    {"role", "age", "number", "age_band", "borough", "concern", "concern_unsure", "need"}
)
# The entities that answer each question.
ANSWERED_BY: Dict[str, FrozenSet[str]] = {
    "role": frozenset({"role"}),
    "age": frozenset({"age", "number", "age_band"}),
    "borough": frozenset({"borough"}),
    "concerns": frozenset({"concern", "concern_unsure"}),
}
# The reply that says an answer to each question was not understood (the form then asks again).
NOT_UNDERSTOOD_REPLY = {
    "role": "utter_role_not_understood",
    "age": "utter_age_not_understood",
    "borough": "utter_borough_not_understood",
    "concerns": "utter_concerns_not_understood",
}
# What each question is filled with when the form moves on without an answer.
MOVE_ON: Dict[str, Dict[str, Any]] = {
    "role": {"role": "young_person"},
    "age": {AGE_DECLINED: True},
    "borough": {"borough": NOT_GIVEN},
    "concerns": {"concerns": ["general"]},
}
# What is said when moving on, by why (only the age says anything here; validate_borough speaks for the
# borough).
SAY_WHEN_DECLINED = {"age": "utter_age_declined"}
SAY_WHEN_GIVEN_UP = {"age": "utter_age_skipped"}


class Heard(Enum):
    ANSWER = "answer"
    DECLINED = "declined"
    DONT_KNOW = "dont_know"
    NOT_UNDERSTOOD = "not_understood"
    OTHER_ANSWER = "other_answer"


@dataclass(frozen=True)
class Step:
    """What the form does now: say `say` (a response name), then fill `slots` (a None value clears a slot,
    so the form asks again)."""

    say: Optional[str] = None
    slots: Mapping[str, Any] = field(default_factory=dict)


def decide(question: str, heard: Heard, misunderstood: int = 0, asked: int = 0) -> Optional[Step]:
    """The machine's one transition function (the table in the module docstring); None: nothing to do."""
    if heard is Heard.NOT_UNDERSTOOD:
        if misunderstood < MAX_NOT_UNDERSTOOD:
            return Step(NOT_UNDERSTOOD_REPLY[question], {question: None})
        return Step(SAY_WHEN_GIVEN_UP.get(question), MOVE_ON[question])
    if heard is Heard.DECLINED or (heard is Heard.DONT_KNOW and question != "concerns"):
        return Step(SAY_WHEN_DECLINED.get(question), MOVE_ON[question])
    if heard is Heard.OTHER_ANSWER and question == "role" and asked >= MAX_ROLE_ASKS:
        return Step(None, MOVE_ON[question])
    return None


# ---------------------------------------------------------------------------- reading the conversation


def hear(tracker: Tracker, question: str) -> Heard:
    """What the latest message did about `question` (ANSWER when the form is asking something else)."""
    if tracker.get_slot("requested_slot") != question:
        return Heard.ANSWER
    intent = (tracker.latest_message.get("intent") or {}).get("name")
    entities = latest_entities(tracker)
    if intent == "prefer_not_say":
        return Heard.DECLINED
    if _dont_know(tracker, intent, entities):
        return Heard.DONT_KNOW
    if not entities & FORM_ENTITIES:
        return Heard.NOT_UNDERSTOOD if intent in ANSWER_INTENTS else Heard.ANSWER
    if not entities & ANSWERED_BY[question]:
        return Heard.OTHER_ANSWER
    return Heard.ANSWER


def step_for(tracker: Tracker, question: str) -> Optional[Step]:
    """The machine's step for the latest message, reading from the tracker only what the transition needs."""
    heard = hear(tracker, question)
    misunderstood = _times_not_understood(tracker, question) if heard is Heard.NOT_UNDERSTOOD else 0
    asked = _times_sent(tracker, frozenset({f"utter_ask_{question}"})) if heard is Heard.OTHER_ANSWER else 0
    return decide(question, heard, misunderstood, asked)


#: The entity role of a lexicon hint (bot/nlu/extractors/components.py HINT): "my mum" says a young person is
#: talking only when no one has said who they are; a parent who mentions their own mum stays a parent.
HINT = "hint"


#: Intents that ask rather than tell: "can i refer myself without my mum knowing?" is a question to answer,
#: not an answer to the form (taking its hint skipped the answer and asked the age).
QUESTION_INTENTS = frozenset({"faq", "chitchat", "ask_service"})


def hinted_role(tracker: Tracker) -> Optional[str]:
    """The role a hint gives while `role` is still empty and the latest message is not a question: the
    latest message's, else one from an earlier message of this search that was not a question ("im trans and
    my parents dont accept it" was answered with the safety question, so the form, starting afterwards,
    asked who the help was for of someone who had said)."""
    if tracker.get_slot("role") is not None:
        return None
    if (tracker.latest_message.get("intent") or {}).get("name") in QUESTION_INTENTS:
        return None
    hints = _hints(tracker.latest_message)
    if hints:
        return hints[0]
    for event in _this_search(tracker):
        parse = event.get("parse_data") or {}
        if event.get("event") == "user" and (parse.get("intent") or {}).get("name") not in QUESTION_INTENTS:
            earlier = _hints(parse)
            if earlier:
                return earlier[0]
    return None


def _hints(message: Mapping[str, Any]) -> List[str]:
    return [
        str(e.get("value"))
        for e in message.get("entities") or []
        if e.get("entity") == "role" and e.get("role") == HINT
    ]


def latest_entities(tracker: Tracker) -> Set[str]:
    """The entity types of the latest message."""
    return {e.get("entity") for e in tracker.latest_message.get("entities") or []}


def _dont_know(tracker: Tracker, intent: Optional[str], entities: Set[str]) -> bool:
    """A whole-message "idk" / "not sure" (the concern_unsure entity and no other answer) or chit-chat
    dont_know."""
    if "concern_unsure" in entities and not entities & (FORM_ENTITIES - {"concern_unsure"}):
        return True
    selectors = tracker.latest_message.get("response_selector") or {}
    keys = {
        (s.get("response") or {}).get("intent_response_key")
        for s in selectors.values()
        if isinstance(s, dict)
    }
    return intent == "chitchat" and "chitchat/dont_know" in keys


def _times_sent(tracker: Tracker, responses: FrozenSet[str], until_slot: Optional[str] = None) -> int:
    """How often any of `responses` was sent since the search reset or the session started, or since
    `until_slot` last got a value."""
    count = 0
    for event in _this_search(tracker):
        kind = event.get("event")
        if kind == "bot" and (event.get("metadata") or {}).get("utter_action") in responses:
            count += 1
        elif kind == "slot" and until_slot and event.get("name") == until_slot and event.get("value"):
            break
    return count


#: Events that start a new search: the slots reset ("start again"), a new session, a restart.
SEARCH_STARTS = frozenset({"reset_slots", "session_started", "restart"})


def _this_search(tracker: Tracker) -> Iterator[Dict[str, Any]]:
    """The events since the search reset or the session started, newest first."""
    for event in reversed(tracker.events):
        if event.get("event") in SEARCH_STARTS:
            return
        yield event


def _times_not_understood(tracker: Tracker, question: str) -> int:
    """How often an answer to `question` was not understood since it last had a value (or the search reset):
    the not-understood reply, or the fallback's second-misunderstanding reply, utter_default_twice."""
    replies = frozenset({NOT_UNDERSTOOD_REPLY[question], "utter_default_twice"})
    return _times_sent(tracker, replies, until_slot=question)


# "my english not good": the `need` value for limited English (bot/nlu/lexicons/needs.yml), and the reply
# that tells how to get a free interpreter.
INTERPRETER = "interpreter"
INTERPRETER_OFFER = "utter_interpreter_offer"


def interpreter_offer_due(tracker: Tracker) -> bool:
    """Someone says their English is limited and has not been told about interpreters yet in this search."""
    needs = {
        str(e.get("value")) for e in tracker.latest_message.get("entities") or [] if e.get("entity") == "need"
    }
    return INTERPRETER in needs and not _times_sent(tracker, frozenset({INTERPRETER_OFFER}))


CONCERNS_AFTER_CRISIS_FILE = Path(__file__).resolve().parent / "data" / "concerns_after_crisis.yml"


@lru_cache(maxsize=1)
def _concerns_by_risk() -> Dict[str, List[str]]:
    with CONCERNS_AFTER_CRISIS_FILE.open(encoding="utf-8") as handle:
        table = yaml.safe_load(handle)["risk_category_to_concerns"]
    return {str(k): [str(v) for v in values] for k, values in table.items()}


def concerns_after_crisis(tracker: Tracker) -> Optional[List[str]]:
    """The concerns a crisis message gave ("i dont see the point in being alive": low mood) when the form
    still needs them and the latest message names none: the person is not asked again what they just said."""
    if tracker.get_slot("concerns"):
        return None
    if {"concern", "concern_unsure"} & latest_entities(tracker) or not _crisis_in_this_search(tracker):
        return None
    return _concerns_by_risk().get(str(tracker.get_slot("risk_category")))


def _crisis_in_this_search(tracker: Tracker) -> bool:
    """A message read as a crisis (not only the safety question asked) since the search reset or the session
    started."""
    return any(
        event.get("event") == "user"
        and ((event.get("parse_data") or {}).get("intent") or {}).get("name") == "crisis"
        for event in _this_search(tracker)
    )


#: `asking_for` (bot/nlu/lexicons/asking_for.yml): a friend's search, or the person's own.
ASKING_FOR = "asking_for"
FRIEND, SELF = "friend", "self"


def _asking_for(message: Mapping[str, Any]) -> Set[str]:
    return {str(e.get("value")) for e in message.get("entities") or [] if e.get("entity") == ASKING_FOR}


def switched_to_self(tracker: Tracker) -> bool:
    """ "what about me, im really stressed about it" after asking for a friend in this search: the age and
    the worries given so far were the friend's, so they are asked again (or taken from this message)."""
    if _asking_for(tracker.latest_message) != {SELF}:
        return False
    users = (event for event in _this_search(tracker) if event.get("event") == "user")
    next(users, None)  # the latest message itself
    return any(FRIEND in _asking_for(event.get("parse_data") or {}) for event in users)


_BARE_NUMBER = re.compile(r"^\s*(\d{1,2})\s*[.!]?\s*$")


def bare_age(tracker: Tracker) -> Optional[float]:
    """A message that is only a number within the ages served, when the form starts (nothing asked yet, no
    age known): an age given ahead of the question ("16" answering the safety question was lost, and the
    form asked "How old are you?" of someone who had said)."""
    if tracker.get_slot("requested_slot") is not None or tracker.get_slot("age") is not None:
        return None
    if tracker.get_slot(AGE_DECLINED):
        return None
    found = _BARE_NUMBER.match(str(tracker.latest_message.get("text") or ""))
    if not found or "number" not in latest_entities(tracker):
        return None
    age = int(found.group(1))
    return float(age) if 1 <= age <= OLDEST_SERVED else None
