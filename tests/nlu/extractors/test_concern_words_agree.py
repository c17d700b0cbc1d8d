"""The concern codes have one home (directory/data/concerns.yml, which the bot's concern lexicon must use),
but the words for them still live in two lists: the directory's `synonyms` (free text in the API and the
CLI, `concern=panic`) and the bot's lexicon (bot/nlu/lexicons/concerns.yml, 1,100+ phrases with typos and
whole-message rules). Until they are one list, a word both list must mean the same concern in both, except
the disagreements below, which wait for a clinical reviewer's choice (issue 18). A new disagreement fails.
"""

from __future__ import annotations

from typing import Dict, Set, Tuple

import yaml

from bot.server.settings import ROOT
from directory.concerns import load_concerns

# (word, the directory's code, the bot lexicon's codes) as they stood when this test was written.
KNOWN_DISAGREEMENTS: Set[Tuple[str, str, Tuple[str, ...]]] = {
    ("racism", "identity", ("bullying",)),
    ("weight", "body_image", ("body_image", "eating")),
    ("self esteem", "body_image", ("low_mood",)),
    ("domestic abuse", "trauma", ("relationships_family",)),
    ("not sure", "general", ("unsure",)),
    ("dont know", "general", ("unsure",)),
    ("don't know", "general", ("unsure",)),
    ("feelings", "general", ("low_mood",)),
}


def _bot_codes() -> Dict[str, Set[str]]:
    lexicon = yaml.safe_load((ROOT / "bot/nlu/lexicons/concerns.yml").read_text(encoding="utf-8"))
    codes: Dict[str, Set[str]] = {}
    for code, value in lexicon["values"].items():
        for kind in ("phrases", "whole_message"):
            for phrase in value.get(kind) or []:
                codes.setdefault(str(phrase).lower(), set()).add(code)
    return codes


def test_a_word_both_lists_hold_means_the_same_concern() -> None:
    bot = _bot_codes()
    disagreements = {
        (word, concern.code, tuple(sorted(bot[word])))
        for concern in load_concerns().values()
        for word in concern.synonyms
        if word in bot and bot[word] != {concern.code}
    }
    assert disagreements - KNOWN_DISAGREEMENTS == set(), (
        "a new word means different concerns in the two lists"
    )
    assert KNOWN_DISAGREEMENTS - disagreements == set(), "resolved: take it out of KNOWN_DISAGREEMENTS"
