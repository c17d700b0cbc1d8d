"""One concern vocabulary (issue 18): directory/data/concerns.yml holds every word for every concern, for the
directory's free text and for chat. A word (compared as chat compares it: "self-esteem" is "self esteem")
means one concern wherever it is listed, except the chat-only phrases below that fit two concerns on purpose.
"""

from __future__ import annotations

from typing import Dict, Iterator, Set

import yaml

from bot.nlu.extractors.lexicon import _templated
from bot.nlu.extractors.tokens import tokenize
from directory.concerns import CONCERNS_FILE

# Said of a child who has gone quiet: low mood and loneliness both fit, and both kinds of service may help.
TWO_CONCERNS = {"withdrawn", "keeps to himself", "keeps to herself", "stays in his room", "stays in her room"}


def _key(phrase: object) -> str:
    return " ".join(tok.key for tok in tokenize(str(phrase)) if tok.key != "-")


def _words(item: Dict) -> Iterator[str]:
    only = item.get("chat_only") or {}
    for field in ("phrases", "whole_message", "unsure", "directory_only"):
        yield from item.get(field) or []
    yield from only.get("phrases") or []
    yield from only.get("whole_message") or []
    yield from _templated(only.get("templates") or [])


def test_a_word_means_one_concern() -> None:
    vocabulary = yaml.safe_load(CONCERNS_FILE.read_text(encoding="utf-8"))
    codes: Dict[str, Set[str]] = {}
    for item in vocabulary["concerns"]:
        for word in _words(item):
            codes.setdefault(_key(word), set()).add(item["code"])
    assert {word for word, found in codes.items() if len(found) > 1} == TWO_CONCERNS
