"""directory.places: borough names, aliases, misspellings, neighbourhoods, postcodes, outside London."""

from __future__ import annotations

from pathlib import Path

import pytest

from directory.places import (
    OUTSIDE_LONDON,
    PlaceMatch,
    find_places,
    fold,
    load_places,
    london_boroughs,
    resolve_place,
    trust_for,
)

CONTRACT_BOROUGHS = (
    "Barking and Dagenham, Barnet, Bexley, Brent, Bromley, Camden, City of London, Croydon, Ealing, Enfield, "
    "Greenwich, Hackney, Hammersmith and Fulham, Haringey, Harrow, Havering, Hillingdon, Hounslow, Islington, "
    "Kensington and Chelsea, Kingston upon Thames, Lambeth, Lewisham, Merton, Newham, Redbridge, "
    "Richmond upon Thames, Southwark, Sutton, Tower Hamlets, Waltham Forest, Wandsworth, Westminster"
).split(", ")

# One well-known neighbourhood (or town centre) per borough.
NEIGHBOURHOODS = {
    "Barking and Dagenham": "Becontree",
    "Barnet": "Finchley",
    "Bexley": "Bexleyheath",
    "Brent": "Wembley",
    "Bromley": "Orpington",
    "Camden": "Camden Town",
    "City of London": "Barbican",
    "Croydon": "Thornton Heath",
    "Ealing": "Southall",
    "Enfield": "Edmonton",
    "Greenwich": "Woolwich",
    "Hackney": "Dalston",
    "Hammersmith and Fulham": "Shepherd's Bush",
    "Haringey": "Tottenham",
    "Harrow": "Wealdstone",
    "Havering": "Romford",
    "Hillingdon": "Uxbridge",
    "Hounslow": "Chiswick",
    "Islington": "Holloway",
    "Kensington and Chelsea": "Notting Hill",
    "Kingston upon Thames": "Surbiton",
    "Lambeth": "Brixton",
    "Lewisham": "Catford",
    "Merton": "Wimbledon",
    "Newham": "Stratford",
    "Redbridge": "Ilford",
    "Richmond upon Thames": "Twickenham",
    "Southwark": "Peckham",
    "Sutton": "Carshalton",
    "Tower Hamlets": "Whitechapel",
    "Waltham Forest": "Walthamstow",
    "Wandsworth": "Battersea",
    "Westminster": "Paddington",
}


def place(text: str) -> PlaceMatch:
    match = resolve_place(text)
    assert match is not None, text
    return match


def test_borough_list_and_trusts_match_the_contract() -> None:
    assert list(london_boroughs()) == CONTRACT_BOROUGHS
    assert {trust_for(b) for b in CONTRACT_BOROUGHS} == {
        "cnwl",
        "elft",
        "wlt",
        "slam",
        "swlstg",
        "oxleas",
        "nelft",
        "nlft",
    }
    assert trust_for(OUTSIDE_LONDON) is None and trust_for("Atlantis") is None


@pytest.mark.parametrize("borough", CONTRACT_BOROUGHS)
def test_every_borough_by_its_own_name_in_a_sentence(borough: str) -> None:
    match = place(f"we live in {borough.lower()} at the moment")
    assert (match.borough, match.kind, match.nhs_trust) == (borough, "borough", trust_for(borough))


@pytest.mark.parametrize("borough,neighbourhood", sorted(NEIGHBOURHOODS.items()))
def test_a_neighbourhood_of_every_borough(borough: str, neighbourhood: str) -> None:
    match = place(f"I'm from {neighbourhood}")
    assert (match.borough, match.kind) == (borough, "neighbourhood")
    assert match.text == neighbourhood


@pytest.mark.parametrize(
    "text,borough",
    [
        ("hakney", "Hackney"),
        ("westminister", "Westminster"),
        ("kensington", "Kensington and Chelsea"),
        ("k&c", "Kensington and Chelsea"),
        ("K & C", "Kensington and Chelsea"),
        ("RBKC", "Kensington and Chelsea"),
        ("the city", "City of London"),
        ("tower hamlets", "Tower Hamlets"),
        ("towerhamlets", "Tower Hamlets"),
        ("hammersmith", "Hammersmith and Fulham"),
        ("Fulham", "Hammersmith and Fulham"),
        ("H&F", "Hammersmith and Fulham"),
        ("Richmond", "Richmond upon Thames"),
        ("Kingston", "Kingston upon Thames"),
        ("kingston-upon-thames", "Kingston upon Thames"),
        ("barking & dagenham", "Barking and Dagenham"),
        ("lbbd", "Barking and Dagenham"),
        ("haringay", "Haringey"),
        ("harringay", "Haringey"),
        ("walthamforest", "Waltham Forest"),
        ("city of westminster", "Westminster"),
        ("royal borough of greenwich", "Greenwich"),
    ],
)
def test_aliases(text: str, borough: str) -> None:
    match = place(text)
    assert match.borough == borough
    assert match.kind in ("alias", "borough")


@pytest.mark.parametrize(
    "text,borough",
    [
        ("i live in hackny", "Hackney"),
        ("lewisam", "Lewisham"),
        ("wandsworh", "Wandsworth"),
        ("kensignton", "Kensington and Chelsea"),
        ("islingtn", "Islington"),
        ("southwrk", "Southwark"),
        ("Hammersmiht and Fulham", "Hammersmith and Fulham"),
        ("waltham forrest", "Waltham Forest"),
        ("stoke newinton", "Hackney"),
        ("notting hil", "Kensington and Chelsea"),
        ("walthamstw", "Waltham Forest"),
        ("Croyden", "Croydon"),
        ("lambeht", "Lambeth"),
        ("Greenwhich", "Greenwich"),
        ("stratferd", "Newham"),
        ("hillingdn", "Hillingdon"),
        ("Enfeild", "Enfield"),
        ("Brixtonn", "Lambeth"),
        ("hackneyyyy", "Hackney"),
    ],
)
def test_small_misspellings(text: str, borough: str) -> None:
    assert place(text).borough == borough


def test_misspellings_are_flagged_and_exact_names_are_not() -> None:
    assert place("islingtn").fuzzy is True
    assert place("islington").fuzzy is False


@pytest.mark.parametrize(
    "text",
    [
        "i'm not eating",
        "i keep working late",
        "it's so popular",
        "willing to try",
        "take a bow",
        "i put money in the bank",
        "my daughter victoria is 12",
        "i support chelsea",
        "the city is so loud and I hate it here",
        "my city",
        "barking mad",
        "eating and sleeping badly",
        "i love cr7",
        "vitamin b12",
        "n2o",
        "we went to the bank",
        "I feel like an angel",
        "hayes is my surname",
        "I am so bored",
        "hacked my account",
        "i'm stressed",
        "my mum's called Chelsea",
        "i play hockey",
        "brent is my friend",
    ],
)
def test_ordinary_words_are_not_places(text: str) -> None:
    assert find_places(text) == [], find_places(text)


@pytest.mark.parametrize(
    "text,borough",
    [
        ("i live in bow", "Tower Hamlets"),
        ("Bow", "Tower Hamlets"),
        ("near Bank", "City of London"),
        ("i live in chelsea", "Kensington and Chelsea"),
        ("we're in Victoria", "Westminster"),
        ("living in barking", "Barking and Dagenham"),
        ("from the angel", None),
        ("in Angel", "Islington"),
        ("brent council", "Brent"),
        ("hayes", "Hillingdon"),
        ("i work in the city", "City of London"),
    ],
)
def test_common_word_names_need_a_place_cue_or_a_whole_answer(text: str, borough: str | None) -> None:
    match = resolve_place(text)
    assert (match.borough if match else None) == borough


def test_bromley_by_bow_is_tower_hamlets_not_bromley() -> None:
    match = place("we live in Bromley-by-Bow")
    assert (match.borough, match.place, match.text) == ("Tower Hamlets", "Bromley-by-Bow", "Bromley-by-Bow")
    assert place("bromley by bow").borough == "Tower Hamlets"
    assert place("Bromley").borough == "Bromley"


@pytest.mark.parametrize(
    "text,borough",
    [
        ("Shoreditch", "Hackney"),
        ("dalston", "Hackney"),
        ("Stoke Newington", "Hackney"),
        ("Homerton", "Hackney"),
        ("Hackney Wick", "Hackney"),
        ("Clapton", "Hackney"),
        ("North Kensington", "Kensington and Chelsea"),
        ("Earl's Court", "Kensington and Chelsea"),
        ("earls court", "Kensington and Chelsea"),
        ("South Kensington", "Kensington and Chelsea"),
        ("Ladbroke Grove", "Kensington and Chelsea"),
        ("Soho", "Westminster"),
        ("Mayfair", "Westminster"),
        ("Marylebone", "Westminster"),
        ("Maida Vale", "Westminster"),
        ("St John's Wood", "Westminster"),
        ("st johns wood", "Westminster"),
        ("Pimlico", "Westminster"),
        ("Queen's Park", "Westminster"),
        ("we live on church street", "Westminster"),
        ("Westbourne", "Westminster"),
        ("Bayswater", "Westminster"),
        ("Moorgate", "City of London"),
        ("Liverpool Street", "City of London"),
        ("Peckham", "Southwark"),
        ("Croydon", "Croydon"),
        ("Camden Town", "Camden"),
        ("Catford", "Lewisham"),
        ("Poplar", "Tower Hamlets"),
        ("Clapham Junction", "Wandsworth"),
        ("Elephant and Castle", "Southwark"),
    ],
)
def test_core_and_other_neighbourhoods(text: str, borough: str) -> None:
    assert place(text).borough == borough


def test_clapham_is_lambeth_with_wandsworth_as_alternative() -> None:
    match = place("clapham")
    assert (match.borough, match.alternatives) == ("Lambeth", ("Wandsworth",))


@pytest.mark.parametrize(
    "text,borough,district",
    [
        ("E8", "Hackney", "E8"),
        ("e8", "Hackney", "E8"),
        ("E5", "Hackney", "E5"),
        ("N16", "Hackney", "N16"),
        ("E9 7HU", "Hackney", "E9"),
        ("E8 1DY", "Hackney", "E8"),
        ("e81dy", "Hackney", "E8"),
        ("W10", "Kensington and Chelsea", "W10"),
        ("W10 5QJ", "Kensington and Chelsea", "W10"),
        ("w11", "Kensington and Chelsea", "W11"),
        ("SW3", "Kensington and Chelsea", "SW3"),
        ("sw5 9aa", "Kensington and Chelsea", "SW5"),
        ("W8", "Kensington and Chelsea", "W8"),
        ("SW1A", "Westminster", "SW1A"),
        ("SW1A 1AA", "Westminster", "SW1A"),
        ("sw1p3bt", "Westminster", "SW1P"),
        ("W2", "Westminster", "W2"),
        ("w9", "Westminster", "W9"),
        ("NW8", "Westminster", "NW8"),
        ("W1D 3QF", "Westminster", "W1D"),
        ("EC2", "City of London", "EC2"),
        ("EC2V 7HH", "City of London", "EC2V"),
        ("ec3a", "City of London", "EC3A"),
        ("EC4M 8AD", "City of London", "EC4M"),
        ("EC2A", "Hackney", "EC2A"),
        ("SE15", "Southwark", "SE15"),
        ("CR0 1AA", "Croydon", "CR0"),
        ("RM1", "Havering", "RM1"),
        ("TW1 3AA", "Richmond upon Thames", "TW1"),
        ("UB8", "Hillingdon", "UB8"),
    ],
)
def test_postcodes_and_districts(text: str, borough: str, district: str) -> None:
    match = place(f"we're in {text}")
    assert (match.borough, match.kind, match.place) == (borough, "postcode", district)
    assert match.text == text


def test_straddling_districts_list_the_other_boroughs() -> None:
    assert place("E1").alternatives == ("City of London", "Hackney")
    assert place("W10").alternatives == ("Westminster",)
    assert place("E8").alternatives == ()


@pytest.mark.parametrize("text", ["M1 1AE", "B12 9QT", "DA2 6QE", "KT10", "TW15", "CR6", "EN6"])
def test_postcodes_outside_london(text: str) -> None:
    assert place(text).borough == OUTSIDE_LONDON


@pytest.mark.parametrize("text", ["B12", "M25", "A1", "N99", "E99", "Y9", "X5"])
def test_bare_non_london_districts_are_ignored(text: str) -> None:
    assert resolve_place(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "manchester",
        "I live in Birmingham",
        "kent",
        "we're in Essex",
        "scotland",
        "Wales",
        "from leeds",
        "outside london",
        "not in london",
        "near Watford",
        "stoke-on-trent",
        "i live in milton keynes",
        "Manchster",
    ],
)
def test_outside_london(text: str) -> None:
    match = place(text)
    assert (match.borough, match.kind, match.nhs_trust) == (OUTSIDE_LONDON, "outside_london", None)


def test_london_names_containing_outside_names_win() -> None:
    assert place("near liverpool street").borough == "City of London"
    assert place("Leicester Square").borough == "Westminster"
    assert place("Surrey Quays").borough == "Southwark"
    assert place("old kent road").borough == "Southwark"


def test_span_and_trust_in_a_full_message() -> None:
    text = "im 15 live in hakney n feel rly low"
    match = place(text)
    assert (match.borough, match.nhs_trust, match.kind, match.text) == ("Hackney", "elft", "alias", "hakney")
    assert text[match.start : match.end] == "hakney"


def test_prefers_where_someone_lives() -> None:
    text = "I go to school in Islington but live in Hackney"
    assert [m.borough for m in find_places(text)] == ["Islington", "Hackney"]
    assert place(text).borough == "Hackney"
    assert place("Camden, and my school is in Brent").borough == "Camden"


@pytest.mark.parametrize(
    "text",
    ["", "   ", "\x00\x01\x02", "😀😀😀", "Привет, как дела", "🏳️‍🌈", "a" * 100_000, "E8 " * 30_000, None, 42],
)
def test_never_raises_on_odd_input(text) -> None:
    matches = find_places(text)  # type: ignore[arg-type]
    assert isinstance(matches, list)


def test_accents_and_curly_quotes() -> None:
    assert place("Earl\u2019s Court").borough == "Kensington and Chelsea"
    assert place("HÁCKNEY").borough == "Hackney"


def test_data_file_is_consistent() -> None:
    places = load_places()
    known = set(CONTRACT_BOROUGHS) | {OUTSIDE_LONDON}
    for district, boroughs in places.districts.items():
        assert set(boroughs) <= known, district
    for entry in places.phrases.values():
        assert entry.kind == "not_a_place" or (entry.borough in known and set(entry.alternatives) <= known)
    for core in ("E5", "E8", "E9", "N16", "W10", "W11", "SW3", "SW1A", "EC2V", "W2", "NW8"):
        assert core in places.districts


DICTIONARY = Path("/usr/share/dict/british-english")
# Dictionary words that mean the place anyway ("hackneys" is a plural of the place name).
ALLOWED_NEAR_MISSES = {"hackneys", "harrows", "midland", "surreys"}


@pytest.mark.skipif(not DICTIONARY.exists(), reason="word list not installed (apt-get install wbritish)")
def test_no_everyday_word_is_read_as_a_misspelled_place() -> None:
    words = {
        fold(w.strip()) for w in DICTIONARY.read_text(encoding="utf-8").splitlines() if w.strip().islower()
    }
    hits = {w: [m.place for m in find_places(w)] for w in words if w.isalpha() and len(w) >= 5}
    wrong = {
        w: p
        for w, p in hits.items()
        if p and w not in ALLOWED_NEAR_MISSES and all(m.fuzzy for m in find_places(w))
    }
    assert not wrong, f"add these to fuzzy_never in places.yml: {sorted(wrong)[:40]}"


@pytest.mark.parametrize(
    "text",
    [
        "im 22 is that too old for this",
        "My 15 year old has just admitted it",
        "my 14 year old has gone missing",
        "new cros",
        "the old kent",
    ],
)
def test_misspelling_tolerance_never_spans_everyday_words(text: str) -> None:
    assert find_places(text) == []


def test_glued_and_split_names() -> None:
    assert place("stokenewington").borough == "Hackney"
    assert place("towerhamlet").borough == "Tower Hamlets"
    assert place("stoke newinton").borough == "Hackney"


@pytest.mark.parametrize(
    "text",
    [
        "what's that in Greenwich Mean Time",
        "I support Chelsea FC",
        "west ham united",
        "i'm from new york",
        "on the victoria line",
        "bank holiday monday",
    ],
)
def test_names_that_contain_a_place_but_are_not_one(text: str) -> None:
    assert find_places(text) == []


def test_not_places_do_not_hide_real_places() -> None:
    assert place("Greenwich").borough == "Greenwich"
    assert place("we live in west ham").borough == "Newham"


@pytest.mark.parametrize(
    "text,borough",
    [
        ("we moved from leeds to hackney last year", "Hackney"),
        ("I'm 22 and at uni in Manchester but from Croydon originally", OUTSIDE_LONDON),
        ("i'm from Peckham but my school is in Lewisham", "Southwark"),
        ("my school is in Camden, we're based in Brent", "Brent"),
        ("Islington, near Camden", "Islington"),
    ],
)
def test_which_place_is_home(text: str, borough: str) -> None:
    assert place(text).borough == borough
