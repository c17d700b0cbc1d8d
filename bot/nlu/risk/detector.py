"""The crisis and safeguarding detector: text in, `RiskResult` (or None) out. Usable without Rasa.

Rules, not a model, make the escalation decision: a young person who types "i wanna kms" must be helped
from any point in the conversation, and a rule can be read, tested and reasoned about by a safeguarding
lead. The rules are spaCy Matcher/PhraseMatcher patterns compiled from `bot/nlu/lexicons/risk/` and run
over canonical tokens (`bot.nlu.risk.canon`). Exceptions (hyperbole, grief, talk about a film) suppress only
the risk matches they overlap. Only pattern ids are ever logged, and only at DEBUG: never message text.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, FrozenSet, Iterator, List, Optional, Sequence, Set, Tuple

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from bot.nlu.nlp import blank_english
from bot.nlu.risk.anchors import AnchoredMatcher
from bot.nlu.risk.canon import END, Canonicaliser
from bot.nlu.risk.concepts import CHECKS, Span, combine, sentence_ids, vetoed
from bot.nlu.risk.lexicon import (
    ConceptRule,
    ExceptionRule,
    Lexicon,
    RiskPattern,
    compile_pattern,
    literal_phrase,
    load_lexicon,
)
from bot.nlu.risk.subject import OTHER, SELF, UNSTATED, SubjectWords, resolve_subject

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
    #: Every entry that fired names a topic (RiskPattern.mention): no plain statement of risk was seen.
    mention_only: bool = False


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
        #: word -> keys of the patterns that are that one word (most concepts are word lists): a dict lookup
        #: per token is far cheaper than a Matcher call per hit.
        self._single: Dict[str, List[str]] = {}
        self._patterns: Dict[str, RiskPattern] = {}
        self._exceptions: Dict[str, ExceptionRule] = {}
        for pattern, matches in lexicon.patterns:
            self._patterns[pattern.id] = pattern
            self._add(pattern.id, matches)
        for exception, matches in lexicon.exceptions:
            self._exceptions[_EXCEPTION_PREFIX + exception.id] = exception
            self._add(_EXCEPTION_PREFIX + exception.id, matches)
        self._concept_checks: Dict[str, Optional[str]] = {}
        for concept in lexicon.concepts:
            self._concept_checks[_CONCEPT_PREFIX + concept.name] = concept.check
            self._add(_CONCEPT_PREFIX + concept.name, concept.matches)
        self._rules: List[Tuple[ConceptRule, RiskPattern, Tuple[FrozenSet[str], ...]]] = [
            (
                rule,
                RiskPattern(rule.id, rule.category, rule.escalation, rule.subject, mention=rule.mention),
                tuple(frozenset(term) for term in rule.terms),
            )
            for rule in lexicon.concept_rules
        ]
        #: concept -> indexes of the rules whose first term it can fill (the rules worth checking at all)
        self._rules_by_first: Dict[str, List[int]] = {}
        for index, (rule, _, _) in enumerate(self._rules):
            for name in rule.terms[0]:
                self._rules_by_first.setdefault(name, []).append(index)
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
        """Load and compile a lexicon folder or file (default bot/nlu/lexicons/risk/)."""
        return cls(load_lexicon(path))

    def _add(self, key: str, matches: Sequence[str]) -> None:
        """Single words go to a dict, plain phrases to the PhraseMatcher, the rest to the anchored Matcher."""
        for text in matches:
            words = literal_phrase(text)
            if words is not None and len(words) > 1:
                self._phrases.add(key, [Doc(self._vocab, words=words)])
                continue
            pattern = compile_pattern(text, self.lexicon.sets)
            single = _single_token(pattern)
            if single is not None:
                for word in single:
                    keys = self._single.setdefault(word, [])
                    if key not in keys:
                        keys.append(key)
                continue
            phrases = _as_phrases(pattern)
            if phrases is not None:
                self._phrases.add(key, [Doc(self._vocab, words=words) for words in phrases])
            else:
                self._matcher.add(key, pattern)

    # ------------------------------------------------------------------ public API

    def detect(self, text: str) -> Optional[RiskResult]:
        """The risk in `text`, or None. Never logs the text."""
        return self.analyse(text).result

    def analyse(self, text: str) -> Analysis:
        """Detection plus the ids of exceptions seen and of risk patterns they suppressed."""
        prepared = self._canon.prepare(text if isinstance(text, str) else "")
        if len(prepared) > MAX_CHARS:
            logger.warning(
                "risk detector: message of %d characters, scanning its first and last %d",
                len(prepared),
                MAX_CHARS // 2,
            )
            prepared = prepared[: MAX_CHARS // 2] + " . " + prepared[-(MAX_CHARS // 2) :]
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
            logger.debug(
                "risk detected: %s/%s/%s by %s",
                result.escalation,
                result.category,
                result.subject,
                ",".join(result.pattern_ids),
            )
        if exceptions:
            logger.debug(
                "risk exceptions: %s; suppressed %s",
                ",".join(sorted(exceptions)),
                ",".join(sorted(suppressed)) or "-",
            )
        return Analysis(result, tuple(sorted(exceptions)), tuple(sorted(suppressed)))

    def guess_subject(self, text: str) -> str:
        """Who a message is about when only the ML classifier saw risk: the last referent, else self."""
        words, _ = self._canon.tokens(self._canon.prepare(text)[-WINDOW_CHARS:])
        doc = Doc(self._vocab, words=words)
        other_mask = [False] * len(words)
        for key, start, end in self._matches(doc, words):
            if key == _REFERENT:
                for i in range(start, end):
                    other_mask[i] = True
        return resolve_subject(words, len(words), len(words), other_mask, self._subject_words)

    def tokens(self, text: str) -> List[str]:
        """The canonical tokens for `text` (for tests and lexicon work; never logged)."""
        return self._canon.tokens(self._canon.prepare(text))[0]

    # ------------------------------------------------------------------ internals

    def _matches(self, doc: Doc, words: Sequence[str]) -> List[Tuple[str, int, int]]:
        strings = self._vocab.strings
        single = self._single
        found = [(key, i, i + 1) for i, word in enumerate(words) for key in single.get(word, ())]
        return found + self._matcher(doc) + [(strings[m], s, e) for m, s, e in self._phrases(doc)]

    def _scan(
        self, prepared: str, hits: List[Tuple[_Hit, str]], exceptions: Set[str], suppressed: Set[str]
    ) -> None:
        words, values = self._canon.tokens(prepared)
        doc = Doc(self._vocab, words=words)
        risk: List[_Hit] = []
        blocks: List[Tuple[ExceptionRule, int, int]] = []
        other_mask = [False] * len(words)
        discovery_mask = [False] * len(words)
        concepts: Dict[str, List[Span]] = {}
        for key, start, end in self._matches(doc, words):
            if key in self._concept_checks:
                check = self._concept_checks[key]
                if check is not None and not CHECKS[check](values[start:end]):
                    continue
                concepts.setdefault(key[len(_CONCEPT_PREFIX) :], []).append((start, end))
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
            if any(
                _overlaps(hit, s, e) and (rule.suppresses is None or hit.pattern.category in rule.suppresses)
                for rule, s, e in blocks
            ):
                suppressed.add(hit.pattern.id)
                continue
            subject = hit.pattern.subject
            if subject in ("context", "victim", "context_end"):
                start = (
                    hit.end - 1 if subject == "context_end" else hit.start
                )  # loose nets: judge by the risk word
                subject = resolve_subject(
                    words,
                    start,
                    hit.end,
                    other_mask,
                    self._subject_words,
                    harm_by_others=hit.pattern.escalation == "safeguarding",
                    aggressor_first=subject == "victim",
                    discovery_mask=discovery_mask,
                )
            hits.append((hit, subject))
        if concepts and self._rules:
            self._apply_rules(words, concepts, blocks, other_mask, discovery_mask, hits)

    def _apply_rules(
        self,
        words: List[str],
        concepts: Dict[str, List[Span]],
        blocks: List[Tuple[ExceptionRule, int, int]],
        other_mask: List[bool],
        discovery_mask: List[bool],
        hits: List[Tuple[_Hit, str]],
    ) -> None:
        """Concept rules (bot/nlu/risk/concepts.py) on the concept spans of one window."""
        sentences: Optional[List[int]] = None
        usable: Dict[str, Dict[str, List[Span]]] = {}
        present = concepts.keys()
        candidates = sorted({i for name in present for i in self._rules_by_first.get(name, ())})
        for index in candidates:
            rule, pattern, terms = self._rules[index]
            if any(term.isdisjoint(present) for term in terms):
                continue  # most rules stop here: a term with no concept in the message
            if sentences is None:
                sentences = sentence_ids(words)
            spans = usable.get(rule.category) if rule.exceptions else concepts
            if spans is None:  # exceptions remove the concept spans they overlap, per category
                spans = usable[rule.category] = self._without_exceptions(concepts, blocks, rule.category)
            for lo, hi, parts in combine(rule, spans, sentences):
                if vetoed(rule, lo, hi, concepts, sentences):
                    continue
                hits.append(
                    (
                        _Hit(pattern, lo, hi),
                        self._rule_subject(rule, words, lo, hi, parts, other_mask, discovery_mask),
                    )
                )

    @staticmethod
    def _without_exceptions(
        concepts: Dict[str, List[Span]], blocks: List[Tuple[ExceptionRule, int, int]], category: str
    ) -> Dict[str, List[Span]]:
        """The concept spans no exception that suppresses `category` overlaps."""
        active = [
            (start, end)
            for rule, start, end in blocks
            if rule.suppresses is None or category in rule.suppresses
        ]
        if not active:
            return concepts
        kept: Dict[str, List[Span]] = {}
        for name, found in concepts.items():
            spans = [(s, e) for s, e in found if not any(bs < e and s < be for bs, be in active)]
            if spans:
                kept[name] = spans
        return kept

    def _rule_subject(
        self,
        rule: ConceptRule,
        words: List[str],
        lo: int,
        hi: int,
        parts: Tuple[Span, ...],
        other_mask: List[bool],
        discovery_mask: List[bool],
    ) -> str:
        """Who is at risk in a concept combination (see lexicon.RULE_SUBJECTS)."""
        if rule.subject in (SELF, OTHER):
            return rule.subject
        sw = self._subject_words
        if rule.victim_term is not None:  # the named part says whose body, whose life ("my arm", "her")
            start, end = parts[rule.victim_term]
            span = range(start, end)
            if any(
                other_mask[i]
                or words[i] in sw.other_objects
                or words[i] in sw.other_words
                or words[i] in ("his", "their")
                for i in span
            ):
                return OTHER
            if any(words[i] in sw.self_objects or words[i] in ("my", "our", "i", "we") for i in span):
                return SELF
        if any(discovery_mask[lo:hi]):
            return OTHER
        if rule.subject == "before":  # the one who acts is named before ("my sister swallowed ...")
            return _actor_before(words, lo, other_mask, sw)
        if rule.subject == "sentence":  # "me"/"us" in the sentence, else a victim who is not the aggressor
            first, last = lo, hi
            while first > 0 and words[first - 1] != END:
                first -= 1
            while last < len(words) and words[last - 1] != END:
                last += 1
            for i in range(first, last):
                if words[i] in sw.self_objects and not (i > 0 and words[i - 1] in sw.recipient_verbs):
                    return SELF
            if any(words[i] in ("i", "we") for i in range(lo, hi)):
                return SELF
            return resolve_subject(words, lo, hi, other_mask, sw, harm_by_others=True, aggressor_first=True)
        start = hi - 1 if rule.subject == "context_end" else lo
        return resolve_subject(
            words,
            start,
            hi,
            other_mask,
            sw,
            harm_by_others=rule.escalation == "safeguarding",
            aggressor_first=rule.subject == "victim",
            discovery_mask=discovery_mask,
        )

    def _decide(self, hits: List[Tuple[_Hit, str]]) -> Optional[RiskResult]:
        """The speaker's own risk first (then risk with no one named), then the most urgent category."""
        if not hits:
            return None
        subject = next((who for who in (SELF, UNSTATED) if any(s == who for _, s in hits)), OTHER)
        chosen = [h for h, s in hits if s == subject]
        category = min((h.pattern.category for h in chosen), key=self._priority.__getitem__)
        ids = tuple(sorted({h.pattern.id for h, _ in hits}))
        mention_only = all(h.pattern.mention for h, _ in hits)
        return RiskResult(self.lexicon.categories[category], category, subject, ids, mention_only)


#: After "mum 's" these words mean "mum is / has" ("my mum's taken pills"), not "mum's ..." (her tablets).
_IS_HAS_FOLLOWERS = frozenset(
    [
        "been",
        "taken",
        "took",
        "going",
        "gone",
        "got",
        "just",
        "done",
        "not",
        "so",
        "really",
        "always",
        "never",
        "still",
        "had",
        "now",
        "in",
        "on",
        "at",
        "out",
        "off",
        "very",
        "too",
        "drunk",
        "angry",
        "outside",
        "here",
        "there",
        "back",
        "being",
        "trying",
        "saying",
        "telling",
        "cutting",
        "swallowed",
        "overdosed",
        "started",
        "a",
        "an",
        "the",
        "planning",
        "talking",
        "threatening",
        "written",
        "given",
        "hurt",
        "hurting",
    ]
)


def _actor_before(words: Sequence[str], start: int, other_mask: Sequence[bool], sw: SubjectWords) -> str:
    """The nearest person named before `start`, skipping owners ("my mum's tablets", "her pills"): the one who
    acts in "my sister swallowed ..." but not in "I took my mum's tablets"."""
    i = start - 1
    while i >= 0:
        word = words[i]
        if other_mask[i] or word in sw.other_words:
            end = i
            while end + 1 < start and other_mask[end + 1]:
                end += 1
            possessive = words[end] == "'s" or (end + 1 < len(words) and words[end + 1] == "'s")
            after = (
                words[end + 1]
                if words[end] == "'s" and end + 1 < len(words)
                else (words[end + 2] if end + 2 < len(words) else END)
            )
            owner = word in ("his", "her", "their", "its") or (
                other_mask[i] and possessive and after not in _IS_HAS_FOLLOWERS
            )
            if not owner:
                return OTHER
            while i > 0 and other_mask[i - 1] and other_mask[i]:
                i -= 1
        elif word in sw.self_words:
            return SELF
        i -= 1
    return SELF


def _token_words(token: Dict) -> Optional[List[str]]:
    """The words one token spec accepts (a word or a word list), else None (a gap, a NOT_IN)."""
    orth = token.get("ORTH")
    if isinstance(orth, str):
        return [orth]
    if isinstance(orth, dict) and list(orth) == ["IN"]:
        return list(orth["IN"])
    return None


def _single_token(pattern: List[Dict]) -> Optional[List[str]]:
    """The words of a pattern that is one required token (a word or a word list), else None."""
    if len(pattern) != 1 or "OP" in pattern[0]:
        return None
    return _token_words(pattern[0])


#: A gap-free pattern whose alternatives multiply out to at most this many phrases runs in the PhraseMatcher
#: (a trie in C) instead of the token Matcher; the same matches, at a fraction of the cost.
MAX_PHRASES = 400


def _as_phrases(pattern: List[Dict]) -> Optional[List[List[str]]]:
    """Every word sequence a pattern of word lists (optional ones included, no gaps or NOT_IN) stands for."""
    slots: List[List[Optional[str]]] = []
    count = 1
    for token in pattern:
        accepted = _token_words(token)
        if accepted is None:
            return None
        words: List[Optional[str]] = list(accepted)
        if token.get("OP") == "?":
            words = words + [None]
        elif "OP" in token:
            return None
        slots.append(words)
        count *= len(words)
        if count > MAX_PHRASES:
            return None
    phrases: List[List[str]] = [[]]
    for words in slots:
        phrases = [head + ([w] if w is not None else []) for head in phrases for w in words]
    return [p for p in phrases if p] or None


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
