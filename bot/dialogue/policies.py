"""Dialogue policy that lets safety rules interrupt a form before the form sees the message.

Rasa's RulePolicy always lets an active form run first ("loop happy path") and only applies other rules
if the form rejects the message. A crisis message that also contains a form answer ("I'm 15 and I want to
kill myself" while the form asks for an age) would then be taken as an answer and the escalation rule would
never fire. Worse, the form calls the action server first, so with the action server down the message is
lost. This policy skips the form's happy path whenever the message was classified as an escalation intent,
so the safety rules (domain responses only) answer at once, with or without the action server.
"""

from __future__ import annotations

from typing import Optional, Text, Tuple

from rasa.core.policies.rule_policy import RulePolicy
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.core.trackers import DialogueStateTracker

#: Intents whose rules answer before an active form sees the message (data/rules/safety.yml).
ESCALATION_INTENTS = frozenset({"crisis", "safeguarding", "risk_check", "other_language"})


def is_escalation_turn(tracker: DialogueStateTracker) -> bool:
    """True while the bot answers a user message whose intent is an escalation intent.

    This covers every action of the escalation rule, not only the first, so the form cannot take the turn
    back between the escalation responses.
    """
    message = tracker.latest_message
    return message is not None and message.intent.get("name") in ESCALATION_INTENTS


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True)
class SafetyFirstRulePolicy(RulePolicy):
    """RulePolicy in which escalation intents take priority over an active form."""

    @staticmethod
    def _find_action_from_loop_happy_path(
        tracker: DialogueStateTracker,
    ) -> Tuple[Optional[Text], Optional[Text]]:
        if is_escalation_turn(tracker):
            return None, None
        return RulePolicy._find_action_from_loop_happy_path(tracker)
