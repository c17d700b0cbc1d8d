"""The learned second opinion beside the risk rules: a linear model on character and word n-grams.

The rules (bot/nlu/risk/detector.py) are certain about plain statements but levelled off near 75% recall on
strangers' indirect wording, and they fire on recovery stories, negation, schoolwork and teaching. Three
small models learn from the risk corpus (corpus/risk/, several independent writers, labels escalate /
check / none):

* `general`: escalate / check / none for any message, so indirect risk the rules miss is caught;
* `veto`: trained only on messages the rules fire on, it says when a rule hit is a harmless use of risk
  words ("two years clean from self harm", "not suicidal, just stressed about exams");
* `category`: suicide / self_harm / overdose / abuse / danger, for escalations the rules did not name;
* `decision` (bot/nlu/risk/stacking.py): weighs a rule hit, the scores above and the context cues, fitted
  on out-of-fold scores, and gives the probabilities the decision (decision.py) uses.

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
from sklearn.pipeline import make_union

from bot.nlu.risk.context import ContextCues, default_cues
from bot.nlu.risk.stacking import FOLDS, DecisionModel, Features, features, fold_of
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
    #: From the learned decision (None without one): a full escalation, and at least the safety question.
    full: Optional[float] = None
    caught: Optional[float] = None
    #: Kinds of context around the words (bot/nlu/risk/context.py).
    context: Tuple[str, ...] = ()


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


def _head(features: object, texts: Sequence[str], labels: Sequence[object]) -> LogisticRegression:
    """One logistic regression on the shared features (balanced: the classes are of unequal size)."""
    head = LogisticRegression(C=REGULARISATION, max_iter=3000, class_weight="balanced")
    return head.fit(features.transform(list(texts)), list(labels))  # type: ignore[attr-defined]


class RiskModel:
    """One featuriser and three heads; `scores` featurises a message once and is all a caller needs."""

    def __init__(
        self,
        features: object,
        general: LogisticRegression,
        veto: Optional[LogisticRegression],
        category: LogisticRegression,
        decision: Optional[DecisionModel] = None,
        cues: Optional[ContextCues] = None,
    ) -> None:
        self.features = features
        self.general = general
        self.veto = veto
        self.category = category
        self.decision = decision
        self.cues = cues or default_cues()
        self._general_index = {label: i for i, label in enumerate(general.classes_)}

    @classmethod
    def train(
        cls,
        examples: Sequence[Example],
        rule_of: Callable[[str], Optional[str]],
        nlu: Sequence[Example] = (),
        decision: bool = True,
    ) -> "RiskModel":
        """Fit on the corpus `examples` (and the `nlu` examples, for the general model only: the veto model
        learns harmless uses of risk words from the writers alone); `rule_of` gives the category of the
        rules' hit on a message, or None. With `decision`, also fit the learned decision on out-of-fold
        scores (FOLDS more fits of the three models)."""
        model = cls._fit(examples, lambda text: rule_of(text) is not None, nlu)
        if decision:
            model.decision = DecisionModel.fit(out_of_fold(examples, rule_of, nlu, model.cues))
        return model

    @classmethod
    def _fit(
        cls, examples: Sequence[Example], rule_hit: Callable[[str], bool], nlu: Sequence[Example]
    ) -> "RiskModel":
        everything = [*examples, *nlu]
        features = _features()
        features.fit([e.text for e in everything])  # type: ignore[attr-defined]
        general = _head(features, [e.text for e in everything], [e.label for e in everything])
        hits = [e for e in examples if e.label != CHECK and rule_hit(e.text)]
        labels = {e.label for e in hits}
        veto = (
            _head(features, [e.text for e in hits], [e.label == NONE for e in hits])
            if len(labels) == 2
            else None
        )
        risky = [e for e in examples if e.label == ESCALATE and e.category in CATEGORIES]
        category = _head(features, [e.text for e in risky], [e.category for e in risky])
        return cls(features, general, veto, category)

    def scores(self, text: str, rule_category: Optional[str] = None) -> Scores:
        """What the models think of `text`, given the category of the rules' hit on it (None: no hit)."""
        base = self._base_scores(text)
        if self.decision is None:
            return base
        context = self.cues.find(text)
        full, caught = self.decision.predict(
            features(rule_category, base.escalate, base.check, base.veto, context)
        )
        return Scores(base.escalate, base.check, base.none, base.veto, base.category, full, caught, context)

    def _base_scores(self, text: str) -> Scores:
        row = self.features.transform([text])  # type: ignore[attr-defined]
        probabilities = self.general.predict_proba(row)[0]
        by_label: Dict[str, float] = {
            label: float(probabilities[index]) for label, index in self._general_index.items()
        }
        veto = float(self.veto.predict_proba(row)[0][1]) if self.veto is not None else 0.0
        return Scores(
            escalate=by_label.get(ESCALATE, 0.0),
            check=by_label.get(CHECK, 0.0),
            none=by_label.get(NONE, 0.0),
            veto=veto,
            category=str(self.category.predict(row)[0]),
        )


def out_of_fold(
    examples: Sequence[Example],
    rule_of: Callable[[str], Optional[str]],
    nlu: Sequence[Example],
    cues: ContextCues,
) -> List[Tuple[Features, str]]:
    """The learned decision's training rows: each writer's messages scored by models that never saw that
    writer (FOLDS groups of writers). Messages too short for the models are left to the rules."""
    folds = fold_of([e.writer for e in examples])
    rows: List[Tuple[Features, str]] = []
    for fold in range(FOLDS):
        train = [e for e in examples if folds[e.writer] != fold]
        test = [e for e in examples if folds[e.writer] == fold and long_enough(e.text)]
        if not train or not test:
            continue
        model = RiskModel._fit(train, lambda text: rule_of(text) is not None, nlu)
        for e in test:
            s = model._base_scores(e.text)
            rows.append((features(rule_of(e.text), s.escalate, s.check, s.veto, cues.find(e.text)), e.label))
    return rows


def writer_splits(examples: Sequence[Example]) -> Iterable[Tuple[str, List[Example], List[Example]]]:
    """(held-out writer, training examples, test examples) for each writer: how it does on strangers."""
    for writer in sorted({e.writer for e in examples}):
        yield (
            writer,
            [e for e in examples if e.writer != writer],
            [e for e in examples if e.writer == writer],
        )
