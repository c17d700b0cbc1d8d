"""Every sentence a person can see is worded in domain.yml (the directory's match reasons in
directory/data/reasons.yml), never in Python: the readability checks, review and translation then cover all
of them (issue 18).

Read with `ast`: an action may only name a response (`utter_message(response=...)`, with values for its
placeholders) or send a payload (`json_message=`); the channels send the replies they make themselves by
name (bot/server/replies.py); and no code under actions/, bot/ or directory/ holds a string that reads as a
sentence, apart from docstrings, log lines and error messages for developers.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Iterator, List, Set, Tuple

import pytest
import yaml

from bot.server import replies
from bot.server.settings import ROOT

FOLDERS = ("actions", "bot", "directory")
# Keyword arguments of utter_message that carry no text of their own.
NAMED_ONLY = {"response", "json_message", "buttons", "elements", "attachment", "image"}
# A string a person would read as a sentence: a capital, four more words, an end mark.
SENTENCE = re.compile(r"^[A-Z][^\n]*(\s+\S+){4,}[.!?]\"?$")
# Calls whose string arguments are for developers, not for the person chatting.
FOR_DEVELOPERS = re.compile(
    r"(^|\.)(debug|info|warning|error|exception|critical|fail|add_argument|ArgumentParser|print)$|Error$|Exception$"
)


def _python_files() -> Iterator[Path]:
    for folder in FOLDERS:
        yield from sorted((ROOT / folder).rglob("*.py"))


def _call_name(node: ast.Call) -> str:
    return ast.unparse(node.func)


def _docstrings(tree: ast.AST) -> Set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def _developer_strings(tree: ast.AST) -> Set[int]:
    """String constants inside calls for developers (log lines, errors, argparse) and `raise` statements."""
    found = set()
    for node in ast.walk(tree):
        inside = None
        if isinstance(node, ast.Call) and FOR_DEVELOPERS.search(_call_name(node)):
            inside = node
        elif isinstance(node, ast.Raise):
            inside = node
        if inside is not None:
            found |= {id(n) for n in ast.walk(inside) if isinstance(n, ast.Constant)}
    return found


def _utterances() -> Iterator[Tuple[str, ast.Call]]:
    for path in _python_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _call_name(node).endswith(
                ("utter_message", "send_text_message")
            ):
                yield f"{path.relative_to(ROOT)}:{node.lineno}", node


def test_the_checks_see_the_code_that_speaks() -> None:
    """A guard for the checks below: they must find the actions' replies and the channels' own."""
    places = [place for place, _call in _utterances()]
    assert any(place.startswith("actions/") for place in places)
    assert any(place.startswith("bot/server/widget_channel.py") for place in places)


@pytest.mark.parametrize("place, call", list(_utterances()), ids=lambda v: v if isinstance(v, str) else "")
def test_replies_are_sent_by_response_name_never_as_literal_text(place: str, call: ast.Call) -> None:
    if _call_name(call).endswith("utter_message"):
        assert not call.args, f"{place}: utter_message with a positional text; name a response instead"
        text_keywords = [k.arg for k in call.keywords if k.arg == "text"]
        assert not text_keywords, f"{place}: utter_message(text=...); name a domain response instead"
        assert any(k.arg in NAMED_ONLY for k in call.keywords), f"{place}: no response name or payload"
    else:  # a channel's send_text_message: the text must come from the domain, not a literal
        literal = [a for a in call.args if isinstance(a, (ast.Constant, ast.JoinedStr))]
        assert not literal, f"{place}: send_text_message with literal text; use bot/server/replies.py"


def _sentences() -> List[str]:
    found = []
    for path in _python_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip = _docstrings(tree) | _developer_strings(tree)
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in skip
                and SENTENCE.match(" ".join(node.value.split()))
            ):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.value[:70]!r}")
    return found


def test_no_sentence_for_people_is_written_in_python() -> None:
    assert _sentences() == []


def test_the_sentence_check_would_see_one() -> None:
    """A guard for the check above: the pattern matches a reply as it used to be written in channels.py."""
    assert SENTENCE.match("Sorry, something went wrong on my side and I couldn't answer that.")


def test_every_reply_the_channels_send_themselves_is_in_the_domain() -> None:
    responses = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))["responses"]
    for name in replies.CHANNEL_RESPONSES:
        assert name in responses, name
    texts = replies.file_texts()
    assert "999" in texts[replies.TECHNICAL_PROBLEM] and "111" in texts[replies.TECHNICAL_PROBLEM]


def test_the_loaded_models_wording_is_used_when_there_is_one() -> None:
    class Domain:
        responses = {replies.SLOW_DOWN: [{"text": "Wait, please.", "condition": None}]}

    class App:
        class ctx:  # noqa: N801 - the shape of Sanic's app.ctx
            class agent:  # noqa: N801
                domain = Domain

    assert replies.channel_text(App, replies.SLOW_DOWN) == "Wait, please."
    assert replies.channel_text(None, replies.SLOW_DOWN) == replies.file_texts()[replies.SLOW_DOWN]
