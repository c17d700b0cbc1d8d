"""Driving the widget in a page the way a person does, with generous waits (the test machine is slow)."""

from __future__ import annotations

from typing import Any, Dict, List

from playwright.sync_api import Locator, Page, expect

REPLY_TIMEOUT_MS = 120_000  # one bot turn on a busy 2-core machine, with room to spare
QUIET_MS = 1_000

# The innermost focused element, through the widget's shadow root.
FOCUSED_JS = """() => {
  let el = document.activeElement;
  while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
  return el;
}"""


class Chat:
    def __init__(self, page: Page) -> None:
        self.page = page
        self.host = page.locator(".wellbeing-chat-host")
        self.launcher = page.get_by_role("button", name="Chat to us")
        self.panel = page.get_by_role("dialog", name="Wellbeing Hub chat")
        self.log = page.locator(".cw-log")
        self.input = page.get_by_role("textbox", name="Type your message")
        self.cards = page.locator(".cw-log .cw-card")

    # ---------------------------------------------------------------- state
    def turns(self) -> int:
        return int(self.host.get_attribute("data-turns") or 0)

    def transport(self) -> str:
        return self.host.get_attribute("data-transport") or ""

    def bot_texts(self) -> List[str]:
        return [self._without_label(t) for t in self.page.locator(".cw-msg--bot").all_text_contents()]

    def user_texts(self) -> List[str]:
        return [self._without_label(t) for t in self.page.locator(".cw-msg--user").all_text_contents()]

    @staticmethod
    def _without_label(text: str) -> str:
        for label in ("Assistant said: ", "You said: "):
            if text.startswith(label):
                return text[len(label) :]
        return text

    def focused(self) -> Dict[str, Any]:
        """Name, tag and focus ring of the focused element (inside the widget or on the page)."""
        return self.page.evaluate(f"""() => {{
          const el = ({FOCUSED_JS})();
          if (!el) return null;
          const style = getComputedStyle(el);
          return {{ tag: el.tagName.toLowerCase(), name: el.getAttribute('aria-label') || el.textContent.trim(),
                    href: el.getAttribute('href'), outline: style.outlineStyle, outlineWidth: style.outlineWidth,
                    shadow: style.boxShadow }};
        }}""")

    # ---------------------------------------------------------------- acting
    def open(self) -> None:
        self.launcher.click()
        self.wait_for_turns(1)

    def wait_for_turns(self, count: int) -> None:
        """Wait until `count` batches of bot messages have been drawn and the bot has gone quiet.

        Over socket.io one answer can arrive as several batches (the bot's actions follow each other with
        pauses on a busy machine), so the wait ends only after a second with nothing new."""
        expect(self.host).to_have_attribute("data-turns", _at_least(count), timeout=REPLY_TIMEOUT_MS)
        expect(self.page.locator(".cw-status")).to_have_text("", timeout=REPLY_TIMEOUT_MS)
        seen = -1
        while seen != self.turns():
            seen = self.turns()
            self.page.wait_for_timeout(QUIET_MS)

    def say(self, text: str) -> None:
        """Type a message, send it with Enter, and wait for the bot's answer."""
        before = self.turns()
        self.input.fill(text)
        self.input.press("Enter")
        self.wait_for_turns(before + 1)

    def choose(self, title: str) -> None:
        """Click a quick-reply button and wait for the answer."""
        before = self.turns()
        self.reply_button(title).click()
        self.wait_for_turns(before + 1)

    def reply_button(self, title: str) -> Locator:
        return self.page.locator(".cw-reply", has_text=title)

    def wait_for_cards(self) -> Locator:
        expect(self.cards.first).to_be_visible(timeout=REPLY_TIMEOUT_MS)
        return self.cards


def _at_least(count: int) -> Any:
    """A pattern for a decimal attribute value >= count (Playwright matches attributes by string or regex)."""
    import re

    digits = len(str(count))
    same_length = "|".join(str(n) for n in range(count, 10**digits))
    return re.compile(rf"^(?:{same_length}|\d{{{digits + 1},}})$")
