"""Server-issued conversation ids: unguessable, signed, refused when forged, altered, foreign or expired."""

from __future__ import annotations

import re

from bot.server import conversation_ids

SECRET = b"s" * 40


def test_issued_ids_verify_and_carry_128_random_bits() -> None:
    first, second = conversation_ids.issue(SECRET), conversation_ids.issue(SECRET)
    assert first != second
    assert conversation_ids.verify(SECRET, first)
    issued, random_part, mac = first.split("-")
    assert re.fullmatch(r"[0-9a-f]{32}", random_part), "128 random bits as hex"
    assert re.fullmatch(r"[0-9a-f]{32}", mac)


def test_forged_altered_foreign_and_odd_ids_are_refused() -> None:
    good = conversation_ids.issue(SECRET)
    altered = good[:-1] + ("0" if good[-1] != "0" else "1")
    foreign = conversation_ids.issue(b"t" * 40)
    for candidate in ("me", "test-123", altered, foreign, "", None, 42, {"id": good}, good + "-x", "x" * 500):
        assert not conversation_ids.verify(SECRET, candidate), candidate


def test_ids_older_than_the_retention_period_are_refused() -> None:
    old = conversation_ids.issue(SECRET, now=1_000_000)
    assert conversation_ids.verify(SECRET, old, now=1_000_000 + 29 * 86_400)
    assert not conversation_ids.verify(SECRET, old, now=1_000_000 + 31 * 86_400)


def test_the_secret_must_be_long(monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setenv("CONVERSATION_ID_SECRET", "short")
    try:
        conversation_ids.load_secret()
    except RuntimeError as problem:
        assert "32" in str(problem)
    else:
        raise AssertionError("a short secret was accepted")
