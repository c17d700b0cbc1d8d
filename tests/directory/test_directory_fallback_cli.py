"""The database-free fallback and the command line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from directory import cli
from directory.fallback import national_services
from directory.matching import PAYLOAD_KEYS

ROOT = Path(__file__).resolve().parents[2]


def test_fallback_lists_national_and_online_services_in_contract_shape():
    services = national_services()
    ids = [s["id"] for s in services]
    assert ids[:4] == ["nhs-111-mental-health", "childline", "shout", "samaritans"]
    assert {"kooth", "the-mix", "papyrus-hopeline247", "hub-of-hope"} <= set(ids)
    assert "youngminds-parents-helpline" not in ids  # parents only
    for service in services:
        assert tuple(service) == PAYLOAD_KEYS
        assert set(service["areas"]) <= {"National", "Online"}
    assert next(s for s in services if s["id"] == "childline")["phone"] == "0800 1111"


def test_fallback_applies_age_and_role():
    assert "childline" not in [s["id"] for s in national_services(age=19)]
    assert "childline" in [s["id"] for s in national_services(age=18)]
    parent = [s["id"] for s in national_services(age=8, role="parent")]
    assert "youngminds-parents-helpline" in parent and "nspcc-helpline" in parent
    with pytest.raises(ValueError):
        national_services(role="teacher")


def test_fallback_never_touches_a_database():
    code = (
        "import sys, directory.fallback as f; f.national_services(); "
        "print('sqlalchemy' in sys.modules, 'directory.db' in sys.modules)"
    )
    run = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PYTHONPATH": str(ROOT), "DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"},
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["False", "False"]


@pytest.fixture(scope="module")
def cli_db(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('cli') / 'cli.db'}"
    assert cli.main(["load", "--database-url", url]) == 0
    return url


def test_cli_search_prints_ranked_results_with_reasons(cli_db, capsys):
    capsys.readouterr()
    assert (
        cli.main(
            [
                "search",
                "--age",
                "14",
                "--borough",
                "hackney",
                "--concern",
                "anxiety",
                "--database-url",
                cli_db,
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "1. Kooth (City and Hackney): in Hackney, for ages 11 to 19, you can refer yourself" in out
    assert "Ask your GP or school about:" in out and "Specialist CAMHS (City and Hackney)" in out


def test_cli_understands_synonyms_and_case(cli_db, capsys):
    assert (
        cli.main(
            [
                "search",
                "--age",
                "15",
                "--borough",
                "WESTMINSTER",
                "--concern",
                "panic",
                "--role",
                "young_person",
                "--database-url",
                cli_db,
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "borough: Westminster | concerns: anxiety" in out
    assert cli.main(["search", "--concern", "nonsense", "--database-url", cli_db]) == 2


def test_cli_outside_london_and_load_summary(cli_db, capsys):
    assert cli.main(["search", "--age", "15", "--borough", "Outside London", "--database-url", cli_db]) == 0
    out = capsys.readouterr().out
    assert "borough: Outside London" in out and "in Hackney" not in out


def test_normalise_borough():
    assert cli.normalise_borough("kensington AND chelsea") == "Kensington and Chelsea"
    assert cli.normalise_borough("outside london") == "Outside London"
    assert cli.normalise_borough(None) is None


def test_cli_module_runs(tmp_path):
    url = f"sqlite:///{tmp_path / 'm.db'}"
    run = subprocess.run(
        [sys.executable, "-m", "directory", "load", "--database-url", url],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("loaded ") and "Hackney:" in run.stdout
