"""Per-client limits: a sliding window per conversation and per address; one client's excess is its own."""

from __future__ import annotations

from types import SimpleNamespace

from bot.server.rate_limit import ClientLimits, SlidingWindowLimit, client_address


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_window_allows_the_limit_then_refuses_until_time_passes() -> None:
    clock = Clock()
    limit = SlidingWindowLimit(10, 10.0, clock)
    assert all(limit.allow("a") for _ in range(10))
    assert not limit.allow("a")
    assert limit.allow("b"), "another key is not affected"
    clock.now = 10.5
    assert limit.allow("a")


def test_per_address_limit_covers_many_conversations(monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setenv("RATE_LIMIT_PER_ADDRESS", "5")
    limits = ClientLimits()
    assert all(limits.allow(f"conversation-{n}", "10.0.0.9") for n in range(5))
    assert not limits.allow("conversation-new", "10.0.0.9")
    assert limits.allow("conversation-new", "10.0.0.10")


def test_client_address_trusts_a_header_only_when_configured(monkeypatch) -> None:  # noqa: ANN001
    request = SimpleNamespace(ip="10.1.1.1", headers={"X-Real-IP": "203.0.113.5"})
    monkeypatch.delenv("CLIENT_ADDRESS_HEADER", raising=False)
    assert client_address(request) == "10.1.1.1"
    monkeypatch.setenv("CLIENT_ADDRESS_HEADER", "X-Real-IP")
    assert client_address(request) == "203.0.113.5"
