"""The concern vocabulary (directory/data/concerns.yml) and roles.yml through bot.nlu.extractors.lexicon."""

from __future__ import annotations

from pathlib import Path
from typing import List

import pytest
import yaml

from bot.nlu.extractors.lexicon import Lexicon, load_lexicons
from directory.concerns import concern_codes
from directory.vocab import OLDEST_SERVED, YOUNGEST_SELF_USER

ROOT = Path(__file__).resolve().parents[3]
CONCERN_CODES = set(concern_codes())  # the one list: directory/data/concerns.yml
CONCERNS_FILE = ROOT / "directory/data/concerns.yml"  # the codes and, for chat, their words


@pytest.fixture(scope="module")
def concerns() -> Lexicon:
    return Lexicon.from_file(CONCERNS_FILE)


@pytest.fixture(scope="module")
def roles() -> Lexicon:
    return Lexicon.from_file(ROOT / "bot/nlu/lexicons/roles.yml")


def values(lexicon: Lexicon, text: str, entity: str) -> List[str]:
    return [hit.value for hit in lexicon.find(text) if hit.entity == entity]


def test_concern_codes_are_the_contract_codes(concerns: Lexicon) -> None:
    codes = {rule.value for rule in concerns.rules if rule.entity == "concern"}
    assert codes == CONCERN_CODES


@pytest.mark.parametrize(
    "problem", ["a code the directory does not have", "a directory code with no words for chat"]
)
def test_the_lexicon_refuses_codes_other_than_the_directorys(tmp_path: Path, problem: str) -> None:
    vocabulary = yaml.safe_load(CONCERNS_FILE.read_text(encoding="utf-8"))
    anxiety = next(item for item in vocabulary["concerns"] if item["code"] == "anxiety")
    if problem.startswith("a code"):
        anxiety["code"] = "worry_code"
    else:
        for field in ("phrases", "whole_message", "chat_only"):
            anxiety.pop(field)
    broken = tmp_path / "concerns.yml"
    broken.write_text(yaml.safe_dump(vocabulary), encoding="utf-8")
    with pytest.raises(ValueError, match="codes of directory_concerns"):
        Lexicon.from_file(broken)


@pytest.mark.parametrize(
    "text,expected",
    [
        ("anxious", "anxiety"),
        ("i get panic attacks", "anxiety"),
        ("worried all the time", "anxiety"),
        ("i'm overthinking everything at night", "anxiety"),
        ("i can't stop worrying", "anxiety"),
        ("cant stop worrying", "anxiety"),
        ("so anxious rn", "anxiety"),
        ("my anxiety is bad", "anxiety"),
        ("i feel sad", "low_mood"),
        ("feeling really down", "low_mood"),
        ("im depressed", "low_mood"),
        ("feel rly low", "low_mood"),
        ("i feel empty", "low_mood"),
        ("no motivation to do anything", "low_mood"),
        ("crying all the time", "low_mood"),
        ("down", "low_mood"),
        ("i self harm", "self_harm"),
        ("self-harm", "self_harm"),
        ("she's been cutting", "self_harm"),
        ("he won't eat", "eating"),
        ("not eating", "eating"),
        ("binge eating", "eating"),
        ("purging", "eating"),
        ("she might have anorexia", "eating"),
        ("food", "eating"),
        ("can't sleep", "sleep"),
        ("cant sleep", "sleep"),
        ("nightmares every night", "sleep"),
        ("insomnia", "sleep"),
        ("he gets so angry", "anger_behaviour"),
        ("bad temper", "anger_behaviour"),
        ("meltdowns", "anger_behaviour"),
        ("his behaviour at school", "anger_behaviour"),
        ("keeps fighting", "anger_behaviour"),
        ("she's aggressive", "anger_behaviour"),
        ("grief", "bereavement"),
        ("my dad died", "bereavement"),
        ("my nan passed away", "bereavement"),
        ("i lost my nan last year", "bereavement"),
        ("being bullied", "bullying"),
        ("cyberbullying", "bullying"),
        ("they pick on me", "bullying"),
        ("getting picked on at school", "bullying"),
        ("bullyed", "bullying"),
        ("my parents are arguing", "relationships_family"),
        ("parents arguing all the time", "relationships_family"),
        ("their divorce", "relationships_family"),
        ("falling out with friends", "relationships_family"),
        ("my breakup", "relationships_family"),
        ("relationship problems", "relationships_family"),
        ("family", "relationships_family"),
        ("friends", "relationships_family"),
        ("exams", "school_stress"),
        ("school stress", "school_stress"),
        ("too much homework", "school_stress"),
        ("gcses", "school_stress"),
        ("my a levels", "school_stress"),
        ("school refusal", "school_stress"),
        ("i think i'm gay", "identity"),
        ("i'm trans", "identity"),
        ("questioning my gender", "identity"),
        ("my sexuality", "identity"),
        ("lgbt support", "identity"),
        ("lgbtq+", "identity"),
        ("body image", "body_image"),
        ("i hate how i look", "body_image"),
        ("i feel fat", "body_image"),
        ("i'm ugly", "body_image"),
        ("drugs", "substance_use"),
        ("smoking weed", "substance_use"),
        ("alcohol", "substance_use"),
        ("he's drinking a lot", "substance_use"),
        ("vaping", "substance_use"),
        ("smoking", "substance_use"),
        ("adhd", "neurodevelopmental"),
        ("he's autistic", "neurodevelopmental"),
        ("autism", "neurodevelopmental"),
        ("asd", "neurodevelopmental"),
        ("he has ADD", "neurodevelopmental"),
        ("add", "neurodevelopmental"),
        ("learning disability", "neurodevelopmental"),
        ("sensory issues", "neurodevelopmental"),
        ("trauma", "trauma"),
        ("ptsd", "trauma"),
        ("flashbacks", "trauma"),
        ("abuse in the past", "trauma"),
        ("we were affected by grenfell", "trauma"),
        ("lonely", "loneliness"),
        ("i have no friends", "loneliness"),
        ("i feel isolated", "loneliness"),
        ("always left out", "loneliness"),
        ("parenting", "parenting"),
        ("how do i help my child", "parenting"),
        ("how can i support my daughter", "parenting"),
        ("struggling as a parent", "parenting"),
        ("is there support for me as a parent", "parenting"),
        ("is there anything for me as a parent", "parenting"),
        ("anything for carers like me", "parenting"),
        ("just want to talk", "general"),
        ("everything", "general"),
        ("general", "general"),
        ("a bit of everything", "general"),
        ("i need someone to talk to", "general"),
        ("i look after my mum and i'm really struggling", "general"),
        ("she has lost a lot of weight this term", "eating"),
        ("he keeps skipping lunch", "eating"),
        ("over-exercising every night", "eating"),
        ("my daughter she not eat good", "eating"),
        ("she cry every night in her room", "low_mood"),
    ],
)
def test_concerns(concerns: Lexicon, text: str, expected: str) -> None:
    assert values(concerns, text, "concern") == [expected]


def test_several_concerns_in_one_message(concerns: Lexicon) -> None:
    text = "my son is in year 9, we're in W10, he's being bullied and won't eat"
    assert values(concerns, text, "concern") == ["bullying", "eating"]
    assert values(concerns, "i'm anxious all the time, can't sleep and i feel so low", "concern") == [
        "anxiety",
        "sleep",
        "low_mood",
    ]
    assert values(concerns, "um, family and school i think", "concern") == [
        "relationships_family",
        "school_stress",
    ]


def test_one_entity_per_code(concerns: Lexicon) -> None:
    assert values(concerns, "anxious, panic attacks, worried all the time", "concern") == ["anxiety"]


@pytest.mark.parametrize(
    "text",
    [
        "I live with my family in Hackney",
        "me and my family moved here",
        "i love food",
        "we're a family of four",
        "my friends are nice",
        "i go to school in Camden",
        "can I add something",
        "can you send me the link",
        "calm down",
        "sit down",
        "i'm dying to go",
        "fat chance",
        "we use the food bank",
        "i'm not depressed",
        "i don't feel anxious",
        "never been bullied",
        "i'm a teacher",
        "my teacher said to ask",
        "hello",
        "i'm 15",
        "what is this",
        "thanks",
        "the smoke alarm went off",
    ],
)
def test_no_false_concerns(concerns: Lexicon, text: str) -> None:
    assert values(concerns, text, "concern") == [], concerns.find(text)


def test_negation_only_drops_the_negated_concern(concerns: Lexicon) -> None:
    assert values(concerns, "I'm not depressed, just stressed about exams", "concern") == ["school_stress"]
    assert values(concerns, "i'm not sure but i think i'm depressed", "concern") == ["low_mood"]


def test_phrases_that_contain_a_negation_still_count(concerns: Lexicon) -> None:
    assert values(concerns, "he's not sleeping and not eating", "concern") == ["sleep", "eating"]


@pytest.mark.parametrize(
    "text",
    [
        "not sure",
        "i'm not sure",
        "im not sure",
        "idk",
        "i don't know",
        "dunno",
        "no idea",
        "not really sure tbh",
    ],
)
def test_unsure_is_its_own_entity_as_a_whole_answer(concerns: Lexicon, text: str) -> None:
    hits = concerns.find(text)
    assert [(h.entity, h.value) for h in hits] == [("concern_unsure", "general")]


@pytest.mark.parametrize(
    "text",
    [
        "i'm not sure where i live",
        "i don't know what to do, i'm so anxious",
        "not sure if this is the right place",
    ],
)
def test_unsure_inside_a_sentence_is_nothing(concerns: Lexicon, text: str) -> None:
    assert values(concerns, text, "concern_unsure") == []


def test_spans(concerns: Lexicon) -> None:
    text = "im 15 live in hakney n feel rly low"
    (hit,) = concerns.find(text)
    assert (hit.entity, hit.value, text[hit.start : hit.end]) == ("concern", "low_mood", "feel rly low")


@pytest.mark.parametrize(
    "text,role",
    [
        ("my son is being bullied", "parent"),
        ("my daughter won't eat", "parent"),
        ("my child", "parent"),
        ("my kid is struggling", "parent"),
        ("I'm a mum", "parent"),
        ("im a dad", "parent"),
        ("i'm a parent", "parent"),
        ("I'm a foster carer", "parent"),
        ("i am his guardian", "parent"),
        ("im a grandparent", "parent"),
        ("as a parent i'm worried", "parent"),
        ("parent or carer", "parent"),
        ("parent", "parent"),
        ("is there anything for me as a parent", "parent"),
        ("my 7 year old son", "parent"),
        ("I'm a teacher", "professional"),
        ("i work with young people", "professional"),
        ("I'm a youth worker", "professional"),
        ("youth worker", "professional"),
        ("school nurse", "professional"),
        ("im a gp", "professional"),
        ("as a social worker", "professional"),
        ("I'm the SENCO", "professional"),
        ("one of my pupils is self harming", "professional"),
        ("a young person i support", "professional"),
        ("one of my students", "professional"),
        ("professional", "professional"),
        ("I'm a teacher and one of my pupils is self harming", "professional"),
        ("i'm 15", "young_person"),
        ("im 15 live in hakney", "young_person"),
        ("it's for me", "young_person"),
        ("for myself", "young_person"),
        ("I'm a student", "young_person"),
        ("i'm at school", "young_person"),
        ("me", "young_person"),
        ("young person", "young_person"),
        ("i am in year 10", "young_person"),
        ("my mum doesn't get it", "young_person"),
        ("i'm 19 and at uni", "young_person"),
        ("my mate is really down and i dont know what to do", "young_person"),
        ("asking for a friend", "young_person"),
        ("im worried about my best friend", "young_person"),
        ("my friend's mum asked me", "young_person"),
        ("my daughter's friend is self harming", "parent"),
        ("my flatmate has stopped leaving his room", "young_person"),
        ("worried about my housemate", "young_person"),
    ],
)
def test_roles(roles: Lexicon, text: str, role: str) -> None:
    assert values(roles, text, "role") == [role]


@pytest.mark.parametrize(
    "text",
    [
        "my gp said i should talk to someone",
        f"i'm {YOUNGEST_SELF_USER - 1}",  # under the ages served (directory/data/ages.yml)
        "i'm not a teacher",
        "help me",
        "hello",
        "when i was a kid",
        "is it ok for me to ask",
    ],
)
def test_no_role(roles: Lexicon, text: str) -> None:
    assert values(roles, text, "role") == [], roles.find(text)


@pytest.mark.parametrize("age", [YOUNGEST_SELF_USER, OLDEST_SERVED])
def test_an_own_age_at_either_limit_of_the_ages_served_is_a_young_person(roles: Lexicon, age: int) -> None:
    assert values(roles, f"i'm {age}", "role") == ["young_person"]


@pytest.mark.parametrize("text", [f"i'm {OLDEST_SERVED + 1}", "im 28 and my anxiety is bad", "i am 40"])
def test_an_adults_own_age_is_someone_asking_for_themselves(roles: Lexicon, text: str) -> None:
    """Over 25 and speaking of themselves: asked nothing more about who it is for, told where adult help is."""
    assert values(roles, text, "role") == ["young_person"]


def test_a_parent_giving_their_own_age_is_still_a_parent(roles: Lexicon) -> None:
    assert values(roles, "i am 40 and my son is 15", "role") == ["parent"]


@pytest.mark.parametrize(
    "text, role",
    [
        ("GP here, Kingston. 15 year old patient with OCD", "professional"),
        ("Youth worker in Walthamstow. One of my lads, 16", "professional"),
        ("Social worker (leaving care team), Camden", "professional"),
        ("SENCo at a primary in Sutton, year 4 pupil", "professional"),
        ("school nurse at a secondary, a year 10 student told me", "professional"),
        ("the girl i support at the youth club is 14", "professional"),
        ("me. 16. lewisham", "young_person"),
    ],
)
def test_who_is_asking_from_a_job_title_opening_the_message(roles: Lexicon, text: str, role: str) -> None:
    assert values(roles, text, "role") == [role], roles.find(text)


@pytest.mark.parametrize(
    "text", ["teachers say i need anger management", "ta, that's great", "teacher said i should come here"]
)
def test_a_job_title_that_is_not_the_speakers_own_is_no_role(roles: Lexicon, text: str) -> None:
    assert values(roles, text, "role") == [], roles.find(text)


def test_my_sons_teacher_is_a_parent_speaking(roles: Lexicon) -> None:
    assert values(roles, "my son's teacher said he is anxious", "role") == ["parent"]


def test_lexicon_paths_resolve_from_the_project_root(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    lexicons = load_lexicons(["directory/data/concerns.yml", "bot/nlu/lexicons/roles.yml"], root=ROOT)
    assert [lex.entity for lex in lexicons] == ["concern", "role"]


def test_a_small_lexicon_from_config() -> None:
    lexicon = Lexicon(
        {
            "entity": "colour",
            "values": {"red": {"phrases": ["crimson", "scarlet red"]}, "blue": {"whole_message": ["navy"]}},
            "exclude": ["crimson tide"],
        }
    )
    assert [h.value for h in lexicon.find("a Scarlet  red coat and a crimson hat")] == ["red"]
    assert lexicon.find("the crimson tide") == []
    assert [h.value for h in lexicon.find("navy")] == ["blue"]
    assert lexicon.find("a navy coat") == []


def test_empty_phrase_is_a_config_error() -> None:
    with pytest.raises(ValueError):
        Lexicon({"entity": "x", "values": {"y": {"phrases": ["'"]}}})


@pytest.mark.parametrize("text", ["", " ", "\x00\x1f", "😀😀", "Привет", "a" * 100_000, "sad " * 30_000])
def test_never_raises(concerns: Lexicon, roles: Lexicon, text: str) -> None:
    assert isinstance(concerns.find(text), list) and isinstance(roles.find(text), list)


def test_hyphens_join_nothing(roles: Lexicon, concerns: Lexicon) -> None:
    assert values(roles, "my 3-year-old", "role") == ["parent"]
    assert values(concerns, "break-up", "concern") == ["relationships_family"]


@pytest.mark.parametrize(
    "text",
    [
        "my laptop died",
        "omg i literally died when he said hi",
        "i nearly died when the teacher called my name",
        "got killed in fortnite",
        "i'm cutting back on sugar",
        "im cutting down on sugar for lent",
        "i cut my hair",
        "i found out my girlfriend took an overdose",
        "i've got the pills ready",
        "my friend's stepdad hurts her",
        "i want to talk to a person",
        "talk to someone real",
    ],
)
def test_everyday_uses_of_concern_words(concerns: Lexicon, text: str) -> None:
    assert values(concerns, text, "concern") == [], concerns.find(text)


@pytest.mark.parametrize(
    "text",
    [
        "my grandad died last week",
        "my dog died yesterday",
        "my nan passed",
        "since she died i can't cope",
        "lost my nan",
    ],
)
def test_bereavement_needs_someone_who_died(concerns: Lexicon, text: str) -> None:
    assert "bereavement" in values(concerns, text, "concern")


@pytest.mark.parametrize(
    "text", ["i've started cutting my thighs", "she's been cutting herself", "cutting", "i cut myself again"]
)
def test_cutting_as_self_harm(concerns: Lexicon, text: str) -> None:
    assert values(concerns, text, "concern") == ["self_harm"]


def test_a_classmate_is_not_a_professional(roles: Lexicon) -> None:
    assert values(roles, "a boy in my class bullies me", "role") == []


def test_unquoted_yaml_booleans_are_rejected() -> None:
    with pytest.raises(ValueError):
        Lexicon({"entity": "x", "fillers": [True], "values": {}})
    with pytest.raises(ValueError):
        Lexicon({"entity": "x", "values": {"y": {"phrases": [False]}}})


def test_school_exclusion_is_behaviour_and_being_left_out_is_loneliness(concerns: Lexicon) -> None:
    assert values(concerns, "he keeps getting excluded", "concern") == ["anger_behaviour"]
    assert values(concerns, "i feel excluded by my friends", "concern") == ["loneliness"]


@pytest.mark.parametrize("text", ["my mate is really down", "she seems down all the time", "he is low"])
def test_someone_else_being_down_is_low_mood(concerns: Lexicon, text: str) -> None:
    assert values(concerns, text, "concern") == ["low_mood"]


@pytest.mark.parametrize(
    "text, concern",
    [
        ("I've just found cuts on my daughter's arm", "self_harm"),
        ("my best mate died 3 months ago and i cant stop thinking about it", "bereavement"),
        ("got made redundant and everything feels shit", "low_mood"),
        ("My son 13 year, he not go school, stay in room all day", "school_stress"),
    ],
)
def test_concerns_said_in_everyday_words(concerns: Lexicon, text: str, concern: str) -> None:
    """From issue 14's conversations: each of these left the concern question to be asked again."""
    assert concern in values(concerns, text, "concern"), concerns.find(text)


def test_a_friend_who_died_is_grief_not_asking_for_a_friend() -> None:
    asking = Lexicon.from_file(ROOT / "bot/nlu/lexicons/asking_for.yml")
    assert values(asking, "my best mate died 3 months ago", "asking_for") == []
    assert values(asking, "asking for my friend, she is sad", "asking_for") == ["friend"]


@pytest.mark.parametrize(
    "text", ["my english not good", "Sorry my english is bad", "I need translator. I speak Bangla"]
)
def test_limited_english_is_the_interpreter_need(text: str) -> None:
    needs = Lexicon.from_file(ROOT / "bot/nlu/lexicons/needs.yml")
    assert "interpreter" in values(needs, text, "need"), needs.find(text)


@pytest.mark.parametrize(
    "text",
    [
        "my english little, my girl 9 not eating",
        "can the nurse talk Urdu to my mother?",
        "is there a Tigrinya interpreter at the clinic",
        "who will translate for me at the appointment",
    ],
)
def test_asking_for_a_language_or_a_translator_is_the_interpreter_need(text: str) -> None:
    """ "the doctor speak Bengali? I need pay for translate?" found no need (issue 14, behaviour 6)."""
    needs = Lexicon.from_file(ROOT / "bot/nlu/lexicons/needs.yml")
    assert values(needs, text, "need") == ["interpreter"], needs.find(text)


def test_a_language_is_not_heritage_but_heritage_still_counts() -> None:
    """ "can we speak Somali with the doctor?" was read as Black or mixed heritage, and searched again."""
    needs = Lexicon.from_file(ROOT / "bot/nlu/lexicons/needs.yml")
    assert values(needs, "can we speak somali with the doctor", "need") == ["interpreter"]
    assert values(needs, "my son is somali and the only black boy in his class", "need") == [
        "black_mixed_heritage"
    ]


@pytest.mark.parametrize(
    "text, role",
    [
        ("sorry for bad english. daughter 14 years, cry every night", "parent"),
        ("son 8, always angry at school, we are in Brent", "parent"),
        ("I'm a receptionist at our surgery and a dad is asking what to do", "professional"),
        ("Practice nurse here, teenage patient with low mood", "professional"),
    ],
)
def test_who_is_asking_from_a_child_named_with_an_age_or_a_front_desk_job(
    roles: Lexicon, text: str, role: str
) -> None:
    assert values(roles, text, "role") == [role], roles.find(text)


def test_my_mum_or_my_school_only_hints_at_a_young_person(roles: Lexicon) -> None:
    """A parent ("my mum keeps saying he needs CAMHS") or a teacher ("my school") mentions these too: they
    are hints (the form reads them only while no one has said who is asking), and a stronger hit wins."""
    (hit,) = roles.find("my mum keeps saying he should see someone")
    assert (hit.value, hit.hint) == ("young_person", True)
    (hit,) = roles.find("im 15 and my dad doesnt listen")
    assert (hit.value, hit.hint) == ("young_person", False)
    (hit,) = roles.find("im a teacher and my school has no counsellor")
    assert (hit.value, hit.hint) == ("professional", False)


@pytest.mark.parametrize(
    "text", ["16. islington n7", "21 f, lewisham, anxious all the time", "15f, camden, cant sleep"]
)
def test_an_age_opening_the_message_hints_at_someone_asking_for_themselves(roles: Lexicon, text: str) -> None:
    (hit,) = roles.find(text)
    assert (hit.value, hit.hint) == ("young_person", True)


@pytest.mark.parametrize(
    "text",
    [
        "hes 13. Tooting. angry all the time, slamming doors, wont talk to me since me and his mum split",
        "she cry every morning, say stomach hurt. she is 10, we live Haringey",
    ],
)
def test_a_childs_age_told_in_the_third_person_hints_at_a_parent(roles: Lexicon, text: str) -> None:
    """ "hes 13. Tooting..." was asked "Who are you looking for support for?" before any list."""
    (hit,) = roles.find(text)
    assert (hit.value, hit.hint) == ("parent", True)


@pytest.mark.parametrize(
    "text, role",
    [("my friend, she's 15 and being bullied", "young_person"), ("she's 14 and my pupil", "professional")],
)
def test_a_friend_or_a_pupil_outweighs_the_parent_hint(roles: Lexicon, text: str, role: str) -> None:
    (hit,) = roles.find(text)
    assert (hit.value, hit.hint) == (role, False)
