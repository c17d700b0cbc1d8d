"""The signposting answer: matched services as short text and as a payload the widget draws as cards."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Set, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import AllSlotsReset, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import directory_client, form_control
from actions.responses import render_parts
from actions.service_questions import LISTED_SLOT, listed_events
from bot.dialogue import service_questions
from directory import places
from directory.concerns import load_concerns
from directory.matching import MatchQuery
from directory.records import needs_index


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
    ways = {"phone": item["phone"], "sms": line.sms, "website": item["website"]}
    reach = service_questions.with_way_to_reach(ways, item["how_to_refer"])
    return render_parts(domain, {**reach, "hours": item.get("hours")})


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
            topics = concern_labels(tracker.get_slot("concerns") or [])
            place = tracker.get_slot("borough")
            if topics and place in places.london_boroughs():
                dispatcher.utter_message(response="utter_services_looked_for_in", topics=topics, place=place)
            elif topics:
                dispatcher.utter_message(response="utter_services_looked_for", topics=topics)
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
        for need in groups_not_served(tracker.get_slot("needs") or [], answer.services):
            # honest: nothing listed is meant for a group they told us about (young carers, LGBTQ+, ...)
            dispatcher.utter_message(response=NO_GROUP_SERVICE[need])
        if form_control.INTERPRETER in (tracker.get_slot("needs") or []):
            dispatcher.utter_message(response=form_control.INTERPRETER_OFFER)
        if answer.referral_only:
            dispatcher.utter_message(
                response="utter_services_ask_professional", names=", ".join(answer.referral_only)
            )
        if answer.degraded:
            dispatcher.utter_message(response="utter_wellbeing_hub_route")
        dispatcher.utter_message(response="utter_services_check")
        dispatcher.utter_message(response="utter_services_ask_more")
        return listed_events([line.payload for line in answer.services])


# What to say when nothing listed is meant for a group the person named (directory/vocab.py NEEDS).
NO_GROUP_SERVICE = {
    "care_experienced": "utter_services_no_group_care_experienced",
    "young_carer": "utter_services_no_group_young_carer",
    "lgbtq": "utter_services_no_group_lgbtq",
    "send": "utter_services_no_group_send",
    "black_mixed_heritage": "utter_services_no_group_black_mixed_heritage",
    "refugee": "utter_services_no_group_refugee",
    "bereaved": "utter_services_no_group_bereaved",
}


def concern_labels(codes: List[str]) -> str:
    """ "worry and anxiety and school or exam stress": the directory's plain labels of what was understood."""
    concerns = load_concerns()
    labels = [concerns[c].label.lower() for c in codes if c in concerns and c != "general"]
    return " and ".join(labels[:3])


def groups_not_served(needs: List[str], services: List[directory_client.ServiceLine]) -> List[str]:
    """The groups the person volunteered that no listed service is meant for (directory audiences)."""
    index = needs_index()
    meant: Set[str] = set()
    for line in services:
        only_for, groups = index.get(str(line.payload.get("id")), ((), ()))
        meant.update(only_for, groups)
    return [need for need in dict.fromkeys(needs) if need in NO_GROUP_SERVICE and need not in meant]


def _sentence(reason: Optional[str]) -> str:
    """The directory's reason ("in Hackney, for ages 11 to 19") as a sentence that follows the summary."""
    reason = (reason or "").strip().rstrip(".")
    return f" {reason[:1].upper()}{reason[1:]}." if reason else ""


class ActionResetSearch(Action):  # type: ignore[misc]  # rasa-sdk ships no types
    """Forget the answers so the form can ask again (a new search, perhaps for someone else). The services
    last listed are kept: they are still on screen, and "how do I call the first one?" means them."""

    def name(self) -> Text:
        return "action_reset_search"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        listed = tracker.get_slot(LISTED_SLOT)
        return [AllSlotsReset()] + ([SlotSet(LISTED_SLOT, listed)] if listed else [])
