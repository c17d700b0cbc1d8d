"""Eligibility is decided twice: by SQL in matching (directory.queries) and, when the database is down, by
directory.fallback in Python. Both must give the same answer for every service, role, age and area."""

from __future__ import annotations

from typing import Optional, Set

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine

from directory import fallback, places, queries, vocab
from directory.concerns import bit_order
from directory.models import SearchEntry, SupersededArea
from directory.records import ServiceRecord, read_services

AGES: list[Optional[int]] = [None, *range(0, 31), 35, 60, vocab.ALL_AGES_MAX]
EVERY_CONCERN = vocab.bits(bit_order(), bit_order())


def sql_eligible(
    engine: Engine, role: str, age: Optional[int], areas: list[str], borough: Optional[str]
) -> Set[str]:
    """The services matching's SQL lets through, every concern wanted (the fallback ignores concerns)."""
    statement = queries._eligible([SearchEntry.service_id], role, referral_only=False, referral=None)
    params = {
        "areas": areas,
        "wanted": EVERY_CONCERN,
        "age_low": 0 if age is None else age,
        "age_high": vocab.ALL_AGES_MAX if age is None else age,
        "borough": borough,
    }
    with engine.connect() as connection:
        return {row.service_id for row in connection.execute(statement, params)}


def national(record: ServiceRecord) -> bool:
    return record.scope in (vocab.SCOPE_NATIONAL, vocab.SCOPE_ONLINE)


@pytest.mark.parametrize("role", vocab.ROLES)
def test_sql_and_python_agree_on_every_service_and_age(loaded_engine: Engine, role: str) -> None:
    """Every service of the seed data, local ones too, with the area filter opened to every area."""
    records = read_services()
    every_area = sorted(
        {area for record in records for area in record.areas} | {vocab.NATIONAL, vocab.ONLINE}
    )
    for age in AGES:
        python = {r.id for r in records if fallback._usable(r, age, role)}
        assert sql_eligible(loaded_engine, role, age, every_area, None) == python, (role, age)


@pytest.mark.parametrize("area", [None, vocab.OUTSIDE_LONDON, vocab.NOT_GIVEN, *places.london_boroughs()])
def test_the_fallback_lists_what_matching_lists_nationally_for_every_area(
    loaded_engine: Engine, area: Optional[str]
) -> None:
    """For each place someone may give, the national and online services matching would show are the
    fallback's, less those that give way to a local variant in that borough (the fallback has no borough)."""
    borough = area if area in places.london_boroughs() else None
    with loaded_engine.connect() as connection:
        superseded = set(
            connection.scalars(select(SupersededArea.service_id).where(SupersededArea.area == borough))
        )
    national_ids = {r.id for r in read_services() if national(r)}
    areas = [vocab.NATIONAL, vocab.ONLINE] + ([borough] if borough else [])
    for role in vocab.ROLES:
        for age in AGES[::3]:
            listed = {item["id"] for item in fallback.national_services(age, role)}
            sql = sql_eligible(loaded_engine, role, age, areas, borough) & national_ids
            assert sql == listed - superseded, (area, role, age)


def grid_services(service_factory) -> list[dict]:
    """Every combination of audiences, way in and age range, as national services (the seed data does not
    hold every combination: a parent-only way in, say)."""
    audiences = [[a for i, a in enumerate(vocab.AUDIENCES) if mask >> i & 1] for mask in range(1, 8)]
    routes = [[route] for route in vocab.REFERRAL_ROUTES] + [["professional", "gp"]]
    ages = [(None, None), (0, 10), (4, 18), (11, 25), (18, 25), (16, None), (None, 12)]
    services = []
    for a, audience in enumerate(audiences):
        for r, route in enumerate(routes):
            for g, (low, high) in enumerate(ages):
                unstated = tuple(key for key, value in (("age_min", low), ("age_max", high)) if value is None)
                given = {
                    key: value for key, value in (("age_min", low), ("age_max", high)) if value is not None
                }
                services.append(
                    service_factory(
                        drop=unstated,
                        id=f"grid-{a}-{r}-{g}",
                        name=f"Grid service {a} {r} {g}",
                        areas=["National"],
                        audiences=audience,
                        how_to_refer=route,
                        **given,
                    )
                )
    return services


def test_sql_and_python_agree_on_a_grid_of_every_audience_route_and_age_range(
    empty_engine: Engine, services_writer, service_factory, tmp_path
) -> None:
    from directory.loader import load_directory

    services = grid_services(service_factory)
    services_writer(tmp_path / "services", {"grid.yml": services})
    load_directory(empty_engine, tmp_path / "services")
    records = read_services(tmp_path / "services")
    assert len(records) == len(services) and {r.age_min for r in records} >= {None, 0, 16}
    for role in vocab.ROLES:
        for age in AGES:
            python = {r.id for r in records if fallback._usable(r, age, role)}
            sql = sql_eligible(empty_engine, role, age, [vocab.NATIONAL, vocab.ONLINE], None)
            assert sql == python, (role, age)
