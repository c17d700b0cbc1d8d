"""Concept rules: escalate on ideas found together, whatever order and wording they come in.

The phrase patterns in `patterns:` match fixed word sequences, which generalise only as far as their
author imagined the wording. Concepts are named phrase families (`concepts:` in the lexicon: INGEST,
QUANTITY, MEDICINE, SHARP_TOOL, BODY_PART, THREAT_FRAME ...) found by the same spaCy matchers in the same
pass. A concept rule (`concept_rules:`) fires when one concept of each of its terms is found close together
("swallowed" + "a handful" + "epilepsy meds", in any order, within a window, in one sentence). A strong
concept can be a rule on its own; weaker ones need a partner. `unless` concepts (shaving, a correct dose,
a sports team) veto a combination they sit next to, and the lexicon's exceptions (hyperbole, grief, talk
about a film) remove any concept span they overlap, exactly as they suppress phrase patterns.

Pure functions over token offsets: no spaCy objects, no text is ever logged.
"""

from __future__ import annotations

from typing import Dict, Iterable, List, Optional, Sequence, Tuple

from bot.nlu.risk.lexicon import ConceptRule

Span = Tuple[int, int]
#: How far (in tokens) beyond a combination an `unless` concept still vetoes it, unless the rule says
#: otherwise (`reach:`). Far enough for "no food in the house, mum's going shopping later", near enough that
#: a word about swimming at the start of a long run-on message does not hide a plan at its end.
UNLESS_REACH = 6
END = "."


def sentence_ids(words: Sequence[str]) -> List[int]:
    """Sentence number of each token; a "." token ends a sentence (it belongs to the one it ends)."""
    ids, current = [], 0
    for word in words:
        ids.append(current)
        if word == END:
            current += 1
    return ids


def minor_age(values: Sequence[Optional[int]]) -> bool:
    """A number that reads as a child's age (5 to 17) somewhere in the span."""
    return any(v is not None and 5 <= v <= 17 for v in values)


def adult_age(values: Sequence[Optional[int]]) -> bool:
    """A number that reads as an adult's age (18 to 79) somewhere in the span."""
    return any(v is not None and 18 <= v <= 79 for v in values)


#: Checks a concept can carry (lexicon `check:`), applied to the numbers inside each span.
CHECKS = {"minor": minor_age, "adult": adult_age}


def _nearest(candidates: Iterable[Span], lo: int, hi: int, after: Optional[int]) -> Optional[Span]:
    """The candidate that widens [lo, hi) the least (starting at or after `after` when ordered)."""
    best: Optional[Span] = None
    best_width = None
    for span in candidates:
        if after is not None and span[0] < after:
            continue
        width = max(hi, span[1]) - min(lo, span[0])
        if best_width is None or width < best_width:
            best, best_width = span, width
    return best


def combine(
    rule: ConceptRule, spans: Dict[str, List[Span]], sentences: Sequence[int]
) -> List[Tuple[int, int, Tuple[Span, ...]]]:
    """Every combination of the rule's terms, anchored on each span of the first term: (start, end, parts).

    For each anchor the nearest span of every other term is taken (in order when `ordered`), within one
    sentence when the rule says so; the combination counts when it fits in `window` tokens. The parts never
    overlap: each term must be its own piece of evidence ("on the edge" cannot be both a high place and
    being at its edge).
    """
    term_spans: List[List[Span]] = []
    for term in rule.terms:
        found = sorted({s for name in term for s in spans.get(name, ())})
        if not found:
            return []
        term_spans.append(found)
    results = []
    seen = set()
    for anchor in term_spans[0]:
        parts = [anchor]
        lo, hi = anchor
        sentence = sentences[anchor[0]]
        for candidates in term_spans[1:]:
            pool = [
                s
                for s in candidates
                if not rule.sentence or (sentences[s[0]] == sentence and sentences[s[1] - 1] == sentence)
            ]
            pool = [s for s in pool if not any(s[0] < e and b < s[1] for b, e in parts)]
            span = _nearest(pool, lo, hi, parts[-1][0] if rule.ordered else None)
            if span is None:
                break
            parts.append(span)
            lo, hi = min(lo, span[0]), max(hi, span[1])
        else:
            if hi - lo <= rule.window and (lo, hi) not in seen:
                seen.add((lo, hi))
                results.append((lo, hi, tuple(parts)))
    return results


def vetoed(
    rule: ConceptRule, lo: int, hi: int, spans: Dict[str, List[Span]], sentences: Sequence[int]
) -> bool:
    """True when an `unless` concept of the rule sits in the combination's sentence, near it."""
    if not rule.unless:
        return False
    first, last = sentences[lo], sentences[hi - 1]
    reach = UNLESS_REACH if rule.reach is None else rule.reach
    for name in rule.unless:
        for start, end in spans.get(name, ()):
            if start < hi + reach and lo - reach < end and first <= sentences[start] <= last:
                return True
    return False
