"""The learned risk model for messages in other languages: character n-grams that work across scripts.

The crisis phrases of languages.yml are exact: a stranger's wording ("I wrote letters to mum and my sister,
tomorrow I won't be a problem") has none of them. This model learns from the multilingual corpus
(corpus/risk_languages/, several independent writers) and the English corpus (corpus/risk/, which teaches
what everyday English looks like inside a mixed or romanised message), labels escalate / check / none:

* `general`: escalate / check / none;
* `category`: suicide / self_harm / overdose / abuse / danger, for the escalation payload;
* `language`: which corpus language (or "en") the letters look like, so romanised Urdu, Bengali, Arabic and
  Punjabi, which a language detector reads as English, are still judged here.

Unlike the English model (bot/nlu/risk/model.py) the text is not passed through `directory.text.normalise`,
which strips every combining mark (the vowel signs of Bengali, Gujarati, Tamil, Gurmukhi and Devanagari):
accents are dropped only from Latin letters ("chcę" and "chce" read the same, people type both); and
messages are not counted in words (Chinese has no spaces). Plain scikit-learn, CPU only, nothing downloaded.
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

import yaml
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_union

from bot.nlu.risk.model import CATEGORIES, CHECK, ESCALATE, LABELS, NONE, Example

ENGLISH = "en"
#: Regularisation of the heads (chosen by writer held out: tools/eval_risk_languages.py).
REGULARISATION = 8.0
#: Fewer letters than this (in any script) carry too little to judge: "ok", "15", an emoji.
MIN_LETTERS = 4
_PUNCTUATION = "".join(sorted(set(string.punctuation) | set("¿¡،؟।॥，。！？、“”„‟«»‹›…–—’‘")))
_SPACES = re.compile(r"\s+")
__all__ = ["CHECK", "ESCALATE", "NONE", "LanguageRiskModel", "LanguageScores", "fold_scripts"]


@dataclass(frozen=True)
class LanguageScores:
    """What the model thinks of one message."""

    escalate: float
    check: float
    none: float
    category: str
    language: str  # the corpus language the letters look most like ("en" for English)
    language_confidence: float


def _is_latin(char: str) -> bool:
    return unicodedata.name(char, "").startswith("LATIN")


def fold_scripts(text: str) -> str:
    """Lower case and compatibility forms; accents dropped from Latin letters only (combining marks of other
    scripts are vowel signs, part of the word); digits kept; punctuation a space."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    kept: List[str] = []
    base_is_latin = False
    for char in decomposed:
        if unicodedata.combining(char):
            if not base_is_latin:
                kept.append(char)
            continue
        base_is_latin = _is_latin(char)
        kept.append(" " if char in _PUNCTUATION else char)
    return _SPACES.sub(" ", unicodedata.normalize("NFC", "".join(kept))).strip()


def letters(text: str) -> int:
    """How many letters (any script) a message has."""
    return sum(ch.isalpha() for ch in text)


def long_enough(text: str) -> bool:
    return letters(text) >= MIN_LETTERS


@dataclass(frozen=True)
class LanguageExample:
    """One labelled message with the language it is written in."""

    example: Example
    language: str


def load_language_corpus(source: Path) -> List[LanguageExample]:
    """Every message of one writer's file (with a `language` field each), or of every file in a folder."""
    found: List[LanguageExample] = []
    for path in sorted(source.glob("*.yml")) if source.is_dir() else [source]:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        writer = str(document["writer"])
        for item in document["messages"]:
            if item["label"] not in LABELS:
                raise ValueError(f"{path.name}: unknown label {item['label']!r}")
            example = Example(
                text=str(item["text"]),
                label=str(item["label"]),
                category=str(item["category"]),
                writer=writer,
                subject=str(item.get("subject") or "self"),
                explicit=bool(item.get("explicit")),
            )
            found.append(LanguageExample(example, str(item.get("language") or ENGLISH)))
    return found


def english(examples: Iterable[Example]) -> List[LanguageExample]:
    return [LanguageExample(e, ENGLISH) for e in examples]


def _features() -> object:
    return make_union(
        TfidfVectorizer(
            analyzer="char_wb", ngram_range=(1, 4), min_df=2, sublinear_tf=True, preprocessor=fold_scripts
        ),
        TfidfVectorizer(
            analyzer="word",
            ngram_range=(1, 2),
            min_df=1,
            sublinear_tf=True,
            preprocessor=fold_scripts,
            tokenizer=str.split,
            token_pattern=None,
            lowercase=False,
        ),
    )


def _head(
    features: object,
    texts: Sequence[str],
    labels: Sequence[object],
    weights: Optional[Sequence[float]] = None,
) -> LogisticRegression:
    """A logistic regression on the shared features: classes balanced, or the given sample weights."""
    head = LogisticRegression(
        C=REGULARISATION, max_iter=3000, class_weight=None if weights is not None else "balanced"
    )
    return head.fit(features.transform(list(texts)), list(labels), sample_weight=weights)  # type: ignore[attr-defined]


def balanced_within_language(examples: Sequence["LanguageExample"]) -> List[float]:
    """Sample weights that give each label the same weight inside each language (and each language its own
    size): the writers wrote about 60% risk in every language, and without this the model learns that a
    language is risky, and "my son is 13, where can we get help?" in Polish escalates."""
    counts = Counter((e.language, e.example.label) for e in examples)
    sizes = Counter(e.language for e in examples)
    labels = {language: sum(1 for (code, _) in counts if code == language) for language in sizes}
    return [
        sizes[e.language] / (labels[e.language] * counts[(e.language, e.example.label)]) for e in examples
    ]


class LanguageRiskModel:
    """One featuriser and three heads (see the module docstring)."""

    def __init__(
        self,
        features: object,
        general: LogisticRegression,
        category: LogisticRegression,
        language: LogisticRegression,
    ) -> None:
        self.features = features
        self.general = general
        self.category = category
        self.language = language
        self._general_index = {label: i for i, label in enumerate(general.classes_)}

    @classmethod
    def train(cls, examples: Sequence[LanguageExample]) -> "LanguageRiskModel":
        texts = [e.example.text for e in examples]
        features = _features()
        features.fit(texts)  # type: ignore[attr-defined]
        general = _head(
            features, texts, [e.example.label for e in examples], balanced_within_language(examples)
        )
        risky = [e for e in examples if e.example.label == ESCALATE and e.example.category in CATEGORIES]
        category = _head(features, [e.example.text for e in risky], [e.example.category for e in risky])
        # Broken English ("en-broken") is English to the language head: the English pipeline judges it.
        language = _head(
            features, texts, [ENGLISH if e.language.startswith(ENGLISH) else e.language for e in examples]
        )
        return cls(features, general, category, language)

    def scores(self, text: str) -> LanguageScores:
        row = self.features.transform([text])  # type: ignore[attr-defined]
        probabilities = self.general.predict_proba(row)[0]
        by_label: Dict[str, float] = {
            label: float(probabilities[index]) for label, index in self._general_index.items()
        }
        languages = self.language.predict_proba(row)[0]
        best = int(languages.argmax())
        return LanguageScores(
            escalate=by_label.get(ESCALATE, 0.0),
            check=by_label.get(CHECK, 0.0),
            none=by_label.get(NONE, 0.0),
            category=str(self.category.predict(row)[0]),
            language=str(self.language.classes_[best]),
            language_confidence=float(languages[best]),
        )


def writer_splits(
    examples: Sequence[LanguageExample],
) -> Iterable[Tuple[str, List[LanguageExample], List[LanguageExample]]]:
    """(held-out writer, training examples, test examples) for each writer of the multilingual corpus."""
    for writer in sorted({e.example.writer for e in examples if e.language != ENGLISH}):
        yield (
            writer,
            [e for e in examples if e.example.writer != writer],
            [e for e in examples if e.example.writer == writer],
        )
