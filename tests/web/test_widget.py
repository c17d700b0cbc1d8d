"""The chat widget in a real browser (Debian's Chromium) against the real Rasa and action servers.

Each test opens the demo page that `make run` serves, talks to the bot through the widget as a person would,
and checks what the person sees. Screenshots of the main states go to results/e2e/.
"""

from __future__ import annotations

import json
import re
from typing import Any, Dict, List

import pytest
from playwright.sync_api import Page, Route, expect

from tests.web.chat import REPLY_TIMEOUT_MS, Chat
from tests.web.conftest import AXE, NEUTRAL_URL, SCREENSHOTS, PageProblems, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.model, pytest.mark.server]

ROLE_YOUNG_PERSON = "young person"  # part of the who-is-asking button's title (domain wording may change)
INJECTION = '<img src=x onerror="window.__injected = true">'
STORAGE_KEY = "wellbeingChat.sessionId"


def signpost_to_cards(chat: Chat, role: str = ROLE_YOUNG_PERSON) -> None:
    """The README's conversation: who it is for, age, borough, worry; ends with service cards."""
    chat.choose(role)
    chat.say("15")
    chat.say("Hackney")
    chat.say("I feel anxious")
    chat.wait_for_cards()


def session_storage(page: Page) -> Dict[str, str]:
    return page.evaluate("() => Object.fromEntries(Object.entries(sessionStorage))")


def no_injection_ran(page: Page) -> bool:
    return page.evaluate("() => window.__injected === undefined")


# ---------------------------------------------------------------------------------------------------- flows


def test_signposting_conversation_ends_in_service_cards(
    page: Page, demo: Any, problems: PageProblems
) -> None:
    page.goto(demo.url)
    chat = Chat(page)
    screenshot(page, "01-demo-page-closed")
    chat.open()
    assert chat.transport() == "socket.io", "the demo page talks to Rasa over socket.io"
    expect(chat.reply_button(ROLE_YOUNG_PERSON)).to_be_visible()
    screenshot(page, "02-greeting-with-buttons")

    button_title = chat.reply_button(ROLE_YOUNG_PERSON).text_content()
    signpost_to_cards(chat)
    assert chat.user_texts() == [button_title, "15", "Hackney", "I feel anxious"], (
        "a button shows its title as the person's message, never its payload"
    )
    cards = chat.cards
    assert 3 <= cards.count() <= 5
    names = [name.strip() for name in page.locator(".cw-card__name").all_text_contents()]
    assert all(names), names
    assert any("Hackney" in card for card in cards.all_text_contents()), "local services for Hackney"
    for card in cards.all():
        expect(card.locator(".cw-card__row", has_text="Who it's for:")).to_be_visible()
        expect(card.locator(".cw-card__row", has_text="How to get help:")).to_be_visible()
    for link in page.locator(".cw-card a[href^='tel:']").all():
        assert re.fullmatch(r"tel:\+?\d{3,15}", link.get_attribute("href"))
    websites = page.locator(".cw-card a[target='_blank']").all()
    assert websites, "at least one service has a website"
    for link in websites:
        assert link.get_attribute("href").startswith("https://")
        assert link.get_attribute("rel") == "noopener noreferrer"

    # The bot also lists each service as a line of text; the cards replace those lines.
    duplicated = [text for text in chat.bot_texts() for name in names if text.startswith(f"{name}:")]
    assert not duplicated, f"service lines shown next to their cards: {duplicated}"
    assert any("check the details" in text for text in chat.bot_texts()), "the rest of the answer is shown"
    page.locator(".cw-services").scroll_into_view_if_needed()
    screenshot(page, "03-service-cards")
    assert not problems.errors, problems.errors  # includes CSP violations on this strict-CSP page


def test_crisis_message_shows_the_crisis_card_and_every_crisis_line(
    page: Page, demo: Any, problems: PageProblems
) -> None:
    page.goto(demo.url)
    chat = Chat(page)
    chat.open()
    chat.say("i want to kill myself")
    card = page.locator(".cw-log .cw-crisis")
    expect(card).to_be_visible(timeout=REPLY_TIMEOUT_MS)
    expect(card).to_have_count(1)
    hrefs = [a.get_attribute("href") for a in card.locator("a").all()]
    assert hrefs == ["tel:999", "tel:111", "tel:08001111", "sms:85258?&body=SHOUT"]
    # All of the bot's crisis messages arrive over socket.io, not only the one before the payload.
    expect(page.locator(".cw-msg--bot", has_text="Childline")).to_be_visible(timeout=REPLY_TIMEOUT_MS)
    expect(page.locator(".cw-msg--bot", has_text="safe right now")).to_be_visible(timeout=REPLY_TIMEOUT_MS)
    card.scroll_into_view_if_needed()
    screenshot(page, "04-crisis-card")
    assert not problems.errors, problems.errors


def test_need_help_now_opens_the_crisis_card_at_any_time(page: Page, demo: Any) -> None:
    page.goto(demo.url)
    chat = Chat(page)
    chat.open()
    toggle = page.get_by_role("button", name="Need help now?")
    toggle.click()
    help_card = page.locator("#cw-help .cw-crisis")
    expect(help_card).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    assert chat.focused()["name"] == "You can get help right now", "focus moves to the card's heading"
    assert [a.get_attribute("href") for a in help_card.locator("a").all()][:3] == [
        "tel:999",
        "tel:111",
        "tel:08001111",
    ]
    screenshot(page, "05-need-help-now")
    page.keyboard.press("Escape")
    expect(help_card).to_be_hidden()
    expect(chat.panel).to_be_visible()


def test_rest_fallback_when_socketio_cannot_connect(page: Page, demo: Any, problems: PageProblems) -> None:
    page.route("**/socket.io/**", lambda route: route.abort())
    page.goto(demo.url)
    chat = Chat(page)
    chat.open()
    assert chat.transport() == "rest"
    signpost_to_cards(chat)
    assert 3 <= chat.cards.count() <= 5
    problems.errors[:] = [e for e in problems.errors if "socket.io" not in e and "ERR_FAILED" not in e]
    assert not problems.errors, problems.errors


def test_the_conversation_continues_on_the_next_page_without_showing_it(page: Page, demo: Any) -> None:
    """The session id in session storage carries the conversation across pages; no messages are stored."""
    page.goto(demo.url)
    chat = Chat(page)
    chat.open()
    chat.choose(ROLE_YOUNG_PERSON)
    session = session_storage(page)
    assert list(session) == [STORAGE_KEY]
    assert page.evaluate("() => localStorage.length") == 0, "nothing in local storage"

    page.reload()
    assert session_storage(page) == session
    chat = Chat(page)
    chat.launcher.click()
    expect(page.locator(".cw-msg--bot", has_text="carry on where you left off")).to_be_visible()
    expect(page.locator(".cw-msg--user")).to_have_count(0)
    chat.say("15")
    assert any("London" in text for text in chat.bot_texts()), "the form goes on to ask where they live"


# ---------------------------------------------------------------------------------------------------- quick exit


def _start_a_conversation(page: Page, demo: Any) -> Chat:
    page.goto(demo.url)
    chat = Chat(page)
    chat.open()
    chat.say("I feel anxious")
    assert STORAGE_KEY in session_storage(page)
    return chat


def _assert_left_without_a_trace(page: Page, demo: Any) -> None:
    expect(page).to_have_url(re.compile(re.escape(NEUTRAL_URL)), timeout=15_000)
    page.go_back()
    # Back does not return to the chat page (location.replace)
    expect(page).not_to_have_url(re.compile("^" + re.escape(demo.url)), timeout=5_000)
    page.goto(demo.url)  # same tab: same session storage as before the exit
    assert session_storage(page) == {}, "the session id is gone from session storage"
    chat = Chat(page)
    chat.launcher.click()
    expect(chat.panel).to_be_visible()
    expect(page.locator(".cw-msg--user")).to_have_count(0)


def test_quick_exit_button_leaves_and_clears_the_chat(page: Page, demo: Any) -> None:
    _start_a_conversation(page, demo)
    page.get_by_role("button", name="Quick exit").click()
    _assert_left_without_a_trace(page, demo)


def still_on_the_chat_page(page: Page) -> bool:
    """A quick exit removes the widget and hides the page in the key handler itself, before navigating."""
    return page.evaluate(
        "() => document.body.style.visibility !== 'hidden' && !!document.querySelector('.wellbeing-chat-host')"
    )


def test_escape_twice_is_a_quick_exit_and_once_only_closes(page: Page, demo: Any) -> None:
    page.clock.install()  # the page's Date.now() moves when the test says: no sleeping past the 1 s window
    chat = _start_a_conversation(page, demo)
    assert still_on_the_chat_page(page)
    page.keyboard.press("Escape")
    expect(chat.panel).to_be_hidden()
    page.clock.fast_forward(1500)  # a second press this much later is not a double press
    page.keyboard.press("Escape")
    assert still_on_the_chat_page(page), "single presses of Escape do not leave"
    page.clock.fast_forward(1500)
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    _assert_left_without_a_trace(page, demo)
    screenshot(page, "06-after-quick-exit")


# ---------------------------------------------------------------------------------------------------- keyboard


def test_keyboard_only_from_page_to_service_cards(page: Page, demo: Any) -> None:
    page.goto(demo.url)
    chat = Chat(page)
    for _ in range(40):  # Tab through the page to the chat button
        page.keyboard.press("Tab")
        if (chat.focused() or {}).get("name") == "Chat to us":
            break
    focused = chat.focused()
    assert focused["name"] == "Chat to us", focused
    assert focused["outline"] != "none", "visible focus on the chat button"
    page.keyboard.press("Enter")
    chat.wait_for_turns(1)
    assert chat.focused()["tag"] == "input", "opening the chat puts the cursor in the message box"

    for _ in range(10):  # back from the message box to the answer buttons
        page.keyboard.press("Shift+Tab")
        if ROLE_YOUNG_PERSON in chat.focused()["name"]:
            break
    assert ROLE_YOUNG_PERSON in chat.focused()["name"]
    assert chat.focused()["outline"] != "none"
    before = chat.turns()
    page.keyboard.press("Enter")
    chat.wait_for_turns(before + 1)
    assert chat.focused()["tag"] == "input", "after a button the cursor is back in the message box"
    for answer in ("15", "Hackney", "I feel anxious"):
        before = chat.turns()
        page.keyboard.type(answer)
        page.keyboard.press("Enter")
        chat.wait_for_turns(before + 1)
    chat.wait_for_cards()

    for _ in range(60):  # from the message box back into the cards, to a website or phone link
        page.keyboard.press("Shift+Tab")
        focused = chat.focused()
        if focused["tag"] == "a" and (focused["href"] or "").startswith(("https://", "tel:")):
            break
    assert focused["tag"] == "a", focused
    assert focused["outline"] != "none" and focused["outlineWidth"] != "0px", "visible focus on card links"
    screenshot(page, "07-keyboard-focus-on-a-card-link")


# ---------------------------------------------------------------------------------------------------- injection


def test_markup_typed_by_the_person_is_shown_as_text(page: Page, demo_without_csp: Any) -> None:
    page.goto(demo_without_csp.url)
    chat = Chat(page)
    chat.open()
    chat.say(INJECTION)
    assert chat.user_texts()[-1] == INJECTION
    assert page.locator(".wellbeing-chat-host img, .cw-log img").count() == 0
    page.wait_for_load_state("networkidle")  # anything the markup could have loaded or run has had its turn
    assert no_injection_ran(page)


HOSTILE_REPLIES: List[Dict[str, Any]] = [
    {
        "recipient_id": "x",
        "text": f"Hello {INJECTION} <b>bold</b> <script>window.__injected = 1</script>",
        "buttons": [{"title": f"Pick {INJECTION}", "payload": "/greet"}],
    },
    {"recipient_id": "x", "text": "Bad Service: one line the cards replace"},
    {
        "recipient_id": "x",
        "custom": {
            "type": "services",
            "services": [
                {
                    "id": "bad",
                    "name": "Bad Service",
                    "summary": INJECTION,
                    "age_min": 11,
                    "age_max": 18,
                    "areas": [INJECTION],
                    "concerns": [],
                    "how_to_refer": ["self", INJECTION],
                    "phone": f"0800 1111{INJECTION}",
                    "website": "javascript:window.__injected=1",
                    "hours": INJECTION,
                }
            ],
        },
    },
    {"recipient_id": "x", "custom": {"escalation": "crisis", "category": INJECTION}},
]


def test_markup_sent_by_the_bot_is_shown_as_text(page: Page, demo_without_csp: Any) -> None:
    """A compromised or mistaken server cannot run code in the page through the widget."""

    def hostile_server(route: Route) -> None:
        route.fulfill(
            status=200,
            content_type="application/json",
            body=json.dumps(HOSTILE_REPLIES),
            headers={"Access-Control-Allow-Origin": "*"},
        )

    page.route("**/socket.io/**", lambda route: route.abort())
    page.route("**/webhooks/rest/webhook", hostile_server)
    page.goto(demo_without_csp.url)
    chat = Chat(page)
    chat.open()
    assert chat.transport() == "rest"
    assert INJECTION in chat.bot_texts()[0] and "<script>" in chat.bot_texts()[0]
    expect(chat.reply_button("Pick")).to_have_text(f"Pick {INJECTION}")
    card = chat.cards.first
    expect(card).to_contain_text(INJECTION)
    assert card.locator("a").count() == 0, "no link from an unusable phone number or a javascript: URL"
    assert not any(text.startswith("Bad Service:") for text in chat.bot_texts())
    assert page.locator(".cw-log img, .cw-log script, .cw-log b").count() == 0
    page.wait_for_load_state("networkidle")  # anything the markup could have loaded or run has had its turn
    assert no_injection_ran(page)


# ---------------------------------------------------------------------------------------------------- layout, a11y


@pytest.mark.browser_context(viewport={"width": 320, "height": 640})
def test_works_at_320_css_pixels(page: Page, demo: Any) -> None:
    page.goto(demo.url)
    chat = Chat(page)
    chat.open()
    _assert_fits(page)
    screenshot(page, "08-width-320")


@pytest.mark.browser_context(viewport={"width": 640, "height": 400}, device_scale_factor=2)
def test_works_at_200_percent_zoom(page: Page, demo: Any) -> None:
    """200% zoom of a 1280 x 800 window is a 640 x 400 CSS-pixel viewport at twice the pixel density."""
    page.goto(demo.url)
    chat = Chat(page)
    chat.open()
    _assert_fits(page)
    page.get_by_role("button", name="Need help now?").click()
    expect(page.locator("#cw-help .cw-crisis__action").first).to_be_visible()
    screenshot(page, "09-zoom-200")


def _assert_fits(page: Page) -> None:
    viewport = page.viewport_size
    for control in ("Quick exit", "Need help now?", "Close chat", "Send"):
        box = page.get_by_role("button", name=control).bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"] + 0.5, control
        assert box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"] + 0.5, control
    overflow = page.evaluate("""() => {
      const root = document.querySelector('.wellbeing-chat-host').shadowRoot;
      return [...root.querySelectorAll('.cw-panel, .cw-log, .cw-header')]
        .filter((el) => el.scrollWidth > el.clientWidth + 1).map((el) => el.className);
    }""")
    assert not overflow, f"content wider than the chat: {overflow}"


@pytest.mark.browser_context(reduced_motion="reduce")
def test_respects_reduced_motion(page: Page, demo: Any) -> None:
    page.goto(demo.url)
    Chat(page).open()
    animation = page.evaluate("""() => getComputedStyle(document.querySelector('.wellbeing-chat-host')
        .shadowRoot.querySelector('.cw-panel')).animationName""")
    assert animation == "none"


@pytest.mark.browser_context(bypass_csp=True)  # axe is injected as an inline script
def test_axe_finds_no_serious_or_critical_violations(page: Page, demo: Any) -> None:
    page.goto(demo.url)
    chat = Chat(page)
    chat.open()
    results = {"greeting": _axe(page)}
    signpost_to_cards(chat)
    results["service cards"] = _axe(page)
    page.get_by_role("button", name="Need help now?").click()
    expect(page.locator("#cw-help .cw-crisis")).to_be_visible()
    results["crisis card"] = _axe(page)

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    report = {
        state: {
            "violations": [_summary(v) for v in found["violations"]],
            "passes": len(found["passes"]),
            "incomplete": [v["id"] for v in found["incomplete"]],
        }
        for state, found in results.items()
    }
    (SCREENSHOTS / "axe-report.json").write_text(json.dumps(report, indent=1))
    serious = {
        state: [v for v in found["violations"] if v["impact"] in ("serious", "critical")]
        for state, found in report.items()
    }
    assert not any(serious.values()), json.dumps(serious, indent=1)


def _axe(page: Page) -> Dict[str, Any]:
    if not page.evaluate("() => Boolean(window.axe)"):
        page.add_script_tag(path=str(AXE))
    return page.evaluate("""() => axe.run(document, {
        runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']},
        resultTypes: ['violations', 'incomplete'] })""")


def _summary(violation: Dict[str, Any]) -> Dict[str, Any]:
    return {
        "id": violation["id"],
        "impact": violation["impact"],
        "help": violation["help"],
        "targets": [node["target"] for node in violation["nodes"]][:5],
    }
