"""Where every evaluation set lives, what it is, and how to read it.

Two kinds of set, kept apart by directory so a file's path says what its figures mean:
- `tests/data/dev/`: development sets. Someone has looked at their failures and changed the product, so
  their figures measure fit, not generalisation. Regression tests may require 100% on them.
- `tests/data/heldout/`: sealed held-out sets, written by writers who never saw the data, lexicons or
  tests. Each has `<id>.manifest.yml` (writer, brief, date, the commit it was committed at, sha256 of the
  file). Only these figures are published. Once one is used to decide a change, it moves to dev/ and a new
  one is written (tests/data/heldout/README.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Set, Tuple

import yaml

ROOT = Path(__file__).resolve().parent.parent
DEV_DIR = ROOT / "tests" / "data" / "dev"
DEV_RISK_DIR = DEV_DIR / "risk"
DEV_NLU_SET = DEV_DIR / "nlu" / "former_holdout.yml"
HELDOUT_DIR = ROOT / "tests" / "data" / "heldout"
MANIFEST_SUFFIX = ".manifest.yml"
#: Retired held-out sets (read to change the product, so development sets now), with their manifests. They
#: were written by independent writers at the same time as the sealed ones, so the same everyday phrases
#: turn up in both by chance; the leak check leaves them out as it leaves out the sealed sets. What is built
#: from them (training data, lexicons, tests) is still checked.
RETIRED_HELDOUT = (
    DEV_DIR / "conversations" / "C1",
    DEV_DIR / "nlu" / "HF",
    *(DEV_RISK_DIR / name for name in ("H1", "H2", "H3")),
)

#: Development risk sets: name -> (must-escalate file, must-not-escalate file) in tests/data/dev/risk/.
DEV_RISK_SETS: Dict[str, Tuple[str, str]] = {
    "corpus": ("corpus_escalate.yml", "corpus_not.yml"),
    "former_holdout1": ("former_holdout1_escalate.yml", "former_holdout1_not.yml"),
    "former_holdout2": ("former_holdout2_escalate.yml", "former_holdout2_not.yml"),
    "team": ("team_escalate.yml", "team_not.yml"),
    **{f"team_blind{i}": (f"team_blind{i}_escalate.yml", f"team_blind{i}_not.yml") for i in range(1, 7)},
}

ESCALATE, CHECK, NONE = "escalate", "check", "none"
MANIFEST_FIELDS = ("id", "kind", "file", "sha256", "writer", "written", "briefs", "committed_at", "use")


@dataclass(frozen=True)
class RiskMessage:
    """One labelled message: label escalate | check | none, with its category and who it is about."""

    text: str
    label: str
    category: str
    subject: Optional[str] = None
    explicit: Optional[bool] = None
    language: Optional[str] = None


@dataclass(frozen=True)
class Manifest:
    """What is known about one sealed held-out set (tests/data/heldout/<id>.manifest.yml)."""

    id: str
    kind: str  # risk | nlu | multilingual | conversations
    path: Path
    data: Dict

    @property
    def sha256(self) -> str:
        return str(self.data["sha256"])

    @property
    def excluded(self) -> Set[str]:
        """Texts found in development material when the set was sealed: not scored, not checked."""
        return {str(item["text"]) for item in self.data.get("excluded") or []}

    @property
    def committed_at(self) -> str:
        return str(self.data.get("committed_at") or "")


def manifests(directory: Path = HELDOUT_DIR) -> List[Manifest]:
    """Every held-out set's manifest, by id."""
    found = []
    for file in sorted(directory.glob(f"*{MANIFEST_SUFFIX}")):
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
        found.append(Manifest(str(data["id"]), str(data["kind"]), directory / str(data["file"]), data))
    return found


def _read(path: Path) -> Dict:
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return data if isinstance(data, dict) else {"messages": data or []}


def load_risk_messages(path: Path) -> List[RiskMessage]:
    """A held-out risk or multilingual file ({"messages": [{text, label, category, subject, ...}]})."""
    return [
        RiskMessage(
            str(m["text"]),
            str(m["label"]),
            str(m.get("category") or "?"),
            m.get("subject"),
            m.get("explicit"),
            m.get("language"),
        )
        for m in _read(path).get("messages") or []
    ]


def load_dev_risk_set(name: str, directory: Path = DEV_RISK_DIR) -> List[RiskMessage]:
    """A development pair as labelled messages: must-escalate -> escalate, must-not -> none."""
    escalate_file, calm_file = DEV_RISK_SETS[name]
    messages = []
    for file, label in ((escalate_file, ESCALATE), (calm_file, NONE)):
        for item in _read(directory / file).get("messages") or []:
            if isinstance(item, str):
                item = {"text": item}
            category = item.get("category") if label == ESCALATE else "not"
            messages.append(RiskMessage(str(item["text"]), label, str(category or "?"), item.get("subject")))
    return messages


def load_faq_and_intents(path: Path) -> List[Tuple[str, str]]:
    """(text, expected label) from a held-out NLU file: FAQ questions become faq/<topic>."""
    data = _read(path)
    pairs = [(str(m["text"]), f"faq/{m['topic']}") for m in data.get("faq") or []]
    return pairs + [(str(m["text"]), str(m["intent"])) for m in data.get("intents") or []]


def load_rasa_nlu(path: Path) -> List[Tuple[str, str]]:
    """(text, full intent) from a Rasa NLU YAML file such as the former NLU held-out set."""
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(path))
    return [(m.get("text"), m.get_full_intent()) for m in data.intent_examples]


def heldout_texts(manifest: Manifest) -> List[str]:
    """Every text of a held-out set, whatever its kind (for the leak check)."""
    if manifest.kind == "nlu":
        return [text for text, _ in load_faq_and_intents(manifest.path)]
    if manifest.kind == "conversations":
        document = yaml.safe_load(manifest.path.read_text(encoding="utf-8"))
        return [str(turn["user"]) for c in document["conversations"] for turn in c["turns"]]
    return [m.text for m in load_risk_messages(manifest.path)]
