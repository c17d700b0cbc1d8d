"""The learned second opinion beside the risk rules: a linear model on character and word n-grams.

The rules (bot/nlu/risk/detector.py) are certain about plain statements but levelled off near 75% recall on
strangers' indirect wording, and they fire on recovery stories, negation, schoolwork and teaching. Three
small models learn from the risk corpus (corpus/risk/, several independent writers, labels escalate /
check / none):

* `general`: escalate / check / none for any message, so indirect risk the rules miss is caught;
* `veto`: trained only on messages the rules fire on, it says when a rule hit is a harmless use of risk
  words ("two years clean from self harm", "not suicidal, just stressed about exams");
* `category`: suicide / self_harm / overdose / abuse / danger, for escalations the rules did not name.

Plain scikit-learn (shipped with Rasa), CPU only, under a millisecond per message, nothing downloaded.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, Iterable, List, Optional, Sequence, Tuple

import yaml
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline, make_union

from directory.text import normalise

ESCALATE, CHECK, NONE = "escalate", "check", "none"
LABELS = (ESCALATE, CHECK, NONE)
CATEGORIES = ("suicide", "self_harm", "overdose", "abuse", "danger")
#: Regularisation of every model (measured by writer held out: tools/eval_risk_writers.py).
REGULARISATION = 4.0
#: Messages of fewer words are left to the rules: a form answer ("myself", "not saying", "self harm" as a
#: teacher's answer to "what are the concerns?") carries too little for the models to judge.
MIN_WORDS = 3
#: The NLU training data's risk intents (data/nlu/crisis.yml); every other intent's examples are everyday.
NLU_RISK_INTENTS = ("crisis", "safeguarding")


@dataclass(frozen=True)
class Example:
    """One labelled message of the corpus."""

    text: str
    label: str
    category: str
    writer: str
    subject: str = "self"
    explicit: bool = False


@dataclass(frozen=True)
class Scores:
    """What the models think of one message."""

    escalate: float
    check: float
    none: float
    veto: float  # probability that a rule hit on this message is a harmless use of risk words
    category: str


def load_corpus(source: Path) -> List[Example]:
    """Every message of one writer's YAML file, or of every such file in a folder (sorted, so training is
    stable)."""
    examples: List[Example] = []
    for path in sorted(source.glob("*.yml")) if source.is_dir() else [source]:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        writer = str(document["writer"])
        for item in document["messages"]:
            label = item["label"]
            if label not in LABELS:
                raise ValueError(f"{path.name}: unknown label {label!r}")
            examples.append(
                Example(
                    text=str(item["text"]),
                    label=label,
                    category=str(item["category"]),
                    writer=writer,
                    subject=str(item.get("subject") or "self"),
                    explicit=bool(item.get("explicit")),
                )
            )
    return examples


def nlu_examples(pairs: Iterable[Tuple[str, str]]) -> List[Example]:
    """The NLU training data as examples for the general model: (text, intent) pairs.

    Most of it is what people type to the signposting form (ages, places, worries, questions), which the
    writers' corpus has little of; without it the models read "15, hackney, feeling low" as distress.
    """
    return [
        Example(text=text, label=ESCALATE if intent in NLU_RISK_INTENTS else NONE, category="", writer="nlu")
        for text, intent in pairs
    ]


def long_enough(text: str) -> bool:
    """Whether the models may judge this message (see MIN_WORDS)."""
    return len(text.split()) >= MIN_WORDS


def corpus_digest(paths: Iterable[Path]) -> str:
    """A hash of the files a model is trained from, so a changed corpus or lexicon retrains it."""
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _features() -> object:
    return make_union(
        TfidfVectorizer(
            analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True, preprocessor=normalise
        ),
        TfidfVectorizer(
            analyzer="word",
            ngram_range=(1, 2),
            sublinear_tf=True,
            preprocessor=normalise,
            token_pattern=r"[a-z0-9']+",
        ),
    )


def _fit(texts: Sequence[str], labels: Sequence[object]) -> Pipeline:
    model = make_pipeline(
        _features(), LogisticRegression(C=REGULARISATION, max_iter=3000, class_weight="balanced")
    )
    return model.fit(list(texts), list(labels))


class RiskModel:
    """The three fitted models; `scores` is all a caller needs."""

    def __init__(self, general: Pipeline, veto: Optional[Pipeline], category: Pipeline) -> None:
        self.general = general
        self.veto = veto
        self.category = category
        self._general_index = {label: i for i, label in enumerate(general.classes_)}

    @classmethod
    def train(
        cls, examples: Sequence[Example], rule_hit: Callable[[str], bool], nlu: Sequence[Example] = ()
    ) -> "RiskModel":
        """Fit on the corpus `examples` (and the `nlu` examples, for the general model only: the veto model
        learns harmless uses of risk words from the writers alone); `rule_hit` tells which messages the
        rules fire on."""
        everything = [*examples, *nlu]
        general = _fit([e.text for e in everything], [e.label for e in everything])
        hits = [e for e in examples if e.label != CHECK and rule_hit(e.text)]
        labels = {e.label for e in hits}
        veto = _fit([e.text for e in hits], [e.label == NONE for e in hits]) if len(labels) == 2 else None
        risky = [e for e in examples if e.label == ESCALATE and e.category in CATEGORIES]
        category = _fit([e.text for e in risky], [e.category for e in risky])
        return cls(general, veto, category)

    def scores(self, text: str) -> Scores:
        probabilities = self.general.predict_proba([text])[0]
        by_label: Dict[str, float] = {
            label: float(probabilities[index]) for label, index in self._general_index.items()
        }
        veto = float(self.veto.predict_proba([text])[0][1]) if self.veto is not None else 0.0
        return Scores(
            escalate=by_label.get(ESCALATE, 0.0),
            check=by_label.get(CHECK, 0.0),
            none=by_label.get(NONE, 0.0),
            veto=veto,
            category=str(self.category.predict([text])[0]),
        )


def writer_splits(examples: Sequence[Example]) -> Iterable[Tuple[str, List[Example], List[Example]]]:
    """(held-out writer, training examples, test examples) for each writer: how it does on strangers."""
    for writer in sorted({e.writer for e in examples}):
        yield (
            writer,
            [e for e in examples if e.writer != writer],
            [e for e in examples if e.writer == writer],
        )
