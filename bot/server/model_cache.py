"""Train the Rasa model only when its inputs change.

The model's name is a fingerprint of everything that shapes it (config, domain, training data, the custom
components and their lexicons, and the Rasa version), so a clean checkout trains once and every later run,
test or start reuses `models/model-<fingerprint>.tar.gz`.
"""

from __future__ import annotations

import hashlib
import logging
import os
import subprocess
import sys
from pathlib import Path
from typing import Iterable

from bot.server.settings import ROOT, load_settings

logger = logging.getLogger(__name__)

MODELS_DIR = ROOT / "models"
# Only what the trained model depends on: launcher or widget edits must not cost a retrain.
FINGERPRINT_INPUTS = (
    "config.yml",
    "domain.yml",
    "data",
    "bot/nlu/extractors",
    "bot/nlu/risk",
    "bot/nlu/lexicons",
    "bot/nlu/language",
    "corpus/risk",
    "corpus/risk_languages",
    "bot/dialogue/policies.py",
    "bot/nlu/nlp.py",
    "directory/text.py",
    "directory/places.py",
    "directory/data/places.yml",
    "directory/vocab.py",
    "directory/data/ages.yml",
)
FINGERPRINT_SUFFIXES = (".yml", ".yaml", ".py")


def _input_files() -> Iterable[Path]:
    for name in FINGERPRINT_INPUTS:
        path = ROOT / name
        if path.is_file():
            yield path
        elif path.is_dir():
            yield from sorted(
                p
                for p in path.rglob("*")
                if p.suffix in FINGERPRINT_SUFFIXES and p.is_file() and "__pycache__" not in p.parts
            )


def fingerprint() -> str:
    """A short hash of the model's inputs and the Rasa version."""
    from rasa.version import __version__ as rasa_version

    digest = hashlib.sha256(rasa_version.encode())
    for path in _input_files():
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def model_path() -> Path:
    return MODELS_DIR / f"model-{fingerprint()}.tar.gz"


def ensure_model() -> Path:
    """Return the model for the current inputs, training it first if it does not exist."""
    path = model_path()
    if path.exists():
        return path
    load_settings()
    MODELS_DIR.mkdir(exist_ok=True)
    print(f"training the Rasa model (inputs changed): {path.name}", flush=True)
    command = [
        sys.executable,
        "-m",
        "rasa",
        "train",
        "--config",
        "config.yml",
        "--domain",
        "domain.yml",
        "--data",
        "data",
        "--out",
        str(MODELS_DIR),
        "--fixed-model-name",
        path.name[: -len(".tar.gz")],
    ]
    subprocess.run(command, cwd=ROOT, check=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    if not path.exists():
        raise RuntimeError(f"rasa train finished but {path} was not written")
    return path


if __name__ == "__main__":
    print(ensure_model())
