"""Turn "not understood" into `inform` when the rule-based extractors understood the message.

"my mate is really down and i dont know what to do" splits DIET between chitchat and inform, so the
FallbackClassifier answers nlu_fallback ("Sorry, I didn't get that") although the lexicons found who is
asking (a young person helping a friend) and the concern (low mood). When a not-understood message carries
one of the form's own entities (age, borough, concern, role), this component makes it `inform` so the form
takes what was said and asks only for the rest. The same holds for a statement DIET took for an FAQ ("im a
teacher": the role was lost); a question ("can a teacher refer?") stays a question. It runs after the
FallbackClassifier and before the RiskDetector, which still overrides everything.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Set, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME as FALLBACK_INTENT
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_TYPE,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.intents import set_top_intent

WH_WORDS = frozenset("what whats how who whom why when where which wat wot".split())
AUXILIARIES = frozenset("can could do does did is are will would should shall may might am".split())
# "as a teacher can i refer": an auxiliary before its subject, anywhere in the message
INVERTED = re.compile(
    r"\b(?:can|could|do|does|did|is|are|will|would|should|shall|may|might)\s+"
    r"(?:i|we|you|they|he|she|it|my|our|the|a|an|someone|anyone|parents|school)\b"
)


# "is there anything (specifically) for...", "are there any groups for...", "what parenting stuff is there"
WHAT_THERE_IS = re.compile(
    r"\b(?:is there|are there|do you have|do you know)\s+(?:any|anything|anywhere|something|somewhere)\b"
    r"|\bwhat\s+(?:\w+\s+){0,2}(?:stuff|services?|support|help|groups?|places?)\s+(?:is|are)\s+there\b"
)
ASKING_OPENERS = re.compile(r"^(?:any idea|anyone know|i wonder|wondering|tell me|explain|please explain)\b")


# Wh-words that also join a clause to a noun ("lads who wont talk to anyone", "someone who gets it"): asking
# only at the start of a clause, or followed by an auxiliary or a subject ("who can help", "when do they").
RELATIVE_WH = frozenset("who whom which where when".split())
CLAUSE_JOINERS = frozenset("and but so or then".split())
WH_SUBJECTS = frozenset("i you we they he she it there".split())


def _asks_with_wh(text: str) -> bool:
    """A wh-word used to ask: "i think my son has adhd what do i do", "who can help", not "my lads who wont
    talk to anyone" (a relative clause)."""
    for clause in re.split(r"[.,;:!?\n]+", text.lower().replace("'", "")):
        words = re.findall(r"[a-z]+", clause)
        for i, word in enumerate(words):
            if word not in WH_WORDS:
                continue
            if word not in RELATIVE_WH or i == 0 or words[i - 1] in CLAUSE_JOINERS:
                return True
            following = words[i + 1] if i + 1 < len(words) else None
            if following is None or following in AUXILIARIES or following in WH_SUBJECTS:
                return True
    return False


def is_question(text: str) -> bool:
    """A question mark, a wh-word that asks (_asks_with_wh) or an auxiliary first: "im a teacher" is a
    statement; "can a teacher refer" and "i think my son has adhd what do i do" are questions."""
    words = re.findall(r"[a-z]+", text.lower().replace("'", ""))
    return (
        "?" in text
        or bool(ASKING_OPENERS.match(" ".join(words)))
        or _asks_with_wh(text)
        or bool(words and words[0] in AUXILIARIES)
        or bool(INVERTED.search(" ".join(words)))
    )


def _plain(text: str) -> str:
    """Lower case, without straight or curly apostrophes ("She’s" -> "shes")."""
    return text.lower().replace("'", "").replace("\u2019", "")


def _entity_types(message: Message) -> Set[Any]:
    """The types of the entities the extractors found in a message."""
    return {e.get(ENTITY_ATTRIBUTE_TYPE) for e in message.get(ENTITIES) or []}


class _NothingToConfigure(GraphComponent):
    """The repairs with no config and nothing to train or load."""

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> GraphComponent:
        return cls()


class _IntentFromEntities(GraphComponent):
    """What both repairs share: a config naming the intent they may set (`intent`) and the entities that
    decide it (`entities`), and nothing to train or load."""

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> GraphComponent:
        return cls(config)

    def __init__(self, config: Dict[Text, Any]) -> None:
        config = {**self.get_default_config(), **config}
        self.intent = str(config["intent"])
        self.entities = frozenset(config["entities"])


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class InformWhenUnderstood(_IntentFromEntities):
    """nlu_fallback -> `intent` when the message carries any of `entities` (see module doc)."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            "intent": "inform",
            "entities": ["age", "borough", "concern", "role", "need"],
            # a statement, not a question, that DIET took for one of these is an answer too ("im a teacher")
            "statement_intents": ["faq"],
        }

    def __init__(self, config: Dict[Text, Any]) -> None:
        super().__init__(config)
        config = {**self.get_default_config(), **config}
        self.statement_intents = frozenset(config.get("statement_intents") or ())

    def _repairable(self, message: Message) -> bool:
        name = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
        if name == FALLBACK_INTENT:
            return True
        if name in self.statement_intents and self._names_a_group(message):
            return True  # "he's Black, is there anything run by people like him?": search again with it
        if name in self.statement_intents and self._tells_the_case(message):
            return True  # "GP here, Kingston. 15-year-old patient with OCD. Which services can I refer to?"
        if name in self.statement_intents and self._asks_what_there_is_for_a_concern(message):
            return True  # "Is there anything specifically for self-harm?": search again with it
        return name in self.statement_intents and not is_question(str(message.get(TEXT) or ""))

    @staticmethod
    def _asks_what_there_is_for_a_concern(message: Message) -> bool:
        """ "is there anything for drug stuff specifically", "what parenting stuff is there near me": a
        concern named in a question about what there is, which a new search answers (the cost FAQ did)."""
        text = str(message.get(TEXT) or "").lower().replace("'", "")
        return "concern" in _entity_types(message) and bool(WHAT_THERE_IS.search(text))

    @staticmethod
    def _tells_the_case(message: Message) -> bool:
        """Who is asking, the age and the place all in one message: someone telling their case and asking
        what there is, which the search answers better than any one FAQ."""
        return {"role", "age", "borough"} <= _entity_types(message)

    @staticmethod
    def _names_a_group(message: Message) -> bool:
        """A group the person volunteered that changes the search; not autism or ADHD ("how do I get him
        assessed for autism?" is the FAQ's), nor limited English (the interpreter FAQ)."""
        return any(
            e.get(ENTITY_ATTRIBUTE_TYPE) == "need" and e.get("value") in SEARCH_AGAIN_GROUPS
            for e in message.get(ENTITIES) or []
        )

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            if not self._repairable(message):
                continue
            # limited English alone is not an answer to the form: the interpreter FAQ answers it
            found = {
                e.get(ENTITY_ATTRIBUTE_TYPE)
                for e in message.get(ENTITIES) or []
                if not (e.get(ENTITY_ATTRIBUTE_TYPE) == "need" and e.get("value") == "interpreter")
            }
            if found & self.entities:
                set_top_intent(message, self.intent, drop=(FALLBACK_INTENT,))
        return messages


# "She's safe right now", "he's not in immediate danger": a clear yes to "Are they safe right now?", even when
# the message goes on to ask for services. A negation just before "safe" ("not sure she's safe", "I don't
# feel safe") is never one; the risk detector runs afterwards and still escalates any risk in the message.
SAFE_WORD = re.compile(r"\bsafe\b")
NOT_IN_DANGER = re.compile(
    r"\b(?:not|no|isnt|arent|out of)\s+(?:in\s+)?(?:any\s+)?(?:immediate\s+|real\s+)?danger\b"
)
SAFE_NEGATORS = frozenset(
    "not no never dont doesnt didnt isnt arent wasnt werent cant cannot wont unsure".split()
)
# "I feel fine tho", "im ok now honestly", "she seems fine": feeling fine, said of oneself or of them, at the end
# of what is said ("he's fine at school but..." is not it).
FINE = re.compile(
    r"\b(?:i am|im|i feel|feel|feeling|i m|shes|hes|theyre|she is|he is|they are|seems?|seem|feels?)\s+"
    r"(?:(?:really|totally|completely|honestly|actually|absolutely|perfectly|all|now|ok)\s+)?"
    r"(?:fine|ok|okay|alright|all right)\b(?!\s+(?:at|with|about|in|on|to|for|when|if|apart|except|most)\b)"
)
# Only intents that would read a "safe" answer as "not safe" or as something else (data/rules/safety.yml);
# an answer to the form keeps its intent ("he's safe tonight, what support is there?" asked inside the
# form), and so does a clear question.
SAFE_REPAIRABLE = frozenset({"ask_for_help", "deny", FALLBACK_INTENT, "chitchat"})
SERVICE_NAMED = frozenset({"service", "service_position"})


def _about_no_named_service(message: Message) -> bool:
    """DIET's `ask_service` with no service named or pointed at: "i feel fine tho honestly its fine" ("it" is
    no service)."""
    name = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
    return name == "ask_service" and not _entity_types(message) & SERVICE_NAMED


def says_safe(text: str) -> bool:
    """True for a plain statement that someone is safe (see SAFE_WORD) or feels fine (FINE) now."""
    clean = _plain(text)
    if NOT_IN_DANGER.search(clean):
        return True
    found = False
    for sentence in re.findall(r"[^.?!]+[.?!]?", clean):
        words = re.findall(r"[a-z]+", sentence)
        hits = [i for i, w in enumerate(words) if w == "safe"]
        fine = FINE.search(" ".join(words))
        if fine:
            hits.append(len(" ".join(words)[: fine.end()].split()) - 1)
        if not hits:
            continue
        asked = (
            sentence.rstrip().endswith("?")
            or (words[0] in AUXILIARIES)
            or bool(re.search(r"\bsafe to\b", sentence))
        )
        if asked or any(SAFE_NEGATORS.intersection(words[max(0, i - 4) : i]) for i in hits):
            return False  # "is it safe to...", "are they safe?", "not sure she's safe"
        found = True
    return found


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class AffirmWhenSafe(_NothingToConfigure):
    """A statement that someone is safe now is `affirm` (the answer to the safety question), not a request
    for help or a "no" that the safety rules would read as "not safe"."""

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            name = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
            repairable = name in SAFE_REPAIRABLE or _about_no_named_service(message)
            if repairable and says_safe(str(message.get(TEXT) or "")):
                set_top_intent(message, "affirm", drop=(FALLBACK_INTENT,))
        return messages


# After the risk decision: what a calm "safe" statement asks for next. "She's not in immediate danger. What
# services are there?" wants the services (or the question the form still needs), not "Would you like me to
# keep helping?"; "i feel fine tho" after a crisis reply is told plainly what still matters
# (data/rules/safety.yml). Only intents the risk decision left alone are renamed (SAFE_RENAMABLE), so no
# escalation is ever undone, and a button's "/affirm" stays a yes.
SAFE_INTENT = "safe_now"
# What a calm "safe" statement may have been taken for: a yes, a no, a question (an FAQ: "She's not in immediate
# danger. What services can she access?" got the turning-18 answer), chit-chat, not understood; urgent help or
# starting again only when unsure. Never an escalation, another language, a form answer or a goodbye.
SAFE_RENAMABLE = frozenset({"affirm", "deny", "ask_for_help", FALLBACK_INTENT, "chitchat", "faq"})
SAFE_RENAMABLE_WHEN_UNSURE = frozenset({"urgent_help", "start_again", "out_of_scope", "greet", "thanks"})
SAFE_FIND_INTENT = "safe_now_find_help"
ASKS_FOR_SERVICES = re.compile(
    r"\b(?:services?|support|help|options?|somewhere|someone|places?|resources?|counsell\w*|therapy|camhs|"
    r"refer\w*|list|next steps?|what (?:now|next)|what can (?:i|we) do|where (?:can|do|should))\b"
)


def asks_for_services(text: str) -> bool:
    """ "what services can she access?", "where can we get help", "can you find her some support", "she needs
    someone who understands" (any wh-word here, even a relative one: wanting someone is asking for help)."""
    clean = _plain(text)
    return bool(ASKS_FOR_SERVICES.search(clean)) and (
        is_question(text)
        or bool(WH_WORDS.intersection(re.findall(r"[a-z]+", clean)))
        or bool(re.search(r"\bfind\b", clean))
    )


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class SafeAnswerNext(_NothingToConfigure):
    """A typed, calm "safe" statement that the risk decision did not escalate becomes `safe_now`, or
    `safe_now_find_help` when it also asks for services. Runs after the RiskDetector."""

    @staticmethod
    def _renamable(message: Message) -> bool:
        intent = message.get(INTENT) or {}
        name = intent.get(INTENT_NAME_KEY)
        if name in SAFE_RENAMABLE:
            return True
        if name == "ask_service":
            return _about_no_named_service(message)
        # what the risk decision demoted a guess of risk to ("im fine now honestly": crisis, then urgent help)
        return name in SAFE_RENAMABLE_WHEN_UNSURE and float(intent.get(PREDICTED_CONFIDENCE_KEY) or 0.0) < 0.5

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = str(message.get(TEXT) or "")
            if text.startswith("/") or not self._renamable(message) or not says_safe(text):
                continue
            set_top_intent(message, SAFE_FIND_INTENT if asks_for_services(text) else SAFE_INTENT)
        return messages


# "No, not me, I'm worried about her", "i would never", "nothing like that": a no to a question about the
# person's own safety, pointing (sometimes) at the child they are asking about. Only a statement, and only
# instead of a guess that is not an answer to the form; the risk decision runs afterwards and still
# escalates any risk in the message.
NOT_ME = re.compile(
    r"\b(?:i would never|id never|i would not|i wouldnt|never would i|i never would|not me|its not me|"
    r"it is not me|not about me|nothing like that|nothing of the sort)\b"
)
SOMEONE_ELSE = re.compile(
    r"\b(?:her|him|them|she|he|they|shes|hes|theyre|my (?:son|daughter|child|kid|boy|girl|teen|stepson|"
    r"stepdaughter|friend|mate)|the (?:child|young person|pupil|student))\b"
)
NOT_ME_REPAIRABLE = frozenset(
    {FALLBACK_INTENT, "chitchat", "affirm", "deny", "inform", "faq", "ask_for_help"}
)


def says_not_me(text: str) -> bool:
    return bool(NOT_ME.search(_plain(text))) and not is_question(text)


def points_at_someone_else(text: str) -> bool:
    """After the "not me": "..., I'm worried about her", "its my son im worried about"."""
    clean = _plain(text)
    found = NOT_ME.search(clean)
    return found is not None and bool(SOMEONE_ELSE.search(clean[found.end() :]))


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class DenyWhenNotMe(_NothingToConfigure):
    """ "no not me, I'm worried about her" is `deny` (a no to the safety question), or `inform` when it says who
    it is for ("...about my daughter": the form goes on about her), and says the risk is someone else's
    (`risk_subject: other`), so the replies speak about the child, not the parent."""

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            name = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
            text = str(message.get(TEXT) or "")
            entities = list(message.get(ENTITIES) or [])
            if name not in NOT_ME_REPAIRABLE or not says_not_me(text):
                continue
            if _entity_types(message) & FORM_ENTITIES:
                # "no not me, I'm worried about my daughter": who it is for, an answer (asking for help would
                # be read as "yes" to the safety question); "not me, my son" answers "who is it for?" too
                set_top_intent(message, "inform", drop=(FALLBACK_INTENT,))
            else:
                set_top_intent(message, "deny", drop=(FALLBACK_INTENT,))
            if points_at_someone_else(text):
                entities.append(
                    {ENTITY_ATTRIBUTE_TYPE: "risk_subject", "value": "other", "start": 0, "end": len(text)}
                )
                message.set(ENTITIES, entities, add_to_output=True)
        return messages


# Groups that, named in a question, mean "is there anything for them?": search again with the group.
SEARCH_AGAIN_GROUPS = frozenset(
    {"black_mixed_heritage", "lgbtq", "refugee", "care_experienced", "young_carer"}
)

# Intents a named service never overrides: safety, another language, and starting again.
KEEP_INTENTS = frozenset({"crisis", "safeguarding", "other_language", "start_again"})
FORM_ENTITIES = frozenset({"age", "borough", "concern", "role"})
# Who the help is for (bot/nlu/lexicons/asking_for.yml): "what about me" is asking for help, not about a service.
ASKING_FOR = "asking_for"
# Words that point at a service already talked about ("is it online?", "how do I contact them").
POINTERS = frozenset(
    "it its they them their theirs this these those one".split()
)  # not "that": "open tonight that i can call"
FAQ_RUNNER_UP = 0.5
# A fact asked with nothing else ("Opening hours?", "online or in person?"): a follow-up about a service.
FRAGMENT_WORDS = 4
# ...unless it names what the FAQ explains ("is camhs free", "gp first?"): the FAQ answers those.
FAQ_WORDS = frozenset(
    (
        "camhs cahms nhs hub gp doctor therapy counselling assessment referral emergency crisis urgent "
        "private confidential confidentiality secret secrets data store stored personal record records"
    ).split()
)
# Facts that make a follow-up: with a pronoun, these; alone ("Opening hours?"), only the first four. "what"
# ("whats a psychiatrist") and "referral" ("can i refer myself") are the FAQ's.
FOLLOW_UP_FACTS = frozenset({"cost", "hours", "online", "contact", "waiting"})
FRAGMENT_FACTS = frozenset({"cost", "hours", "online", "contact"})
FOLLOW_UP_POINTERS = POINTERS - {"their", "theirs"}
# ...and only instead of these guesses: never a greeting, thanks, goodbye, chit-chat or urgent help ("Good
# evening", "how are you today", "who can help me this weekend it can't wait") nor out of scope ("whats 7 times 8").
FOLLOW_UP_FROM = frozenset({"faq", "inform", FALLBACK_INTENT, "start_again"})
# A goodbye or "out of scope" guess gives way only to a question that points at a service and asks one of
# its facts ("is that online or do i have to go there" got a goodbye, "wat times is it open" the out-of-scope
# reply); a short fragment alone ("whats 7 times 8") stays theirs.
POINTED_FOLLOW_UP_FROM = frozenset({"goodbye", "out_of_scope"})


def _asks_about_that(words: List[str]) -> bool:
    """ "is that online?", "does that cost anything": "that" right after an opening auxiliary points at
    what was just said (elsewhere "that" is too often a conjunction: "open tonight that i can call")."""
    return len(words) > 1 and words[0] in AUXILIARIES and words[1] == "that"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class AskServiceWhenNamed(_IntentFromEntities):
    """Questions about services, set from what the message names rather than DIET's guess alone.

    - A message that names a service ("what is Off Centre", "is kooth free") or points at one of the list
      ("the first one", "which of these") is a question about it, whatever DIET guessed: "Off Centre" once
      got a goodbye. Not when it also answers the form ("I'm 15, is kooth ok?" stays `inform`).
    - DIET's `ask_service` with no service named or pointed at is not one: with no pointing word at all
      ("is anyone open tonight") the runner-up intent is taken; with only a pronoun ("is what i say to them
      kept secret") an FAQ close behind wins, since the FAQ answers it better than a service's details; a
      statement that answers the form ("its about my stepson") is `inform`; one that says who the help is
      for ("what about me, im really stressed about it") is asking for help.
    """

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"intent": "ask_service", "entities": ["service", "service_position"]}

    def _replacement(self, message: Message) -> Optional[str]:
        """The intent the message should have, or None to leave it."""
        name = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
        found = _entity_types(message)
        if name == self.intent and ASKING_FOR in found and not found & self.entities:
            return "ask_for_help"  # "what about me, im really stressed about it": help for themselves now
        if name in KEEP_INTENTS and not (name in FOLLOW_UP_FROM and not found & self.entities):
            return None  # "start again" with no service named may still be a fact asked alone, below
        if found & self.entities:
            # "is the first one actually trans friendly?" names a concern but points at the list: a question
            if name == self.intent or (name == "inform" and found & self._answers(found, message)):
                return None
            return self.intent
        text = str(message.get(TEXT) or "")
        if name != self.intent:
            entities = list(message.get(ENTITIES) or [])
            follow_up = (name in FOLLOW_UP_FROM and self._follow_up(text, found, entities)) or (
                name in POINTED_FOLLOW_UP_FROM and self._follow_up(text, found, entities, pointed_only=True)
            )
            return self.intent if follow_up else None
        if found & FORM_ENTITIES and not is_question(text):
            return "inform"
        if self._follow_up(text, found, list(message.get(ENTITIES) or []), pointed_only=True):
            return None  # "is that online or do i have to go there": a follow-up, whatever the runner-up
        ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get(INTENT_NAME_KEY) != self.intent]
        words = set(re.findall(r"[a-z]+", text.lower()))
        if not words & POINTERS:
            return ranking[0].get(INTENT_NAME_KEY) if ranking else None
        faq = [r for r in ranking[:2] if r.get(INTENT_NAME_KEY) == "faq"]
        if faq and faq[0].get(PREDICTED_CONFIDENCE_KEY, 0.0) >= FAQ_RUNNER_UP:
            return "faq"
        return None

    @staticmethod
    def _answers(found: Set[Any], message: Message) -> Set[Any]:
        """The form's entities that make a message naming a service an answer rather than a question."""
        if "service_position" in found and is_question(str(message.get(TEXT) or "")):
            return found & {"age", "borough", "role"}
        return found & FORM_ENTITIES

    @staticmethod
    def _follow_up(
        text: str, found: Set[Any], entities: List[Dict[str, Any]], pointed_only: bool = False
    ) -> bool:
        """A question about a fact of a service pointed at only by a pronoun ("is it open at night?", "how
        do I contact them", "is that online?") or asked alone ("Opening hours?"): about the service in
        focus, or all listed. The action answers "is it free?" in general when nothing was listed yet."""
        if "service_fact" not in found or found & FORM_ENTITIES:
            return False
        facts = {str(e.get("value")) for e in entities if e.get(ENTITY_ATTRIBUTE_TYPE) == "service_fact"}
        words = re.findall(r"[a-z0-9]+", text.lower().replace("'", ""))
        if set(words) & FAQ_WORDS:
            return False
        pointer = bool(set(words) & FOLLOW_UP_POINTERS) or _asks_about_that(words)
        pointed = pointer and is_question(text) and bool(facts & FOLLOW_UP_FACTS)
        if pointed_only:
            return pointed
        return pointed or (len(words) <= FRAGMENT_WORDS and bool(facts & FRAGMENT_FACTS))

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            replacement = self._replacement(message)
            if replacement is None:
                continue
            set_top_intent(message, replacement)
        return messages
