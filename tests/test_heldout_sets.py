"""The sealed held-out sets stay sealed: unchanged since committed, and never in anything we build or test from.

tests/data/heldout/README.md has the rules. The leak check (tools/eval_leaks.py) is exercised both ways: it
must find nothing for the sealed sets, and it must find the leaks of the former NLU held-out set.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
from typing import Dict, List

import pytest

from tools.eval_leaks import SourceIndex, normalise, source_files
from tools.eval_sets import (
    DEV_NLU_SET,
    HELDOUT_DIR,
    MANIFEST_FIELDS,
    ROOT,
    Manifest,
    heldout_texts,
    load_rasa_nlu,
    manifests,
)

MANIFESTS = manifests()
KINDS = {"risk", "nlu", "multilingual", "conversations"}


@pytest.fixture(scope="module")
def index() -> SourceIndex:
    """Training data, lexicons, corpora and every test file except the held-out sets (about 2 s)."""
    return SourceIndex.build(source_files())


def test_there_are_sealed_risk_and_nlu_sets() -> None:
    assert {m.kind for m in MANIFESTS} >= {"risk", "nlu"}, [m.id for m in MANIFESTS]
    assert sum(len(heldout_texts(m)) for m in MANIFESTS if m.kind == "risk") >= 600


@pytest.mark.parametrize("manifest", MANIFESTS, ids=[m.id for m in MANIFESTS])
def test_manifest_is_complete(manifest: Manifest) -> None:
    missing = [field for field in MANIFEST_FIELDS if not manifest.data.get(field)]
    assert not missing, f"{manifest.id}: manifest lacks {missing}"
    assert manifest.kind in KINDS
    assert manifest.data["use"] == "never used to change the product"
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(manifest.data["written"])), manifest.data["written"]
    assert re.fullmatch(r"[0-9a-f]{40}", manifest.committed_at), manifest.committed_at
    for brief in manifest.data["briefs"]:
        assert (HELDOUT_DIR / brief).is_file(), f"{manifest.id}: brief {brief} not committed"
    texts = set(heldout_texts(manifest))
    assert manifest.data["texts"] == len(heldout_texts(manifest))
    stray = sorted(manifest.excluded - texts)
    assert not stray, f"{manifest.id}: excluded texts that are not in the set: {stray}"


@pytest.mark.parametrize("manifest", MANIFESTS, ids=[m.id for m in MANIFESTS])
def test_file_is_the_one_sealed(manifest: Manifest) -> None:
    """Same bytes as the manifest's sha256: a changed set is a new set (README)."""
    assert hashlib.sha256(manifest.path.read_bytes()).hexdigest() == manifest.sha256, (
        f"{manifest.path.name} changed after it was sealed"
    )


@pytest.mark.parametrize("manifest", MANIFESTS, ids=[m.id for m in MANIFESTS])
def test_file_is_the_one_committed_at_sealing(manifest: Manifest) -> None:
    """Same bytes as the file in the commit the manifest names."""
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: the sealing commit cannot be checked")
    relative = manifest.path.relative_to(ROOT).as_posix()
    sealed = subprocess.run(
        ["git", "show", f"{manifest.committed_at}:{relative}"], cwd=ROOT, capture_output=True, check=True
    ).stdout
    assert hashlib.sha256(sealed).hexdigest() == manifest.sha256


@pytest.mark.parametrize("manifest", MANIFESTS, ids=[m.id for m in MANIFESTS])
def test_no_held_out_text_is_in_training_data_lexicons_or_other_tests(
    manifest: Manifest, index: SourceIndex
) -> None:
    texts = heldout_texts(manifest)
    leaks = index.leaks([t for t in texts if t not in manifest.excluded])
    assert not leaks, f"{len(leaks)} held-out texts leaked (run python -m tools.eval_leaks): " + "; ".join(
        leak.by_position(texts, manifest.id) for leak in leaks[:20]
    )


def _leaks_of(texts: List[str], sources: Dict[str, str]) -> List[str]:
    return [leak.how for leak in SourceIndex({normalise(k): v for k, v in sources.items()}).leaks(texts)]


def test_the_check_finds_copies_near_copies_and_six_word_runs() -> None:
    held_out = [
        "my stepdad keeps checking my phone and reading all my messages",
        "honestly cant be bothered with revision tonight",
        "is there someone i could call about my sons sleep",
        "a completely different message about the weather in camden today",
    ]
    sources = {
        "My stepdad keeps checking my phone and reading all my messages!": "same",
        "honestly cnt be bothered wiv revision tonite": "near",
        "we wondered if there is someone i could call about my sons sleep": "run",
    }
    found = _leaks_of(held_out, sources)
    assert [how.split()[0] for how in found] == ["same", "similar", "six"], found


def test_the_check_fails_on_the_former_nlu_held_out_set() -> None:
    """Today's evidence: the old NLU held-out set leaked into training, so it became a development set."""
    texts = [text for text, _ in load_rasa_nlu(DEV_NLU_SET)]
    in_training = SourceIndex.build(source_files(directories=["data"])).leaks(texts)
    assert len(in_training) >= 150, f"only {len(in_training)} of {len(texts)} found in data/"
