"""The crisis and safeguarding detector: text in, `RiskResult` (or None) out. Usable without Rasa.

Rules, not a model, make the escalation decision: a young person who types "i wanna kms" must be helped
from any point in the conversation, and a rule can be read, tested and reasoned about by a safeguarding
lead. The rules are spaCy Matcher/PhraseMatcher patterns compiled from `bot/lexicons/risk.yml` and run
over canonical tokens (`bot.risk.canon`). Exceptions (hyperbole, grief, talk about a film) suppress only
the risk matches they overlap. Only pattern ids are ever logged, and only at DEBUG: never message text.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Sequence, Set, Tuple

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from bot.nlp import blank_english
from bot.risk.anchors import AnchoredMatcher
from bot.risk.canon import Canonicaliser
from bot.risk.concepts import Span, combine, minor_age, sentence_ids, vetoed
from bot.risk.lexicon import (ConceptRule, ExceptionRule, Lexicon, RiskPattern, compile_pattern, literal_phrase,
                              load_lexicon)
from bot.risk.subject import OTHER, SELF, SubjectWords, resolve_subject

logger = logging.getLogger(__name__)

#: Messages longer than this (after normalisation) are scanned in overlapping windows, so the cost per
#: window stays bounded and a risk phrase near the end of a long paste is still seen.
WINDOW_CHARS = 1200
WINDOW_OVERLAP = 200
#: Beyond this only the first and last MAX_CHARS / 2 characters are scanned: no chat message is that long,
#: scanning 100 000 dense characters takes the better part of a second (a way to stall the server), and a
#: disclosure in a paste tends to open or close it. The cut is logged as a WARNING with the length only.
MAX_CHARS = 20_000
_REFERENT = "__other_referent__"
_DISCOVERY = "__discovery_referent__"
_EXCEPTION_PREFIX = "__exception__:"
_CONCEPT_PREFIX = "__concept__:"


@dataclass(frozen=True)
class RiskResult:
    """One detection: what kind of help, about what, for whom, and which pattern ids fired."""

    escalation: str
    category: str
    subject: str
    pattern_ids: Tuple[str, ...]


@dataclass(frozen=True)
class Analysis:
    """A detection (or None) plus the exceptions seen, which the Rasa component uses to judge ML output."""

    result: Optional[RiskResult]
    exception_ids: Tuple[str, ...]
    suppressed_ids: Tuple[str, ...]

    @property
    def hyperbole(self) -> bool:
        """True when any exception (hyperbole, grief, topic talk, denial) matched anywhere."""
        return bool(self.exception_ids)


@dataclass(frozen=True)
class _Hit:
    pattern: RiskPattern
    start: int
    end: int


class RiskMatcher:
    """Compiled lexicon + spaCy matchers. Build once (from_lexicon), then call detect() per message."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        nlp = blank_english()
        self._vocab = nlp.vocab
        self._canon = Canonicaliser(lexicon, nlp)
        self._matcher = AnchoredMatcher(nlp.vocab, lexicon.sets.get("common_words", []))
        self._phrases = PhraseMatcher(nlp.vocab, attr="ORTH")
        self._patterns: Dict[str, RiskPattern] = {}
        self._exceptions: Dict[str, ExceptionRule] = {}
        for pattern, matches in lexicon.patterns:
            self._patterns[pattern.id] = pattern
            self._add(pattern.id, matches)
        for rule, matches in lexicon.exceptions:
            self._exceptions[_EXCEPTION_PREFIX + rule.id] = rule
            self._add(_EXCEPTION_PREFIX + rule.id, matches)
        self._concept_checks: Dict[str, Optional[str]] = {}
        for concept in lexicon.concepts:
            self._concept_checks[_CONCEPT_PREFIX + concept.name] = concept.check
            self._add(_CONCEPT_PREFIX + concept.name, concept.matches)
        self._rules: List[Tuple[ConceptRule, RiskPattern]] = [
            (rule, RiskPattern(rule.id, rule.category, rule.escalation, rule.subject)) for rule in lexicon.concept_rules]
        self._add(_REFERENT, lexicon.other_referents)
        self._add(_DISCOVERY, lexicon.discovery_referents)
        sets = lexicon.sets
        self._subject_words = SubjectWords(
            self_words=frozenset(sets.get("self_word", [])),
            other_words=frozenset(sets.get("other_pron", [])) | frozenset(sets.get("other_noun", [])),
            self_objects=frozenset(sets.get("self_object", [])),
            other_objects=frozenset(sets.get("other_object", [])),
            her_followers=frozenset(sets.get("her_followers", [])),
            recipient_verbs=frozenset(sets.get("recipient_verbs", [])),
            aggressor_words=frozenset(sets.get("aggressor_words", [])),
            determiners=frozenset(sets.get("determiners", [])),
            other_pronouns=frozenset(sets.get("other_pron", [])),
            possessives=frozenset(sets.get("possessives", [])),
        )
        self._priority = lexicon.priority

    @classmethod
    def from_lexicon(cls, path: Optional[Path] = None) -> "RiskMatcher":
        """Load and compile a lexicon file (default bot/lexicons/risk.yml)."""
        return cls(load_lexicon(path))

    def _add(self, key: str, matches: Sequence[str]) -> None:
        for text in matches:
            words = literal_phrase(text)
            if words is not None:
                self._phrases.add(key, [Doc(self._vocab, words=words)])
            else:
                self._matcher.add(key, compile_pattern(text, self.lexicon.sets))

    # ------------------------------------------------------------------ public API

    def detect(self, text: str) -> Optional[RiskResult]:
        """The risk in `text`, or None. Never logs the text."""
        return self.analyse(text).result

    def analyse(self, text: str) -> Analysis:
        """Detection plus the ids of exceptions seen and of risk patterns they suppressed."""
        prepared = self._canon.prepare(text if isinstance(text, str) else "")
        if len(prepared) > MAX_CHARS:
            logger.warning("risk detector: message of %d characters, scanning its first and last %d",
                           len(prepared), MAX_CHARS // 2)
            prepared = prepared[:MAX_CHARS // 2] + " . " + prepared[-(MAX_CHARS // 2):]
        hits: List[Tuple[_Hit, str]] = []
        exceptions: Set[str] = set()
        suppressed: Set[str] = set()
        seen: Set[str] = set()
        for window in _windows(prepared):
            if window in seen:  # a repeated stretch of a long paste adds nothing new
                continue
            seen.add(window)
            self._scan(window, hits, exceptions, suppressed)
        result = self._decide(hits)
        if result is not None:
            logger.debug("risk detected: %s/%s/%s by %s", result.escalation, result.category, result.subject,
                         ",".join(result.pattern_ids))
        if exceptions:
            logger.debug("risk exceptions: %s; suppressed %s", ",".join(sorted(exceptions)),
                         ",".join(sorted(suppressed)) or "-")
        return Analysis(result, tuple(sorted(exceptions)), tuple(sorted(suppressed)))

    def guess_subject(self, text: str) -> str:
        """Who a message is about when only the ML classifier saw risk: the last referent, else self."""
        words, _ = self._canon.tokens(self._canon.prepare(text)[-WINDOW_CHARS:])
        doc = Doc(self._vocab, words=words)
        other_mask = [False] * len(words)
        for key, start, end in self._matches(doc):
            if key == _REFERENT:
                for i in range(start, end):
                    other_mask[i] = True
        return resolve_subject(words, len(words), len(words), other_mask, self._subject_words)

    def tokens(self, text: str) -> List[str]:
        """The canonical tokens for `text` (for tests and lexicon work; never logged)."""
        return self._canon.tokens(self._canon.prepare(text))[0]

    # ------------------------------------------------------------------ internals

    def _matches(self, doc: Doc) -> List[Tuple[str, int, int]]:
        strings = self._vocab.strings
        return self._matcher(doc) + [(strings[m], s, e) for m, s, e in self._phrases(doc)]

    def _scan(self, prepared: str, hits: List[Tuple[_Hit, str]], exceptions: Set[str], suppressed: Set[str]) -> None:
        words, values = self._canon.tokens(prepared)
        doc = Doc(self._vocab, words=words)
        risk: List[_Hit] = []
        blocks: List[Tuple[ExceptionRule, int, int]] = []
        other_mask = [False] * len(words)
        discovery_mask = [False] * len(words)
        concepts: Dict[str, List[Span]] = {}
        for key, start, end in self._matches(doc):
            if key in self._concept_checks:
                check = self._concept_checks[key]
                if check == "minor" and not minor_age(values[start:end]):
                    continue
                concepts.setdefault(key[len(_CONCEPT_PREFIX):], []).append((start, end))
            elif key == _REFERENT:
                for i in range(start, end):
                    other_mask[i] = True
            elif key == _DISCOVERY:
                for i in range(start, end):
                    discovery_mask[i] = True
            elif key in self._exceptions:
                blocks.append((self._exceptions[key], start, end))
            else:
                pattern = self._patterns[key]
                if pattern.check == "age_gap" and not _age_gap(values[start:end]):
                    continue
                risk.append(_Hit(pattern, start, end))
        for rule, _, _ in blocks:
            exceptions.add(rule.id)
        for hit in risk:
            if any(_overlaps(hit, s, e) and (rule.suppresses is None or hit.pattern.category in rule.suppresses)
                   for rule, s, e in blocks):
                suppressed.add(hit.pattern.id)
                continue
            subject = hit.pattern.subject
            if subject in ("context", "victim", "context_end"):
                start = hit.end - 1 if subject == "context_end" else hit.start  # loose nets: judge by the risk word
                subject = resolve_subject(words, start, hit.end, other_mask, self._subject_words,
                                          harm_by_others=hit.pattern.escalation == "safeguarding",
                                          aggressor_first=subject == "victim", discovery_mask=discovery_mask)
            hits.append((hit, subject))
        if concepts and self._rules:
            self._apply_rules(words, concepts, blocks, other_mask, discovery_mask, hits)

    def _apply_rules(self, words: List[str], concepts: Dict[str, List[Span]],
                     blocks: List[Tuple[ExceptionRule, int, int]], other_mask: List[bool],
                     discovery_mask: List[bool], hits: List[Tuple[_Hit, str]]) -> None:
        """Concept rules (bot/risk/concepts.py) on the concept spans of one window."""
        sentences = sentence_ids(words)
        usable: Dict[str, Dict[str, List[Span]]] = {}
        for rule, pattern in self._rules:
            spans = usable.get(rule.category)
            if spans is None:  # exceptions remove the concept spans they overlap, per category
                spans = usable[rule.category] = {
                    name: kept for name, found in concepts.items()
                    for kept in [[(s, e) for s, e in found if not any(
                        bs < e and s < be and (r.suppresses is None or rule.category in r.suppresses)
                        for r, bs, be in blocks)]] if kept}
            for lo, hi, parts in combine(rule, spans, sentences):
                if vetoed(rule, lo, hi, concepts, sentences):
                    continue
                hits.append((_Hit(pattern, lo, hi), self._rule_subject(rule, words, lo, hi, parts, other_mask,
                                                                       discovery_mask)))

    def _rule_subject(self, rule: ConceptRule, words: List[str], lo: int, hi: int, parts: Tuple[Span, ...],
                      other_mask: List[bool], discovery_mask: List[bool]) -> str:
        if rule.subject in (SELF, OTHER):
            return rule.subject
        sw = self._subject_words
        if rule.victim_term is not None:
            start, end = parts[rule.victim_term]
            for i in range(start, end):
                if other_mask[i] or words[i] in sw.other_objects:
                    return OTHER
                if words[i] in sw.self_objects or words[i] in ("my", "our", "i", "we"):
                    return SELF
        start = hi - 1 if rule.subject == "context_end" else lo
        return resolve_subject(words, start, hi, other_mask, sw,
                               harm_by_others=rule.escalation == "safeguarding",
                               aggressor_first=rule.subject == "victim", discovery_mask=discovery_mask)

    def _decide(self, hits: List[Tuple[_Hit, str]]) -> Optional[RiskResult]:
        """The speaker's own risk first, then the most urgent category (order of `categories`)."""
        if not hits:
            return None
        subject = SELF if any(s == SELF for _, s in hits) else OTHER
        chosen = [h for h, s in hits if s == subject]
        category = min((h.pattern.category for h in chosen), key=self._priority.__getitem__)
        ids = tuple(sorted({h.pattern.id for h, _ in hits}))
        return RiskResult(self.lexicon.categories[category], category, subject, ids)


def _overlaps(hit: _Hit, start: int, end: int) -> bool:
    return hit.start < end and start < hit.end


def _age_gap(values: Sequence[Optional[int]]) -> bool:
    """An adult (18+) and a child under 16 in the same sentence."""
    ages = [v for v in values if v is not None]
    return bool(ages) and max(ages) >= 18 and min(ages) < 16


def _windows(text: str) -> Iterator[str]:
    """The whole text when short; else overlapping windows cut at spaces, so no phrase is split unseen."""
    if len(text) <= WINDOW_CHARS:
        yield text
        return
    start = 0
    while start < len(text):
        end = min(len(text), start + WINDOW_CHARS)
        if end < len(text):
            space = text.rfind(" ", start + WINDOW_CHARS - WINDOW_OVERLAP, end)
            end = space if space > start else end
        yield text[start:end]
        if end >= len(text):
            break
        next_start = end - WINDOW_OVERLAP
        space = text.find(" ", next_start, end)
        start = space + 1 if space != -1 else next_start
