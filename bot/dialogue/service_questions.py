"""Questions about services already listed: which service is meant, and which facts answer the question.

Pure functions over directory records (no Rasa, no wording): actions/service_questions.py renders the
chosen domain responses. A fact the directory does not hold is answered as unknown, never guessed; the
reply then gives the service's own contact or, when it has none, who can help reach it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from directory import vocab
from directory.records import ServiceRecord
from directory.wording import ROUTE_PREFERENCE, load_wording

FACTS = ("what", "who_for", "cost", "referral", "contact", "hours", "online", "waiting")
ALL = "all"
LAST = "last"
#: "which one do I call first?": the list is ranked best fit first (directory.matching), so the first one.
BEST = "best"
_FREE = re.compile(r"\bfree\b", re.IGNORECASE)
_NO_WAIT = re.compile(r"\bno (?:referral or )?waiting list\b", re.IGNORECASE)
_NHS = re.compile(r"\bNHS\b")


def chosen_position(positions: Sequence[str]) -> Optional[str]:
    """The position a question means: "which one do I call first" also says "which one" (all of them), and
    asks for the best."""
    return BEST if BEST in positions else next(iter(positions), None)


@dataclass(frozen=True)
class Target:
    """The services a question is about (ids, in list order) and whether it asked about all of them."""

    ids: Tuple[str, ...] = ()
    all_listed: bool = False
    best_first: bool = False


def resolve(
    listed: Sequence[str],
    focus: Optional[str],
    named: Sequence[str],
    position: Optional[str],
    family: Dict[str, str],
) -> Target:
    """Which services the person means. `family` maps a service id to its family (variant_of or itself), so
    "Kooth" means the local Kooth that was listed."""
    if named:
        by_family = {family.get(sid, sid): sid for sid in listed}
        return Target(tuple(by_family.get(family.get(n, n), n) for n in dict.fromkeys(named)))
    if position == ALL and listed:
        return Target(tuple(listed), all_listed=True)
    if position == LAST and listed:
        return Target((listed[-1],))
    if position == BEST and listed:
        return Target((listed[0],), best_first=True)
    if position and position.isdigit() and 1 <= int(position) <= len(listed):
        return Target((listed[int(position) - 1],))
    if focus:
        return Target((focus,))
    if len(listed) == 1:
        return Target((listed[0],))
    return Target()


# Facts that have a general answer when no service was listed yet ("is it free?" -> NHS services are free).
# In the order they win when a question asks several ("is that online or do i have to go there": how it is
# used, before whether a GP is needed).
GENERAL_ANSWERS = {
    "cost": "utter_faq/cost",
    # "can i text them instead of calling", "how do i get in touch": the free lines anyone can use now
    "online": "utter_services_ways_to_talk",
    "contact": "utter_services_ways_to_talk",
    "referral": "utter_faq/gp_first",
    "waiting": "utter_faq/waiting_times",
}


# "are any of these able to work with interpreters?": the FAQ answer about free interpreters.
INTERPRETER_ANSWER = "utter_faq/interpreters"
# How sure the FAQ selector must be before its answer replaces "which service do you mean?" for a question
# that names no service: "and if it gets bad at the weekend who do i call" (the emergency answer, 1.0).
CONFIDENT_FAQ = 0.8


def confident_faq(message: Mapping[str, Any]) -> Optional[str]:
    """The FAQ response the selector chose for a message with high confidence (`utter_faq/<key>`), if any.
    The selector only runs when DIET ranks an FAQ high (bot/nlu/response_selector.py)."""
    for selected in (message.get("response_selector") or {}).values():
        response = selected.get("response") if isinstance(selected, dict) else None
        if not isinstance(response, dict):
            continue
        key = response.get("intent_response_key")
        if isinstance(key, str) and key.startswith("faq/"):
            if float(response.get("confidence") or 0.0) >= CONFIDENT_FAQ:
                return f"utter_{key}"
    return None


def general_answer(facts: Sequence[str]) -> Optional[str]:
    """The FAQ response that answers a fact question about no service in particular, if there is one."""
    return next((answer for fact, answer in GENERAL_ANSWERS.items() if fact in facts), None)


def contact_parts(record: ServiceRecord) -> Dict[str, Optional[str]]:
    """The first phone, text label, website and email of a service (keys of the utter_service_<key> parts)."""
    texts = [c for c in record.contacts if c.kind == "text"]
    return {
        "phone": record.first("phone"),
        "sms": (texts[0].label or texts[0].value) if texts else None,
        "website": record.first("website"),
        "email": record.first("email"),
    }


def with_way_to_reach(parts: Mapping[str, Any], routes: Sequence[str]) -> Dict[str, Any]:
    """The contact parts (keys of `utter_service_<key>`), or, when the directory has none of them, the one part
    that says how to reach the service: an online-only service is found by searching its name ("Hub of Hope"
    is a website and an app whose address the reference lacks); anything else through a GP, school or the
    Wellbeing Hub."""
    if any(parts.values()):
        return dict(parts)
    return {"no_contact_online" if "online" in routes else "no_contact": True}


def has_contact(record: ServiceRecord) -> bool:
    return any(contact_parts(record).values())


def is_free(record: ServiceRecord) -> bool:
    """True only when the directory says so: "free" in its summary or notes, or an NHS service."""
    text = " ".join(filter(None, (record.summary, record.notes, record.name, record.organisation)))
    return bool(_FREE.search(text) or _NHS.search(text))


def no_waiting_list(record: ServiceRecord) -> bool:
    return bool(_NO_WAIT.search(" ".join(filter(None, (record.summary, record.notes)))))


def routes_text(record: ServiceRecord, role: str) -> Optional[str]:
    """Every way in for this person, easiest first, in the directory's wording (data/reasons.yml)."""
    words = load_wording()["routes"][role]
    routes = [r for r in ROUTE_PREFERENCE[role] if r in record.how_to_refer]
    if not routes:
        return None
    picked = []
    for route in routes:
        child_key = f"{route}_child"
        key = (
            child_key
            if role == "parent" and "parent" not in record.audiences and child_key in words
            else route
        )
        picked.append(words[key])
    return "; ".join(dict.fromkeys(picked))


def modes(record: ServiceRecord) -> List[str]:
    """How the service is used: online, phone, text, in person (keys of utter_service_mode_<key>)."""
    parts = contact_parts(record)
    found = []
    if "online" in record.how_to_refer or record.scope == vocab.SCOPE_ONLINE:
        found.append("online")
    if parts["phone"]:
        found.append("phone")
    if parts["sms"]:
        found.append("text")
    if "drop_in" in record.how_to_refer:
        found.append("in_person")
    return found


_IN_PERSON = re.compile(r"\b(?:walk|drop|turn up|in person|face to face|face-to-face|go there|visit)\b", re.I)


def asked_in_person(facts: Sequence[str], text: Optional[str]) -> bool:
    """ "which one can I just walk into?": a question about seeing someone in person."""
    return "online" in facts and bool(_IN_PERSON.search(text or ""))


def age_mismatch(record: ServiceRecord, age: Optional[int]) -> bool:
    if age is None:
        return False
    return (record.age_min is not None and age < record.age_min) or (
        record.age_max is not None and age > record.age_max
    )


@dataclass
class Answer:
    """Responses to send (name, values) for one service."""

    record: ServiceRecord
    responses: List[Tuple[str, Dict[str, Any]]] = field(default_factory=list)


def answer(record: ServiceRecord, facts: Sequence[str], role: str, reason: str, age: Optional[int]) -> Answer:
    """The responses that answer `facts` about one service (an overview when no fact was asked)."""
    name = {"name": record.name}
    result = Answer(record)
    say = result.responses.append
    wanted = [f for f in FACTS if f in facts] or ["what", "referral"]
    for fact in wanted:
        if fact == "what":
            say(("utter_service_about", {**name, "summary": record.summary}))
        elif fact == "who_for":
            say(("utter_service_who_for", {**name, "reason": reason}))
            # "is Beat just for the young person or for parents too?": who it serves, from the directory
            if record.audiences:
                say(("utter_service_audiences", {**name, "audiences": list(record.audiences)}))
        elif fact == "cost":
            say(("utter_service_free" if is_free(record) else "utter_service_cost_unknown", name))
        elif fact == "referral":
            routes = routes_text(record, role)
            say(
                ("utter_service_routes", {**name, "routes": routes})
                if routes
                else ("utter_service_routes_unknown", name)
            )
        elif fact == "hours":
            if record.is_24_7:
                say(("utter_service_open_24_7", name))
            elif record.hours:
                say(("utter_service_opening_hours", {**name, "hours": record.hours.rstrip(". ")}))
            else:
                say(("utter_service_hours_unknown", name))
        elif fact == "online":
            found = modes(record)
            say(
                ("utter_service_modes", {**name, "modes": found})
                if found
                else ("utter_service_modes_unknown", name)
            )
        elif fact == "waiting":
            say(
                (
                    "utter_service_no_waiting_list"
                    if no_waiting_list(record)
                    else "utter_service_waiting_unknown",
                    name,
                )
            )
    if age_mismatch(record, age):
        say(("utter_service_not_for_age", {**name, "reason": reason}))
    return result


def detail_payload(record: ServiceRecord) -> Dict[str, Any]:
    """The widget's details card: the signposting item plus what a details view needs."""
    parts = contact_parts(record)
    return {
        "id": record.id,
        "name": record.name,
        "summary": record.summary,
        "organisation": record.organisation,
        "age_min": record.age_min,
        "age_max": record.age_max,
        "areas": list(record.areas),
        "concerns": list(record.concerns),
        "how_to_refer": list(record.how_to_refer),
        "phone": parts["phone"],
        "text": parts["sms"],
        "website": parts["website"],
        "email": parts["email"],
        "hours": record.hours,
        "is_24_7": record.is_24_7,
        "notes": record.notes,
        "last_verified": record.last_verified.isoformat(),
    }
