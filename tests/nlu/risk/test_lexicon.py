"""The lexicon file itself: it loads, ids are unique, and no pattern word is one canonicalisation erases."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any, Iterator, Set

import pytest
import yaml

from bot.nlu.risk.detector import RiskMatcher
from bot.nlu.risk.lexicon import (
    CONTRACT_CATEGORIES,
    DEFAULT_LEXICON,
    LexiconError,
    compile_pattern,
    lexicon_files,
    load_lexicon,
)


def test_lexicon_loads_with_contract_categories() -> None:
    lexicon = load_lexicon()
    assert set(lexicon.categories) == set(CONTRACT_CATEGORIES)
    assert {p.category for p, _ in lexicon.patterns} == set(CONTRACT_CATEGORIES)


def test_every_literal_word_survives_canonicalisation(matcher: RiskMatcher) -> None:
    """A pattern word that canonicalisation rewrites (e.g. "dont" -> "do not") could never match."""
    lexicon = matcher.lexicon
    skip = {".", ",", "'s", "#num", "#many"}
    dead = sorted(w for w in lexicon.literals if w not in skip and matcher.tokens(w) != [w, "."])
    assert dead == []


def test_notation_compiles() -> None:
    sets = {"pills": ["pills", "tablets"]}
    assert compile_pattern("took *2 @pills|meds", sets) == [
        {"ORTH": "took"},
        {"OP": "?"},
        {"OP": "?"},
        {"ORTH": {"IN": ["pills", "tablets", "meds"]}},
    ]
    assert compile_pattern("a? !b|c", {}) == [{"ORTH": "a", "OP": "?"}, {"ORTH": {"NOT_IN": ["b", "c"]}}]


@pytest.mark.parametrize(
    "broken",
    [
        "categories: {suicide: crisis}\n",
        "not a mapping",
    ],
)
def test_broken_lexicon_fails_loudly(tmp_path: Path, broken: str) -> None:
    path = tmp_path / "risk.yml"
    path.write_text(broken)
    with pytest.raises(LexiconError):
        load_lexicon(path)


def test_unknown_set_fails_loudly() -> None:
    with pytest.raises(LexiconError):
        compile_pattern("@nope", {})


def test_speller_never_turns_a_dictionary_word_into_a_risk_word() -> None:
    """Every real word one edit from a risk word must be in spelling.protect ("races" is not "rapes")."""
    from bot.nlu.risk.protect_words import DEFAULT_WORDS, words_to_protect

    if not DEFAULT_WORDS.exists():
        pytest.skip(f"{DEFAULT_WORDS} not installed (Debian package wbritish)")
    assert words_to_protect(DEFAULT_WORDS) == []


def test_yaml_booleans_are_rejected(tmp_path: Path) -> None:
    """Bare on/off/no in a YAML flow list become booleans; the loader must refuse them."""
    path = tmp_path / "risk"
    shutil.copytree(DEFAULT_LEXICON, path)
    words = path / "words.yml"
    words.write_text(words.read_text().replace("  common_words: [", "  common_words: [off, ", 1))
    with pytest.raises(LexiconError):
        load_lexicon(path)


def _pattern_strings(node: Any) -> Iterator[str]:
    """Every notation string in the lexicon file (match lists of patterns, exceptions and concepts)."""
    if isinstance(node, dict):
        for value in node.values():
            yield from _pattern_strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _pattern_strings(value)
    elif isinstance(node, str) and " " in node.strip():
        yield node


def _token_words(spec: str) -> Set[str]:
    return {word.rstrip("?") for word in spec.lstrip("!").split("|")} - {""}


def test_no_pattern_hides_a_phrase_inside_an_alternative() -> None:
    """`a|b` is ONE token, so "can not|must not tell" means can (not|must) not tell and never matches
    "must not tell". Such a line shows itself as neighbouring tokens that share a word ("not" | "not") or
    a joined spelling ("in front|infront"); write the phrases as separate lines instead."""
    raw = [yaml.safe_load(path.read_text(encoding="utf-8")) for path in lexicon_files()]
    suspicious = []
    for text in _pattern_strings(raw):
        specs = text.split()
        for left, right in zip(specs, specs[1:], strict=False):
            if left.startswith("*") or right.startswith("*"):
                continue  # a word repeated across a gap is deliberate ("said *3 said goodbye")
            a, b = _token_words(left), _token_words(right)
            shared = {w for w in a & b if not w.startswith("@")}
            joined = {w for w in a | b for x in a for y in b if w == x + y}
            if shared or joined:
                suspicious.append(text)
    assert suspicious == []


def test_mention_must_be_true_or_false(tmp_path: Path) -> None:
    """`mention` lets the learned decision weigh a rule hit: a slip ("mention: yes" read as a word) stops."""
    source = (
        "categories: {suicide: crisis, self_harm: crisis, overdose: crisis, danger: safeguarding, "
        "abuse: safeguarding}\n"
        "patterns:\n  - {id: a.b, category: suicide, mention: maybe, match: ['kill myself']}\n"
    )
    path = tmp_path / "risk.yml"
    path.write_text(source)
    with pytest.raises(LexiconError, match="mention"):
        load_lexicon(path)
