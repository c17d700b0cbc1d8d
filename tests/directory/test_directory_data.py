"""The real seed data: valid, sourced, and never showing a number or address the reference does not hold."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from directory import vocab
from directory.concerns import expand, load_concerns, resolve_concern
from directory.records import SERVICES_DIR, read_services
from tests.support.reference import check_numbers_script, reference_dir

REFERENCE_DIR = reference_dir()
CHECK_NUMBERS = check_numbers_script()
DATA_DIR = Path(__file__).resolve().parents[2] / "directory" / "data"
CONTRACT_CONCERNS = {
    "anxiety",
    "low_mood",
    "self_harm",
    "eating",
    "sleep",
    "anger_behaviour",
    "bereavement",
    "bullying",
    "relationships_family",
    "school_stress",
    "identity",
    "body_image",
    "substance_use",
    "neurodevelopmental",
    "trauma",
    "loneliness",
    "parenting",
    "general",
}
# Wrong or low confidence in the reference: must never be shown (digits only).
BANNED_NUMBERS = {"0800023465", "08009173333", "07860039967", "07786209697", "88247", "02032285980"}
DIRECT = vocab.DIRECT_ROUTES


@pytest.fixture(scope="module")
def records():
    return {r.id: r for r in read_services()}


@pytest.fixture(scope="module")
def reference_text() -> str:
    if not REFERENCE_DIR.is_dir():
        pytest.skip(f"{REFERENCE_DIR} not available")
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(REFERENCE_DIR.glob("*.md")))


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def test_seed_data_is_valid_and_covers_every_area(records):
    by_area = {}
    for record in records.values():
        for area in ["London"] if record.scope == vocab.SCOPE_LONDON else record.areas:
            by_area[area] = by_area.get(area, 0) + 1
    assert len(records) >= 80
    assert by_area["Westminster"] >= 25 and by_area["Kensington and Chelsea"] >= 25
    assert by_area["Hackney"] >= 20 and by_area["City of London"] >= 15
    assert by_area["National"] + by_area["Online"] >= 12
    assert by_area["London"] == 1  # Good Thinking


def test_the_national_services_the_brief_names_are_present(records):
    for service_id in (
        "childline",
        "shout",
        "samaritans",
        "papyrus-hopeline247",
        "youngminds-parents-helpline",
        "the-mix",
        "beat-youthline",
        "nspcc-helpline",
        "kooth",
        "good-thinking",
        "hub-of-hope",
        "nhs-111-mental-health",
        "cnwl-24-7-line",
        "elft-city-hackney-crisis-line",
    ):
        assert service_id in records, service_id


def test_every_london_borough_has_an_nhs_24_7_line_or_111(records):
    crisis_areas = {a for r in records.values() if r.is_24_7 and "self_harm" in r.concerns for a in r.areas}
    missing = set(__import__("directory.places", fromlist=["x"]).london_boroughs()) - crisis_areas
    assert missing <= {"Camden", "Islington"}  # reference: use 111 (national) there
    assert "National" in crisis_areas


def test_every_phone_number_in_the_yaml_is_in_the_reference(reference_text):
    reference_digits = {_digits(m) for m in re.findall(r"\d[\d ]{1,14}\d", reference_text)}
    found = []
    for path in sorted(SERVICES_DIR.glob("*.yml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        for service in document["services"]:
            for contact in service.get("contacts") or []:
                if contact["type"] in ("phone", "text"):
                    found.append((path.name, service["id"], _digits(contact["value"])))
    assert len(found) >= 20
    for file, service_id, number in found:
        assert number not in BANNED_NUMBERS, f"{file}: {service_id}: banned number {number}"
        assert number in reference_digits, f"{file}: {service_id}: {number} is not in the reference"


def test_no_banned_number_appears_anywhere_in_the_data_files():
    for path in DATA_DIR.rglob("*.yml"):
        numbers = {_digits(m) for m in re.findall(r"\d(?:[\d ]*\d)?", path.read_text(encoding="utf-8"))}
        assert not numbers & BANNED_NUMBERS, f"{path.name} contains {numbers & BANNED_NUMBERS}"


def test_every_website_and_email_is_written_in_the_reference(records, reference_text):
    lowered = reference_text.lower()
    for record in records.values():
        for contact in record.contacts:
            if contact.kind in ("website", "email"):
                assert contact.value.lower() in lowered, f"{record.id}: {contact.value} not in the reference"


def test_shared_number_checker_passes_on_the_directory_data():
    if not CHECK_NUMBERS.exists():
        pytest.skip(f"{CHECK_NUMBERS} not available")
    run = subprocess.run(
        [sys.executable, str(CHECK_NUMBERS), str(REFERENCE_DIR), str(DATA_DIR)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert ", 0 not in the reference" in run.stdout


def test_cnwl_uses_the_verified_number_not_the_seed_typo(records):
    assert records["cnwl-24-7-line"].first("phone") == "0800 0234 650"
    assert records["cnwl-24-7-line"].is_24_7


def test_left_out_facts_stay_out(records):
    assert records["the-mix"].hours is None
    assert records["beat-youthline"].hours is None and records["beat-helpline"].hours is None
    assert records["hub-of-hope"].first("website") is None
    assert [c for c in records["papyrus-hopeline247"].contacts if c.kind == "text"] == []
    assert "chat" not in (records["childline"].hours or "").lower().replace(
        "check childline.org.uk for online chat times", ""
    )


def test_kooth_ages_follow_each_source(records):
    assert (records["kooth-city-hackney"].age_min, records["kooth-city-hackney"].age_max) == (11, 19)
    assert "11-18" in records["kooth-city-hackney"].notes
    bb = records["kooth-westminster-kensington-chelsea"]
    assert (bb.age_min, bb.age_max) == (11, 25)
    national = records["kooth"]
    assert (national.age_min, national.age_max, national.areas) == (10, 25, ("Online",))
    assert "it depends where you live" in national.summary
    assert bb.variant_of == "kooth" and records["kooth-city-hackney"].variant_of == "kooth"


@pytest.mark.parametrize(
    "service_id",
    [
        "cnwl-specialist-camhs",
        "elft-specialist-camhs-city-hackney",
        "camhs-disability-city-hackney",
        "coborn-centre",
        "mhst-westminster-kensington-chelsea",
        "mhst-city-hackney",
        "bi-borough-educational-psychology",
        "cnwl-adolescent-community-treatment",
    ],
)
def test_referral_only_services_have_no_direct_route(records, service_id):
    routes = set(records[service_id].how_to_refer)
    assert routes and not routes & DIRECT and routes <= {"professional", "gp", "school"}


def test_every_service_is_sourced_dated_and_medium_facts_say_check(records):
    for record in records.values():
        assert record.source and record.last_verified.isoformat() == "2026-11-25"
        if record.confidence == "medium":
            assert "check" in record.notes.lower(), record.id


def test_concerns_file_matches_the_contract_and_synonyms_are_unambiguous():
    concerns = load_concerns()
    assert set(concerns) == CONTRACT_CONCERNS
    synonyms = [s for c in concerns.values() for s in c.synonyms]
    assert len(synonyms) == len(set(synonyms)), "a synonym maps to two concerns"
    assert all(c.label and c.description for c in concerns.values())


def test_concern_relations_are_data_driven():
    assert resolve_concern("panic") == "anxiety"
    assert resolve_concern("Panic Attacks") == "anxiety"
    assert resolve_concern("low mood") == "low_mood"
    assert resolve_concern("gibberish") is None
    tiers = expand(["anxiety"])
    assert tiers["anxiety"] == 0 and tiers["school_stress"] == 1 and tiers["general"] == 2
    assert "self_harm" not in expand(["low_mood"])  # related is one-way: low mood never pulls crisis lines
    assert expand([]) == {"general": 0} == expand(["general"])
    with pytest.raises(ValueError):
        expand(["not_a_code"])


@pytest.mark.parametrize(
    "text, code",
    [
        ("panic", "anxiety"),
        ("Panic attacks", "anxiety"),
        ("anxiety attack", "anxiety"),
        ("overthinking", "anxiety"),
        ("not eating", "eating"),
        ("making myself sick", "eating"),
        ("can't stop eating", "eating"),
        ("feeling down", "low_mood"),
        ("self harming", "self_harm"),
        ("suicidal thoughts", "self_harm"),
        ("someone died", "bereavement"),
        ("no one to talk to", "loneliness"),
        ("someone to talk to", "general"),
    ],
)
def test_everyday_words_reach_a_concern_through_the_data(text, code):
    assert resolve_concern(text) == code
