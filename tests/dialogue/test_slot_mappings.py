"""The domain's slot mappings on real trackers (Rasa's own ActionExtractSlots, no model, no action server)."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

import pytest
from rasa.core.actions.action import ActionExtractSlots
from rasa.core.channels import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActiveLoop, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.server.settings import ROOT

DOMAIN = Domain.load(str(ROOT / "domain.yml"))
AGE_18 = [
    {"entity": "age", "value": "18", "start": 0, "end": 2},
    {"entity": "age_band", "value": "young_adult", "start": 0, "end": 2},
]


async def extracted(intent: str, entities: List[Dict[str, Any]], requested: Optional[str]) -> Dict[str, Any]:
    """The slots Rasa fills from a message, with the signposting form asking `requested` (None: no form)."""
    tracker = DialogueStateTracker.from_events("test", [], slots=DOMAIN.slots)
    if requested:
        tracker.update(ActiveLoop("signpost_form"))
        tracker.update(SlotSet("requested_slot", requested))
    tracker.update(UserUttered("...", intent={"name": intent, "confidence": 1.0}, entities=entities), DOMAIN)
    events = await ActionExtractSlots(None).run(
        CollectingOutputChannel(), TemplatedNaturalLanguageGenerator(DOMAIN.responses), tracker, DOMAIN
    )
    return {e.key: e.value for e in events if isinstance(e, SlotSet)}


@pytest.mark.parametrize("requested", ["concerns", "borough"])
async def test_an_age_in_a_question_asked_in_the_form_is_not_the_persons_age(requested: str) -> None:
    """ "what happens if i turn 18 while im seeing them" made a 17-year-old 18, and the form, taking it as an
    answer, left the question unanswered."""
    assert "age" not in await extracted("faq", AGE_18, requested)
    assert "age_band" not in await extracted("faq", AGE_18, requested)


async def test_an_age_is_still_taken_from_answers_and_from_questions_when_it_is_asked_for() -> None:
    assert (await extracted("inform", AGE_18, "concerns"))["age"] == "18"
    assert (await extracted("faq", AGE_18, "age"))["age"] == "18"  # "im 18, can i refer myself?"
    assert (await extracted("faq", AGE_18, None))["age"] == "18"  # outside the form, as before
    assert (await extracted("crisis", AGE_18, "borough"))["age"] == "18"
