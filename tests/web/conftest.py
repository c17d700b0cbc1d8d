"""Fixtures for the widget's end-to-end tests: Debian's Chromium driven by Playwright, the demo page on a free
port, and the real Rasa and action servers (the session fixture `assistant`).

No browser is downloaded: Playwright's bundled driver starts /usr/bin/chromium (`make test` installs it with
tests/install_system_packages.sh when it runs as root). Each test gets a new browser context, so a fresh
profile state (session storage, history) per test.

`E2E_RASA_URL=http://localhost:5005 .venv/bin/python -m pytest -m e2e` runs them against an assistant that is
already running (`make run`) instead of starting one.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Iterator, List

import pytest

from bot.server.settings import ROOT
from tests.support.servers import AssistantProcesses
from web.demo_server import DemoServer

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = ROOT / "results" / "e2e"
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
# The widget's default quick-exit page. Tests answer it locally (no network): see `page`.
NEUTRAL_URL = "https://www.bbc.co.uk/weather"
NEUTRAL_PAGE = "<!doctype html><html lang=en><title>Weather</title><h1>Weather</h1></html>"


def chromium_path() -> str:
    path = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
    if not path:
        pytest.skip(
            "Chromium is not installed. Install it with `apt-get install -y chromium` (as root), or run "
            "`make test` as root, which does that (tests/install_system_packages.sh)"
        )
    return path


@pytest.fixture(scope="package")
def browser() -> Iterator[object]:
    """Chromium for the e2e tests only: package scope, because Playwright's sync API keeps its own event loop
    running while it is open, and asyncio tests that run after tests/web need the loop free."""
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    with sync_playwright() as playwright:
        # launch() gives every run a new temporary profile (a fresh user data dir), removed on close.
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="session")
def rasa_url(request: pytest.FixtureRequest) -> str:
    """The Rasa server the widget talks to: E2E_RASA_URL, or the test session's own (fixture `assistant`)."""
    external = os.environ.get("E2E_RASA_URL")
    if external:
        return external.rstrip("/")
    assistant: AssistantProcesses = request.getfixturevalue("assistant")
    return assistant.url


@pytest.fixture(scope="session")
def demo(rasa_url: str) -> Iterator[DemoServer]:
    """The demo page as `make run` serves it (strict CSP), talking to the test's Rasa server."""
    server = DemoServer(rasa_url=rasa_url, csp=True).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def demo_without_csp(rasa_url: str) -> Iterator[DemoServer]:
    """The demo page without a CSP: injection tests must see what the widget itself does, and a CSP would
    block an injected inline handler even if the widget inserted it."""
    server = DemoServer(rasa_url=rasa_url, csp=False).start()
    try:
        yield server
    finally:
        server.stop()


class PageProblems:
    """Console errors, uncaught exceptions and CSP reports seen by a page."""

    def __init__(self) -> None:
        self.errors: List[str] = []

    def watch(self, page: object) -> None:
        page.on("console", lambda msg: msg.type == "error" and self.errors.append(f"console: {msg.text}"))
        page.on("pageerror", lambda error: self.errors.append(f"page error: {error}"))


@pytest.fixture
def problems() -> PageProblems:
    return PageProblems()


@pytest.fixture
def context(browser: object, request: pytest.FixtureRequest) -> Iterator[object]:
    """A new browser context (own storage and history); options from `@pytest.mark.browser_context(...)`."""
    marker = request.node.get_closest_marker("browser_context")
    options = {"viewport": {"width": 1280, "height": 800}, **(marker.kwargs if marker else {})}
    ctx = browser.new_context(**options)
    ctx.set_default_timeout(30_000)
    # The quick exit's neutral site, answered locally: the machine has no internet, and the test only
    # needs to see that the browser went there.
    ctx.route(
        f"{NEUTRAL_URL}**",
        lambda route: route.fulfill(status=200, content_type="text/html", body=NEUTRAL_PAGE),
    )
    try:
        yield ctx
    finally:
        ctx.close()


@pytest.fixture
def page(context: object, problems: PageProblems) -> object:
    new_page = context.new_page()
    problems.watch(new_page)
    return new_page


def screenshot(page: object, name: str) -> Path:
    """Save a screenshot of the page under results/e2e/ (kept as evidence of the main states)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path
