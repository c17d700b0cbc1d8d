"""Answer questions about the services listed: "is the first one free?", "what is Off Centre", "is it online?"."""

from __future__ import annotations

from typing import Any, List, Mapping, Optional, Sequence, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import directory_client, form_control
from actions.responses import render_parts, render_response
from bot.dialogue import service_questions
from directory.wording import build_reason

LISTED_SLOT = "listed_services"
FOCUS_SLOT = "service_focus"


def _entity_values(tracker: Tracker, kind: str) -> List[str]:
    return [
        str(e.get("value")) for e in tracker.latest_message.get("entities") or [] if e.get("entity") == kind
    ]


def _age(tracker: Tracker) -> Optional[int]:
    age = tracker.get_slot("age")
    return int(age) if age is not None else None


def _reason(record: Any, tracker: Tracker) -> str:
    """Where, which ages and the easiest way in, as the list said it (directory.wording)."""
    text = build_reason(
        role=_role(tracker),
        scope=record.scope,
        borough=tracker.get_slot("borough"),
        areas=record.areas,
        age_min=record.age_min,
        age_max=record.age_max,
        routes=record.how_to_refer,
        audiences=record.audiences,
        is_24_7=record.is_24_7,
    )
    return text[:1].upper() + text[1:]


def _role(tracker: Tracker) -> str:
    role = tracker.get_slot("role")
    return role if role in ("parent", "professional") else "young_person"


def contact_sentence(domain: DomainDict, record: Any) -> str:
    """The service's own contact details, or who can help reach it when the directory has none."""
    parts = service_questions.contact_parts(record)
    return render_parts(domain, service_questions.with_way_to_reach(parts, record.how_to_refer))


class ActionAnswerService(Action):  # type: ignore[misc]  # rasa-sdk ships no types
    """Answer from the directory's fields; an unknown fact is said to be unknown, with the service's contact."""

    def name(self) -> Text:
        return "action_answer_service"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        listed = list(tracker.get_slot(LISTED_SLOT) or [])
        target = service_questions.resolve(
            listed,
            tracker.get_slot(FOCUS_SLOT),
            _entity_values(tracker, "service"),
            service_questions.chosen_position(_entity_values(tracker, "service_position")),
            directory_client.families(),
        )
        facts = _entity_values(tracker, "service_fact")
        asks_interpreter = form_control.INTERPRETER in _entity_values(tracker, "need")
        if asks_interpreter and (not target.ids or target.all_listed):
            # "are any of these able to work with interpreters?": the directory has no such field; the
            # interpreter answer (free, for every NHS service) is what the person needs
            dispatcher.utter_message(response=service_questions.INTERPRETER_ANSWER)
            dispatcher.utter_message(response="utter_next_step")
            return []
        if not target.ids and listed and facts:
            # "is it free?" with nothing in focus: answered for each service listed, one line each
            target = service_questions.Target(tuple(listed), all_listed=True)
        if not target.ids:
            general = service_questions.general_answer(facts) if not listed else None
            general = general or service_questions.confident_faq(tracker.latest_message)
            if general:  # "is it free?" before any list: the general answer, then what comes next
                dispatcher.utter_message(response=general)
                dispatcher.utter_message(response="utter_next_step")
                return []
            dispatcher.utter_message(
                response="utter_service_which" if listed else "utter_service_none_listed"
            )
            return []
        found = {record.id: record for record in await directory_client.records(list(target.ids))}
        records = [found[i] for i in target.ids if i in found]
        if not records:
            dispatcher.utter_message(response="utter_service_which")
            return []
        if target.best_first:
            dispatcher.utter_message(response="utter_service_start_with", name=records[0].name)
        for record in records:
            answer = service_questions.answer(
                record, facts, _role(tracker), _reason(record, tracker), _age(tracker)
            )
            for response, values in answer.responses:
                if "modes" in values:
                    values = {**values, "modes": _words_text(domain, "utter_service_mode_", values["modes"])}
                if "audiences" in values:
                    values = {
                        **values,
                        "audiences": _words_text(domain, "utter_service_audience_", values["audiences"]),
                    }
                dispatcher.utter_message(response=response, **values)
            if not target.all_listed:  # "which of these is free?" stays one line per service
                dispatcher.utter_message(
                    response="utter_service_contact", contact=contact_sentence(domain, record)
                )
            elif "contact" in facts:  # "how do I contact them?" about the whole list: each one's contact
                dispatcher.utter_message(
                    response="utter_service_contact_named",
                    name=record.name,
                    contact=contact_sentence(domain, record),
                )
            dispatcher.utter_message(
                json_message={"type": "service", "service": service_questions.detail_payload(record)}
            )
        if target.all_listed and service_questions.asked_in_person(facts, tracker.latest_message.get("text")):
            if not any("in_person" in service_questions.modes(r) for r in records):
                dispatcher.utter_message(response="utter_services_no_drop_in")
        dispatcher.utter_message(response="utter_service_next")
        return [SlotSet(FOCUS_SLOT, records[-1].id if not target.all_listed else None)]


def _words_text(domain: DomainDict, prefix: str, keys: List[str]) -> str:
    """ "online, by phone and by text" from the <prefix><key> responses (utter_service_mode_online...)."""
    words = [render_response(domain, f"{prefix}{key}") for key in keys]
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " " + render_response(domain, "utter_service_and") + " " + words[-1]


def listed_events(payload_items: Sequence[Mapping[str, Any]]) -> List[EventType]:
    """Remember what was listed, in order, so "the first one" can be resolved later."""
    return [SlotSet(LISTED_SLOT, [item["id"] for item in payload_items]), SlotSet(FOCUS_SLOT, None)]
