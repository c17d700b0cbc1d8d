"""Validation for the signposting form: who is asking, age, borough and concerns.

The lexicon extractors in bot/extractors fill the slots from what people type. This action only decides
what to do with the values (ranges, special places) and says something kind when nothing was understood.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from bot import audience
from directory.places import NOT_GIVEN, OUTSIDE_LONDON, trust_for

# Intents whose message is an answer attempt. Other intents (questions, thanks, crisis) are left for rules.
ANSWER_INTENTS = frozenset({"inform", "nlu_fallback", "ask_for_help"})
# Entities that answer one of the form's questions. A message with any of them was understood, even if it
# answered a different question than the one asked ("actually I'm 16" when asked where they live).
FORM_ENTITIES = ("role", "age", "number", "age_band", "borough", "concern", "concern_unsure")
MAX_CONCERN_RETRIES = 1


def _not_understood(tracker: Tracker, slot: str) -> bool:
    """True when the form asked for `slot` and got an answer attempt in which nothing was recognised."""
    intent = (tracker.latest_message.get("intent") or {}).get("name")
    entities = {e.get("entity") for e in tracker.latest_message.get("entities") or []}
    return (tracker.get_slot("requested_slot") == slot and intent in ANSWER_INTENTS
            and not entities.intersection(FORM_ENTITIES))


def _times_said_since_set(tracker: Tracker, response: str, slot: str) -> int:
    """How often the bot has used `response` since `slot` last had a value (or the search was reset)."""
    count = 0
    for event in reversed(tracker.events):
        kind = event.get("event")
        if kind == "bot" and (event.get("metadata") or {}).get("utter_action") == response:
            count += 1
        elif kind == "slot" and event.get("name") == slot and event.get("value"):
            break
        elif kind in ("reset_slots", "session_started", "restart"):
            break
    return count


class ValidateSignpostForm(FormValidationAction):
    """Checks each answer and keeps the conversation moving when an answer is not understood."""

    def name(self) -> Text:
        return "validate_signpost_form"

    # ------------------------------------------------------------------ answers that found no entity
    async def extract_role(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                           domain: DomainDict) -> Dict[Text, Any]:
        """Asked who it is for and got something else: ask again (the question has buttons)."""
        if _not_understood(tracker, "role"):
            return {"role": None}
        return {}

    async def extract_age(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                          domain: DomainDict) -> Dict[Text, Any]:
        if _not_understood(tracker, "age"):
            dispatcher.utter_message(response="utter_age_not_understood")
            return {"age": None}
        return {}

    async def extract_borough(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                              domain: DomainDict) -> Dict[Text, Any]:
        if _not_understood(tracker, "borough"):
            dispatcher.utter_message(response="utter_borough_not_understood")
            return {"borough": None}
        return {}

    async def extract_concerns(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                               domain: DomainDict) -> Dict[Text, Any]:
        """Free text that maps to no concern: ask once more, then search for general support."""
        if not _not_understood(tracker, "concerns"):
            return {}
        if _times_said_since_set(tracker, "utter_concerns_not_understood", "concerns") >= MAX_CONCERN_RETRIES:
            return {"concerns": ["general"]}
        dispatcher.utter_message(response="utter_concerns_not_understood")
        return {"concerns": None}

    # ------------------------------------------------------------------ values that were found
    def validate_age(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                     domain: DomainDict) -> Dict[Text, Any]:
        age = _as_age(value)
        if age is None:
            dispatcher.utter_message(response="utter_age_not_understood")
            return {"age": None, "age_band": None}
        problem = audience.age_problem(age, tracker.get_slot("role"))
        if problem == audience.TOO_YOUNG:
            dispatcher.utter_message(response="utter_age_too_young")
            return {"age": None, "age_band": None}
        if problem == audience.OVER_25:
            dispatcher.utter_message(response="utter_age_over_25")
        return {"age": float(age), "age_band": audience.age_band_for(age)}

    def validate_borough(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                         domain: DomainDict) -> Dict[Text, Any]:
        if value == OUTSIDE_LONDON:
            dispatcher.utter_message(response="utter_borough_outside_london")
        elif value == NOT_GIVEN:
            dispatcher.utter_message(response="utter_borough_not_given")
        return {"borough": value, "nhs_trust": trust_for(value)}

    def validate_concerns(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                          domain: DomainDict) -> Dict[Text, Any]:
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
