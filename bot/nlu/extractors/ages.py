"""Reading ages from free text: "im 15", "my son (14)", "year 9", "nearly 16", "my baby is 6 months old".

Rules and word lists live in bot/nlu/lexicons/ages.yml, the limits and bands in directory/data/ages.yml;
this module only walks the tokens. No Rasa imports,
so the action server can use `AgeReader` to validate a typed answer too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, FrozenSet, List, Optional, Sequence, Tuple

import yaml

from bot.nlu.extractors.tokens import Tok, tokenize
from directory.vocab import OLDEST_SERVED, age_band_for

AGES_FILE = Path(__file__).resolve().parents[1] / "lexicons" / "ages.yml"
SELF, CHILD, OTHER, UNKNOWN = "self", "child", "other", "unknown"
SEGMENT_MARKS = frozenset({",", ".", ";", "(", ")"})
_OWNED = "owned"  # "my"/"our"/"a" before the number: someone else's child, if a unit of age follows
_DIGITS = re.compile(r"^\d{1,2}$")


@dataclass(frozen=True)
class AgeFound:
    """An age (`value` in whole years), an age band with no age, or a bare `number`, with its span."""

    kind: str  # "age" | "band" | "number"
    value: Optional[int]
    band: Optional[str]
    start: int
    end: int
    subject: str = UNKNOWN  # whose: the speaker's ("self"), a child they care for or teach ("child"),
    #                         someone else's ("other": "he's 16", "my brother is 8") or unknown


def _word(word: Any) -> str:
    """A YAML word as text; unquoted yes/no/on/off load as booleans and would silently match nothing."""
    if isinstance(word, bool) or not isinstance(word, (str, int)):
        raise ValueError(f"ages.yml: {word!r} is not a word (quote yes/no/on/off)")
    return str(word)


def _seqs(raw: Any) -> Tuple[Tuple[str, ...], ...]:
    return tuple(tuple(_word(word) for word in seq) for seq in raw or [])


def _words(raw: Any) -> FrozenSet[str]:
    return frozenset(_word(word) for word in raw or [])


class AgeReader:
    """Finds ages, age bands and bare numbers in a message, following the rules in ages.yml."""

    def __init__(self, config: Dict[str, Any]) -> None:
        self.number_words: Dict[str, int] = dict(config["number_words"])
        self.glued_age = re.compile(config["glued_age"])
        self.year_units = _words(config["year_units"])
        self.old_words = _words(config["old_words"])
        self.month_units = _words(config["month_units"])
        self.week_units = _words(config["week_units"])
        self.duration_before = _words(config["duration_before"])
        self.duration_after = _words(config["duration_after"])
        self.cues = [(seq, SELF) for seq in _seqs(config["self_cues"])]
        self.cues += [(seq, OTHER) for seq in _seqs(config["other_cues"])]
        self.cues += [(seq, UNKNOWN) for seq in _seqs(config["either_cues"])]
        self.cues.sort(key=lambda cue: -len(cue[0]))
        self.subjects = _words(config["subjects"])
        self.child_words = _words(config["child_words"])
        self.cue_fillers = _words(config["cue_fillers"])
        self.relations = _words(config["relations"])
        self.owners = _words(config["owners"])
        self.past_before = _words(config["past_before"])
        self.list_joiners = _words(config["list_joiners"])
        self.number_prefixes = _words(config["number_prefixes"])
        self.one_less_before = _seqs(config["one_less_before"])
        self.one_less_after = _seqs(config["one_less_after"])
        self.not_age_after = _words(config["not_age_after"])
        self.number_ok_after = _words(config["number_ok_after"])
        self.number_not_after = _words(config["number_not_after"])
        self.number_glue_after = _words(config["number_glue_after"])
        self.sex_marks = _words(config["sex_marks"])
        self.sex_glued = re.compile(config["sex_glued"])
        self.sex_mark_openers = _words(config["sex_mark_openers"])
        self.school_year_words = _words(config["school_year_words"])
        self.school_year_glued = re.compile(config["school_year_glued"])
        self.school_year_offset = int(config["school_year_offset"])
        self.school_year_max = int(config["school_year_max"])
        self.school_year_not_after = _words(config["school_year_not_after"])
        self.school_year_nouns = _words(config["school_year_nouns"])
        self.stages = {tuple(tokenize_phrase(name)): spec for name, spec in config["stages"].items()}
        self.stage_starts: Dict[str, int] = {}
        for name in self.stages:
            self.stage_starts[name[0]] = max(self.stage_starts.get(name[0], 0), len(name))
        self.stage_cues = _words(config["stage_cues"])
        self.young_child_words = _seqs(config["young_child_words"])
        self.young_child_not_before = _words(config["young_child_not_before"])

    @classmethod
    def from_file(cls, path: Path = AGES_FILE) -> "AgeReader":
        with Path(path).open(encoding="utf-8") as handle:
            return cls(yaml.safe_load(handle))

    def band(self, age: int) -> Optional[str]:
        """The contracts.md age band for an age (directory/data/ages.yml), None over the oldest age served."""
        return age_band_for(age)

    # --- reading -------------------------------------------------------------------------------------

    def read(self, text: str) -> List[AgeFound]:
        """Every age, band-only stage and bare number in `text`, in order of appearance."""
        toks = tuple(tok for tok in tokenize(text) if tok.key != "-")  # "15-year-old", "twenty-one"
        if not toks:
            return []
        used = [False] * len(toks)
        found = self._stages(toks, used) + self._school_years(toks, used) + self._numbers(toks, used)
        if not any(f.kind == "age" for f in found):
            found += self._young_child(toks)
        return _dedupe(sorted(found, key=lambda f: f.start))

    def primary(self, text: str) -> Optional[AgeFound]:
        """The one finding a single-valued slot should get (Rasa keeps only one value per slot).

        The age of whoever the help is for (docs/contracts.md): a child the speaker cares for or works
        with ("I'm 40 and my son is 14" gives 14, and so does "I'm 19, my baby is 6 months" give 0), then
        a young person's own age (up to the oldest age served: "he's 16 and I'm 15" gives 15), then anyone else's, then
        the first age; with no age, the first band-only stage, then the first bare number.
        """
        found = self.read(text)
        ages = [f for f in found if f.kind == "age"]
        children = [f for f in ages if f.subject == CHILD]
        own = [f for f in ages if f.subject == SELF and f.value is not None and f.value <= OLDEST_SERVED]
        others = [f for f in ages if f.subject == OTHER]
        for group in (children, own, others, ages, [f for f in found if f.kind == "band"], found):
            if group:
                return group[0]
        return None

    def _age(self, value: int, toks: Sequence[Tok], first: int, last: int, subject: str) -> AgeFound:
        return AgeFound("age", value, self.band(value), toks[first].start, toks[last - 1].end, subject)

    def _stages(self, toks: Sequence[Tok], used: List[bool]) -> List[AgeFound]:
        found = []
        keys = [t.key for t in toks]
        i = 0
        while i < len(toks):
            for length in range(min(self.stage_starts.get(keys[i], 0), len(toks) - i), 0, -1):
                spec = self.stages.get(tuple(keys[i : i + length]))
                if spec is None or (spec.get("cue") and not (i > 0 and keys[i - 1] in self.stage_cues)):
                    continue
                if "age" in spec:
                    found.append(self._age(int(spec["age"]), toks, i, i + length, UNKNOWN))
                else:
                    found.append(
                        AgeFound("band", None, spec["band"], toks[i].start, toks[i + length - 1].end)
                    )
                used[i : i + length] = [True] * length
                i += length - 1
                break
            i += 1
        return found

    def _school_years(self, toks: Sequence[Tok], used: List[bool]) -> List[AgeFound]:
        found = []
        for i, tok in enumerate(toks):
            if used[i] or (i > 0 and _is_number(toks[i - 1])):
                continue
            unsure = i > 0 and toks[i - 1].key in self.school_year_not_after
            glued = self.school_year_glued.match(tok.key)
            if glued:
                year, last = int(glued.group(1)), i + 1
            elif tok.key in self.school_year_words and i + 1 < len(toks):
                parsed = self._parse_number(toks, i + 1)
                if not parsed or not 1 <= parsed[0] <= self.school_year_max or parsed[2]:
                    continue
                year, last = parsed[0], parsed[1]
            else:
                continue
            after = toks[last].key if last < len(toks) else ""
            if after in self.month_units or after in self.week_units or after in self.year_units:
                continue
            if unsure and after not in self.school_year_nouns:  # "a year 9 times" no, "a year 8 pupil" yes
                continue
            found.append(self._age(year + self.school_year_offset, toks, i, last, UNKNOWN))
            used[i:last] = [True] * (last - i)
        return found

    def _parse_number(self, toks: Sequence[Tok], i: int) -> Optional[Tuple[int, int, bool]]:
        """(value, index after the number, unit glued on) for a number at token i."""
        key = toks[i].key
        if _DIGITS.match(toks[i].text) and not (len(key) == 2 and key[0] == "0"):
            return int(key), i + 1, False
        glued = self.glued_age.match(key)
        if glued:
            return int(glued.group(1)), i + 1, True
        sexed = self.sex_glued.match(key)  # "15f": the number, its sex mark read by _sex_marked
        if sexed:
            return int(sexed.group(1)), i + 1, False
        if key in self.number_words:
            value, last = self.number_words[key], i + 1
            if value >= 20 and value % 10 == 0:
                if last < len(toks) and self.number_words.get(toks[last].key, 10) < 10:
                    return value + self.number_words[toks[last].key], last + 1, False
            return value, last, False
        return None

    def _numbers(self, toks: Sequence[Tok], used: List[bool]) -> List[AgeFound]:
        found: List[AgeFound] = []
        i = 0
        while i < len(toks):
            parsed = None if used[i] else self._parse_number(toks, i)
            if not parsed or self._in_longer_number(toks, i, parsed[1]):
                i += 1
                continue
            value, last, glued_unit = parsed
            result = self._classify(toks, i, value, last, glued_unit, found)
            if result:
                found.append(result[0])
                last = result[1]
            i = last
        return found

    def _in_longer_number(self, toks: Sequence[Tok], first: int, last: int) -> bool:
        """Part of a phone number, time, ratio or range: "07700 900 12", "10:30", "24/7", "14-16", "5'4"."""
        if first > 0 and (_is_number(toks[first - 1]) or toks[first - 1].key in self.number_prefixes):
            return True
        if last < len(toks):
            nxt = toks[last]
            if _is_number(nxt):
                return True
            if nxt.key in self.number_glue_after and nxt.attached and last + 1 < len(toks):
                if nxt.key == "/" and toks[last + 1].key == "o":  # "15y/o", "15 y/o"
                    return False
                return toks[last + 1].attached and toks[last + 1].is_word
        return False

    def _units(self, toks: Sequence[Tok], last: int, glued: bool) -> Tuple[str, int]:
        """("years" | "months" | "weeks" | "", index after the unit words) for the words after a number."""
        keys = [t.key for t in toks]
        k, unit = last, "years" if glued else ""
        if not glued and k < len(keys):
            if keys[k] in self.year_units:
                unit, k = "years", k + 1
            elif keys[k] in self.month_units:
                unit, k = "months", k + 1
            elif keys[k] in self.week_units:
                unit, k = "weeks", k + 1
        if unit == "years" and keys[k : k + 2] == ["/", "o"]:
            k += 2
        if unit and k < len(keys) and keys[k] in self.old_words:
            return unit + "_old", k + 1
        return unit, k

    def _cue(self, toks: Sequence[Tok], first: int) -> Tuple[Optional[str], int]:
        """(whose age the cue says, index where the cue starts) for a cue ending just before token `first`."""
        k = first
        while k > 0 and toks[k - 1].key in self.cue_fillers:
            k -= 1
        keys = [t.key for t in toks[max(0, k - 4) : k]]
        for seq, subject in self.cues:
            tail = keys[-len(seq) :] if len(seq) <= len(keys) else None
            if tail and all(
                want == got or (want == "*" and got in self.subjects)
                for want, got in zip(seq, tail, strict=False)
            ):
                if subject == OTHER and any(
                    w == "*" and got in self.child_words for w, got in zip(seq, tail, strict=False)
                ):
                    subject = CHILD
                return subject, k - len(seq)
        if keys and keys[-1] in self.relations:
            return (CHILD if keys[-1] in self.child_words else OTHER), k - 1
        if keys and keys[-1] in self.owners:
            return _OWNED, k - 1
        if self._one_less(toks, first, first):
            return UNKNOWN, first
        return None, first

    def _one_less(self, toks: Sequence[Tok], first: int, after: int) -> bool:
        keys = [t.key for t in toks]
        before = keys[max(0, first - 3) : first]
        if any(before[-len(seq) :] == list(seq) for seq in self.one_less_before if len(seq) <= len(before)):
            return True
        return any(keys[after : after + len(seq)] == list(seq) for seq in self.one_less_after)

    def _classify(
        self, toks: Sequence[Tok], i: int, value: int, last: int, glued: bool, found: List[AgeFound]
    ) -> Optional[Tuple[AgeFound, int]]:
        """Decide what the number at token i is; (finding, index after it) or None."""
        unit, after = self._units(toks, last, glued)
        nxt = toks[after].key if after < len(toks) else ""
        subject, cue_start = self._cue(toks, i)
        if subject == _OWNED:  # "my 7 year old" is a child's age; "a 2 in maths" is not an age at all
            subject, cue_start = (CHILD, cue_start) if unit else (None, i)
        before = toks[cue_start - 1].key if cue_start > 0 else ""
        past = any(t.key in self.past_before for t in toks[max(0, cue_start - 3) : cue_start])
        if unit in ("months_old", "weeks_old"):
            years = value // 12 if unit == "months_old" else 0
            return self._age(years, toks, i, after, subject or UNKNOWN), after
        if unit == "years_old":
            return (self._age(value, toks, i, after, subject or UNKNOWN), after) if not past else None
        if unit == "years":
            duration = before in self.duration_before or nxt in self.duration_after or nxt.isdigit()
            if subject is None and (duration or past):
                return None
            return self._age(self._minus(value, toks, i, after), toks, i, after, subject or UNKNOWN), after
        if unit or nxt in self.not_age_after:
            return None
        if subject is not None and not past:
            return self._age(self._minus(value, toks, i, after), toks, i, last, subject), last
        marked = self._sex_marked(toks, i, last)
        if marked is not None:  # "20 m, tower hamlets", "15f"
            return self._age(value, toks, i, marked, UNKNOWN), marked
        previous_age = self._continues(toks, i, found)
        if previous_age is not None:
            return self._age(value, toks, i, last, previous_age.subject), last
        if _is_number(toks[i]) and (self._leading(toks, i, last) or self._segment(toks, i, last)):
            return self._age(value, toks, i, last, UNKNOWN), last
        if self._bare_number(toks, i, last):
            return AgeFound("number", value, None, toks[i].start, toks[last - 1].end), last
        return None

    def _sex_marked(self, toks: Sequence[Tok], i: int, last: int) -> Optional[int]:
        """Index after the sex mark of an age given with a sex ("20 m", "16 M", "15f"), or None."""
        if self.sex_glued.match(toks[i].key):
            end = last
        elif last < len(toks) and toks[last].key.rstrip(".") in self.sex_marks:  # "f." is one token
            end = last + 1
        else:
            return None
        before = toks[i - 1] if i > 0 else None
        if before is not None and before.is_word and before.key not in self.sex_mark_openers:
            return None
        opens = before is None or not before.is_word  # "15m hackney": a list of answers
        if end < len(toks) and toks[end].is_word and toks[end].key not in self.number_ok_after and not opens:
            return None
        return end

    def _minus(self, value: int, toks: Sequence[Tok], first: int, after: int) -> int:
        return max(0, value - 1) if self._one_less(toks, first, after) else value

    def _continues(self, toks: Sequence[Tok], i: int, found: List[AgeFound]) -> Optional[AgeFound]:
        """The age this number follows in a list: "they are 7 and 12", "ages 3, 5 and 9"."""
        if i < 2 or toks[i - 1].key not in self.list_joiners or not found or found[-1].kind != "age":
            return None
        return found[-1] if found[-1].end == toks[i - 2].end else None

    def _leading(self, toks: Sequence[Tok], i: int, last: int) -> bool:
        """A number opening a longer one-message answer: "15, hackney, anxiety", "17. hackney n16", "17 and live
        in E8"."""
        if any(t.is_word for t in toks[:i]) or last >= len(toks) - 1:
            return False
        after, then = toks[last].key, toks[last + 1].key
        return after in (",", ".") or (after in self.list_joiners and then in self.number_ok_after)

    def _segment(self, toks: Sequence[Tok], i: int, last: int) -> bool:
        """A number standing alone between commas or full stops in a list of answers, with words on both
        sides: "me. 17. tower hamlets", "Care leaver, 18, anxious", "One of my lads, 16, saw ..."."""
        if i == 0 or last >= len(toks) - 1 or not any(t.is_word for t in toks[last + 1 :]):
            return False
        return toks[i - 1].key in SEGMENT_MARKS and toks[last].key in SEGMENT_MARKS

    def _bare_number(self, toks: Sequence[Tok], i: int, last: int) -> bool:
        before = toks[i - 1].key if i > 0 else ""
        after = toks[last].key if last < len(toks) else ""
        first = not any(t.is_word for t in toks[:i])
        if before in self.number_not_after:
            return False
        if after and after.isalnum() and after not in self.number_ok_after and not first:
            return False
        if _is_number(toks[i]):
            return True
        others = [t for k, t in enumerate(toks) if not i <= k < last and t.is_word]
        return not others  # number words ("fifteen") only as a whole answer

    def _young_child(self, toks: Sequence[Tok]) -> List[AgeFound]:
        keys = [t.key for t in toks]
        for seq in self.young_child_words:
            for i in range(len(keys) - len(seq) + 1):
                end = i + len(seq)
                if tuple(keys[i:end]) == seq and (
                    end == len(keys) or keys[end] not in self.young_child_not_before
                ):
                    return [AgeFound("band", None, self.band(0), toks[i].start, toks[end - 1].end, CHILD)]
        return []


def tokenize_phrase(phrase: str) -> List[str]:
    """Matching keys of a lexicon phrase, tokenised exactly like messages are."""
    return [tok.key for tok in tokenize(phrase)]


def _is_number(tok: Tok) -> bool:
    return tok.text.isdigit()


def _dedupe(found: List[AgeFound]) -> List[AgeFound]:
    """One finding per (kind, value, band): "I'm 15, yes 15" gives one age."""
    seen, result = set(), []
    for item in found:
        if (item.kind, item.value, item.band) not in seen:
            seen.add((item.kind, item.value, item.band))
            result.append(item)
    return result
