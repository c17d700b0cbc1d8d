"""bot.nlu.extractors.ages: ages, school years, stages and bare numbers."""

from __future__ import annotations

from typing import List, Optional, Tuple

import pytest

from bot.nlu.extractors.ages import AgeReader


@pytest.fixture(scope="module")
def reader() -> AgeReader:
    return AgeReader.from_file()


def ages(reader: AgeReader, text: str) -> List[int]:
    return [f.value for f in reader.read(text) if f.kind == "age"]


def numbers(reader: AgeReader, text: str) -> List[int]:
    return [f.value for f in reader.read(text) if f.kind == "number"]


@pytest.mark.parametrize(
    "text,age",
    [
        ("15", None),
        ("i'm 15", 15),
        ("im 15", 15),
        ("I’m 15", 15),
        ("Im 15", 15),
        ("i am 15", 15),
        ("15yo", 15),
        ("15 yo", 15),
        ("15 y/o", 15),
        ("15y/o", 15),
        ("15yrs", 15),
        ("15 yrs old", 15),
        ("age 15", 15),
        ("aged 15", 15),
        ("age: 15", 15),
        ("15 years old", 15),
        ("15-year-old", 15),
        ("im 15 and", 15),
        ("Fifteen years", 15),
        ("fifteen years old", 15),
        ("i'm fifteen", 15),
        ("im twenty-one", 21),
        ("i am twenty one", 21),
        ("nearly 16", 15),
        ("almost 16", 15),
        ("turning 16 next month", 15),
        ("she turns 16 next week", 15),
        ("she'll be 16 in june", 15),
        ("i'm nearly 16", 15),
        ("my son (14)", 14),
        ("my daughter, 14, is struggling", 14),
        ("my son 14 is being bullied", 14),
        ("my son aged 12", 12),
        ("my 7 year old", 7),
        ("my 7yo", 7),
        ("he's 3", 3),
        ("hes 3", 3),
        ("she is 2 and a half", 2),
        ("my baby is 6 months old", 0),
        ("my baby is 18 months old", 1),
        ("she's 3 weeks old", 0),
        ("she's only 12", 12),
        ("he is now 14", 14),
        ("Im 13 years old", 13),
        ("i'm 15.i live in e8", 15),
        ("my age is 17", 17),
        ("I just turned 18", 18),
        ("im 24", 24),
        ("I'm 40", 40),
        ("he's 3 and won't sleep", 3),
        ("i'm 17 turning 18", 17),
    ],
)
def test_ages(reader: AgeReader, text: str, age: Optional[int]) -> None:
    assert ages(reader, text) == ([age] if age is not None else [])


@pytest.mark.parametrize(
    "text,age",
    [
        ("year 9", 13),
        ("yr 9", 13),
        ("y9", 13),
        ("Y10", 14),
        ("year9", 13),
        ("yr11", 15),
        ("year nine", 13),
        ("he's in year 7", 11),
        ("year 1", 5),
        ("year 6", 10),
        ("year 12", 16),
        ("year 13", 17),
        ("my son is in year 9, we're in W10", 13),
        ("my daughter is in reception", 4),
        ("she's in nursery", 3),
        ("in sixth form", 16),
        ("sixth form", 16),
        ("in lower sixth", 16),
        ("upper sixth", 17),
        ("i'm at college", 16),
        ("i go to uni", 18),
        ("first year of uni", 18),
        ("second year of uni", 19),
        ("final year of university", 20),
        ("fresher", 18),
        ("I have a year 8 pupil in Hackney", 12),
        ("the year 11 boy i support", 15),
    ],
)
def test_school_years_and_stages(reader: AgeReader, text: str, age: int) -> None:
    assert ages(reader, text) == [age]


@pytest.mark.parametrize(
    "text,band",
    [
        ("my toddler won't sleep", "child"),
        ("our newborn", "child"),
        ("she's in primary school", "child"),
        ("at secondary school", "young_teen"),
    ],
)
def test_band_only_stages(reader: AgeReader, text: str, band: str) -> None:
    found = reader.read(text)
    assert [(f.kind, f.value, f.band) for f in found] == [("band", None, band)]


@pytest.mark.parametrize(
    "text",
    [
        "2 kids",
        "I have 2 kids",
        "3 times",
        "it happened 3 times",
        "24/7",
        "at 10pm",
        "at 10 pm",
        "10:30",
        "5 minutes",
        "in 5 minutes",
        "year 2020",
        "in 2020",
        "E8",
        "W10 5QJ",
        "call me on 07700 900123",
        "020 7946 0000",
        "+44 7700 900123",
        "i've been like this for 2 years",
        "2 years ago",
        "since i was 12",
        "when he was 7 years old",
        "I've had about 15 panic attacks",
        "i am 5'4",
        "it's 100% true",
        "the reception at the gp was rude",
        "I spoke to the college counsellor",
        "last year 9 people left",
        "my baby brother",
        "14/15",
        "take 2 tablets",
        "i'm 5 foot 4",
        "2 years 9 months",
        "one of my friends",
        "no one cares",
        "page 15",
        "the 15 bus",
        "it's 15 pounds",
        "for 6 months",
        "3 weeks",
        "i got a 2 in maths",
        "we have a 3 bed flat",
        "my 2 cents",
        "a year 9 times table",
        "every year 3 of us go",
    ],
)
def test_not_ages(reader: AgeReader, text: str) -> None:
    assert ages(reader, text) == [], reader.read(text)
    assert numbers(reader, text) == [], reader.read(text)


@pytest.mark.parametrize(
    "text,number",
    [
        ("15", 15),
        ("14?", 14),
        ("15.", 15),
        ("about 15", 15),
        ("fifteen", 15),
        ("15 thanks", 15),
        ("  9 ", 9),
        ("twenty one", 21),
        ("15 hackney anxiety", 15),
    ],
)
def test_bare_numbers_are_numbers_not_ages(reader: AgeReader, text: str, number: int) -> None:
    assert numbers(reader, text) == [number]
    assert ages(reader, text) == []


def test_number_words_in_sentences_are_not_numbers(reader: AgeReader) -> None:
    assert reader.read("one of them said something") == []
    assert reader.read("I have two brothers") == []


def test_several_children(reader: AgeReader) -> None:
    assert ages(reader, "they are 7 and 12") == [7, 12]
    assert ages(reader, "we have 2 children aged 5 and 8") == [5, 8]
    assert ages(reader, "ages 3, 5 and 9") == [3, 5, 9]


@pytest.mark.parametrize(
    "text,age",
    [
        ("15, hackney, anxiety", 15),
        ("17, e8, can't sleep", 17),
        ("15 and live in hackney", 15),
        ("14 and i feel low", 14),
        ("17. hackney n16", 17),
    ],
)
def test_a_number_opening_a_longer_answer_is_an_age(reader: AgeReader, text: str, age: int) -> None:
    assert ages(reader, text) == [age]


@pytest.mark.parametrize(
    "text,age",
    [
        ("20 m, tower hamlets", 20),
        ("20m, tower hamlets. been smoking a lot", 20),
        ("15f", 15),
        ("15F hackney", 15),
        ("16 M", 16),
        ("im 14 f", 14),
        ("17 male, camden", 17),
        ("16 F from hackney", 16),
        ("hi 15f", 15),
        ("me. 17 f. hackney", 17),
    ],
)
def test_an_age_given_with_a_sex_is_an_age(reader: AgeReader, text: str, age: int) -> None:
    """ "20 m, tower hamlets" was a bare number (used only right after "how old are you?"), so 20 was lost."""
    assert [(f.kind, f.value) for f in reader.read(text)] == [("age", age)]


@pytest.mark.parametrize("text", ["i waited 20 m", "in 15m", "hi 20 m of fence"])
def test_a_number_and_a_letter_in_a_sentence_is_not_an_age_with_a_sex(reader: AgeReader, text: str) -> None:
    assert not any(f.kind == "age" for f in reader.read(text))


def test_a_leading_number_is_not_an_age_when_something_else_follows(reader: AgeReader) -> None:
    assert ages(reader, "2 and a half hours of sleep") == []
    assert ages(reader, "3 times this week") == []


def primary(reader: AgeReader, text: str) -> Tuple[Optional[str], Optional[int], Optional[str]]:
    found = reader.primary(text)
    return (found.kind, found.value, found.band) if found else (None, None, None)


@pytest.mark.parametrize(
    "text,expected",
    [
        ("I'm 40 and my son is 14", ("age", 14, "young_teen")),
        ("im 38, my daughter is 9", ("age", 9, "child")),
        ("he was 7 years old when his dad died, he is now 14", ("age", 14, "young_teen")),
        ("he's 16 and i'm 15", ("age", 15, "young_teen")),
        ("my brother is 8 and i'm 15", ("age", 15, "young_teen")),
        ("they are 7 and 12", ("age", 7, "child")),
        ("my son is 14 and his sister is 9", ("age", 14, "young_teen")),
        ("I'm 19 and my baby is 6 months old", ("age", 0, "child")),
        ("I'm 24, a youth worker, the young person is 15", ("age", 15, "young_teen")),
        ("one of my pupils, 14, told me", ("age", 14, "young_teen")),
        ("one of my young people is 16 and being bullied online", ("age", 16, "older_teen")),
        ("my kid (8) has anxiety, we're in N17", ("age", 8, "child")),  # spaCy keeps "8)" whole, as a smiley
        ("a young person i work with is 16", ("age", 16, "older_teen")),
        ("the girl I support is 15 and self-conscious", ("age", 15, "young_teen")),
        ("my mate is 14 and really down", ("age", 14, "young_teen")),
        ("she's in primary school", ("band", None, "child")),
        ("my son is 9 and in primary school", ("age", 9, "child")),
        ("14?", ("number", 14, None)),
        ("hello", (None, None, None)),
    ],
)
def test_primary_is_the_age_of_whoever_the_help_is_for(reader: AgeReader, text: str, expected: tuple) -> None:
    assert primary(reader, text) == expected


def test_bands(reader: AgeReader) -> None:
    expected = {
        0: "child",
        10: "child",
        11: "young_teen",
        15: "young_teen",
        16: "older_teen",
        17: "older_teen",
        18: "young_adult",
        25: "young_adult",
        26: None,
        40: None,
    }
    assert {age: reader.band(age) for age in expected} == expected
    found = reader.read("im 15")[0]
    assert (found.kind, found.value, found.band, found.subject) == ("age", 15, "young_teen", "self")


def test_spans_point_at_the_original_text(reader: AgeReader) -> None:
    text = "My son is in Year 9 and he's being bullied"
    (found,) = reader.read(text)
    assert text[found.start : found.end] == "Year 9"
    text = "I\u2019m 15 years old"
    (found,) = reader.read(text)
    assert text[found.start : found.end] == "15 years old"


def test_duplicates_are_given_once(reader: AgeReader) -> None:
    assert ages(reader, "i'm 15, yes 15 years old") == [15]


@pytest.mark.parametrize(
    "text", ["", " ", "\x00\x07", "😀", "Привет 15", "a" * 100_000, "15 " * 40_000, "９"]
)
def test_never_raises(reader: AgeReader, text: str) -> None:
    assert isinstance(reader.read(text), list)


def test_full_width_digits_are_read(reader: AgeReader) -> None:
    assert ages(reader, "i'm １５") == [15]


@pytest.mark.parametrize(
    "text, age",
    [
        ("me. 17. tower hamlets", 17),
        ("Care leaver, 18, anxious since moving out", 18),
        ("One of my lads, 16, saw his mate get hurt", 16),
    ],
)
def test_a_number_standing_alone_in_a_list_of_answers_is_an_age(
    reader: AgeReader, text: str, age: int
) -> None:
    """ "me. 17. tower hamlets" after the form had stopped: the 17 was a bare number and the age was asked."""
    found = reader.read(text)
    assert [(f.kind, f.value) for f in found] == [("age", age)], found


@pytest.mark.parametrize(
    "text", ["I got 2, 3 and 4 in my exams", "top 10. i need help", "call me at 5, please"]
)
def test_other_numbers_in_a_list_are_not_ages(reader: AgeReader, text: str) -> None:
    assert not [f for f in reader.read(text) if f.kind == "age"], reader.read(text)
