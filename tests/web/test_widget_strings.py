"""Every word the widget shows by itself is worded in web/strings.yml (issue 18), and the widget carries
them only in the tables `python -m web.widget_strings` writes into it. Fast: no browser, no servers.
"""

from __future__ import annotations

import re
from typing import Iterator, Tuple

import pytest
import yaml

from web import widget_strings

# Text that reads as words to a person: two words with a space between, or a capitalised word.
WORDS = re.compile(r"(?<![\w\\-])[A-Za-z]+ [A-Za-z]+(?![\w-])|(?<![\w\\-])[A-Z][a-z]+\b")
# Literals that look like words but are not shown: a directive, a link's rel, socket.io's reason, key names.
NOT_SHOWN = {"use strict", "noopener noreferrer", "io server disconnect", "Tab", "Escape", "KeyX"}
# Calls whose arguments are for developers (the browser console, errors that are logged, never shown).
FOR_DEVELOPERS = re.compile(r"(console\.\w+|Error)\(\s*$")


def literals(source: str) -> Iterator[Tuple[int, str, str]]:
    """(line, text, code before it on its line) of each string literal in JavaScript, comments skipped.
    Regular expression literals are not parsed; the widget's have no quote marks in them."""
    i, line, n = 0, 1, len(source)
    while i < n:
        if source.startswith("//", i):
            i = source.find("\n", i) if "\n" in source[i:] else n
        elif source.startswith("/*", i):
            end = source.index("*/", i + 2) + 2
            line += source.count("\n", i, end)
            i = end
        elif source[i] in "\"'`":
            quote, j = source[i], i + 1
            while source[j] != quote:
                j += 2 if source[j] == "\\" else 1
            before = source[source.rfind("\n", 0, i) + 1 : i]
            yield line, source[i + 1 : j], before
            line += source.count("\n", i, j)
            i = j + 1
        else:
            line += source[i] == "\n"
            i += 1


def _outside_the_tables(widget: str) -> str:
    start, end = widget.index(widget_strings.BEGIN), widget.index(widget_strings.END)
    return widget[:start] + "\n" * widget.count("\n", start, end) + widget[end:]


def test_the_widget_has_the_words_of_strings_yml() -> None:
    assert widget_strings.OUTPUT.read_text(encoding="utf-8") == widget_strings.render(), (
        "run python -m web.widget_strings"
    )
    assert widget_strings.main(["--check"]) == 0


def test_the_widget_holds_no_words_of_its_own() -> None:
    widget = _outside_the_tables(widget_strings.OUTPUT.read_text(encoding="utf-8"))
    found = [
        (line, text)
        for line, text, before in literals(widget)
        if text not in NOT_SHOWN
        and not FOR_DEVELOPERS.search(before)
        and WORDS.search(re.sub(r"\$\{[^}]*\}", " ", text))
    ]
    assert found == [], "word these in web/strings.yml (then python -m web.widget_strings)"


@pytest.mark.parametrize(
    "literal", ['el("p", {}, ["Call us now"])', "const x = 'opens in a new tab';", "label: `Ages ${min} to`"]
)
def test_the_check_finds_words_in_code(literal: str) -> None:
    texts = [text for _, text, _ in literals(literal)]
    assert any(WORDS.search(re.sub(r"\$\{[^}]*\}", " ", text)) for text in texts)


def test_every_placeholder_is_one_the_widget_fills() -> None:
    words = yaml.safe_load(widget_strings.SOURCE.read_text(encoding="utf-8"))["strings"]
    filled = {"localLine": {"name"}, "agesBetween": {"min", "max"}, "agesFrom": {"min"}, "agesUpTo": {"max"}}
    for key, text in words.items():
        if isinstance(text, str):
            assert set(re.findall(r"\{(\w+)\}", text)) == filled.get(key, set()), key
