"""Validation for the signposting form: who is asking, age, borough and concerns.

The lexicon extractors in bot/nlu/extractors fill the slots from what people type. This action only decides
what to do with the values (ranges, special places) and says something kind when nothing was understood.
"""

from __future__ import annotations

from typing import Any, Dict, FrozenSet, List, Optional, Set, Text

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from bot.dialogue import audience
from directory.places import NOT_GIVEN, OUTSIDE_LONDON, trust_for

# Intents whose message is an answer attempt (an unrecognised word right after a question is one too).
# Other intents (questions, thanks, crisis) are left for the rules.
ANSWER_INTENTS = frozenset({"inform", "nlu_fallback", "ask_for_help"})
# Replies that say an answer was not understood. The second in a row becomes utter_default_twice, which
# offers buttons and the Wellbeing Hub route instead of asking the same thing a third time.
NOT_UNDERSTOOD = {
    "role": "utter_role_not_understood",
    "age": "utter_age_not_understood",
    "borough": "utter_borough_not_understood",
    "concerns": "utter_concerns_not_understood",
}
# Entities that answer one of the form's questions. A message with any of them was understood, even if it
# answered a different question than the one asked ("actually I'm 16" when asked where they live).
FORM_ENTITIES = ("role", "age", "number", "age_band", "borough", "concern", "concern_unsure", "need")
# No question is asked more than twice (issue 14): after the first answer that is not understood the
# question is asked once more, after the second the form moves on with what it can offer without it.
# What then: role -> young person (the safest reading), age -> every age, borough -> "Not given" (national and
# online services), concerns -> general support.
MAX_RETRIES = {"role": 1, "age": 1, "borough": 1, "concerns": 1}
MAX_ROLE_ASKS = 2
# Set when the person would rather not give their age (extract_age); see required_slots.
AGE_DECLINED = "age_declined"


# "my english not good": the `need` value for limited English (bot/nlu/lexicons/needs.yml).
INTERPRETER = "interpreter"
INTERPRETER_OFFER = "utter_interpreter_offer"


def _latest_needs(tracker: Tracker) -> Set[str]:
    return {
        str(e.get("value")) for e in tracker.latest_message.get("entities") or [] if e.get("entity") == "need"
    }


def _latest_intent(tracker: Tracker) -> Optional[str]:
    return (tracker.latest_message.get("intent") or {}).get("name")


def _latest_entities(tracker: Tracker) -> Set[str]:
    return {e.get("entity") for e in tracker.latest_message.get("entities") or []}


def _not_understood(tracker: Tracker, slot: str) -> bool:
    """True when the form asked for `slot` and got an answer attempt in which nothing was recognised."""
    return (
        tracker.get_slot("requested_slot") == slot
        and _latest_intent(tracker) in ANSWER_INTENTS
        and not _latest_entities(tracker).intersection(FORM_ENTITIES)
    )


def _answered_something_else(tracker: Tracker, slot: str) -> bool:
    """True when the message answered another of the form's questions but not `slot`."""
    entities = _latest_entities(tracker)
    return bool(entities.intersection(FORM_ENTITIES)) and slot not in entities


def _declined(tracker: Tracker, slot: str) -> bool:
    """True when the form asked for `slot` and the person would rather not say."""
    return tracker.get_slot("requested_slot") == slot and _latest_intent(tracker) == "prefer_not_say"


def _dont_know(tracker: Tracker, slot: str) -> bool:
    """True when the form asked for `slot` and the answer was "I don't know": a whole-message "idk" / "not
    sure" (the concern_unsure entity, which answers only the concerns question) or chit-chat dont_know."""
    if tracker.get_slot("requested_slot") != slot:
        return False
    entities = _latest_entities(tracker)
    if "concern_unsure" in entities and not entities.intersection(set(FORM_ENTITIES) - {"concern_unsure"}):
        return True
    selectors = tracker.latest_message.get("response_selector") or {}
    keys = {
        (s.get("response") or {}).get("intent_response_key")
        for s in selectors.values()
        if isinstance(s, dict)
    }
    return _latest_intent(tracker) == "chitchat" and "chitchat/dont_know" in keys


def _times_sent(tracker: Tracker, responses: FrozenSet[str], until_slot: Optional[str] = None) -> int:
    """How often any of `responses` was sent since the search reset or the session started, or since
    `until_slot` last got a value."""
    count = 0
    for event in reversed(tracker.events):
        kind = event.get("event")
        if kind == "bot" and (event.get("metadata") or {}).get("utter_action") in responses:
            count += 1
        elif kind == "slot" and until_slot and event.get("name") == until_slot and event.get("value"):
            break
        elif kind in ("reset_slots", "session_started", "restart"):
            break
    return count


def _times_not_understood(tracker: Tracker, slot: str) -> int:
    """How often an answer to `slot` was not understood since it last had a value (or the search reset)."""
    return _times_sent(tracker, frozenset({NOT_UNDERSTOOD[slot], "utter_default_twice"}), until_slot=slot)


def _unvalidated_age(tracker: Tracker) -> Dict[Text, Any]:
    """An age that was filled but never validated (typed while the action server was down) is validated now.

    A validated age of 25 or under always has an age band, so a missing band means validate_age never ran:
    returning the age makes rasa-sdk run validate_age on it (range check, band for the wording).
    """
    value = tracker.get_slot("age")
    age = _as_age(value)
    if age is None or tracker.get_slot("age_band") is not None or age > audience.OLDEST_SERVED:
        return {}
    return {"age": value}


def _say_not_understood(dispatcher: CollectingDispatcher, tracker: Tracker, slot: str) -> Dict[Text, Any]:
    """A kind reply for an answer that was not understood; the form then asks again."""
    twice = _times_not_understood(tracker, slot) >= 1
    dispatcher.utter_message(response="utter_default_twice" if twice else NOT_UNDERSTOOD[slot])
    return {slot: None}


class ValidateSignpostForm(FormValidationAction):
    """Checks each answer and keeps the conversation moving when an answer is not understood."""

    def name(self) -> Text:
        return "validate_signpost_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[Text, Any]]:
        """Someone whose English is limited hears once how to get a free interpreter, then the form goes on."""
        if INTERPRETER in _latest_needs(tracker) and not _times_sent(tracker, frozenset({INTERPRETER_OFFER})):
            dispatcher.utter_message(response=INTERPRETER_OFFER)
        return await super().run(dispatcher, tracker, domain)

    async def required_slots(
        self, domain_slots: List[Text], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Text]:
        """Once the person would rather not give an age, `age_declined` (filled) stands in for `age`: the form
        stops asking and the search covers every age. Standing in, rather than leaving `age` out, keeps the
        flag among the form's slots, whose changes are the only ones rasa-sdk passes back to Rasa."""
        if tracker.get_slot(AGE_DECLINED) and tracker.get_slot("age") is None:
            return [AGE_DECLINED if slot == "age" else slot for slot in domain_slots]
        return domain_slots

    # ------------------------------------------------------------------ answers that found no entity
    async def extract_role(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """Asked who it is for and got something else: say so and ask again (the question has buttons).

        Someone who keeps answering the other questions instead (an age, a place, a worry) after being asked
        MAX_ROLE_ASKS times is taken as a young person, the safest reading, rather than asked for ever."""
        if _dont_know(tracker, "role"):
            return {"role": "young_person"}
        if _not_understood(tracker, "role"):
            if _times_not_understood(tracker, "role") >= MAX_RETRIES["role"]:
                return {"role": "young_person"}
            return _say_not_understood(dispatcher, tracker, "role")
        if (
            tracker.get_slot("requested_slot") == "role"
            and _answered_something_else(tracker, "role")
            and _times_sent(tracker, frozenset({"utter_ask_role"})) >= MAX_ROLE_ASKS
        ):
            return {"role": "young_person"}
        return {}

    async def extract_age(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if _declined(tracker, "age") or _dont_know(tracker, "age"):
            dispatcher.utter_message(response="utter_age_declined")
            return {AGE_DECLINED: True}
        if not _not_understood(tracker, "age"):
            return _unvalidated_age(tracker)
        if _times_not_understood(tracker, "age") >= MAX_RETRIES["age"]:
            dispatcher.utter_message(response="utter_age_skipped")  # asking a third time helps nobody
            return {AGE_DECLINED: True}
        return _say_not_understood(dispatcher, tracker, "age")

    async def extract_borough(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if _dont_know(tracker, "borough"):
            return {"borough": NOT_GIVEN}
        if not _not_understood(tracker, "borough"):
            return {}
        if _times_not_understood(tracker, "borough") >= MAX_RETRIES["borough"]:
            return {"borough": NOT_GIVEN}  # validate_borough says services for anywhere come next
        return _say_not_understood(dispatcher, tracker, "borough")

    async def extract_concerns(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """Free text that maps to no concern: ask once more, then search for general support. "Rather not
        say" searches for general support at once."""
        if _declined(tracker, "concerns"):
            return {"concerns": ["general"]}
        if not _not_understood(tracker, "concerns"):
            return {}
        if _times_not_understood(tracker, "concerns") >= MAX_RETRIES["concerns"]:
            return {"concerns": ["general"]}
        return _say_not_understood(dispatcher, tracker, "concerns")

    # ------------------------------------------------------------------ values that were found
    def validate_age_declined(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """Set by extract_age; nothing to check."""
        return {AGE_DECLINED: bool(value)}

    def validate_role(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """The lexicon and the buttons only ever give known roles."""
        return {"role": value}

    def validate_age(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        age = _as_age(value)
        if age is None:
            dispatcher.utter_message(response="utter_age_not_understood")
            return {"age": None, "age_band": None}
        problem = audience.age_problem(age, tracker.get_slot("role"))
        if problem == audience.TOO_YOUNG:
            dispatcher.utter_message(response="utter_age_too_young")  # then on, without an age: no loop
            return {"age": None, "age_band": "child", AGE_DECLINED: True}
        if problem == audience.OVER_25:
            dispatcher.utter_message(response="utter_age_over_25")
        return {"age": float(age), "age_band": audience.age_band_for(age)}

    def validate_borough(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if value == OUTSIDE_LONDON:
            dispatcher.utter_message(response="utter_borough_outside_london")
        elif value == NOT_GIVEN:
            dispatcher.utter_message(response="utter_borough_not_given")
        return {"borough": value, "nhs_trust": trust_for(value)}

    def validate_concerns(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        concerns = _unique(value if isinstance(value, list) else [value])
        if len(concerns) > 1 and "general" in concerns:
            concerns.remove("general")
        return {"concerns": concerns or None}


def _as_age(value: Any) -> Optional[int]:
    """Whole years from a slot value, or None when it is not a plausible age at all."""
    try:
        age = int(float(value))
    except (TypeError, ValueError):
        return None
    return age if 0 <= age <= 120 else None


def _unique(values: List[Any]) -> List[str]:
    seen: List[str] = []
    for value in values:
        if isinstance(value, str) and value and value not in seen:
            seen.append(value)
    return seen
