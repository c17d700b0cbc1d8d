"""`python -m directory check`: the data-quality report, its error/warning split and its exit codes."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

from directory import cli
from directory.quality import ERROR, WARNING, check_records, never_shown, one_year_before
from directory.records import parse_documents, read_services

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "tests" / "data" / "openreferral" / "sample_feed.json"
TODAY = dt.date(2026, 11, 25)


def _records(service_factory, *services):
    return parse_documents({"made_up.yml": {"services": [service_factory(**s) for s in services]}})


def _kinds(report, level=None) -> list:
    return sorted((f.service_id, f.kind) for f in report.findings if level is None or f.level == level)


def test_the_seed_data_has_no_errors_today():
    report = check_records(read_services(), today=TODAY)
    assert report.exit_code == 0 and report.errors == []
    assert (
        report.lines()[0] == f"checked {len(read_services())} services (today 2026-11-25): 0 errors, "
        f"{len(report.warnings)} warnings"
    )
    hidden = {f.service_id for f in report.findings if f.kind == "never-shown"}
    assert "stay-alive-app" in hidden  # five 24/7 lines always come first for self-harm
    assert "childline" not in hidden and "kooth-city-hackney" not in hidden


@pytest.mark.parametrize(
    "verified, today, kind",
    [
        ("2025-11-25", TODAY, None),  # exactly 12 months: still fine
        ("2025-11-24", TODAY, "stale"),  # a day over
        ("2026-11-26", TODAY, "future-date"),
        ("2023-02-28", dt.date(2024, 2, 29), None),  # leap day: a year before is 28 February
    ],
)
def test_staleness_is_measured_from_an_injectable_today(service_factory, verified, today, kind):
    report = check_records(
        _records(
            service_factory, dict(last_verified=verified, contacts=[{"type": "phone", "value": "0800 1111"}])
        ),
        today=today,
        reach=False,
    )
    assert _kinds(report, ERROR) == ([("first-steps", kind)] if kind else [])
    assert report.exit_code == (1 if kind else 0)


def test_one_year_before_leap_day():
    assert one_year_before(dt.date(2024, 2, 29)) == dt.date(2023, 2, 28)
    assert one_year_before(TODAY) == dt.date(2025, 11, 25)


def test_missing_contacts_are_a_warning_that_says_what_people_are_told(service_factory):
    report = check_records(
        _records(
            service_factory,
            dict(id="self-but-how"),
            dict(id="referral-only", how_to_refer=["professional"]),
            dict(id="has-website", contacts=[{"type": "website", "value": "example.org"}]),
        ),
        today=TODAY,
        reach=False,
    )
    assert _kinds(report) == [("referral-only", "no-contact"), ("self-but-how", "no-contact")]
    messages = {f.service_id: f.message for f in report.findings}
    assert "told they can get in touch but not how" in messages["self-but-how"]
    assert "only told its name" in messages["referral-only"]
    assert report.exit_code == 0


def test_a_24_7_urgent_line_without_a_number_is_an_error(service_factory):
    report = check_records(
        _records(
            service_factory,
            dict(
                id="urgent-web-only",
                is_24_7=True,
                concerns=["self_harm"],
                contacts=[{"type": "website", "value": "a.org"}],
            ),
            dict(
                id="urgent-text",
                is_24_7=True,
                concerns=["self_harm"],
                contacts=[{"type": "text", "value": "85258", "label": "Text SHOUT to 85258"}],
            ),
            dict(id="daytime-web", concerns=["self_harm"], contacts=[{"type": "website", "value": "a.org"}]),
        ),
        today=TODAY,
        reach=False,
    )
    assert _kinds(report, ERROR) == [("urgent-web-only", "urgent-no-phone")]


@pytest.mark.parametrize(
    "overrides, expected",
    [
        (dict(audiences=["young_person"], age_min=0, age_max=9), "ends at 9"),
        (dict(audiences=["young_person", "parent"], age_min=19, age_max=25), "starts at 19"),
        (
            dict(audiences=["young_person"], age_min=0, age_max=120),
            "all ages (to 120) but for young people only",
        ),
        (dict(audiences=["parent"], age_min=18, age_max=25), "parent services store the child's ages"),
    ],
)
def test_age_ranges_that_look_wrong_are_warnings(service_factory, overrides, expected):
    report = check_records(
        _records(service_factory, dict(contacts=[{"type": "phone", "value": "111"}], **overrides)),
        today=TODAY,
        reach=False,
    )
    assert [(f.level, f.kind) for f in report.findings] == [(WARNING, "age")]
    assert expected in report.findings[0].message


@pytest.mark.parametrize(
    "overrides",
    [
        dict(age_min=8, age_max=25),
        dict(audiences=["parent"], age_min=0, age_max=17),
        dict(audiences=["young_person", "parent"], age_min=0, age_max=120),
    ],
)
def test_sensible_age_ranges_pass(service_factory, overrides):
    report = check_records(
        _records(service_factory, dict(contacts=[{"type": "phone", "value": "111"}], **overrides)),
        today=TODAY,
        reach=False,
    )
    assert report.findings == []


def test_never_shown_runs_the_real_matching(service_factory):
    """Five 24/7 self-harm lines come first for self-harm (an urgent concern), so a daytime service that lists
    only self-harm is never offered, even a local one; listing a second concern makes it reachable."""
    lines = [
        dict(id=f"line-{i}", areas=["National"], concerns=["self_harm"], is_24_7=True, age_min=0, age_max=25)
        for i in range(5)
    ]
    records = _records(
        service_factory,
        *lines,
        dict(id="daytime", areas=["National"], concerns=["self_harm"], age_min=0, age_max=25),
        dict(id="local-daytime", areas=["Hackney"], concerns=["self_harm"]),
        dict(id="local-two-concerns", areas=["Hackney"], concerns=["self_harm", "anxiety"]),
    )
    assert [r.id for r in never_shown(records)] == ["daytime", "local-daytime"]


def test_cli_check_exit_codes(tmp_path, service_factory, services_writer, capsys):
    services_writer(
        tmp_path / "fresh", {"a.yml": [service_factory(contacts=[{"type": "phone", "value": "111"}])]}
    )
    assert cli.main(["check", "--services-dir", str(tmp_path / "fresh"), "--today", "2026-11-25"]) == 0
    assert "0 errors, 0 warnings" in capsys.readouterr().out
    assert (
        cli.main(["check", "--services-dir", str(tmp_path / "fresh"), "--today", "2028-01-01", "--no-reach"])
        == 1
    )
    out = capsys.readouterr().out
    assert (
        "1 errors" in out and "ERROR   stale" in out and "a.yml: first-steps: last verified 2026-11-25" in out
    )
    services_writer(tmp_path / "bad", {"b.yml": [service_factory(age_min=19, age_max=18)]})
    assert cli.main(["check", "--services-dir", str(tmp_path / "bad")]) == 2
    assert "b.yml: service 'first-steps': age_min 19 > age_max 18" in capsys.readouterr().err


def test_cli_check_an_oruk_feed(capsys):
    assert cli.main(["check", "--oruk", str(SAMPLE), "--today", "2026-11-25"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("checked 5 services") and "sample_feed.json: first-steps: no phone" in out


def test_cli_import_export_round_trip(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert cli.main(["import", str(SAMPLE), "--dry-run"]) == 0
    assert (
        "ok: Open Referral UK 1.0 feed, 5 services in sample_feed.json; nothing was loaded"
        in capsys.readouterr().out
    )
    assert cli.main(["import", str(SAMPLE), "--database-url", url]) == 0
    out = capsys.readouterr().out
    assert "1.0 feed: 5 added, 0 updated, 0 unchanged, 1 refused, 0 removed" in out
    assert "loaded 5 services" in out and "left out as not running" in out and "hackney-portage" in out
    assert (
        cli.main(["export", "--database-url", url, "--out", str(tmp_path / "v1.json"), "--format", "1.0"])
        == 0
    )
    exported = json.loads((tmp_path / "v1.json").read_text(encoding="utf-8"))
    assert exported["totalElements"] == 5 and exported["content"][1]["id"] == "first-steps"
    assert cli.main(["export", "--database-url", url, "--out", str(tmp_path / "out.json")]) == 0
    exported = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert exported["total_items"] == 5 and exported["contents"][1]["x-directory"]["key"] == "first-steps"
    capsys.readouterr()
    assert (
        cli.main(["import", str(tmp_path / "out.json"), "--database-url", url]) == 0
    )  # our export reads back
    assert "3.0 feed: 0 added, 0 updated, 5 unchanged, 0 refused, 0 removed" in capsys.readouterr().out
    assert cli.main(["import", str(tmp_path / "v1.json"), "--database-url", url]) == 0  # and the 1.0 one
    bad = tmp_path / "bad.json"
    bad.write_text('{"content": [{"id": "x"}]}', encoding="utf-8")
    capsys.readouterr()
    assert cli.main(["import", str(bad), "--database-url", url]) == 2
    assert "bad.json: service 'x': name is missing [ORUK: name]" in capsys.readouterr().err


def test_cli_serve_answers_health(tmp_path):
    """`python -m directory serve` starts, answers /health, and stops on SIGTERM."""
    import signal
    import socket
    import time
    import urllib.request

    url = f"sqlite:///{tmp_path / 'serve.db'}"
    assert cli.main(["load", "--database-url", url]) == 0
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "directory", "serve", "--port", str(port), "--database-url", url],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline, body = time.monotonic() + 60, None
        while time.monotonic() < deadline and body is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as response:
                    body = json.loads(response.read())
            except OSError:
                time.sleep(0.3)
        assert body == {"status": "ok", "database": "ok"}
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    assert "GET /health 200" in output and process.returncode == 0
