"""Matching rules and ranking, on the real seed data and on small made-up directories, for both backends."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import event

from directory import vocab
from directory.db import session_scope
from directory.loader import load_directory
from directory.matching import (
    PAYLOAD_KEYS,
    MatchQuery,
    count_services,
    find_services,
    professional_routes,
    service_payload,
)

AGES = [None, 0, 4, 9, 11, 14, 16, 18, 21, 25]
BOROUGHS = [
    "Hackney",
    "City of London",
    "Westminster",
    "Kensington and Chelsea",
    "Lambeth",
    "Outside London",
    "Not given",
    None,
]
ROLES = ["young_person", "parent", "professional", None]
CONCERN_SETS = [[], ["anxiety"], ["self_harm"], ["eating"], ["parenting"], ["low_mood", "bullying"]]
SCOPE_RANK = {"local": 0, "london": 1, "national": 2, "online": 2}
TIER = {"exact": 0, "related": 1, "general": 2}


def find(engine, limit=5, **query):
    with session_scope(engine) as session:
        return find_services(session, MatchQuery(**query), limit=limit)


def ids(results) -> list:
    return [r.id for r in results]


def _allowed_for(result, age, borough, role) -> list:
    """Every rule a shown service must pass; returns the broken ones."""
    broken = []
    if age is not None and (
        (result.age_min is not None and age < result.age_min)
        or (result.age_max is not None and age > result.age_max)
    ):
        broken.append("age")
    in_london = borough in ("Hackney", "City of London", "Westminster", "Kensington and Chelsea", "Lambeth")
    if not (set(result.areas) & {"National", "Online"} or (in_london and borough in result.areas)):
        broken.append("area")
    role = role or "young_person"
    if role == "young_person":
        if "young_person" not in result.audiences:
            broken.append("audience")
        if not set(result.how_to_refer) & vocab.DIRECT_ROUTES:
            broken.append("referral-only")
    if role == "parent":
        if not set(result.audiences) & {"parent", "young_person"}:
            broken.append("audience")
        if not set(result.how_to_refer) & vocab.DIRECT_ROUTES:
            broken.append("referral-only")
    return broken


def _rank_key(result, role, urgent):
    role = role or "young_person"
    key = [0 if (result.is_24_7 or not urgent) else 1, 0 if TIER[result.concern_match] <= 1 else 1]
    if role == "parent":
        key.append(0 if "parent" in result.audiences else 1)
    key += [SCOPE_RANK[result.locality], TIER[result.concern_match]]
    if role == "young_person":
        key.append(0 if set(result.how_to_refer) & vocab.SELF_ROUTES else 1)
    return tuple(key)


def test_rules_and_ranking_hold_for_every_kind_of_person(loaded_engine):
    """No one is ever shown a service they cannot use; the documented ranking order always holds; 3-5 results."""
    checked = 0
    with session_scope(loaded_engine) as session:
        for age, borough, role, concerns in itertools.product(AGES, BOROUGHS, ROLES, CONCERN_SETS):
            results = find_services(
                session, MatchQuery(age=age, borough=borough, concerns=concerns, role=role)
            )
            where = f"age={age} borough={borough} role={role} concerns={concerns}"
            assert 3 <= len(results) <= 5, f"{where}: {ids(results)}"
            assert len(set(ids(results))) == len(results), where
            for result in results:
                assert not _allowed_for(result, age, borough, role), (
                    f"{where}: {result.id} {_allowed_for(result, age, borough, role)}"
                )
                assert result.reason
            keys = [_rank_key(r, role, "self_harm" in concerns) for r in results]
            assert keys == sorted(keys), f"{where}: {list(zip(ids(results), keys, strict=False))}"
            checked += 1
    assert checked == len(AGES) * len(BOROUGHS) * len(ROLES) * len(CONCERN_SETS)


def test_local_services_come_first_with_plain_reasons(loaded_engine):
    results = find(loaded_engine, age=14, borough="Hackney", concerns=["anxiety"], role="young_person")
    assert ids(results)[:2] == ["kooth-city-hackney", "first-steps"]
    assert results[0].reason == "in Hackney, for ages 11 to 19, you can refer yourself"
    assert results[0].locality == "local" and results[0].concern_match == "exact"
    localities = [r.locality for r in results]
    assert localities.index("local") < min(i for i, loc in enumerate(localities) if loc != "local")


def test_borough_is_case_insensitive(loaded_engine):
    lower = find(loaded_engine, age=14, borough="hackney", concerns=["anxiety"])
    assert ids(lower) == ids(find(loaded_engine, age=14, borough="HACKNEY ", concerns=["anxiety"]))
    assert lower[0].locality == "local"


@pytest.mark.parametrize("borough", ["Outside London", "Not given", None, "Atlantis"])
def test_outside_or_unknown_borough_gets_only_national_and_online(loaded_engine, borough):
    results = find(loaded_engine, age=15, borough=borough, concerns=["anxiety"])
    assert results and all(r.locality in ("national", "online") for r in results)


def test_wrong_age_is_never_listed(loaded_engine):
    assert "childline" not in ids(
        find(loaded_engine, age=19, borough="Hackney", concerns=["bullying"], limit=20)
    )
    assert "childline" in ids(find(loaded_engine, age=18, borough="Hackney", concerns=["bullying"], limit=20))
    assert "off-centre" not in ids(
        find(loaded_engine, age=15, borough="Hackney", concerns=["self_harm"], limit=50, role="professional")
    )


def test_wrong_area_is_never_listed(loaded_engine):
    westminster = ids(find(loaded_engine, age=14, borough="Westminster", concerns=["anxiety"], limit=50))
    assert "kooth-westminster-kensington-chelsea" in westminster
    assert not [i for i in westminster if i in ("first-steps", "kooth-city-hackney", "chyps-plus")]


def test_professional_only_and_parent_only_services_never_reach_a_young_person(loaded_engine):
    young = ids(find(loaded_engine, age=14, borough="Hackney", concerns=["anxiety", "parenting"], limit=50))
    assert "elft-specialist-camhs-city-hackney" not in young and "mhst-city-hackney" not in young
    assert "youngminds-parents-helpline" not in young
    parent = ids(
        find(
            loaded_engine,
            age=14,
            borough="Hackney",
            concerns=["anxiety", "parenting"],
            role="parent",
            limit=50,
        )
    )
    assert "youngminds-parents-helpline" in parent and "elft-specialist-camhs-city-hackney" not in parent
    professional = ids(
        find(loaded_engine, age=14, borough="Hackney", concerns=["anxiety"], role="professional", limit=50)
    )
    assert "elft-specialist-camhs-city-hackney" in professional and "mhst-city-hackney" in professional


def test_parents_see_parent_services_first(loaded_engine):
    results = find(loaded_engine, age=14, borough="Westminster", concerns=["eating"], role="parent")
    assert results[0].id == "beat-youthline"  # the only exact match; the family passes it on
    general = [r for r in results if r.concern_match == "general"]
    assert general and "parent" in general[0].audiences
    assert results[0].reason.endswith("your child can refer themselves")


def test_self_harm_lists_24_7_services_first(loaded_engine):
    results = find(loaded_engine, age=14, borough="Westminster", concerns=["self_harm"])
    assert all(r.is_24_7 for r in results)
    assert results[0].id == "cnwl-24-7-line" and "open 24/7" in results[0].reason
    assert "0800 0234 650" == results[0].phone


def test_kooth_local_contract_replaces_the_national_entry(loaded_engine):
    assert [i for i in ids(find(loaded_engine, age=14, borough="Hackney", limit=50)) if "kooth" in i] == [
        "kooth-city-hackney"
    ]
    assert not [i for i in ids(find(loaded_engine, age=10, borough="Hackney", limit=50)) if "kooth" in i]
    assert [i for i in ids(find(loaded_engine, age=24, borough="Westminster", limit=50)) if "kooth" in i] == [
        "kooth-westminster-kensington-chelsea"
    ]
    assert "kooth" in ids(find(loaded_engine, age=10, borough="Outside London", limit=50))
    assert "kooth" in ids(find(loaded_engine, age=14, borough="Lambeth", limit=50))


def test_professional_routes_are_the_ask_your_gp_or_school_list(loaded_engine):
    query = MatchQuery(age=14, borough="Hackney", concerns=["anxiety"], role="young_person")
    with session_scope(loaded_engine) as session:
        routes = professional_routes(session, query)
        assert (
            professional_routes(
                session, MatchQuery(age=14, borough="Hackney", concerns=["anxiety"], role="professional")
            )
            == []
        )
    assert 1 <= len(routes) <= 3
    assert routes[0].id == "elft-specialist-camhs-city-hackney"  # the front door before niche teams
    for result in routes:
        assert not set(result.how_to_refer) & vocab.DIRECT_ROUTES
        assert "Hackney" in result.areas
    assert (
        routes[0].reason
        == "in Hackney, for ages up to 18, a professional, like your GP or school, can refer you"
    )


def test_service_payload_matches_the_contract(loaded_engine):
    result = find(loaded_engine, age=14, borough="Westminster", concerns=["self_harm"])[0]
    payload = service_payload(result)
    assert (
        tuple(payload)
        == PAYLOAD_KEYS
        == (
            "id",
            "name",
            "summary",
            "age_min",
            "age_max",
            "areas",
            "concerns",
            "how_to_refer",
            "phone",
            "website",
            "hours",
        )
    )
    assert payload["id"] == "cnwl-24-7-line" and payload["phone"] == "0800 0234 650"
    assert payload["areas"] == ["Brent", "Harrow", "Hillingdon", "Kensington and Chelsea", "Westminster"]
    assert payload["how_to_refer"] == ["self"] and payload["website"] == "www.cnwl.nhs.uk"


@pytest.mark.parametrize(
    "query",
    [MatchQuery(role="teacher"), MatchQuery(concerns=["worry"]), MatchQuery(age=-1), MatchQuery(age="14")],
)
def test_bad_queries_fail_loudly(loaded_engine, query):
    with session_scope(loaded_engine) as session, pytest.raises(ValueError):
        find_services(session, query)


def test_query_count_does_not_grow_with_results(loaded_engine):
    """No N+1 and no second round trip: one statement ranks and returns the winners with their link values."""
    statements = []

    def count(*_args, **_kwargs):
        statements.append(1)

    event.listen(loaded_engine, "before_cursor_execute", count)
    try:
        find(loaded_engine, age=14, borough="Hackney", concerns=["anxiety"], limit=1)
        one = len(statements)
        statements.clear()
        many = find(loaded_engine, age=14, borough="Hackney", concerns=["anxiety"], limit=20)
        assert len(many) > 5
        assert len(statements) == one == 1
    finally:
        event.remove(loaded_engine, "before_cursor_execute", count)


# --- ranking rules on small made-up directories: each pair differs in one thing only -------------------------


def _load(engine, tmp_path, writer, services):
    writer(tmp_path, {"made_up.yml": services})
    load_directory(engine, tmp_path)


def test_rank_local_before_national(empty_engine, tmp_path, service_factory, services_writer):
    _load(
        empty_engine,
        tmp_path,
        services_writer,
        [
            service_factory(id="national-one", areas=["National"]),
            service_factory(id="local-one", areas=["Hackney"]),
        ],
    )
    assert ids(find(empty_engine, age=14, borough="Hackney", concerns=["anxiety"])) == [
        "local-one",
        "national-one",
    ]


def test_rank_exact_then_related_then_general(empty_engine, tmp_path, service_factory, services_writer):
    _load(
        empty_engine,
        tmp_path,
        services_writer,
        [
            service_factory(id="general-one", concerns=["general"]),
            service_factory(id="related-one", concerns=["school_stress"]),
            service_factory(id="exact-one", concerns=["anxiety"]),
        ],
    )
    results = find(empty_engine, age=14, borough="Hackney", concerns=["anxiety"])
    assert ids(results) == ["exact-one", "related-one", "general-one"]
    assert [r.concern_match for r in results] == ["exact", "related", "general"]


def test_rank_specific_national_before_general_local(
    empty_engine, tmp_path, service_factory, services_writer
):
    _load(
        empty_engine,
        tmp_path,
        services_writer,
        [
            service_factory(id="local-general", areas=["Hackney"], concerns=["general"]),
            service_factory(id="national-exact", areas=["National"], concerns=["eating"]),
        ],
    )
    assert ids(find(empty_engine, age=14, borough="Hackney", concerns=["eating"])) == [
        "national-exact",
        "local-general",
    ]


def test_rank_self_referral_before_parent_route_for_young_people(
    empty_engine, tmp_path, service_factory, services_writer
):
    _load(
        empty_engine,
        tmp_path,
        services_writer,
        [
            service_factory(id="via-parent", how_to_refer=["parent"]),
            service_factory(id="self-one", how_to_refer=["self"]),
        ],
    )
    results = find(empty_engine, age=14, borough="Hackney", concerns=["anxiety"])
    assert ids(results) == ["self-one", "via-parent"]
    assert results[1].reason.endswith("a parent or carer can get in touch for you")
    assert ids(find(empty_engine, age=14, borough="Hackney", concerns=["anxiety"], referral="parent")) == [
        "via-parent"
    ]
    assert ids(find(empty_engine, age=14, borough="Hackney", concerns=["anxiety"], referral="self")) == [
        "self-one"
    ]


def test_rank_tighter_age_fit_first(empty_engine, tmp_path, service_factory, services_writer):
    _load(
        empty_engine,
        tmp_path,
        services_writer,
        [
            service_factory(id="wide", age_min=0, age_max=25),
            service_factory(id="no-ages", drop=("age_min", "age_max")),
            service_factory(id="tight", age_min=12, age_max=16),
        ],
    )
    assert ids(find(empty_engine, age=14, borough="Hackney", concerns=["anxiety"])) == [
        "tight",
        "wide",
        "no-ages",
    ]


def test_rank_24_7_first_only_when_urgent(empty_engine, tmp_path, service_factory, services_writer):
    _load(
        empty_engine,
        tmp_path,
        services_writer,
        [
            service_factory(id="local-daytime", areas=["Hackney"], concerns=["self_harm", "anxiety"]),
            service_factory(
                id="national-24-7", areas=["National"], concerns=["self_harm", "anxiety"], is_24_7=True
            ),
        ],
    )
    assert ids(find(empty_engine, age=14, borough="Hackney", concerns=["self_harm"])) == [
        "national-24-7",
        "local-daytime",
    ]
    assert ids(find(empty_engine, age=14, borough="Hackney", concerns=["anxiety"])) == [
        "local-daytime",
        "national-24-7",
    ]


def test_rank_parent_services_first_for_parents(empty_engine, tmp_path, service_factory, services_writer):
    _load(
        empty_engine,
        tmp_path,
        services_writer,
        [
            service_factory(id="youth-local", areas=["Hackney"], audiences=["young_person"]),
            service_factory(id="parents-national", areas=["National"], audiences=["parent"]),
        ],
    )
    assert ids(find(empty_engine, age=14, borough="Hackney", concerns=["anxiety"], role="parent")) == [
        "parents-national",
        "youth-local",
    ]
    assert ids(find(empty_engine, age=14, borough="Hackney", concerns=["anxiety"])) == ["youth-local"]


def test_unstated_route_is_only_a_professional_route(
    empty_engine, tmp_path, service_factory, services_writer
):
    _load(empty_engine, tmp_path, services_writer, [service_factory(id="unknown-way-in", how_to_refer=[])])
    query = dict(age=14, borough="Hackney", concerns=["anxiety"])
    assert find(empty_engine, **query) == []
    with session_scope(empty_engine) as session:
        routes = professional_routes(session, MatchQuery(**query))
    assert ids(routes) == ["unknown-way-in"]
    assert routes[0].reason == "in Hackney, for ages up to 18, ask your GP or school how to get help here"
    assert ids(find(empty_engine, role="professional", **query)) == ["unknown-way-in"]


# --- referral filter, paging and counting (used by the API) -----------------------------------------------


def test_referral_filter_keeps_only_that_way_in(loaded_engine):
    base = dict(age=14, borough="Hackney", concerns=["anxiety"])
    for referral, routes in vocab.REFERRAL_FILTERS.items():
        for role in ("young_person", "parent", "professional"):
            results = find(loaded_engine, limit=50, role=role, referral=referral, **base)
            assert all(set(r.how_to_refer) & routes for r in results), (referral, role, ids(results))
    self_only = ids(find(loaded_engine, limit=50, referral="self", **base))
    assert "kooth-city-hackney" in self_only and "elft-specialist-camhs-city-hackney" not in self_only


def test_asking_for_professional_routes_shows_referral_only_services_to_a_young_person(loaded_engine):
    results = find(
        loaded_engine, limit=50, age=14, borough="Hackney", concerns=["anxiety"], referral="professional"
    )
    assert "elft-specialist-camhs-city-hackney" in ids(results)  # referral-only: hidden without the filter
    assert "first-steps" in ids(results)  # self, drop-in and professional
    assert "kooth-city-hackney" not in ids(results)  # online and self only


def test_pages_are_slices_of_one_ranking_and_the_count_matches(loaded_engine):
    query = MatchQuery(age=14, borough="Westminster", concerns=["anxiety"], role="parent")
    with session_scope(loaded_engine) as session:
        everything = find_services(session, query, limit=200)
        total = count_services(session, query)
        pages = [find_services(session, query, limit=4, offset=offset) for offset in range(0, total + 4, 4)]
    assert total == len(everything) > 8
    assert [r.id for page in pages for r in page] == ids(everything)
    assert pages[-1] == []


@pytest.mark.parametrize(
    "query",
    [
        MatchQuery(age=15, borough="Hackney", concerns=["self_harm"]),
        MatchQuery(borough="Outside London"),
        MatchQuery(age=9, borough="Lambeth", role="parent", referral="parent"),
        MatchQuery(age=17, borough="Kensington and Chelsea", role="professional"),
    ],
)
def test_count_agrees_with_the_full_list(loaded_engine, query):
    with session_scope(loaded_engine) as session:
        assert count_services(session, query) == len(find_services(session, query, limit=500))


def test_bad_referral_and_offset_fail_loudly(loaded_engine):
    with session_scope(loaded_engine) as session:
        with pytest.raises(ValueError):
            find_services(session, MatchQuery(referral="email"))
        with pytest.raises(ValueError):
            find_services(session, MatchQuery(), offset=-1)


def test_urgency_comes_from_concerns_yml_not_code(
    empty_engine, tmp_path, service_factory, services_writer, monkeypatch
):
    """Marking a concern urgent in the data is enough to put 24/7 services first for it."""
    import dataclasses

    from directory import concerns as concerns_module

    _load(
        empty_engine,
        tmp_path,
        services_writer,
        [
            service_factory(id="local-daytime", areas=["Hackney"]),
            service_factory(id="national-24-7", areas=["National"], is_24_7=True),
        ],
    )
    query = dict(age=14, borough="Hackney", concerns=["anxiety"])
    assert ids(find(empty_engine, **query)) == ["local-daytime", "national-24-7"]
    real = concerns_module.load_concerns()
    patched = {code: dataclasses.replace(c, urgent=(code == "anxiety")) for code, c in real.items()}
    monkeypatch.setattr(concerns_module, "load_concerns", lambda: patched)
    assert ids(find(empty_engine, **query)) == ["national-24-7", "local-daytime"]


def test_rank_local_related_before_national_exact(empty_engine, tmp_path, service_factory, services_writer):
    """Documented choice: a local service for a related concern comes before a national one for the exact
    concern (rule 4 before rule 5); general-only local services do not (rule 2)."""
    _load(
        empty_engine,
        tmp_path,
        services_writer,
        [
            service_factory(id="national-exact", areas=["National"], concerns=["anxiety"]),
            service_factory(id="local-related", areas=["Hackney"], concerns=["school_stress"]),
            service_factory(id="local-general", areas=["Hackney"], concerns=["general"]),
        ],
    )
    results = find(empty_engine, age=14, borough="Hackney", concerns=["anxiety"])
    assert ids(results) == ["local-related", "national-exact", "local-general"]
    assert [r.concern_match for r in results] == ["related", "exact", "general"]
    assert [r.locality for r in results] == ["local", "national", "local"]


def test_rank_self_referral_before_professional_only_when_a_young_person_asks_for_referrals(
    empty_engine, tmp_path, service_factory, services_writer
):
    """Without the filter a young person never sees professional-only services; asking for professional routes
    shows them, still after services they could also get into by themselves."""
    _load(
        empty_engine,
        tmp_path,
        services_writer,
        [
            service_factory(id="professional-only", how_to_refer=["professional"], age_min=12, age_max=16),
            service_factory(id="self-or-professional", how_to_refer=["self", "professional"]),
        ],
    )
    query = dict(age=14, borough="Hackney", concerns=["anxiety"])
    assert ids(find(empty_engine, **query)) == ["self-or-professional"]
    assert ids(find(empty_engine, referral="professional", **query)) == [
        "self-or-professional",
        "professional-only",
    ]
    assert ids(find(empty_engine, referral="professional", role="professional", **query)) == [
        "professional-only",
        "self-or-professional",
    ]  # professionals: tighter age fit decides
