"""The risk lexicon folder: each file holds its own topic, and two files can never define one thing twice."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from bot.nlu.risk.lexicon import (
    CONTRACT_CATEGORIES,
    DEFAULT_LEXICON,
    LexiconError,
    lexicon_files,
    load_lexicon,
    read_lexicon_data,
)


def test_each_category_file_holds_only_its_own_patterns_and_rules() -> None:
    for category in CONTRACT_CATEGORIES:
        data = yaml.safe_load((DEFAULT_LEXICON / f"{category}.yml").read_text(encoding="utf-8"))
        entries = (data.get("patterns") or []) + (data.get("concept_rules") or [])
        assert entries, category
        assert {entry["category"] for entry in entries} == {category}


def test_patterns_and_rules_live_only_in_their_category_file() -> None:
    for path in lexicon_files():
        if path.stem in CONTRACT_CATEGORIES:
            continue
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert not data.get("patterns") and not data.get("concept_rules"), path.name


def test_folder_reads_as_the_same_lexicon_as_one_merged_file(tmp_path: Path) -> None:
    """A single file in the same format (what the lexicon was before it was split) loads identically."""
    single = tmp_path / "risk.yml"
    single.write_text(yaml.safe_dump(read_lexicon_data(), sort_keys=False), encoding="utf-8")
    assert load_lexicon(single) == load_lexicon()


@pytest.mark.parametrize(
    ("file", "text"),
    [
        ("extra.yml", "sets:\n  common_words: [the]\n"),  # a set defined in words.yml already
        ("extra.yml", "version: 2\n"),  # a scalar given twice
        ("extra.yml", "concepts:\n  WISH:\n    match: ['want~']\n"),  # a concept of shared_concepts.yml
    ],
)
def test_a_name_defined_in_two_files_fails_loudly(tmp_path: Path, file: str, text: str) -> None:
    folder = tmp_path / "risk"
    shutil.copytree(DEFAULT_LEXICON, folder)
    (folder / file).write_text(text, encoding="utf-8")
    with pytest.raises(LexiconError):
        load_lexicon(folder)


def test_a_pattern_id_used_in_two_files_fails_loudly(tmp_path: Path) -> None:
    folder = tmp_path / "risk"
    shutil.copytree(DEFAULT_LEXICON, folder)
    (folder / "extra.yml").write_text(
        "patterns:\n  - {id: suicide.kill_self, category: suicide, match: ['kill myself']}\n",
        encoding="utf-8",
    )
    with pytest.raises(LexiconError):
        load_lexicon(folder)


def test_an_empty_folder_fails_loudly(tmp_path: Path) -> None:
    with pytest.raises(LexiconError):
        load_lexicon(tmp_path)
