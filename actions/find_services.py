"""The signposting answer: matched services as short text and as a payload the widget draws as cards."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import AllSlotsReset, EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import directory_client
from actions.responses import render_parts
from actions.service_questions import listed_events
from directory.matching import MatchQuery


def query_from(tracker: Tracker) -> MatchQuery:
    """The directory query for what the person told us (age as whole years)."""
    age = tracker.get_slot("age")
    return MatchQuery(
        age=int(age) if age is not None else None,
        borough=tracker.get_slot("borough"),
        concerns=tuple(tracker.get_slot("concerns") or ()),
        role=tracker.get_slot("role"),
        needs=tuple(tracker.get_slot("needs") or ()),
    )


def _contact_text(domain: DomainDict, line: directory_client.ServiceLine) -> str:
    """Phone, text, website and hours; a service with none of the first three says who can help reach it."""
    item = line.payload
    ways: Dict[str, Any] = {"phone": item["phone"], "sms": line.sms, "website": item["website"]}
    if not any(ways.values()):
        ways = {"no_contact": True}
    return render_parts(domain, {**ways, "hours": item.get("hours")})


class ActionFindServices(Action):  # type: ignore[misc]  # rasa-sdk ships no types
    """Query the directory with the form's answers and present 3 to 5 services."""

    def name(self) -> Text:
        return "action_find_services"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[Text, Any]]:
        answer = await directory_client.search(query_from(tracker))
        if tracker.get_slot("role") == "professional":
            dispatcher.utter_message(response="utter_professional_route")
        if answer.degraded:
            dispatcher.utter_message(response="utter_services_unavailable")
        elif not answer.services:
            dispatcher.utter_message(response="utter_services_none")
            dispatcher.utter_message(response="utter_wellbeing_hub_route")
            return listed_events([])
        else:
            dispatcher.utter_message(response="utter_services_intro")
        for line in answer.services:
            item = line.payload
            dispatcher.utter_message(
                response="utter_service_item",
                name=item["name"],
                summary=item["summary"],
                reason=_sentence(line.reason),
                contact=_contact_text(domain, line),
            )
        dispatcher.utter_message(
            json_message={"type": "services", "services": [line.payload for line in answer.services]}
        )
        if answer.referral_only:
            dispatcher.utter_message(
                response="utter_services_ask_professional", names=", ".join(answer.referral_only)
            )
        if answer.degraded:
            dispatcher.utter_message(response="utter_wellbeing_hub_route")
        dispatcher.utter_message(response="utter_services_check")
        dispatcher.utter_message(response="utter_services_ask_more")
        return listed_events([line.payload for line in answer.services])


def _sentence(reason: Optional[str]) -> str:
    """The directory's reason ("in Hackney, for ages 11 to 19") as a sentence that follows the summary."""
    reason = (reason or "").strip().rstrip(".")
    return f" {reason[:1].upper()}{reason[1:]}." if reason else ""


class ActionResetSearch(Action):  # type: ignore[misc]  # rasa-sdk ships no types
    """Forget the answers so the form can ask again (a new search, perhaps for someone else)."""

    def name(self) -> Text:
        return "action_reset_search"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        return [AllSlotsReset()]
