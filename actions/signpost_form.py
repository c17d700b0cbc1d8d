"""Validation for the signposting form: who is asking, age, borough and concerns.

The lexicon extractors in bot/nlu/extractors fill the slots from what people type. This action only decides
what to do with the values (ranges, special places) and says something kind when nothing was understood.
"""

from __future__ import annotations

import copy
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions import form_control
from actions.form_control import AGE_DECLINED
from bot.dialogue import audience
from directory.places import NOT_GIVEN, OUTSIDE_LONDON, trust_for


def _unvalidated_age(tracker: Tracker) -> Dict[Text, Any]:
    """An age that was filled but never validated (typed while the action server was down) is validated now.

    A validated age within the ages served always has an age band, so a missing band means validate_age
    never ran: returning the age makes rasa-sdk run validate_age on it (range check, band for the wording).
    """
    value = tracker.get_slot("age")
    age = _as_age(value)
    if age is None or tracker.get_slot("age_band") is not None or age > audience.OLDEST_SERVED:
        return {}
    return {"age": value}


def _control(dispatcher: CollectingDispatcher, tracker: Tracker, question: str) -> Optional[Dict[Text, Any]]:
    """Carry out form_control's step for the latest message, if it has one: its reply, then its slots."""
    step = form_control.step_for(tracker, question)
    if step is None:
        return None
    if step.say:
        dispatcher.utter_message(response=step.say)
    return copy.deepcopy(dict(step.slots))


class ValidateSignpostForm(FormValidationAction):  # type: ignore[misc]  # rasa-sdk ships no types
    """Checks each answer and keeps the conversation moving when an answer is not understood."""

    def name(self) -> Text:
        return "validate_signpost_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[Text, Any]]:
        """Someone whose English is limited hears once how to get a free interpreter, then the form goes on."""
        if form_control.interpreter_offer_due(tracker):
            dispatcher.utter_message(response=form_control.INTERPRETER_OFFER)
        return await super().run(dispatcher, tracker, domain)  # type: ignore[no-any-return]

    async def required_slots(
        self, domain_slots: List[Text], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Text]:
        """Once the person would rather not give an age, `age_declined` (filled) stands in for `age`: the form
        stops asking and the search covers every age. Standing in, rather than leaving `age` out, keeps the
        flag among the form's slots, whose changes are the only ones rasa-sdk passes back to Rasa."""
        if tracker.get_slot(AGE_DECLINED) and tracker.get_slot("age") is None:
            return [AGE_DECLINED if slot == "age" else slot for slot in domain_slots]
        return domain_slots

    # ------------------------------------------------------------------ when to ask again or move on
    # form_control decides (one state machine); these only carry its step out.
    async def extract_role(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        controlled = _control(dispatcher, tracker, "role")
        if controlled is None:
            hinted = form_control.hinted_role(tracker)  # "my mum shouts at me" when no one said who they are
            return {"role": hinted} if hinted else {}
        return controlled

    async def extract_age(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        controlled = _control(dispatcher, tracker, "age")
        if controlled is None and form_control.switched_to_self(tracker):
            return {} if "age" in form_control.latest_entities(tracker) else {"age": None, "age_band": None}
        if controlled is None:
            told = form_control.bare_age(tracker)  # "16" typed before the form asked anything
            return {"age": told} if told is not None else _unvalidated_age(tracker)
        return controlled

    async def extract_borough(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        return _control(dispatcher, tracker, "borough") or {}

    async def extract_concerns(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        controlled = _control(dispatcher, tracker, "concerns")
        if controlled is None and form_control.switched_to_self(tracker):
            return {} if "concern" in form_control.latest_entities(tracker) else {"concerns": None}
        if controlled is None:
            after_crisis = form_control.concerns_after_crisis(tracker)
            return {"concerns": after_crisis} if after_crisis else {}
        return controlled

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
        if value is None:  # cleared by extract_age, which has said why (form_control): never said twice
            return {"age": None, "age_band": None}
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
