"""Needs and identity (issue 14, behaviour 6): groups a person volunteers change the list, eligibility holds."""

from __future__ import annotations

import itertools

import pytest

from directory.db import session_scope
from directory.matching import MatchQuery, count_services, excluded_for, find_services
from directory.records import needs_index


def find(engine, limit: int = 5, **query) -> list:
    with session_scope(engine) as session:
        return find_services(session, MatchQuery(**query), limit=limit)


def test_services_only_for_a_group_are_never_shown_to_anyone_else(loaded_engine) -> None:
    only_for = {sid: groups for sid, (groups, _) in needs_index().items() if groups}
    assert {"growing-minds", "listening-works", "lac-camhs-bi-borough"} <= set(only_for)
    with session_scope(loaded_engine) as session:
        for age, borough, role, concerns in itertools.product(
            [None, 9, 15, 19, 24],
            ["Hackney", "Westminster", "Kensington and Chelsea"],
            ["young_person", "parent", "professional"],
            [[], ["anxiety"], ["loneliness"], ["trauma"], ["neurodevelopmental"], ["identity"]],
        ):
            shown = find_services(
                session, MatchQuery(age=age, borough=borough, concerns=concerns, role=role), 20
            )
            assert not {r.id for r in shown} & set(only_for), (age, borough, role, concerns)


def test_a_black_young_person_in_hackney_gets_growing_minds_first(loaded_engine) -> None:
    results = find(
        loaded_engine, age=15, borough="Hackney", concerns=["anxiety"], needs=["black_mixed_heritage"]
    )
    assert results[0].id == "growing-minds"
    assert "growing-minds" not in [
        r.id for r in find(loaded_engine, age=15, borough="Hackney", concerns=["anxiety"])
    ]


def test_a_care_leaver_gets_the_care_leavers_line_and_others_do_not(loaded_engine) -> None:
    lonely = dict(age=19, borough="Hackney", concerns=["loneliness"])
    assert find(loaded_engine, needs=["care_experienced"], **lonely)[0].id == "listening-works"
    assert "listening-works" not in [r.id for r in find(loaded_engine, **lonely)]


def test_lgbtq_support_comes_first_when_volunteered(loaded_engine) -> None:
    results = find(loaded_engine, age=17, borough="Hackney", concerns=["low_mood"], needs=["lgbtq"])
    assert results[0].id == "off-centre"


def test_age_limits_hold_at_both_ends_with_needs(loaded_engine) -> None:
    for age in (8, 26):
        for result in find(loaded_engine, age=age, borough="Hackney", concerns=["anxiety"], needs=["lgbtq"]):
            assert result.age_min is None or result.age_min <= age, result.id
            assert result.age_max is None or age <= result.age_max, result.id


def test_over_25_gets_no_local_service_without_a_stated_upper_age(loaded_engine) -> None:
    results = find(loaded_engine, age=26, borough="Hackney", concerns=["low_mood"], limit=20)
    assert results
    for result in results:
        assert result.age_max is not None or result.locality in ("national", "online"), result.id
        assert result.age_max is None or result.age_max >= 26, result.id
    assert "wellfamily-plus" in [r.id for r in find(loaded_engine, age=20, borough="Hackney", limit=20)]


@pytest.mark.parametrize("needs", [(), ("care_experienced",), ("black_mixed_heritage", "lgbtq")])
def test_the_count_agrees_with_the_list(loaded_engine, needs) -> None:
    query = MatchQuery(age=19, borough="Hackney", concerns=["loneliness"], needs=needs)
    with session_scope(loaded_engine) as session:
        assert count_services(session, query) == len(find_services(session, query, limit=200))


def test_excluded_for_leaves_out_what_the_person_belongs_to() -> None:
    assert "listening-works" in excluded_for(frozenset())
    assert "listening-works" not in excluded_for(frozenset({"care_experienced"}))
