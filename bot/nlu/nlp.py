"""One shared blank English spaCy pipeline.

No pretrained spaCy model can be downloaded here, so every rule-based component works on the tokenizer of
`spacy.blank("en")`. Creating it costs ~0.3 s and some memory, so all components share one instance.
"""

from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language


@lru_cache(maxsize=1)
def blank_english() -> Language:
    """The shared tokenizer-only English pipeline (created on first use, never at import time)."""
    return spacy.blank("en")
