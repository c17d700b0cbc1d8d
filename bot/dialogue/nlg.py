"""Domain responses with a predictable choice between conditional variations.

Rasa 3.6 collects every conditional variation whose slot conditions match and picks one AT RANDOM
(rasa.core.nlg.response). With variations for roles and for age bands, a parent of a 9-year-old matched
both "role: parent" and "age_band: child" and got the child's wording about half the time, the crisis and
safeguarding replies included. Two rules make the choice deterministic and right for the reader:

1. Age-band wording is for a young person reading: when the person is a parent or a professional, a
   variation conditioned on `age_band` applies only if it also names their `role`.
2. The first matching conditional variation in domain.yml wins, so the file order is the priority order
   (most specific first). Unconditioned variations are still chosen at random, as in Rasa.
3. Risk with no one named (`risk_subject: unstated`, bot/nlu/risk/subject.py: "self harm" typed as the answer
   to "what are the main concerns?") is about the young person a parent or professional asked about, and
   about the speaker for anyone else; the variations are written for `self` and `other` only.

endpoints.yml selects this class with `nlg: type: bot.dialogue.nlg.FirstMatchResponses`.
"""

from __future__ import annotations

import random
from typing import Any, Dict, List, Optional, Text

from rasa.core.nlg.generator import ResponseVariationFilter
from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator
from rasa.shared.constants import RESPONSE_CONDITION
from rasa.shared.core.domain import Domain
from rasa.utils.endpoints import EndpointConfig

from bot.nlu.risk.subject import OTHER, SELF, UNSTATED
from directory.vocab import ADULT_ROLES

RISK_SUBJECT = "risk_subject"


def _condition_slots(variation: Dict[Text, Any]) -> List[Text]:
    return [condition.get("name") for condition in variation.get(RESPONSE_CONDITION) or []]


def readable_by(variation: Dict[Text, Any], filled_slots: Dict[Text, Any]) -> bool:
    """False for a young person's age-band wording when the reader is a parent or a professional."""
    slots = _condition_slots(variation)
    return not (filled_slots.get("role") in ADULT_ROLES and "age_band" in slots and "role" not in slots)


def with_risk_subject_read(filled_slots: Dict[Text, Any]) -> Dict[Text, Any]:
    """`risk_subject: unstated` made `other` for a parent or professional and `self` for anyone else."""
    if filled_slots.get(RISK_SUBJECT) != UNSTATED:
        return filled_slots
    return {**filled_slots, RISK_SUBJECT: OTHER if filled_slots.get("role") in ADULT_ROLES else SELF}


def choose_variation(
    variations: List[Dict[Text, Any]], output_channel: Text, filled_slots: Dict[Text, Any]
) -> Optional[Dict[Text, Any]]:
    """The variation to send: the first matching conditional one, else a random unconditioned one."""
    filled_slots = with_risk_subject_read(filled_slots)
    usable = [v for v in variations if readable_by(v, filled_slots)]
    suitable = ResponseVariationFilter({"response": usable}).responses_for_utter_action(
        "response", output_channel, filled_slots
    )
    if not suitable:
        return None
    if suitable[0].get(RESPONSE_CONDITION):
        return suitable[0]
    return random.choice(suitable)


class FirstMatchResponses(TemplatedNaturalLanguageGenerator):
    """Rasa's templated NLG over the domain's responses, choosing variations as the module doc says."""

    def __init__(
        self, endpoint_config: Optional[EndpointConfig] = None, domain: Optional[Domain] = None, **_: Any
    ) -> None:
        super().__init__((domain or Domain.empty()).responses)

    def _random_response_for(
        self, utter_action: Text, output_channel: Text, filled_slots: Dict[Text, Any]
    ) -> Optional[Dict[Text, Any]]:
        variations = self.responses.get(utter_action)
        if not variations:
            return None
        return choose_variation(variations, output_channel, filled_slots)
