"""The bot's answer to "what happens to what I tell you?" / "who can see this?" matches docs/privacy.md and
the retention actually configured, in every audience's wording."""

from __future__ import annotations

import re

import pytest
import yaml

from bot.server.settings import ROOT
from ops.__main__ import DEFAULT_RETENTION_DAYS

ANSWERS = yaml.safe_load((ROOT / "domain.yml").read_text())["responses"]["utter_faq/privacy"]
PRIVACY_DOC = (ROOT / "docs" / "privacy.md").read_text()


def _audience(variation: dict) -> str:
    conditions = variation.get("condition") or []
    return ",".join(f"{c['name']}={c['value']}" for c in conditions) or "default"


@pytest.mark.parametrize("variation", ANSWERS, ids=_audience)
def test_each_audience_hears_how_long_who_and_that_nothing_is_shared(variation: dict) -> None:
    text = variation["text"]
    assert f"{DEFAULT_RETENTION_DAYS} days" in text, "how long it is kept, as the purge default"
    assert "deleted" in text
    assert re.search(r"\bonly\b", text, re.I), "who can see it"
    assert re.search(r"n't (share|tell)|not shared|nothing (is shared|goes)|isn't shared", text, re.I), text
    assert re.search(r"contacts? anyone|call anyone", text), "it never contacts anyone itself"


@pytest.mark.parametrize("variation", ANSWERS, ids=_audience)
def test_each_audience_hears_that_what_they_volunteer_stays_in_the_chat(variation: dict) -> None:
    """Identity or health details someone volunteers are used for matching in that conversation only (issue 14)."""
    assert re.search(r"(only used|used only) (to find|for matching)", variation["text"]), variation["text"]
    assert re.search(r"this chat|that conversation", variation["text"]), variation["text"]


def test_every_audience_has_its_own_answer() -> None:
    audiences = {_audience(v) for v in ANSWERS}
    assert {"age_band=child", "role=parent", "role=professional", "default"} <= audiences


def test_privacy_page_states_the_same_retention_and_the_places_that_make_it_true() -> None:
    assert f"{DEFAULT_RETENTION_DAYS} days" in PRIVACY_DOC
    for place in [
        "ops/",
        "bot/server/log_privacy.py",
        "sessionStorage",
        "RASA_TELEMETRY_ENABLED=false",
        "deploy/k8s/jobs.yaml",
    ]:
        assert place in PRIVACY_DOC, place
        path = place.split(" ")[0]
        if "/" in path:
            assert (ROOT / path).exists(), f"docs/privacy.md names {path}, which does not exist"


def test_the_scheduled_purges_use_the_same_retention() -> None:
    for path in ["deploy/k8s/jobs.yaml", "deploy/docker-compose.yml"]:
        text = (ROOT / path).read_text()
        assert re.search(rf'"--older-than-days",\s*"{DEFAULT_RETENTION_DAYS}"', text), path
