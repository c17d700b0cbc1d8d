"""The language gate's decision for one message, from the crisis phrases, the detector and the learned model.

* A crisis phrase of any language escalates (its category and language), as before.
* The learned model (bot/nlu/language/model.py) judges a message when the detector reads it as another
  language, or when the detector says English or cannot tell (romanised Urdu, Bengali, Arabic, Punjabi; an
  unknown script such as Ge'ez) but the model's own language head is sure (`romanised`) that it is not
  English. Then `escalate >= full` escalates with the model's category. There is no safety question in
  other languages: the other-language reply names 999 and 111 itself, so the threshold is lower than the
  English model's full-escalation one.
* A message in another language that does not escalate still gets the reply in that language (999, 111,
  an interpreter): `foreign` is set; `language` is the code for the reply when the domain has that language.

Thresholds chosen by writer held out: python -m tools.eval_risk_languages --grid.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import FrozenSet, Optional, Sequence

from bot.nlu.language.detect import default_identifier
from bot.nlu.language.lexicon import PhraseHit, load_languages
from bot.nlu.language.model import ENGLISH, LanguageScores, long_enough


@dataclass(frozen=True)
class GateThresholds:
    full: float = 0.4  # the model's escalate probability from which a message in another language escalates
    romanised: float = 0.8  # the language head's confidence from which an "English" message is judged here


@dataclass(frozen=True)
class GateVerdict:
    category: Optional[str]  # a risk category: escalate
    language: Optional[str]  # the code for the reply's language (languages.yml), if known
    foreign: bool  # another language: the other-language reply when it does not escalate


@lru_cache(maxsize=1)
def known_languages() -> FrozenSet[str]:
    return frozenset(load_languages().languages)


def gate_verdict(
    hits: Sequence[PhraseHit],
    detected: Optional[str],
    scores: Optional[LanguageScores],
    thresholds: GateThresholds,
    text: str = "",
) -> GateVerdict:
    """What the gate does with one message (`hits` from the phrase matcher, `detected` from the detector,
    `scores` from the model or None)."""
    risk = next((hit for hit in hits if hit.category), None)
    asked = next((hit.language for hit in hits if hit.category is None), None)
    detected_foreign = detected not in (ENGLISH, None)
    model_foreign = (
        scores is not None
        and scores.language != ENGLISH
        and scores.language_confidence >= thresholds.romanised
        and (not text or (long_enough(text) and not default_identifier().looks_english(text)))
    )
    judged = scores is not None and (detected_foreign or model_foreign)
    category: Optional[str] = risk.category if risk else None
    if category is None and judged and scores is not None and scores.escalate >= thresholds.full:
        category = scores.category
    model_language = scores.language if model_foreign and scores is not None else None
    language = next(
        (
            code
            for code in (
                risk.language if risk else None,
                detected if detected_foreign else None,
                model_language,
                asked,
            )
            if code and code in known_languages()
        ),
        None,
    )
    foreign = bool(risk or detected_foreign or model_foreign or asked)
    return GateVerdict(category, language, foreign)
