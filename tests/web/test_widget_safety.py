"""The widget on a shared computer and when the assistant cannot answer (issues 15 and 16), in Chromium.

Ending a chat deletes it on the server (read back from the real tracker store) and in the browser; kiosk
mode ends an idle chat by itself and keeps nothing across a reload; the crisis numbers appear by themselves
when the assistant cannot be reached, is slow, or the connection drops; the phone view is a modal dialog.
"""

from __future__ import annotations

import os
import re
from typing import Any, Dict, Iterator

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from tests.support.servers import AssistantProcesses, free_port
from tests.web.chat import FOCUSED_JS, Chat
from tests.web.conftest import NEUTRAL_URL, screenshot
from tests.web.stub_assistant import StubAssistant
from web.demo_server import DemoServer

pytestmark = [pytest.mark.e2e]

STORAGE_KEY = "wellbeingChat.sessionId"
OFFLINE = ".cw-offline"
NUMBERS = ["tel:999", "tel:111", "tel:08001111", "sms:85258?&body=SHOUT"]


def session_storage(page: Page) -> Dict[str, str]:
    return page.evaluate("() => Object.fromEntries(Object.entries(sessionStorage))")


@pytest.fixture
def tracker_rows(request: pytest.FixtureRequest) -> Any:
    """Counts the tracker store's events whose data contains a text (the test session's own SQLite store)."""
    if os.environ.get("E2E_RASA_URL"):
        pytest.skip("reads the test session's own tracker store, not that of E2E_RASA_URL")
    assistant: AssistantProcesses = request.getfixturevalue("assistant")

    def count(text: str) -> int:
        engine = sa.create_engine(assistant.env["TRACKER_DB_URL"])
        try:
            with engine.connect() as connection:
                return connection.execute(
                    sa.text("SELECT count(*) FROM events WHERE data LIKE :t"), {"t": f"%{text}%"}
                ).scalar_one()
        finally:
            engine.dispose()

    return count


@pytest.fixture
def silent() -> Iterator[DemoServer]:
    """The demo page talking to an assistant that accepts the conversation and never answers."""
    stub = StubAssistant().start()
    server = DemoServer(rasa_url=stub.url).start()
    server.stub = stub  # type: ignore[attr-defined]
    try:
        yield server
    finally:
        server.stop()
        stub.stop()


# ---------------------------------------------------------------------------------------------------- ending
@pytest.mark.model
@pytest.mark.server
def test_end_chat_deletes_the_conversation_here_and_on_the_server(
    page: Page, demo: Any, tracker_rows: Any
) -> None:
    page.goto(demo.url)
    chat = Chat(page)
    chat.open()
    chat.say("I am 15 and my name is zqendchat")
    assert tracker_rows("zqendchat") > 0
    assert list(session_storage(page)) == [STORAGE_KEY]
    page.get_by_role("button", name="End chat").click()
    expect(page.locator(".cw-msg--bot", has_text="has ended")).to_be_visible(timeout=15_000)
    assert session_storage(page) == {}, "nothing kept in the browser"
    assert page.evaluate("() => localStorage.length") == 0
    assert tracker_rows("zqendchat") == 0, "deleted from the tracker store"
    expect(page.locator(".cw-msg--user")).to_have_count(0)
    screenshot(page, "10-chat-ended")
    page.reload()
    Chat(page).launcher.click()
    expect(page.locator(".cw-msg--bot", has_text="carry on where you left off")).to_have_count(0)


@pytest.mark.model
@pytest.mark.server
def test_quick_exit_deletes_the_conversation_on_the_server(page: Page, demo: Any, tracker_rows: Any) -> None:
    page.goto(demo.url)
    chat = Chat(page)
    chat.open()
    chat.say("I feel anxious zqquickexit")
    assert tracker_rows("zqquickexit") > 0
    page.get_by_role("button", name="Quick exit").click()
    expect(page).to_have_url(re.compile(re.escape(NEUTRAL_URL)), timeout=15_000)
    assert tracker_rows("zqquickexit") == 0, "deleted before the page left (the exit waits for it)"


@pytest.mark.model
@pytest.mark.server
def test_kiosk_mode_ends_an_idle_chat_and_keeps_nothing(page: Page, demo: Any, tracker_rows: Any) -> None:
    page.goto(f"{demo.url}/kiosk?idle=0.1")  # six idle seconds instead of ten minutes
    chat = Chat(page)
    chat.open()
    chat.say("I feel low zqkiosk")
    assert session_storage(page) == {}, "kiosk mode keeps no conversation id, so a reload starts afresh"
    assert tracker_rows("zqkiosk") > 0
    expect(page.locator(".cw-msg--bot", has_text="nobody used it")).to_be_visible(timeout=30_000)
    assert tracker_rows("zqkiosk") == 0, "deleted from the tracker store"
    expect(page.locator(".cw-msg--user")).to_have_count(0)
    screenshot(page, "11-kiosk-idle-ended")


# ---------------------------------------------------------------------------------------------------- crisis numbers
def offline_links(page: Page) -> list:
    return page.locator(f"{OFFLINE} .cw-crisis__action").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )


def test_crisis_numbers_show_when_the_assistant_cannot_be_reached(page: Page) -> None:
    server = DemoServer(rasa_url=f"http://127.0.0.1:{free_port()}").start()  # nothing listens there
    try:
        page.goto(server.url)
        Chat(page).launcher.click()
        expect(page.locator(OFFLINE)).to_be_visible(timeout=20_000)
        assert offline_links(page) == NUMBERS
        page.get_by_label("Choose your London borough").select_option("Brent")
        local = page.locator(".cw-local-line a")
        expect(local).to_have_attribute("href", "tel:08000234650")
        page.get_by_label("Choose your London borough").select_option("Bexley")
        expect(page.locator(".cw-local-line")).to_contain_text("111")
        screenshot(page, "12-offline-crisis-numbers")
    finally:
        server.stop()


def test_crisis_numbers_show_when_a_reply_takes_more_than_ten_seconds(page: Page, silent: Any) -> None:
    page.clock.install()  # the page's timers move when the test says
    page.goto(silent.url)
    Chat(page).launcher.click()  # sends the opening message, which the silent assistant never answers
    expect(page.locator(".wellbeing-chat-host")).to_have_attribute("data-connection", "up", timeout=15_000)
    page.clock.run_for(9_000)
    expect(page.locator(OFFLINE)).to_have_count(0)  # not at once: the assistant may still answer
    page.clock.run_for(1_500)
    expect(page.locator(OFFLINE)).to_be_visible()
    assert offline_links(page) == NUMBERS


def test_a_dropped_connection_shows_reconnecting_and_the_numbers(page: Page, silent: Any) -> None:
    page.goto(silent.url)
    chat = Chat(page)
    chat.launcher.click()
    host = page.locator(".wellbeing-chat-host")
    expect(host).to_have_attribute("data-connection", "up", timeout=15_000)
    silent.stub.stop()
    expect(host).to_have_attribute("data-connection", "reconnecting", timeout=30_000)
    expect(page.locator(".cw-status")).to_contain_text("Trying to reconnect")
    expect(page.locator(OFFLINE)).to_be_visible()
    chat.input.fill("hello?")
    chat.input.press("Enter")
    expect(page.locator(".cw-msg--user", has_text="hello?")).to_be_visible()
    expect(page.locator(".cw-status")).to_have_text(re.compile("Trying to reconnect"))  # never "typing"
    screenshot(page, "13-reconnecting")


# ---------------------------------------------------------------------------------------------------- phone view
@pytest.mark.browser_context(viewport={"width": 375, "height": 667}, is_mobile=True, has_touch=True)
def test_the_phone_view_is_a_modal_dialog(page: Page, silent: Any) -> None:
    page.goto(silent.url)
    chat = Chat(page)
    chat.launcher.click()
    expect(chat.panel).to_have_attribute("aria-modal", "true")
    assert page.evaluate("() => document.querySelector('main').inert"), "the page behind is inert"
    for _ in range(25):
        page.keyboard.press("Tab")
        inside = page.evaluate(
            "() => document.activeElement === document.querySelector('.wellbeing-chat-host')"
        )
        assert inside, page.evaluate(f"() => ({FOCUSED_JS})()?.outerHTML")
    page.keyboard.press("Escape")
    expect(chat.panel).to_be_hidden()
    assert not page.evaluate("() => document.querySelector('main').inert")
    assert page.locator(".cw-panel").get_attribute("aria-modal") is None


def test_phone_numbers_are_tel_and_text_numbers_sms_links(page: Page) -> None:
    stub = StubAssistant([{"text": "Text SHOUT to 85258, or call Childline on 0800 1111."}]).start()
    server = DemoServer(rasa_url=stub.url).start()
    try:
        page.goto(server.url)
        chat = Chat(page)
        chat.open()
        links = page.locator(".cw-msg--bot a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
        assert links == ["sms:85258?&body=SHOUT", "tel:08001111"], links
    finally:
        server.stop()
        stub.stop()


def test_the_help_card_says_how_to_hide_the_visit(page: Page, silent: Any) -> None:
    page.goto(silent.url)
    Chat(page).launcher.click()
    page.get_by_role("button", name="Need help now?").click()
    advice = page.locator(".cw-privacy")
    expect(advice).to_contain_text("private window")
    expect(advice).to_contain_text("history")
    expect(page.locator(".cw-notice")).to_contain_text("Alt and X keys together")


def test_end_chat_never_claims_a_deletion_the_server_did_not_confirm(page: Page, silent: Any) -> None:
    page.goto(silent.url)
    Chat(page).launcher.click()
    expect(page.locator(".wellbeing-chat-host")).to_have_attribute("data-connection", "up", timeout=15_000)
    page.get_by_role("button", name="End chat").click()
    expect(page.locator(".cw-msg--bot", has_text="could not confirm")).to_be_visible(timeout=10_000)
    expect(page.locator(".cw-msg--bot", has_text="has been deleted")).to_have_count(0)
    assert session_storage(page) == {}
