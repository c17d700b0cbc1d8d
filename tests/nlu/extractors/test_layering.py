"""Import boundaries: the readers work without Rasa, and directory.places without spaCy, Rasa or bot/."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def loaded_after(statement: str) -> set:
    code = f"import sys; {statement}; print(' '.join(sorted({{m.split('.')[0] for m in sys.modules}})))"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return set(done.stdout.split())


def test_readers_do_not_import_rasa() -> None:
    assert "rasa" not in loaded_after(
        "import bot.nlu.extractors.ages, bot.nlu.extractors.lexicon, bot.nlu.extractors"
    )


def test_places_needs_neither_spacy_nor_rasa_nor_bot() -> None:
    assert not {"spacy", "rasa", "bot"} & loaded_after("import directory.places")
